"""Fellegi-Sunter scoring of one pair: personal evidence, household evidence counted once, conflicts.

Split from :mod:`matching.engine` so that the hot loop reads as one small function. Personal fields
(names, date of birth, NI and NHS numbers, e-mail) are scored first; when they already decide that the
pair cannot reach a given floor (two conflicts, or one conflict without strong support), the household
fields are not looked at: most candidate pairs are members of one household, and this screen is what
keeps the cost per record low.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from matching.comparators import Comparator, jaro_winkler
from matching.params import Params, log2_ratio

Features = Mapping[str, Any]


@dataclass(slots=True)
class Score:
    """The evidence for one pair before it becomes a :class:`~matching.model.Comparison`."""

    total: float
    levels: dict[str, str] = field(default_factory=dict)
    field_weights: dict[str, float] = field(default_factory=dict)
    capped_by: list[str] = field(default_factory=list)
    swapped: bool = False
    complete: bool = True
    """False when the screen stopped early: ``total`` is then an upper bound below the floor."""


class Scorer:
    """Scores pairs of feature dicts with one parameter set.

    Args:
        params: the parameter set.
        comparators: the comparators, in explanation order.
        conflict_cap: the most a pair with one well-supported conflict can weigh (inside the review band).
        below_review: the most a pair with an unsupported conflict, or two conflicts, can weigh.
    """

    def __init__(
        self, params: Params, comparators: tuple[Comparator, ...], conflict_cap: float, below_review: float
    ) -> None:
        self.params = params
        self.conflict_cap = conflict_cap
        self.below_review = below_review
        weights = params.weights
        shared = params.household
        self._personal = tuple((c, weights[c.name]) for c in comparators if c.name not in shared)
        self._household_fields = tuple((c, weights[c.name]) for c in comparators if c.name in shared)
        self._household_best = max(
            (max(weights[c.name].values()) for c in comparators if c.name in shared), default=0.0
        )
        self._tf_exact_m = {
            c.name: params.levels[c.name]["exact"][0] for c in comparators if c.term_frequency
        }

    def score(self, a: Features, b: Features, floor: float | None = None) -> Score:
        """Score ``a`` against ``b`` (the caller orders them, so that scoring is symmetric).

        Args:
            a: features of the record with the smaller key.
            b: features of the other.
            floor: when set, stop as soon as the pair provably weighs less than this; the result is then
                incomplete (no household levels) and its total an upper bound.
        """
        swapped = _swapped(a, b)
        if swapped:
            b = {**b, "g": b["f"].split()[0], "f": b["g"]}
        levels: dict[str, str] = {}
        field_weights: dict[str, float] = {}
        total = self.params.prior
        support = 0.0
        conflicts: list[str] = []
        overridden = False
        conflict_weight = self.params.conflict_weight
        for comparator, weights in self._personal:
            name = comparator.name
            level = comparator.level(a, b)
            if level == "missing":
                if name != "generation":
                    levels[name] = level
                continue
            if level == "exact" and comparator.term_frequency:
                weight = self._tf_weight(comparator, a[comparator.term_frequency])
            else:
                weight = weights[level]
            levels[name] = level
            field_weights[name] = weight
            total += weight
            if level in comparator.conflicts and weight <= conflict_weight:
                conflicts.append(comparator.label)
            elif weight > 0.0:
                support += weight
            if level in comparator.overrides:
                overridden = True
        cap = None
        if conflicts and not overridden:
            strong = len(conflicts) == 1 and support >= self.params.conflict_review_support
            cap = self.conflict_cap if strong else self.below_review
        if floor is not None:
            bound = total + self._household_best
            if cap is not None and cap < bound:
                bound = cap
            if bound < floor:
                return Score(bound, levels, field_weights, swapped=swapped, complete=False)
        total += self._score_household(a, b, levels, field_weights)
        capped: list[str] = []
        if cap is not None and total > cap:
            total = cap
            capped = conflicts
        return Score(total, levels, field_weights, capped, swapped)

    def _score_household(
        self, a: Features, b: Features, levels: dict[str, str], weights: dict[str, float]
    ) -> float:
        """Household fields: the strongest agreement counts, the others show zero; disagreements add."""
        best = ""
        counted = 0.0
        for comparator, table in self._household_fields:
            name = comparator.name
            level = comparator.level(a, b)
            levels[name] = level
            if level == "missing":
                continue
            weight = table[level]
            if weight <= 0.0:
                weights[name] = weight
                counted += weight
            elif not best or weight > weights[best]:
                if best:
                    counted -= weights[best]
                    weights[best] = 0.0
                best = name
                weights[name] = weight
                counted += weight
            else:
                weights[name] = 0.0
        return counted

    def _tf_weight(self, comparator: Comparator, value: str) -> float:
        feature = comparator.term_frequency
        table = self.params.term_frequencies.get(feature, {})
        u = table.get(value.replace(" ", ""))
        if u is None:
            u = self.params.term_frequency_floor.get(feature, self.params.levels[comparator.name]["exact"][1])
        return log2_ratio(self._tf_exact_m[comparator.name], u)


def _swapped(a: Features, b: Features) -> bool:
    """Whether ``b``'s first name and surname look given the wrong way round relative to ``a``'s."""
    ga, fa, gb, fb = a.get("g"), a.get("f"), b.get("g"), b.get("f")
    if not ga or not fa or not gb or not fb or ga == gb or fa == fb:
        return False
    fa, fb = fa.replace(" ", ""), fb.replace(" ", "")
    if ga == fb and fa == gb:
        return True
    cross = jaro_winkler(ga, fb) + jaro_winkler(fa, gb)
    direct = jaro_winkler(ga, gb) + jaro_winkler(fa, fb)
    if ga == fb or fa == gb:
        return cross > direct + 0.3
    return cross >= 1.84 and cross > direct + 0.3
