"""Training: candidate pairs come from the engine's own blocking keys; a large population is estimated
from a deterministic sample of whole blocks that stands for the rest."""

from __future__ import annotations

import statistics
from collections import Counter

from adaptors.population import generate_population
from contracts import Identifier, PersonRecord
from matching.engine import FellegiSunterEngine
from matching.params import Params, default_params
from matching.training import RULES, CandidatePairs, blocked_pairs, train


def _prepared(people: int) -> list:  # type: ignore[type-arg]
    engine = FellegiSunterEngine()
    population = generate_population(people=people, seed=3)
    return [engine.prepare(r) for s in population.systems for r in population.person_records(s)]


def _assert_one_persons_records_agree(params: Params) -> None:
    """Names and dates of birth agree for one person far more often than by chance, and more often than
    they disagree."""
    for name in ("given", "family", "dob"):
        m, u = params.levels[name]["exact"]
        assert m > 10 * u
        assert m > params.levels[name]["different"][0]


def test_a_sample_of_blocks_stands_for_all_pairs() -> None:
    prepared = _prepared(3000)
    everything = CandidatePairs(prepared, 400)
    assert everything.fraction == 1.0
    every_pair = everything.of(RULES)
    assert every_pair == blocked_pairs(prepared, 400)
    sampled = CandidatePairs(prepared, 400, max_slots=len(every_pair) // 4)
    assert 0.0 < sampled.fraction < 0.5
    kept = sampled.of(RULES)
    assert set(kept) < set(every_pair)
    # The scaled count is near the whole: every pair had the same chance.
    assert 0.85 < sampled.total(kept) / len(every_pair) < 1.15
    assert CandidatePairs(prepared, 400, max_slots=len(every_pair) // 4).of(RULES) == kept


def test_training_is_deterministic_and_learns_that_names_and_dates_agree_for_one_person() -> None:
    prepared = _prepared(3000)
    first, report = train(prepared)
    second, _ = train(prepared)
    assert first.to_dict() == second.to_dict()
    assert report.blocked_pairs > 0
    assert report.separated
    _assert_one_persons_records_agree(first)
    # The sex a title says is not estimated (its agreement, which the names imply, would count twice in
    # EM): it keeps the base parameters, and only its disagreement weighs.
    assert first.levels["sex"] == Params.from_dict({}).levels["sex"]
    assert first.weights["sex"]["exact"] == 0.0 < -first.weights["sex"]["different"]


def test_a_large_input_is_estimated_from_a_sample_of_records_that_stands_for_all() -> None:
    prepared = _prepared(3000)
    whole, whole_report = train(prepared)
    part, report = train(prepared, max_records=len(prepared) // 2)
    assert report.records == whole_report.records == len(prepared)
    assert whole_report.sampled == len(prepared)
    assert 0.4 * len(prepared) < report.sampled < 0.6 * len(prepared)
    assert report.separated
    _assert_one_persons_records_agree(part)
    # The same records whatever their order, and estimates near the whole's: a pair is kept when both
    # of its records are, so matches and non-matches are thinned alike.
    assert train(prepared[::-1], max_records=len(prepared) // 2)[1].sampled == report.sampled
    assert abs(part.prior - whole.prior) < 1.0
    # Scored with either, the candidate pairs weigh about the same and are decided alike (the shipped
    # parameters, for scale: a median difference of 2.6 and 20 other decisions).
    by_whole, by_part = FellegiSunterEngine(whole), FellegiSunterEngine(part)
    scored = [
        (by_whole.compare(prepared[i], prepared[j]), by_part.compare(prepared[i], prepared[j]))
        for i, j in blocked_pairs(prepared, 400)
    ]
    assert statistics.median(abs(a.weight - b.weight) for a, b in scored) < 1.5
    linked = sum(1 for a, b in scored if by_whole.decide(a) != "new" or by_part.decide(b) != "new")
    assert sum(by_whole.decide(a) != by_part.decide(b) for a, b in scored) <= 0.005 * linked
    # Name frequencies are counted over every record, not the sample.
    assert part.term_frequencies == whole.term_frequencies


def test_when_em_takes_the_other_component_for_matches_the_base_parameters_are_kept(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import matching.training as training

    prepared = _prepared(1500)
    real_em = training._em

    def collapsed(*args, **kwargs):  # type: ignore[no-untyped-def]
        m, share, ran, seen = real_em(*args, **kwargs)
        for name in ("given", "family", "dob"):
            m[name] = dict.fromkeys(m[name], 0.0) | {"exact": 0.2, "different": 0.8}
        return m, share, ran, seen

    def collapsed_by_rule(*args, **kwargs):  # type: ignore[no-untyped-def]
        m, seen, ran = real_by_rule(*args, **kwargs)
        for name in ("given", "family", "dob"):
            m[name] = dict.fromkeys(m[name], 0.0) | {"exact": 0.2, "different": 0.8}
        return m, seen, ran

    real_by_rule = training._em_by_rule
    monkeypatch.setattr(training, "_em", collapsed)
    monkeypatch.setattr(training, "_em_by_rule", collapsed_by_rule)
    params, report = train(prepared)
    assert not report.separated
    assert params == FellegiSunterEngine().params


def test_when_em_over_all_pairs_collapses_it_is_run_rule_by_rule(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import matching.training as training

    prepared = _prepared(1500)
    real_em, real_by_rule = training._em, training._em_by_rule
    inside = {"by_rule": False}

    def collapsed(*args, **kwargs):  # type: ignore[no-untyped-def]
        m, share, ran, seen = real_em(*args, **kwargs)
        if not inside["by_rule"]:
            for name in ("given", "family", "dob"):
                m[name] = dict.fromkeys(m[name], 0.0) | {"exact": 0.2, "different": 0.8}
        return m, share, ran, seen

    def by_rule(*args, **kwargs):  # type: ignore[no-untyped-def]
        inside["by_rule"] = True
        try:
            return real_by_rule(*args, **kwargs)
        finally:
            inside["by_rule"] = False

    monkeypatch.setattr(training, "_em", collapsed)
    monkeypatch.setattr(training, "_em_by_rule", by_rule)
    params, report = train(prepared)
    assert report.separated
    assert report.by_rule
    # Each field is learnt from the rules that do not block on it: one person's records agree.
    _assert_one_persons_records_agree(params)


def test_candidate_pairs_crowded_by_coincidences_are_estimated_rule_by_rule(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """At a million people most pairs found by names and a date of birth are strangers; EM over all pairs
    at once took them for one person (F1 0.969 against 0.982 rule by rule)."""
    import matching.training as training

    prepared = _prepared(1500)
    _, quiet = train(prepared)
    assert not quiet.by_rule
    assert 0 < quiet.coincidental_pairs < training.MAX_COINCIDENCE_SHARE * quiet.blocked_pairs
    monkeypatch.setattr(training, "coincidental_pairs", lambda *args: quiet.blocked_pairs)
    params, crowded = train(prepared)
    assert crowded.by_rule
    assert crowded.separated
    _assert_one_persons_records_agree(params)


def test_too_few_candidate_pairs_keep_the_base_parameters() -> None:
    """Before, EM ran on no pairs at all and set the prior so low that nothing ever linked."""
    engine = FellegiSunterEngine()
    population = generate_population(people=1500, seed=3)
    bare = [
        r.model_copy(
            update={"date_of_birth": None, "identifiers": [], "emails": [], "phones": [], "addresses": []}
        )
        for s in population.systems
        for r in population.person_records(s)
    ]
    params, report = train([engine.prepare(r) for r in bare])
    assert report.too_few_pairs
    assert not report.separated
    assert params == engine.params


def test_an_address_stays_household_evidence_when_e_mail_is_the_only_personal_key() -> None:
    """With no dates of birth or identifiers, EM learns from pairs sharing an e-mail address, nearly all
    one person's. Its share of matches there once served as the prior for judging addresses, so every
    household looked like one person: 0.59 precision on the synthetic population."""
    engine = FellegiSunterEngine()
    population = generate_population(people=5000, seed=3)
    records = [
        r.model_copy(update={"date_of_birth": None, "identifiers": []})
        for s in population.systems
        for r in population.person_records(s)
    ]
    params, report = train([engine.prepare(r) for r in records])
    assert report.separated
    assert "address" in params.household
    # The household reading is the data's, and says so in the file `match train` writes.
    assert params.household_estimated
    assert Params.from_dict(params.to_dict()).household_estimated
    assert not default_params().household_estimated


def test_an_e_mail_address_a_household_shares_is_household_evidence(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """Families often give every system one e-mail address. Read as personal, its pairs (parents and
    children at one address) taught EM, rule by rule at a million people, that one person's records often
    disagree on first names and dates of birth: a date of birth that differs weighed -2.2, too little to
    be a conflict, and precision fell to 0.986. The data now decide, as for an address."""
    import matching.training as training

    engine = FellegiSunterEngine()
    population = generate_population(people=3000, seed=3)
    records = [r for s in population.systems for r in population.person_records(s)]
    personal, _ = train([engine.prepare(r) for r in records])
    assert "email" not in personal.household

    def family_address(record):  # type: ignore[no-untyped-def]
        place = record.addresses[0].postcode if record.addresses else record.source_key
        return [f"{record.name.family}.{place}@example.net".replace(" ", "").lower()]

    shared = [r.model_copy(update={"emails": family_address(r)}) for r in records]
    monkeypatch.setattr(training, "coincidental_pairs", lambda *args: 10**9)  # rule by rule, as at 1M
    params, report = train([engine.prepare(r) for r in shared])
    assert report.by_rule
    assert "email" in params.household
    for name in ("given", "dob"):
        assert params.weights[name]["different"] <= params.conflict_weight


def test_a_spelling_only_one_system_writes_is_not_a_name_of_its_own() -> None:
    """A register kept in another script writes James as Yames throughout. Many records hold each, so the
    two-names rule (Ming and Ling are two names) read them as two people; a name only one system writes
    is that system's spelling (Cyrillic register, bench.messy_formats: F1 0.9025 -> 0.9423)."""
    engine = FellegiSunterEngine()
    population = generate_population(people=10000, seed=3)

    def respelt(record):  # type: ignore[no-untyped-def]
        given = record.name.given or ""
        if record.source_system != "housing" or not given.lower().startswith("j"):
            return record
        return record.model_copy(update={"name": record.name.model_copy(update={"given": "Y" + given[1:]})})

    records = [respelt(r) for s in population.systems for r in population.person_records(s)]
    housing = Counter(r.name.given.lower() for r in records if r.source_system == "housing" and r.name.given)
    common = next(name for name, _n in housing.most_common() if name.startswith("y"))
    params, _ = train([engine.prepare(r) for r in records])
    assert common in params.one_system_names["g"]
    assert "j" + common[1:] not in params.one_system_names["g"]
    assert Params.from_dict(params.to_dict()).one_system_names == params.one_system_names
    trained = FellegiSunterEngine(params)
    name = records[0].name
    left = trained.prepare(
        records[0].model_copy(update={"name": name.model_copy(update={"given": "j" + common[1:]})})
    )
    right = trained.prepare(
        records[0].model_copy(
            update={"name": name.model_copy(update={"given": common}), "source_record_id": "other"}
        )
    )
    assert trained.compare(left, right).levels["given"] != "different"


def test_an_ni_number_keyed_on_a_partners_record_does_not_teach_em_that_names_and_dates_differ() -> None:
    """A joint claim keys the lead claimant's NI number on the partner's record too. EM took each such pair
    for one person's records, whose first names and dates of birth then "often" differed: a different
    date of birth weighed -2.7 instead of far less, and a father and son of one name at one address
    linked. Pairs sharing an NI number against two differing fields are two people's, as the scoring
    reads them."""
    engine = FellegiSunterEngine()
    population = generate_population(people=3000, seed=3)
    records = [r for s in population.systems for r in population.person_records(s)]
    clean, _ = train([engine.prepare(r) for r in records])
    lead: dict[tuple[object, ...], tuple[str, str]] = {}
    keyed = []
    for record in records:
        ninos = record.valid_identifiers("nino")
        if record.source_system == "benefits" and record.addresses and ninos and record.name.given:
            home = (tuple(record.addresses[0].lines), record.addresses[0].postcode)
            holder, nino = lead.setdefault(home, (record.name.given, ninos[0]))
            if holder != record.name.given:
                identifiers = [i for i in record.identifiers if i.scheme != "nino"]
                record = record.model_copy(
                    update={"identifiers": [*identifiers, Identifier(scheme="nino", value=nino)]}
                )
        keyed.append(record)
    assert sum(a is not b for a, b in zip(records, keyed, strict=True)) > 50
    trained, _ = train([engine.prepare(r) for r in keyed])
    for name in ("given", "dob"):
        assert trained.weights[name]["different"] < -3.0
        assert abs(trained.weights[name]["different"] - clean.weights[name]["different"]) < 1.0


def test_training_reads_the_postcode_key_widened_to_the_first_initial() -> None:
    """The engine compares the records of a postcode whose first names begin alike; EM still learns from
    every pair of a postcode and a first initial, as before session 23 (the parameters it estimated from
    those, not fewer, kept FEBRL3's records of one person together)."""
    engine = FellegiSunterEngine()
    john, james = (
        engine.prepare(
            PersonRecord.model_validate(
                {
                    "source_system": "ct",
                    "source_record_id": rid,
                    "name": {"given": given, "family": family},
                    "addresses": [{"lines": [line], "postcode": "M6 5AB"}],
                }
            )
        )
        for rid, given, family, line in (
            ("1", "John", "Hale", "3 Mill Lane"),
            ("2", "James", "Dunn", "9 Mill Lane"),
        )
    )
    assert not set(john.blocking_keys) & set(james.blocking_keys)
    postcode_rule = tuple(rule for rule in RULES if rule.prefix == "pg")
    assert CandidatePairs([john, james], 400).of(postcode_rule) == [(0, 1)]
