"""The hub's live source records, as PersonRecord JSON lines (the input of ``citizen-hub match train``)."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import select

from hub.store.db import Database
from hub.store.models import SourceRecord


def export_records(db: Database, out: TextIO, batch_size: int = 5000) -> int:
    """Write every live source record's PersonRecord to ``out``, one a line, in order of source key,
    reading ``batch_size`` at a time; returns how many were written."""
    written = 0
    after = ""
    while True:
        with db.read_sessions() as session:
            found = session.execute(
                select(SourceRecord.source_key, SourceRecord.payload)
                .where(
                    SourceRecord.source_key > after,
                    SourceRecord.deleted.is_(False),
                    SourceRecord.payload.is_not(None),
                )
                .order_by(SourceRecord.source_key)
                .limit(batch_size)
            ).all()
        if not found:
            return written
        out.writelines(f"{payload}\n" for _key, payload in found)
        written += len(found)
        after = found[-1][0]
