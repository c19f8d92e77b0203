"""Purpose and data-sharing rules: which source systems' data a caller may see, and whether they may see
a protected address. Pure: the rules are data, loaded once from settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from hub.access.defaults import DEFAULT_POLICY
from hub.auth.principal import Principal, Role
from hub.settings import Settings

ANY = "*"


class _Grant(BaseModel):
    agreement: str
    purposes: list[str] | None = Field(default=None, description="Only for these purposes; None = any")


class _Line(BaseModel):
    purposes: list[str] = Field(default_factory=list, description="The first is the default purpose")
    systems: dict[str, _Grant]


class _RoleRules(BaseModel):
    default_line: str | None = None
    lines: dict[str, _Line]


class _Protected(BaseModel):
    viewers: list[Role]
    ask: str


class PolicyFile(BaseModel):
    protected_address: _Protected
    roles: dict[Role, _RoleRules]


@dataclass(frozen=True, slots=True)
class Access:
    """What one caller may see: ``systems`` None means every system."""

    systems: frozenset[str] | None
    agreements: dict[str, str]
    line: str | None
    purpose: str | None
    protected_visible: bool
    ask: str

    def sees(self, system: str) -> bool:
        return self.systems is None or system in self.systems


class Policy:
    def __init__(self, rules: PolicyFile) -> None:
        self.rules = rules

    @property
    def ask(self) -> str:
        return self.rules.protected_address.ask

    def purposes(self, role: Role, line: str | None) -> list[str]:
        found = self._line(role, line)
        return list(found[1].purposes) if found else []

    def _line(self, role: Role, line: str | None) -> tuple[str | None, _Line] | None:
        role_rules = self.rules.roles.get(role)
        if role_rules is None:
            return None
        name = line or role_rules.default_line
        if name and name in role_rules.lines:
            return name, role_rules.lines[name]
        if ANY in role_rules.lines:
            return name, role_rules.lines[ANY]
        return None

    def access(self, principal: Principal) -> Access:
        """What ``principal`` may see. A role or line with no rules sees nothing."""
        protected = principal.role in self.rules.protected_address.viewers
        found = self._line(principal.role, principal.line)
        if found is None:
            return Access(frozenset(), {}, principal.line, principal.purpose, protected, self.ask)
        line_name, line = found
        purpose = principal.purpose or (line.purposes[0] if line.purposes else None)
        systems: set[str] = set()
        agreements: dict[str, str] = {}
        every = False
        for system, grant in line.systems.items():
            if grant.purposes is not None and purpose not in grant.purposes:
                continue
            agreements[system] = grant.agreement
            if system == ANY:
                every = True
            else:
                systems.add(system)
        return Access(
            None if every else frozenset(systems), agreements, line_name, purpose, protected, self.ask
        )


def load_policy(settings: Settings) -> Policy:
    """The rules from ``data_sharing_file``, or the defaults. A bad file is an error naming the field."""
    data: Any = DEFAULT_POLICY
    if settings.data_sharing_file is not None:
        try:
            data = json.loads(settings.data_sharing_file.read_text())
        except (OSError, ValueError) as error:
            raise ValueError(f"cannot read data_sharing_file: {error}") from None
    try:
        return Policy(PolicyFile.model_validate(data))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"data_sharing_file: {where}: {first['msg']}") from None
