"""The matching engine's MatchStore port, in SQL. Every method is one or a few set-based statements, so
a batch of a thousand records costs a handful of round trips, never one per record."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session

from hub.store.bulk import chunks, delete_where_in, insert_rows, is_postgres, one_of, update_rows
from hub.store.models import BlockingKey, Citizen, ManualDecision, MatchEdge, SourceRecord
from matching.model import Constraints, Edge, Prepared, ReclusterPlan


def edge_detail(edge: Edge) -> str:
    return json.dumps(
        {"levels": dict(edge.levels), "field_weights": dict(edge.field_weights), "summary": edge.summary},
        separators=(",", ":"),
    )


def edge_from_row(a: str, b: str, weight: float, detail: str) -> Edge:
    data = json.loads(detail)
    return Edge(a, b, weight, data.get("levels", {}), data.get("field_weights", {}), data.get("summary", ""))


LOCK_SLOTS = 512
"""Blocking keys hash onto this many advisory locks: enough to let unrelated batches run side by side,
few enough that one transaction never exhausts PostgreSQL's lock table."""
_LOCK_NAMESPACE = 0x43480000  # "CH": keeps our advisory locks apart from other applications'


def _lock_id(key: str) -> int:
    slot = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") % LOCK_SLOTS
    return _LOCK_NAMESPACE + slot


class SqlMatchStore:
    """MatchStore on the hub's tables, inside the caller's session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = is_postgres(session)
        self.comparisons = 0

    def _in(self, column: Any, values: Iterable[str]) -> Iterable[Any]:
        wanted = sorted(set(values))
        for chunk in chunks(self.session, wanted):
            yield one_of(self.session, column, chunk)

    def lock_blocking_keys(self, keys: Sequence[str]) -> None:
        if self.postgres and keys:
            ids = sorted({_lock_id(k) for k in keys})
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:ids AS bigint[])) AS k"), {"ids": ids}
            )

    def lock_records(self, keys: Sequence[str]) -> None:
        if self.postgres and keys:
            for where in self._in(SourceRecord.source_key, keys):
                self.session.execute(
                    select(SourceRecord.source_key)
                    .where(where)
                    .order_by(SourceRecord.source_key)
                    .with_for_update()
                ).all()

    def put_prepared(self, records: Sequence[Prepared]) -> None:
        if not records:
            return
        delete_where_in(self.session, BlockingKey, "source_key", [r.key for r in records])  # type: ignore[arg-type]
        update_rows(
            self.session,
            SourceRecord,
            "source_key",
            [
                {
                    "source_key": r.key,
                    "features": json.dumps(r.features, separators=(",", ":")),
                    "blocking": json.dumps(list(r.blocking_keys)),
                }
                for r in records
            ],
        )
        rows = [{"key": bk, "source_key": r.key} for r in records for bk in sorted(set(r.blocking_keys))]
        insert_rows(self.session, BlockingKey, rows)  # type: ignore[arg-type]

    def remove(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        delete_where_in(self.session, BlockingKey, "source_key", keys)  # type: ignore[arg-type]
        self._delete_edges(keys)
        update_rows(
            self.session,
            SourceRecord,
            "source_key",
            [{"source_key": k, "features": None, "blocking": None} for k in keys],
        )

    def _delete_edges(self, keys: Sequence[str]) -> None:
        for where_a, where_b in zip(self._in(MatchEdge.a, keys), self._in(MatchEdge.b, keys), strict=True):
            self.session.execute(delete(MatchEdge).where(or_(where_a, where_b)))

    def candidates(self, blocking_keys: Iterable[str], max_block_size: int) -> dict[str, list[Prepared]]:
        small: list[str] = []
        for where in self._in(BlockingKey.key, blocking_keys):
            counts = self.session.execute(
                select(BlockingKey.key, func.count()).where(where).group_by(BlockingKey.key)
            ).all()
            small.extend(k for k, n in counts if n <= max_block_size)
        result: dict[str, list[Prepared]] = {}
        cache: dict[str, Prepared] = {}
        for where in self._in(BlockingKey.key, small):
            rows = self.session.execute(
                select(BlockingKey.key, SourceRecord.source_key, SourceRecord.features, SourceRecord.blocking)
                .join(SourceRecord, SourceRecord.source_key == BlockingKey.source_key)
                .where(where, SourceRecord.features.is_not(None))
            ).all()
            for block, key, features, blocking in rows:
                prepared = cache.get(key)
                if prepared is None:
                    prepared = Prepared(
                        key, tuple(json.loads(blocking or "[]")), json.loads(features or "{}")
                    )
                    cache[key] = prepared
                result.setdefault(block, []).append(prepared)
                self.comparisons += 1
        return result

    def replace_edges(self, keys: Sequence[str], edges: Sequence[Edge]) -> None:
        if keys:
            self._delete_edges(keys)
        unique = {(e.a, e.b): e for e in edges}
        insert_rows(
            self.session,
            MatchEdge,
            [{"a": e.a, "b": e.b, "weight": e.weight, "detail": edge_detail(e)} for e in unique.values()],
        )

    def edges_touching(self, keys: Iterable[str]) -> list[Edge]:
        wanted = sorted(set(keys))
        found: dict[tuple[str, str], Edge] = {}
        for where_a, where_b in zip(
            self._in(MatchEdge.a, wanted), self._in(MatchEdge.b, wanted), strict=True
        ):
            rows = self.session.execute(
                select(MatchEdge.a, MatchEdge.b, MatchEdge.weight, MatchEdge.detail).where(
                    or_(where_a, where_b)
                )
            ).all()
            for a, b, weight, detail in rows:
                if (a, b) not in found:
                    found[(a, b)] = edge_from_row(a, b, weight, detail)
        return list(found.values())

    def citizens_of(self, keys: Iterable[str]) -> dict[str, str]:
        result: dict[str, str] = {}
        for where in self._in(SourceRecord.source_key, keys):
            for key, citizen_id in self.session.execute(
                select(SourceRecord.source_key, SourceRecord.citizen_id).where(
                    where, SourceRecord.citizen_id.is_not(None)
                )
            ).all():
                if citizen_id is not None:
                    result[key] = citizen_id
        return result

    def members_of(self, citizen_ids: Iterable[str]) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for where in self._in(SourceRecord.citizen_id, citizen_ids):
            for key, citizen_id in self.session.execute(
                select(SourceRecord.source_key, SourceRecord.citizen_id).where(where)
            ).all():
                if citizen_id is not None:
                    result.setdefault(citizen_id, []).append(key)
        return {c: sorted(m) for c, m in result.items()}

    def citizen_ages(self, citizen_ids: Iterable[str]) -> dict[str, int]:
        result: dict[str, int] = {}
        for where in self._in(Citizen.citizen_id, citizen_ids):
            for citizen_id, seq in self.session.execute(
                select(Citizen.citizen_id, Citizen.seq).where(where)
            ).all():
                result[citizen_id] = seq
        return result

    def constraints_for(self, keys: Iterable[str]) -> Constraints:
        must: set[tuple[str, str]] = set()
        cannot: set[tuple[str, str]] = set()
        wanted = sorted(set(keys))
        for where_a, where_b in zip(
            self._in(ManualDecision.a, wanted), self._in(ManualDecision.b, wanted), strict=True
        ):
            for a, b, kind in self.session.execute(
                select(ManualDecision.a, ManualDecision.b, ManualDecision.kind).where(
                    ManualDecision.active.is_(True), or_(where_a, where_b)
                )
            ).all():
                (must if kind == "must_link" else cannot).add((a, b) if a < b else (b, a))
        return Constraints(frozenset(must), frozenset(cannot))

    def citizen_ids_taken(self, citizen_ids: Iterable[str]) -> set[str]:
        taken: set[str] = set()
        for where in self._in(Citizen.citizen_id, citizen_ids):
            taken.update(self.session.scalars(select(Citizen.citizen_id).where(where)))
        return taken

    def apply(self, plan: ReclusterPlan) -> None:
        """Memberships only; golden records, history, reviews and outbound events are the worker's
        (hub.worker.citizens.apply_plan), in the same transaction."""
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
        rows += [
            {
                "source_key": k,
                "citizen_id": None,
                "link_weight": None,
                "link_summary": None,
                "link_detail": None,
            }
            for k in plan.removed
        ]
        update_rows(self.session, SourceRecord, "source_key", rows)  # type: ignore[arg-type]


def _link_detail(key: str, reason: Edge | None) -> dict[str, Any] | None:
    if reason is None:
        return None
    detail: dict[str, Any] = json.loads(edge_detail(reason))
    detail["with"] = reason.b if reason.a == key else reason.a
    detail["weight"] = reason.weight
    return detail
