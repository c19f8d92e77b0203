"""The golden address is where to write to the person, and a change is a change of place, not of spelling."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts import Address, PersonName, PersonRecord
from hub.worker.citizens import reported_move, same_address
from matching.survivorship import Survivorship


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
    golden = Survivorship().golden([older, after_write_back])
    assert golden.value("address")["postcode"] == "M5 3LH"


def test_an_ended_address_is_never_chosen() -> None:
    ended = Address(
        lines=["1 Old Road"], postcode="M6 1AA", kind="residential", valid_to=datetime(2020, 1, 1).date()
    )
    golden = Survivorship().golden([record("council_tax", [ended, HOME], day=2)])
    assert golden.value("address")["postcode"] == "M5 4WT"


def test_same_address_ignores_case_punctuation_and_line_breaks() -> None:
    a = {"lines": ["Flat 2", "14 Cross Lane"], "town": "Salford", "postcode": "M5 4WT", "uprn": "1"}
    b = {"lines": ["FLAT 2, 14 CROSS LANE"], "town": "SALFORD", "postcode": "M5 4WT", "uprn": None}
    assert same_address(a, b)
    assert not same_address(a, {**b, "postcode": "M5 3LH"})
    assert not same_address(None, a)


def _golden(postcode: str, key: str) -> dict[str, object]:
    system, _, record_id = key.partition("/")
    value = {"lines": ["1 Any Street"], "town": "Salford", "postcode": postcode}
    return {"address": {"value": value, "source_system": system, "source_record_id": record_id}}


def test_a_clerk_updating_an_address_is_a_reported_move() -> None:
    before, after = _golden("M5 4WT", "council_tax/CT1"), _golden("M5 3LH", "council_tax/CT1")
    assert reported_move(before, after, {"council_tax/CT1"}, membership_changed=False)


def test_records_being_joined_never_rewrite_anyones_address() -> None:
    before, after = _golden("M5 4WT", "council_tax/CT1"), _golden("M6 1AA", "benefits/HB2")
    assert not reported_move(before, after, {"benefits/HB2"}, membership_changed=True)


def test_the_residents_own_report_on_the_web_channel_is_a_reported_move() -> None:
    before, after = _golden("M5 4WT", "council_tax/CT1"), _golden("M6 1AA", "web_channel/c-1")
    assert reported_move(before, after, {"web_channel/c-1"}, membership_changed=True)


def test_no_move_when_only_the_spelling_changed_or_the_source_was_not_touched() -> None:
    before = _golden("M5 4WT", "council_tax/CT1")
    assert not reported_move(before, _golden("m5 4wt", "council_tax/CT1"), {"council_tax/CT1"}, False)
    assert not reported_move(before, _golden("M6 1AA", "housing/HT1"), {"council_tax/CT1"}, False)
