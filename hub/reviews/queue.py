"""The review queue: uncertain pairs and agents' wrong-match reports, each worked by one supervisor at a
time (claimed with a conditional update, so two supervisors can never hold the same task)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session

from hub.audit import repository as audit
from hub.auth.principal import Principal
from hub.citizens import repository
from hub.reviews.decisions import DecisionError, add_constraints, members, recluster
from hub.reviews.models import WrongMatchReport
from hub.settings import Settings
from hub.store.models import MatchEdge, ReviewTask, SourceRecord

WAITING = ("open", "reported")
"""Task states a supervisor works. "reported" = an agent's wrong-match report about two records in one
citizen (the worker settles "open" pairs that end up together, so reports need a state of their own)."""


@dataclass
class Side:
    source_key: str
    citizen_id: str | None
    record: dict[str, Any] | None


@dataclass
class TaskDetail:
    id: int
    status: str
    assigned_to: str | None
    decision: str | None
    decided_by: str | None
    weight: float
    summary: str
    levels: dict[str, str]
    field_weights: dict[str, float]
    left: Side
    right: Side
    reports: list[dict[str, Any]]


def tasks(session: Session, actor: str, limit: int = 50) -> list[ReviewTask]:
    """Waiting tasks: mine first, then agents' reports, then unassigned pairs, oldest first."""
    mine = case((ReviewTask.assigned_to == actor, 0), else_=1)
    reported = case((ReviewTask.status == "reported", 0), else_=1)
    return list(
        session.scalars(
            select(ReviewTask)
            .where(ReviewTask.status.in_(WAITING))
            .order_by(mine, reported, ReviewTask.created_at, ReviewTask.id)
            .limit(limit)
        )
    )


def _side(session: Session, key: str) -> Side:
    row = session.scalar(select(SourceRecord).where(SourceRecord.source_key == key))
    if row is None:
        return Side(key, None, None)
    return Side(key, row.citizen_id, json.loads(row.payload) if row.payload else None)


def detail(session: Session, task_id: int) -> TaskDetail | None:
    task = session.get(ReviewTask, task_id)
    if task is None:
        return None
    evidence = json.loads(task.detail or "{}")
    reports = [
        {"source_key": r.source_key, "reported_by": r.reported_by, "note": r.note, "at": r.at.isoformat()}
        for r in session.scalars(
            select(WrongMatchReport).where(WrongMatchReport.task_id == task_id).order_by(WrongMatchReport.id)
        )
    ]
    return TaskDetail(
        id=task.id, status=task.status, assigned_to=task.assigned_to, decision=task.decision,
        decided_by=task.decided_by, weight=task.weight, summary=str(evidence.get("summary", "")),
        levels=dict(evidence.get("levels", {})), field_weights=dict(evidence.get("field_weights", {})),
        left=_side(session, task.a), right=_side(session, task.b), reports=reports,
    )  # fmt: skip


CLAIM_HOLD = timedelta(minutes=120)
"""How long a claim holds by default (settings: review_claim_minutes); then anyone may take the task."""


def claim(session: Session, task_id: int, actor: str, hold: timedelta = CLAIM_HOLD) -> None:
    """Assign the task to ``actor`` unless another supervisor holds it (409). A claim older than ``hold``
    has lapsed (someone went home with it): the task can be taken."""
    now = datetime.now(UTC)
    result = session.execute(
        update(ReviewTask)
        .where(
            ReviewTask.id == task_id,
            ReviewTask.status.in_(WAITING),
            or_(
                ReviewTask.assigned_to.is_(None),
                ReviewTask.assigned_to == actor,
                ReviewTask.claimed_at.is_(None),
                ReviewTask.claimed_at < now - hold,
            ),
        )
        .values(assigned_to=actor, claimed_at=now)
        # SQLite hands times back without their zone: let the database, not Python, evaluate the filter.
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        task = session.get(ReviewTask, task_id)
        if task is None:
            raise DecisionError(404, f"No review task {task_id}")
        if task.status not in WAITING:
            raise DecisionError(409, f"Task {task_id} is already {task.status}")
        raise DecisionError(409, f"Task {task_id} is assigned to {task.assigned_to}")


def claim_next(session: Session, actor: str, hold: timedelta = CLAIM_HOLD) -> int | None:
    """The caller's own task if they hold one, else the first unassigned (or lapsed) one, now theirs."""
    lapsed_before = datetime.now(UTC) - hold
    for task in tasks(session, actor, limit=20):
        claimed = task.claimed_at
        if claimed is not None and claimed.tzinfo is None:
            claimed = claimed.replace(tzinfo=UTC)
        if task.assigned_to in (None, actor) or claimed is None or claimed < lapsed_before:
            try:
                claim(session, task.id, actor, hold)
            except DecisionError:
                continue  # taken by someone else a moment ago
            return task.id
    return None


def release(session: Session, task_id: int, actor: str) -> None:
    session.execute(
        update(ReviewTask)
        .where(ReviewTask.id == task_id, ReviewTask.assigned_to == actor, ReviewTask.status.in_(WAITING))
        .values(assigned_to=None, claimed_at=None)
    )


def decide(
    session: Session, settings: Settings, principal: Principal, task_id: int, same: bool, reason: str
) -> None:
    """Same person -> must-link; different -> cannot-link (for a report: the reported record apart from
    the rest of its citizen). Re-clustered, recorded and audited in the caller's transaction."""
    claim(session, task_id, principal.actor)
    task = session.get(ReviewTask, task_id)
    assert task is not None
    why = reason or ("Supervisor: same person" if same else "Supervisor: different people")
    if same:
        add_constraints(session, principal, "must_link", [(task.a, task.b)], why)
    else:
        pairs = [(task.a, task.b)]
        report = session.scalar(
            select(WrongMatchReport).where(WrongMatchReport.task_id == task_id).order_by(WrongMatchReport.id)
        )
        if report is not None:
            where = repository.source_record(session, *report.source_key.split("/", 1))
            if where is not None and where.citizen_id:
                pairs += [(report.source_key, k) for k in members(session, where.citizen_id)]
        add_constraints(session, principal, "cannot_link", pairs, why)
    recluster(
        session,
        settings,
        [task.a, task.b],
        f"a supervisor decided: {'same person' if same else 'different people'}",
    )
    task.status, task.decision = "decided", "same" if same else "different"
    task.decided_by, task.decided_at = principal.actor, datetime.now(UTC)
    citizens = sorted(
        {c for c in (_side(session, task.a).citizen_id, _side(session, task.b).citizen_id) if c}
    )
    audit.record(
        session, principal, "decide_review", citizens=citizens, channel="api",
        detail={"task": task_id, "decision": task.decision, "records": [task.a, task.b]},
    )  # fmt: skip


def report_wrong_match(
    session: Session, principal: Principal, citizen_id: str, source_key: str, note: str, channel: str
) -> int:
    """An agent says a record is not this person: a review task for a supervisor (the note stays
    internal). Returns the task id."""
    citizen = repository.resolve(session, citizen_id)
    if citizen is None:
        raise DecisionError(404, f"No citizen {citizen_id}")
    everyone = members(session, citizen.citizen_id)
    if source_key not in everyone:
        raise DecisionError(400, "That record does not belong to this citizen")
    others = [k for k in everyone if k != source_key]
    if not others:
        raise DecisionError(400, "This citizen has only that record: there is nothing to separate")
    row = repository.source_record(session, *source_key.split("/", 1))
    partner = str((row.link_detail or {}).get("with", "")) if row is not None else ""
    partner = partner if partner in others else others[0]
    a, b = (source_key, partner) if source_key < partner else (partner, source_key)
    edge = session.get(MatchEdge, (a, b))
    now = datetime.now(UTC)
    task = session.scalar(select(ReviewTask).where(ReviewTask.a == a, ReviewTask.b == b))
    if task is None:
        task = ReviewTask(
            a=a, b=b, weight=edge.weight if edge else 0.0,
            detail=edge.detail if edge else json.dumps({"summary": "Reported by an agent as a wrong match"}),
            status="reported", created_at=now,
        )  # fmt: skip
        session.add(task)
    else:
        task.status, task.decision, task.decided_by, task.decided_at = "reported", None, None, None
    session.flush()
    session.add(
        WrongMatchReport(
            task_id=task.id, citizen_id=citizen.citizen_id, source_key=source_key,
            reported_by=principal.actor, note=note.strip()[:2000], at=now,
        )
    )  # fmt: skip
    audit.record(
        session, principal, "report_wrong_match", citizens=[citizen.citizen_id], channel=channel,
        detail={"task": task.id, "source_key": source_key},
    )  # fmt: skip
    return task.id


def open_tasks_for(session: Session, keys: list[str]) -> list[ReviewTask]:
    """Waiting tasks touching any of ``keys``: the citizen page's "possible duplicates"."""
    if not keys:
        return []
    return list(
        session.scalars(
            select(ReviewTask)
            .where(ReviewTask.status.in_(WAITING), or_(ReviewTask.a.in_(keys), ReviewTask.b.in_(keys)))
            .order_by(ReviewTask.id)
        )
    )
