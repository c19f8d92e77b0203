"""An audit record holds every field it is given, a read's record is committed before the read returns,
and a change's record commits or rolls back with the change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hub.audit import repository as audit
from hub.auth.principal import Principal, Role
from hub.store.db import Database
from hub.store.migrate import upgrade

AGENT = Principal(subject="a.khan", role=Role.AGENT, line="council_tax", purpose="council_tax_enquiry")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    upgrade(url)
    database = Database(url)
    yield database
    database.dispose()


def _all(db: Database) -> list[dict[str, object]]:
    with db.reader() as session:
        return audit.search(session)


def test_a_read_is_audited_with_every_field_and_committed_before_it_returns(db: Database) -> None:
    with db.reader() as reader:
        reader.execute(text("select 1"))
        audit.write(
            db, AGENT, "search", citizens=["c2", "c1", "", "c2"], channel="page",
            detail={"criteria": {"name": "Peggy Smith"}, "total": 2}, purpose="council_tax_reduction",
            reader=reader,
        )  # fmt: skip
        assert not reader.in_transaction()  # committed on the reader's connection, which went back
        # Another connection sees it at once.
        with db.engine.connect() as other:
            assert other.execute(text("select count(*) from audit_records")).scalar_one() == 1
    [row] = _all(db)
    assert {k: v for k, v in row.items() if k not in ("id", "at")} == {
        "actor": "agent:a.khan",
        "role": "agent",
        "action": "search",
        "channel": "page",
        "line": "council_tax",
        "purpose": "council_tax_reduction",
        "citizens": ["c1", "c2"],
        "detail": {"criteria": {"name": "Peggy Smith"}, "total": 2},
    }
    audit.write(db, AGENT, "sign_in")
    newest = _all(db)[0]
    assert (newest["purpose"], newest["citizens"], newest["detail"]) == ("council_tax_enquiry", [], {})
    assert newest["id"] != row["id"]


def test_a_changes_record_commits_or_rolls_back_with_the_change(db: Database) -> None:
    with db.unit_of_work() as session:
        first = audit.record(session, AGENT, "decide", citizens=["c1"])
        second = audit.record(session, AGENT, "decide", citizens=["c1", "c3"])
    assert second != first
    with pytest.raises(RuntimeError):
        _failing_change(db)
    assert [(r["action"], r["citizens"]) for r in _all(db)] == [("decide", ["c1", "c3"]), ("decide", ["c1"])]


def _failing_change(db: Database) -> None:
    with db.unit_of_work() as session:
        audit.record(session, AGENT, "merge", citizens=["c9"])
        raise RuntimeError("the change failed")


def test_a_read_whose_audit_cannot_be_written_fails(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("drop table audit_citizens"))
    with pytest.raises(Exception, match="audit_citizens"):
        audit.write(db, AGENT, "search", citizens=["c1"])
    assert _all(db) == []  # nothing half-written: the record rolled back with its citizens
