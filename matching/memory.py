"""An in-memory :class:`~matching.ports.MatchStore` for batch runs, benchmarks and tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from matching.model import Constraints, Edge, Prepared, ReclusterPlan


class MemoryStore:
    """Holds everything in dicts; one writer, so the locks are no-ops."""

    def __init__(self) -> None:
        self.prepared: dict[str, Prepared] = {}
        self.blocks: dict[str, set[str]] = defaultdict(set)
        self.edges: dict[str, dict[str, Edge]] = defaultdict(dict)
        self.citizen: dict[str, str] = {}
        self.members: dict[str, set[str]] = defaultdict(set)
        self.ages: dict[str, int] = {}
        self.retired: dict[str, str] = {}
        self.must_link: set[tuple[str, str]] = set()
        self.cannot_link: set[tuple[str, str]] = set()
        self.reviews: dict[tuple[str, str], Edge] = {}
        self.comparisons = 0
        self.versions: dict[str, int] = {}

    def lock_blocking_keys(self, keys: Sequence[str]) -> None:
        return None

    def lock_records(self, keys: Sequence[str]) -> None:
        return None

    def stored_blocking_keys(self, keys: Sequence[str]) -> set[str]:
        return {bk for k in keys if k in self.prepared for bk in self.prepared[k].blocking_keys}

    def put_prepared(self, records: Sequence[Prepared]) -> None:
        for record in records:
            old = self.prepared.get(record.key)
            if old is not None:
                for bk in old.blocking_keys:
                    self.blocks[bk].discard(record.key)
            self.prepared[record.key] = record
            self.versions[record.key] = self.versions.get(record.key, 0) + 1
            for bk in record.blocking_keys:
                self.blocks[bk].add(record.key)

    def remove(self, keys: Sequence[str]) -> None:
        for key in keys:
            old = self.prepared.pop(key, None)
            if old is not None:
                for bk in old.blocking_keys:
                    self.blocks[bk].discard(key)
        self.replace_edges(keys, [])

    def candidates(
        self, blocking_keys: Iterable[str], max_block_size: int, versions: dict[str, str] | None = None
    ) -> dict[str, list[Prepared]]:
        result: dict[str, list[Prepared]] = {}
        for bk in blocking_keys:
            holders = self.blocks.get(bk)
            if holders and len(holders) <= max_block_size:
                result[bk] = [self.prepared[k] for k in holders]
                if versions is None:
                    self.comparisons += len(holders)
                else:
                    versions.update((k, str(self.versions[k])) for k in holders)
        return result

    def holders(self, blocking_keys: Iterable[str], max_block_size: int) -> dict[str, dict[str, str]]:
        result: dict[str, dict[str, str]] = {}
        for bk in blocking_keys:
            holders = self.blocks.get(bk)
            if holders and len(holders) <= max_block_size:
                result[bk] = {k: str(self.versions[k]) for k in holders}
                self.comparisons += len(holders)
        return result

    def prepared_of(self, keys: Iterable[str]) -> dict[str, Prepared]:
        return {k: self.prepared[k] for k in keys if k in self.prepared}

    def replace_edges(self, keys: Sequence[str], edges: Sequence[Edge]) -> None:
        for key in keys:
            for other in list(self.edges.get(key, {})):
                self.edges[other].pop(key, None)
            self.edges.pop(key, None)
        for edge in edges:
            self.edges[edge.a][edge.b] = edge
            self.edges[edge.b][edge.a] = edge

    def edges_touching(self, keys: Iterable[str]) -> list[Edge]:
        found: dict[tuple[str, str], Edge] = {}
        for key in keys:
            for edge in self.edges.get(key, {}).values():
                found[(edge.a, edge.b)] = edge
        return list(found.values())

    def neighbourhood(self, seeds: Iterable[str], removed: set[str]) -> set[str]:
        linked: dict[str, set[str]] = defaultdict(set)
        for a, b in self.must_link:
            linked[a].add(b)
            linked[b].add(a)
        nodes = set(seeds) - removed
        frontier = list(nodes)
        while frontier:
            found: set[str] = set()
            for key in frontier:
                found.update(self.edges.get(key, ()))
                found.update(linked.get(key, ()))
                citizen = self.citizen.get(key)
                if citizen is not None:
                    found.update(self.members.get(citizen, ()))
            frontier = [k for k in found if k not in nodes and k not in removed]
            nodes.update(frontier)
        return nodes

    def citizens_of(self, keys: Iterable[str]) -> dict[str, str]:
        return {k: self.citizen[k] for k in keys if k in self.citizen}

    def members_of(self, citizen_ids: Iterable[str]) -> dict[str, list[str]]:
        return {c: sorted(self.members[c]) for c in citizen_ids if self.members.get(c)}

    def citizen_ages(self, citizen_ids: Iterable[str]) -> dict[str, int]:
        return {c: self.ages[c] for c in citizen_ids if c in self.ages}

    def constraints_for(self, keys: Iterable[str]) -> Constraints:
        wanted = set(keys)
        return Constraints(
            frozenset(p for p in self.must_link if p[0] in wanted or p[1] in wanted),
            frozenset(p for p in self.cannot_link if p[0] in wanted or p[1] in wanted),
        )

    def citizen_ids_taken(self, citizen_ids: Iterable[str]) -> set[str]:
        return {c for c in citizen_ids if c in self.ages}

    def apply(self, plan: ReclusterPlan) -> None:
        for key in plan.removed:
            old = self.citizen.pop(key, None)
            if old is not None:
                self.members[old].discard(key)
        for old_id, survivor in plan.retired.items():
            self.members.pop(old_id, None)
            self.retired[old_id] = survivor
        for citizen in plan.citizens:
            self.retired.pop(citizen.citizen_id, None)
            if citizen.citizen_id not in self.ages:
                self.ages[citizen.citizen_id] = len(self.ages)
            for key in citizen.members:
                previous = self.citizen.get(key)
                if previous is not None and previous != citizen.citizen_id:
                    self.members[previous].discard(key)
                self.citizen[key] = citizen.citizen_id
            self.members[citizen.citizen_id] = set(citizen.members)
        for edge in plan.reviews:
            self.reviews[(edge.a, edge.b)] = edge

    def resolve(self, citizen_id: str) -> str:
        """Follow retirements to the live citizen an old id now means ('' when none survives)."""
        seen = set()
        while citizen_id in self.retired and citizen_id not in seen:
            seen.add(citizen_id)
            citizen_id = self.retired[citizen_id]
        return citizen_id

    def partition(self) -> list[list[str]]:
        """The current citizens as sorted lists of source keys (for comparing runs)."""
        return sorted(sorted(m) for m in self.members.values() if m)
