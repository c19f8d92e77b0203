"""The golden address is where to write to the person, and a change is a change of place, not of spelling."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts import Address, PersonName, PersonRecord
from hub.worker.citizens import same_address
from matching.survivorship import golden_record


def record(system: str, addresses: list[Address], day: int) -> PersonRecord:
    return PersonRecord(
        source_system=system,
        source_record_id="1",
        name=PersonName(given="Margaret", family="Smith"),
        addresses=addresses,
        updated_at=datetime(2025, 1, day, tzinfo=UTC),
    )


HOME = Address(lines=["Flat 2", "14 Cross Lane"], town="Salford", postcode="M5 4WT", kind="residential")
NEW = Address(lines=["Flat 5, 2 Mill Lane"], town="Salford", postcode="M5 3LH", kind="correspondence")


def test_a_newer_correspondence_address_wins_over_the_home_in_the_same_record() -> None:
    after_write_back = record("benefits", [HOME, NEW], day=9)
    older = record("housing", [HOME], day=1)
    golden = golden_record([older, after_write_back])
    assert golden.value("address")["postcode"] == "M5 3LH"


def test_an_ended_address_is_never_chosen() -> None:
    ended = Address(
        lines=["1 Old Road"], postcode="M6 1AA", kind="residential", valid_to=datetime(2020, 1, 1).date()
    )
    golden = golden_record([record("council_tax", [ended, HOME], day=2)])
    assert golden.value("address")["postcode"] == "M5 4WT"


def test_same_address_ignores_case_punctuation_and_line_breaks() -> None:
    a = {"lines": ["Flat 2", "14 Cross Lane"], "town": "Salford", "postcode": "M5 4WT", "uprn": "1"}
    b = {"lines": ["FLAT 2, 14 CROSS LANE"], "town": "SALFORD", "postcode": "M5 4WT", "uprn": None}
    assert same_address(a, b)
    assert not same_address(a, {**b, "postcode": "M5 3LH"})
    assert not same_address(None, a)
