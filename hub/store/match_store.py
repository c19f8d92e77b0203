"""The matching engine's MatchStore port, in SQL. Every method is one or a few set-based statements, so
a batch of a thousand records costs a handful of round trips, never one per record."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import from_json
from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session

from hub.store.bulk import (
    ARRAY_PARAMETER,
    chunks,
    delete_rows,
    dumps,
    insert_rows,
    is_postgres,
    one_of,
    update_rows,
    upsert_rows,
)
from hub.store.models import BlockingKey, Citizen, ManualDecision, MatchEdge, SourceRecord
from matching.model import Constraints, Edge, Prepared, ReclusterPlan


def edge_detail(edge: Edge) -> str:
    return dumps(
        {"levels": dict(edge.levels), "field_weights": dict(edge.field_weights), "summary": edge.summary}
    )


def edge_from_row(a: str, b: str, weight: float, detail: str) -> Edge:
    data = from_json(detail)
    return Edge(a, b, weight, data.get("levels", {}), data.get("field_weights", {}), data.get("summary", ""))


LOCK_SLOTS = 512
"""Blocking keys hash onto this many advisory locks: enough to let unrelated batches run side by side,
few enough that one transaction never exhausts PostgreSQL's lock table."""
_LOCK_NAMESPACE = 0x43480000  # "CH": keeps our advisory locks apart from other applications'


def _lock_id(key: str) -> int:
    slot = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") % LOCK_SLOTS
    return _LOCK_NAMESPACE + slot


_NEIGHBOURHOOD_PG = """
WITH RECURSIVE n(k) AS (
    SELECT s COLLATE "C" FROM unnest(SEEDS) AS s WHERE s <> ALL(REMOVED)
    UNION
    SELECT x.k FROM n CROSS JOIN LATERAL (
        SELECT e.b AS k FROM match_edges AS e WHERE e.a = n.k AND e.weight >= :least
        UNION ALL
        SELECT e.a FROM match_edges AS e WHERE e.b = n.k AND e.weight >= :least
        UNION ALL
        SELECT m.source_key FROM source_records AS r
        JOIN source_records AS m ON m.citizen_id = r.citizen_id
        WHERE r.source_key = n.k
        UNION ALL
        SELECT d.b FROM manual_decisions AS d WHERE d.a = n.k AND d.active AND d.kind = 'must_link'
        UNION ALL
        SELECT d.a FROM manual_decisions AS d WHERE d.b = n.k AND d.active AND d.kind = 'must_link'
    ) AS x
    WHERE x.k <> ALL(REMOVED)
)
SELECT k FROM n
"""
_NEIGHBOURHOOD_PG = _NEIGHBOURHOOD_PG.replace("SEEDS", ARRAY_PARAMETER.format(":seeds"))
_NEIGHBOURHOOD_PG = _NEIGHBOURHOOD_PG.replace("REMOVED", ARRAY_PARAMETER.format(":removed"))

_NEIGHBOURS_SQLITE = """
SELECT b FROM match_edges WHERE a IN ({keys}) AND weight >= :least
UNION SELECT a FROM match_edges WHERE b IN ({keys}) AND weight >= :least
UNION SELECT m.source_key FROM source_records AS r
JOIN source_records AS m ON m.citizen_id = r.citizen_id WHERE r.source_key IN ({keys})
UNION SELECT b FROM manual_decisions WHERE a IN ({keys}) AND active AND kind = 'must_link'
UNION SELECT a FROM manual_decisions WHERE b IN ({keys}) AND active AND kind = 'must_link'
"""

# Each asked key is looked up in the index on its own (a lateral subquery, kept apart by OFFSET 0),
# whatever the statistics say. ``key = ANY(array)``: while the table was small or never analysed (a new
# hub's first minutes) PostgreSQL read it sequentially and compared every row with every key of the
# array (1.3 s for one batch of 1,000 records at 24,000 stored keys). A plain join: before the first
# ANALYZE it hashed the keys and read the whole table each batch (100,000 people: 3.5 s against 2.4 s).
_HOLDERS_PG = """
WITH hits AS MATERIALIZED (
    SELECT b.key, b.source_key FROM json_array_elements_text(CAST(:keys AS json)) AS w(k)
    CROSS JOIN LATERAL (
        SELECT key, source_key FROM blocking_keys WHERE key = w.k COLLATE "C" OFFSET 0
    ) AS b
), sizes AS MATERIALIZED (
    SELECT key, count(*) AS n FROM hits GROUP BY key
)
SELECT NULL, ARRAY(SELECT key FROM sizes WHERE n <= :most), NULL, SIZES
UNION ALL
SELECT s.source_key, h.held, s.event_id, FEATURES
FROM (
    SELECT hits.source_key, array_agg(hits.key) AS held
    FROM hits JOIN sizes ON sizes.key = hits.key
    WHERE sizes.n <= :most
    GROUP BY hits.source_key
) AS h
JOIN source_records AS s ON s.source_key = h.source_key
WHERE s.features IS NOT NULL
"""
# The unlocked read also returns its snapshot and every block's size (small or not), so that once
# locked only what other transactions changed since needs reading again.
_EARLY_PG = _HOLDERS_PG.replace("FEATURES", "s.features").replace(
    "SIZES",
    "CAST(json_build_array(CAST(pg_current_snapshot() AS text),"
    " (SELECT json_object_agg(key, n) FROM sizes)) AS text)",
)
_CANDIDATES_PG = _HOLDERS_PG.replace("FEATURES", "s.features").replace("SIZES", "NULL")
_VERSIONS_PG = _HOLDERS_PG.replace("FEATURES", "NULL").replace("SIZES", "NULL")

# The blocking keys changed by transactions that the unlocked read did not see (not visible in its
# snapshot: still running then, or begun since), and how far the log has been pruned.
_CHANGED_SINCE_PG = """
SELECT NULL, through FROM blocking_changes_pruned
UNION ALL
SELECT keys, NULL FROM blocking_changes
WHERE xid >= :xmin
AND NOT pg_visible_in_snapshot(CAST(CAST(xid AS text) AS xid8), CAST(:snapshot AS pg_snapshot))
"""
_LOG_CHANGES_PG = """
INSERT INTO blocking_changes (xid, at, keys)
VALUES (CAST(CAST(pg_current_xact_id() AS text) AS bigint), clock_timestamp(), :keys)
"""
_PRUNE_PG = """
WITH gone AS (
    DELETE FROM blocking_changes WHERE at < clock_timestamp() - make_interval(secs => :age) RETURNING xid
)
UPDATE blocking_changes_pruned SET through = greatest(through, (SELECT max(xid) FROM gone))
WHERE id = 1 AND EXISTS (SELECT 1 FROM gone)
"""


def prune_blocking_changes(session: Session, older_than_seconds: float = 600) -> None:
    """Forget the blocking-key changes logged longer ago than ``older_than_seconds``, in the caller's
    (short) transaction. A batch that might have needed a forgotten row sees the watermark move and reads
    all its blocks again, so pruning never costs correctness."""
    if is_postgres(session):
        session.execute(text(_PRUNE_PG), {"age": older_than_seconds})


@dataclass
class _EarlyRead:
    """What :meth:`SqlMatchStore.candidates` read before the locks: the snapshot it saw, every asked
    block's size then, and each small block's stored holders with their versions."""

    snapshot: str
    asked: set[str]
    sizes: dict[str, int]
    holders: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def xmin(self) -> int:
        return int(self.snapshot.split(":", 1)[0])


# Two index look-ups per key, whatever the planner thinks of the table: ``a = ANY(keys) OR b = ANY(keys)``
# on a table of a few thousand edges became a sequential scan comparing every edge with every key
# (2,000 keys, 5,000 edges: 750 ms instead of 35 ms).
_EDGES_TOUCHING_PG = """
SELECT e.a, e.b, e.weight, e.detail
FROM (SELECT DISTINCT k COLLATE "C" AS k FROM json_array_elements_text(CAST(:keys AS json)) AS k) AS w
CROSS JOIN LATERAL (
    SELECT a, b, weight, detail FROM match_edges WHERE a = w.k
    UNION ALL
    SELECT a, b, weight, detail FROM match_edges WHERE b = w.k
) AS e
"""

_MEMBERSHIP = ("citizen_id", "link_weight", "link_summary", "link_detail")


class SqlMatchStore:
    """MatchStore on the hub's tables, inside the caller's session (the caller commits).

    ``pending`` holds the batch's source_records rows, not yet written: features, blocking keys and
    membership are added to them and :meth:`apply` writes each row once (an insert, or an update of a
    row whose stored change is older). Until then the store answers for them from memory.
    ``previous_blocking`` holds the stored blocking keys of pending records that already existed.
    ``same_change_replaces``: a pending row also replaces a stored row of the same change (its
    ``occurred_at`` and ``event_id``), as when stored records are matched again.
    """

    single_writer = False
    """Workers and supervisors' decisions change the tables at the same time."""

    def __init__(
        self,
        session: Session,
        pending: dict[str, dict[str, Any]] | None = None,
        previous_blocking: dict[str, list[str]] | None = None,
        same_change_replaces: bool = False,
    ) -> None:
        self.session = session
        self.same_change_replaces = same_change_replaces
        self.postgres = is_postgres(session)
        self.comparisons = 0
        self.pending = pending if pending is not None else {}
        self.previous_blocking = previous_blocking if previous_blocking is not None else {}
        self._prepared: dict[str, Prepared] = {}
        self._early: _EarlyRead | None = None
        # This batch's own changes to the blocking keys: holders added per key, keys that lost a holder,
        # and every key whose holders or their versions changed (logged for other batches).
        self._added: Counter[str] = Counter()
        self._dropped: set[str] = set()
        self._changed: set[str] = set()

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

    def stored_blocking_keys(self, keys: Sequence[str]) -> set[str]:
        unknown = [k for k in keys if k not in self.pending]
        found = {bk for k in keys if k in self.pending for bk in self.previous_blocking.get(k, ())}
        for where in self._in(SourceRecord.source_key, unknown):
            for (blocking,) in self.session.execute(
                select(SourceRecord.blocking).where(where, SourceRecord.blocking.is_not(None))
            ).all():
                found.update(from_json(blocking or "[]"))
        return found

    def _drop_blocking_keys(self, keys: Sequence[str], keep: dict[str, set[str]]) -> dict[str, set[str]]:
        """Delete the stored blocking keys of ``keys`` (except those in ``keep[key]``); returns the
        stored blocking keys each had."""
        known = {k: self.previous_blocking[k] for k in keys if k in self.previous_blocking}
        unknown = [k for k in keys if k not in self.pending and k not in known]
        for where in self._in(SourceRecord.source_key, unknown):
            for key, blocking in self.session.execute(
                select(SourceRecord.source_key, SourceRecord.blocking).where(
                    where, SourceRecord.blocking.is_not(None)
                )
            ).all():
                known[key] = from_json(blocking or "[]")
        rows = [
            {"key": bk, "source_key": key}
            for key, old in sorted(known.items())
            for bk in sorted(set(old) - keep.get(key, set()))
        ]
        delete_rows(self.session, BlockingKey, rows)
        self._dropped.update(r["key"] for r in rows)
        return {k: set(v) for k, v in known.items()}

    def put_prepared(self, records: Sequence[Prepared]) -> None:
        if not records:
            return
        new = {r.key: set(r.blocking_keys) for r in records}
        stored = self._drop_blocking_keys(sorted(new), new)
        old = {k: stored.get(k, set()) for k in new}
        rows = [
            {"key": bk, "source_key": k} for k, keys in sorted(new.items()) for bk in sorted(keys - old[k])
        ]
        insert_rows(self.session, BlockingKey, rows)
        self._added.update(r["key"] for r in rows)
        # A re-prepared holder has a new version under every key it holds or held.
        for k in new:
            self._changed.update(new[k] | old[k])
        direct: list[dict[str, Any]] = []
        for r in records:
            values = {"features": dumps(r.features), "blocking": dumps(sorted(new[r.key]))}
            if r.key in self.pending:
                self.pending[r.key] |= values
                self._prepared[r.key] = r
            else:
                direct.append({"source_key": r.key} | values)
        update_rows(self.session, SourceRecord, "source_key", direct)

    def remove(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        for old in self._drop_blocking_keys(keys, {}).values():
            self._changed.update(old)
        self._delete_edges(keys)
        direct: list[dict[str, Any]] = []
        for key in keys:
            values = {"features": None, "blocking": None}
            if key in self.pending:
                self.pending[key] |= values
            else:
                direct.append({"source_key": key} | values)
        update_rows(self.session, SourceRecord, "source_key", direct)

    def _delete_edges(self, keys: Sequence[str]) -> None:
        pairs = zip(self._in(MatchEdge.a, keys), self._in(MatchEdge.b, keys), strict=True)
        for where_a, where_b in pairs:
            self.session.execute(delete(MatchEdge).where(or_(where_a, where_b)))

    def _holders(
        self, blocking_keys: Iterable[str], max_block_size: int, features: bool, early: bool = False
    ) -> tuple[set[str], list[tuple[str, list[str], str, str | None]]]:
        """The small blocks among ``blocking_keys``, and each stored holder of one (not deleted):
        (source key, its small blocks, its version, its features when asked for).

        ``early`` (PostgreSQL, with features): remember the snapshot, the sizes and the holders read,
        for :meth:`holders` once the locks are held."""
        wanted = sorted(set(blocking_keys))
        small: set[str] = set()
        rows: list[tuple[str, list[str], str, str | None]] = []
        if self.postgres:
            # One round trip: the small blocks first, then each stored holder with its small blocks.
            query = _EARLY_PG if early else _CANDIDATES_PG if features else _VERSIONS_PG
            for key, held, version, feats in self.session.execute(
                text(query), {"keys": dumps(wanted), "most": max_block_size}
            ).all():
                if key is None:
                    small.update(held)
                    if early:
                        snapshot, sizes = from_json(feats)
                        self._early = _EarlyRead(snapshot, set(wanted), sizes or {})
                else:
                    rows.append((key, held, version, feats))
            if self._early is not None and early:
                for key, held, version, _feats in rows:
                    for block in held:
                        self._early.holders.setdefault(block, {})[key] = version
            return small, rows
        for where in self._in(BlockingKey.key, wanted):
            counts = self.session.execute(
                select(BlockingKey.key, func.count()).where(where).group_by(BlockingKey.key)
            ).all()
            small.update(k for k, n in counts if n <= max_block_size)
        held_by: dict[str, list[str]] = {}
        stored: dict[str, tuple[str, str | None]] = {}
        for where in self._in(BlockingKey.key, small):
            for block, key, version, feats in self.session.execute(
                select(BlockingKey.key, SourceRecord.source_key, SourceRecord.event_id, SourceRecord.features)
                .join(SourceRecord, SourceRecord.source_key == BlockingKey.source_key)
                .where(where, SourceRecord.features.is_not(None))
            ).all():
                held_by.setdefault(key, []).append(block)
                stored[key] = (version, (feats or "{}") if features else None)
        return small, [(k, held_by[k], v, f) for k, (v, f) in stored.items()]

    def candidates(
        self, blocking_keys: Iterable[str], max_block_size: int, versions: dict[str, str] | None = None
    ) -> dict[str, list[Prepared]]:
        small, rows = self._holders(blocking_keys, max_block_size, features=True, early=versions is not None)
        result: dict[str, list[Prepared]] = {}
        for key, held, version, feats in rows:
            if key in self.pending:
                continue  # the stored version is being replaced: the batch's own is added below
            # Candidates are only compared: their own blocking keys are not read.
            prepared = Prepared(key, (), from_json(feats or "{}"))
            if versions is not None:
                versions[key] = version
            else:
                self.comparisons += len(held)
            for block in held:
                result.setdefault(block, []).append(prepared)
        # The batch's own records are not written yet (their blocking keys are, so the counts hold).
        for prepared in self._prepared.values():
            for block in prepared.blocking_keys:
                if block in small:
                    result.setdefault(block, []).append(prepared)
                    if versions is None:
                        self.comparisons += 1
        return result

    def holders(self, blocking_keys: Iterable[str], max_block_size: int) -> dict[str, dict[str, str]]:
        wanted = set(blocking_keys)
        dirty = self._changed_since_early(wanted)
        result: dict[str, dict[str, str]] = {}
        small: set[str] = set()
        if dirty is not None and self._early is not None:
            # Blocks nobody else touched since the unlocked read: as read then, plus this batch's own
            # new holders (a block that lost a holder here is dirty, so sizes here only grow).
            for block in wanted - dirty:
                if self._early.sizes.get(block, 0) + self._added[block] <= max_block_size:
                    small.add(block)
                    for key, version in self._early.holders.get(block, {}).items():
                        if key not in self.pending:
                            result.setdefault(block, {})[key] = version
                            self.comparisons += 1
        rows: list[tuple[str, list[str], str, str | None]] = []
        if dirty is None or dirty:
            dirty_small, rows = self._holders(wanted if dirty is None else dirty, max_block_size, False)
            small |= dirty_small
        for key, held, version, _feats in rows:
            if key in self.pending:
                continue  # the stored version is being replaced: the batch's own is added below
            self.comparisons += len(held)
            for block in held:
                result.setdefault(block, {})[key] = version
        for prepared in self._prepared.values():
            version = str(self.pending[prepared.key].get("event_id", ""))
            for block in prepared.blocking_keys:
                if block in small:
                    result.setdefault(block, {})[prepared.key] = version
                    self.comparisons += 1
        return result

    def _changed_since_early(self, wanted: set[str]) -> set[str] | None:
        """Which of ``wanted`` blocks may differ from the unlocked read: those other transactions changed
        since (their log rows are invisible in its snapshot) and those this batch took a holder from.
        ``None``: no usable unlocked read, so every block is read again."""
        early = self._early
        if early is None or not wanted <= early.asked:
            return None
        changed: set[str] = set()
        for keys, through in self.session.execute(
            text(_CHANGED_SINCE_PG), {"xmin": early.xmin, "snapshot": early.snapshot}
        ).all():
            if keys is None:
                if through >= early.xmin:
                    return None  # a log row that read may not have seen is gone
            else:
                changed.update(from_json(keys))
        return (changed | self._dropped) & wanted

    def prepared_of(self, keys: Iterable[str]) -> dict[str, Prepared]:
        wanted = list(keys)
        result = {k: self._prepared[k] for k in wanted if k in self._prepared}
        for where in self._in(SourceRecord.source_key, [k for k in wanted if k not in self.pending]):
            for key, feats in self.session.execute(
                select(SourceRecord.source_key, SourceRecord.features).where(
                    where, SourceRecord.features.is_not(None)
                )
            ).all():
                result[key] = Prepared(key, (), from_json(feats or "{}"))
        return result

    def replace_edges(self, keys: Sequence[str], edges: Sequence[Edge]) -> None:
        # Only records that were stored before can have edges to replace.
        old = [k for k in keys if k not in self.pending or k in self.previous_blocking]
        if old:
            self._delete_edges(old)
        unique = {(e.a, e.b): e for e in edges}
        insert_rows(
            self.session,
            MatchEdge,
            [{"a": e.a, "b": e.b, "weight": e.weight, "detail": edge_detail(e)} for e in unique.values()],
        )

    def edges_touching(self, keys: Iterable[str]) -> list[Edge]:
        wanted = sorted(set(keys))
        found: dict[tuple[str, str], Edge] = {}
        if self.postgres:
            for a, b, weight, detail in self.session.execute(
                text(_EDGES_TOUCHING_PG), {"keys": dumps(wanted)}
            ).all():
                if (a, b) not in found:
                    found[(a, b)] = edge_from_row(a, b, weight, detail)
            return list(found.values())
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

    def neighbourhood(self, seeds: Iterable[str], removed: set[str], min_weight: float) -> set[str]:
        start = sorted(set(seeds) - removed)
        if self.postgres:
            arrays = {"seeds": dumps(start), "removed": dumps(sorted(removed)), "least": min_weight}
            return set(self.session.scalars(text(_NEIGHBOURHOOD_PG), arrays))
        nodes = set(start)
        frontier = start
        while frontier:
            found: set[str] = set()
            for part in range(0, len(frontier), 300):
                chunk = frontier[part : part + 300]
                marks = ", ".join(f":k{i}" for i in range(len(chunk)))
                found.update(
                    self.session.scalars(
                        text(_NEIGHBOURS_SQLITE.format(keys=marks)),
                        {f"k{i}": k for i, k in enumerate(chunk)} | {"least": min_weight},
                    )
                )
            frontier = sorted(found - nodes - removed)
            nodes.update(frontier)
        return nodes

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
        """Memberships, then the batch's source records, each written once. Golden records, history,
        reviews and outbound events are the worker's (hub.worker.citizens.apply_plan), in the same
        transaction."""
        direct: list[dict[str, Any]] = []
        for citizen in plan.changed_citizens():
            for key in citizen.members:
                reason = citizen.reasons.get(key)
                values = {
                    "citizen_id": citizen.citizen_id,
                    "link_weight": reason.weight if reason else None,
                    "link_summary": reason.summary if reason else None,
                    "link_detail": _link_detail(key, reason),
                }
                if key in self.pending:
                    self.pending[key] |= values
                else:
                    direct.append({"source_key": key} | values)
        for key in plan.removed:
            values = dict.fromkeys(_MEMBERSHIP)
            if key in self.pending:
                self.pending[key] |= values
            else:
                direct.append({"source_key": key} | values)
        update_rows(self.session, SourceRecord, "source_key", direct, only_changed=True)
        self.flush()

    def flush(self) -> None:
        """Write the pending source records (the newest stored change wins over an older one), and log
        the blocking keys this transaction changed."""
        if self._changed and self.postgres:
            self.session.execute(text(_LOG_CHANGES_PG), {"keys": dumps(sorted(self._changed))})
        self._changed.clear()
        if not self.pending:
            return
        complete = {"features": None, "blocking": None} | dict.fromkeys(_MEMBERSHIP)
        rows = [complete | self.pending[k] for k in sorted(self.pending)]
        columns = [c for c in rows[0] if c != "source_key"]
        upsert_rows(
            self.session,
            SourceRecord,
            rows,
            ["source_key"],
            columns,
            newer=("occurred_at", "event_id"),
            or_same=self.same_change_replaces,
        )
        self.pending.clear()
        self._prepared.clear()


def _link_detail(key: str, reason: Edge | None) -> dict[str, Any] | None:
    if reason is None:
        return None
    return {
        "levels": dict(reason.levels),
        "field_weights": dict(reason.field_weights),
        "summary": reason.summary,
        "with": reason.b if reason.a == key else reason.a,
        "weight": reason.weight,
    }
