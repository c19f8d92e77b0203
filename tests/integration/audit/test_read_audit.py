"""A read's audit record is written on the read's own connection and committed there, on both backings;
on PostgreSQL the read needs no transaction and its record is one statement. If the record cannot be
written the read fails and nothing of it is kept."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text

from hub.audit import repository as audit
from hub.auth.principal import Principal, Role
from hub.store.db import Database

AGENT = Principal(subject="a.khan", role=Role.AGENT, line="council_tax", purpose="council_tax_enquiry")


@pytest.fixture
def db(hub_database: Database) -> Database:
    return hub_database


class _Wire:
    """What the engine's connections were asked to do: checkouts, and the statements executed."""

    def __init__(self, db: Database) -> None:
        self.checkouts = 0
        self.statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", self._execute)
        event.listen(db.engine.pool, "checkout", self._checkout)

    def _execute(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.statements.append(" ".join(statement.split())[:40])

    def _checkout(self, *_args: Any) -> None:
        self.checkouts += 1


def _audit(db: Database) -> list[tuple[str, list[str]]]:
    with db.reader() as session:
        return [(r["action"], r["citizens"]) for r in audit.search(session)]


def test_a_reads_record_is_committed_on_the_reads_own_connection(db: Database) -> None:
    wire = _Wire(db)
    with db.read_sessions() as reader:
        reader.execute(text("select 1")).one()
        if db.dialect == "postgresql":  # reading opened no transaction (no BEGIN, and no ROLLBACK to come)
            driver = reader.connection().connection.driver_connection
            assert driver is not None
            assert driver.info.transaction_status.name == "IDLE"
        audit.write(db, AGENT, "search", citizens=["c2", "c1", "c2", ""], reader=reader)
        assert not reader.in_transaction()
        with db.engine.connect() as other:  # committed: another connection sees it at once
            assert other.execute(text("select count(*) from audit_citizens")).scalar_one() == 2
        audit.write(db, AGENT, "read_citizen", reader=reader)  # the reader can be used again
    assert wire.checkouts == 3  # the reader's, once per write, and the other connection's; never two at once
    assert _audit(db) == [("read_citizen", []), ("search", ["c1", "c2"])]
    writes = [s for s in wire.statements if s.startswith(("INSERT", "WITH"))]
    if db.dialect == "postgresql":  # each record with its citizens is one statement
        assert [w.split()[0] for w in writes] == ["WITH", "WITH"]
    else:
        assert [w.split()[2] for w in writes] == ["audit_records", "audit_citizens", "audit_records"]


def test_a_read_whose_record_cannot_be_written_fails_and_keeps_nothing(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("drop table audit_citizens"))
    with db.read_sessions() as reader:
        reader.execute(text("select 1")).one()
        with pytest.raises(Exception, match="audit_citizens"):
            audit.write(db, AGENT, "search", citizens=["c1"], reader=reader)
        assert not reader.in_transaction()
        assert reader.execute(text("select count(*) from audit_records")).scalar_one() == 0
