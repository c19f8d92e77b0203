"""Search latency with 50 concurrent agents against a served hub on loopback.

    .venv/bin/python bench/bench_search.py --people 5000 --agents 50 --seconds 30 --think 2

Builds a hub from the synthetic population (straight into the store, no bus; embedded SQLite, or the
empty database ``--database-url`` names), serves it with ``citizen-hub serve`` in a separate process
(``--server-workers`` processes), then runs ``--agents`` concurrent agents, each searching
every ``--think`` seconds on average, for ``--seconds`` or ``--requests``, whichever comes first. The
queries are a realistic mix: name + decade, surname + district, full name + date, reference, postcode.
``--think 0`` searches flat out: that measures saturation (latency is then queueing behind the server's
throughput). Every search is authorised and audited exactly as in production. Prints p50/p95/p99, the
server's CPU per search and, on PostgreSQL, the database's (its backends serving the hub). The hub's
data folder (``/tmp/bench-search-*``) is removed at the end. Timings never go in tests.

A PostgreSQL database is left as built: ``--built`` serves it again without building (after migrating it
to the latest schema), so that one population can be searched before and after a change of schema.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, as the other benches

from adaptors.population import generate_population
from bench.bench_pipeline import cpu_seconds
from contracts import make_event
from hub.auth import Role, create_token
from hub.bus.base import Message
from hub.engine import engine_from_settings
from hub.settings import Settings
from hub.store.db import Database
from hub.store.migrate import upgrade
from hub.store.statistics import analyse_stale_tables
from hub.worker.batch import apply_batch
from matching.incremental import IncrementalMatcher

SECRET = "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdef"
_T = datetime(2024, 1, 1, tzinfo=UTC)


def build(
    data_dir: Path, people: int, database_url: str | None = None, built: bool = False
) -> tuple[Settings, list[dict[str, str]]]:
    """The hub's settings and the searches to ask it. ``built``: the database already holds this
    population (a run before built it); it is only migrated to the latest schema, as a council upgrading
    its hub would, and the queries made again."""
    settings = Settings(data_dir=data_dir, jwt_secret=SECRET, database_url=database_url)
    upgrade(settings.effective_database_url)
    population = generate_population(people=people, seed=7)
    if built:
        return settings, [
            q for s in population.systems for q in _sampled_queries(population.person_records(s))
        ]
    db = Database(settings.effective_database_url)
    matcher = IncrementalMatcher(engine_from_settings(settings))
    queries: list[dict[str, str]] = []
    offset = 0
    for system in population.systems:
        records = population.person_records(system)
        for start in range(0, len(records), 1000):
            chunk = records[start : start + 1000]
            messages = []
            for record in chunk:
                event = make_event(record, record.updated_at or _T)
                messages.append(Message("bench", 0, offset, event.event_id, event.model_dump_json().encode()))
                offset += 1
            with db.unit_of_work() as session:
                apply_batch(
                    session, matcher, messages, settings.topic_citizen_changes, settings.topic_dead_letter
                )
        queries.extend(_sampled_queries(records))
    with db.unit_of_work() as session:
        # As a running hub's workers would have by now (the load here bypasses their loop): a table planned
        # without statistics reads whole indexes per search (100,000 people: 23 ms a search, 8 ms analysed).
        analyse_stale_tables(session)
    db.dispose()
    return settings, queries


def _sampled_queries(records: list[Any]) -> list[dict[str, str]]:
    """The searches for about 400 of one system's records, evenly spread."""
    return [q for record in records[:: max(1, len(records) // 400)] for q in _queries_for(record)]


def _queries_for(record: Any) -> list[dict[str, str]]:
    given, family = record.name.given or "", record.name.family or ""
    dob = record.date_of_birth
    postcode = next((a.postcode for a in record.addresses if a.postcode), None)
    found: list[dict[str, str]] = []
    if family and dob and dob.year:
        found.append({"name": f"{given} {family}", "date_of_birth": f"{dob.year // 10 * 10}s"})
    if family and postcode:
        found.append({"name": family, "postcode": postcode.split()[0]})
    if given and family and dob and dob.as_date:
        found.append({"name": f"{given} {family}", "date_of_birth": dob.as_date.strftime("%d/%m/%Y")})
    if record.identifiers:
        found.append({"identifier": record.identifiers[0].value})
    if postcode:
        found.append({"postcode": postcode})
    return found


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU so far of the server process and its children (the ``--workers`` processes).
    Unlike latency, it hardly moves with other work on the machine."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *(int(c) for c in (children.read_text().split() if children.exists() else []))]
    return sum(cpu_seconds(one) for one in pids)


def database_cpu_seconds(url: str | None) -> dict[int, float]:
    """PostgreSQL: CPU so far of each backend connected to the hub's database (the server's pooled
    connections; this one's own is left out), by process id. Empty for SQLite, whose work is the
    server's own."""
    if not url or not url.startswith("postgresql"):
        return {}
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            pids = connection.execute(
                text(
                    "select pid from pg_stat_activity"
                    " where datname = current_database() and pid <> pg_backend_pid()"
                )
            ).scalars()
            return {pid: cpu_seconds(pid) for pid in pids}
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(base: str, token: str, queries: list[dict[str, str]], agents: int, seconds: float,
               limit: int, think: float = 0.0) -> tuple[list[float], int]:  # fmt: skip
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=agents, max_keepalive_connections=agents)

    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:

        async def agent(number: int) -> None:
            nonlocal errors
            rng = random.Random(number)
            while time.monotonic() < deadline and len(latencies) < limit:
                if think:
                    await asyncio.sleep(rng.expovariate(1 / think))
                params = rng.choice(queries)
                started = time.perf_counter()
                response = await client.get("/v1/citizens", params=params)
                elapsed = time.perf_counter() - started
                if response.status_code == 200:
                    latencies.append(elapsed * 1000)
                else:
                    errors += 1

        await asyncio.gather(*(agent(n) for n in range(agents)))
    return latencies, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--think", type=float, default=2.0, help="Mean seconds between one agent's searches")
    parser.add_argument("--server-workers", type=int, default=1, help="citizen-hub serve --workers")
    parser.add_argument(
        "--database-url",
        help="Build and serve the hub on this empty database (e.g. PostgreSQL) instead of SQLite",
    )
    parser.add_argument(
        "--built",
        action="store_true",
        help="The --database-url already holds this population, from an earlier run: migrate it and serve it",
    )
    args = parser.parse_args()
    if args.built and not args.database_url:
        parser.error("--built needs --database-url")
    # Stopped by SIGTERM (a timeout, a CI job cancelled), still stop the server and remove the folder.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    data_dir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        return run(args, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    started = time.monotonic()
    settings, queries = build(data_dir, args.people, args.database_url, args.built)
    print(
        f"{'migrated' if args.built else 'built'} a hub of {args.people} people in "
        f"{time.monotonic() - started:.1f} s; {len(queries)} queries"
    )
    port = _free_port()
    env = {**os.environ, "CITIZEN_HUB_DATA_DIR": str(data_dir), "CITIZEN_HUB_JWT_SECRET": SECRET,
           "CITIZEN_HUB_LOG_LEVEL": "WARNING"}  # fmt: skip
    if args.database_url:
        env["CITIZEN_HUB_DATABASE_URL"] = args.database_url
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from hub.cli.main import app; app()",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.server_workers),
        ],
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = create_token(
            settings, Role.AGENT, "bench", line="council_tax", purpose="council_tax_reduction"
        )
        asyncio.run(load(base, token, queries, args.agents, 2.0, 500))  # warm up
        cpu_before = server_cpu_seconds(server.pid)
        database_before = database_cpu_seconds(args.database_url)
        latencies, errors = asyncio.run(
            load(base, token, queries, args.agents, args.seconds, args.requests, args.think)
        )
        server_cpu = server_cpu_seconds(server.pid) - cpu_before
        database_after = database_cpu_seconds(args.database_url)
        # A backend that connected during the run counts from zero; one that left is not counted.
        database_cpu = sum(cpu - database_before.get(pid, 0.0) for pid, cpu in database_after.items())
    finally:
        server.terminate()
        server.wait(timeout=10)
    if not latencies:
        print("no successful searches")
        return 1
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{len(latencies)} searches by {args.agents} concurrent agents (think {args.think} s), "
          f"{errors} errors, {len(latencies) / args.seconds:.0f}/s")  # fmt: skip
    print(
        f"p50 {cuts[49]:.1f} ms   p95 {cuts[94]:.1f} ms   p99 {cuts[98]:.1f} ms   max {max(latencies):.1f} ms"
    )
    print(f"server CPU {1000 * server_cpu / len(latencies):.2f} ms per search (all server processes)")
    if database_after:
        print(f"database CPU {1000 * database_cpu / len(latencies):.2f} ms per search (PostgreSQL backends)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
