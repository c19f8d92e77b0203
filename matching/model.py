"""Value objects shared by the engine, the re-clusterer and the stores that implement its ports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts import PersonRecord


@dataclass(frozen=True, slots=True)
class Prepared:
    """A source record after standardisation: what the engine compares, and its blocking keys.

    ``features`` is JSON-serialisable so that a store can keep it beside the record and never
    standardise a candidate twice.
    """

    key: str
    blocking_keys: tuple[str, ...]
    features: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The evidence for one pair: per-field levels and weights, the total, and a sentence for people."""

    weight: float
    levels: Mapping[str, str] = field(default_factory=dict)
    field_weights: Mapping[str, float] = field(default_factory=dict)
    summary: str = ""
    apart: bool = False
    """Whether the pair's conflicts say two people (dates of birth far apart, say): the engine's
    ``apart`` weight is what clustering reads for it (see :class:`~matching.ports.MatchEngine`)."""


@dataclass(frozen=True, slots=True)
class Edge:
    """A scored candidate pair at or above the review threshold; ``a`` < ``b`` always."""

    a: str
    b: str
    weight: float
    levels: Mapping[str, str] = field(default_factory=dict)
    field_weights: Mapping[str, float] = field(default_factory=dict)
    summary: str = ""

    @staticmethod
    def of(x: str, y: str, comparison: Comparison) -> Edge:
        a, b = (x, y) if x < y else (y, x)
        return Edge(a, b, comparison.weight, comparison.levels, comparison.field_weights, comparison.summary)


@dataclass(frozen=True, slots=True)
class Constraints:
    """Supervisors' decisions: pairs of source keys that must, or must never, be one citizen."""

    must_link: frozenset[tuple[str, str]] = frozenset()
    cannot_link: frozenset[tuple[str, str]] = frozenset()

    def restricted_to(self, nodes: set[str]) -> Constraints:
        return Constraints(
            frozenset(p for p in self.must_link if p[0] in nodes and p[1] in nodes),
            frozenset(p for p in self.cannot_link if p[0] in nodes and p[1] in nodes),
        )


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Total match weight at or above ``link`` joins records; at or above ``review`` asks a person."""

    link: float
    review: float


@dataclass(slots=True)
class CitizenPlan:
    """One citizen after re-clustering: its id, its members, and why each member is in it."""

    citizen_id: str
    members: list[str]
    is_new: bool
    previous_ids: list[str]
    membership_changed: bool
    reasons: dict[str, Edge | None] = field(default_factory=dict)


@dataclass(slots=True)
class ReclusterPlan:
    """Everything a batch changed in a neighbourhood: the store applies it in one transaction."""

    citizens: list[CitizenPlan] = field(default_factory=list)
    retired: dict[str, str] = field(default_factory=dict)
    """Retired citizen id -> the survivor its id now resolves to."""
    merges: list[tuple[str, list[str]]] = field(default_factory=list)
    """(survivor id, retired ids) for each merge."""
    splits: list[tuple[str, list[str]]] = field(default_factory=list)
    """(citizen id that lost members, ids of the citizens the members went to) for each split."""
    reviews: list[Edge] = field(default_factory=list)
    """Pairs in the review band that ended up in different citizens."""
    removed: list[str] = field(default_factory=list)
    """Source keys deleted by this batch (no longer members of anything)."""
    touched_records: set[str] = field(default_factory=set)
    """Source keys whose own content changed in this batch."""

    def changed_citizens(self) -> list[CitizenPlan]:
        """Citizens whose members, or a member's content, changed. The others in the neighbourhood keep
        their members, their links and (survivorship being a function of the members) their golden
        record."""
        return [
            c
            for c in self.citizens
            if c.membership_changed or any(k in self.touched_records for k in c.members)
        ]


@dataclass(frozen=True, slots=True)
class RecordChange:
    """An upsert or a deletion (``record`` and ``prepared`` both None) of one source record.

    An upsert carries the record, or the record already ``prepared`` by the engine that matches it (a
    caller that had to prepare every record first, to estimate parameters, need not keep them all).
    """

    key: str
    record: PersonRecord | None
    prepared: Prepared | None = None

    @property
    def deletes(self) -> bool:
        return self.record is None and self.prepared is None
