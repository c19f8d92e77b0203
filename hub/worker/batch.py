"""Apply one polled batch of bus messages in one transaction: exactly once in effect.

The processed-event check and the effects share the transaction; the caller commits the offsets only
after this transaction committed. Messages that cannot be read become dead letters with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from contracts import (
    INBOUND_ADAPTER,
    PersonRecordEvent,
    ServiceEventEvent,
    SourceRecordDeletedEvent,
)
from hub.bus.base import Message
from hub.store.bulk import chunks, dumps, insert_rows, is_postgres, one_of
from hub.store.match_store import SqlMatchStore
from hub.store.models import DeadLetter, OutboxMessage, ProcessedEvent
from hub.worker.citizens import CitizenOutcome, apply_plan
from hub.worker.records import store_record_events, store_service_events
from matching.incremental import IncrementalMatcher
from matching.survivorship import Survivorship


@dataclass
class BatchResult:
    messages: int = 0
    applied: int = 0
    duplicates: int = 0
    stale: int = 0
    rejected: int = 0
    service_events: int = 0
    citizens: CitizenOutcome = field(default_factory=CitizenOutcome)
    comparisons: int = 0


def describe_errors(error: ValidationError) -> str:
    """One line naming every bad field and the rule it breaks."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(message)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def _dead_letter(message: Message, reason: str, event_id: str | None = None) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "topic": message.topic,
        "partition": message.partition,
        "offset": message.offset,
        "key": message.key,
        "value": message.value.decode("utf-8", errors="replace"),
        "reason": reason,
        "received_at": datetime.now(UTC),
    }


def apply_batch(
    session: Session,
    matcher: IncrementalMatcher,
    messages: Sequence[Message],
    changes_topic: str,
    dead_letter_topic: str,
    survivorship: Survivorship | None = None,
) -> BatchResult:
    result = BatchResult(messages=len(messages))
    if is_postgres(session):
        # Every statement here is short and indexed: compiling them (JIT) costs more than it saves.
        # The candidate look-up groups a batch's ~20,000 (key, holder) pairs: with the stock 4 MB of
        # work_mem that spills to temporary files.
        session.execute(text("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)"))
    dead: list[dict[str, Any]] = []
    events: list[Any] = []
    for message in messages:
        try:
            events.append(INBOUND_ADAPTER.validate_json(message.value))
        except ValidationError as error:
            dead.append(_dead_letter(message, describe_errors(error)))
    ids = sorted({e.event_id for e in events})
    seen: set[str] = set()
    for chunk in chunks(session, ids):
        seen.update(
            session.scalars(
                select(ProcessedEvent.event_id).where(one_of(session, ProcessedEvent.event_id, chunk))
            )
        )
    fresh: list[Any] = []
    for event in events:
        if event.event_id in seen:
            result.duplicates += 1
            continue
        seen.add(event.event_id)
        fresh.append(event)
    record_events = [e for e in fresh if isinstance(e, PersonRecordEvent | SourceRecordDeletedEvent)]
    stored = store_record_events(session, record_events)
    result.stale = stored.stale
    result.service_events = store_service_events(
        session, [e for e in fresh if isinstance(e, ServiceEventEvent)]
    )
    if stored.changes:
        store = SqlMatchStore(session, stored.rows, stored.previous_blocking)
        plan = matcher.process(store, stored.changes)
        store.flush()
        result.comparisons = store.comparisons
        known = {c.key: c.record for c in stored.changes if c.record is not None}
        result.citizens = apply_plan(session, plan, changes_topic, known, survivorship)
    now = datetime.now(UTC)
    if fresh:
        insert_rows(session, ProcessedEvent, [{"event_id": e.event_id, "processed_at": now} for e in fresh])
    if dead:
        insert_rows(session, DeadLetter, dead)
        insert_rows(
            session,
            OutboxMessage,
            [
                {
                    "topic": dead_letter_topic,
                    "key": d["key"] or "",
                    "value": dumps({k: v for k, v in d.items() if k != "received_at"}),
                    "created_at": now,
                    "published_at": None,
                }
                for d in dead
            ],
        )
    result.applied = len(fresh)
    result.rejected = len(dead)
    return result
