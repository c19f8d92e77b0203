"""Run the matching benchmarks and print a Markdown table (see bench/README.md).

.venv/bin/python -m bench.run febrl
.venv/bin/python -m bench.run synthetic --people 10000
"""

from __future__ import annotations

import argparse
import time

from bench import febrl
from bench.metrics import pairwise_scores
from bench.ours import run_ours
from matching.engine import FellegiSunterEngine
from matching.training import train


def _row(name: str, data: str, scores: object, seconds: float, records: int, cpr: float | str = "") -> str:
    p, r, f = (getattr(scores, k) for k in ("precision", "recall", "f1"))
    rate = records / seconds if seconds else 0.0
    cpr_text = f"{cpr:.2f}" if isinstance(cpr, float) else cpr
    return f"| {data} | {name} | {p:.4f} | {r:.4f} | {f:.4f} | {rate:,.0f} | {cpr_text} |"


def bench_febrl() -> list[str]:
    records, truth, frame = febrl.load()
    rows = []
    result = run_ours(records)
    rows.append(
        _row(
            "ours, shipped defaults",
            "FEBRL3",
            pairwise_scores(result.clusters, truth),
            result.seconds,
            len(records),
            result.comparisons_per_record,
        )
    )
    start = time.perf_counter()
    base = FellegiSunterEngine()
    params, _ = train([base.prepare(r) for r in records])
    trained = FellegiSunterEngine(params)
    result = run_ours(records, trained)
    seconds = time.perf_counter() - start
    rows.append(
        _row(
            "ours, EM-trained on the data",
            "FEBRL3",
            pairwise_scores(result.clusters, truth),
            seconds,
            len(records),
            result.comparisons_per_record,
        )
    )
    from bench.peers import recordlinkage_ecm

    clusters, seconds = recordlinkage_ecm(frame)
    peer_truth = {str(k): str(k).split("-")[1] for k in frame.index}
    rows.append(
        _row(
            "recordlinkage ECM, clustered",
            "FEBRL3",
            pairwise_scores(clusters, peer_truth),
            seconds,
            len(frame),
        )
    )
    return rows


def bench_synthetic(people: int, seed: int) -> list[str]:
    from adaptors.population import generate_population

    pop = generate_population(people=people, seed=seed)
    records = [r for system in pop.systems for r in pop.person_records(system)]
    result = run_ours(records)
    return [
        _row(
            "ours, shipped defaults",
            f"synthetic {people:,} people",
            pairwise_scores(result.clusters, pop.truth),
            result.seconds,
            len(records),
            result.comparisons_per_record,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", choices=["febrl", "synthetic"])
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print("| data | matcher | precision | recall | F1 | records/s | comparisons/record |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    rows = bench_febrl() if args.dataset == "febrl" else bench_synthetic(args.people, args.seed)
    for row in rows:
        print(row, flush=True)


if __name__ == "__main__":
    main()
