"""Placeholders: what a legacy system writes when it does not know a date of birth (1900-01-01) or has
no e-mail address (noemail@council.gov.uk) is read as no value at all, so that thousands of records do
not share one. Before, one system writing 1900-01-01 for every record merged strangers (F1 0.28 on the
synthetic population)."""

from __future__ import annotations

from typing import Any

from adaptors.population import generate_population
from contracts.person import BirthDate
from matching.comparators import DateOfBirth
from matching.engine import FellegiSunterEngine
from matching.params import Params, default_params
from matching.training import (
    placeholder_addresses,
    placeholder_dates,
    placeholder_days,
    placeholder_values,
    train,
)
from tests.unit.matching.helpers import person


def test_a_shipped_placeholder_date_is_no_date_for_comparing_or_blocking() -> None:
    engine = FellegiSunterEngine()
    unknown = engine.prepare(person("1", "john", "smith", "1900-01-01"))
    known = engine.prepare(person("2", "john", "smith", "1957-08-02"))
    assert "d" not in unknown.features
    assert not [k for k in unknown.blocking_keys if "1900" in k]
    assert any("1957" in k for k in known.blocking_keys)
    assert engine.compare(unknown, known).levels["dob"] == "missing"


def test_placeholder_dates_survive_a_parameter_file() -> None:
    params = default_params()
    assert (1900, 1, 1) in params.placeholder_dates
    assert Params.from_dict(params.to_dict()) == params
    older = {k: v for k, v in params.to_dict().items() if k != "placeholder_dates_of_birth"}
    assert Params.from_dict(older).placeholder_dates == params.placeholder_dates


def test_training_finds_a_date_held_by_implausibly_many_records() -> None:
    engine = FellegiSunterEngine()
    population = generate_population(people=1500, seed=3)
    odd = BirthDate.model_validate("1899-12-31")
    records = [
        r.model_copy(update={"date_of_birth": odd}) if r.source_system == "benefits" else r
        for s in population.systems
        for r in population.person_records(s)
    ]
    prepared = [engine.prepare(r) for r in records]
    held = sum(r.source_system == "benefits" for r in records)
    # Real birthdays, one person's few records and twins included, stay below the bar.
    assert placeholder_dates(prepared) == {(1899, 12, 31): held}
    params, report = train(prepared)
    assert report.placeholders == {"date of birth 1899-12-31": held}
    assert (1899, 12, 31) in params.placeholder_dates
    assert (1900, 1, 1) in params.placeholder_dates
    benefits = next(r for r in records if r.source_system == "benefits")
    assert "d" not in FellegiSunterEngine(params).prepare(benefits).features


def test_the_golden_record_prefers_any_real_date_of_birth_to_a_placeholder() -> None:
    from datetime import UTC, datetime

    from matching.survivorship import Survivorship

    real = person("1", "margaret", "smith", "1957-08-02", system="benefits")
    newer = person("2", "margaret", "smith", "1900-01-01", system="ct")
    newer = newer.model_copy(update={"updated_at": datetime(2026, 1, 1, tzinfo=UTC)})
    golden = Survivorship({"ct": {"*": 5}}).golden([real, newer])
    assert golden.value("date_of_birth") == "1957-08-02"
    assert [a.value for a in golden.alternatives["date_of_birth"]] == ["1900-01-01"]
    assert Survivorship().golden([newer]).value("date_of_birth") == "1900-01-01"


def test_placeholders_training_found_never_win_a_golden_record() -> None:
    """A trusted system writing 1899-12-31, AB000000A and noemail@council.gov.uk for everyone it does not
    know: once training has read them as placeholders, the golden record shows the real values."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from matching.params import default_params
    from matching.survivorship import Survivorship

    real = person("1", "margaret", "smith", "1957-08-02", system="benefits", nino="JG103759A")
    real = real.model_copy(update={"emails": ["peggy.smith@example.org"]})
    filler = person("2", "margaret", "smith", "1899-12-31", system="ct", nino="AB000000A")
    filler = filler.model_copy(
        update={"emails": ["noemail@council.gov.uk"], "updated_at": datetime(2026, 1, 1, tzinfo=UTC)}
    )
    trust = {"ct": {"*": 5}}
    shipped = Survivorship(trust).golden([real, filler])
    assert shipped.value("date_of_birth") == "1899-12-31"  # the shipped list does not hold this one
    assert shipped.value("email") == "noemail@council.gov.uk"
    assert shipped.value("nino") == "AB000000A"
    trained = replace(
        default_params(),
        placeholder_dates=frozenset({(1899, 12, 31)}),
        placeholder_values={"n": frozenset({"AB000000A"}), "e": frozenset({"noemail@council.gov.uk"})},
    )
    golden = Survivorship(trust, trained).golden([real, filler])
    assert golden.value("date_of_birth") == "1957-08-02"
    assert golden.value("email") == "peggy.smith@example.org"
    assert golden.value("nino") == "JG103759A"
    assert [a.value for a in golden.alternatives["email"]] == ["noemail@council.gov.uk"]


def test_one_persons_many_records_are_not_a_placeholder() -> None:
    """FEBRL3 holds one birthday on 12 records (one person's copies and a coincidence or two); read as a
    placeholder it cost recall. A placeholder is shared by many different families."""
    engine = FellegiSunterEngine()
    copies = [person(str(i), "john", "smith" if i % 4 else "smyth", "1907-09-23") for i in range(15)]
    others = [person(f"o{i}", "ann", f"family{i}", "1907-09-23") for i in range(3)]
    assert placeholder_dates([engine.prepare(r) for r in copies + others]) == {}
    strangers = [person(f"s{i}", "ann", f"family{i}", "1907-09-23") for i in range(12)]
    assert placeholder_dates([engine.prepare(r) for r in copies + strangers]) == {(1907, 9, 23): 27}


def test_an_e_mail_address_written_for_many_families_is_read_as_none() -> None:
    """A system writing noemail@council.gov.uk for everyone: as a personal key it merged households
    (synthetic 10k, precision 0.965 with the shipped parameters and 0.928 estimated)."""
    engine = FellegiSunterEngine()
    population = generate_population(people=1500, seed=3)
    records = [
        r.model_copy(update={"emails": ["NoEmail@Council.gov.uk"]}) if r.source_system == "council_tax" else r
        for s in population.systems
        for r in population.person_records(s)
    ]
    prepared = [engine.prepare(r) for r in records]
    held = sum(r.source_system == "council_tax" for r in records)
    # Real addresses, a couple's shared one included, are held by one or two family names.
    assert placeholder_values(prepared) == {("e", "noemail@council.gov.uk"): held}
    params, report = train(prepared)
    assert report.placeholders == {"e-mail noemail@council.gov.uk": held}
    assert Params.from_dict(params.to_dict()) == params
    council_tax = next(r for r in records if r.source_system == "council_tax")
    assert "e" not in FellegiSunterEngine(params).prepare(council_tax).features
    both = council_tax.model_copy(update={"emails": ["noemail@council.gov.uk", "peggy@example.org"]})
    assert FellegiSunterEngine(params).prepare(both).features["e"] == ("peggy@example.org",)


def test_an_ni_number_written_for_many_families_is_read_as_none() -> None:
    """A valid-looking NI number written for everyone: it overrode every conflict and merged strangers
    (synthetic 10k, precision 0.55)."""
    from contracts import Identifier

    engine = FellegiSunterEngine()
    population = generate_population(people=1500, seed=3)
    filler = Identifier(scheme="nino", value="AB 00 00 00 A")
    records = [
        r.model_copy(update={"identifiers": [*r.identifiers, filler]})
        if r.source_system == "council_tax"
        else r
        for s in population.systems
        for r in population.person_records(s)
    ]
    params, report = train([engine.prepare(r) for r in records])
    assert report.placeholders == {
        "NI number AB000000 (any suffix letter)": sum(r.source_system == "council_tax" for r in records)
    }
    council_tax = next(r for r in records if r.source_system == "council_tax")
    assert "n" not in FellegiSunterEngine(params).prepare(council_tax).features


def test_the_shipped_parameters_read_the_usual_filler_ni_numbers_as_none() -> None:
    """AA000000A, HMRC's example QQ123456C and ZZ999999: what systems write for "none given". Before a
    hub is trained, strangers holding one were one person (synthetic 10k, precision 0.5550)."""
    engine = FellegiSunterEngine()
    for filler in ("AA 00 00 00 A", "QQ123456C", "ZZ999999D", "AA000000"):
        prepared = engine.prepare(person("1", "margaret", "smith", "1957-08-02", nino=filler))
        assert "n" not in prepared.features, filler
    real = engine.prepare(person("2", "margaret", "smith", "1957-08-02", nino="JG103759A"))
    assert real.features["n"] == ("JG103759",)
    # E-mail addresses and phone numbers forms take for "none".
    assert "e" not in engine.prepare(person("7", "margaret", "smith", emails=["None@None.com "])).features
    for filler in ("00000 000000", "01234 567890", "+44 (0)1111 111111"):
        assert "p" not in engine.prepare(person("5", "margaret", "smith", phones=[filler])).features, filler
    assert engine.prepare(person("6", "margaret", "smith", phones=["0161 745 2291"])).features["p"]
    # An NHS number of one digit ten times passes the check digit, and is no one's.
    nhs = [{"scheme": "nhs", "value": "999 999 9999"}]
    assert "h" not in engine.prepare(person("3", "margaret", "smith", identifiers=nhs)).features
    assert engine.prepare(
        person("4", "margaret", "smith", identifiers=[{"scheme": "nhs", "value": "9434765919"}])
    ).features["h"] == ("9434765919",)
    # A parameter file written before, with no list of its own, still reads them as none.
    old_file = Params.from_dict(
        {k: v for k, v in default_params().to_dict().items() if k != "placeholder_values"}
    )
    assert old_file.placeholder_values == default_params().placeholder_values


def test_an_address_that_many_families_hold_is_no_households() -> None:
    """A hostel (or the council's offices written for "address not known"): residents of a dozen family
    names, two John Smiths among them with no date of birth, who agreed on that "address" and linked. A
    household's address, held by a family or two, stays an address."""
    engine = FellegiSunterEngine()
    hostel = {"line": "Salvation Army, 2 Hope Street", "postcode": "M3 4AA"}
    residents = [person(f"r{i}", "Ann", f"family{i}", f"19{60 + i}-01-02", **hostel) for i in range(10)]
    smiths = [person("s1", "John", "Smith", **hostel), person("s2", "John", "Smith", system="hb", **hostel)]
    family = [person(f"f{i}", name, "Cole", line="7 Brook Avenue", postcode="M5 4WT") for i, name in
              enumerate(("Ann", "Ben", "Cara", "Dan"))]  # fmt: skip
    prepared = [engine.prepare(r) for r in residents + smiths + family]
    place = ("M3 4AA", "", "2", "salvation army hope street")
    assert placeholder_addresses(prepared) == {place: 12}
    assert placeholder_addresses(prepared[:8] + prepared[10:]) == {}  # eight family names and Smith
    params, report = train(prepared)
    assert place in params.placeholder_addresses
    assert report.placeholders["address 2 salvation army hope street, M3 4AA"] == 12
    assert Params.from_dict(params.to_dict()) == params
    trained = FellegiSunterEngine(params)
    one, other = (trained.prepare(r) for r in smiths)
    assert "a" not in one.features
    assert trained.compare(one, other).levels["address"] == "missing"
    assert trained.prepare(family[0]).features["a"] == (("M5 4WT", "", "7", "brook avenue", ""),)


def _with_dates_of(system: str, written: str | None, people: int = 1500) -> list[Any]:
    """The population's records, ``system``'s dates of birth rewritten: ``written`` is a date, or None for
    each record's own year written as 1 January."""
    population = generate_population(people=people, seed=3)
    out = []
    for s in population.systems:
        for r in population.person_records(s):
            born = r.date_of_birth
            if s == system and born is not None and born.year is not None:
                text = written or f"{born.year:04d}-01-01"
                r = r.model_copy(update={"date_of_birth": BirthDate.model_validate(text)})
            out.append(r)
    return out


def test_a_day_on_which_one_system_writes_every_year_is_read_as_the_year_alone() -> None:
    """A register that knows the year alone writes 1 January of it (the Home Office does so for many
    asylum seekers). Read as a date, each record differed from the person's other records by its day and
    month: a conflict, "two people". Training finds the day and reads those dates as their year alone."""
    engine = FellegiSunterEngine()
    records = _with_dates_of("council_tax", None)
    prepared = [engine.prepare(r) for r in records]
    days = placeholder_days(prepared)
    assert set(days) == {(1, 1)}
    params, report = train(prepared)
    assert params.placeholder_days == frozenset({(1, 1)})
    assert "date of birth on 1 January (read as the year alone)" in report.placeholders
    assert not params.placeholder_dates - default_params().placeholder_dates  # no year's 1 January lost
    assert Params.from_dict(params.to_dict()) == params
    trained = FellegiSunterEngine(params)
    council_tax = next(r for r in records if r.source_system == "council_tax" and r.date_of_birth)
    year = council_tax.date_of_birth.year  # type: ignore[union-attr]
    features = trained.prepare(council_tax).features
    assert features["d"] == (year, None, None)
    elsewhere = trained.prepare(person("x", "any", "one", f"{year}-06-15"))
    assert DateOfBirth("dob", "date of birth", ("exact",)).level(features, elsewhere.features) == "partial"


def test_real_birthdays_and_one_date_written_for_not_known_are_no_day() -> None:
    engine = FellegiSunterEngine()
    assert (
        placeholder_days(
            [engine.prepare(r) for r in _with_dates_of("council_tax", "1900-01-01")],
            frozenset({(1900, 1, 1)}),
        )
        == {}
    )
    one_date = [engine.prepare(r) for r in _with_dates_of("benefits", "1950-01-01")]
    assert placeholder_days(one_date) == {}
    assert (1950, 1, 1) in placeholder_dates(one_date)


def test_a_year_written_as_its_1_january_does_not_win_a_golden_record_over_a_full_date() -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from matching.survivorship import Survivorship

    real = person("1", "margaret", "smith", "1957-08-02", system="benefits")
    year = person("2", "margaret", "smith", "1957-01-01", system="ct")
    year = year.model_copy(update={"updated_at": datetime(2026, 1, 1, tzinfo=UTC)})
    trust = {"ct": {"*": 5}}
    assert Survivorship(trust).golden([real, year]).value("date_of_birth") == "1957-01-01"
    trained = replace(default_params(), placeholder_days=frozenset({(1, 1)}))
    golden = Survivorship(trust, trained).golden([real, year])
    assert golden.value("date_of_birth") == "1957-08-02"
    assert Survivorship(trust, trained).golden([year]).value("date_of_birth") == "1957-01-01"


def test_a_phone_number_a_spreadsheet_rounded_never_wins_a_golden_record() -> None:
    """``4.47701E+11`` is no number an agent can ring, however trusted its system."""
    from datetime import UTC, datetime

    from matching.survivorship import Survivorship

    real = person("1", "margaret", "smith", system="benefits", phones=["07700 900123"])
    rounded = person("2", "margaret", "smith", system="ct", phones=["4.47701E+11", "0161 745 2291"])
    rounded = rounded.model_copy(update={"updated_at": datetime(2026, 1, 1, tzinfo=UTC)})
    assert Survivorship({"ct": {"*": 5}}).golden([real, rounded]).value("phone") == "0161 745 2291"
    only = person("3", "margaret", "smith", system="ct", phones=["4.47701E+11"])
    assert Survivorship({"ct": {"*": 5}}).golden([real, only]).value("phone") == "07700 900123"
