"""The ports of the matching engine: what it needs from a store, and what an engine provides.

The hub implements :class:`MatchStore` in SQL; :mod:`matching.memory` implements it in memory for batch
runs and benchmarks. The re-clustering algorithm (:mod:`matching.incremental`) is the same for both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from contracts import PersonRecord
from matching.model import Comparison, Constraints, Edge, Prepared, ReclusterPlan, Thresholds


class MatchEngine(Protocol):
    """Standardises, blocks, compares and clusters. Pure and deterministic."""

    thresholds: Thresholds
    max_block_size: int
    apart: float
    """The weight of a pair whose conflicts say two people (below the review threshold). Such pairs are not
    stored, but one found while filling in a neighbourhood's missing pairs is handed to :meth:`cluster`."""

    def prepare(self, record: PersonRecord) -> Prepared:
        """Standardise one record and compute its blocking keys."""
        ...

    def compare_many(self, record: Prepared, candidates: Sequence[Prepared]) -> list[Comparison]:
        """Compare one record with many candidates (in the order given)."""
        ...

    def cluster(
        self, nodes: Sequence[str], edges: Sequence[Edge], constraints: Constraints
    ) -> list[list[str]]:
        """Partition ``nodes`` into citizens. Must depend only on its arguments, never on their order."""
        ...


class MatchStore(Protocol):
    """Where prepared records, edges, memberships and constraints live (a database, or memory)."""

    single_writer: bool
    """True when no other batch can change the store while one is matched (memory): the matcher then
    reads the candidates once, after storing the batch, instead of before the locks and again under
    them, takes no locks, and may hand :meth:`holders` a key more than once."""

    def lock_blocking_keys(self, keys: Sequence[str]) -> None:
        """Serialise batches that could become candidates of each other (no-op with one writer)."""
        ...

    def lock_records(self, keys: Sequence[str]) -> None:
        """Hold the neighbourhood being re-clustered (no-op with one writer)."""
        ...

    def stored_blocking_keys(self, keys: Sequence[str]) -> set[str]:
        """The blocking keys the stored versions of these records hold (to lock them before a change)."""
        ...

    def put_prepared(self, records: Sequence[Prepared]) -> None:
        """Store (or replace) prepared records and their blocking keys."""
        ...

    def remove(self, keys: Sequence[str]) -> None:
        """Forget deleted source records, their blocking keys and their edges."""
        ...

    def candidates(
        self, blocking_keys: Iterable[str], max_block_size: int, versions: dict[str, str] | None = None
    ) -> dict[str, list[Prepared]]:
        """Records holding each blocking key, leaving out keys held by more than ``max_block_size``.

        Candidates are only compared, so their ``blocking_keys`` may be left empty. With ``versions``,
        each stored candidate's version (as :meth:`holders` gives it) is put there."""
        ...

    def holders(self, blocking_keys: Iterable[str], max_block_size: int) -> dict[str, dict[str, str]]:
        """What :meth:`candidates` would find, without the features: for each of the blocking keys held
        by at most ``max_block_size`` records, its holders' keys and versions. A version changes
        whenever the holder's prepared record does. A key held by one record may be left out: once
        the batch is stored, that record is the batch's own."""
        ...

    def prepared_of(self, keys: Iterable[str]) -> dict[str, Prepared]:
        """The stored prepared records of ``keys`` (blocking keys may be left empty)."""
        ...

    def replace_edges(self, keys: Sequence[str], edges: Sequence[Edge]) -> None:
        """Delete every edge touching ``keys``, then store ``edges``."""
        ...

    def edges_touching(self, keys: Iterable[str]) -> list[Edge]:
        """Every stored edge with at least one end in ``keys``."""
        ...

    def neighbourhood(self, seeds: Iterable[str], removed: set[str], min_weight: float) -> set[str]:
        """Every key reachable from ``seeds`` through stored edges weighing at least ``min_weight``,
        shared citizens and supervisors' must-link decisions, never entering ``removed`` (the seeds
        themselves included, less ``removed``)."""
        ...

    def citizens_of(self, keys: Iterable[str]) -> dict[str, str]:
        """Current citizen id of each source key that has one."""
        ...

    def members_of(self, citizen_ids: Iterable[str]) -> dict[str, list[str]]:
        """Current member source keys of each citizen."""
        ...

    def citizen_ages(self, citizen_ids: Iterable[str]) -> dict[str, int]:
        """A number that orders citizens by creation (lower is older)."""
        ...

    def constraints_for(self, keys: Iterable[str]) -> Constraints:
        """Manual decisions that touch any of ``keys``."""
        ...

    def citizen_ids_taken(self, citizen_ids: Iterable[str]) -> set[str]:
        """Which of these ids were ever used (live or retired)."""
        ...

    def apply(self, plan: ReclusterPlan) -> None:
        """Record new memberships, retirements and review pairs."""
        ...
