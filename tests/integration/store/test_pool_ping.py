"""PostgreSQL connections are checked before use only after sitting idle: one used a moment ago costs no
round trip, and one whose server process went away while it sat idle is replaced, unnoticed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from hub.store import db as store_db
from hub.store.db import Database
from tests.support.fixtures import (
    POSTGRES_ADMIN_DB,
    POSTGRES_HOST,
    POSTGRES_PORT,
    POSTGRES_USER,
    new_postgres_database,
)


@pytest.fixture
def db(postgres_url: str) -> Iterator[Database]:
    for url in new_postgres_database():
        database = Database(url)
        yield database
        database.dispose()


@pytest.fixture
def pings(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    found: list[Any] = []
    ping = db.engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        found.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(db.engine.dialect, "do_ping", counted)
    return found


def _backend(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text("select pg_backend_pid()")).scalar_one())


def test_a_connection_used_a_moment_ago_is_not_pinged(db: Database, pings: list[Any]) -> None:
    first = _backend(db)
    assert [_backend(db) for _ in range(5)] == [first] * 5  # last in, first out: the same one
    assert pings == []


def test_an_idle_connection_whose_server_process_went_away_is_replaced(
    db: Database, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "PING_AFTER_IDLE_S", 0.05)
    gone = _backend(db)
    with psycopg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, dbname=POSTGRES_ADMIN_DB, autocommit=True
    ) as admin:
        admin.execute("select pg_terminate_backend(%s)", [gone])
    time.sleep(0.2)
    replacement = _backend(db)  # no error: the ping found it dead, and the pool opened another
    assert replacement != gone
    assert len(pings) == 1
    time.sleep(0.2)
    assert _backend(db) == replacement  # idle again, pinged, alive: kept
    assert len(pings) == 2
