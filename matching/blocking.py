"""Blocking rules: each a small named object turning a record's features into index keys.

Two records become candidates when they share a key. The keys are chosen to be selective, so that the
number of candidates per record does not grow with the population: strong identifiers; phonetic family
name or first name with the full date of birth; both names (in either order) with the year of birth;
postcode with the first initial, the phonetic family name, the house number or the date of
birth; UPRN with the first initial; phone; e-mail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from matching.names import phonetic

Features = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class BlockingRule:
    """A named rule: ``keys(features)`` yields the values; the rule's prefix keeps rules apart."""

    prefix: str
    description: str
    values: Callable[[Features], Iterator[str]]

    def keys(self, features: Features) -> Iterator[str]:
        for value in self.values(features):
            yield f"{self.prefix}:{value}"


def _dob(features: Features) -> str | None:
    dob = features.get("d")
    if not dob or dob[1] is None or dob[2] is None:
        return None
    return f"{dob[0]}-{dob[1]}-{dob[2]}"


def _families(features: Features) -> list[str]:
    family = features.get("f", "")
    names = [family.replace(" ", "")] if family else []
    if family and " " in family:
        names.extend(family.split())
    names.extend(other.replace(" ", "") for other in features.get("fo", ()))
    return [n for n in dict.fromkeys(names) if len(n) > 1]


def _strong(short: str) -> Callable[[Features], Iterator[str]]:
    def values(features: Features) -> Iterator[str]:
        for value in features.get(short, ()):
            if len(value) >= 8:
                yield value

    return values


def _identifiers(features: Features) -> Iterator[str]:
    yield from features.get("i", ())


def _family_dob(features: Features) -> Iterator[str]:
    dob = _dob(features)
    if dob:
        for family in _families(features):
            yield f"{phonetic(family)}:{dob}"


def _given_dob(features: Features) -> Iterator[str]:
    dob, given = _dob(features), features.get("g")
    if dob and given:
        yield f"{phonetic(given)}:{dob}"


def _names_year(features: Features) -> Iterator[str]:
    dob, given, family = features.get("d"), features.get("g"), features.get("f")
    if dob and given and family:
        first, second = sorted((phonetic(given), phonetic(family.replace(" ", ""))))
        yield f"{first}:{second}:{dob[0]}"


def _postcodes(features: Features) -> list[str]:
    return list(dict.fromkeys(a[0] for a in features.get("a", ()) if a[0]))


def _postcode_initial(features: Features) -> Iterator[str]:
    given = features.get("g")
    if given:
        for postcode in _postcodes(features):
            yield f"{postcode}:{given[0]}"


def _postcode_family(features: Features) -> Iterator[str]:
    families = _families(features)[:2]
    for postcode in _postcodes(features):
        for family in families:
            yield f"{postcode}:{phonetic(family)}"


def _postcode_number(features: Features) -> Iterator[str]:
    for address in features.get("a", ()):
        if address[0] and address[2]:
            yield f"{address[0]}:{address[1]}:{address[2]}"


def _postcode_dob(features: Features) -> Iterator[str]:
    dob = _dob(features)
    if dob:
        for postcode in _postcodes(features):
            yield f"{postcode}:{dob}"


def _uprn_initial(features: Features) -> Iterator[str]:
    initial = features.get("g", "")[:1]
    for uprn in features.get("u", ()):
        yield f"{uprn}:{initial}"


def _plain(short: str) -> Callable[[Features], Iterator[str]]:
    def values(features: Features) -> Iterator[str]:
        yield from features.get(short, ())

    return values


RULES: tuple[BlockingRule, ...] = (
    BlockingRule("n", "same NI number", _strong("n")),
    BlockingRule("h", "same NHS number", _strong("h")),
    BlockingRule("i", "same identifier in any other scheme", _identifiers),
    BlockingRule("fd", "family name sounds alike, same date of birth", _family_dob),
    BlockingRule("gd", "first name sounds alike, same date of birth", _given_dob),
    BlockingRule("ny", "both names sound alike (either order), same year of birth", _names_year),
    BlockingRule("pg", "same postcode, same first initial", _postcode_initial),
    BlockingRule("pf", "same postcode, family name sounds alike", _postcode_family),
    BlockingRule("pn", "same postcode, flat and house number", _postcode_number),
    BlockingRule("pd", "same postcode, same date of birth", _postcode_dob),
    BlockingRule("u", "same UPRN, same first initial", _uprn_initial),
    BlockingRule("p", "same phone number", _plain("p")),
    BlockingRule("e", "same e-mail address", _plain("e")),
)
"""The default blocking rules."""


def blocking_keys(features: Features, rules: tuple[BlockingRule, ...] = RULES) -> tuple[str, ...]:
    """Every blocking key of one record, sorted and without duplicates."""
    return tuple(sorted({key for rule in rules for key in rule.keys(features)}))
