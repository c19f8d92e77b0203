"""An in-memory :class:`~matching.ports.MatchStore` for batch runs, benchmarks and tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from matching.model import Constraints, Edge, Prepared, ReclusterPlan

_SMALL_BLOCK = 16
"""Holders of one blocking key kept in a tuple; more go into a set (adding to a tuple copies it)."""

_V = TypeVar("_V")

_VERSION = "1"
"""Every record's version. A version tells a batch whether another writer changed a record between its
two reads; with one writer nothing can, so one value serves (a counter per record cost a look-up in a
table of every record for each holder read)."""


class _Table(dict[str, _V]):
    """A dict the garbage collector keeps tracking. It untracks a plain dict whose values it need not
    walk (strings, tuples of strings), and tracks it again, as a young object walked in full, as soon
    as a new tuple goes in: once a batch for a table of millions of entries. Tracked for good, a table
    ages into the oldest generation and is walked only in the rare full collections."""

    __slots__ = ()


class MemoryStore:
    """Holds everything in dicts; one writer, so the locks are no-ops.

    A blocking key held by one record (most of them) maps to that record's key in a dict of strings
    that the garbage collector never walks; one held by a few maps to a tuple, a larger one to a set.
    A citizen's members are a tuple; a record's features and blocking keys are kept apart, not in a
    :class:`Prepared` (candidates are built when read). Strings, tuples of strings and dicts of them
    are not tracked by the collector, which would otherwise walk millions of small containers again and
    again as the store grows.
    """

    single_writer = True

    def __init__(self) -> None:
        self.features: dict[str, Mapping[str, Any]] = _Table()
        self.blocking: dict[str, tuple[str, ...]] = _Table()
        self.blocks: dict[str, str] = {}
        """Blocking keys held by one record, and its key: only strings, so never walked by the collector."""
        self.shared_blocks: dict[str, tuple[str, ...] | set[str]] = _Table()
        """Blocking keys held by several records (a few in a tuple, more in a set)."""
        self.edges: dict[str, dict[str, Edge]] = defaultdict(dict)
        self.citizen: dict[str, str] = {}
        self.members: dict[str, tuple[str, ...]] = _Table()
        self.ages: dict[str, int] = {}
        self.retired: dict[str, str] = {}
        self.must_link: set[tuple[str, str]] = set()
        self.cannot_link: set[tuple[str, str]] = set()
        self.reviews: dict[tuple[str, str], Edge] = {}
        self.comparisons = 0

    def lock_blocking_keys(self, keys: Sequence[str]) -> None:
        return None

    def lock_records(self, keys: Sequence[str]) -> None:
        return None

    def stored_blocking_keys(self, keys: Sequence[str]) -> set[str]:
        blocking = self.blocking
        return {bk for k in keys if k in blocking for bk in blocking[k]}

    def put_prepared(self, records: Sequence[Prepared]) -> None:
        blocks = self.blocks
        shared = self.shared_blocks
        for record in records:
            key = record.key
            old = self.blocking.get(key)
            if old is not None:
                self._unblock(key, old)
            self.features[key] = record.features
            self.blocking[key] = record.blocking_keys
            for bk in record.blocking_keys:
                many = shared.get(bk)
                if many is None:
                    # A key is in one of the two tables: new ones (most) go in with one look-up.
                    held = blocks.setdefault(bk, key)
                    if held != key:
                        del blocks[bk]
                        shared[bk] = (held, key)
                elif isinstance(many, tuple):
                    if key not in many:
                        shared[bk] = many + (key,) if len(many) < _SMALL_BLOCK else {*many, key}
                else:
                    many.add(key)

    def _unblock(self, key: str, blocking_keys: Iterable[str]) -> None:
        blocks = self.blocks
        shared = self.shared_blocks
        for bk in blocking_keys:
            held = blocks.get(bk)
            if held is not None:
                if held == key:
                    del blocks[bk]
                continue
            many = shared.get(bk)
            if many is None:
                continue
            if isinstance(many, tuple):
                if key in many:
                    shared[bk] = tuple(k for k in many if k != key)
            else:
                many.discard(key)

    def remove(self, keys: Sequence[str]) -> None:
        for key in keys:
            self.features.pop(key, None)
            old = self.blocking.pop(key, None)
            if old is not None:
                self._unblock(key, old)
        self.replace_edges(keys, [])

    def candidates(
        self, blocking_keys: Iterable[str], max_block_size: int, versions: dict[str, str] | None = None
    ) -> dict[str, list[Prepared]]:
        result: dict[str, list[Prepared]] = {}
        made: dict[str, Prepared] = {}
        features = self.features
        blocks = self.blocks
        shared = self.shared_blocks
        for bk in blocking_keys:
            held = blocks.get(bk)
            holders: Collection[str]
            if held is not None:
                if max_block_size < 1:
                    continue
                holders = (held,)
            else:
                many = shared.get(bk)
                if not many or len(many) > max_block_size:
                    continue
                holders = many
            found: list[Prepared] = []
            for k in holders:
                prepared = made.get(k)
                if prepared is None:
                    prepared = made[k] = Prepared(k, (), features[k])
                found.append(prepared)
            result[bk] = found
            if versions is None:
                self.comparisons += len(holders)
            else:
                versions.update(dict.fromkeys(holders, _VERSION))
        return result

    def holders(self, blocking_keys: Iterable[str], max_block_size: int) -> dict[str, dict[str, str]]:
        """Keys held by one record are left out (most keys: once stored, that is the record itself)."""
        result: dict[str, dict[str, str]] = {}
        shared = self.shared_blocks
        read = 0
        for bk in blocking_keys:
            many = shared.get(bk)
            if many and len(many) <= max_block_size:
                result[bk] = dict.fromkeys(many, _VERSION)
                read += len(many)
        self.comparisons += read
        return result

    def prepared_of(self, keys: Iterable[str]) -> dict[str, Prepared]:
        features = self.features
        return {k: Prepared(k, (), features[k]) for k in keys if k in features}

    def replace_edges(self, keys: Sequence[str], edges: Sequence[Edge]) -> None:
        for key in keys:
            for other in list(self.edges.get(key, {})):
                self.edges[other].pop(key, None)
            self.edges.pop(key, None)
        for edge in edges:
            self.edges[edge.a][edge.b] = edge
            self.edges[edge.b][edge.a] = edge

    def edges_touching(self, keys: Iterable[str]) -> list[Edge]:
        found: dict[tuple[str, str], Edge] = {}
        for key in keys:
            for edge in self.edges.get(key, {}).values():
                found[(edge.a, edge.b)] = edge
        return list(found.values())

    def neighbourhood(self, seeds: Iterable[str], removed: set[str], min_weight: float) -> set[str]:
        linked: dict[str, set[str]] = defaultdict(set)
        for a, b in self.must_link:
            linked[a].add(b)
            linked[b].add(a)
        nodes = set(seeds) - removed
        frontier = list(nodes)
        while frontier:
            found: set[str] = set()
            for key in frontier:
                found.update(k for k, e in self.edges.get(key, {}).items() if e.weight >= min_weight)
                found.update(linked.get(key, ()))
                citizen = self.citizen.get(key)
                if citizen is not None:
                    found.update(self.members.get(citizen, ()))
            frontier = [k for k in found if k not in nodes and k not in removed]
            nodes.update(frontier)
        return nodes

    def citizens_of(self, keys: Iterable[str]) -> dict[str, str]:
        return {k: self.citizen[k] for k in keys if k in self.citizen}

    def members_of(self, citizen_ids: Iterable[str]) -> dict[str, list[str]]:
        return {c: sorted(self.members[c]) for c in citizen_ids if self.members.get(c)}

    def citizen_ages(self, citizen_ids: Iterable[str]) -> dict[str, int]:
        return {c: self.ages[c] for c in citizen_ids if c in self.ages}

    def constraints_for(self, keys: Iterable[str]) -> Constraints:
        wanted = set(keys)
        return Constraints(
            frozenset(p for p in self.must_link if p[0] in wanted or p[1] in wanted),
            frozenset(p for p in self.cannot_link if p[0] in wanted or p[1] in wanted),
        )

    def citizen_ids_taken(self, citizen_ids: Iterable[str]) -> set[str]:
        return {c for c in citizen_ids if c in self.ages}

    def apply(self, plan: ReclusterPlan) -> None:
        members = self.members
        for key in plan.removed:
            old = self.citizen.pop(key, None)
            if old is not None:
                self._leave(old, key)
        for old_id, survivor in plan.retired.items():
            members.pop(old_id, None)
            self.retired[old_id] = survivor
        for citizen in plan.citizens:
            citizen_id = citizen.citizen_id
            self.retired.pop(citizen_id, None)
            if citizen_id not in self.ages:
                self.ages[citizen_id] = len(self.ages)
            for key in citizen.members:
                previous = self.citizen.get(key)
                if previous is not None and previous != citizen_id:
                    self._leave(previous, key)
                self.citizen[key] = citizen_id
            members[citizen_id] = tuple(citizen.members)
        for edge in plan.reviews:
            self.reviews[(edge.a, edge.b)] = edge

    def _leave(self, citizen_id: str, key: str) -> None:
        held = self.members.get(citizen_id)
        if held is not None and key in held:
            self.members[citizen_id] = tuple(k for k in held if k != key)

    def resolve(self, citizen_id: str) -> str:
        """Follow retirements to the live citizen an old id now means ('' when none survives)."""
        seen = set()
        while citizen_id in self.retired and citizen_id not in seen:
            seen.add(citizen_id)
            citizen_id = self.retired[citizen_id]
        return citizen_id

    def partition(self) -> list[list[str]]:
        """The current citizens as sorted lists of source keys (for comparing runs)."""
        return sorted(sorted(m) for m in self.members.values() if m)
