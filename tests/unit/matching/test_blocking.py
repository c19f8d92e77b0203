"""Blocking keys: the street-and-number key finds a record whose date of birth and postcode both have a
typo, and stays as selective as the household."""

from __future__ import annotations

import pytest

from matching.addresses import postcode_district, street_name
from matching.blocking import blocking_keys
from matching.standardise import features_of
from tests.unit.matching.helpers import person


def _keys(*args: str | None, **kwargs: str | None) -> set[str]:
    return set(blocking_keys(features_of(person(*args, **kwargs))))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("street", "name"),
    [
        ("high street", ("high", "street")),
        ("high street the green", ("high", "street")),
        ("wyncliffe mcgivern crescent", ("mcgivern", "crescent")),
        ("mcgivern crescent wyncliffe", ("mcgivern", "crescent")),
        ("goodwinstreet", ("goodwin", "street")),
        ("acacia avenue", ("acacia", "avenue")),
        ("rose cottage", ("rose", "")),
        ("", ("", "")),
    ],
)
def test_street_name_is_the_word_before_the_thoroughfare(street: str, name: tuple[str, str]) -> None:
    assert street_name(street) == name


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("SW1A 1AA", "SW1A"), ("B1 1AA", "B1"), ("M5 4WT", "M5"), ("2148", "2"), ("", "")],
)
def test_postcode_district(postcode: str, district: str) -> None:
    assert postcode_district(postcode) == district


def test_typo_in_date_of_birth_and_postcode_still_blocked_by_street_and_number() -> None:
    a = _keys("1", "Oliver", "Bendyk", "1910-03-10", line="42 Tallara Parkway", postcode="M5 4WT")
    b = _keys("2", "Olivre", "Bendkv", "1910-03-01", line="42 Tallarra Pkwy", postcode="M5 4TW")
    shared = a & b
    assert shared
    assert all(k.startswith("sn:") for k in shared)


def test_street_and_number_key_keeps_other_houses_and_areas_apart() -> None:
    a = _keys("1", "Sam", "Jones", "1970-07-08", line="10 High Street", postcode="M5 4WT")
    other_house = _keys("2", "Ann", "Smith", "1980-01-02", line="12 High Street", postcode="M5 4WU")
    other_flat = _keys("3", "Ann", "Smith", "1980-01-02", line="Flat 2, 10 High Street", postcode="M5 4WU")
    other_area = _keys("4", "Ann", "Smith", "1980-01-02", line="10 High Street", postcode="M6 1AA")
    other_street = _keys("6", "Ann", "Smith", "1980-01-02", line="10 High Road", postcode="M5 4WU")
    no_postcode = _keys("5", "Ann", "Smith", "1980-01-02", line="10 High Street", postcode=None)
    for other in (other_house, other_flat, other_area, other_street, no_postcode):
        assert not a & other


def test_an_address_with_no_house_number_is_blocked_by_postcode_and_street() -> None:
    # Two copies of one person: names and reference rekeyed, nothing personal left in common.
    a = _keys("1", "Blake", "Moody", None, line="Studley Street, Rose Vale", postcode="4869")
    b = _keys("2", "Jacobie", "Tilleq", None, line="Studley Steet, Rose Avle", postcode="4869")
    assert {k for k in a & b if k.startswith("ps:")}
    numbered = _keys("3", "Blake", "Moody", None, line="7 Studley Street", postcode="4869")
    other_street = _keys("4", "Blake", "Moody", None, line="Rose Cottage, Acacia Avenue", postcode="4869")
    assert not {k for k in a & numbered if k.startswith("ps:")}
    assert not {k for k in a & other_street if k.startswith("ps:")}


def test_an_address_written_with_no_postcode_meets_the_same_address_by_its_town() -> None:
    """A system that kept no postcodes: its records shared no address key with the others, and one
    person's council tax record (no date of birth) and benefits record (no postcode) were never compared."""

    def address(postcode: str | None, town: str) -> list[dict[str, object]]:
        return [{"lines": ["Flat 1", "10 Hazel Court, Oak Street"], "town": town, "postcode": postcode}]

    council_tax = _keys("1", "Michael", "Burcroft", None, addresses=address("M7 3AA", "Salford"))
    benefits = _keys("2", "Michael", "Burcroft", "1937-10-16", addresses=address(None, "SALFORD"))
    assert {k for k in council_tax & benefits if k.startswith("tn:")}
    elsewhere = _keys("3", "Michael", "Burcroft", "1937-10-16", addresses=address(None, "Bolton"))
    assert not council_tax & elsewhere


def test_a_flat_written_house_number_first_meets_it_written_flat_first() -> None:
    """Edinburgh writes flat 2 of number 14 as ``14/2 High Street``, read (as Australia writes it) as flat
    14 of number 2: with the names also written the other way round and no date of birth, no key reached
    ``Flat 2, 14 High Street`` (seen in ``bench.messy_formats``). The two numbers meet in either order, and
    the address comparator reads them as one house."""
    a = _keys("1", "Caroline", "Blackdale", "1977", line="Flat 7, 95 Primrose Place", postcode="M44 6BB")
    b = _keys("2", "Blackdale", "Caroline", None, line="95/7 Primrose Place", postcode="M44 6BB")
    assert {k.partition(":")[0] for k in a & b} == {"pn", "sn"}
    other_flat = _keys("3", "Ann", "Smith", None, line="95/8 Primrose Place", postcode="M44 6BB")
    assert not a & other_flat


def _postcode_keys(keys: set[str]) -> set[str]:
    return {k for k in keys if k.startswith("pg:")}


def test_the_postcode_key_takes_the_first_two_letters_of_the_first_name() -> None:
    """A household's John and James no longer meet by the postcode and an initial alone (most of the pairs
    the engine compared), while Kate meets Katherine, and an initial meets an initial."""
    kate = _postcode_keys(_keys("1", "Kate", "Hale", None, line="3 Mill Lane", postcode="M6 5AB"))
    katherine = _postcode_keys(_keys("2", "Katherine", "Jones", None, line="5 Mill Lane", postcode="M6 5AB"))
    assert kate == katherine == {"pg:M6 5AB:ka"}
    john = _postcode_keys(_keys("3", "John", "Hale", None, line="3 Mill Lane", postcode="M6 5AB"))
    james = _postcode_keys(_keys("4", "James", "Hale", None, line="3 Mill Lane", postcode="M6 5AB"))
    assert not john & james
    initial = _postcode_keys(_keys("5", "K", "Hale", None, line="3 Mill Lane", postcode="M6 5AB"))
    assert initial == _postcode_keys(_keys("6", "K.", "Jones", None, line="7 Mill Lane", postcode="M6 5AB"))
    assert initial == {"pg:M6 5AB:k"}
