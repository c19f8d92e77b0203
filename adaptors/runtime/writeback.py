"""Tell us once: consume outbound CitizenChanged events and write changed addresses into one system.

Exactly once in effect: each (event id, source record) is looked up in the write-back log before it is
written and recorded after; the writer itself compares with what the legacy record holds and touches
nothing when it is already current, so a redelivery or a crash between write and log changes nothing.
No loop: a change caused by this system is skipped, older citizen versions than one already applied are
skipped, and an unchanged address never bumps the legacy record (so the next poll publishes nothing new).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from adaptors.runtime.ports import (
    AddressWriter,
    ChangeFeed,
    FeedItem,
    RecordRejected,
    Report,
    SourceUnavailable,
)
from adaptors.runtime.state import AdaptorState, WriteBackEntry
from contracts import CitizenChangedEvent

log = structlog.get_logger("adaptors.writeback")


@dataclass(slots=True)
class WriteBackResult:
    messages: int = 0
    written: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0


class WriteBackRunner:
    """Applies the hub's address changes to one legacy system that opted in."""

    def __init__(
        self,
        writer: AddressWriter,
        feed: ChangeFeed,
        state: AdaptorState,
        *,
        batch_size: int = 100,
        poll_timeout_s: float = 0.5,
        retry_interval_s: float = 5.0,
    ) -> None:
        self.writer = writer
        self.feed = feed
        self.state = state
        self.batch_size = batch_size
        self.poll_timeout_s = poll_timeout_s
        self.retry_interval_s = retry_interval_s

    @property
    def name(self) -> str:
        return self.writer.system

    async def run_once(self) -> WriteBackResult:
        """Apply one batch from the feed, then acknowledge it. Raises SourceUnavailable unacknowledged."""
        result = WriteBackResult()
        items = await self.feed.poll(self.batch_size, self.poll_timeout_s)
        for item in items:
            result.messages += 1
            await self._apply(item, result)
        if items:
            await self.feed.commit(items)
        if result.written or result.failed:
            log.info(
                "writeback.batch",
                adaptor=self.name,
                written=result.written,
                unchanged=result.unchanged,
                failed=result.failed,
            )
        return result

    async def drain(self) -> WriteBackResult:
        """Apply everything waiting now (tests, ``--once``)."""
        total = WriteBackResult()
        while True:
            one = await self.run_once()
            if one.messages == 0:
                return total
            for name in ("messages", "written", "unchanged", "skipped", "failed"):
                setattr(total, name, getattr(total, name) + getattr(one, name))

    async def run(self, stop: asyncio.Event) -> None:
        down = False
        while not stop.is_set():
            try:
                await self.run_once()
            except SourceUnavailable as error:
                if not down:
                    down = True
                    log.warning("writeback.target_unavailable", adaptor=self.name, reason=str(error))
                    self.state.add_reports(
                        self.name, [Report(self.name, f"write-back paused: {error}", "outage")]
                    )
                try:
                    await asyncio.wait_for(stop.wait(), timeout=self.retry_interval_s)
                except TimeoutError:
                    pass
                continue
            if down:
                down = False
                log.info("writeback.target_recovered", adaptor=self.name)

    async def _apply(self, item: FeedItem, result: WriteBackResult) -> None:
        if item.event is None:
            result.failed += 1
            self.state.add_reports(
                self.name, [Report("citizen-changes", f"undecodable message: {item.error}")]
            )
            return
        event = item.event
        if not isinstance(event, CitizenChangedEvent):
            result.skipped += 1
            return
        change = event.payload
        mine = [ref.source_record_id for ref in change.source_records if ref.source_system == self.name]
        if not mine or not change.address_changed or change.address is None:
            result.skipped += 1
            return
        for record_id in mine:
            if self.state.writeback_status(self.name, event.event_id, record_id) is not None:
                result.skipped += 1
                continue
            status, detail = await self._write(event, record_id)
            setattr(result, status, getattr(result, status) + 1)
            entry = WriteBackEntry(
                event.event_id,
                record_id,
                change.citizen_id,
                change.version,
                status,
                detail,
                datetime.now(UTC),
            )
            self.state.record_writeback(self.name, entry)

    async def _write(self, event: CitizenChangedEvent, record_id: str) -> tuple[str, str | None]:
        change = event.payload
        if change.cause_source_system == self.name:
            return "skipped", "the change came from this system"
        applied = self.state.latest_version(self.name, change.citizen_id, record_id)
        if applied is not None and applied >= change.version:
            return "skipped", f"version {change.version} is not newer than {applied}"
        assert change.address is not None
        try:
            outcome = await self.writer.write_address(record_id, change.address, event.event_id)
        except RecordRejected as error:
            self.state.add_reports(
                self.name, [Report(error.reference, f"write-back refused: {error.reason}")]
            )
            return "failed", error.reason
        return outcome, None
