"""FastAPI dependencies: who is calling, and whether their role may.

API callers send ``Authorization: Bearer <token>`` (people) or ``X-API-Key`` / ``Authorization: ApiKey
<key>`` (systems). A browser carries the token in the sign-in cookie. ``require(*roles)`` answers 401 with
no or a bad credential and 403 for a role that may not; ``require_page`` does the same for HTML pages.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request

from hub.auth import api_keys
from hub.auth.principal import Principal, Role
from hub.auth.tokens import InvalidToken, TokenVerifier
from hub.settings import Settings

COOKIE = "citizen_hub_session"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="citizen-hub"'}


class PageDenied(HTTPException):
    """A page refused: the web layer renders it as HTML (a sign-in page for 401)."""


class Authenticator:
    """Token verifier and API keys, loaded once per app."""

    def __init__(self, settings: Settings) -> None:
        self.tokens = TokenVerifier(settings)
        self.keys = api_keys.parse(settings.api_keys)

    def from_api_key(self, presented: str) -> Principal | None:
        key = api_keys.find(self.keys, presented)
        if key is None:
            return None
        return Principal(subject=key.name, role=key.role, name=key.name, via="api_key")


def authenticator(request: Request) -> Authenticator:
    state = request.app.state
    found: Authenticator | None = getattr(state, "authenticator", None)
    if found is None:
        found = Authenticator(state.settings)
        state.authenticator = found
    return found


def authenticate(request: Request, cookies: bool = True) -> Principal | None:
    """The caller, or None when no credential came. A credential that fails is a 401, never ignored.

    ``cookies=False`` ignores the browser's sign-in cookie (the API does, for requests that change
    something: those need a bearer token or a key, so another site cannot forge them)."""
    auth = authenticator(request)
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    api_key = request.headers.get("x-api-key")
    if scheme.lower() == "apikey" and value:
        api_key = value.strip()
    if api_key:
        principal = auth.from_api_key(api_key)
        if principal is None:
            raise HTTPException(401, "The API key is not known", headers=_CHALLENGE)
        return principal
    if scheme.lower() == "bearer" and value:
        try:
            return auth.tokens.principal(value.strip())
        except InvalidToken as error:
            raise HTTPException(401, f"The token is not valid ({error})", headers=_CHALLENGE) from None
    cookie = request.cookies.get(COOKIE) if cookies else None
    if cookie:
        try:
            return auth.tokens.principal(cookie, via="cookie")
        except InvalidToken:
            return None  # an expired browser session is simply signed out
    return None


def require(*roles: Role) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that admits only ``roles`` and yields the typed :class:`Principal`."""
    allowed = frozenset(roles)

    async def dependency(request: Request) -> Principal:
        # Async: verifying a token is CPU work of microseconds, and a sync dependency would cost every
        # request a round trip through the thread pool.
        principal = authenticate(request, cookies=request.method in ("GET", "HEAD"))
        if principal is None:
            raise HTTPException(401, "Sign in: send a bearer token or an API key", headers=_CHALLENGE)
        if principal.role not in allowed:
            raise HTTPException(403, f"The {principal.role.value} role may not do this")
        request.state.principal = principal
        return principal

    return dependency


def require_page(*roles: Role) -> Callable[[Request], Awaitable[Principal]]:
    """Like :func:`require`, for pages: refusals are rendered as HTML by the web layer."""
    allowed = frozenset(roles)

    async def dependency(request: Request) -> Principal:
        try:
            principal = authenticate(request)
        except HTTPException:
            principal = None
        if principal is None:
            raise PageDenied(401, "Sign in to see this page")
        if principal.role not in allowed:
            raise PageDenied(403, f"Signed in as {principal.role.value}: this page is not for your role")
        request.state.principal = principal
        return principal

    return dependency


def csrf_token(principal: Principal) -> str:
    """The form token for a browser session: derived from the (HttpOnly) session token itself, so another
    site can neither read nor forge it."""
    secret = (principal.credential or principal.actor).encode()
    return hmac.new(b"citizen-hub-csrf", secret, hashlib.sha256).hexdigest()[:40]


def check_csrf(principal: Principal, presented: str | None) -> None:
    if principal.via != "cookie":
        return  # bearer tokens and API keys are not sent by browsers on their own
    if not presented or not hmac.compare_digest(presented, csrf_token(principal)):
        raise PageDenied(403, "The form has expired: go back, reload the page and try again")
