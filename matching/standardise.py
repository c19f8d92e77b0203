"""Standardisation of a :class:`~contracts.PersonRecord` into the compact, JSON-safe features the
comparators read.

Feature keys (all values are strings, numbers, ``None`` or lists of them, so a JSON round trip keeps
their meaning):

=====  ===========================================================
``g``  first given name            ``m``  other given names
``f``  family name (parts spaced)  ``x``  generational suffix (jr, sr, ii)
``fo`` other family names          ``go`` other first names
``d``  date of birth [y, m, d]     ``n``  NI numbers   ``h``  NHS numbers
``i``  other identifiers as ["scheme:value", ...]
``u``  UPRNs                       ``a``  addresses [[postcode, flat, number, street, town], ...]
``p``  phones (E.164)              ``e``  e-mails
=====  ===========================================================
"""

from __future__ import annotations

from typing import Any

from contracts import PersonRecord
from matching.addresses import parse_address, standard_email, standard_phone, standard_postcode
from matching.names import standard_name
from matching.text import compact, fold

MAX_ADDRESSES = 3
"""Most addresses of one record compared (current ones first)."""

_PERSONAL_SCHEMES = {"nino": "n", "nhs": "h"}
_ADDRESS_ORDER = {"residential": 0, "correspondence": 1, "property": 2, "previous": 3}


def _identifier_value(scheme: str, value: str) -> str:
    if scheme in _PERSONAL_SCHEMES:
        return compact(value)
    return compact(value) or value.strip().lower()


def features_of(record: PersonRecord) -> dict[str, Any]:
    """The comparable features of one record (see the module docstring for the keys).

    Invalid identifiers are kept (standardised as far as possible): a mistyped NI number is still
    evidence, compared as "close" rather than trusted for blocking.

    Args:
        record: a validated person record.

    Returns:
        A JSON-serialisable dict; absent values are left out.
    """
    feats: dict[str, Any] = {}
    name = standard_name(record.name.title, record.name.given, record.name.middle, record.name.family)
    for key, value in (("g", name.given), ("m", name.middle), ("f", name.family), ("x", name.generation)):
        if value:
            feats[key] = value
    other_family: list[str] = []
    other_given: list[str] = []
    for other in record.other_names:
        alt = standard_name(other.title, other.given, other.middle, other.family)
        if alt.family and alt.family != name.family and alt.family not in other_family:
            other_family.append(alt.family)
        if alt.given and alt.given != name.given and alt.given not in other_given:
            other_given.append(alt.given)
    if other_family:
        feats["fo"] = other_family
    if other_given:
        feats["go"] = other_given

    dob = record.date_of_birth
    if dob is not None and dob.year is not None:
        feats["d"] = [dob.year, dob.month, dob.day]

    generic: list[str] = []
    uprns: list[str] = []
    for ident in record.identifiers:
        value = _identifier_value(ident.scheme, ident.value)
        if not value:
            continue
        short = _PERSONAL_SCHEMES.get(ident.scheme)
        if short is not None:
            values = feats.setdefault(short, [])
            if value not in values:
                values.append(value)
        elif ident.scheme == "uprn":
            if value not in uprns:
                uprns.append(value)
        else:
            tagged = f"{ident.scheme}:{value}"
            if tagged not in generic:
                generic.append(tagged)
    if generic:
        feats["i"] = sorted(generic)

    addresses: list[list[str]] = []
    ordered = sorted(record.addresses, key=lambda a: (a.valid_to is not None, _ADDRESS_ORDER.get(a.kind, 4)))
    for address in ordered[:MAX_ADDRESSES]:
        flat, number, street = parse_address(tuple(address.lines))
        postcode = standard_postcode(address.postcode) if address.postcode else ""
        town = fold(address.town) if address.town else ""
        if postcode or number or street or town:
            addresses.append([postcode, flat, number, street, town])
        if address.uprn and not address.uprn_invalid and address.uprn not in uprns:
            uprns.append(address.uprn)
    if addresses:
        feats["a"] = addresses
    if uprns:
        feats["u"] = uprns

    region = record.addresses[0].country if record.addresses else "GB"
    phones = sorted({p for p in (standard_phone(raw, region) for raw in record.phones) if len(p) >= 7})
    if phones:
        feats["p"] = phones
    emails = sorted({e for e in (standard_email(raw) for raw in record.emails) if e})
    if emails:
        feats["e"] = emails
    return feats
