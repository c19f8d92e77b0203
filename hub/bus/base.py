"""The event bus port: one interface, two implementations (Kafka via aiokafka, and an embedded log)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from contracts import partition_key


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: str
    value: bytes


class Consumer(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def poll(self, max_records: int, timeout_ms: int) -> list[Message]:
        """Up to ``max_records`` messages; an empty list when none arrived within ``timeout_ms``."""
        ...

    async def commit(self, messages: Sequence[Message]) -> None:
        """Commit, per partition, the offset after the last of ``messages``. Call after the DB commit."""
        ...


class EventBus(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        """Create the topics if they are missing (explicitly, with the configured partition count)."""
        ...

    async def publish_raw(self, topic: str, items: Sequence[tuple[str, bytes]]) -> None:
        """Publish keyed messages; returns only when the broker acknowledged every one."""
        ...

    def consumer(self, topic: str, group: str) -> Consumer:
        """A consumer in ``group`` (offsets committed manually, never automatically)."""
        ...


def encode(event: BaseModel) -> tuple[str, bytes]:
    """The bus key and JSON value of a contract event."""
    return partition_key(event), event.model_dump_json().encode()


class EventPublisher:
    """Publishes contract events on a topic: the ``Publisher`` the adaptors and the API use."""

    def __init__(self, bus: EventBus, topic: str) -> None:
        self.bus = bus
        self.topic = topic

    async def publish(self, events: Sequence[Any]) -> None:
        if events:
            await self.bus.publish_raw(self.topic, [encode(e) for e in events])
