"""Every setting docker-compose.yml starts PostgreSQL with is one a real server knows, with a value it
accepts (the machine's PostgreSQL stands in for the compose image's): a mistyped name or an enum value
the server was not built with would stop the compose database from starting, with no test of ours to
see it, as no Docker engine runs here."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.support.fixtures import POSTGRES_ADMIN_DB, POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER
from tests.unit.test_compose import postgres_settings, services  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def server_settings(postgres_url: str) -> dict[str, tuple[str, list[str] | None]]:
    with psycopg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, dbname=POSTGRES_ADMIN_DB
    ) as conn:
        rows = conn.execute("SELECT name, vartype, enumvals FROM pg_settings").fetchall()
    return {name: (vartype, enumvals) for name, vartype, enumvals in rows}


def test_every_setting_is_known_and_its_value_accepted(
    services: dict[str, Any],  # noqa: F811
    server_settings: dict[str, tuple[str, list[str] | None]],
) -> None:
    settings = postgres_settings(services)
    assert settings, "the compose PostgreSQL has no -c settings"
    for name, value in settings.items():
        assert name in server_settings, f"PostgreSQL has no setting {name!r}"
        vartype, enumvals = server_settings[name]
        if vartype == "enum":
            assert value in (enumvals or []), f"{name}={value}: not one of {enumvals}"


def test_the_preloaded_library_is_there(postgres_url: str, services: dict[str, Any]) -> None:  # noqa: F811
    library = postgres_settings(services)["shared_preload_libraries"]
    with psycopg.connect(postgres_url.replace("postgresql+psycopg", "postgresql")) as conn:
        found = conn.execute("SELECT count(*) FROM pg_available_extensions WHERE name = %s", (library,))
        assert found.fetchone() == (1,)
