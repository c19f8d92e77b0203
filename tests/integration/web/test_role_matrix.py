"""Every endpoint x every role: allowed (any answer but 401/403) or refused with the status.

The table is the documentation of who may do what; a route missing from it fails the coverage test, so a
new endpoint cannot ship without a decision about its roles.
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts import make_event
from tests.integration.web.conftest import Hub
from tests.integration.web.routes import walk
from tests.integration.web.seed import T, person

pytestmark = pytest.mark.integration

ROLES = ("agent", "supervisor", "system", "citizen", "admin")
STAFF = {"agent", "supervisor", "admin"}
PUBLIC = {
    ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/sign-in"), ("POST", "/sign-out"), ("GET", "/"),
    ("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc"),
}  # fmt: skip


def _event_body() -> Any:
    record = person("council_tax", "CT50", "Ann", "Other", "1990-01-01", "M1 1AA", ["1 Road"])
    return make_event(record, T).model_dump(mode="json")


# (method, path template, allowed roles, body). {showcase} etc. are filled from the seeded hub.
API: list[tuple[str, str, set[str], Any]] = [
    ("GET", "/v1/citizens?name=Smith", STAFF, None),
    ("GET", "/v1/citizens/{showcase}", STAFF, None),
    ("GET", "/v1/source-records/council_tax/CT1", STAFF, None),
    ("POST", "/v1/events", {"system", "admin"}, "event"),
    ("GET", "/v1/dead-letters", {"admin"}, None),
    ("GET", "/v1/data-quality", {"supervisor", "admin"}, None),
    ("GET", "/v1/audit", {"admin"}, None),
    ("GET", "/v1/citizens/{showcase}/subject-access", {"admin"}, None),
    ("GET", "/v1/reviews", {"supervisor", "admin"}, None),
    ("GET", "/v1/reviews/999999", {"supervisor", "admin"}, None),
    ("POST", "/v1/reviews/next", {"supervisor"}, None),
    ("POST", "/v1/reviews/999999/claim", {"supervisor"}, None),
    ("POST", "/v1/reviews/999999/release", {"supervisor"}, None),
    ("POST", "/v1/reviews/999999/decide", {"supervisor"}, {"decision": "same"}),
    ("POST", "/v1/citizens/{showcase}/merge", {"supervisor"}, {"other_citizen_id": "c-unknown"}),
    ("POST", "/v1/citizens/{showcase}/split", {"supervisor"}, {"source_keys": ["x/unknown"]}),
    ("POST", "/v1/citizens/{showcase}/undo-merge", {"supervisor"}, {"retired_citizen_id": "c-unknown"}),
    ("POST", "/v1/citizens/{showcase}/wrong-match", {"agent", "supervisor"}, {"source_key": "x/unknown"}),
    ("GET", "/v1/me", {"citizen"}, None),
    ("GET", "/v1/me/subject-access", {"citizen"}, None),
    ("POST", "/v1/me/change-of-address", {"citizen"}, {"lines": ["1 Road"], "postcode": "nope"}),
]


def _fill(template: str, hub: Hub) -> str:
    return template.format(
        showcase=hub.showcase, namesake=hub.namesake, protected=hub.protected, other=hub.other_resident
    )


def _route_key(template: str) -> tuple[str, str]:
    path = template.split("?")[0].replace("999999", "{task_id}")
    for name in ("showcase", "namesake", "protected", "other"):
        path = path.replace("{" + name + "}", "{citizen_id}")
    if path.startswith("/v1/source-records/"):
        path = "/v1/source-records/{system}/{record_id}"
    return path, template


CASES = [(m, t, role, role in allowed, body) for m, t, allowed, body in API for role in (*ROLES, None)]


@pytest.mark.parametrize(
    ("method", "template", "role", "allowed", "body"),
    CASES,
    ids=[f"{m} {t.split('?')[0]} as {r}" for m, t, r, _a, _b in CASES],
)
async def test_each_role_is_allowed_or_refused(
    shared_hub: Hub, method: str, template: str, role: str | None, allowed: bool, body: Any
) -> None:
    json_body = _event_body() if body == "event" else body
    response = await shared_hub.client.request(
        method, _fill(template, shared_hub), headers=shared_hub.headers(role), json=json_body
    )
    if role is None:
        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["www-authenticate"].startswith("Bearer")
    elif allowed:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["status"] == 403


async def test_every_route_is_in_the_matrix(shared_hub: Hub) -> None:
    covered = {(m, _route_key(t)[0]) for m, t, _a, _b in API}
    covered |= {(m, p) for m, p, _a in PAGE_ROUTES}
    served = set(walk(shared_hub.app.routes))
    assert ("GET", "/v1/citizens/{citizen_id}") in served  # the walk sees inside included routers
    missing = sorted(f"{m} {p}" for m, p in served - covered - PUBLIC if not p.startswith("/assets"))
    assert not missing, f"routes without a row in the role matrix: {missing}"


async def test_a_bad_token_is_401_not_anonymous(shared_hub: Hub) -> None:
    response = await shared_hub.client.get(
        "/v1/citizens?name=Smith", headers={"Authorization": "Bearer not.a.token"}
    )
    assert response.status_code == 401
    response = await shared_hub.client.get("/v1/citizens?name=Smith", headers={"X-API-Key": "chk_wrong"})
    assert response.status_code == 401


async def test_a_system_key_speaks_only_for_its_own_source_system(shared_hub: Hub) -> None:
    record = person("benefits", "B77", "Ann", "Other", "1990-01-01", "M1 1AA", ["1 Road"])
    response = await shared_hub.client.post(
        "/v1/events", headers=shared_hub.headers("system"), json=make_event(record, T).model_dump(mode="json")
    )
    assert response.status_code == 403
    assert "council_tax" in response.json()["detail"]


# Pages, signed in through the browser cookie: (method, path template, allowed roles, form).
PAGES: list[tuple[str, str, set[str], dict[str, str] | None]] = [
    ("GET", "/search?name=Smith", STAFF, None),
    ("GET", "/citizens/{showcase}", STAFF, None),
    ("POST", "/citizens/{showcase}/wrong-match", {"agent", "supervisor"}, {"source_key": "x/unknown"}),
    ("POST", "/citizens/{showcase}/merge", {"supervisor"}, {"other_citizen_id": "c-unknown"}),
    ("POST", "/citizens/{showcase}/split", {"supervisor"}, {}),
    ("POST", "/citizens/{showcase}/undo-merge", {"supervisor"}, {"retired_citizen_id": "c-unknown"}),
    ("GET", "/reviews", {"supervisor", "admin"}, None),
    ("POST", "/reviews/next", {"supervisor"}, {}),
    ("GET", "/reviews/999999", {"supervisor", "admin"}, None),
    ("POST", "/reviews/999999/decide", {"supervisor"}, {"decision": "same"}),
    ("POST", "/reviews/999999/release", {"supervisor"}, {}),
    ("GET", "/my-account", {"citizen"}, None),
    ("GET", "/my-account/change-of-address", {"citizen"}, None),
    ("POST", "/my-account/change-of-address", {"citizen"}, {}),
    ("GET", "/my-account/subject-access", {"citizen"}, None),
    ("GET", "/admin/audit", {"admin"}, None),
    ("GET", "/admin/subject-access/{showcase}", {"admin"}, None),
]


def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


PAGE_ROUTES = [(m, _route_key(t)[0].replace("/v1", ""), a) for m, t, a, _f in PAGES]
PAGE_CASES = [(m, t, role, role in allowed, form) for m, t, allowed, form in PAGES for role in (*ROLES, None)]


@pytest.mark.parametrize(
    ("method", "template", "role", "allowed", "form"),
    PAGE_CASES,
    ids=[f"page {m} {t.split('?')[0]} as {r}" for m, t, r, _a, _f in PAGE_CASES],
)
async def test_each_role_is_allowed_or_refused_a_page(
    shared_hub: Hub, method: str, template: str, role: str | None, allowed: bool, form: dict[str, str] | None
) -> None:
    cookies, headers, data = shared_hub.browser(role)
    response = await shared_hub.client.request(
        method, _fill(template, shared_hub), headers={**headers, **_cookie_header(cookies)},
        data={**data, **form} if form is not None else None,
    )  # fmt: skip
    if role is None:
        assert response.status_code == 401
        assert "Sign in" in response.text
    elif allowed:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500
    else:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("text/html")
