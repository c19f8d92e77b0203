"""Pairwise precision, recall and F1 of a clustering against ground truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairScores:
    """Scores of ``predicted`` (record -> cluster) against ``truth`` (record -> entity)."""
    keys = [k for k in truth if k in predicted]
    pred_sizes = Counter(predicted[k] for k in keys)
    true_sizes = Counter(truth[k] for k in keys)
    both = Counter((predicted[k], truth[k]) for k in keys)
    predicted_pairs = sum(_pairs(n) for n in pred_sizes.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    correct = sum(_pairs(n) for n in both.values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, true_pairs, predicted_pairs, correct)


def clusters_from_links(keys: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected components of pairwise links (how the peers' links are joined into clusters)."""
    parent: dict[str, str] = {k: k for k in keys}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {k: find(k) for k in parent}


def pair_link_scores(links: Iterable[tuple[str, str]], truth: Mapping[str, str]) -> PairScores:
    """Scores of raw pairwise links (before clustering)."""
    found = {(a, b) if a < b else (b, a) for a, b in links}
    correct = sum(1 for a, b in found if truth.get(a) == truth.get(b))
    true_pairs = sum(_pairs(n) for n in Counter(truth.values()).values())
    precision = correct / len(found) if found else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, true_pairs, len(found), correct)
