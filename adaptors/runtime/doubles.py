"""Tiny test doubles of the hub's ports, for testing an adaptor without a hub (councils may use them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from adaptors.runtime.ports import FeedItem


class RecordingPublisher:
    """A ``Publisher`` that keeps what it acknowledged; ``fail_after`` simulates a broker that dies."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.events: list[Any] = []
        self.fail_after = fail_after

    async def publish(self, events: Sequence[Any]) -> None:
        if self.fail_after is not None and len(self.events) + len(events) > self.fail_after:
            raise ConnectionError("broker gone")
        self.events.extend(events)

    @property
    def event_ids(self) -> list[str]:
        return [str(e.event_id) for e in self.events]

    def duplicates(self) -> dict[str, int]:
        """Event ids published more than once (harmless: the hub dedupes by event id)."""
        return {k: v for k, v in Counter(self.event_ids).items() if v > 1}


class ListChangeFeed:
    """A ``ChangeFeed`` over a list; uncommitted items are delivered again after ``restart()``."""

    def __init__(self, events: Sequence[Any] = ()) -> None:
        self.items: list[FeedItem] = [FeedItem(event=e, handle=i) for i, e in enumerate(events)]
        self.committed = 0
        self.position = 0

    def append(self, event: Any) -> None:
        self.items.append(FeedItem(event=event, handle=len(self.items)))

    def append_undecodable(self, error: str) -> None:
        self.items.append(FeedItem(event=None, handle=len(self.items), error=error))

    async def poll(self, max_items: int, timeout_s: float) -> list[FeedItem]:
        batch = self.items[self.position : self.position + max_items]
        self.position += len(batch)
        return batch

    async def commit(self, items: Sequence[FeedItem]) -> None:
        if items:
            self.committed = max(self.committed, max(int(i.handle) for i in items) + 1)

    def restart(self) -> None:
        """What a restarted consumer does: resume at the committed position."""
        self.position = self.committed
