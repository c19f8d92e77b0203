"""The set-based writes give the same rows however many there are: below ``STAGE_AT_LEAST`` PostgreSQL
reads them from one JSON document, from it on from a staging table loaded by COPY (several uses in one
transaction, and a transaction after a rolled-back one on the same connection, included)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hub.store.bulk import STAGE_AT_LEAST, update_rows, upsert_rows
from hub.store.db import Database
from hub.store.models import Citizen, SourceRecord
from tests.support.fixtures import new_hub_database

EARLIER = datetime(2024, 12, 1, tzinfo=UTC)
WHEN = datetime(2025, 1, 1, tzinfo=UTC)
LATER = datetime(2025, 2, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    for url in new_hub_database(request, tmp_path):
        # On PostgreSQL one pooled connection: every transaction below reuses it (and its staging tables).
        database = Database(url, pool_size=1) if url.startswith("postgresql") else Database(url)
        yield database
        database.dispose()


def record(n: int, when: datetime, event: str, citizen: str | None = None) -> dict[str, Any]:
    return {
        "source_key": f"sys/{n:05d}",
        "source_system": "sys",
        "source_record_id": f"{n:05d}",
        "occurred_at": when,
        "event_id": event,
        "received_at": when,
        "payload": f'{{"n": {n}}}',
        "deleted": False,
        "citizen_id": citizen,
        "link_weight": None,
        "link_summary": None,
        "link_detail": {"with": f"sys/{n + 1:05d}", "levels": {"name": 3}} if n % 2 else None,
    }


def stored(db: Database) -> dict[str, tuple[Any, ...]]:
    with db.reader() as session:
        rows = session.execute(
            select(
                SourceRecord.source_key,
                SourceRecord.event_id,
                SourceRecord.citizen_id,
                SourceRecord.link_detail,
                SourceRecord.payload,
            )
        ).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def update_then_fail(db: Database, rows: list[dict[str, Any]]) -> None:
    with db.unit_of_work() as session:
        update_rows(session, SourceRecord, "source_key", rows)
        raise RuntimeError("rolled back")


@pytest.mark.parametrize("count", [STAGE_AT_LEAST - 1, STAGE_AT_LEAST, 3 * STAGE_AT_LEAST])
def test_upserts_and_updates_hold_however_many_rows(db: Database, count: int) -> None:
    columns = [c for c in record(0, WHEN, "") if c != "source_key"]
    with db.unit_of_work() as session:
        upsert_rows(
            session, SourceRecord, [record(n, WHEN, "a") for n in range(count)], ["source_key"], columns
        )
    # Newer changes replace older ones, an older change is ignored, twice in one transaction.
    with db.unit_of_work() as session:
        rows = [record(n, LATER if n % 3 else EARLIER, "b") for n in range(count + 5)]
        upsert_rows(session, SourceRecord, rows, ["source_key"], columns, newer=("occurred_at", "event_id"))
        older = [record(n, WHEN, "0") for n in range(count)]
        upsert_rows(session, SourceRecord, older, ["source_key"], columns, newer=("occurred_at", "event_id"))
    # A rolled-back transaction changes nothing, and the next one on the same connection still works.
    with pytest.raises(RuntimeError, match="rolled back"):
        update_then_fail(db, [{"source_key": f"sys/{n:05d}", "citizen_id": "X"} for n in range(count)])
    with db.unit_of_work() as session:
        memberships = [
            {"source_key": f"sys/{n:05d}", "citizen_id": f"c{n // 2}", "link_detail": {"weight": n}}
            for n in range(count)
        ]
        update_rows(session, SourceRecord, "source_key", memberships, only_changed=True)
        update_rows(session, SourceRecord, "source_key", memberships[: count // 2], only_changed=True)
    found = stored(db)
    assert len(found) == count + 5
    for n in range(count + 5):
        event_id, citizen_id, link_detail, payload = found[f"sys/{n:05d}"]
        assert event_id == ("b" if n % 3 or n >= count else "a")
        assert citizen_id == (f"c{n // 2}" if n < count else None)
        if n < count:
            assert link_detail == {"weight": n}
        assert payload == f'{{"n": {n}}}'


def test_updates_touch_only_the_rows_they_name(db: Database) -> None:
    count = 2 * STAGE_AT_LEAST
    citizens = [
        {
            "citizen_id": f"c{n:04d}",
            "version": 1,
            "status": "active",
            "golden": {"fields": {"n": n}},
            "created_at": WHEN,
            "updated_at": WHEN,
        }
        for n in range(2 * count)
    ]
    with db.unit_of_work() as session:
        upsert_rows(session, Citizen, citizens, ["citizen_id"], None)
    with db.unit_of_work() as session:
        update_rows(
            session,
            Citizen,
            "citizen_id",
            [
                {"citizen_id": f"c{n:04d}", "version": 2, "golden": {"fields": {"n": -n}}}
                for n in range(count)
            ],
        )
    with db.reader() as session:
        rows = session.execute(select(Citizen.citizen_id, Citizen.version, Citizen.golden)).all()
    assert len(rows) == 2 * count
    for citizen_id, version, golden in rows:
        n = int(citizen_id[1:])
        assert (version, golden) == ((2, {"fields": {"n": -n}}) if n < count else (1, {"fields": {"n": n}}))


@pytest.mark.parametrize("count", [STAGE_AT_LEAST - 1, STAGE_AT_LEAST])
def test_conditional_upserts_replace_the_same_change_or_a_row_holding_a_value(
    db: Database, count: int
) -> None:
    columns = [c for c in record(0, WHEN, "") if c != "source_key"]
    with db.unit_of_work() as session:
        upsert_rows(
            session, SourceRecord, [record(n, WHEN, "a") for n in range(count)], ["source_key"], columns
        )
    # The same change, prepared again, replaces the row only with ``or_same``.
    again = [record(n, WHEN, "a", citizen="again") for n in range(count)]
    with db.unit_of_work() as session:
        upsert_rows(session, SourceRecord, again, ["source_key"], columns, newer=("occurred_at", "event_id"))
    assert {v[1] for v in stored(db).values()} == {None}
    with db.unit_of_work() as session:
        upsert_rows(
            session,
            SourceRecord,
            again,
            ["source_key"],
            columns,
            newer=("occurred_at", "event_id"),
            or_same=True,
        )
    assert {v[1] for v in stored(db).values()} == {"again"}
    # ``only_if``: only rows whose column holds the value are updated.
    marked = [record(n, WHEN, "a", citizen="held" if n % 2 else None) for n in range(count)]
    with db.unit_of_work() as session:
        upsert_rows(session, SourceRecord, marked, ["source_key"], ["citizen_id"])
    replacing = [record(n, WHEN, "a", citizen="replaced") for n in range(count)]
    with db.unit_of_work() as session:
        upsert_rows(
            session, SourceRecord, replacing, ["source_key"], ["citizen_id"], only_if=("citizen_id", "held")
        )
    found = stored(db)
    for n in range(count):
        assert found[f"sys/{n:05d}"][1] == ("replaced" if n % 2 else None)
