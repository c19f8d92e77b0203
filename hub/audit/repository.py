"""Writing and reading audit records. A read commits its audit record on its own connection before it
returns; a change writes it in the change's own transaction, so a decision and its audit commit
together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, String, Table, bindparam, func, insert, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from hub.audit.models import AuditCitizen, AuditRecord
from hub.auth.principal import Principal
from hub.store.db import Database

_CHUNK = 900


_RECORDS = cast(Table, AuditRecord.__table__)
_INSERT_RECORD = insert(_RECORDS).returning(_RECORDS.c.id)
_CITIZENS = cast(Table, AuditCitizen.__table__)
_INSERT_CITIZENS = insert(_CITIZENS)
_COLUMNS = ("at", "actor", "role", "action", "channel", "line", "purpose", "detail")


def _one_statement() -> Any:
    """PostgreSQL: the record and its citizens in one statement (a data-modifying CTE), so it is atomic
    on its own and costs one round trip, not two or more.

        WITH record AS (INSERT INTO audit_records (...) VALUES (...) RETURNING id)
        INSERT INTO audit_citizens (audit_id, citizen_id) SELECT record.id, c FROM record, unnest(:ids) c

    The record is inserted even when there are no citizens: a CTE's insert always runs to completion."""
    record = (
        insert(_RECORDS)
        .values({c: bindparam(f"p_{c}", type_=_RECORDS.c[c].type) for c in _COLUMNS})
        .returning(_RECORDS.c.id)
        .cte("record")
    )
    ids = (
        func.unnest(bindparam("p_citizens", type_=ARRAY(String(32))))
        .table_valued("citizen_id")
        .render_derived(name="ids")
    )
    rows = select(record.c.id, ids.c.citizen_id).select_from(record.join(ids, true()))
    return insert(_CITIZENS).from_select(["audit_id", "citizen_id"], rows)


def _row(
    principal: Principal, action: str, channel: str, detail: dict[str, Any] | None, purpose: str | None
) -> dict[str, Any]:
    return {
        "at": datetime.now(UTC),
        "actor": principal.actor,
        "role": principal.role.value,
        "action": action,
        "channel": channel,
        "line": principal.line,
        "purpose": purpose or principal.purpose,
        "detail": detail or {},
    }


def _citizen_ids(citizens: Iterable[str]) -> list[str]:
    return sorted({c for c in citizens if c})


def _insert(connection: Connection | Session, row: dict[str, Any], ids: list[str]) -> int:
    """Two Core inserts (the record, then its citizens): the same rows the ORM would write, without its
    unit of work (flush bookkeeping was most of an audited read's cost)."""
    audit_id: int = connection.execute(_INSERT_RECORD, row).scalar_one()
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
    return _insert(session, _row(principal, action, channel, detail, purpose), _citizen_ids(citizens))


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
    """Audit a read, committed before this returns. If it cannot be written the read fails (fail
    closed): this raises, and the caller returns nothing.

    Pass the request's read session as ``reader``: the record is written on the connection the read
    used and committed there (with whatever the reader did, which is only reading). A second pooled
    connection would cost a rollback, a checkout and a transaction of its own, and a request holding one
    connection while waiting for another deadlocks the pool under load. The reader can be used again
    afterwards. On PostgreSQL the record and its citizens are one statement (``_one_statement``)."""
    row = _row(principal, action, channel, detail, purpose)
    ids = _citizen_ids(citizens)
    if reader is None:
        with db.engine.begin() as connection:
            _write(connection, db.dialect, row, ids)
        return
    try:
        _write(reader, db.dialect, row, ids)
        reader.commit()
    except BaseException:
        reader.rollback()
        raise


def _write(connection: Connection | Session, dialect: str, row: dict[str, Any], ids: list[str]) -> None:
    if dialect != "postgresql":
        _insert(connection, row, ids)
        return
    parameters = {f"p_{k}": v for k, v in row.items()}
    parameters["p_citizens"] = ids
    connection.execute(_ONE_STATEMENT, parameters)


_ONE_STATEMENT = _one_statement()


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
