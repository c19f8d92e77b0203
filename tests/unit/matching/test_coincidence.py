"""Coincidences: the pairs the name-and-birth rules find among strangers, measured by dealing the dates of
birth out again."""

from __future__ import annotations

from matching.coincidence import coincidental_pairs
from matching.engine import FellegiSunterEngine
from tests.unit.matching.helpers import person

ENGINE = FellegiSunterEngine()


def test_strangers_sharing_a_name_and_a_date_are_all_coincidences_whatever_the_shuffle() -> None:
    # 100 John Smiths, one record each, born on ten dates in ten years: ten of each. Dealing the dates
    # out again keeps ten of each date, so the pairs found stay 10 blocks of 45 pairs in each rule.
    records = [
        ENGINE.prepare(person(str(i), "John", "Smith", f"{1950 + i % 10}-03-15", postcode=None))
        for i in range(100)
    ]
    for seed in (0, 1, 2):
        assert coincidental_pairs(records, 400, seed) == 3 * 10 * 45


def test_one_persons_records_are_parted_and_blocks_over_the_limit_give_nothing() -> None:
    # Fifty people with distinct names, two records each on one date of birth: the rules find 50 pairs
    # of one person, and hardly any once the dates are dealt out again.
    names = [f"{a}{b}" for a in ("Ann", "Bob", "Cyd", "Dot", "Eve") for b in "klmnpqrstv"]
    records = [
        ENGINE.prepare(person(f"{i}-{copy}", names[i], f"Fam{names[i]}", f"19{40 + i}-05-06", postcode=None))
        for i in range(50)
        for copy in (0, 1)
    ]
    assert coincidental_pairs(records, 400, 0) <= 3 * 2
    smiths = [ENGINE.prepare(person(str(i), "John", "Smith", "1960-01-01", postcode=None)) for i in range(30)]
    assert coincidental_pairs(smiths, 400, 0) == 3 * 30 * 29 // 2
    assert coincidental_pairs(smiths, 29, 0) == 0
