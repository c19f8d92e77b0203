"""An agent's search on both backings: a protected person is never found by where they live and their
postcode is withheld when found by name; a record that was deleted protects no one. Whether someone is
protected is asked in the statements that find them, not in statements of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, insert

from hub.access.policy import Access
from hub.access.redact import WITHHELD
from hub.auth.principal import Principal, Role
from hub.citizens.search import SearchQuery
from hub.citizens.service import run_search
from hub.store.db import Database
from hub.store.models import Citizen, Identifier, SourceRecord

T = datetime(2024, 1, 1, tzinfo=UTC)
AGENT = Principal(subject="a.khan", role=Role.AGENT, line="council_tax", purpose="council_tax_enquiry")
AGENT_ACCESS = Access(None, {}, "council_tax", "council_tax_enquiry", protected_visible=False, ask="ask")
PROTECTED = '{"name":"Jane","protected_address":true}'
OPEN = '{"name":"Ann","protected_address":false}'


def _record(key: str, citizen: str, payload: str, deleted: bool = False) -> dict[str, Any]:
    system, _, record_id = key.partition("/")
    return {
        "source_key": key, "source_system": system, "source_record_id": record_id, "payload": payload,
        "occurred_at": T, "event_id": f"e-{key}", "received_at": T, "deleted": deleted, "citizen_id": citizen,
        "family_norm": "smith", "given_norm": None, "postcode": "M5 4WT", "postcode_district": "M5",
    }  # fmt: skip


def _citizen(citizen_id: str) -> dict[str, Any]:
    golden = {
        "fields": {
            "family_name": {"value": "Smith", "source_system": "housing"},
            "address": {"value": {"postcode": "M5 4WT"}, "source_system": "housing"},
        }
    }
    return {"citizen_id": citizen_id, "golden": golden, "created_at": T, "updated_at": T}


@pytest.fixture
def db(hub_database: Database) -> Database:
    """A hub database on each backing, holding a protected citizen, an open one and one moved on."""
    with hub_database.unit_of_work() as session:
        session.execute(insert(Citizen), [_citizen(c) for c in ("c-protected", "c-open", "c-moved-on")])
        session.execute(
            insert(SourceRecord),
            [
                _record("housing/H1", "c-protected", PROTECTED),
                _record("council_tax/C1", "c-protected", OPEN),
                _record("housing/H2", "c-open", OPEN),
                # Once protected, no longer: the protected record was deleted (its payload kept).
                _record("housing/H3", "c-moved-on", PROTECTED, deleted=True),
                _record("council_tax/C3", "c-moved-on", OPEN),
            ],
        )
    return hub_database


class _Reads:
    def __init__(self, db: Database) -> None:
        self.statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", self._capture)

    def _capture(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().startswith("SELECT"):
            self.statements.append(" ".join(statement.split()))


def _search(db: Database, **terms: str) -> dict[str, str | None]:
    with db.read_sessions() as session:
        page = run_search(session, db, AGENT, AGENT_ACCESS, SearchQuery(**terms), "api")  # type: ignore[arg-type]
    return {hit.citizen_id: hit.postcode for hit in page.results}


def test_by_where_they_live_a_protected_person_is_not_found_but_a_deleted_record_protects_no_one(
    db: Database,
) -> None:
    reads = _Reads(db)
    assert _search(db, postcode="M5 4WT") == {"c-open": "M5 4WT", "c-moved-on": "M5 4WT"}
    # The records found by postcode, each with whether its citizen is protected; then the citizens shown.
    assert len(reads.statements) == 2, reads.statements
    assert _search(db, name="Smith", postcode="M5") == {"c-open": "M5 4WT", "c-moved-on": "M5 4WT"}


def test_by_name_a_protected_person_is_found_with_the_postcode_withheld(db: Database) -> None:
    reads = _Reads(db)
    assert _search(db, name="Smith") == {"c-protected": WITHHELD, "c-open": "M5 4WT", "c-moved-on": "M5 4WT"}
    # The records found by name, then the citizens shown and whether each is protected.
    assert len(reads.statements) == 2, reads.statements
    assert reads.statements[1].startswith("SELECT citizens.citizen_id, citizens.golden, EXISTS")


def test_by_a_property_reference_a_protected_person_is_not_found(db: Database) -> None:
    with db.unit_of_work() as session:
        session.execute(
            insert(Identifier),
            [
                {"source_key": key, "scheme": "uprn", "value": "100012345678"}
                for key in ("housing/H1", "housing/H2")
            ],
        )
    assert _search(db, identifier="100012345678") == {"c-open": "M5 4WT"}
    assert _search(db, name="Smith", identifier="100012345678") == {
        "c-open": "M5 4WT",
        "c-moved-on": "M5 4WT",
    }


def test_an_ni_number_is_found_with_its_suffix_letter_or_without(db: Database) -> None:
    """One system keeps the suffix letter, another leaves it off; an agent types either."""
    with db.unit_of_work() as session:
        session.execute(
            insert(Identifier),
            [
                {"source_key": "housing/H2", "scheme": "nino", "value": "JG103759A"},
                {"source_key": "council_tax/C3", "scheme": "nino", "value": "JG103760"},
            ],
        )
    assert set(_search(db, identifier="jg 10 37 59")) == {"c-open"}
    assert set(_search(db, identifier="JG103759A")) == {"c-open"}
    assert set(_search(db, identifier="JG103760C")) == {"c-moved-on"}
    assert set(_search(db, identifier="JG103760")) == {"c-moved-on"}


@pytest.mark.parametrize(("stored", "typed"), [("macdonald", "Angus McDonald"), ("mcdonald", "MacDonald")])
def test_a_gaelic_surname_is_found_by_its_mac_or_mc_spelling(db: Database, stored: str, typed: str) -> None:
    """The caller says "MacDonald"; the record says McDonald, or the other way round."""
    with db.unit_of_work() as session:
        session.execute(insert(Citizen), [_citizen("c-mac")])
        session.execute(
            insert(SourceRecord), [_record("housing/H9", "c-mac", OPEN) | {"family_norm": stored}]
        )
    assert set(_search(db, name=typed)) == {"c-mac"}
    assert set(_search(db, name="Smith")) == {"c-protected", "c-open", "c-moved-on"}
