"""Set-based statements for whole batches: one statement per table and batch, never one per row.

On PostgreSQL a list of keys travels as one array parameter (``= ANY(:keys)``). Rows are inserted by
COPY; rows to upsert or update travel by COPY into a staging table (a temporary copy of the target's
columns, emptied at commit) when there are many, else as one JSON document read by ``json_to_recordset``.
SQLite runs in-process, where executemany is already cheap. Documents are encoded by pydantic-core (C
speed).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any
from weakref import WeakKeyDictionary

from pydantic_core import to_json
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    Integer,
    Table,
    and_,
    any_,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
    tuple_,
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
    """``column IN values``: ``= ANY(array)`` on PostgreSQL (one parameter, row estimates the planner
    can use).

    Not a semi-join (``IN (SELECT ...)``): tried, it cost more once the tables were large (each lookup
    hashes the list first; 100,000 people with service events: the processed-event look-ups 1.25 ->
    1.83 s, the members' 0.3 -> 1.2 s). The risk it removed, a small or never analysed table read
    sequentially and compared with every element, mattered most for the candidate query, which probes
    each key on its own instead (``match_store._HOLDERS_PG``)."""
    clause: ColumnElement[bool]
    if is_postgres(session):
        elements = select(func.json_array_elements_text(cast(bindparam(None, dumps(list(values))), JSON)))
        clause = column == any_(func.array(elements.scalar_subquery()))
    else:
        clause = column.in_(list(values))
    return clause


ARRAY_PARAMETER = "ARRAY(SELECT json_array_elements_text(CAST({} AS json)))"
"""A PostgreSQL ``text[]`` in text SQL, sent as one JSON parameter: ``ARRAY_PARAMETER.format(":name")``
with the parameter holding ``dumps(list)`` (pydantic-core encodes it at C speed, where the driver would
adapt a list element by element in Python)."""


def dumps(value: Any) -> str:
    """Compact JSON text (pydantic-core: dates and datetimes as ISO 8601)."""
    return to_json(value).decode()


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
    first = rows[0].keys()
    same = all(r.keys() == first for r in rows)
    document = to_json(rows if same else [{c: r[c] for c in columns} for r in rows]).decode()
    return f"SELECT {names} FROM json_to_recordset(CAST(:rows AS json)) AS v({spec})", {"rows": document}


STAGE_AT_LEAST = 100
"""Rows from which an upsert or update goes through a staging table (three round trips: create if need
be, COPY, the statement) rather than one JSON document. For a batch's 2,000 source records the server
spends about a third less (no document of escaped JSON to parse: measured 111 -> 75 ms per upsert,
62 -> 42 ms per update of 2,000 golden records)."""

_staging: WeakKeyDictionary[Any, dict[str, int]] = WeakKeyDictionary()
"""Per transaction: how many staging tables of each target table it has used so far."""


def _source(
    session: Session, table: Table, columns: list[str], rows: Sequence[dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    """A SELECT over ``rows`` for one statement (PostgreSQL): from a staging table loaded by COPY when there
    are many rows, else from a JSON document."""
    if len(rows) < STAGE_AT_LEAST:
        return _unnest(table, columns, rows)
    names = ", ".join(f'"{c}"' for c in columns)
    return f'SELECT {names} FROM "{_stage(session, table, columns, rows)}"', {}


def _stage(session: Session, table: Table, columns: list[str], rows: Sequence[dict[str, Any]]) -> str:
    """COPY ``rows`` into a staging table of ``table`` that this transaction has not used yet; its name.

    A staging table is a temporary table (this connection's only) with the target's columns and types
    (key collations included) but no constraints, created once per connection and emptied at every
    commit (``ON COMMIT DELETE ROWS``). A second use in one transaction takes the next table, so nothing
    needs deleting; a rolled-back transaction takes the tables it created with it, hence ``IF NOT
    EXISTS`` in each transaction."""
    session.connection()  # begins the transaction, if need be
    used = _staging.setdefault(session.get_transaction(), {})
    n = used.get(table.name, 0) + 1
    used[table.name] = n
    name = f"stage_{table.name}_{n}"
    session.execute(
        text(
            f'CREATE TEMPORARY TABLE IF NOT EXISTS "{name}" ON COMMIT DELETE ROWS AS '
            f'SELECT * FROM "{table.name}" WITH NO DATA'
        )
    )
    _copy(session, table, name, columns, rows)
    return name


def _copy(
    session: Session, table: Table, into: str, columns: list[str], rows: Sequence[dict[str, Any]]
) -> None:
    """COPY ``rows`` (dicts holding ``columns``) into the table named ``into``, whose columns are
    ``table``'s, in the session's transaction."""
    documents = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    names = ", ".join(f'"{c}"' for c in columns)
    values = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    # The session's own connection, so the rows belong to its transaction.
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f'COPY "{into}" ({names}) FROM STDIN') as copy:
        if documents:
            for row in rows:
                line = list(values(row))
                for i in documents:
                    if line[i] is not None:
                        line[i] = dumps(line[i])
                copy.write_row(line)
        else:
            for row in rows:
                copy.write_row(values(row))


def insert_rows(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys): COPY on PostgreSQL (no document to parse: about a quarter
    cheaper than ``json_to_recordset`` for a batch's thousands of blocking keys), executemany otherwise."""
    table: Table = model.__table__
    if not rows:
        return
    if is_postgres(session):
        _copy(session, table, table.name, list(rows[0]), rows)
    else:
        session.execute(insert(table), list(rows))


def upsert_rows(
    session: Session,
    model: Any,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    update_columns: Sequence[str] | None,
    newer: Sequence[str] = (),
    or_same: bool = False,
    only_if: tuple[str, str] | None = None,
) -> None:
    """Insert rows, or on a conflict over ``keys`` update ``update_columns`` (``None``: do nothing).

    With ``newer`` (column names), a conflicting row is only updated when the incoming values of those
    columns are greater, as a tuple: the newest change wins even between concurrent transactions. With
    ``or_same`` as well, equal values update it too (the same change, prepared again). With ``only_if``
    (a column and a value), a conflicting row is only updated while that column holds that value.
    """
    table: Table = model.__table__
    if not rows:
        return
    if is_postgres(session):
        columns = list(rows[0])
        source, params = _source(session, table, columns, rows)
        names = ", ".join(f'"{c}"' for c in columns)
        target = ", ".join(f'"{k}"' for k in keys)
        action = (
            "DO UPDATE SET " + ", ".join(f'"{c}" = excluded."{c}"' for c in update_columns)
            if update_columns
            else "DO NOTHING"
        )
        conditions: list[str] = []
        if update_columns and newer:
            mine = ", ".join(f'"{table.name}"."{c}"' for c in newer)
            theirs = ", ".join(f'excluded."{c}"' for c in newer)
            conditions.append(f"({mine}) {'<=' if or_same else '<'} ({theirs})")
        if update_columns and only_if:
            column, value = only_if
            conditions.append(f'"{table.name}"."{column}" = ' + "'" + value.replace("'", "''") + "'")
        if conditions:
            action += " WHERE " + " AND ".join(conditions)
        session.execute(
            text(f'INSERT INTO "{table.name}" ({names}) {source} ON CONFLICT ({target}) {action}'), params
        )
        return
    statement = sqlite.insert(table)
    if update_columns:
        condition: ColumnElement[bool] | None = None
        if newer:
            mine_now = tuple_(*(table.c[c] for c in newer))
            incoming = tuple_(*(getattr(statement.excluded, c) for c in newer))
            condition = mine_now <= incoming if or_same else mine_now < incoming
        if only_if:
            held = table.c[only_if[0]] == only_if[1]
            condition = held if condition is None else and_(condition, held)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={c: getattr(statement.excluded, c) for c in update_columns},
            where=condition,
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    for start in range(0, len(rows), 200):
        session.execute(statement, list(rows[start : start + 200]))


def update_rows(
    session: Session, model: Any, key: str, rows: Sequence[dict[str, Any]], only_changed: bool = False
) -> None:
    """Update each row identified by ``row[key]`` with the row's other values.

    ``only_changed`` leaves rows whose values are all equal untouched (no new row version on PostgreSQL).
    """
    table: Table = model.__table__
    if not rows:
        return
    columns = list(rows[0])
    others = [c for c in columns if c != key]
    if is_postgres(session):
        source, params = _source(session, table, columns, rows)
        sets = ", ".join(f'"{c}" = v."{c}"' for c in others)
        where = f't."{key}" = v."{key}"'
        if not params:
            # The staging table has no statistics: without this the planner may join it to the whole
            # target by a sequential scan (it did for 2,000 of 16,000 citizens). Asking by the key's
            # index keeps every update to the rows it names, however large the table grows.
            where += f' AND t."{key}" = ANY(ARRAY(SELECT "{key}" FROM ({source}) AS k))'
        if only_changed:
            # json has no equality operator: compare its text.
            differs = [
                f't."{c}"::text IS DISTINCT FROM v."{c}"::text'
                if isinstance(table.c[c].type, JSON)
                else f't."{c}" IS DISTINCT FROM v."{c}"'
                for c in others
            ]
            where += " AND (" + " OR ".join(differs) + ")"
        session.execute(
            text(f'UPDATE "{table.name}" AS t SET {sets} FROM ({source}) AS v WHERE {where}'), params
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


def delete_rows(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Delete the rows whose columns equal each of ``rows`` (all with the same keys, e.g. a composite
    primary key)."""
    table: Table = model.__table__
    if not rows:
        return
    columns = list(rows[0])
    if is_postgres(session):
        source, params = _unnest(table, columns, rows)
        where = " AND ".join(f't."{c}" = v."{c}"' for c in columns)
        session.execute(text(f'DELETE FROM "{table.name}" AS t USING ({source}) AS v WHERE {where}'), params)
        return
    statement = table.delete().where(*(table.c[c] == bindparam(f"b_{c}") for c in columns))
    session.connection().execute(statement, [{f"b_{c}": r[c] for c in columns} for r in rows])


def delete_where_in(session: Session, model: Any, column: str, values: Iterable[Any]) -> None:
    table: Table = model.__table__
    wanted = sorted(set(values))
    for chunk in chunks(session, wanted):
        session.execute(table.delete().where(one_of(session, table.c[column], chunk)))
