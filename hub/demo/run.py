"""``citizen-hub demo``: a synthetic council in three reference legacy systems, read by the adaptors,
streamed through the bus into the hub, one change of address told once; then served."""

from __future__ import annotations

import asyncio
import shutil
import socket
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

import typer
from sqlalchemy import func, select

from adaptors.population import generate_population
from hub.adaptors_host import reference_benefits_service, run_adaptors, seed_reference_systems
from hub.bus.base import EventBus
from hub.bus.factory import bus_from_settings
from hub.demo.tell_us_once import NEW_HOME, TellUsOnce, run_tell_us_once, wait_for_worker
from hub.engine import engine_from_settings
from hub.settings import Settings
from hub.store.db import Database
from hub.store.migrate import upgrade
from hub.store.models import Citizen, DeadLetter, OutboxMessage, ReviewTask, ServiceEventRow, SourceRecord
from hub.worker.runner import Worker


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
    for folder in ("legacy", "adaptors"):
        if (settings.data_dir / folder).exists():
            shutil.rmtree(settings.data_dir / folder)


def summarise(db: Database, seconds: float, showcase_key: str | None) -> DemoSummary:
    with db.reader() as session:
        by_system = dict(
            session.execute(
                select(SourceRecord.source_system, func.count())
                .where(SourceRecord.deleted.is_(False))
                .group_by(SourceRecord.source_system)
            ).all()
        )
        citizens = session.scalar(select(func.count()).select_from(Citizen).where(Citizen.status == "active"))
        systems_per_citizen = Counter(
            cid
            for cid, _system in session.execute(
                select(SourceRecord.citizen_id, SourceRecord.source_system)
                .where(SourceRecord.citizen_id.is_not(None))
                .distinct()
            ).all()
        )
        linked = session.scalar(
            select(func.count()).select_from(SourceRecord).where(SourceRecord.link_weight.is_not(None))
        )
        reviews = session.scalar(
            select(func.count()).select_from(ReviewTask).where(ReviewTask.status == "open")
        )
        dead = session.scalar(select(func.count()).select_from(DeadLetter))
        service_events = session.scalar(select(func.count()).select_from(ServiceEventRow))
        showcase = None
        if showcase_key:
            showcase = session.scalar(
                select(SourceRecord.citizen_id).where(SourceRecord.source_key == showcase_key)
            )
    return DemoSummary(
        records_by_system={str(k): int(v) for k, v in by_system.items()},
        service_events=int(service_events or 0),
        citizens=int(citizens or 0),
        multi_system_citizens=sum(1 for n in systems_per_citizen.values() if n > 1),
        linked_records=int(linked or 0),
        reviews=int(reviews or 0),
        dead_letters=int(dead or 0),
        seconds=seconds,
        showcase_citizen=showcase,
    )


def print_summary(summary: DemoSummary) -> None:
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


def print_tell_us_once(result: TellUsOnce, golden_postcode: str | None) -> None:
    reached = " and ".join(result.reached) or "no other system"
    typer.echo(
        f"Tell us once: Margaret Smith's new address, changed once in {result.changed_in}, reached {reached}."
    )
    state = "settled (no echo)" if result.settled else "NOT settled: the systems keep rewriting each other"
    typer.echo(f"  her golden address is now in {golden_postcode}; the systems {state}.")


def print_links(settings: Settings, summary: DemoSummary, host: str, port: int, serving: bool) -> None:
    base = f"http://{host}:{port}"
    echo = typer.echo
    if summary.showcase_citizen:
        echo(f"Showcase resident (Margaret 'Peggy' Smith): {base}/citizens/{summary.showcase_citizen}")
    echo(f"Agent search: {base}/search  (try: Peggy Smith, born 1950s, near M5)")
    echo(f"API docs:     {base}/docs")
    echo("Open a sign-in link first (one per role):")
    for role, link in _sign_in_links(settings, base, summary.showcase_citizen).items():
        echo(f"Sign in as {role + ':':<24} {link}")
    if serving:
        echo("Serving until Ctrl-C.")


def _sign_in_links(settings: Settings, base: str, showcase: str | None) -> dict[str, str]:
    from hub.auth import sign_in_links

    links: dict[str, str] = sign_in_links(settings, base, showcase)
    return links


def _golden_postcode(db: Database, citizen_id: str | None) -> str | None:
    with db.reader() as session:
        postcode = session.scalar(select(Citizen.postcode).where(Citizen.citizen_id == citizen_id))
    return str(postcode) if postcode else None


async def _drain_outbox(db: Database) -> None:
    while True:
        with db.reader() as session:
            pending = session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.published_at.is_(None))
            )
        if not pending:
            return
        await asyncio.sleep(0.1)


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _with_free_benefits_port(settings: Settings) -> Settings:
    """The demo serves the reference benefits service itself: when the default port is taken (another
    demo, another program), it moves to a free one rather than fail."""
    url = urlsplit(settings.benefits_wsdl_url)
    default = Settings.model_fields["benefits_wsdl_url"].default
    if settings.benefits_wsdl_url != default or not _port_in_use(url.hostname or "127.0.0.1", url.port or 80):
        return settings
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    return settings.model_copy(update={"benefits_wsdl_url": f"http://127.0.0.1:{free}/?wsdl"})


async def run_demo(
    settings: Settings, people: int, seed: int, check: bool, host: str, port: int, fresh: bool
) -> int:
    settings = _with_free_benefits_port(settings)
    if fresh and not settings.database_url:
        _reset(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    db = Database(settings.effective_database_url)
    bus: EventBus = bus_from_settings(settings)
    await bus.start()
    await bus.ensure_topics(
        [settings.topic_source_records, settings.topic_citizen_changes, settings.topic_dead_letter]
    )
    stop = asyncio.Event()
    worker = Worker(settings, db, bus, engine_from_settings(settings))
    worker_task = asyncio.create_task(worker.run(stop))

    async def drain(messages: int, progress: bool = False) -> None:
        await wait_for_worker(worker, messages, progress=progress)
        await _drain_outbox(db)

    started = time.monotonic()
    try:
        typer.echo(f"Generating {people} residents and filling three reference legacy systems...")
        population = generate_population(people=people, seed=seed)
        counts = await seed_reference_systems(settings, population)
        typer.echo("  " + ", ".join(f"{system}: {n} people" for system, n in counts.items()))
        with reference_benefits_service(settings):
            typer.echo("Adaptors reading council tax (database), benefits (SOAP) and housing (file drop)...")
            first = await run_adaptors(settings, bus, asyncio.Event(), once=True)
            published = sum(p.events for p in first.passes.values())
            typer.echo(f"  published {published} events")
            await drain(published, progress=True)
            showcase_key = next(
                (k for k, pid in sorted(population.truth.items()) if pid == population.showcase), None
            )
            summary = summarise(db, time.monotonic() - started, showcase_key)
            print_summary(summary)
            told = await run_tell_us_once(settings, bus, worker, population, drain)
            golden_postcode = _golden_postcode(db, summary.showcase_citizen)
            print_tell_us_once(told, golden_postcode)
            print_links(settings, summary, host, port, serving=not check)
            if check:
                healthy = summary.citizens > 0 and summary.dead_letters == 0
                told_once = set(told.reached) >= {"benefits", "housing"} and told.settled
                return 0 if healthy and told_once and golden_postcode == NEW_HOME.postcode else 1
            import uvicorn

            from hub.api.app import create_app

            adaptors_task = asyncio.create_task(run_adaptors(settings, bus, stop))
            config = uvicorn.Config(
                create_app(settings, db=db, bus=bus), host=host, port=port, log_level="warning"
            )
            try:
                await uvicorn.Server(config).serve()
            finally:
                stop.set()
                await adaptors_task
            return 0
    finally:
        stop.set()
        await worker_task
        await bus.stop()
        db.dispose()
