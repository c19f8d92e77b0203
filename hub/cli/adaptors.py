"""``citizen-hub adaptor ...`` (run the legacy adaptors, list their reports and write-backs) and
``citizen-hub legacy ...`` (the reference legacy systems, for demos)."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from hub.settings import Settings

adaptor_app = typer.Typer(
    help="Legacy system adaptors: council_tax, benefits, housing.", no_args_is_help=True
)
legacy_app = typer.Typer(help="The reference legacy systems (demos and tests).", no_args_is_help=True)

SystemArg = Annotated[str, typer.Argument(help="council_tax, benefits or housing")]


def _settings() -> Settings:
    from hub.cli.main import load_settings

    return load_settings()


def _check(system: str) -> None:
    from hub.adaptors_host import SYSTEMS

    if system not in SYSTEMS:
        typer.echo(f"error: unknown legacy system {system!r}; expected one of {', '.join(SYSTEMS)}", err=True)
        raise typer.Exit(code=1)


@adaptor_app.command("run")
def run(
    system: SystemArg,
    once: Annotated[
        bool, typer.Option("--once", help="One pass (and pending write-backs), then exit")
    ] = False,
) -> None:
    """Run one adaptor (and its tell-us-once write-back) until Ctrl-C."""
    from hub.adaptors_host import run_adaptors
    from hub.bus.factory import bus_from_settings

    _check(system)
    settings = _settings()

    async def main() -> None:
        bus = bus_from_settings(settings)
        await bus.start()
        await bus.ensure_topics([settings.topic_source_records, settings.topic_citizen_changes])
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            totals = await run_adaptors(settings, bus, stop, once=once, systems=[system])
        finally:
            await bus.stop()
        for name, result in totals.passes.items():
            typer.echo(
                f"{name}: published {result.events} events, {result.reports} reports in {result.seconds:.2f}s"
            )
        for name, wb in totals.writebacks.items():
            typer.echo(
                f"{name}: write-back {wb.written} written, {wb.unchanged} unchanged, {wb.failed} failed"
            )

    asyncio.run(main())


@adaptor_app.command("reports")
def reports(system: SystemArg, limit: Annotated[int, typer.Option(help="Newest first")] = 50) -> None:
    """Legacy records rejected or flagged, and outages, newest first."""
    from adaptors.runtime import AdaptorState
    from hub.adaptors_host import state_path

    _check(system)
    state = AdaptorState.sqlite(state_path(_settings()))
    rows = state.list_reports(system, limit)
    for r in rows:
        typer.echo(
            f"{r.at:%Y-%m-%d %H:%M:%S}  {r.severity:<9} {r.reference:<28} {r.location or '-':<36} {r.reason}"
        )
    if not rows:
        typer.echo("no reports")


@adaptor_app.command("writebacks")
def writebacks(system: SystemArg, limit: Annotated[int, typer.Option(help="Newest first")] = 50) -> None:
    """Tell-us-once write-backs into one legacy system, newest first."""
    from adaptors.runtime import AdaptorState
    from hub.adaptors_host import state_path

    _check(system)
    state = AdaptorState.sqlite(state_path(_settings()))
    rows = state.list_writebacks(system, limit)
    for w in rows:
        typer.echo(
            f"{w.at:%Y-%m-%d %H:%M:%S}  {w.status:<9} record {w.source_record_id:<20} citizen {w.citizen_id} "
            f"v{w.version}  event {w.event_id}  {w.detail or ''}"
        )
    if not rows:
        typer.echo("no write-backs")


@legacy_app.command("benefits")
def benefits(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8081,
) -> None:
    """Serve the reference benefits SOAP service (WSDL at /?wsdl) until Ctrl-C."""
    import time

    from adaptors.benefits.service import serve
    from adaptors.benefits.store import BenefitsStore
    from hub.adaptors_host import benefits_store_path

    settings = _settings()
    with serve(BenefitsStore(benefits_store_path(settings)), host, port) as wsdl:
        typer.echo(f"benefits SOAP service: {wsdl}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@legacy_app.command("seed")
def seed(
    people: Annotated[int, typer.Option(help="How many residents to generate")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed for the population")] = 7,
) -> None:
    """Fill council tax, benefits and housing from a synthetic population (replacing what they held)."""
    from adaptors.population import generate_population
    from hub.adaptors_host import seed_reference_systems

    settings = _settings()
    counts = asyncio.run(seed_reference_systems(settings, generate_population(people=people, seed=seed)))
    for system, count in counts.items():
        typer.echo(f"{system}: {count} people")


@legacy_app.command("move")
def move(
    system: Annotated[str, typer.Argument(help="council_tax or benefits")],
    record_id: Annotated[str, typer.Argument(help="The legacy record (party or person reference)")],
    line: Annotated[list[str], typer.Option("--line", help="An address line (repeat)")],
    town: Annotated[str | None, typer.Option(help="Town")] = None,
    postcode: Annotated[str | None, typer.Option(help="Postcode")] = None,
) -> None:
    """Record a change of address in one legacy system, as its staff would (tell-us-once demos)."""
    from contracts import GoldenAddress
    from hub.adaptors_host import simulate_change_of_address

    settings = _settings()
    try:
        asyncio.run(
            simulate_change_of_address(
                settings, system, record_id, GoldenAddress(lines=line, town=town, postcode=postcode)
            )
        )
    except (KeyError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"{system}: address of {record_id} changed")
