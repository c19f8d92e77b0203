"""Signed bearer tokens (JWT) for people: agents, supervisors, admins and residents."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import jwt

from hub.auth.keys import signing_key, verification_key
from hub.auth.principal import Principal, Role
from hub.settings import Settings


class InvalidToken(ValueError):
    """The token is expired, forged, for another audience or missing a claim."""


def create_token(
    settings: Settings,
    role: Role,
    subject: str,
    *,
    name: str | None = None,
    line: str | None = None,
    purpose: str | None = None,
    ttl: timedelta | None = None,
    now: datetime | None = None,
) -> str:
    """A token for ``subject`` in ``role``. For a resident (``citizen``) the subject is their citizen id."""
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "role": role.value,
        "iat": issued,
        "exp": issued + (ttl or timedelta(minutes=settings.token_ttl_minutes)),
        "jti": uuid.uuid4().hex,
    }
    for claim, value in (("name", name), ("line", line), ("purpose", purpose)):
        if value:
            claims[claim] = value
    return jwt.encode(claims, signing_key(settings), algorithm=settings.jwt_algorithm)


class TokenVerifier:
    """Verifies tokens with the configured key (loaded once)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.key = verification_key(settings)

    def principal(self, token: str, via: str = "token") -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=[self.settings.jwt_algorithm],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(type(error).__name__) from None
        try:
            role = Role(str(claims.get("role")))
        except ValueError:
            raise InvalidToken("unknown role") from None
        subject = str(claims["sub"])
        if not subject:
            raise InvalidToken("empty subject")
        return Principal(
            subject=subject,
            role=role,
            name=_opt(claims.get("name")),
            line=_opt(claims.get("line")),
            purpose=_opt(claims.get("purpose")),
            via=via,
            credential=token if via == "cookie" else None,
        )


def _opt(value: Any) -> str | None:
    return str(value) if value else None


def sign_in_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/sign-in?{urlencode({'token': token})}"


def sign_in_links(settings: Settings, base_url: str, showcase_citizen_id: str | None) -> dict[str, str]:
    """Ready-made browser sign-in links for the demo: an agent, a supervisor, an admin and (when given)
    the showcase resident. Each link signs in and lands on that role's home page."""
    links = {
        # A benefits-line agent sees all three services under the default data-sharing rules.
        "agent": sign_in_link(
            base_url,
            create_token(
                settings, Role.AGENT, "agent.demo", name="Alex Agent (demo)", line="benefits",
                purpose="benefits_enquiry",
            ),
        ),
        # A council tax agent sees benefits only for council tax reduction: the rules at work.
        "agent, council tax line": sign_in_link(
            base_url,
            create_token(
                settings, Role.AGENT, "agent.ct.demo", name="Chris Agent (demo)", line="council_tax",
                purpose="council_tax_enquiry",
            ),
        ),
        "supervisor": sign_in_link(
            base_url, create_token(settings, Role.SUPERVISOR, "supervisor.demo", name="Sam Supervisor (demo)")
        ),
        "admin": sign_in_link(
            base_url, create_token(settings, Role.ADMIN, "admin.demo", name="Ari Admin (demo)")
        ),
    }  # fmt: skip
    if showcase_citizen_id:
        links["resident"] = sign_in_link(
            base_url, create_token(settings, Role.CITIZEN, showcase_citizen_id, name="Resident (demo)")
        )
    return links
