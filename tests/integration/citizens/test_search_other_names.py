"""An agent's search, on both backings, finds a person by another name their records hold: a birth or
previous surname (the caller gives the name she was known by), or the first name they go by."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert

from contracts import PersonRecord
from hub.access.policy import Access
from hub.auth.principal import Principal, Role
from hub.citizens.search import SearchQuery
from hub.citizens.service import run_search
from hub.store.db import Database
from hub.store.models import Citizen, SourceRecord
from hub.worker.records import record_row

T = datetime(2024, 1, 1, tzinfo=UTC)
AGENT = Principal(subject="a.khan", role=Role.AGENT, line="council_tax", purpose="council_tax_enquiry")
AGENT_ACCESS = Access(None, {}, "council_tax", "council_tax_enquiry", protected_visible=False, ask="ask")


def _stored(citizen_id: str, record: dict[str, Any]) -> dict[str, Any]:
    """The source_records row the worker writes for ``record`` (its search columns included)."""
    person = PersonRecord.model_validate(record)
    return record_row(person, person.model_dump_json(), T, f"e-{person.source_key}", T) | {
        "citizen_id": citizen_id
    }


def _citizen(citizen_id: str, family: str) -> dict[str, Any]:
    golden = {"fields": {"family_name": {"value": family, "source_system": "benefits"}}}
    return {"citizen_id": citizen_id, "golden": golden, "created_at": T, "updated_at": T}


@pytest.fixture
def db(hub_database: Database) -> Database:
    """Elizabeth Hale, born Brown, who goes by Lisa; Ann Hale, her neighbour; and Lisa Brown, another."""
    address = [{"lines": ["14 Cross Lane"], "postcode": "M5 4WT"}]
    with hub_database.unit_of_work() as session:
        session.execute(insert(Citizen), [_citizen("c-elizabeth", "Hale"), _citizen("c-ann", "Hale")])
        session.execute(insert(Citizen), [_citizen("c-other-lisa", "Brown")])
        session.execute(
            insert(SourceRecord),
            [
                _stored(
                    "c-elizabeth",
                    {
                        "source_system": "benefits",
                        "source_record_id": "HB1",
                        "name": {"given": "Elizabeth (Lisa)", "family": "Hale"},
                        "other_names": [{"given": "Elizabeth", "family": "Brown", "kind": "birth"}],
                        "date_of_birth": "1961-04-02",
                        "addresses": address,
                    },
                ),
                _stored(
                    "c-ann",
                    {
                        "source_system": "benefits",
                        "source_record_id": "HB2",
                        "name": {"given": "Ann", "family": "Hale"},
                        "date_of_birth": "1961-09-12",
                        "addresses": address,
                    },
                ),
                _stored(
                    "c-other-lisa",
                    {
                        "source_system": "housing",
                        "source_record_id": "H7",
                        "name": {"given": "Lisa", "family": "Brown"},
                        "date_of_birth": "1990-02-03",
                    },
                ),
            ],
        )
    return hub_database


def _search(db: Database, **terms: str) -> list[tuple[str, list[str]]]:
    with db.read_sessions() as session:
        page = run_search(session, db, AGENT, AGENT_ACCESS, SearchQuery(**terms), "api")  # type: ignore[arg-type]
    return [(hit.citizen_id, hit.matched_on) for hit in page.results]


def test_a_birth_surname_finds_her_and_says_so(db: Database) -> None:
    found = _search(db, name="Elizabeth Brown", date_of_birth="1961")
    assert [citizen for citizen, _why in found] == ["c-elizabeth"]
    assert "surname (another the record holds: a previous or birth surname)" in found[0][1]
    # By the surname alone, both women who hold it are found, the one who holds it now first.
    assert [citizen for citizen, _why in _search(db, name="Brown")] == ["c-other-lisa", "c-elizabeth"]


def test_the_name_she_goes_by_ranks_her_first(db: Database) -> None:
    """ "Lisa Hale": the surname finds both Hales; the first name she goes by puts her first."""
    found = _search(db, name="Lisa Hale")
    assert [citizen for citizen, _why in found] == ["c-elizabeth", "c-ann"]
    assert any("a name they go by" in why for why in found[0][1])
