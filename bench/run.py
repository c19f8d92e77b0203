"""Run the matching benchmarks and print one Markdown table (see bench/README.md).

.venv/bin/python -m bench.run febrl3 febrl1 febrl2 febrl4 synthetic --people 10000
.venv/bin/python -m bench.run synthetic --people 100000 1000000 --no-peers
"""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any

from bench import febrl
from bench.metrics import PairScores, pair_link_scores, pairwise_scores
from bench.ours import RunResult, run_ours
from matching.engine import FellegiSunterEngine
from matching.training import train

HEADER = (
    "| data | matcher | precision | recall | F1 | records/s (whole path) | records/s (engine part) "
    "| comparisons/record | open reviews |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def _row(
    data: str, name: str, scores: PairScores, records: int, seconds: float, result: RunResult | None
) -> str:
    rate = f"{records / seconds:,.0f}" if seconds else ""
    engine = f"{result.engine_records_per_second:,.0f}" if result else ""
    cpr = f"{result.comparisons_per_record:.2f}" if result else ""
    reviews = f"{result.reviews:,} ({result.reviews / records:.1%})" if result else ""
    return (
        f"| {data} | {name} | {scores.precision:.4f} | {scores.recall:.4f} | {scores.f1:.4f} "
        f"| {rate} | {engine} | {cpr} | {reviews} |"
    )


def _ours(data: str, records: list[Any], truth: dict[str, str]) -> list[str]:
    """Ours twice: with the shipped parameters, and as ``citizen-hub match`` runs by default (parameters
    estimated from the input by EM first; that time is in the rate)."""
    rows = []
    result = run_ours(records)
    scores = pairwise_scores(result.clusters, truth)
    rows.append(_row(data, "ours, shipped parameters", scores, len(records), result.seconds, result))
    start = time.perf_counter()
    base = FellegiSunterEngine()
    params, _ = train([base.prepare(r) for r in records])
    training = time.perf_counter() - start
    result = run_ours(records, FellegiSunterEngine(params))
    name = f"ours, estimated from the input (citizen-hub match; EM {training:.1f} s, in the rate)"
    scores = pairwise_scores(result.clusters, truth)
    rows.append(_row(data, name, scores, len(records), result.seconds + training, result))
    return rows


def _peers(
    data: str, frame: Any, truth: dict[str, str], identifier: str, dob_format: str, columns: list[str]
) -> list[str]:
    from bench.peers import recordlinkage_ecm, splink_dedupe

    rows = []
    n = len(frame)
    clusters, links, seconds = splink_dedupe(frame, identifier=identifier, dob_format=dob_format)
    rows.append(
        _row(data, "Splink (DuckDB, EM), pairwise at p 0.5", pair_link_scores(links, truth), n, seconds, None)
    )
    rows.append(
        _row(
            data,
            "Splink (DuckDB, EM), clustered at p 0.5",
            pairwise_scores(clusters, truth),
            n,
            seconds,
            None,
        )
    )
    clusters, seconds = recordlinkage_ecm(frame, columns)
    rows.append(
        _row(data, "recordlinkage ECM, clustered", pairwise_scores(clusters, truth), n, seconds, None)
    )
    return rows


def bench_febrl(name: str, peers: bool) -> list[str]:
    records, truth, frame = febrl.load(name)
    data = f"{name.upper()} ({len(records):,} records)"
    rows = _ours(data, records, truth)
    if peers:
        flat = frame.reset_index()
        peer_truth = {str(k): str(k).split("-")[1] for k in flat["rec_id"]}
        columns = ["given_name", "surname", "date_of_birth", "suburb", "state", "address_1", "soc_sec_id"]
        rows += _peers(data, flat, peer_truth, "soc_sec_id", "%Y%m%d", columns)
    return rows


def bench_synthetic(people: int, seed: int, peers: bool) -> list[str]:
    from adaptors.population import generate_population

    pop = generate_population(people=people, seed=seed)
    records = [r for system in pop.systems for r in pop.person_records(system)]
    data = f"synthetic {people:,} people ({len(records):,} records)"
    gc.freeze()  # the input is long-lived: keep the collector from rescanning it (as citizen-hub match could)
    rows = _ours(data, records, pop.truth)
    if peers:
        from bench.peers import flat_frame

        flat = flat_frame(records)
        columns = ["given_name", "surname", "date_of_birth", "street_number", "address_1", "postcode", "nino"]
        rows += _peers(data, flat, pop.truth, "nino", "%Y-%m-%d", columns)
    del pop, records
    gc.unfreeze()
    gc.collect()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("datasets", nargs="+", choices=[*febrl.DATASETS, "febrl", "synthetic"])
    parser.add_argument("--people", type=int, nargs="+", default=[10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-peers", action="store_true", help="ours only (the 1M run)")
    args = parser.parse_args()
    print(HEADER, flush=True)
    for dataset in args.datasets:
        if dataset != "synthetic":
            for row in bench_febrl("febrl3" if dataset == "febrl" else dataset, not args.no_peers):
                print(row, flush=True)
            continue
        for people in args.people:
            for row in bench_synthetic(people, args.seed, not args.no_peers):
                print(row, flush=True)


if __name__ == "__main__":
    main()
