"""Matching what the hub holds again, under the match parameters in force.

A council that installs a trained parameter file (``citizen-hub match train``) wants the records already
stored judged by it too, not only the ones that arrive next. :func:`rematch` reads every live source
record in order of its key, a batch at a time, prepares it again (new features and blocking keys), and
re-clusters its neighbourhood through the same matcher and the same unit of work as a worker's batch:
citizens that change are announced on the outbox (CitizenChanged, CitizensMerged, CitizenSplit) for a
worker's relay to publish, and supervisors' decisions hold as they always do. Under unchanged parameters
nothing changes and nothing is announced.

Workers may run meanwhile. On PostgreSQL a batch locks the rows it reads until it commits; a newer change
of a record always wins over the stored one being matched again (the write is conditional on it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic_core import from_json
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import PersonRecord
from hub.store.bulk import is_postgres
from hub.store.db import Database
from hub.store.match_store import SqlMatchStore
from hub.store.models import SourceRecord
from hub.worker.citizens import CitizenOutcome, apply_plan
from hub.worker.records import record_row
from hub.worker.retry import in_unit_of_work
from matching.incremental import IncrementalMatcher
from matching.model import RecordChange
from matching.survivorship import Survivorship

BATCH_SIZE = 1000
"""Source records matched again in one transaction (as a worker's batch)."""


@dataclass
class RematchResult:
    records: int = 0
    citizens: CitizenOutcome = field(default_factory=CitizenOutcome)


def rematch(
    db: Database,
    matcher: IncrementalMatcher,
    changes_topic: str,
    survivorship: Survivorship | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[RematchResult], object] | None = None,
) -> RematchResult:
    """Match every live source record again, ``batch_size`` records a transaction, in key order.

    Args:
        db: the hub database.
        matcher: the matcher with the engine (parameters and thresholds) now in force.
        changes_topic: where changed citizens are announced (through the outbox).
        survivorship: how golden records are chosen (as the workers'); default: the shipped rules.
        batch_size: records a transaction.
        progress: called with the running totals after each batch.
    """
    total = RematchResult()
    after = ""
    while True:
        done = in_unit_of_work(
            db,
            partial(
                _rematch_batch,
                matcher=matcher,
                topic=changes_topic,
                survivorship=survivorship,
                after=after,
                batch_size=batch_size,
            ),
        )
        if done is None:
            return total
        after, records, outcome = done
        total.records += records
        for name in ("created", "changed", "merged", "split", "reviews"):
            setattr(total.citizens, name, getattr(total.citizens, name) + getattr(outcome, name))
        if progress is not None:
            progress(total)


def _rematch_batch(
    session: Session,
    *,
    matcher: IncrementalMatcher,
    topic: str,
    survivorship: Survivorship | None,
    after: str,
    batch_size: int,
) -> tuple[str, int, CitizenOutcome] | None:
    """The next ``batch_size`` live records after the key ``after``, matched again: the last key, how
    many, and what changed; ``None`` when none are left."""
    query = (
        select(
            SourceRecord.source_key,
            SourceRecord.payload,
            SourceRecord.blocking,
            SourceRecord.occurred_at,
            SourceRecord.event_id,
            SourceRecord.received_at,
        )
        .where(SourceRecord.source_key > after, SourceRecord.deleted.is_(False))
        .order_by(SourceRecord.source_key)
        .limit(batch_size)
    )
    if is_postgres(session):
        query = query.with_for_update()
    found = session.execute(query).all()
    if not found:
        return None
    rows: dict[str, dict[str, Any]] = {}
    previous_blocking: dict[str, list[str]] = {}
    changes: list[RecordChange] = []
    known: dict[str, PersonRecord] = {}
    for key, payload, blocking, occurred_at, event_id, received_at in found:
        if payload is None:
            continue
        record = PersonRecord.model_validate_json(payload)
        known[key] = record
        changes.append(RecordChange(key, record))
        previous_blocking[key] = from_json(blocking) if blocking else []
        rows[key] = record_row(record, payload, occurred_at, event_id, received_at)
    outcome = CitizenOutcome()
    if changes:
        store = SqlMatchStore(session, rows, previous_blocking, same_change_replaces=True)
        plan = matcher.process(store, changes)
        store.flush()
        outcome = apply_plan(session, plan, topic, known, survivorship)
    return found[-1].source_key, len(changes), outcome
