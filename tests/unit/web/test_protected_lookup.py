"""Which of a search's citizens have a protected address: found from the partial index of protected
records, not by reading every candidate's payload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert

from hub.citizens.service import protected_citizens
from hub.store.db import Database
from hub.store.migrate import upgrade
from hub.store.models import SourceRecord

T = datetime(2024, 1, 1, tzinfo=UTC)


def _record(key: str, citizen: str, payload: str, deleted: bool = False) -> dict[str, Any]:
    system, _, record_id = key.partition("/")
    return {
        "source_key": key, "source_system": system, "source_record_id": record_id, "payload": payload,
        "occurred_at": T, "event_id": f"e-{key}", "received_at": T, "deleted": deleted, "citizen_id": citizen,
    }  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    upgrade(url)
    database = Database(url)
    with database.unit_of_work() as session:
        session.execute(
            insert(SourceRecord),
            [
                _record("housing/H1", "c-protected", '{"name":"Jane","protected_address":true}'),
                _record("council_tax/C1", "c-protected", '{"name":"Jane","protected_address":false}'),
                _record("housing/H2", "c-open", '{"name":"Ann","protected_address":false}'),
                _record("housing/H3", "c-gone", '{"name":"Bo","protected_address":true}', deleted=True),
            ],
        )
    yield database
    database.dispose()


def test_protected_citizens_are_found_through_the_partial_index(db: Database) -> None:
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "protected_address" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    with db.reader() as session:
        found = protected_citizens(session, ["c-protected", "c-open", "c-gone", "c-unknown"])
    assert found == {"c-protected"}
    [(statement, parameters)] = statements
    # The pattern is in the SQL itself: a bound pattern cannot be matched to the index's condition.
    assert '"protected_address":true' in statement
    with db.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    assert any("ix_source_records_protected" in str(row[-1]) for row in plan), plan
