"""A resident's subject access report: everything the hub holds about them, and who has looked at it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hub.audit import repository as audit
from hub.citizens import repository
from hub.store.models import Citizen, CitizenHistory, ManualDecision

_ACTIONS = {
    "read_citizen": "looked at your record",
    "view_protected_address": "looked at your record, including your protected address",
    "search": "saw you in search results",
    "read_source_record": "looked at one of your service records",
    "decide_review": "decided whether two records are you",
    "merge": "joined records into your record",
    "split": "separated records from your record",
    "undo_merge": "undid a joining of records",
    "report_wrong_match": "reported a record that may not be you",
    "subject_access": "produced a subject access report",
    "change_of_address": "reported a change of address",
    "sign_in": "signed in",
}


def known_ids(session: Session, citizen_id: str) -> list[str]:
    """The citizen's id and every retired id that now resolves to it."""
    found = [citizen_id]
    frontier = [citizen_id]
    while frontier:
        retired = list(session.scalars(select(Citizen.citizen_id).where(Citizen.retired_into.in_(frontier))))
        frontier = [r for r in retired if r not in found]
        found.extend(frontier)
    return found


def report(session: Session, citizen_id: str, *, for_resident: bool) -> dict[str, Any] | None:
    """The report as JSON-ready data; staff names are left out of the copy given to the resident (they are
    other people's personal data), their role and purpose are not."""
    citizen = repository.resolve(session, citizen_id)
    if citizen is None:
        return None
    view = repository.citizen_view(session, citizen)
    ids = known_ids(session, citizen.citizen_id)
    keys = [f"{r.source_system}/{r.source_record_id}" for r in view.source_records]
    decisions = list(
        session.scalars(
            select(ManualDecision)
            .where(or_(ManualDecision.a.in_(keys), ManualDecision.b.in_(keys)))
            .order_by(ManualDecision.id)
        )
    ) if keys else []  # fmt: skip
    history = list(
        session.scalars(
            select(CitizenHistory).where(CitizenHistory.citizen_id.in_(ids)).order_by(CitizenHistory.id)
        )
    )
    looked = audit.search(session, citizen_ids=ids, limit=1000)
    fields = (view.golden or {}).get("fields", {})
    return {
        "citizen_id": citizen.citizen_id,
        "generated_at": datetime.now(UTC).isoformat(),
        "also_known_as": [i for i in ids if i != citizen.citizen_id],
        "details": {
            name: {"value": f.get("value"), "from": f.get("source_system")} for name, f in fields.items()
        },
        "source_records": [
            {
                "source_system": r.source_system,
                "source_record_id": r.source_record_id,
                "last_changed": r.occurred_at.isoformat(),
                "why_it_is_yours": r.link_explanation,
                "record": r.record,
            }
            for r in view.source_records
        ],
        "service_events": [
            {
                "service": e.service,
                "kind": e.kind,
                "at": e.at.isoformat(),
                "summary": e.summary,
                "reference": e.reference,
            }
            for e in view.service_events
        ],  # fmt: skip
        "decisions_about_your_records": [
            {
                "kind": d.kind.replace("_", " "),
                "records": [d.a, d.b],
                "at": d.at.isoformat(),
                "decided_by": d.decided_by.partition(":")[0] if for_resident else d.decided_by,
                "active": d.active,
            }
            for d in decisions
        ],  # fmt: skip
        "history": [{"version": h.version, "kind": h.kind, "at": h.at.isoformat()} for h in history],
        "who_has_looked": [
            {
                "at": a["at"],
                "role": a["role"],
                "what": _ACTIONS.get(a["action"], a["action"].replace("_", " ")),
                "purpose": a["purpose"],
                "channel": a["channel"],
                **({} if for_resident else {"actor": a["actor"], "action": a["action"]}),
            }
            for a in looked
        ],
    }
