"""Typed request dependencies: the settings, the database and the bus live on the app state."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from hub.bus.base import EventBus
from hub.settings import Settings
from hub.store.db import Database


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_bus(request: Request) -> EventBus:
    bus: EventBus = request.app.state.bus
    return bus


async def read_session(db: Annotated[Database, Depends(get_db)]) -> AsyncIterator[Session]:
    """A read-only session for the request. Async, so that a request does not go through the thread pool
    twice more (to open and to close it): opening takes no connection, and closing needs the thread
    pool only when the endpoint left a connection checked out (its rollback is database work). On
    PostgreSQL it reads in autocommit (``Database.read_sessions``)."""
    session = db.read_sessions()
    try:
        yield session
    finally:
        if session.in_transaction():
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(_end_read, session)
        else:
            session.close()


def _end_read(session: Session) -> None:
    session.rollback()
    session.close()


def write_session(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    with db.unit_of_work() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_db)]
BusDep = Annotated[EventBus, Depends(get_bus)]
ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session)]
