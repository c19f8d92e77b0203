"""A reader who may not see the system a golden value was chosen from still sees that value when a
system they may see holds it too; a value only hidden systems hold is left out."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts import PersonName, PersonRecord
from hub.access.policy import Access
from hub.access.redact import filter_golden
from hub.worker.citizens import golden_json
from matching.survivorship import Survivorship


def record(system: str, given: str, updated: int) -> PersonRecord:
    return PersonRecord(
        source_system=system,
        source_record_id=f"{system}-1",
        name=PersonName(given=given, family="Smith"),
        date_of_birth="1952-03-14" if system == "benefits" else None,
        updated_at=datetime(2024, 1, updated, tzinfo=UTC),
    )


def council_tax_agent() -> Access:
    return Access(
        systems=frozenset({"council_tax", "housing"}),
        agreements={},
        line="council_tax",
        purpose="council_tax_enquiry",
        protected_visible=False,
        ask="the safeguarding team",
    )


def test_value_held_by_a_visible_system_is_shown_and_credited_to_it() -> None:
    members = [record("council_tax", "Margaret", 1), record("benefits", "Margaret", 9)]
    golden = golden_json(Survivorship().golden(members), members)
    assert golden["fields"]["family_name"]["source_system"] == "benefits"
    assert golden["fields"]["family_name"]["held_by"] == ["benefits", "council_tax"]

    seen = filter_golden(golden, council_tax_agent(), protected=False)["fields"]
    assert seen["family_name"]["value"] == "Smith"
    assert seen["family_name"]["source_system"] == "council_tax"
    assert "date_of_birth" not in seen  # only benefits holds it


def test_alternative_from_a_visible_system_is_used_when_values_differ() -> None:
    members = [record("council_tax", "Peggy", 1), record("benefits", "Margaret", 9)]
    golden = golden_json(Survivorship().golden(members), members)
    seen = filter_golden(golden, council_tax_agent(), protected=False)["fields"]
    assert seen["given_name"]["value"] == "Peggy"
