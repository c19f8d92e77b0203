"""The web channel: a signed-in resident's own record, fit for a council website's "my account", and
their report of a change of address (which enters the hub as an event like any other)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from contracts import WEB_CHANNEL, PersonRecord, make_event
from contracts.events import PersonRecordEvent
from hub.auth.principal import Principal
from hub.citizens import repository
from hub.reviews.decisions import add_constraints, members
from hub.store.models import Citizen

SERVICES = {
    "council_tax": "Council Tax",
    "benefits": "Benefits",
    "housing": "Housing",
    WEB_CHANNEL: "Your council account",
}
RECENT_EVENTS = 10


def own_citizen(session: Session, principal: Principal) -> Citizen | None:
    """The resident's citizen: only ever the subject of their own token (retired ids resolve)."""
    citizen = repository.resolve(session, principal.subject)
    return citizen if citizen is not None and citizen.status == "active" else None


def _value(fields: dict[str, Any], name: str) -> Any:
    return (fields.get(name) or {}).get("value")


def my_account(session: Session, citizen: Citizen) -> dict[str, Any]:
    """Their details, their services and recent events. No scores, no explanations, no internal notes."""
    view = repository.citizen_view(session, citizen)
    fields = (view.golden or {}).get("fields", {})
    services: dict[str, dict[str, Any]] = {}
    for record in view.source_records:
        if record.deleted or record.record is None:
            continue
        entry = services.setdefault(
            record.source_system,
            {"service": SERVICES.get(record.source_system, record.source_system.replace("_", " ").title()),
             "references": []},
        )  # fmt: skip
        for ident in record.record.get("identifiers", []):
            if ident.get("scheme") not in ("nino", "nhs", "uprn"):
                entry["references"].append(str(ident.get("value")))
    events = [
        {"service": SERVICES.get(e.service, e.service.replace("_", " ").title()),
         "what": e.kind.replace("_", " ").capitalize(), "when": e.at.date().isoformat(), "summary": e.summary}
        for e in view.service_events[:RECENT_EVENTS]
    ]  # fmt: skip
    name = " ".join(str(p) for p in (_value(fields, "given_name"), _value(fields, "family_name")) if p)
    return {
        "citizen_id": citizen.citizen_id,
        "name": name,
        "date_of_birth": _value(fields, "date_of_birth"),
        "address": _value(fields, "address"),
        "phone": _value(fields, "phone"),
        "email": _value(fields, "email"),
        "services": [services[k] for k in sorted(services)],
        "recent_events": events,
    }


def change_of_address_record(
    citizen: Citizen,
    lines: list[str],
    town: str | None,
    postcode: str,
    moved_on: date | None,
    now: datetime,
    protected: bool = False,
) -> PersonRecord:
    """The web channel's view of the resident: their golden record with the new address."""
    fields = (citizen.golden or {}).get("fields", {})
    identifiers = [
        {"scheme": s, "value": str(_value(fields, s))} for s in ("nino", "nhs") if _value(fields, s)
    ]
    return PersonRecord.model_validate(
        {
            "source_system": WEB_CHANNEL,
            "source_record_id": citizen.citizen_id,
            "name": {
                "title": _value(fields, "title"),
                "given": _value(fields, "given_name"),
                "middle": _value(fields, "middle_names"),
                "family": _value(fields, "family_name"),
            },
            "date_of_birth": _value(fields, "date_of_birth"),
            "identifiers": identifiers,
            "addresses": [
                {
                    "lines": lines,
                    "town": town,
                    "postcode": postcode,
                    "valid_from": moved_on,
                    "kind": "residential",
                }
            ],
            "phones": [_value(fields, "phone")] if _value(fields, "phone") else [],
            "emails": [_value(fields, "email")] if _value(fields, "email") else [],
            "protected_address": protected,
            "updated_at": now,
        }
    )


def report_change_of_address(
    session: Session,
    principal: Principal,
    citizen: Citizen,
    lines: list[str],
    town: str | None,
    postcode: str,
    moved_on: date | None,
    protected: bool,
) -> PersonRecordEvent:
    """Build the inbound event and record that the web record is this resident (a must-link decided by
    the resident), in the caller's transaction. The caller publishes the event after the commit."""
    now = datetime.now(UTC)
    record = change_of_address_record(citizen, lines, town, postcode, moved_on, now, protected)
    anchor = members(session, citizen.citizen_id)
    if anchor:
        add_constraints(
            session, principal, "must_link", [(record.source_key, anchor[0])],
            "The resident reported a change of address through the council website",
        )  # fmt: skip
    event = make_event(record, now)
    assert isinstance(event, PersonRecordEvent)
    return event
