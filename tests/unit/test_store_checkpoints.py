"""SQLite WAL checkpoints: by default a commit may run one; with ``checkpoint_every`` no commit does, and
the Database's own thread does, until it is disposed. Committed rows survive either way."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from hub.store.db import Database


def _autocheckpoint(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())


def _wal_frames(db: Database) -> tuple[int, int]:
    """(frames in the WAL, frames of them already copied into the database file)."""
    with db.engine.connect() as connection:
        _busy, log, copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return int(log), int(copied)


def _write(db: Database, rows: int) -> None:
    with db.unit_of_work() as session:
        session.execute(text("create table if not exists t (id integer primary key, v text)"))
        for _ in range(rows):
            session.execute(text("insert into t (v) values (:v)"), {"v": "x" * 500})


def _checkpointers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sqlite-checkpoint"]


def test_by_default_commits_checkpoint(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    try:
        assert _autocheckpoint(db) == 1000
        assert not _checkpointers()
    finally:
        db.dispose()


def test_with_checkpoint_every_no_commit_checkpoints_and_the_thread_does(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.sqlite'}"
    idle = Database(url, checkpoint_every=3600)  # its thread will not run during this test
    try:
        assert _autocheckpoint(idle) == 0
        _write(idle, 200)
        idle.checkpoint()
        log, copied = _wal_frames(idle)
        assert log > 0
        assert copied == log
    finally:
        idle.dispose()
    assert not _checkpointers()  # dispose stopped it

    db = Database(url, checkpoint_every=0.01)
    try:
        _write(db, 200)
        deadline = time.monotonic() + 30
        while (progress := _wal_frames(db))[1] < progress[0] and time.monotonic() < deadline:
            time.sleep(0.01)
        log, copied = progress
        assert log > 0
        assert copied == log
        with db.reader() as session:
            assert session.execute(text("select count(*) from t")).scalar_one() == 400
    finally:
        db.dispose()
    assert not _checkpointers()


def test_postgresql_urls_get_no_checkpoint_thread() -> None:
    db = Database("postgresql+psycopg://nobody@127.0.0.1:1/none", checkpoint_every=1.0)
    try:
        assert not _checkpointers()
    finally:
        db.dispose()
