"""The embedded event log: a durable, append-only log in an SQLite file (WAL), for the laptop and the demo.

One partition per topic. Several processes on one machine may share the file (SQLite serialises the
writers); consumer groups keep their committed offsets in the same file, so a restarted process resumes
exactly after the last committed message.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from hub.bus.base import Message

_SCHEMA = """
CREATE TABLE IF NOT EXISTS log (
    topic TEXT NOT NULL, offset INTEGER NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (topic, offset)
);
CREATE TABLE IF NOT EXISTS group_offsets (
    grp TEXT NOT NULL, topic TEXT NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (grp, topic)
);
"""


class EmbeddedLog:
    """The shared file and its connection; thread-safe through one lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self.appended = asyncio.Event()

    def append(self, topic: str, items: Sequence[tuple[str, bytes]]) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute(
                    "SELECT COALESCE(MAX(offset), -1) FROM log WHERE topic = ?", (topic,)
                )
                start = int(row.fetchone()[0]) + 1
                self._conn.executemany(
                    "INSERT INTO log (topic, offset, key, value) VALUES (?, ?, ?, ?)",
                    [(topic, start + i, key, value) for i, (key, value) in enumerate(items)],
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def read(self, topic: str, from_offset: int, limit: int) -> list[Message]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT offset, key, value FROM log WHERE topic = ? AND offset >= ? ORDER BY offset LIMIT ?",
                (topic, from_offset, limit),
            ).fetchall()
        return [Message(topic, 0, int(o), str(k), bytes(v)) for o, k, v in rows]

    def committed(self, group: str, topic: str) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT next_offset FROM group_offsets WHERE grp = ? AND topic = ?", (group, topic)
            ).fetchone()
        return int(row[0]) if row else 0

    def commit(self, group: str, topic: str, next_offset: int) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO group_offsets (grp, topic, next_offset) VALUES (?, ?, ?) "
                "ON CONFLICT (grp, topic) DO UPDATE SET next_offset = excluded.next_offset",
                (group, topic, next_offset),
            )

    def size(self, topic: str) -> int:
        with self._lock:
            row = self._conn.execute("SELECT COUNT(*) FROM log WHERE topic = ?", (topic,)).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class EmbeddedConsumer:
    def __init__(self, log: EmbeddedLog, topic: str, group: str) -> None:
        self._log, self._topic, self._group = log, topic, group
        self._position = 0

    async def start(self) -> None:
        self._position = await asyncio.to_thread(self._log.committed, self._group, self._topic)

    async def stop(self) -> None:
        return None

    async def poll(self, max_records: int, timeout_ms: int) -> list[Message]:
        deadline = asyncio.get_running_loop().time() + timeout_ms / 1000
        while True:
            batch = await asyncio.to_thread(self._log.read, self._topic, self._position, max_records)
            if batch:
                self._position = batch[-1].offset + 1
                return batch
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return []
            await asyncio.sleep(min(0.05, remaining))

    async def commit(self, messages: Sequence[Message]) -> None:
        if messages:
            next_offset = max(m.offset for m in messages) + 1
            await asyncio.to_thread(self._log.commit, self._group, self._topic, next_offset)

    def rewind_to_committed(self) -> None:
        """Forget uncommitted progress (as a restarted process would)."""
        self._position = self._log.committed(self._group, self._topic)


class EmbeddedBus:
    """The :class:`~hub.bus.base.EventBus` on the embedded log."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.log: EmbeddedLog | None = None

    async def start(self) -> None:
        if self.log is None:
            self.log = EmbeddedLog(self.path)

    async def stop(self) -> None:
        if self.log is not None:
            self.log.close()
            self.log = None

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        return None

    async def publish_raw(self, topic: str, items: Sequence[tuple[str, bytes]]) -> None:
        if items:
            await asyncio.to_thread(self._require().append, topic, items)

    def consumer(self, topic: str, group: str) -> EmbeddedConsumer:
        return EmbeddedConsumer(self._require(), topic, group)

    def _require(self) -> EmbeddedLog:
        if self.log is None:
            raise RuntimeError("the embedded bus is not started")
        return self.log
