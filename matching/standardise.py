"""Standardisation of a :class:`~contracts.PersonRecord` into the compact, JSON-safe features the
comparators read.

Feature keys (all values are strings, numbers, ``None`` or lists of them, so a JSON round trip keeps
their meaning):

=====  ===========================================================
``g``  first given name            ``m``  other given names
``f``  family name (parts spaced)  ``x``  generational suffix (jr, sr, ii; ``birth 2`` for "Twin 2")
``s``  sex as the title says (m, f)
``fo`` other family names          ``go`` other first names
``fe`` surnames the e-mails name beside the first name (not the record's own)
``d``  date of birth [y, m, d]     ``n``  NI numbers (no suffix)   ``h``  NHS numbers
``i``  other identifiers as ["scheme:value", ...]
``u``  UPRNs                       ``a``  addresses [[postcode, flat, number, street, town], ...]
``p``  phones (E.164)              ``e``  e-mails
=====  ===========================================================
"""

from __future__ import annotations

import re
from typing import Any

from contracts import Address, PersonRecord
from contracts.rules import NINO_UNISSUED_PREFIXES, NO_SUCH_DAY, YEAR_RULE, rounded_number, whole_number
from matching.addresses import (
    PSEUDO_POSTCODE,
    email_addresses,
    parse_address,
    phone_numbers,
    repaired_uk_postcode,
    says_no_address,
    standard_postcode,
)
from matching.names import (
    StandardName,
    email_surnames,
    known_as,
    other_family_name,
    record_sex,
    standard_name,
)
from matching.text import compact, fold

MAX_ADDRESSES = 3
"""Most addresses of one record compared (current ones first)."""

_PERSONAL_SCHEMES = {"nino": "n", "nhs": "h"}
_ADDRESS_ORDER = {"residential": 0, "correspondence": 1, "property": 2, "previous": 3}


NINO_SHAPE = re.compile(r"^[A-Z]{2}\d{6}[A-D]?$")
"""An NI number, compacted, with its suffix letter or without."""


_DIGIT_SLIPS = str.maketrans("OIL", "011")
"""Letters typed for the digits they look like (``AB12O456C``: O for 0)."""


def nino_stem(value: str) -> str:
    """An NI number as matching compares it: its two letters and six digits, without the suffix letter,
    which many systems leave off and which does not tell two people apart (``AB 12 34 56 C`` and
    ``AB123456`` are one number); anything else compacted (upper case letters and digits).

    Letters typed among the six digits are read as the digits they look like (``AB12O456C`` is
    ``AB120456``), and a number that is still not one keeps the shape it has (two letters, six
    characters) without its suffix letter, so that one slip stays one slip apart from the number."""
    code = compact(value)
    if NINO_SHAPE.match(code):
        return code[:8]
    if len(code) in (8, 9) and code[:2].isalpha() and (len(code) == 8 or code[8].isalpha()):
        return code[:2] + code[2:8].translate(_DIGIT_SLIPS)
    return code


def _identifier_value(scheme: str, value: str) -> str:
    if scheme == "nino":
        stem = nino_stem(value)
        # A temporary reference (TN010150M: born 1 January 1950, a man) or a filler is no one's number.
        return "" if stem[:2] in NINO_UNISSUED_PREFIXES else stem
    if rounded_number(value):  # 1.00012E+11: a spreadsheet kept the first digits, which many numbers share
        return ""
    value = whole_number(value)  # an account number a spreadsheet wrote as a float: 40000003.0
    if scheme in _PERSONAL_SCHEMES:
        return compact(value)
    return compact(value) or value.strip().lower()


def _address_rank(address: Address) -> tuple[bool, int]:
    return address.valid_to is not None, _ADDRESS_ORDER.get(address.kind, 4)


def other_names_of(record: PersonRecord, standard: StandardName) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The other surnames and first names a record holds besides its standard name ``standard``: its other
    names (birth, previous, alias), a surname noted as held before (``Smith (nee Jones)``) and the name the
    person goes by (``Elizabeth (Lisa)``), standardised, each once."""
    name = record.name
    _given, goes_by, before = known_as(name.given) if name.given else ("", "", "")
    noted = other_family_name(name.family) or before
    if not (record.other_names or noted or goes_by):
        return (), ()
    other_family: list[str] = [noted] if noted else []
    other_given: list[str] = [goes_by] if goes_by and goes_by != standard.given else []
    for other in record.other_names:
        alt = standard_name(other.title, other.given, other.middle, other.family)
        if alt.family and alt.family != standard.family and alt.family not in other_family:
            other_family.append(alt.family)
        if alt.given and alt.given != standard.given and alt.given not in other_given:
            other_given.append(alt.given)
    return tuple(other_family), tuple(other_given)


def features_of(record: PersonRecord) -> dict[str, Any]:
    """The comparable features of one record (see the module docstring for the keys).

    Invalid identifiers are kept (standardised as far as possible): a mistyped NI number is still
    evidence, compared as "close" rather than trusted for blocking.

    Lists are built as tuples: a dict of strings and tuples of strings is one the garbage collector
    stops tracking, and a store keeps one for every record. A JSON round trip turns them into lists
    of the same values, which the comparators read alike.

    Args:
        record: a validated person record.

    Returns:
        A JSON-serialisable dict; absent values are left out.
    """
    feats: dict[str, Any] = {}
    name = record.name
    standard = standard_name(name.title, name.given, name.middle, name.family)
    if standard.given:
        feats["g"] = standard.given
    if standard.middle:
        feats["m"] = standard.middle
    if standard.family:
        feats["f"] = standard.family
    if standard.generation:
        feats["x"] = standard.generation
    sex = record_sex(record.sex, name.title, name.given)
    if sex:
        feats["s"] = sex
    other_family, other_given = other_names_of(record, standard)
    if other_family:
        feats["fo"] = other_family
    if other_given:
        feats["go"] = other_given

    dob = record.date_of_birth
    if dob is not None and dob.year is not None and not (dob.invalid and dob.invalid.startswith(YEAR_RULE)):
        # (A year out of range, 0000-00-00 say, is no date of birth: two records holding it agree on nothing.)
        if dob.invalid and dob.invalid.startswith(NO_SUCH_DAY):
            # 30 February, 31 June: the day or the month is wrong, and which cannot be told; the year
            # still counts. (A month over 12 is kept whole: it may be a day and month swapped.)
            feats["d"] = (dob.year, None, None)
        else:
            feats["d"] = (dob.year, dob.month, dob.day)

    uprns: list[str] = []
    if record.identifiers:
        generic: list[str] = []
        personal: dict[str, list[str]] = {}
        for ident in record.identifiers:
            scheme = ident.scheme
            value = _identifier_value(scheme, ident.value)
            if not value:
                continue
            short = _PERSONAL_SCHEMES.get(scheme)
            if short is not None:
                values = personal.setdefault(short, [])
                if value not in values:
                    values.append(value)
            elif scheme == "uprn":
                if value not in uprns:
                    uprns.append(value)
            else:
                tagged = f"{scheme}:{value}"
                if tagged not in generic:
                    generic.append(tagged)
        for short, values in personal.items():
            feats[short] = tuple(values)
        if generic:
            feats["i"] = tuple(sorted(generic))

    if record.addresses:
        addresses: list[tuple[str, str, str, str, str]] = []
        given = record.addresses
        ordered = sorted(given, key=_address_rank) if len(given) > 1 else given
        for address in ordered[:MAX_ADDRESSES]:
            flat, number, street = parse_address(tuple(address.lines))
            if street and not number and not flat and says_no_address(address.lines):
                street = ""  # "No Fixed Abode": no address, which two homeless namesakes do not share
            if not address.postcode or (
                address.postcode_invalid and not any(ch.isdigit() for ch in address.postcode)
            ):
                postcode = ""  # none, or none a UK postcode could be: "NULL", "N/A", "TBC", "UNKNOWN"
            elif address.postcode_invalid:  # a UK postcode of no UK shape: an O for a zero, say
                postcode = repaired_uk_postcode(address.postcode) or standard_postcode(address.postcode)
            else:
                postcode = standard_postcode(address.postcode)
            if postcode.startswith(PSEUDO_POSTCODE):
                postcode = ""
            town = fold(address.town) if address.town else ""
            if postcode or number or street or town:
                addresses.append((postcode, flat, number, street, town))
            uprn = address.uprn
            if uprn and not address.uprn_invalid and uprn not in uprns:
                uprns.append(uprn)
        if addresses:
            feats["a"] = tuple(addresses)
        region = given[0].country
    else:
        region = "GB"
    if uprns:
        feats["u"] = tuple(uprns)

    if record.phones:
        # (Six digits are the shortest number kept: a local number where the area code is five digits long.)
        phones = sorted({p for raw in record.phones for p in phone_numbers(raw, region) if len(p) >= 6})
        if phones:
            feats["p"] = tuple(phones)
    if record.emails:
        emails = sorted({e for raw in record.emails for e in email_addresses(raw)})
        if emails:
            feats["e"] = tuple(emails)
            named = email_surnames(emails, standard.given, standard.middle, standard.family)
            if named:
                feats["fe"] = named
    return feats
