"""The hub side of the adaptors: builds them from Settings, publishes through the hub's bus, feeds them the
hub's outbound citizen changes, and gives the demo a small async API.

Demo API:
    seed_reference_systems(settings, population)            -> counts per system
    reference_benefits_service(settings)                    -> context manager serving the SOAP service
    run_adaptors(settings, bus, stop, once=False)           -> runs the three adaptors (+ write-back)
    simulate_change_of_address(settings, system, record_id, address)
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import structlog
from pydantic import ValidationError

from adaptors.runtime import AdaptorRunner, AdaptorState, FeedItem, PassResult, WriteBackRunner
from adaptors.runtime.ports import AddressWriter, SourceAdaptor
from adaptors.runtime.writeback import WriteBackResult
from contracts import OUTBOUND_ADAPTER, GoldenAddress, PersonRecord, ServiceEvent
from hub.bus.base import Consumer, EventBus, EventPublisher
from hub.settings import Settings

log = structlog.get_logger("hub.adaptors")

SYSTEMS = ("council_tax", "benefits", "housing")


# --- where things live ------------------------------------------------------------------------------
def state_path(settings: Settings) -> Path:
    return (settings.adaptor_state_dir or settings.data_dir / "adaptors") / "adaptor-state.sqlite"


def council_tax_url(settings: Settings) -> str:
    if settings.council_tax_database_url:
        return settings.council_tax_database_url
    path = settings.data_dir / "legacy" / "council-tax.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def benefits_store_path(settings: Settings) -> Path:
    return settings.data_dir / "legacy" / "benefits.json"


def housing_drop_dir(settings: Settings) -> Path:
    return settings.housing_drop_dir or settings.data_dir / "legacy" / "housing" / "drop"


def housing_returns_dir(settings: Settings) -> Path:
    return settings.housing_returns_dir or housing_drop_dir(settings).parent / "returns"


def writeback_group(system: str) -> str:
    return f"citizen-hub-writeback-{system}"


# --- the ChangeFeed port over a bus consumer -----------------------------------------------------------
class BusChangeFeed:
    """The adaptors' ``ChangeFeed`` over a consumer of the citizen-changes topic (its own group)."""

    def __init__(self, consumer: Consumer) -> None:
        self.consumer = consumer

    async def poll(self, max_items: int, timeout_s: float) -> list[FeedItem]:
        items = []
        for message in await self.consumer.poll(max_items, int(timeout_s * 1000)):
            try:
                items.append(FeedItem(event=OUTBOUND_ADAPTER.validate_json(message.value), handle=message))
            except ValidationError as error:
                items.append(
                    FeedItem(event=None, handle=message, error=f"{error.error_count()} validation errors")
                )
        return items

    async def commit(self, items: Sequence[FeedItem]) -> None:
        await self.consumer.commit([item.handle for item in items])


# --- building the adaptors ------------------------------------------------------------------------------
@dataclass
class Built:
    adaptor: SourceAdaptor
    writer: AddressWriter | None
    closers: list[Any] = field(default_factory=list)


def build(settings: Settings, system: str) -> Built:
    """The adaptor (and, if the system opted in, its writer) for ``system``."""
    writes = system in settings.writeback_systems
    if system == "council_tax":
        from adaptors.council_tax.adaptor import CouncilTaxAdaptor, CouncilTaxWriter
        from adaptors.council_tax.legacy import create_engine

        engine = create_engine(council_tax_url(settings))
        return Built(
            CouncilTaxAdaptor(engine, settle_s=settings.adaptor_settle_s),
            CouncilTaxWriter(engine) if writes else None,
            [engine.dispose],
        )
    if system == "benefits":
        from adaptors.benefits.adaptor import BenefitsAdaptor, BenefitsWriter
        from adaptors.benefits.client import BenefitsClient

        client = BenefitsClient(settings.benefits_wsdl_url, timeout_s=settings.benefits_timeout_s)
        return Built(BenefitsAdaptor(client), BenefitsWriter(client) if writes else None, [client.aclose])
    if system == "housing":
        from adaptors.housing.adaptor import HousingAdaptor, HousingWriter

        return Built(
            HousingAdaptor(housing_drop_dir(settings), settle_s=settings.adaptor_settle_s),
            HousingWriter(housing_returns_dir(settings)) if writes else None,
        )
    raise ValueError(f"unknown legacy system {system!r}; expected one of {', '.join(SYSTEMS)}")


# --- the demo API ---------------------------------------------------------------------------------------
async def seed_reference_systems(settings: Settings, population: Any) -> dict[str, int]:
    """Fill the three reference legacy systems from a synthetic population (replacing what they held)."""
    from adaptors.benefits.store import BenefitsStore
    from adaptors.council_tax import legacy as council_tax
    from adaptors.council_tax import schema
    from adaptors.housing import legacy as housing

    def records(system: str) -> tuple[list[PersonRecord], list[ServiceEvent]]:
        return population.person_records(system), population.service_events(system)

    def work() -> dict[str, int]:
        counts: dict[str, int] = {}
        engine = council_tax.create_engine(council_tax_url(settings))
        schema.drop_schema(engine)
        counts["council_tax"] = council_tax.seed(engine, *records("council_tax"))
        engine.dispose()
        path = benefits_store_path(settings)
        path.unlink(missing_ok=True)
        counts["benefits"] = BenefitsStore(path).seed(*records("benefits"))
        drop = housing_drop_dir(settings)
        for old in drop.glob("*.csv"):
            old.unlink()
        person_records, events = records("housing")
        housing.write_extract(drop, person_records, events)
        counts["housing"] = len(person_records)
        return counts

    return await asyncio.to_thread(work)


@contextmanager
def reference_benefits_service(settings: Settings) -> Iterator[str]:
    """Serve the reference benefits SOAP service at ``settings.benefits_wsdl_url``; yields the WSDL URL."""
    from adaptors.benefits.service import serve
    from adaptors.benefits.store import BenefitsStore

    url = urlsplit(settings.benefits_wsdl_url)
    store = BenefitsStore(benefits_store_path(settings))
    with serve(store, url.hostname or "127.0.0.1", url.port or 80) as wsdl:
        _served_benefits[benefits_store_path(settings)] = store
        try:
            yield wsdl
        finally:
            _served_benefits.pop(benefits_store_path(settings), None)


_served_benefits: dict[Path, Any] = {}
"""The reference benefits stores this process serves (so a simulated change reaches the running service)."""


async def simulate_change_of_address(
    settings: Settings, system: str, source_record_id: str, address: GoldenAddress
) -> None:
    """One resident's change of address, made in one legacy system the way its staff would make it."""
    if system == "council_tax":
        from adaptors.council_tax import legacy

        engine = legacy.create_engine(council_tax_url(settings))
        try:
            await asyncio.to_thread(legacy.change_correspondence_address, engine, source_record_id, address)
        finally:
            engine.dispose()
    elif system == "benefits":
        from adaptors.benefits.store import BenefitsStore

        path = benefits_store_path(settings)
        store = _served_benefits.get(path) or BenefitsStore(path)  # the one served here, if any
        await asyncio.to_thread(store.change_address, source_record_id, address)
    else:
        raise ValueError(f"changes of address are simulated in council_tax or benefits, not {system!r}")


@dataclass
class RunTotals:
    passes: dict[str, PassResult] = field(default_factory=dict)
    writebacks: dict[str, WriteBackResult] = field(default_factory=dict)


async def run_adaptors(
    settings: Settings,
    bus: EventBus,
    stop: asyncio.Event,
    *,
    once: bool = False,
    systems: Sequence[str] = SYSTEMS,
) -> RunTotals:
    """Run the adaptors (and the write-back of those that opted in) on ``bus`` until ``stop`` is set.

    With ``once``: one pass over each source, then apply the citizen changes waiting now, and return.
    """
    state = AdaptorState.sqlite(state_path(settings))
    publisher = EventPublisher(bus, settings.topic_source_records)
    totals = RunTotals()
    async with AsyncExitStack() as stack:
        tasks = []
        for system in systems:
            built = build(settings, system)
            for closer in built.closers:
                stack.push_async_callback(_call, closer)
            runner = AdaptorRunner(
                built.adaptor,
                publisher,
                state,
                poll_interval_s=settings.adaptor_poll_interval_s,
                backoff_max_s=settings.adaptor_backoff_max_s,
            )
            writeback = None
            if built.writer is not None:
                consumer = bus.consumer(settings.topic_citizen_changes, writeback_group(system))
                await consumer.start()
                stack.push_async_callback(consumer.stop)
                writeback = WriteBackRunner(built.writer, BusChangeFeed(consumer), state)
            if once:
                totals.passes[system] = await runner.run_once()
                if writeback is not None:
                    totals.writebacks[system] = await writeback.drain()
            else:
                tasks.append(asyncio.create_task(runner.run(stop), name=f"adaptor-{system}"))
                if writeback is not None:
                    tasks.append(asyncio.create_task(writeback.run(stop), name=f"writeback-{system}"))
        if tasks:
            log.info("adaptors.running", systems=list(systems))
            await asyncio.gather(*tasks)
    state.close()
    return totals


async def _call(closer: Any) -> None:
    result = closer()
    if asyncio.iscoroutine(result):
        await result
