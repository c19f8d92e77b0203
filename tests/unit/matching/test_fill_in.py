"""Pairs that blocking missed between records linked through a third are scored before clustering."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest

from matching.engine import FellegiSunterEngine
from matching.incremental import IncrementalMatcher
from matching.memory import MemoryStore
from matching.model import RecordChange
from tests.unit.matching.helpers import TableEngine, person

RECORDS = [person("a", "Joel", "Ryan"), person("b", "Joel", "Ryan"), person("c", "Joel", "Ryan")]
# a and c share no blocking key: they are only ever compared because both link to b.
KEYS = {"ct/a": ("k1",), "ct/b": ("k1", "k2"), "ct/c": ("k2",)}


def _run(
    weights: dict[frozenset[str], float], order: Sequence[int], batch: int
) -> tuple[list[list[str]], TableEngine]:
    engine = TableEngine(KEYS, weights)
    store = MemoryStore()
    matcher = IncrementalMatcher(engine)
    items = [RECORDS[i] for i in order]
    for start in range(0, len(items), batch):
        matcher.process(store, [RecordChange(r.source_key, r) for r in items[start : start + batch]])
    return store.partition(), engine


def _weights(a_b: float, b_c: float, a_c: float) -> dict[frozenset[str], float]:
    return {
        frozenset(("ct/a", "ct/b")): a_b,
        frozenset(("ct/b", "ct/c")): b_c,
        frozenset(("ct/a", "ct/c")): a_c,
    }


LINK = FellegiSunterEngine().thresholds.link
CAP = round(FellegiSunterEngine().conflict_cap, 4)


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
@pytest.mark.parametrize("batch", [1, 2, 3])
def test_an_unblocked_pair_that_matches_brings_the_record_in(order: tuple[int, ...], batch: int) -> None:
    # b-c alone, averaged with an unscored a-c ("no better than uncertain"), stays below the link
    # threshold; a-c scored for real (a match) lifts the average above it.
    partition, engine = _run(_weights(a_b=LINK + 20, b_c=LINK + 1, a_c=LINK + 2), order, batch)
    assert partition == [["ct/a", "ct/b", "ct/c"]]
    assert frozenset(("ct/a", "ct/c")) in engine.compared


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
@pytest.mark.parametrize("batch", [1, 2, 3])
def test_an_unblocked_conflict_keeps_the_record_out(order: tuple[int, ...], batch: int) -> None:
    # b-c is strong enough to outweigh an unscored a-c; scored for real, a-c is a conflict (twins, a
    # father and son) and c stays apart.
    partition, _engine = _run(_weights(a_b=LINK + 30, b_c=LINK + 20, a_c=CAP), order, batch)
    assert ["ct/c"] in partition
    assert ["ct/a", "ct/b"] in partition


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
@pytest.mark.parametrize("batch", [1, 2, 3])
def test_a_pair_below_the_review_threshold_whose_conflicts_say_two_people_keeps_them_apart(
    order: tuple[int, ...], batch: int
) -> None:
    # A father and son of one name at one address (dates of birth decades apart), both linked by an
    # undated record: their pair weighs below the review threshold, so it is never stored, and counted
    # as "absent" it let the two links join all three.
    apart = round(FellegiSunterEngine().apart, 4)
    partition, engine = _run(_weights(a_b=LINK + 20, b_c=LINK + 8, a_c=apart), order, batch)
    assert frozenset(("ct/a", "ct/c")) in engine.compared
    assert ["ct/c"] in partition
    assert ["ct/a", "ct/b"] in partition


def test_records_linked_to_nobody_in_common_are_not_compared() -> None:
    # a-b is below the link threshold, so b does not bring a and c together.
    _partition, engine = _run(_weights(a_b=LINK - 1, b_c=LINK + 20, a_c=LINK + 2), (0, 1, 2), 3)
    assert frozenset(("ct/a", "ct/c")) not in engine.compared
