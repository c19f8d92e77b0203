"""/v1/reviews (the supervisors' queue) and the merge, split, undo-merge and wrong-match actions."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from hub.access.deps import PolicyDep
from hub.api.deps import SettingsDep, WriteSession
from hub.audit import repository as audit
from hub.auth import Principal, Role, require
from hub.reviews import decisions, queue
from hub.reviews.decisions import DecisionError

router = APIRouter(prefix="/v1", tags=["reviews"])

Supervisor = Annotated[Principal, Depends(require(Role.SUPERVISOR))]
QueueReader = Annotated[Principal, Depends(require(Role.SUPERVISOR, Role.ADMIN))]
Reporter = Annotated[Principal, Depends(require(Role.AGENT, Role.SUPERVISOR))]


class Decision(BaseModel):
    decision: str = Field(pattern="^(same|different)$", description="same person, or different people")
    reason: str = Field(default="", max_length=2000)


class Merge(BaseModel):
    other_citizen_id: str = Field(min_length=1, max_length=32)
    reason: str = Field(default="", max_length=2000)


class Split(BaseModel):
    source_keys: list[str] = Field(min_length=1, max_length=100, description="system/record_id to move out")
    reason: str = Field(default="", max_length=2000)


class UndoMerge(BaseModel):
    retired_citizen_id: str = Field(min_length=1, max_length=32)
    reason: str = Field(default="", max_length=2000)


class WrongMatch(BaseModel):
    source_key: str = Field(min_length=3, max_length=200, description="The record that is not this person")
    note: str = Field(default="", max_length=2000)


def _fail(error: DecisionError) -> HTTPException:
    return HTTPException(error.status, error.message)


@router.get("/reviews")
def list_reviews(session: WriteSession, principal: QueueReader) -> list[dict[str, Any]]:
    """Waiting review tasks: mine first, then agents' reports, then the oldest."""
    return [
        {"id": t.id, "a": t.a, "b": t.b, "status": t.status, "assigned_to": t.assigned_to,
         "created_at": t.created_at.isoformat()}
        for t in queue.tasks(session, principal.actor)
    ]  # fmt: skip


@router.get("/reviews/{task_id}")
def get_review(task_id: int, session: WriteSession, principal: QueueReader) -> dict[str, Any]:
    """Both records side by side with the evidence (the records' citizens are audited as read)."""
    found = queue.detail(session, task_id)
    if found is None:
        raise HTTPException(404, f"No review task {task_id}")
    citizens = [c for c in (found.left.citizen_id, found.right.citizen_id) if c]
    audit.record(session, principal, "read_review", citizens=citizens, detail={"task": task_id})
    return asdict(found)


@router.post("/reviews/next")
def next_review(session: WriteSession, principal: Supervisor, settings: SettingsDep) -> dict[str, Any]:
    """Assign the next waiting task to the caller (their own first; a lapsed claim counts as free)."""
    task_id = queue.claim_next(session, principal.actor, timedelta(minutes=settings.review_claim_minutes))
    return {"task_id": task_id}


@router.post("/reviews/{task_id}/claim")
def claim_review(
    task_id: int, session: WriteSession, principal: Supervisor, settings: SettingsDep
) -> dict[str, Any]:
    try:
        queue.claim(session, task_id, principal.actor, timedelta(minutes=settings.review_claim_minutes))
    except DecisionError as error:
        raise _fail(error) from None
    return {"task_id": task_id, "assigned_to": principal.actor}


@router.post("/reviews/{task_id}/release")
def release_review(task_id: int, session: WriteSession, principal: Supervisor) -> dict[str, Any]:
    queue.release(session, task_id, principal.actor)
    return {"task_id": task_id, "assigned_to": None}


@router.post("/reviews/{task_id}/decide")
def decide_review(
    task_id: int, body: Decision, session: WriteSession, settings: SettingsDep, principal: Supervisor
) -> dict[str, Any]:
    """Same person or different people: recorded, re-clustered and the changes sent, in one transaction."""
    try:
        queue.decide(session, settings, principal, task_id, body.decision == "same", body.reason)
    except DecisionError as error:
        raise _fail(error) from None
    return {"task_id": task_id, "decision": body.decision}


@router.post("/citizens/{citizen_id}/merge")
def merge(
    citizen_id: str, body: Merge, session: WriteSession, settings: SettingsDep, principal: Supervisor
) -> dict[str, Any]:
    try:
        survivor = decisions.merge(
            session, settings, principal, citizen_id, body.other_citizen_id, body.reason
        )
    except DecisionError as error:
        raise _fail(error) from None
    audit.record(
        session, principal, "merge", citizens=[citizen_id, body.other_citizen_id, survivor],
        detail={"survivor": survivor, "reason": body.reason},
    )  # fmt: skip
    return {"citizen_id": survivor}


@router.post("/citizens/{citizen_id}/split")
def split(
    citizen_id: str, body: Split, session: WriteSession, settings: SettingsDep, principal: Supervisor
) -> dict[str, Any]:
    try:
        citizens = decisions.split(session, settings, principal, citizen_id, body.source_keys, body.reason)
    except DecisionError as error:
        raise _fail(error) from None
    audit.record(
        session, principal, "split", citizens=[citizen_id, *citizens],
        detail={"moved": body.source_keys, "reason": body.reason},
    )  # fmt: skip
    return {"citizen_ids": citizens}


@router.post("/citizens/{citizen_id}/undo-merge")
def undo_merge(
    citizen_id: str, body: UndoMerge, session: WriteSession, settings: SettingsDep, principal: Supervisor
) -> dict[str, Any]:
    try:
        revived = decisions.undo_merge(
            session, settings, principal, citizen_id, body.retired_citizen_id, body.reason
        )
    except DecisionError as error:
        raise _fail(error) from None
    audit.record(
        session, principal, "undo_merge", citizens=[citizen_id, revived],
        detail={"revived": revived, "reason": body.reason},
    )  # fmt: skip
    return {"citizen_id": citizen_id, "revived_citizen_id": revived}


@router.post("/citizens/{citizen_id}/wrong-match", status_code=201)
def report_wrong_match(
    citizen_id: str, body: WrongMatch, session: WriteSession, principal: Reporter, policy: PolicyDep
) -> dict[str, Any]:
    """An agent reports a record that is not this person: a review task for a supervisor."""
    if not policy.access(principal).sees(body.source_key.partition("/")[0]):
        raise HTTPException(404, "That record does not belong to this citizen")
    try:
        task_id = queue.report_wrong_match(session, principal, citizen_id, body.source_key, body.note, "api")
    except DecisionError as error:
        raise _fail(error) from None
    return {"task_id": task_id}
