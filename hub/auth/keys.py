"""Token signing and verification keys, from settings.

With no secret configured, a development secret is generated once into the data directory and a loud
warning is logged every time a process loads it: fine for the demo on a laptop, never for a council.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import structlog

from hub.settings import Settings

log = structlog.get_logger("citizen_hub.auth")

DEV_SECRET_FILE = "dev-jwt-secret"
_warned: set[Path] = set()
_ASYMMETRIC = ("RS", "ES", "PS", "Ed")


class KeyMaterialError(RuntimeError):
    """The configured keys cannot sign or verify tokens."""


def _dev_secret(settings: Settings) -> str:
    path = settings.data_dir / DEV_SECRET_FILE
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    if path not in _warned:  # once per process, not once per token
        _warned.add(path)
        log.warning(
            "development_signing_secret",
            message="CITIZEN_HUB_JWT_SECRET is not set: tokens are signed with a development secret kept "
            "in the data directory. Set a real secret (or keys) before anyone else can reach this hub.",
            file=str(path),
        )
    return path.read_text().strip()


def _read(path: Path | None, what: str) -> str:
    if path is None:
        raise KeyMaterialError(f"{what} is not set")
    try:
        return path.read_text()
    except OSError as error:
        raise KeyMaterialError(f"cannot read {what} {path}: {error.strerror}") from None


def asymmetric(settings: Settings) -> bool:
    return settings.jwt_algorithm.startswith(_ASYMMETRIC)


def signing_key(settings: Settings) -> str:
    if asymmetric(settings):
        return _read(settings.jwt_private_key_file, "jwt_private_key_file")
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    return _dev_secret(settings)


def verification_key(settings: Settings) -> str:
    if asymmetric(settings):
        return _read(settings.jwt_public_key_file, "jwt_public_key_file")
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    return _dev_secret(settings)
