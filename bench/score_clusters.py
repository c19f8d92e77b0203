"""Pairwise precision, recall and F1 of a ``citizen-hub match`` clusters.csv against a ground truth
(source key -> entity, as ``bench.export_population`` writes it)."""

from __future__ import annotations

import csv
import json
import sys

from bench.metrics import pairwise_scores


def main() -> None:
    clusters_path, truth_path = sys.argv[1], sys.argv[2]
    with open(truth_path, encoding="utf-8") as handle:
        truth = json.load(handle)
    with open(clusters_path, encoding="utf-8", newline="") as handle:
        clusters = {
            f"{row['source_system']}/{row['source_record_id']}": row["citizen_id"]
            for row in csv.DictReader(handle)
        }
    scores = pairwise_scores(clusters, truth)
    print(f"precision {scores.precision:.4f}  recall {scores.recall:.4f}  F1 {scores.f1:.4f}")


if __name__ == "__main__":
    main()
