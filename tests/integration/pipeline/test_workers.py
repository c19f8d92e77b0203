"""Scale-out and crash invariants on PostgreSQL + a Kafka-protocol broker (DESIGN.md, "Delivery guarantees").

- One worker and four workers in one consumer group give the same citizens for the same input.
- A worker killed with SIGKILL at random moments, and restarted each time, loses nothing and applies
  nothing twice: the final citizens equal a clean run's, every event id is processed once, no service
  event is stored twice, and every citizen's versions run 1, 2, 3, ... with one outbound event each.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pydantic_core import from_json
from sqlalchemy import func, select

from adaptors.population import generate_population
from contracts import make_event
from hub.settings import Settings
from hub.store.models import (
    Citizen,
    CitizenHistory,
    DeadLetter,
    OutboxMessage,
    ProcessedEvent,
    ServiceEventRow,
)
from tests.support.pipeline import HubUnderTest
from tests.support.settings import kafka_settings

pytestmark = pytest.mark.integration

PEOPLE = 1500  # about 1,600 source records and 4,700 service events


def population_events(people: int = PEOPLE, seed: int = 5) -> list[Any]:
    population = generate_population(people=people, seed=seed)
    events: list[Any] = []
    for system in population.systems:
        for record in population.iter_person_records(system):
            assert record.updated_at is not None
            events.append(make_event(record, record.updated_at))
        events.extend(make_event(e, e.at) for e in population.iter_service_events(system))
    return events


EVENTS = population_events()


def settings_for(bootstrap: str, url: str, tmp_path: Path, **overrides: Any) -> Settings:
    return kafka_settings(
        bootstrap,
        database_url=url,
        data_dir=tmp_path,
        kafka_partitions=6,
        worker_poll_timeout_ms=200,
        **overrides,
    )


async def run_workers(hub: HubUnderTest, count: int, total: int, timeout_s: float = 90) -> None:
    """``count`` in-process workers, each with its own consumer in the group, until all is processed."""
    stop = asyncio.Event()
    workers = [hub.worker() for _ in range(count)]
    tasks = [asyncio.create_task(w.run(stop)) for w in workers]
    deadline = time.monotonic() + timeout_s
    try:
        while processed(hub) < total:
            for task in tasks:
                if task.done():
                    await task  # a worker that died raises here
            assert time.monotonic() < deadline, f"{processed(hub)} of {total} events processed"
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.gather(*tasks)


def processed(hub: HubUnderTest) -> int:
    with hub.db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0)


async def clean_partition(bootstrap: str, url: str, tmp_path: Path, workers: int) -> list[list[str]]:
    async with HubUnderTest(settings_for(bootstrap, url, tmp_path, worker_batch_size=100)) as hub:
        await hub.publish(EVENTS)
        await run_workers(hub, workers, distinct_event_ids())
        assert_exactly_once(hub)
        return hub.partition()


def distinct_event_ids() -> int:
    return len({e.event_id for e in EVENTS})


def assert_exactly_once(hub: HubUnderTest) -> None:
    """Nothing lost, nothing applied twice, versions consistent."""
    expected_services = {
        (e.payload.source_system, e.payload.service_event_id) for e in EVENTS if e.type == "ServiceEvent"
    }
    with hub.db.reader() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == distinct_event_ids()
        assert session.scalar(select(func.count()).select_from(DeadLetter)) == 0
        assert session.scalar(select(func.count()).select_from(ServiceEventRow)) == len(expected_services)
        versions = dict(session.execute(select(Citizen.citizen_id, Citizen.version)).all())
        history: dict[str, list[int]] = {}
        for citizen_id, version in session.execute(
            select(CitizenHistory.citizen_id, CitizenHistory.version).order_by(CitizenHistory.id)
        ):
            history.setdefault(citizen_id, []).append(version)
        changed: Counter[tuple[str, int]] = Counter()
        for (value,) in session.execute(select(OutboxMessage.value)):
            event = from_json(value)
            if event["type"] == "CitizenChanged":
                changed[(event["payload"]["citizen_id"], event["payload"]["version"])] += 1
    assert set(history) == set(versions)
    for citizen_id, version in versions.items():
        # Each change of a citizen bumped its version by one, exactly once.
        assert history[citizen_id] == list(range(1, version + 1)), citizen_id
    assert all(n == 1 for n in changed.values()), [k for k, n in changed.items() if n > 1][:5]


async def test_one_worker_and_four_workers_make_the_same_citizens(
    kafka_bootstrap: str, fresh_postgres: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    one = await clean_partition(kafka_bootstrap, fresh_postgres, tmp_path / "one", workers=1)
    other_database = request.getfixturevalue("second_postgres")
    four = await clean_partition(kafka_bootstrap, other_database, tmp_path / "four", workers=4)
    assert len(one) > 1000
    assert any(len(group) > 1 for group in one)
    assert four == one


def worker_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITIZEN_HUB_")}
    for name in (
        "database_url",
        "data_dir",
        "kafka_bootstrap_servers",
        "kafka_idempotent_producer",
        "kafka_session_timeout_ms",
        "kafka_heartbeat_interval_ms",
        "kafka_partitions",
        "topic_source_records",
        "topic_citizen_changes",
        "topic_dead_letter",
        "consumer_group",
        "worker_batch_size",
        "worker_poll_timeout_ms",
    ):
        value = getattr(settings, name)
        env[f"CITIZEN_HUB_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
    env["CITIZEN_HUB_LOG_LEVEL"] = "WARNING"
    return env


def start_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).parent / "citizen-hub"
    with log.open("ab") as output:
        return subprocess.Popen([str(exe), "worker"], env=worker_env(settings), stdout=output, stderr=output)


async def test_worker_killed_at_random_moments_loses_nothing_and_applies_nothing_twice(
    kafka_bootstrap: str, fresh_postgres: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    clean = await clean_partition(kafka_bootstrap, fresh_postgres, tmp_path / "clean", workers=1)

    url = request.getfixturevalue("second_postgres")
    settings = settings_for(kafka_bootstrap, url, tmp_path / "killed", worker_batch_size=50)
    total = distinct_event_ids()
    chance = random.Random(20261123)
    progress_at_kills: list[int] = []
    log = tmp_path / "workers.log"
    async with HubUnderTest(settings) as hub:
        await hub.publish(EVENTS)
        deadline = time.monotonic() + 100
        # Five kills at random points of the stream, each a random instant after the point was passed
        # (so mostly in the middle of a batch's transaction).
        for target in sorted(chance.uniform(0.05, 0.9) * total for _ in range(5)):
            worker = start_worker(settings, log)
            while processed(hub) < target and worker.poll() is None:
                assert time.monotonic() < deadline, f"{processed(hub)} of {total} events processed"
                await asyncio.sleep(0.05)
            await asyncio.sleep(chance.uniform(0.0, 0.3))
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
            progress_at_kills.append(processed(hub))
        worker = start_worker(settings, log)
        try:
            while processed(hub) < total:
                assert worker.poll() is None, log.read_text()[-2000:]
                assert time.monotonic() < deadline, f"{processed(hub)} of {total} events processed"
                await asyncio.sleep(0.3)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        # At least three kills landed mid-stream, after some batches and before the end.
        assert sum(1 for done in progress_at_kills if 0 < done < total) >= 3, progress_at_kills
        assert_exactly_once(hub)
        assert hub.partition() == clean
