"""Every (method, path) an app serves, through included routers (for the role-matrix coverage test)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def walk(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            yield from walk(included.routes, prefix + str(getattr(context, "prefix", "")))
        elif hasattr(route, "routes") and not hasattr(route, "methods"):
            yield from walk(route.routes, prefix + str(getattr(route, "path", "")))
        elif getattr(route, "methods", None):
            for method in sorted(route.methods):
                if method != "HEAD":
                    yield method, prefix + route.path
