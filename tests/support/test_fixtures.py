"""The service fixtures themselves: fresh databases that work, and CI turning a skip into a failure."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from tests.support.fixtures import unavailable

pytestmark = pytest.mark.integration


def test_a_missing_service_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no broker"):
        unavailable("no broker")


def test_a_missing_service_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no broker .*CI=true"):
        unavailable("no broker")


@pytest.mark.parametrize("fixture", ["postgres_url", "mariadb_url"])
def test_each_database_fixture_gives_a_fresh_empty_database(
    request: pytest.FixtureRequest, fixture: str
) -> None:
    url: str = request.getfixturevalue(fixture)
    engine = sa.create_engine(url)
    try:
        # The database is this session's own (other tests may already have used it).
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            conn.execute(sa.text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
            conn.execute(sa.text("DROP TABLE probe"))
            conn.commit()
        assert "probe" not in tables
        assert engine.url.database is not None
        assert engine.url.database.startswith(f"citizen_hub_test_{os.getpid()}_")
    finally:
        engine.dispose()
