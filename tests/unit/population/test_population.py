"""The synthetic council population: deterministic, valid ground truth, realistic faults, planted cases."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter

import pytest

from adaptors.population import FAULT_RATES, Population, generate_population
from adaptors.population.names import NICKNAMES
from contracts.rules import check_nhs_number, check_nino


@pytest.fixture(scope="module")
def pop() -> Population:
    return generate_population(people=5000, seed=1)


@pytest.fixture(scope="module")
def large_pop() -> Population:
    return generate_population(people=20_000, seed=11)


def test_same_seed_gives_identical_records_events_and_truth() -> None:
    a = generate_population(people=1500, seed=7)
    b = generate_population(people=1500, seed=7)
    assert a.truth == b.truth
    assert a.people == b.people
    for system in a.systems:
        assert [r.model_dump() for r in a.person_records(system)] == [
            r.model_dump() for r in b.person_records(system)
        ]
        assert [e.model_dump() for e in a.service_events(system)] == [
            e.model_dump() for e in b.service_events(system)
        ]


def test_another_seed_gives_another_population() -> None:
    a = generate_population(people=500, seed=1)
    b = generate_population(people=500, seed=2)
    assert [p.given for p in a.people] != [p.given for p in b.people]


def test_population_has_exactly_the_size_asked_for(pop: Population) -> None:
    assert len(pop.people) == 5000
    assert len(generate_population(people=1, seed=3).people) == 1
    with pytest.raises(ValueError, match="at least 1"):
        generate_population(people=0)


def test_every_ground_truth_nino_and_nhs_number_is_valid_and_unique(pop: Population) -> None:
    for person in pop.people:
        assert check_nino(person.nino)[1] is None, person.nino
        assert check_nhs_number(person.nhs_number)[1] is None, person.nhs_number
    assert len({p.nino for p in pop.people}) == len(pop.people)
    assert len({p.nhs_number for p in pop.people}) == len(pop.people)


def test_ages_and_addresses_are_plausible(pop: Population) -> None:
    ages = [p.age for p in pop.people]
    assert min(ages) >= 16
    assert max(ages) <= 100
    for p in pop.people:
        assert p.address.valid_to is None
        assert re.fullmatch(r"M\d{1,2} \d[A-Z]{2}", p.address.postcode)
        assert p.address.uprn.isdigit()
    assert sum(p.address.postcode.startswith("M5 ") for p in pop.people) > 100
    assert any(p.address.lines[0].startswith("Flat ") for p in pop.people)
    assert any("-" in p.family for p in pop.people)  # double-barrelled
    assert any(p.family in ("Khan", "Nowak", "Okafor", "Chen", "Hussain", "Patel") for p in pop.people)


def test_truth_covers_every_record_and_events_follow_records(pop: Population) -> None:
    keys: set[str] = set()
    for system in pop.systems:
        records = pop.person_records(system)
        ids = {r.source_record_id for r in records}
        assert len(ids) == len(records)
        keys |= {r.source_key for r in records}
        events = pop.service_events(system)
        assert events
        assert {e.source_record_id for e in events} <= ids
        assert len({e.service_event_id for e in events}) == len(events)
        assert all(e.source_system == system for e in events)
    assert keys == set(pop.truth)
    assert set(pop.truth.values()) <= {p.person_id for p in pop.people}


@pytest.mark.parametrize(
    ("system", "pattern", "scheme"),
    [
        ("council_tax", r"CT\d{8}", "council_tax_account"),
        ("benefits", r"(HB|CTR)\d{7}-0[12]", "benefit_claim"),
        ("housing", r"HT\d{7}", "tenancy_ref"),
    ],
)
def test_record_ids_and_references_look_like_the_systems_own(
    pop: Population, system: str, pattern: str, scheme: str
) -> None:
    records = pop.person_records(system)
    for record in records:
        assert re.fullmatch(pattern, record.source_record_id)
        assert [i for i in record.identifiers if i.scheme == scheme]
    ninos = sum(
        bool(r.valid_identifiers("nino") or [i for i in r.identifiers if i.scheme == "nino"]) for r in records
    )
    uprns = sum(bool(r.valid_identifiers("uprn")) for r in records)
    share = {"council_tax": (0.0, 0.15), "benefits": (0.9, 1.0), "housing": (0.35, 0.65)}[system]
    assert share[0] <= ninos / len(records) <= share[1]
    if system != "benefits":
        assert uprns / len(records) > 0.9


def test_coverage_is_like_a_council(pop: Population) -> None:
    counts = {s: pop.record_count(s) for s in pop.systems}
    assert 0.6 * 5000 < counts["council_tax"] < 0.95 * 5000
    assert 0.08 * 5000 < counts["benefits"] < 0.3 * 5000
    assert 0.08 * 5000 < counts["housing"] < 0.3 * 5000
    accounts = Counter(m.reference for m in pop.memberships("council_tax"))
    assert sum(n == 2 for n in accounts.values()) > 0.3 * len(accounts)
    claims = Counter(m.reference for m in pop.memberships("benefits"))
    assert any(n == 2 for n in claims.values())
    roles = Counter(m.role for m in pop.memberships("housing"))
    assert all(roles[r] for r in ("lead_tenant", "joint_tenant", "household_member"))


@pytest.mark.parametrize(("people", "seed"), [(1, 1), (50, 1), (50, 2), (5000, 1), (300, 99)])
def test_the_showcase_resident_is_in_all_three_systems(people: int, seed: int) -> None:
    pop = generate_population(people=people, seed=seed)
    peggy = pop.person(pop.showcase)
    assert (peggy.given, peggy.family) == ("Margaret", "Smith")
    assert 1950 <= peggy.dob.year <= 1959
    assert peggy.address.postcode.startswith("M5 ")
    records = {
        system: [r for r in pop.person_records(system) if pop.truth[r.source_key] == pop.showcase]
        for system in pop.systems
    }
    assert all(len(found) == 1 for found in records.values())
    givens = {system: found[0].name.given for system, found in records.items()}
    assert "Peggy" in givens.values()
    assert records["housing"][0].date_of_birth is not None
    assert records["housing"][0].addresses[0].postcode == "M5 4WT"
    lines = {tuple(found[0].addresses[0].lines) for found in records.values()}
    assert len(lines) == 3  # each system writes her address its own way
    kinds = {
        (system, e.kind, e.attributes.get("status", ""))
        for system, found in records.items()
        for e in pop.service_events(system)
        if e.source_record_id == found[0].source_record_id
    }
    assert ("council_tax", "bill_issued", "") in kinds
    assert ("benefits", "claim_status_changed", "awarded") in kinds
    assert ("housing", "repair_reported", "") in kinds
    if people > 1:
        decoy = pop.person(pop.showcase_decoy)
        assert (decoy.given, decoy.family) == ("Margaret", "Smith")
        assert decoy.dob != peggy.dob
        assert decoy.address.postcode[:3] != peggy.address.postcode[:3]


def _rate(pop: Population, system: str, fault: str) -> float:
    keys = [m.source_key for m in pop.memberships(system)]
    return sum(fault in pop.faults.get(k, ()) for k in keys) / len(keys)


@pytest.mark.parametrize(
    ("system", "fault", "low", "high"),
    [
        ("council_tax", "dob_missing", 0.45, 0.65),
        ("council_tax", "typo", 0.01, 0.06),
        ("council_tax", "stale_address", 0.02, 0.15),
        ("council_tax", "nickname", 0.005, 0.06),
        ("benefits", "nino_missing", 0.01, 0.07),
        ("benefits", "dob_swapped", 0.001, 0.015),
        ("benefits", "birth_alias", 0.02, 0.2),
        ("housing", "nickname", 0.01, 0.1),
        ("housing", "typo", 0.02, 0.08),
        ("housing", "dob_year_only", 0.015, 0.08),
    ],
)
def test_fault_rates_are_within_realistic_bands(
    large_pop: Population, system: str, fault: str, low: float, high: float
) -> None:
    assert FAULT_RATES[system]
    assert low <= _rate(large_pop, system, fault) <= high


def test_faults_show_in_the_records(pop: Population) -> None:
    seen: Counter[str] = Counter()
    for system in pop.systems:
        for record in pop.person_records(system):
            truth = pop.person(pop.truth[record.source_key])
            faults = pop.faults.get(record.source_key, ())
            dob = record.date_of_birth
            if "dob_swapped" in faults:
                assert dob is not None
                assert (dob.month, dob.day) == (truth.dob.day, truth.dob.month)
                seen["dob_swapped"] += 1
            if "dob_impossible" in faults:
                assert dob is not None
                assert dob.invalid
                seen["dob_impossible"] += 1
            if "nino_invalid" in faults:
                assert any(i.scheme == "nino" and i.invalid for i in record.identifiers)
                seen["nino_invalid"] += 1
            if "nickname" in faults and not {"typo", "name_swapped"} & set(faults):
                assert record.name.given is not None
                assert record.name.given.title() in NICKNAMES[truth.given]
                seen["nickname"] += 1
            if "stale_address" in faults:
                assert truth.previous_address is not None
                assert record.addresses[0].uprn in (truth.previous_address.uprn, None)
                seen["stale_address"] += 1
            if "birth_name" in faults and not {"typo", "name_swapped"} & set(faults):
                assert record.name.family is not None
                assert record.name.family.lower().startswith(truth.birth_family.lower())
                seen["birth_name"] += 1
            if system == "council_tax" and record.name.family == (record.name.family or "").upper():
                seen["upper_case"] += 1
    assert all(seen[k] for k in ("dob_swapped", "nino_invalid", "nickname", "stale_address", "birth_name"))
    assert seen["upper_case"] > 0.7 * pop.record_count("council_tax")


def test_twins_and_namesakes_are_planted(pop: Population) -> None:
    twins = [p for p in pop.people if "twin" in p.tags]
    assert len(twins) >= 10
    for p in twins:
        assert p.related_id is not None
        other = pop.person(p.related_id)
        assert (other.dob, other.family, other.household_id) == (p.dob, p.family, p.household_id)
        assert other.given != p.given
        assert other.nino != p.nino
    sons = [p for p in pop.people if "namesake_son" in p.tags]
    assert len(sons) >= 5
    for son in sons:
        assert son.related_id is not None
        father = pop.person(son.related_id)
        assert (father.given, father.family, father.household_id) == (son.given, son.family, son.household_id)
        assert father.dob < son.dob
    assert any("moved" in p.tags for p in pop.people)
    assert any("married_name" in p.tags for p in pop.people)
    assert any(p.deceased for p in pop.people)


def test_generating_100k_people(capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    pop = generate_population(people=100_000, seed=1)
    took = time.perf_counter() - start
    with capsys.disabled():
        print(  # noqa: T201
            f"\n100k people: generated in {took:.1f}s; records "
            + ", ".join(f"{s}={pop.record_count(s)}" for s in pop.systems)
        )
    assert len(pop.people) == 100_000


def test_generation_does_not_depend_on_the_process_hash_seed() -> None:
    script = (
        "import hashlib;from adaptors.population import generate_population as g;p=g(people=300, seed=5);"
        "d=[r.model_dump() for s in p.systems for r in p.person_records(s)];"
        "print(hashlib.sha256(repr(d).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1


def test_some_tenants_carry_a_safeguarding_marker() -> None:
    population = generate_population(people=3000, seed=5)
    flagged = [r for r in population.person_records("housing") if r.protected_address]
    assert flagged, "the demo needs residents whose address is withheld from agents"
    assert len(flagged) < len(population.person_records("housing")) * 0.05
    showcase_keys = {k for k, pid in population.truth.items() if pid == population.showcase}
    assert not {r.source_key for r in flagged} & showcase_keys
    assert not any(r.protected_address for r in population.person_records("council_tax"))
