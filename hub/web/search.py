"""The agents' search page: any mix of name, date of birth, postcode or district, and reference."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from hub.access.deps import PolicyDep
from hub.api.deps import DatabaseDep, ReadSession
from hub.auth import Principal, Role, require_page
from hub.citizens import service
from hub.citizens.search import SearchQuery, parse_dob
from hub.web.templating import render

router = APIRouter(include_in_schema=False)

Staff = Annotated[Principal, Depends(require_page(Role.AGENT, Role.SUPERVISOR, Role.ADMIN))]
Text = Annotated[str, Query(max_length=200)]


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: ReadSession,
    db: DatabaseDep,
    principal: Staff,
    policy: PolicyDep,
    name: Text = "",
    date_of_birth: Text = "",
    postcode: Text = "",
    identifier: Text = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> HTMLResponse:
    form = {"name": name, "date_of_birth": date_of_birth, "postcode": postcode, "identifier": identifier}
    searched = "name" in request.query_params or "identifier" in request.query_params
    errors: list[tuple[str, str]] = []
    if searched and not any(v.strip() for v in form.values()):
        errors.append(("name", "Enter a name, date of birth, postcode or reference"))
    if date_of_birth.strip() and parse_dob(date_of_birth) is None:
        errors.append(("date_of_birth", "Enter a date of birth like 4/3/1952, a year like 1952, or 1950s"))
    results = None
    if searched and not errors:
        query = SearchQuery(
            name.strip() or None, date_of_birth.strip() or None, postcode.strip() or None,
            identifier.strip() or None, page, 20,
        )  # fmt: skip
        results = service.run_search(session, db, principal, policy.access(principal), query, "page")
    return render(
        request, "search.html", principal, title="Find a person", form=form, results=results,
        error_summary=errors, errors=dict(errors), ask=policy.ask,
    )  # fmt: skip
