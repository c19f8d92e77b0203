"""The matching engine's MatchStore port, in SQL. Every method is one or a few set-based statements, so
a batch of a thousand records costs a handful of round trips, never one per record."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from hub.store.models import BlockingKey, Citizen, ManualDecision, MatchEdge, SourceRecord
from matching.model import Constraints, Edge, Prepared, ReclusterPlan

_CHUNK = 900  # stay under SQLite's bound-parameter limit


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def edge_detail(edge: Edge) -> str:
    return json.dumps(
        {"levels": dict(edge.levels), "field_weights": dict(edge.field_weights), "summary": edge.summary},
        separators=(",", ":"),
    )


def edge_from_row(a: str, b: str, weight: float, detail: str) -> Edge:
    data = json.loads(detail)
    return Edge(a, b, weight, data.get("levels", {}), data.get("field_weights", {}), data.get("summary", ""))


def _lock_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class SqlMatchStore:
    """MatchStore on the hub's tables, inside the caller's session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.comparisons = 0

    def lock_blocking_keys(self, keys: Sequence[str]) -> None:
        if self.postgres and keys:
            ids = sorted({_lock_id(k) for k in keys})
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:ids AS bigint[])) AS k"), {"ids": ids}
            )

    def lock_records(self, keys: Sequence[str]) -> None:
        if self.postgres and keys:
            for chunk in _chunks(sorted(keys)):
                self.session.execute(
                    select(SourceRecord.source_key)
                    .where(SourceRecord.source_key.in_(chunk))
                    .order_by(SourceRecord.source_key)
                    .with_for_update()
                ).all()

    def put_prepared(self, records: Sequence[Prepared]) -> None:
        if not records:
            return
        keys = [r.key for r in records]
        for chunk in _chunks(keys):
            self.session.execute(delete(BlockingKey).where(BlockingKey.source_key.in_(chunk)))
        self.session.execute(
            update(SourceRecord),
            [
                {
                    "source_key": r.key,
                    "features": json.dumps(r.features, separators=(",", ":")),
                    "blocking": json.dumps(list(r.blocking_keys)),
                }
                for r in records
            ],
        )
        rows = [{"key": bk, "source_key": r.key} for r in records for bk in set(r.blocking_keys)]
        if rows:
            self.session.execute(insert(BlockingKey), rows)

    def remove(self, keys: Sequence[str]) -> None:
        for chunk in _chunks(list(keys)):
            self.session.execute(delete(BlockingKey).where(BlockingKey.source_key.in_(chunk)))
            self.session.execute(delete(MatchEdge).where(or_(MatchEdge.a.in_(chunk), MatchEdge.b.in_(chunk))))
            self.session.execute(
                update(SourceRecord)
                .where(SourceRecord.source_key.in_(chunk))
                .values(features=None, blocking=None)
            )

    def candidates(self, blocking_keys: Iterable[str], max_block_size: int) -> dict[str, list[Prepared]]:
        wanted = sorted(set(blocking_keys))
        small: list[str] = []
        for chunk in _chunks(wanted):
            counts = self.session.execute(
                select(BlockingKey.key, func.count())
                .where(BlockingKey.key.in_(chunk))
                .group_by(BlockingKey.key)
            ).all()
            small.extend(k for k, n in counts if n <= max_block_size)
        pairs: list[tuple[str, str]] = []
        for chunk in _chunks(small):
            pairs.extend(
                (str(k), str(s))
                for k, s in self.session.execute(
                    select(BlockingKey.key, BlockingKey.source_key).where(BlockingKey.key.in_(chunk))
                ).all()
            )
        prepared = self._prepared({s for _, s in pairs})
        result: dict[str, list[Prepared]] = {}
        for key, source_key in pairs:
            if source_key in prepared:
                result.setdefault(key, []).append(prepared[source_key])
        self.comparisons += len(pairs)
        return result

    def _prepared(self, keys: set[str]) -> dict[str, Prepared]:
        found: dict[str, Prepared] = {}
        for chunk in _chunks(sorted(keys)):
            for key, features, blocking in self.session.execute(
                select(SourceRecord.source_key, SourceRecord.features, SourceRecord.blocking).where(
                    SourceRecord.source_key.in_(chunk), SourceRecord.features.is_not(None)
                )
            ).all():
                found[key] = Prepared(key, tuple(json.loads(blocking or "[]")), json.loads(features or "{}"))
        return found

    def replace_edges(self, keys: Sequence[str], edges: Sequence[Edge]) -> None:
        for chunk in _chunks(list(keys)):
            self.session.execute(delete(MatchEdge).where(or_(MatchEdge.a.in_(chunk), MatchEdge.b.in_(chunk))))
        unique = {(e.a, e.b): e for e in edges}
        if unique:
            self.session.execute(
                insert(MatchEdge),
                [{"a": e.a, "b": e.b, "weight": e.weight, "detail": edge_detail(e)} for e in unique.values()],
            )

    def edges_touching(self, keys: Iterable[str]) -> list[Edge]:
        wanted = sorted(set(keys))
        found: dict[tuple[str, str], Edge] = {}
        for chunk in _chunks(wanted, _CHUNK // 2):
            rows = self.session.execute(
                select(MatchEdge.a, MatchEdge.b, MatchEdge.weight, MatchEdge.detail).where(
                    or_(MatchEdge.a.in_(chunk), MatchEdge.b.in_(chunk))
                )
            ).all()
            for a, b, weight, detail in rows:
                found[(a, b)] = edge_from_row(a, b, weight, detail)
        return list(found.values())

    def citizens_of(self, keys: Iterable[str]) -> dict[str, str]:
        result: dict[str, str] = {}
        for chunk in _chunks(sorted(set(keys))):
            for key, citizen_id in self.session.execute(
                select(SourceRecord.source_key, SourceRecord.citizen_id).where(
                    SourceRecord.source_key.in_(chunk), SourceRecord.citizen_id.is_not(None)
                )
            ).all():
                if citizen_id is not None:
                    result[key] = citizen_id
        return result

    def members_of(self, citizen_ids: Iterable[str]) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for chunk in _chunks(sorted(set(citizen_ids))):
            for key, citizen_id in self.session.execute(
                select(SourceRecord.source_key, SourceRecord.citizen_id).where(
                    SourceRecord.citizen_id.in_(chunk)
                )
            ).all():
                if citizen_id is not None:
                    result.setdefault(citizen_id, []).append(key)
        return {c: sorted(m) for c, m in result.items()}

    def citizen_ages(self, citizen_ids: Iterable[str]) -> dict[str, int]:
        result: dict[str, int] = {}
        for chunk in _chunks(sorted(set(citizen_ids))):
            for citizen_id, seq in self.session.execute(
                select(Citizen.citizen_id, Citizen.seq).where(Citizen.citizen_id.in_(chunk))
            ).all():
                result[citizen_id] = seq
        return result

    def constraints_for(self, keys: Iterable[str]) -> Constraints:
        must: set[tuple[str, str]] = set()
        cannot: set[tuple[str, str]] = set()
        for chunk in _chunks(sorted(set(keys)), _CHUNK // 2):
            for a, b, kind in self.session.execute(
                select(ManualDecision.a, ManualDecision.b, ManualDecision.kind).where(
                    ManualDecision.active.is_(True),
                    or_(ManualDecision.a.in_(chunk), ManualDecision.b.in_(chunk)),
                )
            ).all():
                (must if kind == "must_link" else cannot).add((a, b) if a < b else (b, a))
        return Constraints(frozenset(must), frozenset(cannot))

    def citizen_id_taken(self, citizen_id: str) -> bool:
        return (
            self.session.execute(select(Citizen.seq).where(Citizen.citizen_id == citizen_id)).first()
            is not None
        )

    def apply(self, plan: ReclusterPlan) -> None:
        """Memberships only; golden records, history, reviews and outbound events are the worker's
        (hub.matching_apply), in the same transaction."""
        rows: list[dict[str, Any]] = []
        for citizen in plan.citizens:
            for key in citizen.members:
                reason = citizen.reasons.get(key)
                rows.append(
                    {
                        "source_key": key,
                        "citizen_id": citizen.citizen_id,
                        "link_weight": reason.weight if reason else None,
                        "link_summary": reason.summary if reason else None,
                        "link_detail": _link_detail(key, reason),
                    }
                )
        if rows:
            self.session.execute(update(SourceRecord), rows)
        for chunk in _chunks(list(plan.removed)):
            self.session.execute(
                update(SourceRecord).where(SourceRecord.source_key.in_(chunk)).values(citizen_id=None)
            )


def _link_detail(key: str, reason: Edge | None) -> dict[str, Any] | None:
    if reason is None:
        return None
    detail: dict[str, Any] = json.loads(edge_detail(reason))
    detail["with"] = reason.b if reason.a == key else reason.a
    detail["weight"] = reason.weight
    return detail
