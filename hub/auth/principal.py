"""Who is asking: a role and a subject, with the service line and purpose they work under."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    SYSTEM = "system"
    CITIZEN = "citizen"
    ADMIN = "admin"


STAFF = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
"""People who read citizens' records for the council."""


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller. For the ``citizen`` role the subject is their own citizen id."""

    subject: str
    role: Role
    name: str | None = None
    line: str | None = None
    """The line of business (service) the person works on, e.g. council_tax; None = the role's default."""
    purpose: str | None = None
    """Why they are looking, when the token says; recorded with every audited read."""
    via: str = "token"
    """How they proved it: token, cookie (a signed-in browser) or api_key."""
    credential: str | None = None
    """The token itself, when signed in through a browser (the CSRF token derives from it)."""

    @property
    def actor(self) -> str:
        """How the audit and manual decisions name this caller, e.g. ``supervisor:s.jones``."""
        return f"{self.role.value}:{self.subject}"

    @property
    def display_name(self) -> str:
        return self.name or self.subject
