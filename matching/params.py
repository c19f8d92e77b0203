"""Match parameters: m and u per comparison level, turned into Fellegi-Sunter weights.

A parameter set is a plain JSON-shaped dict (see :data:`matching.defaults.DEFAULT_PARAMS`), so the hub
can read it from a file and the engine never does I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from matching.comparators import COMPARATORS, Comparator
from matching.defaults import DEFAULT_PARAMS
from matching.names import email_surnames
from matching.standardise import nino_stem

_FLOOR = 1e-9


class ParamsError(ValueError):
    """A parameter set that is not shaped as the engine expects."""


def log2_ratio(m: float, u: float) -> float:
    """``log2(m / u)``, both clamped away from zero."""
    return math.log2(max(m, _FLOOR) / max(u, _FLOOR))


@dataclass(frozen=True, slots=True)
class Params:
    """Validated parameters and the weights derived from them."""

    prior: float
    link: float
    review: float
    levels: Mapping[str, Mapping[str, tuple[float, float]]]
    conflict_weight: float = -3.0
    """A conflict level counts as a conflict only when its weight is at most this."""
    conflict_review_support: float = 18.0
    """With one conflict, a person is asked only when the other personal fields agree with at least this
    much weight (about: same date of birth and surname); below it the pair is two people (relatives)."""
    names_alone_link: bool = False
    """Whether a pair that agrees on nothing but its names (no date of birth, identifier, e-mail or household
    field weighs for it: missing, or disagreeing) may link. Only where the name frequencies were counted on
    the data being matched, as training does; with the shipped tables of common UK names an unlisted name
    weighs as the rarest of names, and such pairs stay in the review band."""
    household: frozenset[str] = frozenset()
    """Comparators whose agreement members of one household share (counted once, strongest first)."""
    household_estimated: bool = False
    """Whether training read :attr:`household` off the data (a reference the data show each person holding
    alone, FEBRL's ``soc_sec_id``, is then no household's), rather than the comparators' declared reading,
    which takes every reference but NI and NHS numbers for a household's."""
    term_frequencies: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    term_frequency_floor: Mapping[str, float] = field(default_factory=dict)
    weights: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    placeholder_dates: frozenset[tuple[int, int, int]] = frozenset()
    """Full dates of birth read as no date at all: what a system writes when it does not know one
    (1900-01-01), or any date the training data show held by implausibly many records."""
    placeholder_days: frozenset[tuple[int, int]] = frozenset()
    """Days of the year, as (month, day), on which a date of birth is read as its year alone: what a system
    writes for a person whose year of birth alone it knows (1 January of that year, as for many
    asylum seekers and older registers). Found by training when far more records than chance are born on
    one day, across many years."""
    one_system_names: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Common names (per name feature) that one source system alone holds, where the data hold several:
    that system's spelling of a name the others write another way (a register kept in another script),
    never a name in its own right (see :meth:`~matching.scoring.Scorer._two_names`). Found by training."""
    first_name_sex: Mapping[str, str] = field(default_factory=dict)
    """First names (folded) that the data's titles say are a man's (``m``) or a woman's (``f``): nearly
    every record of the name with a title saying either says the same. Two such names of opposite sexes
    one slip apart (Paul and Paula, Daniel and Danielle: twins, a brother and sister) are two names. Found
    by training."""
    placeholder_values: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Standardised NI numbers (feature ``n``), NHS numbers (``h``), e-mail addresses (``e``) and phone
    numbers (``p``) read as none: what a system writes for "none given" (AA000000A,
    noemail@council.gov.uk), found by training among many families' records. NI numbers are held as the
    features hold them, without the suffix letter (AA000000)."""

    placeholder_addresses: frozenset[tuple[str, str, str, str]] = frozenset()
    """Addresses (postcode, flat, house number, street and locality words, as the features hold them) read
    as none: one that records of many different family names hold is no household's (a hostel, the
    council's own offices written for "not known", a block whose flat numbers a system dropped), and two
    namesakes there agree on nothing. Found by training."""

    def __post_init__(self) -> None:
        held = self.placeholder_values.get("n")
        if held and any(nino_stem(v) != v for v in held):
            stems = frozenset(nino_stem(v) for v in held)
            object.__setattr__(self, "placeholder_values", {**self.placeholder_values, "n": stems})

    @staticmethod
    def from_dict(data: Mapping[str, Any], comparators: tuple[Comparator, ...] = COMPARATORS) -> Params:
        """Read and check a parameter set (levels missing from ``data`` take the shipped defaults).

        Raises:
            ParamsError: when a value is not a probability or a section has the wrong shape.
        """
        try:
            thresholds = data.get("thresholds", DEFAULT_PARAMS["thresholds"])
            given_levels = data.get("levels", {})
            levels: dict[str, dict[str, tuple[float, float]]] = {}
            weights: dict[str, dict[str, float]] = {}
            for comparator in comparators:
                section = given_levels.get(comparator.name) or DEFAULT_PARAMS["levels"].get(
                    comparator.name, {}
                )
                levels[comparator.name] = {}
                weights[comparator.name] = {"missing": 0.0}
                for level in comparator.levels:
                    pair = section.get(level) or DEFAULT_PARAMS["levels"][comparator.name][level]
                    m, u = float(pair[0]), float(pair[1])
                    if not (0.0 <= m <= 1.0 and 0.0 <= u <= 1.0):
                        raise ParamsError(f"{comparator.name}.{level}: m and u must be probabilities")
                    levels[comparator.name][level] = (m, u)
                    neutral = level == "exact" and not comparator.agreement_weighs
                    weights[comparator.name][level] = 0.0 if neutral else log2_ratio(m, u)
            tf = {
                name: {str(k): float(v) for k, v in table.items()}
                for name, table in data.get("term_frequencies", DEFAULT_PARAMS["term_frequencies"]).items()
            }
            floor = {
                str(k): float(v)
                for k, v in data.get("term_frequency_floor", DEFAULT_PARAMS["term_frequency_floor"]).items()
            }
            placeholders = frozenset(
                _date_parts(str(text))
                for text in data.get(
                    "placeholder_dates_of_birth", DEFAULT_PARAMS["placeholder_dates_of_birth"]
                )
            )
            declared = [c.name for c in comparators if c.household]
            household = frozenset(str(h) for h in data.get("household", declared))
            return Params(
                household=household,
                household_estimated=bool(data.get("household_estimated", False)),
                prior=float(data.get("prior", DEFAULT_PARAMS["prior"])),
                conflict_weight=float(data.get("conflict_weight", DEFAULT_PARAMS["conflict_weight"])),
                names_alone_link=bool(data.get("names_alone_link", DEFAULT_PARAMS["names_alone_link"])),
                conflict_review_support=float(
                    data.get("conflict_review_support", DEFAULT_PARAMS["conflict_review_support"])
                ),
                link=float(thresholds["link"]),
                review=float(thresholds["review"]),
                levels=levels,
                term_frequencies=tf,
                term_frequency_floor=floor,
                first_name_sex={
                    str(k): str(v) for k, v in data.get("first_name_sex", {}).items() if v in ("m", "f")
                },
                one_system_names={
                    str(feature): frozenset(str(v) for v in names)
                    for feature, names in data.get("one_system_names", {}).items()
                    if names
                },
                weights=weights,
                placeholder_dates=placeholders,
                placeholder_days=frozenset(
                    _day_parts(str(text)) for text in data.get("placeholder_days_of_birth", ())
                ),
                placeholder_values={
                    str(feature): frozenset(str(v) for v in values)
                    for feature, values in data.get(
                        "placeholder_values", DEFAULT_PARAMS["placeholder_values"]
                    ).items()
                    if values
                },
                placeholder_addresses=frozenset(
                    _address_parts(parts) for parts in data.get("placeholder_addresses", ())
                ),
            )
        except (KeyError, TypeError, IndexError, AttributeError) as error:
            raise ParamsError(f"match parameters are malformed: {error!r}") from error

    def without_placeholders(self, features: Mapping[str, Any]) -> Mapping[str, Any]:
        """``features`` with any placeholder date of birth or value left out: the same mapping when it
        holds none (most records), a new dict otherwise."""
        date = features.get("d")
        drop_date = date is not None and tuple(date) in self.placeholder_dates
        year_only = bool(self.placeholder_days) and not drop_date and _on_a_day(date, self.placeholder_days)
        values = self.placeholder_values
        nowhere = self.placeholder_addresses
        drop_address = bool(nowhere) and any(tuple(a[:4]) in nowhere for a in features.get("a", ()))
        if (
            not drop_date
            and not year_only
            and not drop_address
            and (not values or all(v.isdisjoint(features.get(f, ())) for f, v in values.items()))
        ):
            return features
        clean = {k: v for k, v in features.items() if k != "d" or not drop_date}
        if year_only and date is not None:
            clean["d"] = (date[0], None, None)
        if drop_address:
            kept = tuple(a for a in features["a"] if tuple(a[:4]) not in nowhere)
            if kept:
                clean["a"] = kept
            else:
                del clean["a"]
        for feature, placeholders in values.items():
            held = tuple(v for v in clean.get(feature, ()) if v not in placeholders)
            if held:
                clean[feature] = held
            else:
                clean.pop(feature, None)
        if "fe" in clean and clean.get("e") != features.get("e"):
            # The surnames a placeholder e-mail address seemed to name (noemail@: "oemail" for Nina) go too.
            named = email_surnames(
                clean.get("e", ()), clean.get("g", ""), clean.get("m", ""), clean.get("f", "")
            )
            if named:
                clean["fe"] = named
            else:
                del clean["fe"]
        return clean

    def to_dict(self) -> dict[str, Any]:
        """The JSON-shaped form, as ``citizen-hub match train`` writes it."""
        return {
            "version": 1,
            "prior": self.prior,
            "conflict_weight": self.conflict_weight,
            "conflict_review_support": self.conflict_review_support,
            "names_alone_link": self.names_alone_link,
            "thresholds": {"link": self.link, "review": self.review},
            "household": sorted(self.household),
            "household_estimated": self.household_estimated,
            "levels": {name: {lv: list(mu) for lv, mu in lvls.items()} for name, lvls in self.levels.items()},
            "term_frequencies": {name: dict(table) for name, table in self.term_frequencies.items()},
            "term_frequency_floor": dict(self.term_frequency_floor),
            "one_system_names": {f: sorted(v) for f, v in sorted(self.one_system_names.items())},
            "first_name_sex": dict(sorted(self.first_name_sex.items())),
            "placeholder_values": {f: sorted(v) for f, v in sorted(self.placeholder_values.items())},
            "placeholder_dates_of_birth": sorted(date_text(date) for date in self.placeholder_dates),
            "placeholder_days_of_birth": sorted(
                f"{month:02d}-{day:02d}" for month, day in self.placeholder_days
            ),
            "placeholder_addresses": [list(parts) for parts in sorted(self.placeholder_addresses)],
        }


def date_text(date: tuple[int, int, int]) -> str:
    """A (year, month, day) placeholder date as YYYY-MM-DD, as parameter files hold it."""
    year, month, day = date
    return f"{year:04d}-{month:02d}-{day:02d}"


def _address_parts(parts: Any) -> tuple[str, str, str, str]:
    """(postcode, flat, house number, street) of a placeholder address as parameter files hold it."""
    if isinstance(parts, str) or len(parts) != 4:
        raise ParamsError(f"placeholder address {parts!r} is not [postcode, flat, number, street]")
    postcode, flat, number, street = (str(p) for p in parts)
    return postcode, flat, number, street


def address_text(parts: tuple[str, str, str, str]) -> str:
    """A placeholder address as a person reads it: ``flat 2, 1 civic centre, M27 5AW``."""
    postcode, flat, number, street = parts
    house = " ".join(p for p in (number, street) if p)
    return ", ".join(p for p in (f"flat {flat}" if flat else "", house, postcode) if p)


def _on_a_day(date: Any, days: frozenset[tuple[int, int]]) -> bool:
    """Whether a full date of birth (year, month, day) falls on one of ``days`` ((month, day))."""
    return date is not None and date[1] is not None and date[2] is not None and (date[1], date[2]) in days


def _day_parts(text: str) -> tuple[int, int]:
    """(month, day) of an MM-DD day of the year."""
    parts = text.split("-")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise ParamsError(f"placeholder day of birth {text!r} is not MM-DD")
    return int(parts[0]), int(parts[1])


def _date_parts(text: str) -> tuple[int, int, int]:
    """(year, month, day) of a YYYY-MM-DD date."""
    parts = text.split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ParamsError(f"placeholder date of birth {text!r} is not YYYY-MM-DD")
    return int(parts[0]), int(parts[1]), int(parts[2])


def default_params() -> Params:
    """The shipped parameter set."""
    return Params.from_dict(DEFAULT_PARAMS)
