"""Once locked, a batch re-reads only the blocks other transactions changed since its unlocked read: the
holders it then sees are exactly those a full locked read gives (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from hub.store.db import Database
from hub.store.match_store import SqlMatchStore, prune_blocking_changes
from matching.model import Prepared

pytestmark = pytest.mark.integration

KEYS = ["k1", "k2", "k3", "k4"]
MOST = 2


def row(key: str, event_id: str) -> dict[str, Any]:
    system, _, record_id = key.partition("/")
    now = datetime.now(UTC)
    return {
        "source_key": key,
        "source_system": system,
        "source_record_id": record_id,
        "occurred_at": now,
        "event_id": event_id,
        "received_at": now,
        "payload": None,
        "deleted": False,
    }


def write(db: Database, key: str, event_id: str, blocking: tuple[str, ...]) -> None:
    """Another batch: (re-)prepares one record and commits."""
    with db.unit_of_work() as session:
        previous = SqlMatchStore(session).stored_blocking_keys([key])
        store = SqlMatchStore(session, {key: row(key, event_id)}, {key: sorted(previous)})
        store.lock_blocking_keys(sorted(set(blocking) | previous))
        store.put_prepared([Prepared(key, blocking, {"n": event_id})])
        store.flush()


@pytest.fixture
def db(fresh_postgres: str) -> Iterator[Database]:
    database = Database(fresh_postgres)
    write(database, "a/1", "a1", ("k1", "k2"))
    write(database, "b/1", "b1", ("k4",))
    yield database
    database.dispose()


Holders = dict[str, dict[str, str]]


def locked_holders(db: Database, meanwhile: Any) -> tuple[Holders, Holders]:
    """A batch adding t/1 reads early, ``meanwhile`` runs (and commits), then the batch locks and reads
    its holders: (what it got, what a full locked read gives)."""
    with db.unit_of_work() as session:
        store = SqlMatchStore(session, {"t/1": row("t/1", "t1")}, {})
        versions: dict[str, str] = {}
        store.candidates(KEYS, MOST, versions)
        meanwhile()
        store.lock_blocking_keys(KEYS)
        store.put_prepared([Prepared("t/1", ("k1", "k3", "k4"), {"n": "t1"})])
        got = store.holders(KEYS, MOST)
        store._early = None  # what the store answers without its unlocked read
        full = store.holders(KEYS, MOST)
        session.rollback()
    return got, full


def test_nothing_changed_meanwhile(db: Database) -> None:
    got, full = locked_holders(db, lambda: None)
    assert got == full
    assert got["k1"] == {"a/1": "a1", "t/1": "t1"}


def test_a_block_joined_and_a_holder_reprepared_meanwhile(db: Database) -> None:
    def meanwhile() -> None:
        write(db, "x/1", "x1", ("k3", "k4"))  # k4 grows past MOST
        write(db, "a/1", "a2", ("k1",))  # a new version, and k2 loses its holder

    got, full = locked_holders(db, meanwhile)
    assert got == full
    assert got["k1"] == {"a/1": "a2", "t/1": "t1"}
    assert "k4" not in got
    assert "k2" not in got


def test_a_pruned_log_means_reading_everything_again(db: Database) -> None:
    def meanwhile() -> None:
        write(db, "a/1", "a3", ("k1", "k2"))
        with db.unit_of_work() as session:
            prune_blocking_changes(session, older_than_seconds=0)

    got, full = locked_holders(db, meanwhile)
    assert got == full
    assert got["k1"] == {"a/1": "a3", "t/1": "t1"}
