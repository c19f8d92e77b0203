"""POST /v1/events (back-office systems push events), dead letters and the data-quality report."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import func, select

from contracts import INBOUND_ADAPTER
from contracts.api import EventsAccepted
from hub.api.deps import BusDep, ReadSession, SettingsDep
from hub.api.problems import problem, validation_errors
from hub.auth import Principal, Role, require
from hub.bus.base import EventPublisher
from hub.store.models import DataQualityIssue, DeadLetter

router = APIRouter(prefix="/v1", tags=["events"])

MAX_BATCH = 5000

Publisher = Annotated[Principal, Depends(require(Role.SYSTEM, Role.ADMIN))]
Steward = Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.ADMIN))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


@router.post(
    "/events",
    status_code=202,
    response_model=EventsAccepted,
    responses={422: {"description": "RFC 9457 problem details naming every bad field"}},
)
async def post_events(
    request: Request,
    bus: BusDep,
    settings: SettingsDep,
    principal: Publisher,
    body: Annotated[Any, Body(description="One event envelope, or a list of them")] = None,
) -> Any:
    """Validate one event or a batch as a whole; publish all of it, or none of it.

    Roles system and admin. A system (API key) speaks only for the source system its key is named after.
    """
    items = body if isinstance(body, list) else [body]
    if not items or len(items) > MAX_BATCH:
        return problem(422, "The request is not valid", f"Send between 1 and {MAX_BATCH} events")
    events = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            events.append(INBOUND_ADAPTER.validate_python(item))
        except ValidationError as error:
            for e in validation_errors(error.errors()):
                e["field"] = f"[{index}].{e['field']}" if isinstance(body, list) else e["field"]
                errors.append(e)
    if principal.role is Role.SYSTEM:
        for index, event in enumerate(events):
            if event.source_system != principal.subject or event.payload.source_system != principal.subject:
                return problem(
                    403,
                    "Forbidden",
                    f"event [{index}] is for another source system; this key speaks for {principal.subject}",
                    instance=request.url.path,
                )
    if errors:
        return problem(
            422,
            "The events are not valid",
            f"{len(errors)} field(s) break a rule; nothing was published",
            instance=request.url.path,
            errors=errors,
        )
    await EventPublisher(bus, settings.topic_source_records).publish(events)
    return JSONResponse(
        EventsAccepted(accepted=len(events), event_ids=[e.event_id for e in events]).model_dump(),
        status_code=202,
    )


@router.get("/dead-letters")
def dead_letters(
    session: ReadSession, principal: Admin, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[dict[str, Any]]:
    """Events the worker could not apply, newest first, with the reason (admin: they hold raw records)."""
    rows = session.scalars(select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit))
    return [
        {
            "id": r.id,
            "topic": r.topic,
            "partition": r.partition,
            "offset": r.offset,
            "key": r.key,
            "reason": r.reason,
            "received_at": r.received_at.isoformat(),
            "value": _maybe_json(r.value),
        }
        for r in rows
    ]


@router.get("/data-quality")
def data_quality(session: ReadSession, principal: Steward) -> dict[str, Any]:
    """Values kept as given but breaking a rule, counted by source system and rule (no personal data)."""
    rows = session.execute(
        select(DataQualityIssue.source_system, DataQualityIssue.rule, func.count())
        .group_by(DataQualityIssue.source_system, DataQualityIssue.rule)
        .order_by(DataQualityIssue.source_system, DataQualityIssue.rule)
    ).all()
    return {
        "total": sum(n for _, _, n in rows),
        "by_rule": [{"source_system": s, "rule": r, "count": n} for s, r, n in rows],
    }


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
