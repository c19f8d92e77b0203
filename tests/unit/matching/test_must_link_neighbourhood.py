"""A supervisor's (or a resident's) "same person" joins records even when no evidence links them."""

from __future__ import annotations

from contracts import PersonName, PersonRecord
from matching.engine import FellegiSunterEngine
from matching.incremental import IncrementalMatcher
from matching.memory import MemoryStore
from matching.model import RecordChange
from matching.params import default_params


def record(system: str, record_id: str, given: str, family: str, postcode: str) -> PersonRecord:
    return PersonRecord(
        source_system=system,
        source_record_id=record_id,
        name=PersonName(given=given, family=family),
        addresses=[{"lines": ["1 New Street"], "postcode": postcode}],
    )


def test_a_record_must_linked_in_advance_joins_when_it_arrives() -> None:
    store = MemoryStore()
    matcher = IncrementalMatcher(FellegiSunterEngine(default_params()))
    old = record("council_tax", "CT1", "Margaret", "Smith", "M5 4WT")
    matcher.process(store, [RecordChange(old.source_key, old)])
    # A resident reports a new address on the web channel: nothing in it matches the old record
    # strongly, but the hub knows it is her (she is signed in) and records that as a must-link.
    web = record("web_channel", "c-1", "M", "Smith-Jones", "B1 1AA")
    store.must_link.add(
        (old.source_key, web.source_key)
        if old.source_key < web.source_key
        else (web.source_key, old.source_key)
    )
    matcher.process(store, [RecordChange(web.source_key, web)])
    assert store.partition() == [sorted([old.source_key, web.source_key])]


def test_without_the_decision_they_stay_apart() -> None:
    store = MemoryStore()
    matcher = IncrementalMatcher(FellegiSunterEngine(default_params()))
    old = record("council_tax", "CT1", "Margaret", "Smith", "M5 4WT")
    web = record("web_channel", "c-1", "M", "Smith-Jones", "B1 1AA")
    for r in (old, web):
        matcher.process(store, [RecordChange(r.source_key, r)])
    assert len(store.partition()) == 2
