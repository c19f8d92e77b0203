"""Runs one source adaptor: fetch, publish, and store the checkpoint only after the broker acknowledged.

A crash anywhere between ``fetch`` and ``commit_batch`` replays the batch on restart; its events carry
the same deterministic ids, so the hub applies them once. When the source is down the runner backs off
exponentially with full jitter (tenacity) and logs the outage once and the recovery once.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import structlog
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_random_exponential

from adaptors.runtime.ports import Publisher, Report, SourceAdaptor, SourceUnavailable
from adaptors.runtime.state import AdaptorState

log = structlog.get_logger("adaptors.runtime")


@dataclass(slots=True)
class PassResult:
    """What one pass over the source published."""

    batches: int = 0
    events: int = 0
    reports: int = 0
    seconds: float = 0.0


class AdaptorRunner:
    """Polls one adaptor on an interval and publishes what it finds."""

    def __init__(
        self,
        adaptor: SourceAdaptor,
        publisher: Publisher,
        state: AdaptorState,
        *,
        poll_interval_s: float = 5.0,
        backoff_initial_s: float = 1.0,
        backoff_max_s: float = 60.0,
        publish_chunk: int = 500,
    ) -> None:
        self.adaptor = adaptor
        self.publisher = publisher
        self.state = state
        self.poll_interval_s = poll_interval_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self.publish_chunk = publish_chunk
        self.in_outage = False
        self.outages = 0

    @property
    def name(self) -> str:
        return self.adaptor.system

    async def run_once(self) -> PassResult:
        """Fetch and publish until the source has nothing more right now."""
        result = PassResult()
        started = time.perf_counter()
        while True:
            checkpoint = self.state.load_checkpoint(self.name)
            batch = await self.adaptor.fetch(checkpoint)
            for start in range(0, len(batch.events), self.publish_chunk):
                try:
                    await self.publisher.publish(batch.events[start : start + self.publish_chunk])
                except Exception as error:  # the bus is down: back off exactly as for the source
                    raise SourceUnavailable(
                        f"event bus did not acknowledge ({type(error).__name__})"
                    ) from error
            self.state.commit_batch(self.name, batch.checkpoint, batch.reports)
            if batch.reports:
                severities = sorted({r.severity for r in batch.reports})
                log.warning(
                    "adaptor.records_reported", adaptor=self.name, count=len(batch.reports), kinds=severities
                )
            result.batches += 1
            result.events += len(batch.events)
            result.reports += len(batch.reports)
            if not batch.more:
                break
        result.seconds = time.perf_counter() - started
        if result.events or result.reports:
            log.info(
                "adaptor.pass",
                adaptor=self.name,
                events=result.events,
                reports=result.reports,
                seconds=round(result.seconds, 3),
            )
        return result

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set; back off with jitter while the source is unavailable."""
        while not stop.is_set():
            try:
                await self._pass_with_backoff(stop)
            except SourceUnavailable:
                return  # stopped while the source was down
            await _wait(stop, self.poll_interval_s)

    async def _pass_with_backoff(self, stop: asyncio.Event) -> None:
        async def sleep(seconds: float) -> None:
            await _wait(stop, seconds)

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(SourceUnavailable),
            wait=wait_random_exponential(multiplier=self.backoff_initial_s, max=self.backoff_max_s),
            stop=lambda _state: stop.is_set(),
            sleep=sleep,
            before_sleep=self._on_outage,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                await self.run_once()
        if self.in_outage:
            self.in_outage = False
            log.info("adaptor.source_recovered", adaptor=self.name)
            self.state.add_reports(self.name, [Report(self.name, "source reachable again", "recovered")])

    def _on_outage(self, retry_state: RetryCallState) -> None:
        if self.in_outage:
            return
        self.in_outage = True
        self.outages += 1
        error = retry_state.outcome.exception() if retry_state.outcome else None
        reason = str(error) or type(error).__name__
        log.warning("adaptor.source_unavailable", adaptor=self.name, reason=reason)
        self.state.add_reports(self.name, [Report(self.name, f"source unavailable: {reason}", "outage")])


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass
