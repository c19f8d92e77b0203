"""An in-memory :class:`~matching.ports.MatchStore` for batch runs, benchmarks and tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import TypeVar

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

    Each record is kept as the :class:`Prepared` it was put as and handed back as a candidate as it is.
    A blocking key held by one record (most of them) maps to that record's key; one held by a few maps
    to a tuple, a larger one to a set. A citizen's members are a tuple. ``citizen-hub match`` pauses the
    garbage collector while it matches: a large run keeps millions of small objects, which the collector
    would walk again and again as the store grows and find nothing to free.
    """

    single_writer = True

    def __init__(self) -> None:
        self.prepared: dict[str, Prepared] = {}
        """Each stored record as it was put: candidates are handed back as these very objects."""
        self.index: dict[str, str | tuple[str, ...] | set[str]] = _Table()
        """Each blocking key's holders: the record's key when one holds it (most keys), a tuple of a few
        keys, or a set of more."""
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
        prepared = self.prepared
        return {bk for k in keys if k in prepared for bk in prepared[k].blocking_keys}

    def put_prepared(self, records: Sequence[Prepared]) -> None:
        index = self.index
        stored = self.prepared
        for record in records:
            key = record.key
            old = stored.get(key)
            if old is not None:
                self._unblock(key, old.blocking_keys)
            stored[key] = record
            for bk in record.blocking_keys:
                # One look-up for a new key (most of them): the stored value is then this very string.
                held = index.setdefault(bk, key)
                if held is key:
                    continue
                if isinstance(held, str):
                    if held != key:
                        index[bk] = (held, key)
                elif isinstance(held, tuple):
                    if key not in held:
                        index[bk] = held + (key,) if len(held) < _SMALL_BLOCK else {*held, key}
                else:
                    held.add(key)

    def _unblock(self, key: str, blocking_keys: Iterable[str]) -> None:
        index = self.index
        for bk in blocking_keys:
            held = index.get(bk)
            if held is None:
                continue
            if isinstance(held, str):
                if held == key:
                    del index[bk]
            elif isinstance(held, tuple):
                if key in held:
                    index[bk] = tuple(k for k in held if k != key)
            else:
                held.discard(key)

    def remove(self, keys: Sequence[str]) -> None:
        for key in keys:
            old = self.prepared.pop(key, None)
            if old is not None:
                self._unblock(key, old.blocking_keys)
        self.replace_edges(keys, [])

    def candidates(
        self, blocking_keys: Iterable[str], max_block_size: int, versions: dict[str, str] | None = None
    ) -> dict[str, list[Prepared]]:
        result: dict[str, list[Prepared]] = {}
        stored = self.prepared
        index = self.index
        for bk in blocking_keys:
            held = index.get(bk)
            holders: Collection[str]
            if not held:
                continue
            if isinstance(held, str):
                if max_block_size < 1:
                    continue
                holders = (held,)
            elif len(held) > max_block_size:
                continue
            else:
                holders = held
            result[bk] = [stored[k] for k in holders]
            if versions is None:
                self.comparisons += len(holders)
            else:
                versions.update(dict.fromkeys(holders, _VERSION))
        return result

    def holders(self, blocking_keys: Iterable[str], max_block_size: int) -> dict[str, dict[str, str]]:
        """Keys held by one record are left out (most keys: once stored, that is the record itself)."""
        result: dict[str, dict[str, str]] = {}
        index = self.index
        read = 0
        for bk in blocking_keys:
            if bk in result:
                continue
            many = index.get(bk)
            if many and not isinstance(many, str) and len(many) <= max_block_size:
                result[bk] = dict.fromkeys(many, _VERSION)
                read += len(many)
        self.comparisons += read
        return result

    def prepared_of(self, keys: Iterable[str]) -> dict[str, Prepared]:
        stored = self.prepared
        return {k: stored[k] for k in keys if k in stored}

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
