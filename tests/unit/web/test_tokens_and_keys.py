"""Tokens and API keys: what is accepted and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.auth import api_keys
from hub.auth.principal import Role
from hub.auth.tokens import InvalidToken, TokenVerifier, create_token, sign_in_links
from hub.settings import Settings

SECRET = "unit-test-secret-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"


def test_a_token_round_trips_with_its_claims() -> None:
    settings = Settings(jwt_secret=SECRET)
    token = create_token(settings, Role.AGENT, "a.khan", line="council_tax", purpose="council_tax_reduction")
    principal = TokenVerifier(settings).principal(token)
    assert (principal.subject, principal.role, principal.line, principal.purpose) == (
        "a.khan", Role.AGENT, "council_tax", "council_tax_reduction"
    )  # fmt: skip
    assert principal.actor == "agent:a.khan"


@pytest.mark.parametrize(
    "change",
    [
        {"jwt_secret": SECRET + "-other"},
        {"jwt_audience": "another-hub"},
        {"jwt_issuer": "someone-else"},
    ],
)
def test_a_token_for_another_key_audience_or_issuer_is_refused(change: dict[str, str]) -> None:
    token = create_token(Settings(jwt_secret=SECRET), Role.ADMIN, "x")
    with pytest.raises(InvalidToken):
        TokenVerifier(Settings(**{"jwt_secret": SECRET, **change})).principal(token)


def test_an_expired_token_is_refused() -> None:
    settings = Settings(jwt_secret=SECRET)
    token = create_token(settings, Role.AGENT, "x", now=datetime.now(UTC) - timedelta(days=2))
    with pytest.raises(InvalidToken, match="Expired"):
        TokenVerifier(settings).principal(token)


def test_without_a_secret_a_development_secret_is_generated_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    token = create_token(settings, Role.AGENT, "x")
    secret_file = tmp_path / "dev-jwt-secret"
    assert secret_file.stat().st_mode & 0o077 == 0
    assert TokenVerifier(Settings(data_dir=tmp_path)).principal(token).subject == "x"


def test_sign_in_links_for_the_demo() -> None:
    links = sign_in_links(Settings(jwt_secret=SECRET), "http://127.0.0.1:8000/", "c-123")
    assert set(links) == {"agent", "agent, council tax line", "supervisor", "admin", "resident"}
    assert all(link.startswith("http://127.0.0.1:8000/sign-in?token=") for link in links.values())
    token = links["resident"].split("token=")[1]
    assert TokenVerifier(Settings(jwt_secret=SECRET)).principal(token).subject == "c-123"


def test_api_keys_are_stored_as_digests_and_found_in_constant_time() -> None:
    key = api_keys.new_key()
    entry = api_keys.settings_entry("council_tax", Role.SYSTEM, key)
    assert key not in entry
    parsed = api_keys.parse([entry])
    found = api_keys.find(parsed, key)
    assert found is not None
    assert (found.name, found.role) == ("council_tax", Role.SYSTEM)
    assert api_keys.find(parsed, key + "x") is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [("nonsense", "not name:role:sha256"), ("x:wizard:" + "0" * 64, "unknown role"),
     ("x:citizen:" + "0" * 64, "residents sign in with tokens")],
)  # fmt: skip
def test_bad_api_key_entries_are_named(entry: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        api_keys.parse([entry])
