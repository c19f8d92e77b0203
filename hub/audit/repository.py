"""Writing and reading audit records. Reads write their audit record in a unit of work of their own;
changes write it in the change's own transaction, so a decision and its audit commit together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.orm import Session

from hub.audit.models import AuditCitizen, AuditRecord
from hub.auth.principal import Principal
from hub.store.db import Database

_CHUNK = 900


_RECORDS = cast(Table, AuditRecord.__table__)
_INSERT_RECORD = insert(_RECORDS).returning(_RECORDS.c.id)
_INSERT_CITIZENS = insert(cast(Table, AuditCitizen.__table__))


def _insert(
    connection: Connection | Session,
    principal: Principal,
    action: str,
    citizens: Iterable[str],
    channel: str,
    detail: dict[str, Any] | None,
    purpose: str | None,
) -> int:
    """Two Core inserts (the record, then its citizens): the same rows the ORM would write, without its
    unit of work (flush bookkeeping was most of an audited read's cost)."""
    row = {
        "at": datetime.now(UTC),
        "actor": principal.actor,
        "role": principal.role.value,
        "action": action,
        "channel": channel,
        "line": principal.line,
        "purpose": purpose or principal.purpose,
        "detail": detail or {},
    }
    audit_id: int = connection.execute(_INSERT_RECORD, row).scalar_one()
    ids = sorted({c for c in citizens if c})
    if ids:
        connection.execute(_INSERT_CITIZENS, [{"audit_id": audit_id, "citizen_id": c} for c in ids])
    return audit_id


def record(
    session: Session,
    principal: Principal,
    action: str,
    *,
    citizens: Iterable[str] = (),
    channel: str = "api",
    detail: dict[str, Any] | None = None,
    purpose: str | None = None,
) -> int:
    """Add an audit record to ``session``'s transaction (the caller's commit commits it)."""
    return _insert(session, principal, action, citizens, channel, detail, purpose)


def write(
    db: Database,
    principal: Principal,
    action: str,
    *,
    citizens: Iterable[str] = (),
    channel: str = "api",
    detail: dict[str, Any] | None = None,
    purpose: str | None = None,
    reader: Session | None = None,
) -> None:
    """Audit a read in its own transaction, committed before this returns. If it cannot be written the
    read fails (fail closed).

    Pass the request's read session as ``reader``: its connection goes back to the pool first, so a
    request never holds one pooled connection while waiting for a second (under load that deadlocks the
    pool). The reader can be used again afterwards; it takes a fresh connection."""
    if reader is not None:
        reader.rollback()
    with db.engine.begin() as connection:
        _insert(connection, principal, action, citizens, channel, detail, purpose)


def view(row: AuditRecord, citizens: Sequence[str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "role": row.role,
        "action": row.action,
        "channel": row.channel,
        "line": row.line,
        "purpose": row.purpose,
        "citizens": list(citizens),
        "detail": row.detail,
    }


def _citizens_of(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        for audit_id, citizen_id in session.execute(
            select(AuditCitizen.audit_id, AuditCitizen.citizen_id)
            .where(AuditCitizen.audit_id.in_(ids[start : start + _CHUNK]))
            .order_by(AuditCitizen.audit_id, AuditCitizen.citizen_id)
        ).all():
            found.setdefault(audit_id, []).append(citizen_id)
    return found


def search(
    session: Session,
    *,
    actor: str | None = None,
    citizen_ids: Sequence[str] = (),
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Audit records, newest first, filtered by any of actor, citizens, action and time."""
    statement = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
    if actor:
        statement = statement.where(AuditRecord.actor == actor)
    if action:
        statement = statement.where(AuditRecord.action == action)
    if since:
        statement = statement.where(AuditRecord.at >= since)
    if citizen_ids:
        statement = statement.where(
            AuditRecord.id.in_(
                select(AuditCitizen.audit_id).where(AuditCitizen.citizen_id.in_(list(citizen_ids)))
            )
        )
    rows = list(session.scalars(statement))
    citizens = _citizens_of(session, [r.id for r in rows])
    return [view(r, citizens.get(r.id, [])) for r in rows]
