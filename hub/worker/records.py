"""Storing inbound events: source records (newest change wins), identifiers, data quality, service events."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import PersonRecordEvent, ServiceEventEvent, SourceRecordDeletedEvent
from hub.store.bulk import chunks, delete_where_in, insert_rows, one_of, upsert_rows
from hub.store.models import DataQualityIssue, Identifier, ServiceEventRow, SourceRecord
from matching.model import RecordChange
from matching.rules import simple_name


@dataclass
class StoredBatch:
    changes: list[RecordChange] = field(default_factory=list)
    stale: int = 0
    service_events: int = 0


def _search_columns(event: PersonRecordEvent) -> dict[str, Any]:
    record = event.payload
    dob = record.date_of_birth
    postcode = next((a.postcode for a in record.addresses if a.postcode and not a.postcode_invalid), None)
    return {
        "family_norm": simple_name(record.name.family) or None,
        "given_norm": simple_name(record.name.given) or None,
        "birth_date": dob.as_date.isoformat() if dob and dob.as_date else None,
        "birth_year": dob.year if dob and not dob.invalid else None,
        "postcode": postcode,
        "postcode_district": re.sub(r"\s.*$", "", postcode) if postcode else None,
    }


def _newest(events: Sequence[PersonRecordEvent | SourceRecordDeletedEvent]) -> dict[str, Any]:
    """The newest change per source key: by occurred_at, ties broken by event id (order independent)."""
    newest: dict[str, Any] = {}
    for event in events:
        key = event.payload.source_key
        current = newest.get(key)
        if current is None or (event.occurred_at, event.event_id) > (current.occurred_at, current.event_id):
            newest[key] = event
    return newest


def store_record_events(
    session: Session, events: Sequence[PersonRecordEvent | SourceRecordDeletedEvent]
) -> StoredBatch:
    """Store the newest change of each source record, unless a newer one is already stored."""
    result = StoredBatch()
    newest = _newest(events)
    keys = sorted(newest)
    stored: dict[str, tuple[datetime, str]] = {}
    for chunk in chunks(session, keys):
        for key, occurred_at, event_id in session.execute(
            select(SourceRecord.source_key, SourceRecord.occurred_at, SourceRecord.event_id).where(
                one_of(session, SourceRecord.source_key, chunk)
            )
        ).all():
            when = occurred_at if occurred_at.tzinfo else occurred_at.replace(tzinfo=UTC)
            stored[key] = (when, event_id)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for key in keys:
        event = newest[key]
        if key in stored and stored[key] >= (event.occurred_at, event.event_id):
            result.stale += 1
            continue
        payload = event.payload
        row: dict[str, Any] = {
            "source_key": key,
            "source_system": payload.source_system,
            "source_record_id": payload.source_record_id,
            "occurred_at": event.occurred_at,
            "event_id": event.event_id,
            "received_at": now,
        }
        if isinstance(event, PersonRecordEvent):
            row |= {"payload": payload.model_dump_json(), "deleted": False} | _search_columns(event)
            result.changes.append(RecordChange(key, event.payload))
        else:
            row |= {"payload": None, "deleted": True} | dict.fromkeys(
                ("family_norm", "given_norm", "birth_date", "birth_year", "postcode", "postcode_district")
            )
            result.changes.append(RecordChange(key, None))
        rows.append(row)
    columns = [c for c in rows[0] if c != "source_key"] if rows else []
    upsert_rows(session, SourceRecord, rows, ["source_key"], columns)
    _replace_identifiers(session, [newest[c.key] for c in result.changes])
    return result


def _replace_identifiers(session: Session, events: Sequence[Any]) -> None:
    keys = [e.payload.source_key for e in events]
    delete_where_in(session, Identifier, "source_key", keys)
    delete_where_in(session, DataQualityIssue, "source_key", keys)
    identifiers: list[dict[str, Any]] = []
    issues: list[dict[str, Any]] = []
    for event in events:
        if not isinstance(event, PersonRecordEvent):
            continue
        record = event.payload
        key = record.source_key
        for ident in record.identifiers:
            identifiers.append(
                {"source_key": key, "scheme": ident.scheme, "value": ident.value, "invalid": ident.invalid}
            )
        for address in record.addresses:
            if address.uprn and not address.uprn_invalid:
                identifiers.append(
                    {"source_key": key, "scheme": "uprn", "value": address.uprn, "invalid": None}
                )
        for issue in record.data_quality_issues():
            issues.append(
                {
                    "source_key": key,
                    "source_system": record.source_system,
                    "field": issue.field,
                    "rule": issue.rule,
                }
            )
    insert_rows(session, Identifier, identifiers)
    insert_rows(session, DataQualityIssue, issues)


def store_service_events(session: Session, events: Sequence[ServiceEventEvent]) -> int:
    rows = [
        {
            "source_key": e.payload.source_key,
            "source_system": e.payload.source_system,
            "service_event_id": e.payload.service_event_id,
            "service": e.payload.service,
            "kind": e.payload.kind,
            "at": e.payload.at,
            "summary": e.payload.summary,
            "reference": e.payload.reference,
            "attributes": e.payload.attributes,
        }
        for e in events
    ]
    upsert_rows(session, ServiceEventRow, rows, ["source_system", "service_event_id"], None)
    return len(rows)
