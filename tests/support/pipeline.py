"""A test harness around one hub: its database, its bus, and workers run until they caught up."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from hub.bus.base import EventBus, EventPublisher
from hub.bus.factory import bus_from_settings
from hub.engine import engine_from_settings
from hub.settings import Settings
from hub.store.db import Database
from hub.store.models import Citizen, OutboxMessage, ProcessedEvent, ServiceEventRow, SourceRecord
from hub.worker.batch import BatchResult
from hub.worker.runner import Worker


class HubUnderTest:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.effective_database_url)
        self.bus: EventBus = bus_from_settings(settings)

    async def __aenter__(self) -> HubUnderTest:
        await self.bus.start()
        s = self.settings
        await self.bus.ensure_topics([s.topic_source_records, s.topic_citizen_changes, s.topic_dead_letter])
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.bus.stop()
        self.db.dispose()

    async def publish(self, events: Sequence[Any]) -> None:
        await EventPublisher(self.bus, self.settings.topic_source_records).publish(events)

    def worker(self) -> Worker:
        return Worker(self.settings, self.db, self.bus, engine_from_settings(self.settings))

    async def run_worker(self, messages: int, timeout_s: float = 60) -> BatchResult:
        """Run one worker until it has polled ``messages`` messages, then stop it cleanly."""
        worker = self.worker()
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))
        deadline = time.monotonic() + timeout_s
        while worker.totals.messages < messages:
            if task.done():
                await task
            if time.monotonic() > deadline:
                stop.set()
                await task
                raise TimeoutError(f"worker polled {worker.totals.messages} of {messages} messages")
            await asyncio.sleep(0.05)
        stop.set()
        return await task

    def partition(self) -> list[list[str]]:
        """Citizens as sorted lists of live source keys."""
        groups: dict[str, list[str]] = defaultdict(list)
        with self.db.reader() as session:
            for key, citizen_id in session.execute(
                select(SourceRecord.source_key, SourceRecord.citizen_id).where(
                    SourceRecord.deleted.is_(False)
                )
            ).all():
                groups[citizen_id or f"(none) {key}"].append(key)
        return sorted(sorted(g) for g in groups.values())

    def snapshot(self) -> dict[str, Any]:
        """Everything an event could change: citizens with versions, and counts of derived rows."""
        with self.db.reader() as session:
            citizens = sorted((c.citizen_id, c.version, c.status) for c in session.scalars(select(Citizen)))
            return {
                "citizens": citizens,
                "partition": self.partition(),
                "outbox": session.scalar(select(func.count()).select_from(OutboxMessage)),
                "service_events": session.scalar(select(func.count()).select_from(ServiceEventRow)),
                "processed": session.scalar(select(func.count()).select_from(ProcessedEvent)),
            }
