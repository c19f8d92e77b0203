"""The probabilistic matching engine: standardise, block, compare, score (Fellegi-Sunter with
term-frequency adjustment), decide and cluster. Implements :class:`matching.ports.MatchEngine`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from contracts import PersonRecord
from matching.blocking import RULES, BlockingRule, blocking_keys
from matching.clustering import cluster_average_linkage
from matching.comparators import COMPARATORS, Comparator, jaro_winkler
from matching.explain import summarise
from matching.model import Comparison, Constraints, Edge, Prepared, Thresholds
from matching.params import Params, default_params, log2_ratio
from matching.standardise import features_of

Features = Mapping[str, Any]

DEFAULT_MAX_BLOCK_SIZE = 400
"""Blocking keys held by more records than this are skipped (a hub-wide common value says little)."""


class FellegiSunterEngine:
    """Scores candidate pairs with Fellegi-Sunter match weights (log2 Bayes factors plus a prior).

    ``Comparison.weight`` is the posterior log2 odds that the two records are one person. At or above
    ``thresholds.link`` they are linked; at or above ``thresholds.review`` a person is asked; below, they
    stay apart. A conflict (different first names, different dates of birth, Jr against Sr) caps the
    weight halfway between the two thresholds unless the same NI or NHS number says they are one person:
    that is what keeps twins, and a father and son of one name at one address, apart. A disagreement only
    counts as a conflict when its weight is at most ``params.conflict_weight``: where the data show that
    one person's records often disagree on a field (as trained parameters may), it is mere evidence.

    Args:
        params: m/u parameters, prior, thresholds and term frequencies (default: the shipped set).
        link_threshold: overrides ``params.link``.
        review_threshold: overrides ``params.review``.
        max_block_size: blocking keys held by more records than this are not used.
        comparators: the field comparators (default :data:`matching.comparators.COMPARATORS`).
        rules: the blocking rules (default :data:`matching.blocking.RULES`).
    """

    def __init__(
        self,
        params: Params | None = None,
        *,
        link_threshold: float | None = None,
        review_threshold: float | None = None,
        max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
        comparators: tuple[Comparator, ...] = COMPARATORS,
        rules: tuple[BlockingRule, ...] = RULES,
    ) -> None:
        self.params = params or default_params()
        link = self.params.link if link_threshold is None else link_threshold
        review = self.params.review if review_threshold is None else review_threshold
        if review > link:
            raise ValueError("the review threshold must not be above the link threshold")
        self.thresholds = Thresholds(link=link, review=review)
        self.max_block_size = max_block_size
        self.comparators = comparators
        self.rules = rules
        self.conflict_cap = (link + review) / 2.0
        self._weights = self.params.weights
        self._plan = tuple((c, self.params.weights[c.name]) for c in comparators)
        self._tf_exact_m = {
            c.name: self.params.levels[c.name]["exact"][0] for c in comparators if c.term_frequency
        }

    def prepare(self, record: PersonRecord) -> Prepared:
        """Standardise one record and compute its blocking keys."""
        features = features_of(record)
        return Prepared(
            key=record.source_key, blocking_keys=blocking_keys(features, self.rules), features=features
        )

    def compare_many(self, record: Prepared, candidates: Sequence[Prepared]) -> list[Comparison]:
        """Compare one record with many candidates, in the order given.

        Levels and weights are always filled in; the sentence only for pairs at or above the review
        threshold (the only ones stored): :meth:`compare` gives it for any pair.
        """
        review = self.thresholds.review
        return [self.compare(record, candidate, explain_below=review) for candidate in candidates]

    def compare(self, left: Prepared, right: Prepared, *, explain_below: float | None = None) -> Comparison:
        """Compare two prepared records. Symmetric: ``compare(a, b) == compare(b, a)``.

        Household evidence (address, landline, shared account references: comparators marked
        ``household``) counts once: the strongest agreement among them, plus any disagreements. A conflict
        (different first names, dates of birth, Jr/Sr) keeps the pair from linking unless an NI or NHS
        number agrees; with one conflict a person is asked only when the other *personal* fields agree
        strongly (``params.conflict_review_support``), otherwise the two are relatives, not one person.

        Args:
            left: one prepared record.
            right: the other.
            explain_below: when set, pairs whose weight is below it get no summary sentence (saves time).
        """
        a, b = (left.features, right.features) if left.key <= right.key else (right.features, left.features)
        swapped = _swapped(a, b)
        if swapped:
            b = {**b, "g": b["f"].split()[0], "f": b["g"]}
        levels: dict[str, str] = {}
        field_weights: dict[str, float] = {}
        total = self.params.prior
        support = 0.0
        best_household = ""
        conflicts: list[Comparator] = []
        overridden = False
        conflict_weight = self.params.conflict_weight
        for comparator, weights in self._plan:
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
            if comparator.household and weight > 0.0:
                # Only the strongest household agreement counts; the others are shown at zero.
                if not best_household or weight > field_weights[best_household]:
                    if best_household:
                        total -= field_weights[best_household]
                        field_weights[best_household] = 0.0
                    best_household = name
                    total += weight
                    field_weights[name] = weight
                else:
                    field_weights[name] = 0.0
                continue
            field_weights[name] = weight
            total += weight
            if level in comparator.conflicts and weight <= conflict_weight:
                conflicts.append(comparator)
            elif not comparator.household and weight > 0.0:
                support += weight
            if level in comparator.overrides:
                overridden = True
        capped: list[str] = []
        if conflicts and not overridden:
            strong = len(conflicts) == 1 and support >= self.params.conflict_review_support
            cap = self.conflict_cap if strong else self.thresholds.review - 1.0
            if total > cap:
                total = cap
                capped = [c.label for c in conflicts]
        if explain_below is not None and total < explain_below:
            return Comparison(weight=round(total, 4), levels=levels, field_weights=field_weights)
        summary = summarise(self.comparators, levels, swapped=swapped, capped_by=capped)
        return Comparison(weight=round(total, 4), levels=levels, field_weights=field_weights, summary=summary)

    def _tf_weight(self, comparator: Comparator, value: str) -> float:
        feature = comparator.term_frequency
        table = self.params.term_frequencies.get(feature, {})
        u = table.get(value.replace(" ", ""))
        if u is None:
            u = self.params.term_frequency_floor.get(feature, self.params.levels[comparator.name]["exact"][1])
        return log2_ratio(self._tf_exact_m[comparator.name], u)

    def probability(self, weight: float) -> float:
        """The match probability of a total weight (posterior log2 odds)."""
        return 1.0 / (1.0 + math.pow(2.0, -weight))

    def decide(self, comparison: Comparison) -> str:
        """``link``, ``review`` or ``new`` for one compared pair."""
        if comparison.weight >= self.thresholds.link:
            return "link"
        if comparison.weight >= self.thresholds.review:
            return "review"
        return "new"

    def cluster(
        self, nodes: Sequence[str], edges: Sequence[Edge], constraints: Constraints
    ) -> list[list[str]]:
        """Average-linkage clustering (see :func:`matching.clustering.cluster_average_linkage`)."""
        return cluster_average_linkage(
            nodes,
            edges,
            constraints,
            link_threshold=self.thresholds.link,
            absent=self.thresholds.review,
            veto=round(self.conflict_cap, 4),
        )


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
