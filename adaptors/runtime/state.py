"""The adaptor's own state database (SQLite by default): checkpoints, reports and the write-back log.

Why a table and not a JSON file: the checkpoint and the reports of one batch are stored in one
transaction, so a crash never keeps one without the other, and a person can query the reports.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from adaptors.runtime.ports import Checkpoint, Report

_metadata = sa.MetaData()

checkpoints = sa.Table(
    "adaptor_checkpoint",
    _metadata,
    sa.Column("adaptor", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime, nullable=False),
)

reports = sa.Table(
    "adaptor_report",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("adaptor", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("reference", sa.String(200), nullable=False),
    sa.Column("location", sa.String(300)),
    sa.Column("reason", sa.Text, nullable=False),
)

writebacks = sa.Table(
    "adaptor_writeback",
    _metadata,
    sa.Column("adaptor", sa.String(64), primary_key=True),
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("source_record_id", sa.String(128), primary_key=True),
    sa.Column("citizen_id", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("detail", sa.Text),
    sa.Column("at", sa.DateTime, nullable=False),
)


@dataclass(frozen=True, slots=True)
class StoredReport:
    id: int
    at: datetime
    severity: str
    reference: str
    location: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class WriteBackEntry:
    event_id: str
    source_record_id: str
    citizen_id: str
    version: int
    status: str
    detail: str | None
    at: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class AdaptorState:
    """Checkpoints, reports and write-backs of the adaptors sharing one state database."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)
        _metadata.create_all(self.engine)

    @classmethod
    def sqlite(cls, path: Path) -> AdaptorState:
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{path.resolve()}")

    def close(self) -> None:
        self.engine.dispose()

    def load_checkpoint(self, adaptor: str) -> Checkpoint | None:
        with self.engine.connect() as conn:
            value = conn.scalar(sa.select(checkpoints.c.value).where(checkpoints.c.adaptor == adaptor))
        return None if value is None else dict(json.loads(value))

    def commit_batch(self, adaptor: str, checkpoint: Checkpoint, batch_reports: Sequence[Report]) -> None:
        """Store the checkpoint and the batch's reports together. Call only after the broker acknowledged."""
        now = _now()
        value = json.dumps(checkpoint, sort_keys=True, separators=(",", ":"))
        with self.engine.begin() as conn:
            updated = conn.execute(
                checkpoints.update().where(checkpoints.c.adaptor == adaptor).values(value=value, saved_at=now)
            )
            if updated.rowcount == 0:
                conn.execute(checkpoints.insert().values(adaptor=adaptor, value=value, saved_at=now))
            self._insert_reports(conn, adaptor, batch_reports, now)

    def add_reports(self, adaptor: str, new_reports: Sequence[Report]) -> None:
        with self.engine.begin() as conn:
            self._insert_reports(conn, adaptor, new_reports, _now())

    @staticmethod
    def _insert_reports(conn: sa.Connection, adaptor: str, new: Sequence[Report], now: datetime) -> None:
        if new:
            rows: list[dict[str, Any]] = [
                {
                    "adaptor": adaptor,
                    "at": now,
                    "severity": r.severity,
                    "reference": r.reference[:200],
                    "location": r.location,
                    "reason": r.reason,
                }
                for r in new
            ]
            conn.execute(reports.insert(), rows)

    def list_reports(self, adaptor: str, limit: int = 100) -> list[StoredReport]:
        query = (
            sa.select(reports).where(reports.c.adaptor == adaptor).order_by(reports.c.id.desc()).limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                StoredReport(r.id, r.at, r.severity, r.reference, r.location, r.reason)
                for r in conn.execute(query)
            ]

    def writeback_status(self, adaptor: str, event_id: str, source_record_id: str) -> str | None:
        query = sa.select(writebacks.c.status).where(
            writebacks.c.adaptor == adaptor,
            writebacks.c.event_id == event_id,
            writebacks.c.source_record_id == source_record_id,
        )
        with self.engine.connect() as conn:
            status = conn.scalar(query)
        return None if status is None else str(status)

    def latest_version(self, adaptor: str, citizen_id: str, source_record_id: str) -> int | None:
        """The newest citizen version already applied (or found unchanged) on this record."""
        query = sa.select(sa.func.max(writebacks.c.version)).where(
            writebacks.c.adaptor == adaptor,
            writebacks.c.citizen_id == citizen_id,
            writebacks.c.source_record_id == source_record_id,
            writebacks.c.status.in_(("written", "unchanged")),
        )
        with self.engine.connect() as conn:
            value = conn.scalar(query)
        return None if value is None else int(value)

    def record_writeback(self, adaptor: str, entry: WriteBackEntry) -> None:
        row = {
            "adaptor": adaptor,
            "event_id": entry.event_id,
            "source_record_id": entry.source_record_id,
            "citizen_id": entry.citizen_id,
            "version": entry.version,
            "status": entry.status,
            "detail": entry.detail,
            "at": entry.at.replace(tzinfo=None),
        }
        key = (
            (writebacks.c.adaptor == adaptor)
            & (writebacks.c.event_id == entry.event_id)
            & (writebacks.c.source_record_id == entry.source_record_id)
        )
        with self.engine.begin() as conn:
            conn.execute(writebacks.delete().where(key))
            conn.execute(writebacks.insert().values(**row))

    def list_writebacks(self, adaptor: str, limit: int = 100) -> list[WriteBackEntry]:
        query = (
            sa.select(writebacks)
            .where(writebacks.c.adaptor == adaptor)
            .order_by(writebacks.c.at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                WriteBackEntry(
                    r.event_id, r.source_record_id, r.citizen_id, r.version, r.status, r.detail, r.at
                )
                for r in conn.execute(query)
            ]
