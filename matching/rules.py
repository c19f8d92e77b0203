"""The first, deterministic matcher: same NINO or NHS number, or the same standardised family name,
given name, date of birth and postcode. Kept as a baseline beside the probabilistic engine."""

from __future__ import annotations

import re
from collections.abc import Sequence

from contracts import PersonRecord
from matching.clustering import cluster_by_links
from matching.model import Comparison, Constraints, Edge, Prepared, Thresholds
from matching.text import fold

_STRONG = ("nino", "nhs")
_NOT_LETTER = re.compile(r"[^a-z]+")


def simple_name(value: str | None) -> str:
    """Lower case ASCII letters only, as :func:`matching.text.fold` writes them (``Łukasz`` -> ``lukasz``,
    ``Петров`` -> ``petrov``), with digits, punctuation and spaces dropped."""
    if not value:
        return ""
    return _NOT_LETTER.sub("", fold(value))


class RulesEngine:
    """Exact rules; a pair either matches (weight 1) or does not (weight 0)."""

    thresholds = Thresholds(link=1.0, review=1.0)
    max_block_size = 1000

    def prepare(self, record: PersonRecord) -> Prepared:
        features: dict[str, str] = {}
        for scheme in _STRONG:
            values = record.valid_identifiers(scheme)
            if values:
                features[scheme] = values[0]
        dob = record.date_of_birth.as_date if record.date_of_birth else None
        postcode = next((a.postcode for a in record.addresses if a.postcode and not a.postcode_invalid), None)
        family, given = simple_name(record.name.family), simple_name(record.name.given)
        if family and given and dob and postcode:
            features["ngdp"] = f"{family}|{given}|{dob.isoformat()}|{postcode}"
        keys = tuple(f"{name}:{value}" for name, value in sorted(features.items()))
        return Prepared(key=record.source_key, blocking_keys=keys, features=features)

    def compare_many(self, record: Prepared, candidates: Sequence[Prepared]) -> list[Comparison]:
        return [self._compare(record, c) for c in candidates]

    def _compare(self, a: Prepared, b: Prepared) -> Comparison:
        agreed = [
            k for k in ("nino", "nhs", "ngdp") if k in a.features and a.features[k] == b.features.get(k)
        ]
        if not agreed:
            return Comparison(weight=0.0)
        words = {
            "nino": "same NI number",
            "nhs": "same NHS number",
            "ngdp": "same name, date of birth and postcode",
        }
        summary = "; ".join(words[k] for k in agreed)
        return Comparison(
            weight=1.0,
            levels=dict.fromkeys(agreed, "exact"),
            field_weights=dict.fromkeys(agreed, 1.0),
            summary=summary[0].upper() + summary[1:],
        )

    def cluster(
        self, nodes: Sequence[str], edges: Sequence[Edge], constraints: Constraints
    ) -> list[list[str]]:
        return cluster_by_links(nodes, edges, constraints, self.thresholds.link)
