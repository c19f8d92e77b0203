"""Supervisors' decisions: same or different person, merge, split and undo merge.

Each decision is written as manual must-link / cannot-link constraints, then the neighbourhood is
re-clustered and the citizens updated in the SAME unit of work, so the outbound CitizensMerged /
CitizenSplit / CitizenChanged events go through the transactional outbox with the decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from hub.auth.principal import Principal
from hub.citizens import repository
from hub.engine import engine_from_settings, survivorship_from_settings
from hub.settings import Settings
from hub.store.match_store import SqlMatchStore
from hub.store.models import CitizenHistory, ManualDecision
from hub.worker.citizens import CitizenOutcome, apply_plan
from matching.incremental import IncrementalMatcher


class DecisionError(Exception):
    """A decision that cannot be made as asked (the message says why, for the person who asked)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def add_constraints(
    session: Session, principal: Principal, kind: str, pairs: Iterable[tuple[str, str]], reason: str
) -> None:
    """Record must-link or cannot-link pairs and retire any opposite constraint on the same pairs."""
    now = datetime.now(UTC)
    opposite = "cannot_link" if kind == "must_link" else "must_link"
    unique = sorted({_pair(a, b) for a, b in pairs if a != b})
    for a, b in unique:
        session.execute(
            update(ManualDecision)
            .where(
                ManualDecision.active.is_(True),
                ManualDecision.kind == opposite,
                or_(
                    and_(ManualDecision.a == a, ManualDecision.b == b),
                    and_(ManualDecision.a == b, ManualDecision.b == a),
                ),
            )
            .values(active=False)
        )
        session.add(
            ManualDecision(
                a=a, b=b, kind=kind, decided_by=principal.actor, reason=reason, at=now, active=True
            )
        )
    session.flush()


def recluster(
    session: Session,
    settings: Settings,
    keys: Sequence[str],
    why: str,
    revive: Mapping[str, str] | None = None,
) -> CitizenOutcome:
    """Re-cluster after a person's decision; ``why`` is what downstream systems are told."""
    store = SqlMatchStore(session)
    plan = IncrementalMatcher(engine_from_settings(settings)).recluster(store, list(keys), revive=revive)
    return apply_plan(
        session,
        plan,
        settings.topic_citizen_changes,
        survivorship=survivorship_from_settings(settings),
        decided_by_person=why,
    )


def members(session: Session, citizen_id: str) -> list[str]:
    return SqlMatchStore(session).members_of([citizen_id]).get(citizen_id, [])


def _active(session: Session, citizen_id: str, what: str) -> str:
    citizen = repository.resolve(session, citizen_id)
    if citizen is None or citizen.status != "active":
        raise DecisionError(404, f"No {what} citizen {citizen_id}")
    return citizen.citizen_id


def merge(
    session: Session, settings: Settings, principal: Principal, citizen_id: str, other_id: str, reason: str
) -> str:
    """Join two citizens; returns the id of the citizen they became."""
    first, second = _active(session, citizen_id, "first"), _active(session, other_id, "second")
    if first == second:
        raise DecisionError(409, "These are already one citizen")
    left, right = members(session, first), members(session, second)
    # A merge overrides earlier "different person" decisions between the two.
    add_constraints(session, principal, "must_link", [(a, b) for a in left for b in right], reason)
    recluster(session, settings, [left[0], right[0]], "a supervisor merged the citizens")
    store = SqlMatchStore(session)
    where = store.citizens_of([left[0], right[0]])
    if where.get(left[0]) != where.get(right[0]):
        raise DecisionError(409, "Another decision keeps these records apart; undo it first")
    return where[left[0]]


def split(
    session: Session,
    settings: Settings,
    principal: Principal,
    citizen_id: str,
    keys: Sequence[str],
    reason: str,
) -> list[str]:
    """Move ``keys`` out of a citizen into a citizen of their own; returns the citizens involved."""
    current = _active(session, citizen_id, "")
    everyone = members(session, current)
    moving = sorted(set(keys))
    staying = [k for k in everyone if k not in moving]
    if not moving or any(k not in everyone for k in moving):
        raise DecisionError(400, "Choose records that belong to this citizen")
    if not staying:
        raise DecisionError(400, "Leave at least one record with the citizen")
    add_constraints(session, principal, "cannot_link", [(m, s) for m in moving for s in staying], reason)
    if len(moving) > 1:
        add_constraints(session, principal, "must_link", [(moving[0], m) for m in moving[1:]], reason)
    recluster(session, settings, [*moving, staying[0]], "a supervisor split records out of the citizen")
    where = SqlMatchStore(session).citizens_of([*moving, staying[0]])
    return sorted(set(where.values()))


def _members_before(session: Session, citizen_id: str, before_id: int) -> list[str]:
    rows = session.scalars(
        select(CitizenHistory)
        .where(CitizenHistory.citizen_id == citizen_id, CitizenHistory.id < before_id)
        .order_by(CitizenHistory.id.desc())
    )
    for row in rows:
        found = (row.detail or {}).get("members")
        if found:
            return [str(k) for k in found]
    return []


def merges_into(session: Session, survivor_id: str) -> list[tuple[str, str]]:
    """(retired id, when) of every citizen retired into ``survivor_id`` that could be undone."""
    rows = session.scalars(
        select(CitizenHistory)
        .where(CitizenHistory.kind == "retired")
        .order_by(CitizenHistory.id.desc())
        .limit(500)
    )
    found: list[tuple[str, str]] = []
    for row in rows:
        if (row.detail or {}).get("into") == survivor_id and row.citizen_id not in [f[0] for f in found]:
            citizen = repository.resolve(session, row.citizen_id)
            if citizen is not None and citizen.citizen_id == survivor_id:
                found.append((row.citizen_id, row.at.isoformat()))
    return found


def undo_merge(
    session: Session, settings: Settings, principal: Principal, survivor_id: str, retired_id: str, reason: str
) -> str:
    """Separate the records a merge brought in and give them back their old citizen id."""
    survivor = _active(session, survivor_id, "")
    retirement = session.scalars(
        select(CitizenHistory)
        .where(CitizenHistory.citizen_id == retired_id, CitizenHistory.kind == "retired")
        .order_by(CitizenHistory.id.desc())
    ).first()
    if retirement is None or (retirement.detail or {}).get("into") != survivor:
        raise DecisionError(404, f"No merge of {retired_id} into {survivor}")
    now_members = set(members(session, survivor))
    brought = [k for k in _members_before(session, retired_id, retirement.id) if k in now_members]
    kept = [k for k in _members_before(session, survivor, retirement.id) if k in now_members]
    kept = [k for k in kept if k not in brought] or sorted(now_members - set(brought))
    if not brought or not kept:
        raise DecisionError(409, "The records of that merge are no longer together")
    add_constraints(session, principal, "cannot_link", [(a, b) for a in brought for b in kept], reason)
    if len(brought) > 1:
        add_constraints(session, principal, "must_link", [(brought[0], k) for k in brought[1:]], reason)
    recluster(
        session,
        settings,
        [*brought, kept[0]],
        "a supervisor undid a merge",
        dict.fromkeys(brought, retired_id),
    )
    return SqlMatchStore(session).citizens_of([brought[0]]).get(brought[0], "")
