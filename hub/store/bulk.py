"""Set-based statements for whole batches: one statement per table and batch, never one per row.

On PostgreSQL every list travels as one array parameter (``= ANY(:keys)``, ``unnest(...)``), so a batch of
a thousand rows is one short statement. SQLite runs in-process, where executemany is already cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    Integer,
    Table,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

_SQLITE_CHUNK = 900  # SQLite's bound-parameter limit


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def chunks(session: Session, values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """The whole list at once on PostgreSQL (one array parameter); SQLite-sized chunks otherwise."""
    size = len(values) or 1 if is_postgres(session) else _SQLITE_CHUNK
    for start in range(0, len(values), size):
        yield values[start : start + size]


def one_of(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``: one array parameter on PostgreSQL."""
    clause: ColumnElement[bool]
    if is_postgres(session):
        document = json.dumps(list(values), separators=(",", ":"))
        clause = column.in_(select(func.json_array_elements_text(cast(bindparam(None, document), JSON))))
    else:
        clause = column.in_(list(values))
    return clause


def _pg_type(column: Any) -> str:
    kind = column.type
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, DateTime):
        return "timestamptz"
    if isinstance(kind, Float):
        return "float8"
    if isinstance(kind, BigInteger):
        return "int8"
    if isinstance(kind, Integer):
        return "int4"
    return "text"


def _unnest(table: Table, columns: list[str], rows: Sequence[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """A SELECT over the rows, sent as one JSON parameter (C-speed encoding, one parse on the server)."""
    spec = ", ".join(f'"{c}" {_pg_type(table.c[c])}' for c in columns)
    names = ", ".join(f'v."{c}"' for c in columns)
    document = json.dumps([{c: r[c] for c in columns} for r in rows], separators=(",", ":"), default=str)
    return f"SELECT {names} FROM json_to_recordset(CAST(:rows AS json)) AS v({spec})", {"rows": document}


def insert_rows(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys)."""
    table: Table = model.__table__
    if not rows:
        return
    if is_postgres(session):
        columns = list(rows[0])
        source, params = _unnest(table, columns, rows)
        names = ", ".join(f'"{c}"' for c in columns)
        session.execute(text(f'INSERT INTO "{table.name}" ({names}) {source}'), params)
    else:
        session.execute(insert(table), list(rows))


def upsert_rows(
    session: Session,
    model: Any,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    update_columns: Sequence[str] | None,
) -> None:
    """Insert rows, or on a conflict over ``keys`` update ``update_columns`` (``None``: do nothing)."""
    table: Table = model.__table__
    if not rows:
        return
    if is_postgres(session):
        columns = list(rows[0])
        source, params = _unnest(table, columns, rows)
        names = ", ".join(f'"{c}"' for c in columns)
        target = ", ".join(f'"{k}"' for k in keys)
        action = (
            "DO UPDATE SET " + ", ".join(f'"{c}" = excluded."{c}"' for c in update_columns)
            if update_columns
            else "DO NOTHING"
        )
        session.execute(
            text(f'INSERT INTO "{table.name}" ({names}) {source} ON CONFLICT ({target}) {action}'), params
        )
        return
    statement = sqlite.insert(table)
    if update_columns:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={c: getattr(statement.excluded, c) for c in update_columns}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    for start in range(0, len(rows), 200):
        session.execute(statement, list(rows[start : start + 200]))


def update_rows(session: Session, model: Any, key: str, rows: Sequence[dict[str, Any]]) -> None:
    """Update each row identified by ``row[key]`` with the row's other values."""
    table: Table = model.__table__
    if not rows:
        return
    columns = list(rows[0])
    others = [c for c in columns if c != key]
    if is_postgres(session):
        source, params = _unnest(table, columns, rows)
        sets = ", ".join(f'"{c}" = v."{c}"' for c in others)
        session.execute(
            text(f'UPDATE "{table.name}" AS t SET {sets} FROM ({source}) AS v WHERE t."{key}" = v."{key}"'),
            params,
        )
        return
    statement = (
        update(table)
        .where(table.c[key] == bindparam("b_key"))
        .values({c: bindparam(f"b_{c}") for c in others})
    )
    session.connection().execute(
        statement, [{f"b_{c}": r[c] for c in others} | {"b_key": r[key]} for r in rows]
    )


def delete_where_in(session: Session, model: Any, column: str, values: Iterable[Any]) -> None:
    table: Table = model.__table__
    wanted = sorted(set(values))
    for chunk in chunks(session, wanted):
        session.execute(table.delete().where(one_of(session, table.c[column], chunk)))
