"""The probabilistic matching engine: standardise, block, compare, score (Fellegi-Sunter with
term-frequency adjustment), decide and cluster. Implements :class:`matching.ports.MatchEngine`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from contracts import PersonRecord
from matching.blocking import RULES, BlockingRule, blocking_keys
from matching.clustering import cluster_average_linkage
from matching.comparators import COMPARATORS, MISSING, Comparator
from matching.explain import summarise
from matching.model import Comparison, Constraints, Edge, Prepared, Thresholds
from matching.params import Params, default_params
from matching.scoring import Score, Scorer
from matching.standardise import features_of

Features = Mapping[str, Any]

DEFAULT_MAX_BLOCK_SIZE = 400
"""Blocking keys held by more records than this are skipped (a hub-wide common value says little)."""

_MAX_CACHED_SUMMARIES = 65536
"""Explanation sentences remembered per engine (one per combination of levels; cleared when full)."""


class FellegiSunterEngine:
    """Scores candidate pairs with Fellegi-Sunter match weights (log2 Bayes factors plus a prior).

    ``Comparison.weight`` is the posterior log2 odds that the two records are one person. At or above
    ``thresholds.link`` they are linked; at or above ``thresholds.review`` a person is asked; below, they
    stay apart. A conflict (different first names, different dates of birth, Jr against Sr, titles that
    say a man and a woman) caps the weight halfway between the two thresholds unless the same NI or NHS
    number says they are one person: that is what keeps twins, and a father and son of one name at one
    address, apart. A disagreement only counts as a conflict when its weight is at most
    ``params.conflict_weight``: where the data show that one person's records often disagree on a field
    (as trained parameters may), it is mere evidence.

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
        self.apart = review - 2.0
        self._scorer = Scorer(self.params, comparators, self.conflict_cap, review, self.apart, link)
        self._decisive = tuple(c.name for c in comparators if c.conflicts and not c.usually_missing)
        self._summaries: dict[
            tuple[tuple[tuple[str, str], ...], bool, tuple[str, ...], bool, bool, str], str
        ] = {}

    def prepare(self, record: PersonRecord) -> Prepared:
        """Standardise one record and compute its blocking keys (a placeholder date of birth, NI or NHS
        number, e-mail address or phone number is left out, as if the record had none)."""
        return self.prepare_features(record.source_key, features_of(record))

    def prepare_features(self, key: str, features: Mapping[str, Any]) -> Prepared:
        """:meth:`prepare` from a record's standardised features (placeholders are left out again: a
        record prepared under parameters that knew fewer placeholders is prepared anew this way)."""
        features = self.params.without_placeholders(features)
        return Prepared(key=key, blocking_keys=blocking_keys(features, self.rules), features=features)

    def compare_many(self, record: Prepared, candidates: Sequence[Prepared]) -> list[Comparison]:
        """Compare one record with many candidates, in the order given.

        Only pairs at or above the review threshold are stored, so only they get their full evidence and
        sentence. A pair that provably weighs less (two conflicts, or one conflict without strong support)
        is returned as soon as that is known, with an upper bound of its weight (below the review
        threshold) and only the levels scored so far: :meth:`compare` gives any pair in full.
        """
        review = self.thresholds.review
        score = self._scorer.score
        explained = self._comparison
        key = record.key
        mine = record.features
        results: list[Comparison] = []
        system = key.partition("/")[0]
        for candidate in candidates:
            other = candidate.key
            one_system = other.startswith(system) and other.partition("/")[0] == system
            if key <= other:
                result = score(mine, candidate.features, review, one_system)
            else:
                result = score(candidate.features, mine, review, one_system)
            if result.total >= review:
                results.append(explained(result, explain=True))
            else:
                results.append(
                    Comparison(
                        round(result.total, 4), result.levels, result.field_weights, apart=result.apart
                    )
                )
        return results

    def compare(self, left: Prepared, right: Prepared, *, explain_below: float | None = None) -> Comparison:
        """Compare two prepared records in full. Symmetric: ``compare(a, b) == compare(b, a)``.

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
        result = self._scorer.score(
            a, b, one_system=left.key.partition("/")[0] == right.key.partition("/")[0]
        )
        return self._comparison(result, explain=explain_below is None or result.total >= explain_below)

    def _comparison(self, result: Score, *, explain: bool) -> Comparison:
        weight = round(result.total, 4)
        if not explain:
            return Comparison(weight, result.levels, result.field_weights, apart=result.apart)
        # The sentence is a function of the levels, the swap and what capped the weight: few combinations.
        key = (
            tuple(result.levels.items()),
            result.swapped,
            result.capped_by,
            result.names_alone,
            result.other_middles,
            result.held,
        )
        summary = self._summaries.get(key)
        if summary is None:
            summary = summarise(
                self.comparators,
                result.levels,
                swapped=result.swapped,
                capped_by=result.capped_by,
                names_alone=result.names_alone,
                other_middles=result.other_middles,
                held=result.held,
            )
            if len(self._summaries) >= _MAX_CACHED_SUMMARIES:
                self._summaries.clear()
            self._summaries[key] = summary
        return Comparison(weight, result.levels, result.field_weights, summary, result.apart)

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
        """Average-linkage clustering (see :func:`matching.clustering.cluster_average_linkage`): a capped
        conflict keeps two clusters apart unless more links between records holding a first name and a
        date of birth join them."""
        return cluster_average_linkage(
            nodes,
            edges,
            constraints,
            link_threshold=self.thresholds.link,
            absent=self.thresholds.review,
            vetoes=(round(self.conflict_cap, 4), round(self.apart, 4)),
            informed=self._informed,
        )

    def _informed(self, edge: Edge) -> bool:
        """Whether both records of a link hold every field a conflict is read on (first name, date of
        birth), so that the link could have shown one."""
        levels = edge.levels
        return all(levels.get(name, MISSING) != MISSING for name in self._decisive)
