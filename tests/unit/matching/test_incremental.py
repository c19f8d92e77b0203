"""The invariants of incremental matching: order independence, stable ids, undo, manual decisions."""

from __future__ import annotations

import random

from contracts import PersonRecord
from matching.engine import FellegiSunterEngine
from matching.incremental import IncrementalMatcher
from matching.memory import MemoryStore
from matching.model import Constraints, Edge, RecordChange
from tests.unit.matching.helpers import person

ENGINE = FellegiSunterEngine()


def records() -> list[PersonRecord]:
    return [
        person("1", "Margaret", "Smith", "1950-03-04", nino="AB123456C"),
        person("2", "Peggy", "Smith", "1950-03-04", system="hb"),
        person("3", "Margaret", "Smyth", "1950-03-04", system="hou", postcode="M5 4WU", line="11 High St"),
        person("4", "Jack", "Cavendish", "2001-05-05", postcode="LS1 1AA"),
        person("5", "Harry", "Cavendish", "2001-05-05", postcode="LS1 1AA"),
        person("6", None, "Cavendish", "2001-05-05", system="hb", postcode="LS1 1AA"),
        person("7", "John", "Ormsby", "1950-05-05", postcode="B1 1AA"),
        person("8", "John", "Ormsby", "1978-09-01", postcode="B1 1AA"),
        person("9", "John", "Ormsby", "1978-09-01", system="hb", postcode="B1 1AA", line="10 High Road"),
    ]


class SharedMemoryStore(MemoryStore):
    """A MemoryStore read as a shared store is (candidates before the locks, then again under them)."""

    single_writer = False


def run(items: list[PersonRecord], batch: int = 1, store: MemoryStore | None = None) -> MemoryStore:
    store = MemoryStore() if store is None else store
    matcher = IncrementalMatcher(ENGINE)
    for start in range(0, len(items), batch):
        matcher.process(store, [RecordChange(r.source_key, r) for r in items[start : start + batch]])
    return store


def test_same_input_in_any_order_gives_the_same_citizens() -> None:
    expected = run(records()).partition()
    assert ["ct/1", "hb/2", "hou/3"] in expected
    assert ["ct/8", "hb/9"] in expected
    assert ["ct/7"] in expected  # the father stays apart from his namesake son
    assert ["ct/4"] in expected or ["ct/5"] in expected  # twins never joined through a sparse record
    for seed in range(8):
        shuffled = records()
        random.Random(seed).shuffle(shuffled)
        assert run(shuffled, batch=1 + seed % 3).partition() == expected


def test_reading_once_as_the_only_writer_gives_what_two_reads_give() -> None:
    for batch in (1, 2, 4, 9):
        one_read = run(records(), batch)
        two_reads = run(records(), batch, SharedMemoryStore())
        assert one_read.citizen == two_reads.citizen
        assert one_read.edges == two_reads.edges
        assert one_read.reviews == two_reads.reviews


def test_a_change_carrying_its_prepared_record_matches_as_the_record_does() -> None:
    matcher = IncrementalMatcher(ENGINE)
    prepared = MemoryStore()
    for record in records():
        matcher.process(prepared, [RecordChange(record.source_key, None, ENGINE.prepare(record))])
    expected = run(records())
    assert prepared.citizen == expected.citizen
    assert prepared.edges == expected.edges
    # Neither a record nor a prepared one: a deletion.
    matcher.process(prepared, [RecordChange("hb/2", None)])
    assert "hb/2" not in prepared.citizen
    assert prepared.citizen["ct/1"] == prepared.citizen["hou/3"]


def test_same_input_same_order_gives_the_same_ids() -> None:
    assert run(records()).citizen == run(records()).citizen


def test_cluster_ignores_input_order() -> None:
    nodes = ["a", "b", "c", "d"]
    edges = [Edge("a", "b", 20.0), Edge("b", "c", 6.0), Edge("c", "d", 30.0), Edge("a", "c", -3.0)]
    first = ENGINE.cluster(nodes, edges, Constraints())
    assert first == ENGINE.cluster(list(reversed(nodes)), list(reversed(edges)), Constraints())
    assert first == [["a", "b"], ["c", "d"]]  # no chaining through the one weak link b-c


def test_merge_then_split_restores_the_exact_prior_state() -> None:
    store = MemoryStore()
    matcher = IncrementalMatcher(ENGINE)
    a = person("1", "Asha", "Patel", "1990-01-01", postcode="N1 9GU", line="1 Elm Close")
    b = person("2", "Asha", "Patel", system="hb", postcode="E1 6AN", line="5 Mile End Road")
    matcher.process(store, [RecordChange(a.source_key, a), RecordChange(b.source_key, b)])
    before = dict(store.citizen)
    assert before["ct/1"] != before["hb/2"]
    # New evidence (same NI number) merges them; the retired id resolves to the survivor.
    a2 = a.model_copy(update={"identifiers": person("1", "x", "y", nino="AB123456C").identifiers})
    b2 = b.model_copy(update={"identifiers": a2.identifiers})
    plan = matcher.process(store, [RecordChange(a2.source_key, a2), RecordChange(b2.source_key, b2)])
    assert plan.merges
    assert store.citizen["ct/1"] == store.citizen["hb/2"]
    retired = plan.merges[0][1][0]
    assert store.resolve(retired) == store.citizen["ct/1"]
    # Undo: the evidence is withdrawn; the pre-merge partition comes back.
    matcher.process(store, [RecordChange(a.source_key, a), RecordChange(b.source_key, b)])
    assert store.partition() == [["ct/1"], ["hb/2"]]
    assert store.citizen["ct/1"] == before["ct/1"]


def test_manual_not_the_same_person_survives_rematching() -> None:
    store = MemoryStore()
    matcher = IncrementalMatcher(ENGINE)
    a = person("1", "Margaret", "Smith", "1950-03-04")
    b = person("2", "Peggy", "Smith", "1950-03-04", system="hb")
    matcher.process(store, [RecordChange(a.source_key, a), RecordChange(b.source_key, b)])
    assert store.citizen["ct/1"] == store.citizen["hb/2"]
    store.cannot_link.add(("ct/1", "hb/2"))
    matcher.process(store, [RecordChange(a.source_key, a)])
    assert store.citizen["ct/1"] != store.citizen["hb/2"]
    # Re-matching with even stronger evidence never overrides the supervisor.
    c = person("3", "Margaret", "Smith", "1950-03-04", system="hou")
    matcher.process(store, [RecordChange(c.source_key, c), RecordChange(b.source_key, b)])
    assert store.citizen["ct/1"] != store.citizen["hb/2"]


def test_manual_same_person_survives_rematching() -> None:
    store = MemoryStore()
    matcher = IncrementalMatcher(ENGINE)
    a = person("1", "Jack", "Cavendish", "2001-05-05")
    b = person("2", "Harry", "Cavendish", "2001-05-05", system="hb")
    matcher.process(store, [RecordChange(a.source_key, a), RecordChange(b.source_key, b)])
    assert store.citizen["ct/1"] != store.citizen["hb/2"]
    assert store.reviews  # the uncertain pair goes to a person
    store.must_link.add(("ct/1", "hb/2"))
    matcher.process(store, [RecordChange(a.source_key, a)])
    assert store.citizen["ct/1"] == store.citizen["hb/2"]
