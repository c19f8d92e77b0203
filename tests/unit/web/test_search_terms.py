"""How the search reads what an agent types."""

from __future__ import annotations

import pytest

from contracts import PersonRecord
from hub.citizens.names import given_variants
from hub.citizens.search import _given_reason, parse_dob, parse_name, parse_postcode
from hub.worker.records import search_columns


@pytest.mark.parametrize(
    ("text", "given", "family"),
    [("Peggy Smith", "peggy", "smith"), ("Smith, Peggy", "peggy", "smith"), ("Smith", None, "smith"),
     ("Mary Ann O'Neill", "mary", "oneill"), ("  ", None, None),
     ("Anne-Marie Smith-Jones", "annemarie", "smithjones"), ("Mrs Smith", None, "smith"),
     ("Mrs Margaret Smith", "margaret", "smith"), ("Smith, Mrs Margaret", "margaret", "smith"),
     ("Dr. J. Smith", "j", "smith"), ("Maria De La Cruz", "maria", "delacruz"),
     ("Oliver Saint John", "oliver", "stjohn"), ("Saint John, Oliver", "oliver", "stjohn"),
     ("De Souza", None, "desouza"), ("Van Morrison", "van", "morrison"),
     ("Maria van Dyke", "maria", "vandyke")],
)  # fmt: skip
def test_names(text: str, given: str | None, family: str | None) -> None:
    name = parse_name(text)
    assert (name.given, name.family) == (given, family)


@pytest.mark.parametrize(
    ("stored_given", "stored_family", "typed"),
    [("Łukasz", "Wójcik", "Lukasz Wojcik"), ("Søren", "Ødegård", "Soren Odegard"),
     ("Jürgen", "Straße", "Jurgen Strasse"), ("Иван", "Петров", "Ivan Petrov"),
     ("Łukasz", "Wójcik", "Łukasz Wójcik"), (None, "SMITH, Margaret", "Margaret Smith"),
     ("Mrs Margaret Ann", "Smith", "Margaret Smith"), ("Maria", "De La Cruz", "Maria de la Cruz"),
     ("Oliver", "Saint John", "Oliver St John"), ("Oliver", "St John", "Oliver Saint John")],
)  # fmt: skip
def test_a_stored_name_is_found_as_an_agent_types_it(
    stored_given: str | None, stored_family: str, typed: str
) -> None:
    """The columns a search reads hold the name in plain Latin letters, as the agent types it: a Polish
    "Ł" or a Danish "ø" is not dropped ("ukasz"), a Cyrillic name is not left empty; a title, a second
    given name or a whole name kept surname first in one field does not hide the name."""
    record = PersonRecord.model_validate(
        {
            "source_system": "housing",
            "source_record_id": "H1",
            "name": {"given": stored_given, "family": stored_family},
        }
    )
    stored = search_columns(record)
    name = parse_name(typed)
    assert (stored["given_norm"], stored["family_norm"]) == (name.given, name.family)


@pytest.mark.parametrize(
    ("postcode", "country", "stored"),
    [
        ("M5 4WT", "GB", "M5 4WT"),
        ("BLO 9AB", "GB", "BL0 9AB"),
        ("not known", "GB", None),
        ("2148", "AU", "2148"),
    ],
)
def test_a_stored_postcode_is_found_as_an_agent_types_it(
    postcode: str, country: str, stored: str | None
) -> None:
    """A UK postcode typed with an O for a zero is stored for searching put right, as the agent would type
    it (the record keeps it as given, marked invalid); one with no reading is not stored; another country's
    is stored as given."""
    record = PersonRecord.model_validate(
        {
            "source_system": "housing",
            "source_record_id": "H1",
            "name": {"family": "Hale"},
            "addresses": [{"lines": ["14 Cross Lane"], "postcode": postcode, "country": country}],
        }
    )
    assert search_columns(record)["postcode"] == stored


@pytest.mark.parametrize(
    ("text", "exact", "swapped", "years"),
    [("1952-03-04", "1952-03-04", "1952-04-03", (1952, 1952)),
     ("4/3/1952", "1952-03-04", "1952-04-03", (1952, 1952)),
     ("12/12/1952", "1952-12-12", None, (1952, 1952)),
     ("25/12/1952", "1952-12-25", None, (1952, 1952)),
     ("1952", None, None, (1952, 1952)), ("1950s", None, None, (1950, 1959))],
)  # fmt: skip
def test_dates_of_birth(
    text: str, exact: str | None, swapped: str | None, years: tuple[int, int] | None
) -> None:
    dob = parse_dob(text)
    assert dob is not None
    assert (dob.exact, dob.swapped) == (exact, swapped)
    assert (None if dob.first_year is None else (dob.first_year, dob.last_year)) == years


def test_a_date_that_is_not_one() -> None:
    assert parse_dob("last tuesday") is None


@pytest.mark.parametrize(
    ("text", "full", "district"),
    [("m5 4wt", "M5 4WT", None), ("M54WT", "M5 4WT", None), ("M5", None, "M5"), ("SW1A", None, "SW1A"),
     ("EC1A 1BB", "EC1A 1BB", None), ("nonsense", None, None), ("blo 9ab", "BL0 9AB", None)],
)  # fmt: skip
def test_postcodes_and_districts(text: str, full: str | None, district: str | None) -> None:
    assert parse_postcode(text) == (full, district)


@pytest.mark.parametrize(("a", "b"), [("peggy", "margaret"), ("margaret", "peggy"), ("bob", "robert"),
                                      ("bill", "william"), ("maggie", "peggy")])  # fmt: skip
def test_nicknames_and_full_forms(a: str, b: str) -> None:
    assert b in given_variants(a)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("mohammed", "muhammad"), ("sean", "shaun"), ("kate", "catherine"), ("alf", "alfred")],
)
def test_another_spelling_or_a_uk_diminutive_counts_as_the_first_name(typed: str, stored: str) -> None:
    score, why = _given_reason(typed, given_variants(typed), stored)
    assert score == 2.5, why


@pytest.mark.parametrize(
    ("given", "family", "other_names", "stored"),
    [("Elizabeth (Lisa)", "Hale", [{"given": "Elizabeth", "family": "Brown", "kind": "birth"}],
      ("brown", "lisa")),
     ("Margaret", "Smith (nee Jones)", [], ("jones", None)),
     ("Wei known as David", "Chen", [], (None, "david")),
     ("Ann", "Hale", [{"given": "Ann", "family": "Hale", "kind": "alias"}], (None, None))],
)  # fmt: skip
def test_another_surname_or_first_name_a_record_holds_is_stored_for_search(
    given: str, family: str, other_names: list[dict[str, str]], stored: tuple[str | None, str | None]
) -> None:
    """A birth surname (in the record's other names, or noted in the surname field) and the first name a
    person goes by: a caller may give either."""
    record = PersonRecord.model_validate(
        {
            "source_system": "housing",
            "source_record_id": "H1",
            "name": {"given": given, "family": family},
            "other_names": other_names,
        }
    )
    columns = search_columns(record)
    assert (columns["other_family_norm"], columns["other_given_norm"]) == stored
