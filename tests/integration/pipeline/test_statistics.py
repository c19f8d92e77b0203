"""Workers refresh planner statistics of tables that grew fast since their last analysis."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from hub.store import statistics
from hub.store.db import Database
from hub.store.models import ReviewTask
from hub.store.statistics import MIN_CHANGES, analyse_stale_tables, stale_tables

pytestmark = pytest.mark.integration


@pytest.fixture
def database(fresh_postgres: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    # Every table was analysed a moment ago (below): any age counts here.
    monkeypatch.setattr(statistics, "MIN_AGE_SECONDS", 0)
    db = Database(fresh_postgres)
    with db.unit_of_work() as session:
        session.execute(text("ANALYZE"))  # a fresh hub: every table analysed, as a running one would be
    yield db
    db.dispose()


def _add_tasks(db: Database, count: int) -> None:
    now = datetime.now(UTC)
    with db.unit_of_work() as session:
        session.add_all(
            ReviewTask(a=f"s/{i}", b=f"t/{i}", weight=0.0, detail="{}", status="open", created_at=now)
            for i in range(count)
        )
        session.execute(text("SELECT pg_stat_force_next_flush()"))


def _stale_once_counted(db: Database) -> list[str]:
    """stale_tables, once the server has counted the changes (a backend reports them when it goes idle)."""
    for _ in range(100):
        with db.unit_of_work() as session:
            found = stale_tables(session)
        if found:
            return found
        time.sleep(0.1)
    return []


def _estimated_rows(db: Database, table: str) -> float:
    with db.unit_of_work() as session:
        rows = session.execute(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table})
        return float(rows.scalar_one())


def test_a_table_that_grew_past_its_statistics_is_analysed_once(database: Database) -> None:
    with database.unit_of_work() as session:
        assert stale_tables(session) == []
    _add_tasks(database, MIN_CHANGES * 2)
    assert _stale_once_counted(database) == ["review_tasks"]
    assert _estimated_rows(database, "review_tasks") < MIN_CHANGES

    with database.unit_of_work() as session:
        assert analyse_stale_tables(session) == ["review_tasks"]
    assert _estimated_rows(database, "review_tasks") == MIN_CHANGES * 2
    with database.unit_of_work() as session:
        assert analyse_stale_tables(session) == []


def test_a_table_analysed_lately_is_left_alone(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _add_tasks(database, MIN_CHANGES * 2)
    assert _stale_once_counted(database) == ["review_tasks"]
    monkeypatch.setattr(statistics, "MIN_AGE_SECONDS", 300)
    with database.unit_of_work() as session:
        assert analyse_stale_tables(session) == []


def test_a_few_changes_leave_the_statistics_alone(database: Database) -> None:
    _add_tasks(database, MIN_CHANGES // 2)
    counted = 0
    for _ in range(100):  # until the server has counted them
        with database.unit_of_work() as session:
            counted = session.execute(
                text("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = 'review_tasks'")
            ).scalar_one()
            if counted:
                break
        time.sleep(0.1)
    assert counted == MIN_CHANGES // 2
    with database.unit_of_work() as session:
        assert stale_tables(session) == []


def test_sqlite_has_nothing_to_analyse(tmp_path: object) -> None:
    from pathlib import Path

    from hub.store.migrate import upgrade

    url = f"sqlite:///{Path(str(tmp_path)) / 'hub.db'}"
    upgrade(url)
    db = Database(url)
    with db.unit_of_work() as session:
        assert analyse_stale_tables(session) == []
    db.dispose()
