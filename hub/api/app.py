"""The FastAPI application factory: wiring happens here, not at import time."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from hub import web
from hub.api import health, problems
from hub.api.security import SecurityHeaders
from hub.audit import endpoints as audit
from hub.bus.base import EventBus
from hub.bus.factory import bus_from_settings
from hub.citizens import endpoints as citizens
from hub.events import endpoints as events
from hub.residents import endpoints as residents
from hub.reviews import endpoints as reviews
from hub.settings import Settings
from hub.store.db import Database


def create_app(settings: Settings, db: Database | None = None, bus: EventBus | None = None) -> FastAPI:
    """The hub API. Pass ``db`` and ``bus`` to share them with a worker in the same process."""
    owns_db, owns_bus = db is None, bus is None
    # Checkpoints off the request path (SQLite; see Database): an audited read commits, and must not be
    # the one commit in a hundred that copies the WAL back.
    database = db or Database(settings.effective_database_url, checkpoint_every=1.0)
    event_bus = bus or bus_from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if owns_bus:
            await event_bus.start()
        freeze_startup_objects()
        try:
            yield
        finally:
            if owns_bus:
                await event_bus.stop()
            if owns_db:
                database.dispose()

    app = FastAPI(
        title="Citizen Hub",
        version="1",
        description="A single citizen view for local councils.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.bus = event_bus
    problems.install(app)
    app.include_router(health.router)
    app.include_router(citizens.router)
    app.include_router(events.router)
    # --- access (issue 5): audit, reviews, web channel, pages; every route but the health checks, the
    # sign-in page, the assets and the API docs requires a role (hub.auth.require). ---
    app.include_router(audit.router)
    app.include_router(reviews.router)
    app.include_router(residents.router)
    web.install(app)
    app.add_middleware(SecurityHeaders)
    return app


def freeze_startup_objects() -> None:
    """Move everything alive once the app has started (modules, routes, models, caches: about 160,000
    objects) out of the collector's reach. A full collection walks every tracked object with the GIL held:
    without this, the one that comes every few thousand requests stalls every request for about 100 ms."""
    gc.collect()
    gc.freeze()


def create_app_from_settings() -> FastAPI:
    """For ``citizen-hub serve --workers N``: each server process reads the settings once itself."""
    from hub.logs import configure_logging

    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings)
