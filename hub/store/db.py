"""Engine and unit of work. One place commits: the unit of work, on success."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

log = structlog.get_logger("citizen_hub.store")
_WAL_LIMIT_FRAMES = 4_000
"""About 16 MB of WAL (4 KB pages), four times what a commit would let it reach before checkpointing."""
PING_AFTER_IDLE_S = 1.0
"""A pooled connection idle for longer than this is checked before use (see ``_ping_when_idle``)."""


def make_engine(url: str, pool_size: int = 20, autocheckpoint: bool = True) -> Engine:
    """An engine for the URL; SQLite gets WAL, a busy timeout and one writer at a time.

    ``autocheckpoint=False``: this engine's SQLite connections never checkpoint the WAL on commit (someone
    else must: see ``Database(checkpoint_every=...)``)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=60000")
            if not autocheckpoint:
                cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.close()

        return engine
    # Last in, first out: under load the same few connections stay busy (and are not pinged), and the
    # rest idle until a burst needs them.
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_use_lifo=True)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check that a pooled connection is alive before handing it out, as ``pool_pre_ping`` does, but
    only when it has been idle for over ``PING_AFTER_IDLE_S``: ``pool_pre_ping`` costs every checkout a
    round trip (one of a search's six on PostgreSQL). Connections go stale by sitting idle (a restarted
    server, a firewall's or proxy's idle timeout); one used a moment ago is almost always alive, and if
    the server went away in that moment the request fails once, as it could between a ping and the
    query, and SQLAlchemy replaces the pool's connections."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since <= PING_AFTER_IDLE_S:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                # The pool replaces this connection and every older one, then checks out again.
                raise exc.InvalidatePoolError(str(error)) from error
            raise


class Database:
    """The engine and its session factory.

    ``checkpoint_every`` (SQLite only; seconds): a thread of this object's own checkpoints the WAL that
    often, and commits never do. By default SQLite checkpoints inside whichever commit takes the WAL past
    1,000 pages: that commit waits while ~4 MB are copied and fsynced (5-50 ms measured), and under the
    API's audited reads that was one request in a hundred. Durability is the same either way (a commit
    is in the WAL, with the same ``synchronous`` setting, before it returns); the checkpoint only copies
    committed pages into the main file."""

    def __init__(self, url: str, pool_size: int = 20, checkpoint_every: float | None = None) -> None:
        self.url = url
        background = checkpoint_every is not None and url.startswith("sqlite")
        self.engine = make_engine(url, pool_size, autocheckpoint=not background)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Reads on PostgreSQL need no transaction: at READ COMMITTED (the default) every statement reads
        # its own snapshot either way, and BEGIN and ROLLBACK are two round trips more per request. An
        # audited read's record is one statement there, so it is atomic on its own (hub.audit.repository).
        # SQLite's driver already reads outside a transaction and begins one before a write.
        self.read_sessions = sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if self.engine.dialect.name == "postgresql"
            else self.engine,
            expire_on_commit=False,
        )
        self._stop = threading.Event()
        self._checkpointer: threading.Thread | None = None
        if background and checkpoint_every is not None:
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop, args=(checkpoint_every,), name="sqlite-checkpoint", daemon=True
            )
            self._checkpointer.start()

    def checkpoint(self) -> None:
        """Copy the committed WAL into the database file (PASSIVE: waits for no reader or writer).

        The WAL starts over at the first write after a checkpoint that copied it all. Under writes so
        steady that a passive checkpoint never catches up, the WAL would only grow: past
        ``_WAL_LIMIT_FRAMES`` this checkpoint waits for the writers (TRUNCATE), as a commit's would."""
        with self.engine.connect() as connection:
            _busy, frames, _copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
            if frames > _WAL_LIMIT_FRAMES:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def _checkpoint_loop(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.checkpoint()
            except Exception:  # noqa: BLE001 - a busy or failed checkpoint is retried next time
                log.warning("sqlite_checkpoint_failed", exc_info=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back when it raises."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reads only (never commits)."""
        session = self.sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._stop.set()
            self._checkpointer.join()
            self._checkpointer = None
        self.engine.dispose()
