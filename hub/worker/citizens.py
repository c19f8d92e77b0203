"""Turning a re-clustering plan into citizens: golden records, versions, history, reviews, outbound events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from contracts import (
    WEB_CHANNEL,
    CitizenChanged,
    CitizensMerged,
    CitizenSplit,
    GoldenAddress,
    PersonRecord,
    SourceRef,
    make_event,
    partition_key,
)
from contracts.rules import address_key
from hub.store.bulk import chunks, dumps, insert_rows, is_postgres, one_of, update_rows, upsert_rows
from hub.store.match_store import edge_detail
from hub.store.models import Citizen, CitizenHistory, OutboxMessage, ReviewTask, SourceRecord
from matching.model import CitizenPlan, ReclusterPlan
from matching.survivorship import GoldenRecord, Survivorship, field_values


@dataclass
class CitizenOutcome:
    created: int = 0
    changed: int = 0
    merged: int = 0
    split: int = 0
    reviews: int = 0


def golden_json(golden: GoldenRecord, members: Sequence[PersonRecord] = ()) -> dict[str, Any]:
    """The golden record as stored: each value with its provenance and every system holding that value
    (``held_by``), so a reader who may not see the chosen source can still be shown the same value."""
    # Per field, each distinct value offered by the members and the systems offering it (equal values
    # compare equal as Python data, however their mappings are ordered).
    offered: dict[str, list[tuple[Any, set[str]]]] = {}
    if len(members) > 1:
        for record in members:
            for name, field_value in field_values(record).items():
                options = offered.setdefault(name, [])
                for known, systems in options:
                    if known == field_value:
                        systems.add(record.source_system)
                        break
                else:
                    options.append((field_value, {record.source_system}))

    def holders(name: str, fv: Any) -> list[str]:
        for known, systems in offered.get(name, ()):
            if known == fv.value:
                return sorted(systems)
        return [fv.provenance.source_system]

    # A member's provenance is the same for each of its fields: written out once.
    written: dict[Any, dict[str, Any]] = {}

    def value(name: str, fv: Any) -> dict[str, Any]:
        prov = fv.provenance
        origin = written.get(prov)
        if origin is None:
            origin = written[prov] = {
                "source_system": prov.source_system,
                "source_record_id": prov.source_record_id,
                "updated_at": prov.updated_at.isoformat() if prov.updated_at else None,
            }
        return {"value": fv.value} | origin | {"held_by": holders(name, fv)}

    return {
        "fields": {name: value(name, fv) for name, fv in sorted(golden.fields.items())},
        "alternatives": {
            name: [value(name, fv) for fv in fvs] for name, fvs in sorted(golden.alternatives.items())
        },
    }


def _member_records(session: Session, keys: Iterable[str]) -> dict[str, PersonRecord]:
    wanted = sorted(set(keys))
    found: dict[str, PersonRecord] = {}
    for chunk in chunks(session, wanted):
        for key, payload in session.execute(
            select(SourceRecord.source_key, SourceRecord.payload).where(
                one_of(session, SourceRecord.source_key, chunk), SourceRecord.payload.is_not(None)
            )
        ).all():
            if payload:
                found[key] = PersonRecord.model_validate_json(payload)
    return found


def _outbox_row(topic: str, payload: BaseModel, now: datetime) -> dict[str, Any]:
    event = make_event(payload, now, source_system="citizen-hub")
    return {
        "topic": topic,
        "key": partition_key(event),
        "value": event.model_dump_json(),
        "created_at": now,
        "published_at": None,
    }


def same_address(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """The same place however it is written: case, punctuation and line breaks ignored, UPRN aside."""
    if not a or not b:
        return not a and not b
    return address_key(a.get("lines", []), a.get("town"), a.get("postcode")) == address_key(
        b.get("lines", []), b.get("town"), b.get("postcode")
    )


def reported_move(
    before: dict[str, Any], after: dict[str, Any], touched: set[str], membership_changed: bool
) -> bool:
    """Whether a change of address was *reported* (tell-us-once writes it back to every system).

    It was when the golden address moved to another place because a record touched now says so: an
    existing record whose address changed, or the resident's own report on the web channel. Records
    being joined (a first link, a merge) never count: a wrong match must not rewrite anyone's address."""
    old, new = before.get("address", {}), after.get("address", {})
    if not new or same_address(old.get("value"), new.get("value")):
        return False
    if f"{new.get('source_system')}/{new.get('source_record_id')}" not in touched:
        return False
    return not membership_changed or new.get("source_system") == WEB_CHANNEL


def _existing(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(session, ids):
        for row in session.execute(
            select(Citizen.citizen_id, Citizen.version, Citizen.golden, Citizen.status).where(
                one_of(session, Citizen.citizen_id, chunk)
            )
        ).all():
            found[row.citizen_id] = {"version": row.version, "golden": row.golden, "status": row.status}
    return found


def apply_plan(
    session: Session,
    plan: ReclusterPlan,
    topic: str,
    known: dict[str, PersonRecord] | None = None,
    survivorship: Survivorship | None = None,
    decided_by_person: str | None = None,
) -> CitizenOutcome:
    """Update citizens after the matcher re-clustered a neighbourhood, in the caller's transaction.

    ``known`` holds records already parsed by the caller (the batch), so only neighbours are loaded.
    ``survivorship`` chooses the golden records (default: no system trusted above another, the shipped
    placeholders).
    ``decided_by_person`` is the reason given to downstream systems when a supervisor's decision, not
    the data, caused the merges and splits.
    """
    outcome = CitizenOutcome()
    survivorship = survivorship or Survivorship()
    now = datetime.now(UTC)
    # Citizens whose members and members' records are as they were keep their golden record: only the
    # changed ones are loaded and recomputed.
    changed = plan.changed_citizens()
    ids = sorted({c.citizen_id for c in changed} | set(plan.retired) | {s for s, _ in plan.merges})
    existing = _existing(session, ids)
    known = known or {}
    wanted = {k for c in changed for k in c.members}
    records = {k: known[k] for k in wanted if k in known}
    records.update(_member_records(session, wanted - set(records)))
    outbox: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    versions: dict[str, int] = {}

    for plan_citizen in changed:
        members = [records[k] for k in plan_citizen.members if k in records]
        golden = golden_json(survivorship.golden(members), members)
        fields = golden["fields"]
        row = existing.get(plan_citizen.citizen_id)
        touched = [k for k in plan_citizen.members if k in plan.touched_records]
        unchanged = row is not None and row["golden"] == golden and row["status"] == "active"
        if unchanged and not plan_citizen.membership_changed:
            continue
        before = (row["golden"] or {}).get("fields", {}) if row is not None else {}
        changed_fields = sorted(
            k
            for k in set(before) | set(fields)
            if before.get(k, {}).get("value") != fields.get(k, {}).get("value")
        )
        columns = {
            "golden": golden,
            "given_name": fields.get("given_name", {}).get("value"),
            "family_name": fields.get("family_name", {}).get("value"),
            "date_of_birth": fields.get("date_of_birth", {}).get("value"),
            "postcode": (fields.get("address", {}).get("value") or {}).get("postcode"),
            "updated_at": now,
            "status": "active",
            "retired_into": None,
        }
        if row is None:
            version, kind = 1, "created"
            inserts.append({"citizen_id": plan_citizen.citizen_id, "version": 1, "created_at": now} | columns)
            outcome.created += 1
        else:
            version, kind = row["version"] + 1, "changed"
            updates.append({"b_citizen_id": plan_citizen.citizen_id, "version": version} | columns)
            outcome.changed += 1
        versions[plan_citizen.citizen_id] = version
        history.append(
            {
                "citizen_id": plan_citizen.citizen_id,
                "version": version,
                "kind": kind,
                "detail": {
                    "members": plan_citizen.members,
                    "changed_fields": changed_fields,
                    "touched": touched,
                },
                "at": now,
            }
        )
        address = fields.get("address", {}).get("value")
        causes = sorted({records[k].source_system for k in touched if k in records})
        outbox.append(
            _outbox_row(
                topic,
                CitizenChanged(
                    citizen_id=plan_citizen.citizen_id,
                    version=version,
                    given_name=columns["given_name"],
                    family_name=columns["family_name"],
                    date_of_birth=columns["date_of_birth"],
                    address=GoldenAddress(**address) if address else None,
                    address_changed=kind == "changed"
                    and reported_move(before, fields, set(touched), plan_citizen.membership_changed),
                    changed_fields=changed_fields,
                    source_records=[_ref(k) for k in plan_citizen.members],
                    cause="membership" if plan_citizen.membership_changed else "source record update",
                    cause_source_system=causes[0] if len(causes) == 1 else None,
                ),
                now,
            )
        )

    for old_id, survivor in sorted(plan.retired.items()):
        row = existing.get(old_id)
        if row is None:
            continue
        version = row["version"] + 1
        versions[old_id] = version
        session.execute(
            update(Citizen)
            .where(Citizen.citizen_id == old_id)
            .values(status="retired", retired_into=survivor or None, version=version, updated_at=now)
        )
        history.append(
            {
                "citizen_id": old_id,
                "version": version,
                "kind": "retired",
                "detail": {"into": survivor},
                "at": now,
            }
        )
    for survivor, retired in plan.merges:
        outcome.merged += 1
        outbox.append(
            _outbox_row(
                topic,
                CitizensMerged(
                    survivor_id=survivor,
                    retired_ids=retired,
                    version=versions.get(survivor, existing.get(survivor, {}).get("version", 1)),
                    source_records=[
                        _ref(k) for c in plan.citizens if c.citizen_id == survivor for k in c.members
                    ],
                    reason=decided_by_person or "new evidence joined the records",
                ),
                now,
            )
        )
    for anchor, new_ids in plan.splits:
        outcome.split += 1
        outbox.append(
            _outbox_row(
                topic,
                CitizenSplit(
                    citizen_id=anchor,
                    new_citizen_ids=new_ids,
                    version=versions.get(anchor) or existing.get(anchor, {}).get("version", 0),
                    reason=decided_by_person or "a source record no longer matches",
                ),
                now,
            )
        )
    insert_rows(session, Citizen, inserts)
    update_rows(session, Citizen, "citizen_id", [{"citizen_id": u.pop("b_citizen_id")} | u for u in updates])
    insert_rows(session, CitizenHistory, history)
    insert_rows(session, OutboxMessage, outbox)
    outcome.reviews = _open_reviews(session, plan, changed, now)
    return outcome


def _open_reviews(
    session: Session, plan: ReclusterPlan, changed: Sequence[CitizenPlan], now: datetime
) -> int:
    rows = [
        {
            "a": e.a,
            "b": e.b,
            "weight": e.weight,
            "detail": edge_detail(e),
            "status": "open",
            "created_at": now,
            "decided_at": None,
            "assigned_to": None,
            "claimed_at": None,
        }
        for e in plan.reviews
    ]
    # A new uncertain pair opens a task; one that was settled without a person (its records were one
    # citizen, or no longer in doubt) and is in doubt again opens it again. An open task stays as it is
    # (whoever claimed it keeps it); one a person decided is never asked again (the decision holds).
    upsert_rows(
        session,
        ReviewTask,
        rows,
        ["a", "b"],
        ["weight", "detail", "status", "created_at", "decided_at", "assigned_to", "claimed_at"],
        only_if=("status", "settled"),
    )
    # Pairs that now sit in one citizen no longer need a person (only a changed citizen can newly hold
    # both records of a pair). Nor does a pair of a record scored again (changed, or matched again) that
    # is no longer uncertain, or a pair with a deleted record: every uncertain pair of a re-scored record
    # is among the plan's reviews.
    where = {k: c.citizen_id for c in changed for k in c.members}
    rescored = plan.touched_records | set(plan.removed)
    uncertain = {(e.a, e.b) for e in plan.reviews}
    tasks = dict.fromkeys(open_reviews_of(session, sorted(set(where) | rescored)))
    tasks.update(dict.fromkeys(open_reviews_of(session, sorted(rescored), column="b")))
    settled = [
        task_id
        for task_id, a, b in tasks
        if (where.get(a) is not None and where.get(a) == where.get(b))
        or ((a in rescored or b in rescored) and (a, b) not in uncertain)
    ]
    if settled:
        session.execute(
            update(ReviewTask).where(ReviewTask.id.in_(settled)).values(status="settled", decided_at=now)
        )
    return len(rows)


def open_reviews_of(session: Session, keys: Sequence[str], column: str = "a") -> list[tuple[int, str, str]]:
    """The open review tasks whose first record (``column="b"``: second) is one of ``keys``, as (id, a, b).

    The status is checked here, not in SQL: with ``status = 'open'`` in the query PostgreSQL could use
    the status index, and did while its statistics lagged behind a growing queue (nobody working it):
    it took every open task and compared it with every key, more than 11 s in one batch of 5,000 with
    about 50,000 open tasks (800,000 records stored). By record alone only the (a, b) index (or the
    index on b) serves."""
    if not keys:
        return []
    if is_postgres(session):
        # Each key on its own through the index: with ``a = ANY(keys)`` PostgreSQL read the queue
        # sequentially while it was small and compared every task with every key (100,000 people:
        # 1.4 s over the run).
        rows = session.execute(text(_REVIEWS_OF_PG[column]), {"keys": dumps(list(keys))})
        return [(task_id, a, b) for task_id, a, b, status in rows if status == "open"]
    found: list[tuple[int, str, str]] = []
    for chunk in chunks(session, keys):
        rows = session.execute(
            select(ReviewTask.id, ReviewTask.a, ReviewTask.b, ReviewTask.status).where(
                one_of(session, getattr(ReviewTask, column), chunk)
            )
        )
        found.extend((task_id, a, b) for task_id, a, b, status in rows if status == "open")
    return found


_REVIEWS_OF_PG = {
    column: f"""
SELECT t.id, t.a, t.b, t.status FROM json_array_elements_text(CAST(:keys AS json)) AS w(k)
CROSS JOIN LATERAL (SELECT id, a, b, status FROM review_tasks WHERE {column} = w.k COLLATE "C" OFFSET 0) AS t
"""
    for column in ("a", "b")
}


def _ref(key: str) -> SourceRef:
    system, _, record_id = key.partition("/")
    return SourceRef(source_system=system, source_record_id=record_id)


def outbox_rows_for(payloads: Sequence[BaseModel], topic: str) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [_outbox_row(topic, p, now) for p in payloads]
