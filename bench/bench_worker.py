"""In-process worker throughput: batches of bus messages applied by ``Worker.apply`` on PostgreSQL.

    .venv/bin/python bench/bench_worker.py --people 20000 --batch 2000
    .venv/bin/python bench/bench_worker.py --people 5000 --profile worker.prof
    .venv/bin/python bench/bench_worker.py --people 20000 --preload 1000000   # 1M people already stored

To compare two commits on the same 1M population, load it once (``--preload-only --database URL``,
about 30 minutes and 3 GB of memory: the population is applied slice by slice), copy the database
(``CREATE DATABASE b TEMPLATE a STRATEGY FILE_COPY``) and time each copy with ``--preloaded``;
``--updates K`` also times changes to K of the stored records, spread among the new people.

No Kafka: the messages are built in memory and handed to the worker exactly as a poll would, so this
measures the worker's own cost (Python and PostgreSQL). Reports source records per second (wall clock),
the worker's Python CPU per record, and SQL statements per batch. ``--database`` reuses an existing
database instead of a fresh one; ``--preload N`` first loads a population of N people through the same
worker (not timed) and then times a second, disjoint population arriving as new records; with
``--hold-back SHARE`` the preload leaves out the records of that share of its own people, and the timed
run applies them: newcomers living among everyone else, with postcodes and references of their own.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adaptors.population import generate_population  # noqa: E402
from bench.bench_pipeline import (  # noqa: E402
    PRELOAD_SEED,
    UPDATED,
    cpu_seconds,
    fresh_database,
    held_back,
    interleaved,
    iter_events,
    timed_events,
    updates_of_stored,
)
from contracts import make_event  # noqa: E402
from hub.bus.base import Message, encode  # noqa: E402
from hub.engine import engine_from_settings  # noqa: E402
from hub.settings import Settings  # noqa: E402
from hub.store.db import Database  # noqa: E402
from hub.worker.runner import Worker  # noqa: E402


def messages_for(events: Sequence[Any], first_offset: int = 0) -> list[Message]:
    return [Message("bench", 0, first_offset + i, *encode(e)) for i, e in enumerate(events)]


def apply_all(worker: Worker, messages: Sequence[Message], batch: int, quiet: bool = False) -> float:
    started = time.perf_counter()
    last = started
    for start in range(0, len(messages), batch):
        worker.apply(messages[start : start + batch])
        now = time.perf_counter()
        if not quiet and now - last > 10:
            done = start + batch
            print(f"  {done:>9} / {len(messages)} ({done / (now - started):,.0f}/s)", flush=True)
            last = now
    return time.perf_counter() - started


def rss_mb() -> float:
    """This process's resident memory now (Linux)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def preload(worker: Worker, people: int, seed: int, batch: int, hold_back: float = 0.0) -> None:
    """Store a population's source records through the worker, one batch at a time: each slice of
    events is built, applied and dropped, so only the population's compact plan is held (1.85 GB at a
    million people; the process peaked at 2.8 GB, where all of the events at once passed 13.8 GB).
    ``hold_back``: the records of about this share of the people are left out, for a timed run to apply
    (see :func:`bench.bench_pipeline.held_back`)."""
    started = time.perf_counter()
    population = generate_population(people=people, seed=seed)
    total = sum(population.record_count(s) for s in population.systems)
    held = held_back(population, hold_back)
    print(
        f"preloading {people} people ({total} source records; population built in "
        f"{time.perf_counter() - started:.0f} s, rss {rss_mb():,.0f} MB) ...",
        flush=True,
    )
    started = time.perf_counter()
    last = started
    done = 0
    stream = (e for e in iter_events(population, records_only=True) if not held(e.payload.source_key))
    while piece := list(itertools.islice(stream, batch)):
        worker.apply(messages_for(piece, done))
        done += len(piece)
        now = time.perf_counter()
        if now - last > 60:
            print(
                f"  {done:>9} / {total} ({done / (now - started):,.0f}/s, rss {rss_mb():,.0f} MB, "
                f"load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            last = now
    took = time.perf_counter() - started
    print(f"preloaded in {took:.0f} s ({total / took:,.0f} records/s, rss {rss_mb():,.0f} MB)", flush=True)
    settle(worker.db)


def settle(db: Database) -> None:
    """Leave the preload as a running hub would have: its outbound events relayed (no bus here; workers
    timed later on a copy would otherwise relay a million of them first), tables vacuumed and analysed."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("UPDATE outbox SET published_at = now() WHERE published_at IS NULL")
        conn.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def run(args: argparse.Namespace, url: str) -> None:
    settings = Settings(database_url=url)
    db = Database(url)
    if args.explain:
        explain_slow_statements(db, args.explain)
    worker = Worker(settings, db, None, engine_from_settings(settings))  # type: ignore[arg-type]
    if args.preload and not args.preloaded:
        preload(worker, args.preload, args.seed + PRELOAD_SEED, args.preload_batch, args.hold_back or 0.0)
        if args.preload_only:
            db.dispose()
            return
    held = (args.preload, args.hold_back) if args.hold_back else None
    stored = bool(args.preload or args.preloaded)
    events, records = timed_events(args.people, args.seed, args.records_only, stored, held)
    if args.updates:
        changed = updates_of_stored(db, args.updates)
        events = interleaved(events, [make_event(r, r.updated_at or UPDATED) for r in changed])
        records += len(changed)
        print(f"  and {len(changed)} updates to stored records (moves, new phones, e-mails and names)")
    messages = messages_for(events, 10**9)
    statements = 0
    by_statement: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def before(conn: Any, _cursor: Any, _statement: str, *_: Any) -> None:
        nonlocal statements
        statements += 1
        conn.info["bench_started"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        entry = by_statement[" ".join(statement.split())[:110]]
        entry[0] += 1
        entry[1] += time.perf_counter() - conn.info.pop("bench_started")

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    profiler = cProfile.Profile() if args.profile else None
    server_cpu = postgres_cpu_seconds(db)
    blocks = block_reads(db)
    cpu = time.process_time()
    if profiler:
        profiler.enable()
    took = apply_all(worker, messages, args.batch)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    cpu = time.process_time() - cpu
    server_cpu = postgres_cpu_seconds(db) - server_cpu
    blocks = {
        k: (v[0] - blocks.get(k, (0, 0))[0], v[1] - blocks.get(k, (0, 0))[1])
        for k, v in block_reads(db).items()
    }
    batches = -(-len(messages) // args.batch)
    print(
        f"{'held back' if args.hold_back else f'{args.people} people'}: {records} source records, "
        f"{len(messages)} events in {took:.1f} s = "
        f"{records / took:,.0f} source records/s ({len(messages) / took:,.0f} events/s); "
        f"python cpu {cpu / records * 1e3:.3f} ms/record; "
        f"postgres cpu {server_cpu / records * 1e3:.3f} ms/record; "
        f"{statements / batches:.1f} statements per batch of {args.batch}"
    )
    read, hit = (sum(v[i] for v in blocks.values()) for i in (0, 1))
    print(
        f"shared_buffers {shared_buffers(db)}: {read / records:.1f} blocks read into them per record, "
        f"{hit / records:.0f} hits ({hit / max(1, read + hit):.1%} hit ratio); most read:"
    )
    for name, (r, h) in sorted(blocks.items(), key=lambda kv: -kv[1][0])[:6]:
        print(f"  {r / records:7.2f} read {h / records:7.1f} hit per record  {name}")
    if args.statements:
        print("round-trip time by statement (count, seconds):")
        for text, (n, seconds) in sorted(by_statement.items(), key=lambda kv: -kv[1][1])[: args.statements]:
            print(f"  {n:>5} {seconds:7.2f}  {text}")
    db.dispose()


def explain_slow_statements(db: Database, slower_than_ms: int) -> None:
    """Have the server log the plan, with actual rows and buffers, of every statement of the worker's
    that takes longer than ``slower_than_ms`` (auto_explain, loaded per connection: no restart; the
    plans go to the server's log). Measuring changes what is measured: use it apart from timed runs."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            for name, value in (
                ("log_min_duration", str(slower_than_ms)),
                ("log_analyze", "on"),
                ("log_buffers", "on"),
                ("log_timing", "off"),
            ):
                cursor.execute(f"SET auto_explain.{name} = {value}")
        dbapi_connection.commit()

    event.listen(db.engine, "connect", on_connect)


def postgres_cpu_seconds(db: Database) -> float:
    """CPU time used so far by the server processes serving this database (a local server only: read
    from /proc). Unlike wall time, it hardly moves with other work on the machine."""
    with db.engine.connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        ).scalars()
        return sum(cpu_seconds(pid) for pid in pids)


def block_reads(db: Database) -> dict[str, tuple[int, int]]:
    """Per table and index of this database: blocks read into shared_buffers (from the OS, whose page
    cache may still hold them) and blocks found there, so far."""
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT relname, coalesce(heap_blks_read, 0) + coalesce(toast_blks_read, 0), "
            "coalesce(heap_blks_hit, 0) + coalesce(toast_blks_hit, 0) FROM pg_statio_user_tables "
            "UNION ALL SELECT indexrelname, idx_blks_read, idx_blks_hit FROM pg_statio_user_indexes"
        ).all()
    return {name: (int(read), int(hit)) for name, read, hit in rows}


def shared_buffers(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.exec_driver_sql("SHOW shared_buffers").scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--records-only", action="store_true", help="leave the service events out")
    parser.add_argument("--preload", type=int, default=0, help="people stored first (not timed)")
    parser.add_argument(
        "--updates",
        type=int,
        default=0,
        help="also time updates to this many stored records",
    )
    parser.add_argument(
        "--hold-back",
        type=float,
        metavar="SHARE",
        help="leave the records of about this share of the --preload's people out of it, and time them "
        "(records only) instead of a second population: newcomers among everyone else",
    )
    parser.add_argument("--preload-batch", type=int, default=5000)
    parser.add_argument("--preload-only", action="store_true", help="stop after the preload")
    parser.add_argument("--preloaded", action="store_true", help="--database holds the preload: time only")
    parser.add_argument("--statements", type=int, default=0, help="show the N slowest statement kinds")
    parser.add_argument(
        "--explain",
        type=int,
        metavar="MS",
        help="log the plans of statements slower than MS to the server log",
    )
    parser.add_argument("--profile", help="write cProfile stats of the timed part to this file")
    parser.add_argument("--database", help="an existing, migrated database URL (default: a fresh one)")
    args = parser.parse_args()
    if args.hold_back and not args.preload:
        parser.error("--hold-back needs --preload (with --preloaded: the size the preload was made with)")
    if args.database:
        run(args, args.database)
        return
    with fresh_database() as url:
        run(args, url)


if __name__ == "__main__":
    main()
