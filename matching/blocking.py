"""Blocking rules: each a small named object turning a record's features into index keys.

Two records become candidates when they share a key. The keys are chosen to be selective, so that the
number of candidates per record does not grow with the population: strong identifiers; phonetic family
name or first name with the full date of birth; both names (in either order) with the year of birth;
postcode with the first two letters of the first name, the phonetic family name, the
house number or the date of birth; postcode district with the flat, house number and street (the start of
the street's name and its type: a typo in the postcode's inward code keeps the household together); the
town with the same (an address written with no postcode);
postcode with the street for an address with no house number; UPRN with the first initial; phone;
e-mail; and both names alone for a record with neither a postcode nor a UPRN (no address key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from matching.addresses import postcode_district, street_name
from matching.names import phonetic

Features = Mapping[str, Any]


class RecordView:
    """A record's features with the pieces several rules share (date, names' sounds, postcodes)
    computed once per record."""

    __slots__ = ("features", "dob", "families", "given", "given_sound", "postcodes")

    def __init__(self, features: Features) -> None:
        self.features = features
        dob = features.get("d")
        self.dob = f"{dob[0]}-{dob[1]}-{dob[2]}" if dob and dob[1] is not None and dob[2] is not None else ""
        family = features.get("f", "")
        others = features.get("fo")
        named = features.get("fe")  # surnames the e-mail addresses name
        if " " in family or others or named:
            names = [family.replace(" ", "")] if family else []
            names.extend(family.split() if " " in family else ())
            names.extend(other.replace(" ", "") for other in others or ())
            names.extend(named or ())
            self.families = [phonetic(n) for n in dict.fromkeys(names) if len(n) > 1]
        else:  # one word, no other family names (most records)
            self.families = [phonetic(family)] if len(family) > 1 else []
        self.given = features.get("g", "")
        self.given_sound = phonetic(self.given) if self.given else ""
        addresses = features.get("a", ())
        if len(addresses) == 1:
            first = addresses[0][0]
            self.postcodes = [first] if first else []
        else:
            self.postcodes = list(dict.fromkeys(a[0] for a in addresses if a[0]))


@dataclass(frozen=True, slots=True)
class BlockingRule:
    """A named rule: ``values(view)`` yields the values; the rule's prefix keeps rules apart.

    ``widen``, when set, turns one of the rule's values into the value of a wider form of the rule, which
    training reads its candidate pairs from instead (see :class:`matching.training.CandidatePairs`):
    pairs the engine need not compare can still teach EM how one person's records disagree."""

    prefix: str
    description: str
    values: Callable[[RecordView], Iterator[str]]
    widen: Callable[[str], str] | None = None

    def keys(self, features: Features | RecordView) -> Iterator[str]:
        view = features if isinstance(features, RecordView) else RecordView(features)
        for value in self.values(view):
            yield f"{self.prefix}:{value}"


def _strong(short: str) -> Callable[[RecordView], Iterator[str]]:
    def values(view: RecordView) -> Iterator[str]:
        for value in view.features.get(short, ()):
            if len(value) >= 8:
                yield value

    return values


def _identifiers(view: RecordView) -> Iterator[str]:
    yield from view.features.get("i", ())


def _family_dob(view: RecordView) -> Iterator[str]:
    if view.dob:
        for family in view.families:
            yield f"{family}:{view.dob}"


def _given_dob(view: RecordView) -> Iterator[str]:
    if view.dob and view.given:
        yield f"{view.given_sound}:{view.dob}"


def _names_year(view: RecordView) -> Iterator[str]:
    dob, family = view.features.get("d"), view.features.get("f")
    if dob and view.given and family:
        first, second = sorted((view.given_sound, phonetic(family.replace(" ", ""))))
        yield f"{first}:{second}:{dob[0]}"


def _names_no_address(view: RecordView) -> Iterator[str]:
    """Both names' sounds (either order), for a record with neither a postcode nor a UPRN only: no address
    key reaches it, and its other keys rest on the date of birth alone, so a copy with a typo in it (or
    with no date) shares none with it. A record with an address key gets none of these: each key is an
    index row in the hub, and names alone bring namesakes together."""
    if len(view.given) < 2 or view.postcodes or view.features.get("u"):
        return
    for family in view.families[:2]:
        first, second = sorted((view.given_sound, family))
        yield f"{first}:{second}"


def _postcode_first_letters(view: RecordView) -> Iterator[str]:
    """The postcode with the first name's first two letters (its initial, for a name written as one):
    ``Kate`` meets ``Katherine`` and ``Chris`` meets ``Christopher``, and a household's ``John`` no longer
    meets its ``James``. The first initial alone brought each record a postcode's every namesake of a
    letter, most of the candidates the engine compared, to find pairs that nearly all other keys also
    find (bench/README, "Session 23")."""
    if view.given:
        letters = view.given[:2]
        for postcode in view.postcodes:
            yield f"{postcode}:{letters}"


def _to_initial(value: str) -> str:
    """``postcode:letters`` -> ``postcode:initial``: the first initial, which the postcode key was until
    session 23 and which training still reads its pairs from (EM learned the same parameters from them)."""
    postcode, _, letters = value.rpartition(":")
    return f"{postcode}:{letters[:1]}"


def _postcode_family(view: RecordView) -> Iterator[str]:
    families = view.families[:2]
    for postcode in view.postcodes:
        for family in families:
            yield f"{postcode}:{family}"


def _flat_and_number(flat: str, number: str) -> str:
    """``flat:number`` for a key; two numbers in either order (``2:14`` for Flat 2, 14 High Street and for
    ``14/2 High Street``, which Edinburgh writes for it and which is read as flat 14 of number 2)."""
    if flat.isdigit() and number.isdigit() and int(flat) > int(number):
        return f"{number}:{flat}"
    return f"{flat}:{number}"


def _postcode_number(view: RecordView) -> Iterator[str]:
    for address in view.features.get("a", ()):
        if address[0] and address[2]:
            yield f"{address[0]}:{_flat_and_number(address[1], address[2])}"


def _postcode_dob(view: RecordView) -> Iterator[str]:
    if view.dob:
        for postcode in view.postcodes:
            yield f"{postcode}:{view.dob}"


def _district_street_number(view: RecordView) -> Iterator[str]:
    for address in view.features.get("a", ()):
        if address[0] and address[2] and address[3]:
            name, kind = street_name(address[3])
            if len(name) > 1:
                house = _flat_and_number(address[1], address[2])
                yield f"{postcode_district(address[0])}:{house}:{name[:4]}:{kind}"


def _town_street_number(view: RecordView) -> Iterator[str]:
    """The town with the flat, house number and street: the only address key that reaches a record whose
    system kept no postcode (an older system, a form that left it blank) from one that did."""
    for address in view.features.get("a", ()):
        if address[4] and address[2] and address[3]:
            name, kind = street_name(address[3])
            if len(name) > 1:
                yield f"{address[4]}:{_flat_and_number(address[1], address[2])}:{name[:4]}:{kind}"


def _postcode_street(view: RecordView) -> Iterator[str]:
    for address in view.features.get("a", ()):
        if address[0] and not address[2] and address[3]:
            name, _kind = street_name(address[3])
            if len(name) > 1:
                yield f"{address[0]}:{address[1]}:{name[:4]}"


def _uprn_initial(view: RecordView) -> Iterator[str]:
    initial = view.given[:1]
    for uprn in view.features.get("u", ()):
        yield f"{uprn}:{initial}"


def _plain(short: str) -> Callable[[RecordView], Iterator[str]]:
    def values(view: RecordView) -> Iterator[str]:
        yield from view.features.get(short, ())

    return values


RULES: tuple[BlockingRule, ...] = (
    BlockingRule("n", "same NI number", _strong("n")),
    BlockingRule("h", "same NHS number", _strong("h")),
    BlockingRule("i", "same identifier in any other scheme", _identifiers),
    BlockingRule("fd", "family name sounds alike, same date of birth", _family_dob),
    BlockingRule("gd", "first name sounds alike, same date of birth", _given_dob),
    BlockingRule("ny", "both names sound alike (either order), same year of birth", _names_year),
    BlockingRule("nn", "both names sound alike (either order), no postcode or UPRN", _names_no_address),
    BlockingRule(
        "pg",
        "same postcode, first name begins with the same two letters",
        _postcode_first_letters,
        widen=_to_initial,
    ),
    BlockingRule("pf", "same postcode, family name sounds alike", _postcode_family),
    BlockingRule("pn", "same postcode, flat and house number", _postcode_number),
    BlockingRule("pd", "same postcode, same date of birth", _postcode_dob),
    BlockingRule("sn", "same postcode district, flat and house number, street", _district_street_number),
    BlockingRule("tn", "same town, flat and house number, street", _town_street_number),
    BlockingRule("ps", "same postcode, flat and street, no house number", _postcode_street),
    BlockingRule("u", "same UPRN, same first initial", _uprn_initial),
    BlockingRule("p", "same phone number", _plain("p")),
    BlockingRule("e", "same e-mail address", _plain("e")),
)
"""The default blocking rules."""


def blocking_keys(features: Features, rules: tuple[BlockingRule, ...] = RULES) -> tuple[str, ...]:
    """Every blocking key of one record, sorted and without duplicates."""
    view = RecordView(features)
    return tuple(sorted({f"{rule.prefix}:{value}" for rule in rules for value in rule.values(view)}))
