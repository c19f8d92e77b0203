"""What a request costs on its way to the endpoint: the cheap steps stay on the event loop, a read
session gives its connection back, and a started app keeps its startup objects out of the collector."""

from __future__ import annotations

import gc
import inspect
from pathlib import Path

import pytest
from sqlalchemy import text

from hub.access.deps import get_policy
from hub.api.app import create_app
from hub.api.deps import get_bus, get_db, get_settings, read_session
from hub.auth.deps import require, require_page
from hub.auth.principal import Role
from hub.settings import Settings
from hub.store.db import Database


def test_the_cheap_dependencies_do_not_go_through_the_thread_pool() -> None:
    # FastAPI runs a plain ``def`` dependency in the thread pool: a round trip per dependency per request.
    for dependency in (
        require(Role.AGENT),
        require_page(Role.AGENT),
        get_policy,
        get_db,
        get_settings,
        get_bus,
    ):
        assert inspect.iscoroutinefunction(dependency), dependency
    assert inspect.isasyncgenfunction(read_session)


@pytest.mark.parametrize("used", [True, False])
async def test_a_read_session_gives_its_connection_back(tmp_path: Path, used: bool) -> None:
    db = Database(f"sqlite:///{tmp_path / 'hub.sqlite'}")
    try:
        sessions = read_session(db)
        session = await anext(sessions)
        if used:
            session.execute(text("select 1"))
            assert session.in_transaction()
            assert db.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        with pytest.raises(StopAsyncIteration):
            await anext(sessions)
        assert not session.in_transaction()
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        db.dispose()


async def test_a_started_app_freezes_its_startup_objects(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, jwt_secret="x" * 64)
    app = create_app(settings)
    gc.unfreeze()
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() > 0
    gc.unfreeze()
