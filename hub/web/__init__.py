"""The server-rendered pages (GOV.UK Design System look, MOJ Frontend case-work components)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from hub.auth.deps import PageDenied
from hub.web import admin, citizen, residents, reviews, search, sign_in

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Mount the assets, add the pages and render refused pages as HTML."""
    app.mount("/assets", StaticFiles(directory=STATIC), name="assets")
    for module in (sign_in, search, citizen, reviews, residents, admin):
        app.include_router(module.router)

    async def page_denied(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageDenied)
        return sign_in.denied_page(request, exc.status_code, str(exc.detail))

    app.add_exception_handler(PageDenied, page_denied)
