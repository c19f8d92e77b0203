"""The matcher worker: poll a batch, apply it in one transaction, then commit the offsets."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Iterator, Sequence
from datetime import timedelta

import structlog
from sqlalchemy.exc import DBAPIError

from hub.bus.base import Consumer, EventBus, Message
from hub.engine import survivorship_from_settings
from hub.settings import Settings
from hub.store.db import Database
from hub.store.match_store import prune_blocking_changes
from hub.store.statistics import analyse_stale_tables
from hub.worker.batch import BatchResult, apply_batch
from hub.worker.outbox import prune_outbox, relay_once
from hub.worker.retry import in_unit_of_work
from matching.incremental import IncrementalMatcher
from matching.ports import MatchEngine

log = structlog.get_logger("citizen_hub.worker")

_PRUNE_EVERY_SECONDS = 60
"""How often a worker forgets old blocking-key changes (hub.store.match_store.prune_blocking_changes) and
deletes outbound events published longer ago than the retention (hub.worker.outbox.prune_outbox), and
refreshes stale planner statistics (hub.store.statistics)."""


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is applied; the collector resumes after it.

    A batch of 2,000 records allocates millions of objects, nearly all freed by reference counting when
    the batch ends. Collections during the batch walk them while they are alive: 40 young-generation
    and two middle-generation collections per 22,000 records took 0.73 s, a tenth of the worker's
    Python time. After the batch the young generations hold little but the few cycles it left, so the
    first collection then is short. A batch's cyclic garbage waits until then (memory bounded by the
    batch size)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Worker:
    """One member of the matcher consumer group."""

    def __init__(self, settings: Settings, db: Database, bus: EventBus, engine: MatchEngine) -> None:
        self.settings = settings
        self.db = db
        self.bus = bus
        self.matcher = IncrementalMatcher(engine)
        self.survivorship = survivorship_from_settings(settings)
        self.totals = BatchResult()
        self._pruned_at = time.monotonic()
        # A batch allocates a great many short-lived objects; the engine's tables and the modules live
        # as long as the process. Freezing what exists now keeps full collections from walking it again
        # and again (they cost more than a third of the worker's time at 2,000 records a batch).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)

    def apply(self, messages: Sequence[Message]) -> BatchResult:
        """Apply a batch in one transaction, retrying it whole on a deadlock."""
        with _collector_paused():
            return self._apply(messages)

    def _apply(self, messages: Sequence[Message]) -> BatchResult:
        result = in_unit_of_work(
            self.db,
            lambda session: apply_batch(
                session,
                self.matcher,
                messages,
                self.settings.topic_citizen_changes,
                self.settings.topic_dead_letter,
                self.survivorship,
            ),
        )
        self._prune()
        return result

    def _prune(self) -> None:
        """Now and then, in a short transaction of its own (the batch has committed by now)."""
        if time.monotonic() - self._pruned_at < _PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = time.monotonic()
        try:
            with self.db.unit_of_work() as session:
                prune_blocking_changes(session)
            with self.db.unit_of_work() as session:
                retention = timedelta(days=self.settings.outbox_retention_days)
                pruned = prune_outbox(session, retention)
            if pruned:
                log.info("outbox_pruned", events=pruned)
            with self.db.unit_of_work() as session:
                analysed = analyse_stale_tables(session)
            if analysed:
                log.info("statistics_refreshed", tables=analysed)
        except DBAPIError as error:  # the next prune retries; batches stay correct meanwhile
            log.warning("prune_failed", reason=type(error.orig).__name__)

    def _add(self, result: BatchResult) -> None:
        t = self.totals
        t.messages += result.messages
        t.applied += result.applied
        t.duplicates += result.duplicates
        t.stale += result.stale
        t.rejected += result.rejected
        t.service_events += result.service_events
        t.comparisons += result.comparisons
        t.citizens.created += result.citizens.created
        t.citizens.changed += result.citizens.changed
        t.citizens.merged += result.citizens.merged
        t.citizens.split += result.citizens.split
        t.citizens.reviews += result.citizens.reviews

    async def run(self, stop: asyncio.Event, consumer: Consumer | None = None) -> BatchResult:
        """Consume until ``stop`` is set; offsets are committed only after the database commit."""
        consumer = consumer or self.bus.consumer(
            self.settings.topic_source_records, self.settings.consumer_group
        )
        await consumer.start()
        relay = asyncio.create_task(self._relay(stop))
        try:
            while not stop.is_set():
                messages = await consumer.poll(
                    self.settings.worker_batch_size, self.settings.worker_poll_timeout_ms
                )
                if not messages:
                    continue
                result = await asyncio.to_thread(self.apply, messages)
                await consumer.commit(messages)
                self._add(result)
                log.info(
                    "batch_applied",
                    messages=result.messages,
                    applied=result.applied,
                    duplicates=result.duplicates,
                    rejected=result.rejected,
                    created=result.citizens.created,
                    merged=result.citizens.merged,
                )
        finally:
            relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await relay
            await consumer.stop()
            await relay_once(self.db, self.bus)
        return self.totals

    async def _relay(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                published = await relay_once(self.db, self.bus)
            except Exception:  # noqa: BLE001 - the relay retries; the outbox keeps the messages
                log.exception("outbox_relay_failed")
                published = 0
            if not published:
                await asyncio.sleep(0.2)
