"""Records with no address (a library or parking list: names and a date of birth): blocking by both
names alone, for them only, as tables of literal record pairs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contracts import PersonRecord
from matching.blocking import RULES, blocking_keys
from matching.engine import FellegiSunterEngine
from matching.incremental import IncrementalMatcher
from matching.memory import MemoryStore
from matching.model import RecordChange
from matching.params import Params, default_params
from matching.standardise import features_of
from tests.unit.matching.helpers import person

UPRN = {"scheme": "uprn", "value": "100012007733"}


def thin(rid: str, given: str | None, family: str | None, dob: str | None = None) -> PersonRecord:
    """A record with names and a date of birth only."""
    return person(rid, given, family, dob, line=None, postcode=None)


def account(number: str) -> dict[str, str]:
    return {"scheme": "council_tax_account", "value": number}


def _keys(record: PersonRecord) -> set[str]:
    return set(blocking_keys(features_of(record)))


BLOCKED = [
    # id, left, right, the rules (key prefixes) their shared keys come from
    (
        "year of birth mistyped: no date or year key in common, both names",
        thin("1", "Robin", "Morrison", "1970-01-02"),
        thin("2", "Robin", "Morison", "1907-01-02"),
        {"nn"},
    ),
    (
        "names given the wrong way round",
        thin("1", "Robin", "Morrison", "1970-01-02"),
        thin("2", "Morrison", "Robin", "1971-03-04"),
        {"nn"},
    ),
    (
        "one of them with no date of birth",
        thin("1", "Robin", "Morrison", "1970-01-02"),
        thin("2", "Robin", "Morrison"),
        {"nn"},
    ),
    (
        "one surname of a double-barrelled name",
        thin("1", "Robin", "Morrison-Jones", "1970-01-02"),
        thin("2", "Robin", "Morrison", "1907-01-02"),
        {"nn"},
    ),
    (
        "same date of birth: the usual keys as well",
        thin("1", "Robin", "Morrison", "1970-01-02"),
        thin("2", "Robin", "Morrison", "1970-01-02"),
        {"fd", "gd", "ny", "nn"},
    ),
    (
        "different first names",
        thin("1", "Robin", "Morrison", "1970-01-02"),
        thin("2", "Rachel", "Morrison", "1907-01-02"),
        set(),
    ),
    (
        "a first initial only says too little",
        thin("1", "R", "Morrison", "1970-01-02"),
        thin("2", "R", "Morrison", "1907-01-02"),
        set(),
    ),
    (
        "the other record has an address: it gets no names key",
        thin("1", "Robin", "Morrison", "1970-01-02"),
        person("2", "Robin", "Morrison", "1907-01-02"),
        set(),
    ),
    (
        "both have an address: the address keys, never names alone",
        person("1", "Robin", "Morrison", "1970-01-02"),
        person("2", "Robin", "Morrison", "1907-01-02", line="3 Low Road", postcode="M6 1AA"),
        set(),
    ),
]


@pytest.mark.parametrize(("left", "right", "rules"), [c[1:] for c in BLOCKED], ids=[c[0] for c in BLOCKED])
def test_which_rules_block_a_pair(left: PersonRecord, right: PersonRecord, rules: set[str]) -> None:
    shared = _keys(left) & _keys(right)
    assert {key.partition(":")[0] for key in shared} == rules


@pytest.mark.parametrize(
    ("record", "names_key"),
    [
        (person("1", "Robin", "Morrison", "1970-01-02"), False),
        (person("2", "Robin", "Morrison", None), False),
        (person("3", "Robin", "Morrison", None, line=None, postcode="M5 4WT"), False),
        (person("4", "Robin", "Morrison", None, line=None, postcode=None, identifiers=[UPRN]), False),
        # A street but no postcode: no address key reaches it.
        (person("5", "Robin", "Morrison", None, line="10 High Street", postcode=None), True),
        (thin("6", "Robin", "Morrison", "1970-01-02"), True),
    ],
)
def test_only_a_record_no_address_key_reaches_has_a_names_key(record: PersonRecord, names_key: bool) -> None:
    # Each key is an index row in the hub: records that have address keys get none of these.
    assert bool({key for key in _keys(record) if key.startswith("nn:")}) == names_key


def test_the_names_rule_is_listed() -> None:
    assert "nn" in {rule.prefix for rule in RULES}


def _citizens(records: list[PersonRecord]) -> list[set[str]]:
    store = MemoryStore()
    IncrementalMatcher(FellegiSunterEngine()).process(store, [RecordChange(r.source_key, r) for r in records])
    groups: dict[str, set[str]] = {}
    for key, citizen in store.citizen.items():
        groups.setdefault(citizen, set()).add(key)
    return sorted(groups.values(), key=min)


DECIDED = [
    # id, left, right, one citizen (shipped parameters)
    (
        "rare names, year of birth mistyped",
        thin("1", "Eulalia", "Featherstonehaugh", "1970-01-02"),
        thin("2", "Eulalia", "Featherstonehaugh", "1907-01-02"),
        True,
    ),
    (
        "rare names, day and month swapped and a letter dropped",
        thin("1", "Eulalia", "Featherstonehaugh", "1970-03-04"),
        thin("2", "Eulalia", "Featherstonhaugh", "1970-04-03"),
        True,
    ),
    (
        "rare names, dates of birth years apart: two people",
        thin("1", "Eulalia", "Featherstonehaugh", "1970-01-02"),
        thin("2", "Eulalia", "Featherstonehaugh", "1994-08-19"),
        False,
    ),
    (
        "common names, one with no date of birth: not enough to join",
        thin("1", "John", "Smith", "1970-01-02"),
        thin("2", "John", "Smith"),
        False,
    ),
]


@pytest.mark.parametrize(("left", "right", "joined"), [c[1:] for c in DECIDED], ids=[c[0] for c in DECIDED])
def test_records_without_addresses_are_compared_on_their_names(
    left: PersonRecord, right: PersonRecord, joined: bool
) -> None:
    together = [{left.source_key, right.source_key}]
    apart = [{left.source_key}, {right.source_key}]
    assert _citizens([left, right]) == (together if joined else apart)


NAMES_ALONE = [
    # id, left, right, decision with the shipped parameters, decision with names_alone_link
    (
        "rare names, one with no date of birth",
        thin("1", "Eulalia", "Featherstonehaugh", "1970-01-02"),
        thin("2", "Eulalia", "Featherstonehaugh"),
        "review",
        "link",
    ),
    (
        "a name the shipped tables do not list, neither with a date of birth",
        thin("1", "Piotr", "Nowak"),
        thin("2", "Piotr", "Nowak"),
        "review",
        "link",
    ),
    (
        "different council tax accounts, nothing else agreeing",
        person("1", "Magdalena", "Zielinska", line=None, postcode=None, identifiers=[account("40000001")]),
        person("2", "Magdalena", "Zielinska", line=None, postcode=None, identifiers=[account("40000104")]),
        "review",
        "link",
    ),
    (
        "the same names with a date of birth each: not names alone",
        thin("1", "Eulalia", "Featherstonehaugh", "1970-01-02"),
        thin("2", "Eulalia", "Featherstonehaugh", "1970-01-02"),
        "link",
        "link",
    ),
    (
        "the same names at one address: not names alone",
        person("1", "Eulalia", "Featherstonehaugh", "1970-01-02"),
        person("2", "Eulalia", "Featherstonehaugh"),
        "link",
        "link",
    ),
]


@pytest.mark.parametrize(
    ("left", "right", "shipped", "counted"),
    [c[1:] for c in NAMES_ALONE],
    ids=[c[0] for c in NAMES_ALONE],
)
def test_names_alone_link_only_with_frequencies_counted_on_the_data(
    left: PersonRecord, right: PersonRecord, shipped: str, counted: str
) -> None:
    for engine, expected in (
        (FellegiSunterEngine(), shipped),
        (FellegiSunterEngine(replace(default_params(), names_alone_link=True)), counted),
    ):
        comparison = engine.compare(engine.prepare(left), engine.prepare(right))
        assert engine.decide(comparison) == expected
        # A pair held back for its names alone says so to the supervisor who is asked.
        held_back = expected == "review" and counted == "link"
        assert ("nothing but the names agrees" in comparison.summary) == held_back


@pytest.mark.parametrize(("link", "review"), [(4.0, -4.0), (6.0, 0.0), (2.0, -10.0)])
def test_names_alone_are_held_halfway_between_the_conflict_cap_and_the_link_threshold(
    link: float, review: float
) -> None:
    engine = FellegiSunterEngine(link_threshold=link, review_threshold=review)
    left, right = NAMES_ALONE[1][1], NAMES_ALONE[1][2]
    comparison = engine.compare(engine.prepare(left), engine.prepare(right))
    assert comparison.weight == ((link + review) / 2 + link) / 2
    assert engine.decide(comparison) == "review"


def test_trained_parameters_let_names_alone_link_and_say_so() -> None:
    assert not default_params().names_alone_link
    assert Params.from_dict({**default_params().to_dict(), "names_alone_link": True}).names_alone_link
    assert not Params.from_dict({"prior": -18.0}).names_alone_link  # a parameter file from before
