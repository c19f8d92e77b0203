"""The neighbourhood re-clustered for a batch follows links, not every uncertain pair."""

from __future__ import annotations

from matching.engine import FellegiSunterEngine
from matching.incremental import IncrementalMatcher
from matching.memory import MemoryStore
from matching.model import RecordChange
from tests.unit.matching.helpers import TableEngine, person

LINK = FellegiSunterEngine().thresholds.link
REVIEW = FellegiSunterEngine().thresholds.review


def test_an_uncertain_pair_asks_a_person_without_joining_the_neighbourhoods() -> None:
    # a and b are only possibly one person; c is certainly a. Re-clustering c's arrival touches a's
    # citizen, not b's, and the a-b question stays open for a person.
    keys = {"ct/a": ("k1", "k2"), "ct/b": ("k1",), "ct/c": ("k2",)}
    weights = {
        frozenset(("ct/a", "ct/b")): (LINK + REVIEW) / 2 + 0.5,
        frozenset(("ct/a", "ct/c")): LINK + 10,
    }
    engine = TableEngine(keys, weights)
    store = MemoryStore()
    matcher = IncrementalMatcher(engine)
    records = {r.source_key: r for r in (person(k, "Ann", "Lee") for k in "abc")}
    matcher.process(store, [RecordChange(k, records[k]) for k in ("ct/a", "ct/b")])
    assert ("ct/a", "ct/b") in store.reviews
    plan = matcher.process(store, [RecordChange("ct/c", records["ct/c"])])
    assert sorted(k for c in plan.citizens for k in c.members) == ["ct/a", "ct/c"]
    assert [(e.a, e.b) for e in plan.reviews] == [("ct/a", "ct/b")]
    assert store.partition() == [["ct/a", "ct/c"], ["ct/b"]]
