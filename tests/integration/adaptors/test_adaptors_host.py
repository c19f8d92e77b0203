"""The hub's wiring end to end on the embedded bus: seed the three reference systems from a population,
run the adaptors once, then deliver a CitizenChanged and see it written back into the other systems."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adaptors.council_tax import legacy as council_tax
from adaptors.housing import legacy as housing
from adaptors.population import generate_population
from adaptors.runtime import AdaptorState
from contracts import CitizenChanged, GoldenAddress, SourceRef, make_event
from hub.adaptors_host import (
    council_tax_url,
    housing_returns_dir,
    reference_benefits_service,
    run_adaptors,
    seed_reference_systems,
    simulate_change_of_address,
    state_path,
)
from hub.bus.base import EventPublisher
from hub.bus.embedded import EmbeddedBus
from hub.settings import Settings

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_seed_run_and_tell_us_once_through_the_hub_bus(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        benefits_wsdl_url=f"http://127.0.0.1:{free_port()}/?wsdl",
        adaptor_settle_s=0,
        kafka_bootstrap_servers=None,
        database_url=None,
    )
    population = generate_population(people=150, seed=3)
    counts = await seed_reference_systems(settings, population)
    assert counts == {s: len(population.person_records(s)) for s in ("council_tax", "benefits", "housing")}
    expected = sum(len(population.person_records(s)) + len(population.service_events(s)) for s in counts)
    bus = EmbeddedBus(settings.embedded_log_path)
    await bus.start()
    await asyncio.sleep(0.01)
    with reference_benefits_service(settings):
        totals = await run_adaptors(settings, bus, asyncio.Event(), once=True)
        assert sum(p.events for p in totals.passes.values()) == expected
        assert bus.log is not None
        assert bus.log.size(settings.topic_source_records) == expected
        again = await run_adaptors(settings, bus, asyncio.Event(), once=True)
        assert sum(p.events for p in again.passes.values()) == 0

        # one change of address made in council tax (the hub would then emit CitizenChanged)
        keys = [k for k, pid in sorted(population.truth.items()) if pid == population.showcase]
        refs = [
            SourceRef(source_system=k.split("/", 1)[0], source_record_id=k.split("/", 1)[1]) for k in keys
        ]
        assert {r.source_system for r in refs} == {"council_tax", "benefits", "housing"}
        ct_ref = next(r.source_record_id for r in refs if r.source_system == "council_tax")
        new_home = GoldenAddress(lines=["7 Ordsall Lane"], town="Salford", postcode="M5 3AN")
        await simulate_change_of_address(settings, "council_tax", ct_ref, new_home)
        change = CitizenChanged(
            citizen_id="cit-peggy",
            version=5,
            address=new_home,
            address_changed=True,
            source_records=refs,
            cause="source record update",
            cause_source_system="council_tax",
        )
        event = make_event(change, datetime(2025, 6, 1, tzinfo=UTC))
        await EventPublisher(bus, settings.topic_citizen_changes).publish([event, event])
        wrote = await run_adaptors(settings, bus, asyncio.Event(), once=True)
        assert {s: w.written for s, w in wrote.writebacks.items()} == {
            "council_tax": 0,
            "benefits": 1,
            "housing": 1,
        }
        assert wrote.passes["council_tax"].events == 1  # the clerk's change, published once
        after = await run_adaptors(settings, bus, asyncio.Event(), once=True)
        # the benefits claim is republished once (its person with the address the hub already holds, and its
        # history again under identical event ids); nothing else moves
        assert after.passes["benefits"].events >= 1
        assert (after.passes["council_tax"].events, after.passes["housing"].events) == (0, 0)
        settled = await run_adaptors(settings, bus, asyncio.Event(), once=True)
        assert sum(p.events for p in settled.passes.values()) == 0
        assert sum(w.written for w in settled.writebacks.values()) == 0
    await bus.stop()
    state = AdaptorState.sqlite(state_path(settings))
    assert [w.status for w in state.list_writebacks("council_tax")] == ["skipped"]
    assert [w.status for w in state.list_writebacks("benefits")] == ["written"]
    returns = housing.read_returns(housing_returns_dir(settings))
    assert [(r["CORR_ADDR_1"], r["CORR_PCODE"]) for r in returns] == [("7 Ordsall Lane", "M5 3AN")]
    engine = council_tax.create_engine(council_tax_url(settings))
    assert (council_tax.party_row(engine, ct_ref) or {})["CORR_ADDR1"] == "7 ORDSALL LANE"
    engine.dispose()
