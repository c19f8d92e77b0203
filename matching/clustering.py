"""Deterministic clustering of a neighbourhood under supervisors' constraints."""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Collection, Sequence

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


def _cannot_map(constraints: Constraints) -> dict[str, set[str]]:
    cannot: dict[str, set[str]] = {}
    for a, b in constraints.cannot_link:
        cannot.setdefault(a, set()).add(b)
        cannot.setdefault(b, set()).add(a)
    return cannot


def cluster_average_linkage(
    nodes: Sequence[str],
    edges: Sequence[Edge],
    constraints: Constraints,
    link_threshold: float,
    absent: float,
    vetoes: Collection[float] = (),
    informed: Callable[[Edge], bool] = lambda edge: False,
) -> list[list[str]]:
    """Greedy average-linkage clustering under supervisors' constraints.

    Must-link pairs are joined first (unless that would join a cannot-link pair). Then, repeatedly, the
    two clusters with the highest *average* weight over all their cross pairs are joined, while that
    average is at or above ``link_threshold`` and no cannot-link pair would end up together. A pair with
    no edge counts as ``absent`` (the review threshold: "no better than uncertain"), so one strong link
    cannot drag a record into a cluster whose other members it does not match: no chaining through one
    weak link. Two clusters with a pair weighing exactly one of ``vetoes`` join only when more of their
    cross pairs are *informed* links than vetoes: the engine passes the weights at which it caps a
    conflict (different first names or dates of birth with nothing to override them; and, below the
    review threshold, pairs it finds when it fills in a neighbourhood's missing pairs: two conflicts with
    little else agreeing, or dates of birth that differ with little else agreeing or with the pair weighing
    less than the review threshold all the same), and calls a link informed when both of
    its records hold the fields a conflict is read on (a first name and a date of birth). So twins,
    or a father and son, bridged by records that lack a date of birth stay apart however many such
    records there are, while one copy of a person whose date of birth was replaced joins the several
    full records that each link it strongly. A pair that is merely weak (a typo'd date of birth and a
    changed surname, say) is not a veto: it counts in the average like any other.

    The result depends only on the sets given, not their order: edges are read in sorted order, and ties
    are broken by the clusters' smallest keys.

    Args:
        nodes: source keys to partition.
        edges: scored pairs (only those with both ends in ``nodes`` are used).
        constraints: must-link and cannot-link pairs.
        link_threshold: the least average weight at which two clusters join.
        absent: the weight assumed for a pair without an edge.
        vetoes: the weights of capped conflicts (compared to 4 decimals): clusters with such a cross pair
            stay apart unless informed links outnumber those pairs.
        informed: whether a link (at or above ``link_threshold``) could have shown a conflict (default:
            never, so any veto keeps two clusters apart).

    Returns:
        The clusters as sorted lists, sorted by first key.
    """
    # A node with no edge and no constraint is a citizen of its own: only the others are clustered.
    linked = {n for e in edges for n in (e.a, e.b)}
    linked.update(n for pair in constraints.must_link for n in pair)
    alone = [[n] for n in set(nodes) if n not in linked]
    ordered = sorted(n for n in set(nodes) if n in linked)
    partition = _Partition(ordered)
    cannot = _cannot_map(constraints)
    for a, b in sorted(constraints.must_link):
        if a in partition.parent and b in partition.parent and not _forbidden(partition, a, b, cannot):
            partition.union(a, b)

    unique: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        if edge.a in partition.parent and edge.b in partition.parent and edge.a != edge.b:
            pair = (edge.a, edge.b) if edge.a < edge.b else (edge.b, edge.a)
            known = unique.get(pair)
            if known is None or edge.weight > known.weight:
                unique[pair] = edge
    # (cluster, cluster) -> [sum of edge weights, number of edges, vetoes, informed links]; clusters are
    # named by their root.
    sums: dict[str, dict[str, list[float]]] = {}
    for (a, b), edge in sorted(unique.items()):
        ra, rb = partition.find(a), partition.find(b)
        if ra == rb:
            continue
        weight = edge.weight
        corroborates = weight >= link_threshold and informed(edge)
        for x, y in ((ra, rb), (rb, ra)):
            cell = sums.setdefault(x, {}).setdefault(y, [0.0, 0.0, 0.0, 0.0])
            cell[0] += weight
            cell[1] += 1.0
            cell[2] += round(weight, 4) in vetoes
            cell[3] += corroborates

    def average(x: str, y: str) -> float:
        total, count, vetoed, links = sums[x][y]
        if vetoed and vetoed >= links:  # links: informed ones only
            return -math.inf
        size = len(partition.members[x]) * len(partition.members[y])
        return (total + absent * (size - count)) / size

    version: dict[str, int] = dict.fromkeys(partition.members, 0)
    heap: list[tuple[float, str, str, int, int]] = []
    for x in sorted(sums):
        for y in sorted(sums[x]):
            if x < y:
                score = average(x, y)
                if score >= link_threshold:
                    heapq.heappush(heap, (-score, x, y, 0, 0))
    while heap:
        _neg, x, y, vx, vy = heapq.heappop(heap)
        if version.get(x) != vx or version.get(y) != vy:
            continue
        if _forbidden(partition, x, y, cannot):
            continue
        partition.union(x, y)
        keep = partition.find(x)
        gone = y if keep == x else x
        merged: dict[str, list[float]] = {}
        for source in (keep, gone):
            for other, (total, count, vetoed, links) in sums.pop(source, {}).items():
                if other in (keep, gone):
                    continue
                cell = merged.setdefault(other, [0.0, 0.0, 0.0, 0.0])
                cell[0] += total
                cell[1] += count
                cell[2] += vetoed
                cell[3] += links
                sums[other].pop(source, None)
        version.pop(gone, None)
        version[keep] += 1
        sums[keep] = merged
        for other in sorted(merged):
            sums[other][keep] = merged[other]
            score = average(keep, other)
            if score >= link_threshold:
                first, second = (keep, other) if keep < other else (other, keep)
                heapq.heappush(heap, (-score, first, second, version[first], version[second]))
    return sorted(partition.groups() + alone)
