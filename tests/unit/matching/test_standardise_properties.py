"""Property tests: standardisation never crashes on any unicode, and is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contracts import PersonName, PersonRecord
from matching.addresses import (
    parse_address,
    phone_numbers,
    standard_email,
    standard_phone,
    standard_postcode,
)
from matching.engine import FellegiSunterEngine
from matching.names import known_as, standard_name, title_sex
from matching.standardise import features_of, nino_stem
from matching.text import fold

ENGINE = FellegiSunterEngine()
text = st.text(max_size=40)
maybe = st.none() | text


@given(text)
def test_fold_is_idempotent(value: str) -> None:
    assert fold(fold(value)) == fold(value)


@given(text)
def test_ni_number_stem_is_idempotent(value: str) -> None:
    once = nino_stem(value)
    assert nino_stem(once) == once


@given(text)
def test_postcode_is_idempotent(value: str) -> None:
    once = standard_postcode(value)
    assert standard_postcode(once) == once


@given(maybe, maybe, maybe, maybe)
def test_name_is_idempotent(
    title: str | None, given_: str | None, middle: str | None, family: str | None
) -> None:
    once = standard_name(title, given_, middle, family)
    again = standard_name(None, once.given or None, once.middle or None, once.family or None)
    assert (again.given, again.middle, again.family) == (once.given, once.middle, once.family)


_NAME_WORDS = st.sampled_from(
    ["smith", "jones", "nee", "née", "formerly", "aka", "deceased", "(deceased)", "decd", "jr", "van", ",",
     "mrs", "(mrs)", "baby", "margaret"]
)  # fmt: skip
_WORDY = st.none() | st.lists(_NAME_WORDS, max_size=5).map(" ".join)


# A title dropped, then an unnamed "Baby", one word a pass: more passes than the four there were.
@example("baby mrs mrs margaret", "mrs baby", None)
@given(_WORDY, _WORDY, _WORDY)
def test_name_notes_and_suffixes_are_read_idempotently(
    given_: str | None, middle: str | None, family: str | None
) -> None:
    """Random text seldom spells the words standardisation looks for (nee, deceased, Jr): these do."""
    once = standard_name(None, given_, middle, family)
    again = standard_name(None, once.given or None, once.middle or None, once.family or None)
    assert (again.given, again.middle, again.family) == (once.given, once.middle, once.family)


def _assert_read_stably(lines: list[str]) -> None:
    """Reading an address, writing it out (flat, number, street) and reading that again gives the same."""
    flat, number, street = parse_address(tuple(lines))
    rebuilt = " ".join(p for p in (f"flat {flat}" if flat else "", number, street) if p)
    assert parse_address((rebuilt,)) == (flat, number, street)


@given(st.lists(text, max_size=4))
def test_address_never_crashes_and_is_stable(lines: list[str]) -> None:
    _assert_read_stably(lines)


@given(text)
def test_phone_and_email_never_crash(value: str) -> None:
    phone = standard_phone(value)
    assert standard_phone(phone) == phone or not phone.startswith("+44")
    for number in phone_numbers(value):  # a field holding several numbers: each read on its own
        assert standard_phone(number) == number or not number.startswith("+44")
    email = standard_email(value)
    assert standard_email(email) == email


@settings(max_examples=60, deadline=None)
@given(
    maybe,
    maybe,
    maybe,
    st.lists(text, max_size=3),
    st.lists(text.filter(str.strip), max_size=2),
    # E-mail addresses (the surnames they name are read beside the first name): any text around an @.
    st.lists(st.builds("{}@{}".format, text.filter(str.strip), text.filter(str.strip)), max_size=2),
)
def test_prepare_never_crashes(
    given_: str | None,
    family: str | None,
    town: str | None,
    lines: list[str],
    phones: list[str],
    emails: list[str],
) -> None:
    record = PersonRecord.model_validate(
        {
            "source_system": "x",
            "source_record_id": "1",
            "name": {"given": given_, "family": family},
            "addresses": [{"lines": lines, "town": town, "postcode": town}],
            "phones": phones,
            "emails": emails,
        }
    )
    prepared = ENGINE.prepare(record)
    comparison = ENGINE.compare(prepared, prepared)
    # A first name of one letter is an initial, and agrees with itself as one; so do middle initials.
    initial = "initial" if len(prepared.features.get("g", "")) == 1 else "exact"
    middles = prepared.features.get("m", "").split()
    middle = "initial" if middles and all(len(word) == 1 for word in middles) else "exact"
    assert all(
        level in ("exact", "missing") or (field, level) in (("given", initial), ("middle", middle))
        for field, level in comparison.levels.items()
    )


@pytest.mark.parametrize(
    ("title", "given", "sex"),
    [("Mr", "John", "m"), ("MRS", "J", "f"), ("Miss", None, "f"), ("Ms.", "A", "f"), ("Dr", "Jane", ""),
     ("Rev Mr", "X", "m"), (None, "MRS MARGARET", "f"), (None, "Master Tom", "m"), (None, "Miss", ""),
     ("Mx", "Sam", ""), (None, "Margaret", ""), (None, None, ""), (None, "MSTR TOM", "m"),
     (None, "Madam Jane", "f"), (None, "Margaret (Mrs)", "f"), (None, "John Mr", "m"),
     (None, "Anne Lord", "")],
)  # fmt: skip
def test_the_sex_a_title_says(title: str | None, given: str | None, sex: str) -> None:
    """From the title field, or a title at the front of the given name field (not the given name alone)."""
    assert title_sex(title, given) == sex


_ADDRESS_WORDS = st.sampled_from(
    ["0", "2", "14", "14a", "3b", "a", "flat", "Unit", "-", "1-2", "/", ",", "st", "Saint", "Rd", "road",
     "lane", "court", "house", "Ground", "floor", "basement", "no", "2nd", "x", "2/1", "0/1", "2F1"]
)  # fmt: skip


@given(st.lists(st.lists(_ADDRESS_WORDS, max_size=6).map(" ".join), max_size=3))
def test_address_words_are_read_stably(lines: list[str]) -> None:
    """As above, from the words addresses are made of: flats, ranges, saints and streets in any order."""
    _assert_read_stably(lines)


@given(st.text(max_size=20), st.text(max_size=20))
def test_title_sex_never_crashes(title: str, given: str) -> None:
    assert title_sex(title, given) in {"m", "f", ""}


@pytest.mark.parametrize(
    "given",
    [
        "Mstr Tom",
        "Madam Tom",
        "Sgt Tom",
        "Rt Hon Tom",
        "Cllr Tom",
        "Revd Tom",
        "Mr and Mrs Tom",
        "Mr & Mrs Tom",
    ],
)
def test_titles_at_the_front_of_the_given_name_are_no_name(given: str) -> None:
    """``Mstr`` (a boy's title in some systems), ``Madam``, ``Sgt``, ``Rt Hon``, and a joint account's
    ``Mr and Mrs`` (read as its first-named person's) were read as the first name."""
    assert standard_name(None, given, None, "Hale").given == "tom"


@pytest.mark.parametrize(
    ("given", "family", "standard", "goes_by"),
    [("Elizabeth (Lisa)", "Hale", ("elizabeth", "", "hale"), "lisa"),
     ("Elizabeth (Lisa) Mary", "Hale", ("elizabeth", "mary", "hale"), "lisa"),
     ('Robert "Bob"', "Hale", ("robert", "", "hale"), "bob"),
     ("Robert 'Bob'", "Hale", ("robert", "", "hale"), "bob"),
     ("Robert \u201cBob\u201d", "Hale", ("robert", "", "hale"), "bob"),
     ("Wei known as David", "Zhang", ("wei", "", "zhang"), "david"),
     ("Margaret AKA Peggy", "Hale", ("margaret", "", "hale"), "peggy"),
     ("John (Jnr)", "Hale", ("john", "", "hale"), ""),
     ("Twin (1)", "Hale", ("", "", "hale"), ""),
     ("(Peggy)", "Hale", ("peggy", "", "hale"), ""),
     ("D'Arcy", "Hale", ("darcy", "", "hale"), ""),
     ("John & Margaret", "Hale", ("john", "", "hale"), ""),
     ("John and Margaret", "Hale", ("john", "", "hale"), ""),
     ("J + M", "Hale", ("j", "", "hale"), ""),
     ("J & M Hale", None, ("j", "", "hale"), ""),
     ("Mr J Hale and Mrs M Hale", None, ("j", "", "hale"), ""),
     ("Mr & Mrs John Hale", None, ("john", "", "hale"), ""),
     ("Andrew", "Hale", ("andrew", "", "hale"), "")],
)  # fmt: skip
def test_a_name_the_person_goes_by_and_a_joint_accounts_second_name_are_not_middle_names(
    given: str, family: str | None, standard: tuple[str, str, str], goes_by: str
) -> None:
    """``Elizabeth (Lisa)``: the name in brackets or quotes, or after "known as", is the one she goes by,
    kept as another first name; read as a middle name, Lisa against another system's Mary kept one woman
    apart as two relatives. ``John & Margaret``: a council tax account in two names is its first-named
    person's; Margaret was read as John's middle name."""
    name = standard_name(None, given, None, family)
    assert (name.given, name.middle, name.family) == standard
    assert known_as(given)[1] == goes_by


@pytest.mark.parametrize(
    ("given", "family"),
    [("Margaret Smith (nee Jones)", None), ("Margaret (nee Jones)", "Smith"),
     ("Margaret Smith nee Jones", None), ("Margaret (formerly Jones)", "Smith"),
     ("SMITH, Margaret (nee Jones)", None)],
)  # fmt: skip
def test_a_surname_held_before_noted_with_the_first_name_is_the_records_other_surname(
    given: str, family: str | None
) -> None:
    """A whole name in one field, ``Margaret Smith (nee Jones)``: the surname was read as Jones, with
    "Smith nee" as middle names. It is Smith, and Jones another surname of hers, as in the surname field."""
    name = standard_name(None, given, None, family)
    assert (name.given, name.middle, name.family) == ("margaret", "", "smith")
    record = PersonRecord(
        source_system="care", source_record_id="1", name=PersonName(given=given, family=family)
    )
    features = features_of(record)
    assert features["fo"] == ("jones",)
    assert "go" not in features


@pytest.mark.parametrize("given", ["N/A", "XXX", "Baby Girl", "baby boy", "Unknown", "NULL"])
def test_what_systems_write_for_no_first_name_is_none(given: str) -> None:
    """``N/A`` was read as the initials N and A, ``XXX`` as a name that two records would share, and a
    newborn's ``Baby Girl`` as the first name "girl", a conflict with the name she is given later."""
    assert standard_name(None, given, None, "Hale").given == ""


@pytest.mark.parametrize(
    ("given", "middle", "family", "order"),
    [("Twin 1", None, "Hale", "birth 1"), ("TWIN B", None, "Hale", "birth 2"),
     ("Baby Girl 2", None, "Hale", "birth 2"), ("Twin1", None, "Hale", "birth 1"),
     ("Twin", "2", "Hale", "birth 2"), ("Triplet three", None, "Hale", "birth 3"),
     ("Twin 1 Hale", None, None, "birth 1")],
)  # fmt: skip
def test_a_child_known_by_its_place_in_a_multiple_birth_has_no_name_but_that_number(
    given: str, middle: str | None, family: str | None, order: str
) -> None:
    """Hospitals and children's services register twins before they are named as "Twin 1" and "Twin 2":
    read as first names, two children were one (the same first name, surname, date of birth and address).
    """
    name = standard_name(None, given, middle, family)
    assert (name.given, name.middle, name.family, name.generation) == ("", "", "hale", order)


@pytest.mark.parametrize("given", ["Twin", "Baby", "Twin Peaks", "Bab 1"])
def test_a_word_of_a_multiple_birth_without_a_number_is_no_number(given: str) -> None:
    assert standard_name(None, given, None, "Hale").generation == ""


@pytest.mark.parametrize("family", ["N/A", "XXX", "Unknown", "NULL"])
def test_what_systems_write_for_no_surname_is_none(family: str) -> None:
    assert standard_name(None, "Ann", None, family).family == ""


@pytest.mark.parametrize(
    ("given", "middle", "read"),
    [("Margaret (Mrs)", None, ("margaret", "")), ("Margaret Ann (Mrs)", None, ("margaret", "ann")),
     ("Margaret", "Mrs", ("margaret", "")), ("John Mr", None, ("john", "")), ("Mrs", None, ("", ""))],
)  # fmt: skip
def test_a_title_written_after_the_first_name(given: str, middle: str | None, read: tuple[str, str]) -> None:
    """``Margaret (Mrs)`` was read as the middle name Mrs, which Margaret Ann's records of other systems
    do not hold."""
    name = standard_name(None, given, middle, "Smith")
    assert (name.given, name.middle, name.family) == (*read, "smith")


@pytest.mark.parametrize(
    ("given", "family", "read"),
    [(None, "Mrs Margaret Smith", ("margaret", "smith")), ("Margaret", "Mrs Smith", ("margaret", "smith")),
     ("Margaret", "Smith (Mrs)", ("margaret", "smith")), (None, "Mrs Smith", ("", "smith")),
     ("John", "Major", ("john", "major")), (None, "Major Smith", ("", "major smith")),
     ("John", "Dr Smith", ("john", "smith")), ("John", "Smith (Revd)", ("john", "smith")),
     (None, "Cllr John Smith", ("john", "smith"))],
)  # fmt: skip
def test_a_title_written_into_the_surname_field(
    given: str | None, family: str, read: tuple[str, str]
) -> None:
    """A title in the surname field is no part of the surname, and a title at its front with two words or
    more after it says the whole name is there. Only the titles no surname holds: Major, Lord and Sir are
    surnames too."""
    name = standard_name(None, given, None, family)
    assert (name.given, name.family) == read


_DATE_LIKE = (
    text
    | st.from_regex(r"\A\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\Z")
    | st.from_regex(r"\A\d{1,2} ?[A-Za-z]{3,9},? \d{2,4}\Z")
    | st.from_regex(r"\A[A-Za-z]{3,9} \d{1,2},? \d{4}\Z")
)


@settings(max_examples=200, deadline=None)
@given(_DATE_LIKE)
@example("31/02/1950")
@example("0/0/1950")
@example("04/03/50")
@example("\u0664/\u0663/\u0661\u0669\u0665\u0660")  # Arabic-Indic digits: 4/3/1950
def test_any_date_of_birth_text_is_read_or_marked_never_a_crash(value: str) -> None:
    """A date of birth as any text: read into parts or marked invalid, the text kept as given; reading the
    parts back as ISO text gives the same parts, and the record prepares."""
    record = PersonRecord.model_validate(
        {"source_system": "x", "source_record_id": "1", "name": {"given": "Ann"}, "date_of_birth": value}
    )
    born = record.date_of_birth
    assert born is not None
    # (pydantic strips Unicode's white space; Python's strip also takes the separators \x1c-\x1f)
    assert born.text.strip() == value.strip()
    if born.invalid is None and born.year is not None:
        iso = "-".join(f"{part:02d}" for part in (born.year, born.month, born.day) if part is not None)
        again = PersonRecord.model_validate(
            {"source_system": "x", "source_record_id": "1", "name": {"given": "Ann"}, "date_of_birth": iso}
        ).date_of_birth
        assert again is not None
        assert (again.year, again.month, again.day) == (born.year, born.month, born.day)
    ENGINE.prepare(record)
