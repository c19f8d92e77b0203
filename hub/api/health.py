"""Liveness and readiness."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from hub.api.deps import BusDep, DatabaseDep, SettingsDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(db: DatabaseDep, bus: BusDep, settings: SettingsDep) -> JSONResponse:
    """The database and the bus are reachable."""
    checks: dict[str, str] = {}

    def ping() -> None:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(asyncio.to_thread(ping), timeout=3)
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - readiness reports any failure
        checks["database"] = f"unreachable: {type(error).__name__}"
    try:
        await asyncio.wait_for(bus.ensure_topics([settings.topic_source_records]), timeout=5)
        checks["bus"] = "ok"
    except Exception as error:  # noqa: BLE001
        checks["bus"] = f"unreachable: {type(error).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )
