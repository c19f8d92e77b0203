"""The demo's tell-us-once moment: one change of address made in council tax reaches the other systems."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import typer

from contracts import GoldenAddress
from hub.adaptors_host import run_adaptors, simulate_change_of_address
from hub.bus.base import EventBus
from hub.settings import Settings
from hub.worker.runner import Worker

NEW_HOME = GoldenAddress(lines=["Flat 5", "2 Mill Lane"], town="Salford", postcode="M5 3LH")


@dataclass
class TellUsOnce:
    changed_in: str
    record_id: str
    written: dict[str, int]
    settled: bool = False
    """Another round changed nothing: no system was written again (no echo, no loop)."""

    @property
    def reached(self) -> list[str]:
        return sorted(system for system, count in self.written.items() if count)


async def wait_for_worker(
    worker: Worker, messages: int, timeout_s: float = 600, progress: bool = False
) -> None:
    """Until the worker has polled ``messages`` messages in all, showing progress when asked."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    start = worker.totals.messages
    shown = start
    with typer.progressbar(length=max(1, messages - start), label="  matching", hidden=not progress) as bar:
        while worker.totals.messages < messages:
            if loop.time() > deadline:
                raise TimeoutError(f"the worker applied {worker.totals.messages} of {messages} events")
            await asyncio.sleep(0.1)
            done = min(worker.totals.messages, messages)
            bar.update(done - shown)
            shown = done


async def run_tell_us_once(
    settings: Settings, bus: EventBus, worker: Worker, population: Any, drain: Any
) -> TellUsOnce:
    """Move the showcase resident in council tax, let the hub match it, and write it back elsewhere."""
    keys = sorted(k for k, pid in population.truth.items() if pid == population.showcase)
    record_id = next(k.split("/", 1)[1] for k in keys if k.startswith("council_tax/"))
    await simulate_change_of_address(settings, "council_tax", record_id, NEW_HOME)
    await asyncio.sleep(settings.adaptor_settle_s)  # the adaptor leaves rows younger than this for later
    stop = asyncio.Event()
    before = worker.totals.messages
    published = await run_adaptors(settings, bus, stop, once=True, systems=("council_tax",))
    await drain(before + sum(p.events for p in published.passes.values()))
    written: dict[str, int] = {}
    before = worker.totals.messages
    wrote = await run_adaptors(settings, bus, stop, once=True)
    for system, result in wrote.writebacks.items():
        written[system] = written.get(system, 0) + result.written
    # The systems that were written to republish their record; the hub must see nothing new to tell.
    await drain(before + sum(p.events for p in wrote.passes.values()))
    settled = False
    for _ in range(3):
        before = worker.totals.messages
        again = await run_adaptors(settings, bus, stop, once=True)
        await drain(before + sum(p.events for p in again.passes.values()))
        if not any(result.written for result in again.writebacks.values()):
            settled = True
            break
    return TellUsOnce("council_tax", record_id, written, settled)
