"""The benches stream a population's events (a million people's never fit in memory at once)."""

from __future__ import annotations

from adaptors.population import generate_population
from bench.bench_pipeline import arrivals, build_events, held_back, iter_events


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


def test_the_people_held_back_from_a_preload_arrive_whole_and_nobody_twice() -> None:
    """A preload made with ``--hold-back`` leaves out every record of the people chosen, and the timed run
    applies exactly those: together, the population's records once each."""
    population = generate_population(people=400, seed=5)
    held = held_back(population, 0.1)
    preloaded = [e for e in iter_events(population, records_only=True) if not held(e.payload.source_key)]
    arriving, count = arrivals(400, 5, 0.1)

    keys = [e.payload.source_key for e in preloaded + arriving]
    assert sorted(keys) == sorted(population.truth)
    assert count == len(arriving)
    newcomers = {population.truth[e.payload.source_key] for e in arriving}
    assert 0.05 * 400 < len(newcomers) < 0.15 * 400
    assert all(population.truth[e.payload.source_key] not in newcomers for e in preloaded)
