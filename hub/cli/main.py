"""The ``citizen-hub`` command line. Every command reads Settings once and exits non-zero with one line."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from hub.logs import configure_logging
from hub.settings import Settings

app = typer.Typer(
    help="Citizen Hub: a single citizen view for local councils.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The hub database.", no_args_is_help=True)
contracts_app = typer.Typer(help="The v1 event contracts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(contracts_app, name="contracts")


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def load_settings() -> Settings:
    try:
        settings = Settings()
    except Exception as error:  # noqa: BLE001 - one clear line for any bad setting
        raise fail(f"bad settings: {error}".splitlines()[0]) from None
    configure_logging(settings.log_level)
    return settings


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the hub database to the latest schema."""
    from hub.store.migrate import upgrade

    settings = load_settings()
    try:
        upgrade(settings.effective_database_url)
    except Exception as error:  # noqa: BLE001
        raise fail(f"database upgrade failed: {type(error).__name__}: {str(error).splitlines()[0]}") from None
    typer.echo("database is up to date")


@db_app.command("export")
def db_export(
    out: Annotated[Path, typer.Argument(help="Where to write the records (.jsonl)")],
) -> None:
    """Write every live source record the hub holds as PersonRecord JSON, one a line, for `citizen-hub
    match train` (it holds residents' personal data: keep the file as safe as the database)."""
    from hub.store.db import Database
    from hub.store.export import export_records

    settings = load_settings()
    db = Database(settings.effective_database_url)
    try:
        with out.open("w", encoding="utf-8") as handle:
            written = export_records(db, handle)
    except OSError as error:
        raise fail(f"cannot write {out}: {error.strerror}") from None
    finally:
        db.dispose()
    typer.echo(f"wrote {written} source records to {out}")


@db_app.command("rematch")
def db_rematch(
    batch_size: Annotated[
        int, typer.Option(min=1, help="Source records matched again per transaction")
    ] = 1000,
) -> None:
    """Match every stored source record again under the match parameters in force (after setting
    CITIZEN_HUB_MATCH_PARAMS_FILE to a trained file); changed citizens are announced as a worker would."""
    from hub.engine import EngineConfigError, engine_from_settings, survivorship_from_settings
    from hub.store.db import Database
    from hub.store.migrate import upgrade
    from hub.worker.rematch import RematchResult, rematch
    from matching.incremental import IncrementalMatcher

    settings = load_settings()
    try:
        matcher = IncrementalMatcher(engine_from_settings(settings))
        survivorship = survivorship_from_settings(settings)
    except EngineConfigError as error:
        raise fail(str(error)) from None
    upgrade(settings.effective_database_url)
    db = Database(settings.effective_database_url)

    def said(result: RematchResult) -> str:
        c = result.citizens
        return (
            f"{result.records} source records matched again: {c.created} citizens new, {c.changed} changed, "
            f"{c.merged} merges, {c.split} splits"
        )

    last_said = [time.monotonic()]

    def now_and_then(so_far: RematchResult) -> None:  # a line every few seconds on a long run
        if time.monotonic() - last_said[0] >= 5.0:
            last_said[0] = time.monotonic()
            typer.echo(said(so_far), err=True)

    try:
        total = rematch(
            db, matcher, settings.topic_citizen_changes, survivorship, batch_size, progress=now_and_then
        )
    finally:
        db.dispose()
    typer.echo(said(total) + " (a worker publishes the announcements)")


@contracts_app.command("export")
def contracts_export(directory: Annotated[Path, typer.Argument(help="Where to write the schemas")]) -> None:
    """Write one JSON Schema file per message type."""
    from contracts.schemas import json_schemas

    directory.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (directory / f"{name}.schema.json").write_text(json.dumps(schema, indent=2) + "\n")
    typer.echo(f"wrote {len(json_schemas())} schemas to {directory}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (several serve many agents at once on more cores)")
    ] = 1,
) -> None:
    """Serve the API and the agent pages."""
    import uvicorn

    from hub.api.app import create_app
    from hub.store.migrate import upgrade

    settings = load_settings()
    upgrade(settings.effective_database_url)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    else:
        uvicorn.run(
            "hub.api.app:create_app_from_settings",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )


@app.command()
def worker() -> None:
    """Run a matcher worker (one member of the consumer group) until Ctrl-C."""
    from hub.bus.factory import bus_from_settings
    from hub.engine import engine_from_settings
    from hub.store.db import Database
    from hub.store.migrate import upgrade
    from hub.worker.runner import Worker

    settings = load_settings()
    upgrade(settings.effective_database_url)

    async def main() -> None:
        bus = bus_from_settings(settings)
        await bus.start()
        await bus.ensure_topics(
            [settings.topic_source_records, settings.topic_citizen_changes, settings.topic_dead_letter]
        )
        db = Database(settings.effective_database_url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            totals = await Worker(settings, db, bus, engine_from_settings(settings)).run(stop)
            typer.echo(f"worker stopped after applying {totals.applied} events")
        finally:
            await bus.stop()
            db.dispose()

    asyncio.run(main())


@app.command()
def demo(
    people: Annotated[int, typer.Option(help="How many residents to generate")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed for the population")] = 7,
    check: Annotated[
        bool, typer.Option("--check", help="Load, print the summary and exit (for scripts)")
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to serve on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on")] = 8000,
    fresh: Annotated[bool, typer.Option(help="Start from an empty data directory")] = True,
) -> None:
    """The full demonstration on the embedded default: population, bus, matcher, API."""
    from hub.demo.run import run_demo

    settings = load_settings()
    if settings.uses_kafka or settings.database_url:
        typer.echo("note: the demo uses your configured database and bus", err=True)
    try:
        code = asyncio.run(
            run_demo(settings, people=people, seed=seed, check=check, host=host, port=port, fresh=fresh)
        )
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)


def _register_domains() -> None:
    """Commands that live beside their own domain."""
    from hub.cli.adaptors import adaptor_app, legacy_app
    from hub.cli.match import match_app
    from hub.cli.tokens import token_app

    app.command("match", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
        match_app
    )
    app.add_typer(adaptor_app, name="adaptor")
    app.add_typer(legacy_app, name="legacy")
    app.add_typer(token_app, name="token")


_register_domains()
