"""CPU seconds of each phase of ``citizen-hub match``, measured in one process.

Runs the command's own steps on one input: importing, reading, validating and preparing the records,
estimating the parameters, matching them incrementally. It prints each phase's CPU time, the
records per CPU second of matching and of the whole, and a fingerprint of the result (sha-256 of every
source key with its citizen id, in input order): two runs with the same fingerprint made the same citizens.

    .venv/bin/python bench/match_phases.py /tmp/people100k.jsonl

``citizen-hub match`` itself writes the clusters.csv that ``bench.score_clusters`` scores.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

started = time.process_time()
from hub.cli import match  # noqa: E402  (the import is a phase of its own)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, help="PersonRecord envelopes (.jsonl) or a flat .csv")
    args = parser.parse_args()
    imported = time.process_time()
    changes, _bad = match.read_changes(args.input, match.FellegiSunterEngine())
    read = time.process_time()
    engine = match._estimated_engine(changes, None, None)
    estimated = time.process_time()
    keys = list(dict.fromkeys(change.key for change in changes))
    store = match.run_match(changes, engine, match.BATCH, show_progress=False)
    matched = time.process_time()
    citizens = [(key, store.citizen[key]) for key in keys if key in store.citizen]
    fingerprint = hashlib.sha256("".join(f"{k},{c}\n" for k, c in citizens).encode()).hexdigest()[:12]
    n = len(keys)
    print(
        f"{n} records, CPU s: import {imported - started:.2f}, read and prepare {read - imported:.2f}, "
        f"estimate {estimated - read:.2f}, match {matched - estimated:.2f}, total {matched - started:.2f}; "
        f"matching {n / (matched - estimated):,.0f} records/s, whole {n / (matched - started):,.0f} "
        f"records/s; fingerprint {fingerprint}"
    )


if __name__ == "__main__":
    main()
