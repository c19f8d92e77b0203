"""Authentication and roles: JWT for people, API keys for systems, ``require(*roles)`` for endpoints."""

from hub.auth.deps import PageDenied, authenticate, require, require_page
from hub.auth.principal import STAFF, Principal, Role
from hub.auth.tokens import create_token, sign_in_links

__all__ = [
    "STAFF",
    "PageDenied",
    "Principal",
    "Role",
    "authenticate",
    "create_token",
    "require",
    "require_page",
    "sign_in_links",
]
