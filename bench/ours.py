"""Run our engine incrementally, in memory, exactly as ``citizen-hub match`` does."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from contracts import PersonRecord
from hub.cli.match import BATCH
from matching.engine import FellegiSunterEngine
from matching.incremental import IncrementalMatcher
from matching.memory import MemoryStore
from matching.model import Comparison, Constraints, Edge, Prepared, RecordChange


class CountingEngine(FellegiSunterEngine):
    """Our engine, counting the candidate comparisons it makes and timing its own work (prepare,
    compare, cluster) apart from the incremental re-clusterer and the in-memory store around it."""

    comparisons = 0
    engine_seconds = 0.0

    def prepare(self, record: PersonRecord) -> Prepared:
        start = time.perf_counter()
        try:
            return super().prepare(record)
        finally:
            self.engine_seconds += time.perf_counter() - start

    def compare_many(self, record: Prepared, candidates: Sequence[Prepared]) -> list[Comparison]:
        self.comparisons += len(candidates)
        start = time.perf_counter()
        try:
            return super().compare_many(record, candidates)
        finally:
            self.engine_seconds += time.perf_counter() - start

    def cluster(
        self, nodes: Sequence[str], edges: Sequence[Edge], constraints: Constraints
    ) -> list[list[str]]:
        start = time.perf_counter()
        try:
            return super().cluster(nodes, edges, constraints)
        finally:
            self.engine_seconds += time.perf_counter() - start


@dataclass
class RunResult:
    clusters: dict[str, str]
    seconds: float
    """The whole incremental path: engine, re-clusterer and in-memory store."""
    engine_seconds: float
    """The engine's own part: prepare, compare and cluster."""
    records: int
    comparisons: int
    reviews: int
    """Review pairs still open at the end (two records in different citizens, in the review band)."""

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    @property
    def engine_records_per_second(self) -> float:
        return self.records / self.engine_seconds if self.engine_seconds else 0.0

    @property
    def comparisons_per_record(self) -> float:
        return self.comparisons / self.records if self.records else 0.0


def run_ours(
    records: Sequence[PersonRecord],
    engine: FellegiSunterEngine | None = None,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Match ``records`` in arrival order, ``batch`` at a time (as ``citizen-hub match``), and time it."""
    base = engine or FellegiSunterEngine()
    counting = CountingEngine(
        base.params,
        link_threshold=base.thresholds.link,
        review_threshold=base.thresholds.review,
        max_block_size=base.max_block_size,
    )
    store = MemoryStore()
    matcher = IncrementalMatcher(counting)
    start = time.perf_counter()
    for i in range(0, len(records), batch):
        chunk = records[i : i + batch]
        matcher.process(store, [RecordChange(r.source_key, r) for r in chunk])
        if progress:
            progress(i + len(chunk))
    seconds = time.perf_counter() - start
    citizen = store.citizen
    reviews = sum(1 for a, b in store.reviews if citizen.get(a) != citizen.get(b))
    return RunResult(
        dict(citizen), seconds, counting.engine_seconds, len(records), counting.comparisons, reviews
    )
