"""Every UK identifier rule, with good and bad values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from contracts import Address, BirthDate, Identifier, PersonName, PersonRecord


@pytest.mark.parametrize(
    ("given", "standard"),
    [
        ("AB123456C", "AB123456C"),
        ("ab 12 34 56 c", "AB123456C"),
        ("JG-10-37-59-A", "JG103759A"),
        ("ce654321d", "CE654321D"),
    ],
)
def test_valid_nino_is_standardised(given: str, standard: str) -> None:
    ident = Identifier(scheme="NINO", value=given)
    assert (ident.scheme, ident.value, ident.invalid) == ("nino", standard, None)


@pytest.mark.parametrize(
    ("given", "rule"),
    [
        ("DA123456A", "nino.prefix: first letter"),  # D never first
        ("FA123456A", "nino.prefix: first letter"),
        ("IA123456A", "nino.prefix: first letter"),
        ("QA123456A", "nino.prefix: first letter"),
        ("UA123456A", "nino.prefix: first letter"),
        ("VA123456A", "nino.prefix: first letter"),
        ("AD123456A", "nino.prefix: second letter"),
        ("AO123456A", "nino.prefix: second letter"),  # O never second
        ("BG123456A", "nino.prefix: prefix BG is not issued"),
        ("GB123456A", "nino.prefix: prefix GB is not issued"),
        ("KN123456A", "nino.prefix: prefix KN is not issued"),
        ("NK123456A", "nino.prefix: prefix NK is not issued"),
        ("NT123456A", "nino.prefix: prefix NT is not issued"),
        ("TN123456A", "nino.prefix: prefix TN is not issued"),
        ("ZZ123456A", "nino.prefix: prefix ZZ is not issued"),
        ("AB123456E", "nino.suffix"),
        ("AB12345C", "nino.shape"),
        ("A1234567C", "nino.shape"),
    ],
)
def test_invalid_nino_is_kept_as_given_and_marked(given: str, rule: str) -> None:
    ident = Identifier(scheme="nino", value=given)
    assert ident.value == given
    assert ident.invalid is not None
    assert ident.invalid.startswith(rule)
    assert not ident.valid


@pytest.mark.parametrize("given", ["943 476 5919", "9434765919", "401-023-2137", "9434765919.0"])
def test_valid_nhs_number(given: str) -> None:
    ident = Identifier(scheme="nhs", value=given)
    assert ident.invalid is None
    assert ident.value == given.replace(" ", "").replace("-", "").removesuffix(".0")


@pytest.mark.parametrize(
    ("given", "rule"),
    [
        ("9434765918", "nhs.check_digit"),  # wrong check digit
        ("1234567890", "nhs.check_digit"),  # check digit would be 10: never issued
        ("943476591", "nhs.shape"),
        ("94347659190", "nhs.shape"),
        ("94347A5919", "nhs.shape"),
    ],
)
def test_invalid_nhs_number(given: str, rule: str) -> None:
    ident = Identifier(scheme="nhs", value=given)
    assert ident.value == given
    assert ident.invalid is not None
    assert ident.invalid.startswith(rule)


@pytest.mark.parametrize(
    ("given", "standard"),
    [
        ("m54wt", "M5 4WT"),
        ("M5  4WT", "M5 4WT"),
        ("SW1A1AA", "SW1A 1AA"),
        ("w1a 0ax", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_uk_postcode_normalised(given: str, standard: str) -> None:
    address = Address(postcode=given)
    assert (address.postcode, address.postcode_invalid) == (standard, None)


@pytest.mark.parametrize("given", ["M5", "12345", "MM5 4WTT", "5M 4WT", "M5 44T"])
def test_impossible_uk_postcode_kept_and_marked(given: str) -> None:
    address = Address(postcode=given)
    assert address.postcode == given.strip()
    assert address.postcode_invalid is not None
    assert address.postcode_invalid.startswith("postcode.shape")


@pytest.mark.parametrize(
    ("lines", "kept", "postcode"),
    [(["Flat 2, 14 Cross Lane, Salford, M5 4WT"], ["Flat 2, 14 Cross Lane, Salford"], "M5 4WT"),
     (["14 Cross Lane", "Salford", "m54wt"], ["14 Cross Lane", "Salford"], "M5 4WT"),
     (["1 Pall Mall", "London SW1A 1AA."], ["1 Pall Mall", "London"], "SW1A 1AA"),
     (["14 Cross Lane", "Salford"], ["14 Cross Lane", "Salford"], None),
     (["Flat 2A", "14 Cross Lane"], ["Flat 2A", "14 Cross Lane"], None),
     (["14 Cross Lane", "Salford", "M5 4WT", "United Kingdom"], ["14 Cross Lane", "Salford"], "M5 4WT"),
     (["14 Cross Lane", "Salford M5 4WT, UK"], ["14 Cross Lane", "Salford"], "M5 4WT"),
     (["Flat 2", "M5 4WT", "U.K."], ["Flat 2"], "M5 4WT"),
     (["14 Main St", "Cardiff CF10 1AA, Wales."], ["14 Main St", "Cardiff"], "CF10 1AA"),
     (["14 Cross Lane", "England"], ["14 Cross Lane", "England"], None),
     (["10 Wales Road", "Salford"], ["10 Wales Road", "Salford"], None)],
)  # fmt: skip
def test_a_postcode_written_in_the_lines_is_read_as_the_postcode(
    lines: list[str], kept: list[str], postcode: str | None
) -> None:
    """Extracts often hold the whole address in its lines: the postcode at the end of the last line is
    taken out of it, so that the record can be found by postcode and matched on one."""
    address = Address(lines=lines)
    assert (address.lines, address.postcode, address.postcode_invalid) == (kept, postcode, None)


@pytest.mark.parametrize(
    ("town", "lines", "kept_town", "kept_lines", "postcode"),
    [("Salford M5 4WT", ["14 Cross Lane"], "Salford", ["14 Cross Lane"], "M5 4WT"),
     ("Salford, m54wt", ["14 Cross Lane"], "Salford", ["14 Cross Lane"], "M5 4WT"),
     ("M5 4WT", ["14 Cross Lane"], None, ["14 Cross Lane"], "M5 4WT"),
     ("Salford", ["14 Cross Lane", "M5 4WT"], "Salford", ["14 Cross Lane"], "M5 4WT"),
     ("Salford", ["14 Cross Lane"], "Salford", ["14 Cross Lane"], None)],
)  # fmt: skip
def test_a_postcode_written_in_the_town_is_read_as_the_postcode(
    town: str, lines: list[str], kept_town: str | None, kept_lines: list[str], postcode: str | None
) -> None:
    """A system with one field for the town and postcode: the postcode is taken out of it, as out of the
    last line."""
    address = Address(lines=lines, town=town)
    assert (address.town, address.lines, address.postcode) == (kept_town, kept_lines, postcode)


@pytest.mark.parametrize(
    ("postcode", "town", "kept_town", "kept_postcode"),
    [("M5 4WT Salford", None, "Salford", "M5 4WT"),
     ("Salford, M5 4WT", None, "Salford", "M5 4WT"),
     ("m54wt (Salford)", "Salford", "Salford", "M5 4WT"),
     ("M5 4WT Salford", "Eccles", "Eccles", "M5 4WT")],
)  # fmt: skip
def test_a_town_written_in_the_postcode_field_is_not_the_postcode(
    postcode: str, town: str | None, kept_town: str | None, kept_postcode: str
) -> None:
    """A system with one field for the postcode and the town, postcode first or last: the postcode is read
    out of it, and the rest is the town where the record has none."""
    address = Address(lines=["14 Cross Lane"], postcode=postcode, town=town)
    assert (address.postcode, address.postcode_invalid, address.town) == (kept_postcode, None, kept_town)


@pytest.mark.parametrize("postcode", ["M5 4WT / M6 5AB", "BLO 9AB Bolton", "Salford"])
def test_a_postcode_field_without_exactly_one_postcode_is_kept_and_marked(postcode: str) -> None:
    address = Address(postcode=postcode)
    assert address.postcode == postcode
    assert address.postcode_invalid is not None


def test_a_postcode_field_or_another_country_leaves_the_lines_as_they_are() -> None:
    given = Address(lines=["14 Cross Lane", "Salford M5 4WT"], postcode="M5 4WU")
    assert (given.lines, given.postcode) == (["14 Cross Lane", "Salford M5 4WT"], "M5 4WU")
    abroad = Address(lines=["14 Main Street", "Sydney NW1 2AB"], country="AU")
    assert (abroad.lines, abroad.postcode) == (["14 Main Street", "Sydney NW1 2AB"], None)


def test_foreign_postcode_kept_as_given() -> None:
    address = Address(postcode="2000", country="au")
    assert (address.postcode, address.country, address.postcode_invalid) == ("2000", "AU", None)


@pytest.mark.parametrize(
    ("given", "standard"),
    [
        ("1", "1"),
        ("000100023336956", None),
        ("100023336956", "100023336956"),
        ("0042", "42"),
        ("100023336956.0", "100023336956"),  # a spreadsheet's float
        ("1.00023336956E+11", "100023336956"),  # scientific notation with every digit
    ],
)
def test_uprn(given: str, standard: str | None) -> None:
    ident = Identifier(scheme="uprn", value=given)
    if standard is None:
        assert ident.invalid is not None
        assert ident.invalid.startswith("uprn.shape")
    else:
        assert (ident.value, ident.invalid) == (standard, None)


@pytest.mark.parametrize("scheme", ["uprn", "nhs", "council_tax_account", "nino"])
@pytest.mark.parametrize("given", ["1.00023E+11", "4.50558E+09", "1E+11", " 9.43477e+11 "])
def test_a_number_a_spreadsheet_rounded_is_marked_so_in_any_scheme(scheme: str, given: str) -> None:
    """A spreadsheet's General format writes a number of 12 digits or more (every UPRN) as 1.00023E+11:
    its last digits are lost, and a borough's UPRNs all read alike. The value is kept and says why."""
    ident = Identifier(scheme=scheme, value=given)
    assert ident.value == given.strip()
    assert ident.invalid is not None
    assert ident.invalid.startswith("number.rounded: written in scientific notation by a spreadsheet")
    address = Address(lines=["14 High Street"], postcode="M5 4WT", uprn=given)
    assert address.uprn_invalid is not None
    assert address.uprn_invalid.startswith("number.rounded")


@pytest.mark.parametrize("given", ["5E12", "1.5E3", "A1.2E+11", "1.2E+111"])
def test_a_reference_that_only_looks_like_a_number_in_scientific_notation_is_kept(given: str) -> None:
    """Scientific notation as a spreadsheet writes it has a sign; a reference like ``5E12`` is a code."""
    ident = Identifier(scheme="case_ref", value=given)
    assert (ident.value, ident.invalid) == (given, None)


@pytest.mark.parametrize("given", ["12a", "-5", "1234567890123", "42.5", "42.0.0"])
def test_invalid_uprn(given: str) -> None:
    assert Identifier(scheme="uprn", value=given).invalid is not None


@pytest.mark.parametrize(
    ("given", "parts", "rule"),
    [
        ("1952-03-04", (1952, 3, 4), None),
        ("1952-03", (1952, 3, None), None),
        ("1952", (1952, None, None), None),
        ("2000-02-29", (2000, 2, 29), None),
        ("1900-02-29", None, "date.exists"),
        ("1952-02-30", None, "date.exists"),
        ("1952-13-01", None, "date.month"),
        ("0952-01-01", None, "date.year"),
        # Day first, as UK systems and forms write a date, and a month by its name; a year of two digits
        # is not read (which century it meant depends on when it was written).
        ("04/03/1952", (1952, 3, 4), None),
        ("4-3-1952", (1952, 3, 4), None),
        ("04.03.1952", (1952, 3, 4), None),
        ("31/06/1952", None, "date.exists"),
        ("04/03/52", None, "date.shape"),
        ("4 Mar 1952", (1952, 3, 4), None),
        ("04-MAR-1952", (1952, 3, 4), None),
        ("4th September 1952", (1952, 9, 4), None),
        ("March 4, 1952", (1952, 3, 4), None),
        ("Mar 1952", (1952, 3, None), None),
        ("04-MAR-52", None, "date.shape"),
        ("4 Marchember 1952", None, "date.shape"),
        # ... and with a time of day after it, as a UK spreadsheet or a SQL Server export writes a
        # date-time cell: the time dropped.
        ("04/03/1952 00:00:00", (1952, 3, 4), None),
        ("04/03/1952 00:00", (1952, 3, 4), None),
        ("4/3/1952 12:00:00 AM", (1952, 3, 4), None),
        ("04-Mar-1952 00:00:00.000", (1952, 3, 4), None),
        ("04/03/52 00:00", None, "date.shape"),
        # Other unambiguous shapes extracts use, and zeros for a month or day not known.
        ("19520304", (1952, 3, 4), None),
        ("1952/03/04", (1952, 3, 4), None),
        ("1952.3.4", (1952, 3, 4), None),
        ("1952-03/04", None, "date.shape"),
        ("1952-00-00", (1952, None, None), None),
        ("1952-03-00", (1952, 3, None), None),
        ("0000-00-00", None, "date.year"),
        # A date-time column's or a JSON serialiser's date of birth: the calendar date as written, the time
        # and any offset dropped (never moved to the day before by a zone).
        ("1952-03-04T00:00:00", (1952, 3, 4), None),
        ("1952-03-04 00:00:00.000", (1952, 3, 4), None),
        ("1952-03-04T00:00:00Z", (1952, 3, 4), None),
        ("1952-03-04T00:00:00+01:00", (1952, 3, 4), None),
        ("1952-03-04T23:30-0500", (1952, 3, 4), None),
        # ... but a moment in UTC is the UK date it was: a CRM or a JavaScript form keeps a date of birth
        # entered in British Summer Time as 23:00 UTC the day before (in GMT, the same day).
        ("1980-06-14T23:00:00Z", (1980, 6, 15), None),
        ("1980-06-14T23:00:00.000Z", (1980, 6, 15), None),
        ("1980-06-14 23:00:00+00:00", (1980, 6, 15), None),
        ("1980-1-14T23:00:00Z", (1980, 1, 14), None),
        ("1980-06-14T23:00:00", (1980, 6, 14), None),
        ("1980-02-30T23:00:00Z", None, "date.exists"),
        ("1952-02-30T00:00:00", None, "date.exists"),
        ("1952-03T00:00", None, "date.shape"),
        ("1952-03-04 noon", None, "date.shape"),
    ],
)
def test_birth_dates(given: str, parts: tuple[int, int | None, int | None] | None, rule: str | None) -> None:
    dob = BirthDate.model_validate(given)
    assert dob.text == given
    if rule is None:
        assert (dob.year, dob.month, dob.day) == parts
        assert dob.invalid is None
    else:
        assert dob.invalid is not None
        assert dob.invalid.startswith(rule)
        assert dob.as_date is None


def test_unknown_scheme_is_valid_and_kept() -> None:
    ident = Identifier(scheme="Soc Sec ID", value=" 1234 ")
    assert (ident.scheme, ident.value, ident.invalid) == ("soc_sec_id", "1234", None)


def test_record_with_bad_values_is_kept_and_reports_them() -> None:
    record = PersonRecord(
        source_system="council_tax",
        source_record_id="CT9",
        name=PersonName(given="Ann", family="Lee"),
        date_of_birth="1990-02-31",
        identifiers=[{"scheme": "nino", "value": "ZZ999999Z"}, {"scheme": "nhs", "value": "9434765919"}],
        addresses=[{"postcode": "NOT A CODE"}],
    )
    rules = sorted(i.rule.split(":")[0] for i in record.data_quality_issues())
    assert rules == ["date.exists", "nino.prefix", "postcode.shape"]
    assert record.valid_identifiers("nino") == []
    assert record.valid_identifiers("nhs") == ["9434765919"]


@pytest.mark.parametrize(
    ("scheme", "standard"),
    [("NINO", "nino"), ("NI Number", "nino"), ("ni-no", "nino"), ("National Insurance Number", "nino"),
     ("NHS No.", "nhs"), ("nhs_number", "nhs"), ("Council Tax Account", "council_tax_account")],
)  # fmt: skip
def test_scheme_names_extracts_use_are_read_as_the_standard_ones(scheme: str, standard: str) -> None:
    identifier = Identifier(scheme=scheme, value="AB 12 34 56 C" if standard == "nino" else "943 476 5919")
    assert identifier.scheme == standard
    if standard in ("nino", "nhs"):
        assert identifier.invalid is None


@pytest.mark.parametrize(
    ("written", "code"),
    [("UK", "GB"), ("U.K.", "GB"), ("United Kingdom", "GB"), ("england", "GB"), ("Wales", "GB"),
     (" united  kingdom ", "GB"), ("Poland", "PL"), ("POL", "PL"), ("Republic of Ireland", "IE"),
     ("fr", "FR")],
)  # fmt: skip
def test_a_country_written_as_a_name_or_as_uk_is_read_as_its_code(written: str, code: str) -> None:
    """CRM and spreadsheet exports write the country's name, or UK (the code ISO reserves for the United
    Kingdom): a UK postcode is then read as one, not as a foreign postcode."""
    address = Address(country=written, postcode="m54wt")
    assert address.country == code
    if code == "GB":
        assert (address.postcode, address.postcode_invalid) == ("M5 4WT", None)


def test_a_country_neither_a_code_nor_a_name_is_an_error_that_says_so() -> None:
    with pytest.raises(ValidationError, match="'Narnia' is neither an ISO 3166 alpha-2 code nor a country"):
        Address(country="Narnia")
