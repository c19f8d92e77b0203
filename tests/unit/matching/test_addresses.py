"""Address lines read into flat, house number and street, as a table of literal lines."""

from __future__ import annotations

import pytest

from matching.addresses import (
    email_addresses,
    parse_address,
    repaired_uk_postcode,
    standard_email,
    standard_phone,
)
from matching.engine import FellegiSunterEngine
from tests.unit.matching.helpers import person


@pytest.mark.parametrize(
    ("lines", "flat", "number", "street"),
    [(("Flat 2", "14 Cross Lane"), "2", "14", "cross lane"),
     (("2/14 Cross Lane",), "2", "14", "cross lane"),
     (("Flat A, 14 Cross Lane",), "a", "14", "cross lane"),
     (("Unit B2, Mill Yard",), "b2", "", "mill yard"),
     (("Ground Floor Flat, 14 Cross Lane",), "ground", "14", "cross lane"),
     (("First Floor Flat", "14 Cross Lane"), "first", "14", "cross lane"),
     (("Basement Flat 14 Cross Lane",), "basement", "14", "cross lane"),
     (("14A Cross Lane",), "", "14a", "cross lane"),
     (("14 A Cross Lane",), "", "14a", "cross lane"),
     (("Flat 2", "14 b, Cross Lane"), "2", "14b", "cross lane"),
     (("Cross Lane 14 A",), "", "14", "cross lane a"),
     (("c/o Mrs Hale", "14 Cross Lane"), "", "14", "mrs hale cross lane"),
     (("P.O. Box 14",), "", "14", "pobox"),
     (("P O Box 14",), "", "14", "pobox"),
     (("No 5 High St",), "", "5", "high street"),
     (("12 First Avenue",), "", "12", "first avenue"),
     (("No Place Farm",), "", "", "no place farm"),
     (("Basement, 14 Cross Lane",), "basement", "14", "cross lane"),
     (("Ground floor", "14 Cross Lane"), "ground", "14", "cross lane"),
     (("GFF, 14 Cross Lane",), "ground", "14", "cross lane"),
     (("TFF 14 Cross Lane",), "top", "14", "cross lane"),
     (("Upper Brook Street",), "", "", "upper brook street"),
     (("14 Saint Mary's Road",), "", "14", "st marys road"),
     (("Rose Cottage, St Marys Rd",), "", "", "rose cottage st marys road"),
     (("14 High St, Salford",), "", "14", "high street salford"),
     (("2, 14 Cross Lane",), "2", "14", "cross lane"),
     (("2", "14 Cross Lane"), "2", "14", "cross lane"),
     (("2 Ash House", "52 Station Road"), "2", "52", "ash house station road"),
     (("14-16 Cross Lane",), "", "14", "cross lane"),
     (("Ash House, 14-16 Cross Lane",), "", "14", "ash house cross lane"),
     (("Flat 2-14 Cross Lane",), "2", "14", "cross lane"),
     (("14 Cross Lane, 2",), "", "14", "cross lane 2"),
     (("2 Mill Court, 5 Cross Lane",), "2", "5", "mill court cross lane"),
     (("74 Finniss Crescent", "Sec 478 Hd Paringa"), "", "74", "finniss crescent sec 478 hd paringa"),
     (("Flat 2/1", "14 High Street"), "2f1", "14", "high street"),
     (("2/1 14 High Street",), "2f1", "14", "high street"),
     (("Flat 0/1, 14 High Street",), "0f1", "14", "high street"),
     (("Flat 2F1, 14 High Street",), "2f1", "14", "high street"),
     (("2F1 14 High Street",), "2f1", "14", "high street"),
     (("PF1, 14 High Street",), "pf1", "14", "high street"),
     (("Flat BF2, 14 High Street",), "bf2", "14", "high street"),
     (("14 (2F1) High Street",), "2f1", "14", "high street"),
     (("14/1F2 High Street",), "1f2", "14", "high street"),
     (("14 High Street, Flat 2/1",), "2f1", "14", "high street"),
     (("Mill House, 3 Mill Lane", "Flat 2/1", "Glasgow"), "2f1", "3", "mill house mill lane glasgow"),
     (("Flat 2/14 High Street",), "2", "14", "high street"),
     (("2/10 High Street",), "2", "10", "high street"),
     (("9 Locn 24 Dookie Street",), "", "9", "locn 24 dookie street")],
)  # fmt: skip
def test_lines(lines: tuple[str, ...], flat: str, number: str, street: str) -> None:
    assert parse_address(lines) == (flat, number, street)


def test_two_flats_of_one_house_are_not_one_address() -> None:
    """Flat A and Flat B of one converted house were read as one address with "a" and "b" among the
    street words, which the street comparison all but ignores."""
    engine = FellegiSunterEngine()
    a = engine.prepare(person("1", "Ann", "Hale", line="Flat A, 14 Cross Lane"))
    b = engine.prepare(person("2", "Joe", "Marsh", line="Flat B, 14 Cross Lane"))
    same = engine.prepare(person("3", "Ann", "Hale", system="hb", line="Flat A 14 Cross Ln"))
    assert engine.compare(a, b).levels["address"] != "exact"
    assert engine.compare(a, same).levels["address"] == "exact"


def test_a_house_numbers_letter_written_apart_is_the_same_house() -> None:
    """One system writes 14A, another 14 A: one house, not the house 14 on a street called "A Cross"."""
    engine = FellegiSunterEngine()
    joined = engine.prepare(person("1", "Ann", "Hale", line="14A Cross Lane"))
    apart = engine.prepare(person("2", "Ann", "Hale", system="hb", line="14 A Cross Lane"))
    other = engine.prepare(person("3", "Ann", "Hale", system="hb", line="14B Cross Lane"))
    assert engine.compare(joined, apart).levels["address"] == "exact"
    assert engine.compare(joined, other).levels["address"] != "exact"


def test_one_address_written_several_ways_is_the_same_address() -> None:
    """A flat written with and without "Flat", a saint's street written out, and a flat named by its floor
    alone: each pair was 'somewhat' (the postcode only) or 'close'."""
    engine = FellegiSunterEngine()

    def level(x: str, y: str) -> str:
        a = engine.prepare(person("1", "Ann", "Hale", line=x))
        b = engine.prepare(person("2", "Ann", "Hale", system="hb", line=y))
        return engine.compare(a, b).levels["address"]

    assert level("Apartment 2, Mill House, Cross Lane", "2 Mill House, Cross Lane") == "exact"
    assert level("Flat 2, 14 Cross Lane", "2, 14 Cross Lane") == "exact"
    assert level("Flat 2, Ash House, 52 Station Road", "2 Ash House, 52 Station Road") == "exact"
    assert level("14-16 Cross Lane", "14 Cross Lane") == "exact"
    assert level("14 Saint Mary's Road", "14 St Marys Rd") == "exact"
    assert level("Basement, 14 Cross Lane", "Basement Flat, 14 Cross Lane") == "exact"
    # A Scottish tenement's flat by its floor and place (Glasgow's 2/1, Edinburgh's 2F1).
    assert level("Flat 2/1, 14 High Street", "2F1 14 High St") == "exact"
    assert level("14 High Street, Flat 2/1", "2F1 14 High St") == "exact"
    assert level("Flat 2/1, 14 High Street", "Flat 1/2, 14 High Street") != "exact"
    # The house 2 and flat 2 of the house 14 are not one address, nor are flat 2 of Mill House and the
    # house 2 on the street it stands in.
    assert level("Flat 2, 14 Cross Lane", "2 Cross Lane") != "exact"
    assert level("Flat 2, Mill House, Cross Lane", "2 Cross Lane") != "exact"


@pytest.mark.parametrize(
    ("given", "read"),
    [("BLO 9AB", "BL0 9AB"),
     ("0L1 1AA", "OL1 1AA"),
     ("S014 2AA", "SO14 2AA"),
     ("SW1A OAA", "SW1A 0AA"),
     ("BL0 9AB", "BL0 9AB"),
     ("M5 4WT Salford", ""),
     ("OOO OOO", "")],
)  # fmt: skip
def test_a_uk_postcode_with_an_o_for_a_zero_is_put_right(given: str, read: str) -> None:
    """Only where one reading fits the shapes: ``OOO OOO`` has none."""
    assert repaired_uk_postcode(given) == read


def test_a_postcode_typed_with_an_o_for_a_zero_is_the_same_address() -> None:
    """The record keeps the postcode as given and marked invalid; matching reads it put right."""
    engine = FellegiSunterEngine()
    typed = person("1", "Ann", "Hale", line="14 Cross Lane", postcode="BLO 9AB")
    assert typed.addresses[0].postcode_invalid
    right = person("2", "Ann", "Hale", system="hb", line="14 Cross Lane", postcode="BL0 9AB")
    comparison = engine.compare(engine.prepare(typed), engine.prepare(right))
    assert comparison.levels["address"] == "exact"


@pytest.mark.parametrize(
    ("written", "read"),
    [("Margaret Smith <Peggy@Example.org>", "peggy@example.org"),
     ("mailto:peggy@example.org", "peggy@example.org"),
     ('"peggy@example.org".', "peggy@example.org"),
     ("Peggy.Smith@Gmail.com", "peggysmith@gmail.com"),
     ("peggysmith+council@googlemail.com", "peggysmith@gmail.com"),
     ("peggy.smith@example.org", "peggy.smith@example.org"),
     ("peggy smith@example.org", "")],
)  # fmt: skip
def test_an_email_address_is_read_as_its_mailbox(written: str, read: str) -> None:
    """A CRM's export writes the name with the address, or a link; Gmail ignores the dots in a name and a
    +tag, and googlemail.com is gmail.com: one mailbox, which one system writes one way and another the
    other. Other providers' dots are kept."""
    assert standard_email(written) == read


def test_one_gmail_mailbox_written_two_ways_is_the_same_email() -> None:
    engine = FellegiSunterEngine()
    a = engine.prepare(person("1", "Ann", "Hale", emails=["Ann.Hale@gmail.com"]))
    b = engine.prepare(person("2", "Ann", "Hale", system="hb", emails=["annhale@googlemail.com"]))
    assert engine.compare(a, b).levels["email"] == "exact"
    assert set(a.blocking_keys) & set(b.blocking_keys) >= {"e:annhale@gmail.com"}


@pytest.mark.parametrize(
    ("written", "read"),
    [("0161 745 2291", "+441617452291"),
     ("745 2291", "7452291"),
     ("7452291.0", "7452291"),
     ("567890", "567890"),
     ("07700 900123", "+447700900123"),
     ("1617452291.0", "+441617452291"),
     ("0745 2291", "+447452291")],
)  # fmt: skip
def test_a_landline_without_its_area_code_is_its_digits_alone(written: str, read: str) -> None:
    """Older records keep a landline as the local number (745 2291): read with the UK's rules it would be
    the national number 745 2291, which it is not. A float's lost leading zero is still the whole number,
    and a number starting 0 is not a local one."""
    assert standard_phone(written) == read


@pytest.mark.parametrize(
    ("local", "whole", "level"),
    [("745 2291", "0161 745 2291", "exact"),
     ("745 2291", "0161 745 2292", "different"),
     ("745 2291", "07707 452291", "different"),
     ("745 2291", "745 2291", "exact"),
     ("567890", "01228 567890", "exact")],
)  # fmt: skip
def test_a_local_number_agrees_with_the_whole_number_it_ends(local: str, whole: str, level: str) -> None:
    """One landline in two systems, one with its area code and one without, is one number; a mobile number
    that happens to end in the same digits is not (a local number is a landline)."""
    engine = FellegiSunterEngine()
    a = engine.prepare(person("1", "Ann", "Hale", phones=[local]))
    b = engine.prepare(
        person("2", "Ann", "Hale", system="hb", phones=[whole], line="3 Mill Lane", postcode="M6 5AB")
    )
    assert engine.compare(a, b).levels["phone"] == level
    assert engine.compare(b, a).levels["phone"] == level


@pytest.mark.parametrize(
    ("field", "read"),
    [("peggy@example.org; m.smith@work.example", ["peggy@example.org", "m.smith@work.example"]),
     ("peggy@example.org,m.smith@work.example", ["peggy@example.org", "m.smith@work.example"]),
     ("Peggy <peggy@example.org> / <m.smith@work.example>", ["peggy@example.org", "m.smith@work.example"]),
     ("Peggy.Smith@Gmail.com", ["peggysmith@gmail.com"]),
     ("peggy@example@org", []),
     ("none", [])],
)  # fmt: skip
def test_a_field_holding_two_email_addresses_gives_both(field: str, read: list[str]) -> None:
    """A CRM's export or a form writes a home and a work address into one field: both are the person's
    (before, the whole field read as no address at all)."""
    assert email_addresses(field) == read


def test_one_of_two_email_addresses_in_a_field_agrees() -> None:
    engine = FellegiSunterEngine()
    a = engine.prepare(person("1", "Ann", "Hale", emails=["ann.hale@example.org; a.hale@work.example"]))
    b = engine.prepare(person("2", "Ann", "Hale", system="hb", emails=["Ann.Hale@example.org"]))
    assert engine.compare(a, b).levels["email"] == "exact"
