"""Agent search, before and after: alternating runs of bench_search.py against two checkouts.

    git worktree add /tmp/control <base sha>
    .venv/bin/python bench/ab_search.py /tmp/control . --runs 3 --out /tmp/ab-search

Runs base, new, base, new, ... for each backing (PostgreSQL, each run in a database of its own, created
and dropped here; and SQLite) and each number of server processes (1, 2), with this checkout's
bench_search.py as the load generator for both (the server is whichever checkout ``PYTHONPATH`` names).
Alternating spreads the machine's other load over both sides; the server's CPU per search, which bench_search
prints, hardly moves with that load, unlike latency. Prints one table row per side: the range over the
runs of p50, p95, p99 and the CPU per search. Every output is kept in ``--out``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent / "bench_search.py"
_FIGURES = {
    "p50": r"p50 ([\d.]+) ms",
    "p95": r"p95 ([\d.]+) ms",
    "p99": r"p99 ([\d.]+) ms",
    "server CPU": r"server CPU ([\d.]+) ms",
    "database CPU": r"database CPU ([\d.]+) ms",
}


def _psql(database_admin_url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _one_run(args: argparse.Namespace, backing: str, workers: str, checkout: Path, name: str) -> str:
    command = [sys.executable, str(BENCH), "--people", "5000", "--agents", "50", "--think", "2",
               "--seconds", str(args.seconds), "--server-workers", workers]  # fmt: skip
    database = f"ab_search_{os.getpid()}_{name}"
    admin = f"{args.postgres}/postgres"
    if backing == "postgresql":
        _psql(admin, f"CREATE DATABASE {database}")
        command += ["--database-url", f"{args.postgres}/{database}"]
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve())}
    try:
        # In the checkout: bench_search starts the server with ``python -c``, which puts the working
        # directory first on the path, ahead of PYTHONPATH.
        done = subprocess.run(
            command, env=env, cwd=checkout, capture_output=True, text=True, timeout=600, check=False
        )
    finally:
        if backing == "postgresql":
            _psql(admin, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    return done.stdout + done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="The control checkout (e.g. a worktree of the base commit)")
    parser.add_argument("new", type=Path, help="The checkout measured against it")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each side per configuration")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--backings", default="postgresql,sqlite")
    parser.add_argument("--server-workers", default="1,2")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--out", type=Path, default=Path("/tmp/ab-search"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, str, str], list[dict[str, float]]] = {}
    for run in range(1, args.runs + 1):
        for backing in args.backings.split(","):
            for workers in args.server_workers.split(","):
                for side, checkout in (("base", args.base), ("new", args.new)):
                    output = _one_run(args, backing, workers, checkout, f"{side}_{run}_{workers}")
                    (args.out / f"{backing}-w{workers}-{side}-{run}.txt").write_text(output)
                    figures = {
                        name: float(found.group(1))
                        for name, pattern in _FIGURES.items()
                        if (found := re.search(pattern, output))
                    }
                    print(backing, f"w{workers}", side, run, figures, flush=True)
                    results.setdefault((backing, workers, side), []).append(figures)
    print("| backing | server processes | side | " + " | ".join(_FIGURES) + " | runs |")
    print("| --- " * (len(_FIGURES) + 4) + "|")
    for (backing, workers, side), runs in results.items():
        cells = []
        for name in _FIGURES:
            values = [r[name] for r in runs if name in r]
            digits = 2 if "CPU" in name else 1
            cells.append(f"{min(values):.{digits}f}-{max(values):.{digits}f}" if values else "-")
        print(f"| {backing} | {workers} | {side} | " + " | ".join(cells) + f" | {len(runs)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
