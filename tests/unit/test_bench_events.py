"""The benches stream a population's events (a million people's never fit in memory at once)."""

from __future__ import annotations

from adaptors.population import generate_population
from bench.bench_pipeline import build_events, iter_events


def test_streamed_events_are_the_built_ones_in_the_same_order() -> None:
    events, records = build_events(60, seed=5)
    streamed = list(iter_events(generate_population(people=60, seed=5)))

    assert [e.event_id for e in streamed] == [e.event_id for e in events]
    assert records == sum(1 for e in events if e.type == "PersonRecord")


def test_records_only_streams_the_person_records_alone() -> None:
    population = generate_population(people=60, seed=5)

    everything = list(iter_events(population))
    records = list(iter_events(population, records_only=True))

    assert [e.event_id for e in records] == [e.event_id for e in everything if e.type == "PersonRecord"]
    assert len(everything) > len(records)
