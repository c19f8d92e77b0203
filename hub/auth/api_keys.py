"""API keys for back-office systems. Settings hold only a SHA-256 of each key, never the key."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hub.auth.principal import Role

PREFIX = "chk_"


@dataclass(frozen=True, slots=True)
class ApiKey:
    name: str
    role: Role
    sha256: str


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """A fresh random key, shown once to whoever sets up the system."""
    return PREFIX + secrets.token_urlsafe(32)


def settings_entry(name: str, role: Role, key: str) -> str:
    """The ``api_keys`` entry for a key: ``name:role:sha256``."""
    return f"{name}:{role.value}:{digest(key)}"


def parse(entries: Iterable[str]) -> list[ApiKey]:
    """Settings entries to keys; a malformed entry is an error naming it (never its digest)."""
    keys: list[ApiKey] = []
    for index, entry in enumerate(entries):
        parts = entry.split(":")
        if len(parts) != 3 or len(parts[2]) != 64:
            raise ValueError(f"api_keys[{index}] is not name:role:sha256")
        name, role, sha = parts
        try:
            parsed_role = Role(role)
        except ValueError:
            raise ValueError(f"api_keys[{index}] ({name}) has an unknown role {role!r}") from None
        if parsed_role is Role.CITIZEN:
            raise ValueError(f"api_keys[{index}] ({name}): residents sign in with tokens, not API keys")
        keys.append(ApiKey(name, parsed_role, sha.lower()))
    return keys


def find(keys: Sequence[ApiKey], presented: str) -> ApiKey | None:
    """The key matching ``presented``, compared in constant time against every configured key."""
    wanted = digest(presented)
    found: ApiKey | None = None
    for key in keys:
        if hmac.compare_digest(key.sha256, wanted):
            found = key
    return found
