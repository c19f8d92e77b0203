"""A seeded hub served in-process (httpx over ASGI) with a token for every role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from hub.api.app import create_app
from hub.auth import Principal, Role
from hub.auth.deps import COOKIE, csrf_token
from hub.bus.base import EventBus
from hub.bus.factory import bus_from_settings
from tests.integration.web.seed import SYSTEM_KEY, Seeded, seed


@dataclass
class Hub:
    seeded: Seeded
    app: FastAPI
    bus: EventBus
    client: httpx.AsyncClient
    showcase: str
    namesake: str
    protected: str
    other_resident: str

    def headers(self, role: str | None) -> dict[str, str]:
        """Credentials for ``role``: a token per person role, the API key for ``system``, none for None."""
        if role is None:
            return {}
        if role == "system":
            return {"X-API-Key": SYSTEM_KEY}
        subject = {"citizen": self.showcase}.get(role, f"{role}.test")
        line = {"agent": "council_tax"}.get(role)
        return {"Authorization": f"Bearer {self.seeded.token(Role(role), subject, line=line)}"}

    def browser(self, role: str | None) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """(cookies, headers, form fields) of a browser signed in as ``role`` (systems send their key)."""
        if role is None:
            return {}, {}, {}
        if role == "system":
            return {}, {"X-API-Key": SYSTEM_KEY}, {}
        subject = {"citizen": self.showcase}.get(role, f"{role}.test")
        token = self.seeded.token(Role(role), subject, line={"agent": "council_tax"}.get(role))
        principal = Principal(subject=subject, role=Role(role), via="cookie", credential=token)
        return {COOKIE: token}, {}, {"csrf": csrf_token(principal)}


async def start_hub(data_dir: Path) -> Hub:
    seeded = seed(data_dir)
    bus = bus_from_settings(seeded.settings)
    await bus.start()
    await bus.ensure_topics([seeded.settings.topic_source_records])
    app = create_app(seeded.settings, db=seeded.db, bus=bus)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test")
    return Hub(
        seeded, app, bus, client,
        showcase=seeded.citizen_of("council_tax/CT1"),
        namesake=seeded.citizen_of("council_tax/CT2"),
        protected=seeded.citizen_of("housing/HOU7"),
        other_resident=seeded.citizen_of("council_tax/CT9"),
    )  # fmt: skip


async def stop_hub(hub: Hub) -> None:
    await hub.client.aclose()
    await hub.bus.stop()
    hub.seeded.db.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shared_hub(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Hub]:
    """One seeded hub for tests that only read (audit records accumulate; filter by actor)."""
    hub = await start_hub(tmp_path_factory.mktemp("hub"))
    yield hub
    await stop_hub(hub)


@pytest_asyncio.fixture(loop_scope="session")
async def fresh_hub(tmp_path: Path) -> AsyncIterator[Hub]:
    """A hub of the test's own, for tests that change citizens."""
    hub = await start_hub(tmp_path)
    yield hub
    await stop_hub(hub)
