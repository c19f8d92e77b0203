"""Signing in from a link (GET /sign-in?token=...), signing out, and each role's home page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.api.deps import DatabaseDep, SettingsDep
from hub.audit import repository as audit
from hub.auth.deps import COOKIE, authenticate, authenticator, check_csrf
from hub.auth.principal import Principal, Role
from hub.auth.tokens import InvalidToken
from hub.web.templating import render

router = APIRouter(include_in_schema=False)

HOME = {
    Role.AGENT: "/search",
    Role.SUPERVISOR: "/reviews",
    Role.ADMIN: "/search",
    Role.CITIZEN: "/my-account",
}


def _current(request: Request) -> Principal | None:
    try:
        return authenticate(request)
    except Exception:  # noqa: BLE001 - a bad header on a page means "not signed in"
        return None


@router.get("/")
def home(request: Request) -> Response:
    principal = _current(request)
    if principal is None or principal.role not in HOME:
        return RedirectResponse("/sign-in", status_code=303)
    return RedirectResponse(HOME[principal.role], status_code=303)


@router.get("/sign-in", response_model=None)
def sign_in(request: Request, db: DatabaseDep, settings: SettingsDep, token: str | None = None) -> Response:
    """With a token from a sign-in link: check it, keep it in an HttpOnly cookie and go to the home page
    (so the token leaves the address bar at once). Without one: how to get a link."""
    if not token:
        return render(request, "sign_in.html", _current(request), title="Sign in")
    try:
        principal = authenticator(request).tokens.principal(token)
    except InvalidToken:
        return render(
            request, "sign_in.html", None, status=401, title="Sign in",
            problem="That sign-in link has expired or is not valid. Ask for a new one.",
        )  # fmt: skip
    audit.write(db, principal, "sign_in", channel="page", detail={"via": "link"})
    response = RedirectResponse(HOME.get(principal.role, "/sign-in"), status_code=303)
    response.set_cookie(
        COOKIE, token, max_age=settings.token_ttl_minutes * 60, httponly=True, samesite="lax",
        secure=settings.secure_cookies, path="/",
    )  # fmt: skip
    return response


@router.post("/sign-out")
def sign_out(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    principal = _current(request)
    if principal is not None:
        check_csrf(principal, csrf)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def denied_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """A refused page: 401 asks the person to sign in, 403 says the page is not for their role."""
    title = "Sign in" if status == 401 else "You cannot see this page"
    return render(request, "message.html", _current(request), status=status, title=title, message=detail)
