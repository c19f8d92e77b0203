"""Reading citizens, their source records and their service events."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.api import CitizenView, ServiceEventView, SourceRecordView
from hub.store.models import Citizen, ServiceEventRow, SourceRecord


def resolve(session: Session, citizen_id: str) -> Citizen | None:
    """The citizen an id means now, following retirements to the survivor."""
    seen: set[str] = set()
    citizen = session.scalars(select(Citizen).where(Citizen.citizen_id == citizen_id)).first()
    while (
        citizen is not None
        and citizen.status == "retired"
        and citizen.retired_into
        and citizen.citizen_id not in seen
    ):
        seen.add(citizen.citizen_id)
        citizen = session.scalars(select(Citizen).where(Citizen.citizen_id == citizen.retired_into)).first()
    return citizen


def source_record_view(row: SourceRecord) -> SourceRecordView:
    return SourceRecordView(
        source_system=row.source_system,
        source_record_id=row.source_record_id,
        citizen_id=row.citizen_id,
        occurred_at=row.occurred_at,
        deleted=row.deleted,
        record=json.loads(row.payload) if row.payload else None,
        link_weight=row.link_weight,
        link_explanation=row.link_summary,
        link_detail=row.link_detail,
    )


def citizen_view(session: Session, citizen: Citizen) -> CitizenView:
    records = list(
        session.scalars(
            select(SourceRecord)
            .where(SourceRecord.citizen_id == citizen.citizen_id)
            .order_by(SourceRecord.source_key)
        )
    )
    keys = [r.source_key for r in records]
    events = (
        list(
            session.scalars(
                select(ServiceEventRow)
                .where(ServiceEventRow.source_key.in_(keys))
                .order_by(ServiceEventRow.at.desc())
            )
        )
        if keys
        else []
    )
    return CitizenView(
        citizen_id=citizen.citizen_id,
        version=citizen.version,
        status=citizen.status,
        retired_into=citizen.retired_into,
        golden=citizen.golden or {},
        source_records=[source_record_view(r) for r in records],
        service_events=[
            ServiceEventView(
                source_system=e.source_system,
                source_record_id=e.source_key.partition("/")[2],
                service_event_id=e.service_event_id,
                service=e.service,
                kind=e.kind,
                at=e.at,
                summary=e.summary,
                reference=e.reference,
                attributes=e.attributes,
            )
            for e in events
        ],
    )


def source_record(session: Session, system: str, record_id: str) -> SourceRecord | None:
    return session.scalars(
        select(SourceRecord).where(
            SourceRecord.source_system == system, SourceRecord.source_record_id == record_id
        )
    ).first()
