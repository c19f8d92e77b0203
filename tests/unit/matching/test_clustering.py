"""Average-linkage clustering: a capped conflict keeps clusters apart; a merely weak pair does not."""

from __future__ import annotations

from matching.clustering import cluster_average_linkage
from matching.model import Constraints, Edge

CAP = 0.0


def _cluster(edges: list[Edge]) -> list[list[str]]:
    nodes = sorted({n for e in edges for n in (e.a, e.b)})
    return cluster_average_linkage(nodes, edges, Constraints(), link_threshold=4.0, absent=-4.0, veto=CAP)


def test_a_weak_pair_counts_in_the_average_and_does_not_keep_a_strong_record_out() -> None:
    # d matches a, b and c strongly and one of them only weakly (a typo'd date of birth and a new surname).
    edges = [Edge("a", "b", 30.0), Edge("a", "c", 30.0), Edge("b", "c", 30.0)]
    edges += [Edge("a", "d", 17.0), Edge("b", "d", 17.0), Edge("c", "d", -3.7)]
    assert _cluster(edges) == [["a", "b", "c", "d"]]


def test_a_capped_conflict_keeps_twins_apart_however_strong_the_bridge() -> None:
    # Twins t1 and t2 (capped: different first names), bridged by a sparse record s that matches both.
    edges = [Edge("s", "t1", 20.0), Edge("s", "t2", 20.0), Edge("t1", "t2", CAP)]
    clusters = _cluster(edges)
    assert not any({"t1", "t2"} <= set(c) for c in clusters)


def test_one_strong_link_does_not_drag_a_record_into_a_cluster_it_does_not_otherwise_match() -> None:
    edges = [Edge("a", "b", 30.0), Edge("a", "c", 30.0), Edge("b", "c", 30.0), Edge("a", "x", 9.0)]
    assert ["x"] in _cluster(edges)
