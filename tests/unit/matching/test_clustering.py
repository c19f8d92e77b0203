"""Average-linkage clustering: a capped conflict keeps clusters apart; a merely weak pair does not."""

from __future__ import annotations

from matching.clustering import cluster_average_linkage
from matching.model import Constraints, Edge

CAP = 0.0


def _cluster(edges: list[Edge]) -> list[list[str]]:
    nodes = sorted({n for e in edges for n in (e.a, e.b)})
    return cluster_average_linkage(
        nodes, edges, Constraints(), link_threshold=4.0, absent=-4.0, vetoes=(CAP,)
    )


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


FULL = {"given": "exact", "dob": "exact"}
"""Levels of a link between records that both hold a first name and a date of birth."""


def _informed(edge: Edge) -> bool:
    return all(edge.levels.get(name, "missing") != "missing" for name in ("given", "dob"))


def _cluster_informed(edges: list[Edge]) -> list[list[str]]:
    nodes = sorted({n for e in edges for n in (e.a, e.b)})
    return cluster_average_linkage(
        nodes, edges, Constraints(), link_threshold=4.0, absent=-4.0, vetoes=(CAP,), informed=_informed
    )


def test_a_father_and_son_bridged_by_records_without_a_date_of_birth_stay_apart() -> None:
    # Seen at 100k: Karl Whittaker senior (benefits, with a date of birth) and junior (housing, born
    # 2001) share a council tax record and a tenancy record, neither holding a date of birth. Two bridges,
    # one veto: the bridges could not have shown the conflict, so it stands.
    sparse = {"given": "exact", "dob": "missing"}
    edges = [Edge("ct", "father", 20.0, sparse), Edge("ct", "son", 20.0, sparse)]
    edges += [Edge("tenancy", "father", 22.0, sparse), Edge("tenancy", "son", 22.0, sparse)]
    edges += [Edge("ct", "tenancy", 25.0, sparse), Edge("father", "son", CAP, {"dob": "different"})]
    clusters = _cluster_informed(edges)
    assert not any({"father", "son"} <= set(c) for c in clusters)


def test_one_copy_whose_date_of_birth_was_replaced_joins_the_full_records_that_link_it() -> None:
    # FEBRL: copy d2 had its date of birth replaced and its reference mistyped against d4 (capped), but
    # three full records link both strongly: informed links outnumber the veto.
    full = ["org", "d0", "d1"]
    edges = [Edge(a, b, 30.0, FULL) for i, a in enumerate(full) for b in full[i + 1 :]]
    edges += [Edge(a, "d2", 20.0, FULL) for a in full] + [Edge(a, "d4", 30.0, FULL) for a in full]
    edges += [Edge("d2", "d4", CAP, {"given": "exact", "dob": "different"})]
    assert _cluster_informed(edges) == [["d0", "d1", "d2", "d4", "org"]]
    assert len(_cluster(edges)) == 2  # without informed links, the one veto keeps d2 or d4 out


def test_one_strong_link_does_not_drag_a_record_into_a_cluster_it_does_not_otherwise_match() -> None:
    edges = [Edge("a", "b", 30.0), Edge("a", "c", 30.0), Edge("b", "c", 30.0), Edge("a", "x", 9.0)]
    assert ["x"] in _cluster(edges)
