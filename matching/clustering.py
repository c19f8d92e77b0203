"""Deterministic clustering of a neighbourhood under supervisors' constraints."""

from __future__ import annotations

from collections.abc import Sequence

from matching.model import Constraints, Edge


class _Partition:
    def __init__(self, nodes: Sequence[str]) -> None:
        self.parent = {n: n for n in nodes}
        self.members: dict[str, set[str]] = {n: {n} for n in nodes}

    def find(self, node: str) -> str:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self.parent[gone] = keep
        self.members[keep] |= self.members.pop(gone)

    def groups(self) -> list[list[str]]:
        return sorted(sorted(m) for m in self.members.values())


def _forbidden(partition: _Partition, a: str, b: str, cannot: dict[str, set[str]]) -> bool:
    left, right = partition.members[partition.find(a)], partition.members[partition.find(b)]
    small, big = (left, right) if len(left) <= len(right) else (right, left)
    return any(cannot.get(n, set()) & big for n in small)


def cluster_by_links(
    nodes: Sequence[str], edges: Sequence[Edge], constraints: Constraints, link_threshold: float
) -> list[list[str]]:
    """Single linkage over edges at or above ``link_threshold``, strongest first, never joining a
    cannot-link pair; must-link pairs are joined first. The result does not depend on input order."""
    partition = _Partition(sorted(nodes))
    cannot: dict[str, set[str]] = {}
    for a, b in constraints.cannot_link:
        cannot.setdefault(a, set()).add(b)
        cannot.setdefault(b, set()).add(a)
    for a, b in sorted(constraints.must_link):
        if a in partition.parent and b in partition.parent and not _forbidden(partition, a, b, cannot):
            partition.union(a, b)
    for edge in sorted(edges, key=lambda e: (-e.weight, e.a, e.b)):
        if edge.weight < link_threshold:
            break
        if not _forbidden(partition, edge.a, edge.b, cannot):
            partition.union(edge.a, edge.b)
    return partition.groups()
