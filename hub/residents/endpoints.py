"""/v1/me: the web channel's API. The citizen id is only ever the subject of the resident's own token;
no path takes another id, so a resident cannot name anyone else's record."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from contracts.person import Address
from hub.api.deps import BusDep, DatabaseDep, ReadSession, SettingsDep
from hub.audit import repository as audit
from hub.audit.subject_access import report
from hub.auth import Principal, Role, require
from hub.bus.base import EventPublisher
from hub.citizens.service import protected_citizens
from hub.residents import service
from hub.store.db import Database

router = APIRouter(prefix="/v1/me", tags=["web channel"])

Resident = Annotated[Principal, Depends(require(Role.CITIZEN))]


class ChangeOfAddress(BaseModel):
    lines: list[str] = Field(min_length=1, max_length=4, description="House and street first")
    town: str | None = Field(default=None, max_length=100)
    postcode: str = Field(min_length=5, max_length=10)
    moved_on: date | None = None


def _not_found() -> HTTPException:
    return HTTPException(404, "We cannot find your record; please contact the council")


@router.get("")
def my_account(session: ReadSession, db: DatabaseDep, principal: Resident) -> dict[str, Any]:
    """The resident's own details, services and recent events."""
    citizen = service.own_citizen(session, principal)
    if citizen is None:
        raise _not_found()
    account = service.my_account(session, citizen)
    audit.write(db, principal, "read_citizen", citizens=[citizen.citizen_id], channel="api", reader=session)
    return account


@router.get("/subject-access")
def my_subject_access(session: ReadSession, db: DatabaseDep, principal: Resident) -> dict[str, Any]:
    """Everything the hub holds about the resident, and who has looked at it."""
    found = report(session, principal.subject, for_resident=True)
    if found is None:
        raise _not_found()
    audit.write(
        db,
        principal,
        "subject_access",
        citizens=[found["citizen_id"]],
        detail={"for": "resident"},
        reader=session,
    )
    return found


def record_change(db: Database, principal: Principal, body: ChangeOfAddress, channel: str) -> Any:
    """Validate the address, record the must-link and the audit; returns the event to publish."""
    address = Address(lines=body.lines, town=body.town, postcode=body.postcode)
    if address.postcode_invalid or not address.postcode:
        raise HTTPException(422, "Enter a real postcode, like M5 4WT")
    with db.unit_of_work() as session:
        citizen = service.own_citizen(session, principal)
        if citizen is None:
            raise _not_found()
        protected = bool(protected_citizens(session, [citizen.citizen_id]))
        event = service.report_change_of_address(
            session,
            principal,
            citizen,
            address.lines,
            address.town,
            address.postcode,
            body.moved_on,
            protected,
        )
        audit.record(
            session, principal, "change_of_address", citizens=[citizen.citizen_id], channel=channel,
            detail={"event_id": event.event_id},
        )  # fmt: skip
    return event


@router.post("/change-of-address", status_code=202)
async def change_of_address(
    body: ChangeOfAddress, db: DatabaseDep, bus: BusDep, settings: SettingsDep, principal: Resident
) -> dict[str, Any]:
    """Report a move: published as a web_channel PersonRecord, matched like any other source."""
    event = await asyncio.to_thread(record_change, db, principal, body, "api")
    await EventPublisher(bus, settings.topic_source_records).publish([event])
    return {"accepted": True, "event_id": event.event_id}
