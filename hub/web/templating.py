"""Jinja2 rendering for the pages: the signed-in person, their CSRF token and navigation in every page."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from hub.auth.deps import csrf_token
from hub.auth.principal import Principal, Role

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")

SYSTEMS = {
    "council_tax": "Council Tax",
    "benefits": "Benefits",
    "housing": "Housing",
    "web_channel": "Council website",
}
SCHEMES = {
    "uprn": "UPRN",
    "nino": "NI number",
    "nhs": "NHS number",
    "tenancy_ref": "Tenancy reference",
}
"""How a reference's scheme is named on a page where its code would not read well (``Uprn``, ``Nino``)."""
NAV: dict[Role, list[tuple[str, str]]] = {
    Role.AGENT: [("Find a person", "/search")],
    Role.SUPERVISOR: [("Find a person", "/search"), ("Review queue", "/reviews")],
    Role.ADMIN: [("Find a person", "/search"), ("Review queue", "/reviews"), ("Audit", "/admin/audit")],
    Role.CITIZEN: [("Your account", "/my-account")],
    Role.SYSTEM: [],
}


def nice_date(value: Any) -> str:
    """'1952-03-04' -> '4 March 1952'; partial dates as given; datetimes as '1 January 2024 at 09:30'."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y} at {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    text = str(value)
    try:
        if "T" in text:
            return nice_date(datetime.fromisoformat(text))
        return nice_date(date.fromisoformat(text))
    except ValueError:
        return text


def words(value: Any) -> str:
    return str(value or "").replace("_", " ").capitalize()


def scheme_name(value: Any) -> str:
    return SCHEMES.get(str(value), words(value))


def system_name(value: Any) -> str:
    return SYSTEMS.get(str(value), words(value))


def record_label(key: Any) -> str:
    """'council_tax/CT4' -> 'Council Tax record CT4'."""
    system, _, record_id = str(key).partition("/")
    return f"{system_name(system)} record {record_id}"


TEMPLATES.env.filters["record"] = record_label
TEMPLATES.env.filters["nice_date"] = nice_date
TEMPLATES.env.filters["words"] = words
TEMPLATES.env.filters["system"] = system_name
TEMPLATES.env.filters["scheme"] = scheme_name


def render(
    request: Request, name: str, principal: Principal | None, *, status: int = 200, **context: Any
) -> HTMLResponse:
    context["principal"] = principal
    context["csrf"] = csrf_token(principal) if principal is not None else ""
    context["nav"] = NAV.get(principal.role, []) if principal is not None else []
    context["path"] = request.url.path
    context["council_name"] = request.app.state.settings.council_name
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)
