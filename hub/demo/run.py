"""``citizen-hub demo``: a synthetic council, streamed through the bus into the hub, then served."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import typer
from sqlalchemy import func, select

from adaptors.population import generate_population
from contracts import make_event
from hub.bus.base import EventBus, EventPublisher
from hub.bus.factory import bus_from_settings
from hub.engine import engine_from_settings
from hub.settings import Settings
from hub.store.db import Database
from hub.store.migrate import upgrade
from hub.store.models import Citizen, DeadLetter, OutboxMessage, ReviewTask, SourceRecord
from hub.worker.runner import Worker

_BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class DemoSummary:
    records_by_system: dict[str, int]
    service_events: int
    citizens: int
    multi_system_citizens: int
    linked_records: int
    reviews: int
    dead_letters: int
    seconds: float
    showcase_citizen: str | None


def _reset(settings: Settings) -> None:
    for name in ("citizen-hub.sqlite", "events.sqlite"):
        for suffix in ("", "-wal", "-shm"):
            path = settings.data_dir / f"{name}{suffix}"
            if path.exists():
                path.unlink()
    legacy = settings.data_dir / "legacy"
    if legacy.exists():
        shutil.rmtree(legacy)


async def publish_population(bus: EventBus, settings: Settings, people: int, seed: int) -> tuple[int, Any]:
    """Publish each system's view of a synthetic population; returns (events published, population)."""
    population = generate_population(people=people, seed=seed)
    publisher = EventPublisher(bus, settings.topic_source_records)
    total = 0
    for system in population.systems:
        events: list[Any] = [
            make_event(r, r.updated_at or _BASE_TIME) for r in population.person_records(system)
        ]
        events += [make_event(e, e.at) for e in population.service_events(system)]
        with typer.progressbar(length=len(events), label=f"publishing {system:<12}", file=None) as bar:
            for start in range(0, len(events), 1000):
                chunk = events[start : start + 1000]
                await publisher.publish(chunk)
                bar.update(len(chunk))
        total += len(events)
    return total, population


def summarise(db: Database, seconds: float, showcase_key: str | None) -> DemoSummary:
    with db.reader() as session:
        by_system = dict(
            session.execute(
                select(SourceRecord.source_system, func.count())
                .where(SourceRecord.deleted.is_(False))
                .group_by(SourceRecord.source_system)
            ).all()
        )
        citizens = (
            session.scalar(select(func.count()).select_from(Citizen).where(Citizen.status == "active")) or 0
        )
        systems_per_citizen = Counter(
            cid
            for cid, _system in session.execute(
                select(SourceRecord.citizen_id, SourceRecord.source_system)
                .where(SourceRecord.citizen_id.is_not(None))
                .distinct()
            ).all()
        )
        linked = (
            session.scalar(
                select(func.count()).select_from(SourceRecord).where(SourceRecord.link_weight.is_not(None))
            )
            or 0
        )
        reviews = (
            session.scalar(select(func.count()).select_from(ReviewTask).where(ReviewTask.status == "open"))
            or 0
        )
        dead = session.scalar(select(func.count()).select_from(DeadLetter)) or 0
        from hub.store.models import ServiceEventRow

        service_events = session.scalar(select(func.count()).select_from(ServiceEventRow)) or 0
        showcase = None
        if showcase_key:
            showcase = session.scalar(
                select(SourceRecord.citizen_id).where(SourceRecord.source_key == showcase_key)
            )
    return DemoSummary(
        records_by_system={str(k): int(v) for k, v in by_system.items()},
        service_events=int(service_events),
        citizens=int(citizens),
        multi_system_citizens=sum(1 for n in systems_per_citizen.values() if n > 1),
        linked_records=int(linked),
        reviews=int(reviews),
        dead_letters=int(dead),
        seconds=seconds,
        showcase_citizen=showcase,
    )


async def _drain(worker: Worker, db: Database, expected: int, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while worker.totals.messages < expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the worker applied {worker.totals.messages} of {expected} events")
        await asyncio.sleep(0.2)
    while True:
        with db.reader() as session:
            pending = session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.published_at.is_(None))
            )
        if not pending:
            return
        await asyncio.sleep(0.2)


def print_summary(summary: DemoSummary, host: str, port: int, serving: bool) -> None:
    echo = typer.echo
    echo("")
    echo(f"Loaded in {summary.seconds:.1f} s")
    for system, count in sorted(summary.records_by_system.items()):
        echo(f"  {system:<14} {count:>7} source records")
    echo(f"  service events {summary.service_events:>7}")
    echo(
        f"  citizens       {summary.citizens:>7}"
        f"  ({summary.multi_system_citizens} known to more than one system)"
    )
    echo(f"  linked records {summary.linked_records:>7}")
    echo(f"  open reviews   {summary.reviews:>7}")
    echo(f"  dead letters   {summary.dead_letters:>7}")
    base = f"http://{host}:{port}"
    if summary.showcase_citizen:
        echo(f"Showcase resident (Margaret 'Peggy' Smith): {base}/v1/citizens/{summary.showcase_citizen}")
    echo(f"Search API: {base}/v1/citizens?name=Margaret%20Smith&date_of_birth=1950s&postcode=M5")
    echo(f"API docs:   {base}/docs")
    if serving:
        echo("Serving until Ctrl-C.")


async def run_demo(
    settings: Settings, people: int, seed: int, check: bool, host: str, port: int, fresh: bool
) -> int:
    if fresh and not settings.database_url:
        _reset(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    db = Database(settings.effective_database_url)
    bus = bus_from_settings(settings)
    await bus.start()
    await bus.ensure_topics(
        [settings.topic_source_records, settings.topic_citizen_changes, settings.topic_dead_letter]
    )
    stop = asyncio.Event()
    worker = Worker(settings, db, bus, engine_from_settings(settings))
    worker_task = asyncio.create_task(worker.run(stop))
    started = time.monotonic()
    try:
        published, population = await publish_population(bus, settings, people, seed)
        typer.echo(f"published {published} events; matching...")
        await _drain(worker, db, published)
        showcase_key = next(
            (k for k, pid in sorted(population.truth.items()) if pid == population.showcase), None
        )
        summary = summarise(db, time.monotonic() - started, showcase_key)
        print_summary(summary, host, port, serving=not check)
        if check:
            return 0 if summary.citizens and not summary.dead_letters else 1
        import uvicorn

        from hub.api.app import create_app

        config = uvicorn.Config(
            create_app(settings, db=db, bus=bus), host=host, port=port, log_level="warning"
        )
        await uvicorn.Server(config).serve()
        return 0
    finally:
        stop.set()
        await worker_task
        await bus.stop()
        db.dispose()
