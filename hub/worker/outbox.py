"""The transactional outbox relay: publishes committed outbound events, oldest first."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from hub.bus.base import EventBus
from hub.store.db import Database
from hub.store.models import OutboxMessage


async def relay_once(db: Database, bus: EventBus, limit: int = 1000) -> int:
    """Publish up to ``limit`` unpublished outbox messages; returns how many were published.

    On PostgreSQL the rows are claimed with SKIP LOCKED so several workers can relay side by side. A crash
    between the publish and the commit publishes again: consumers dedupe by event id.
    """
    session = db.sessions()
    try:
        query = (
            select(OutboxMessage.id, OutboxMessage.topic, OutboxMessage.key, OutboxMessage.value)
            .where(OutboxMessage.published_at.is_(None))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = await asyncio.to_thread(lambda: session.execute(query).all())
        if not rows:
            return 0
        by_topic: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
        for _id, topic, key, value in rows:
            by_topic[topic].append((key, value.encode()))
        for topic, items in by_topic.items():
            await bus.publish_raw(topic, items)

        def mark() -> None:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([r[0] for r in rows]))
                .values(published_at=datetime.now(UTC))
            )
            session.commit()

        await asyncio.to_thread(mark)
        return len(rows)
    except BaseException:
        await asyncio.to_thread(session.rollback)
        raise
    finally:
        await asyncio.to_thread(session.close)


PRUNE_LIMIT = 10_000
"""Most published events one prune deletes (a short transaction; the next prune takes the rest)."""


def prune_outbox(session: Session, retention: timedelta, now: datetime | None = None) -> int:
    """Delete up to :data:`PRUNE_LIMIT` events published longer ago than ``retention``, oldest first, in
    the caller's transaction; returns how many. An event not yet published is never deleted."""
    cutoff = (now or datetime.now(UTC)) - retention
    oldest = (
        select(OutboxMessage.id)
        .where(OutboxMessage.published_at.is_not(None), OutboxMessage.published_at < cutoff)
        .order_by(OutboxMessage.published_at)
        .limit(PRUNE_LIMIT)
        .scalar_subquery()
    )
    result = session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(oldest)))
    return int(getattr(result, "rowcount", 0) or 0)
