"""Records per second of the in-memory incremental path (IncrementalMatcher + MemoryStore, batches as
``citizen-hub match`` runs it), whole path and the engine's own part.

The synthetic population is generated once per size and cached as a pickle (generation takes longer
than matching). To compare two trees, run the same command with PYTHONPATH pointing at each in turn:

PYTHONPATH=. .venv/bin/python -m bench.bench_engine_speed --people 10000 100000 --repeat 2
PYTHONPATH=. .venv/bin/python -m bench.bench_engine_speed --people 20000 --profile /tmp/prof.out
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import tempfile
import time
from typing import Any

from bench.ours import run_ours


def population(people: int, seed: int = 7, cache: str = "") -> list[Any]:
    """The synthetic population's source records, in arrival order (cached in ``cache`` when given)."""
    path = os.path.join(cache, f"population-{people}-{seed}.pickle") if cache else ""
    if path and os.path.exists(path):
        with open(path, "rb") as src:
            records: list[Any] = pickle.load(src)
            return records
    from adaptors.population import generate_population

    pop = generate_population(people=people, seed=seed)
    records = [r for system in pop.systems for r in pop.person_records(system)]
    if path:
        with open(path, "wb") as out:
            pickle.dump(records, out, protocol=pickle.HIGHEST_PROTOCOL)
    return records


def _freeze(done: int) -> None:
    del done
    gc.freeze()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "citizen-hub-bench"))
    parser.add_argument("--profile", default="", help="write a cProfile of one run here")
    parser.add_argument("--no-freeze", action="store_true", help="leave the collector scanning the input")
    parser.add_argument(
        "--freeze-each-batch",
        action="store_true",
        help="also freeze what each batch leaves alive (what citizen-hub match could do; not done today)",
    )
    args = parser.parse_args()
    os.makedirs(args.cache, exist_ok=True)
    for people in args.people:
        records = population(people, cache=args.cache)
        if not args.no_freeze:
            gc.collect()
            gc.freeze()  # as citizen-hub match does once its input is read
        for _ in range(args.repeat):
            if args.profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            start, cpu = time.perf_counter(), time.process_time()
            result = run_ours(records, progress=_freeze if args.freeze_each_batch else None)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            if args.profile:
                profiler.disable()
                profiler.dump_stats(args.profile)
            print(
                f"people={people} records={result.records} whole={result.records_per_second:,.0f}/s "
                f"engine={result.engine_records_per_second:,.0f}/s "
                f"comparisons/record={result.comparisons_per_record:.2f} reviews={result.reviews} "
                f"wall={wall:.1f}s cpu-rate={result.records / cpu:,.0f}/s",
                flush=True,
            )
            gc.collect()
        del records
        gc.unfreeze()
        gc.collect()


if __name__ == "__main__":
    main()
