"""Storing inbound events: source records (newest change wins), identifiers, data quality, service events."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic_core import from_json
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import Address, PersonRecord, PersonRecordEvent, ServiceEventEvent, SourceRecordDeletedEvent
from hub.store.bulk import chunks, delete_where_in, insert_rows, one_of, upsert_rows
from hub.store.models import DataQualityIssue, Identifier, ServiceEventRow, SourceRecord
from matching.addresses import repaired_uk_postcode
from matching.model import RecordChange
from matching.names import standard_name
from matching.rules import simple_name
from matching.standardise import other_names_of


@dataclass
class StoredBatch:
    """The newest change of each source record in a batch, not yet written.

    ``rows`` are the source_records rows to write (the match store completes them with features and
    membership and writes each once); ``previous_blocking`` holds the stored blocking keys of records
    that already existed (to lock and replace them).
    """

    changes: list[RecordChange] = field(default_factory=list)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous_blocking: dict[str, list[str]] = field(default_factory=dict)
    stale: int = 0


_SEARCH_COLUMNS = (
    "family_norm",
    "given_norm",
    "other_family_norm",
    "other_given_norm",
    "birth_date",
    "birth_year",
    "postcode",
    "postcode_district",
)


def search_columns(record: PersonRecord) -> dict[str, Any]:
    """The columns agents' searches read, from a source record: the name as matching standardises it
    (titles dropped, ``SMITH, John`` in one field read as John Smith, the first given name alone), in
    letters only; and the first other surname and first name it holds (a birth surname, the name the
    person goes by), which a caller may give instead."""
    dob = record.date_of_birth
    postcode = next(filter(None, map(_search_postcode, record.addresses)), None)
    name = standard_name(record.name.title, record.name.given, record.name.middle, record.name.family)
    other_families, other_givens = other_names_of(record, name)
    return {
        "family_norm": simple_name(name.family) or None,
        "given_norm": simple_name(name.given) or None,
        "other_family_norm": next(filter(None, map(simple_name, other_families)), None),
        "other_given_norm": next(filter(None, map(simple_name, other_givens)), None),
        "birth_date": dob.as_date.isoformat() if dob and dob.as_date else None,
        "birth_year": dob.year if dob and not dob.invalid else None,
        "postcode": postcode,
        "postcode_district": re.sub(r"\s.*$", "", postcode) if postcode else None,
    }


def _search_postcode(address: Address) -> str | None:
    """The address's UK postcode as agents search for it: as given when it has the shape, put right when
    an O was typed for a zero or the other way round (``BLO 9AB``), else none."""
    if not address.postcode or not address.postcode_invalid:
        return address.postcode
    return repaired_uk_postcode(address.postcode) or None


def record_row(
    record: PersonRecord, payload: str, occurred_at: datetime, event_id: str, received_at: datetime
) -> dict[str, Any]:
    """The source_records row of a live record (``payload`` is its JSON), before the match store adds
    its features, blocking keys and citizen."""
    return {
        "source_key": record.source_key,
        "source_system": record.source_system,
        "source_record_id": record.source_record_id,
        "occurred_at": occurred_at,
        "event_id": event_id,
        "received_at": received_at,
        "payload": payload,
        "deleted": False,
    } | search_columns(record)


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
    """Keep the newest change of each source record, unless a newer one is already stored.

    Identifiers and data-quality issues are written here; the source_records rows are returned for the
    match store to write once, complete (``SqlMatchStore(pending=...)``).
    """
    result = StoredBatch()
    newest = _newest(events)
    keys = sorted(newest)
    stored: dict[str, tuple[datetime, str]] = {}
    for chunk in chunks(session, keys):
        for key, occurred_at, event_id, blocking in session.execute(
            select(
                SourceRecord.source_key,
                SourceRecord.occurred_at,
                SourceRecord.event_id,
                SourceRecord.blocking,
            ).where(one_of(session, SourceRecord.source_key, chunk))
        ).all():
            when = occurred_at if occurred_at.tzinfo else occurred_at.replace(tzinfo=UTC)
            stored[key] = (when, event_id)
            result.previous_blocking[key] = from_json(blocking) if blocking else []
    now = datetime.now(UTC)
    for key in keys:
        event = newest[key]
        if key in stored and stored[key] >= (event.occurred_at, event.event_id):
            result.stale += 1
            result.previous_blocking.pop(key, None)
            continue
        payload = event.payload
        if isinstance(event, PersonRecordEvent):
            row = record_row(payload, payload.model_dump_json(), event.occurred_at, event.event_id, now)
            result.changes.append(RecordChange(key, event.payload))
        else:
            row = {
                "source_key": key,
                "source_system": payload.source_system,
                "source_record_id": payload.source_record_id,
                "occurred_at": event.occurred_at,
                "event_id": event.event_id,
                "received_at": now,
                "payload": None,
                "deleted": True,
            } | dict.fromkeys(_SEARCH_COLUMNS)
            result.changes.append(RecordChange(key, None))
        result.rows[key] = row
    _replace_identifiers(session, [newest[c.key] for c in result.changes], set(stored))
    return result


def _replace_identifiers(session: Session, events: Sequence[Any], existing: set[str]) -> None:
    # Brand-new records have nothing to delete.
    replaced = [e.payload.source_key for e in events if e.payload.source_key in existing]
    delete_where_in(session, Identifier, "source_key", replaced)
    delete_where_in(session, DataQualityIssue, "source_key", replaced)
    identifiers: dict[tuple[str, str, str], dict[str, Any]] = {}
    issues: list[dict[str, Any]] = []
    for event in events:
        if not isinstance(event, PersonRecordEvent):
            continue
        record = event.payload
        key = record.source_key
        for ident in record.identifiers:
            identifiers.setdefault(
                (key, ident.scheme, ident.value),
                {"source_key": key, "scheme": ident.scheme, "value": ident.value, "invalid": ident.invalid},
            )
        for address in record.addresses:
            if address.uprn and not address.uprn_invalid:
                identifiers.setdefault(
                    (key, "uprn", address.uprn),
                    {"source_key": key, "scheme": "uprn", "value": address.uprn, "invalid": None},
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
    insert_rows(session, Identifier, list(identifiers.values()))
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
