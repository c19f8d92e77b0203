"""The web channel's pages: "my account", report a change of address, and the subject access report."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from hub.api.deps import BusDep, DatabaseDep, ReadSession, SettingsDep
from hub.audit import repository as audit
from hub.audit.subject_access import report
from hub.auth import Principal, Role, require_page
from hub.auth.deps import check_csrf
from hub.bus.base import EventPublisher
from hub.residents import service
from hub.residents.endpoints import ChangeOfAddress, record_change
from hub.web.templating import render

router = APIRouter(include_in_schema=False)

Resident = Annotated[Principal, Depends(require_page(Role.CITIZEN))]
FormText = Annotated[str, Form(max_length=200)]


def _missing(request: Request, principal: Principal) -> Response:
    return render(
        request, "message.html", principal, status=404, title="We cannot find your record",
        message="Please contact the council.",
    )  # fmt: skip


@router.get("/my-account", response_class=HTMLResponse)
def my_account(request: Request, session: ReadSession, db: DatabaseDep, principal: Resident) -> Response:
    citizen = service.own_citizen(session, principal)
    if citizen is None:
        return _missing(request, principal)
    account = service.my_account(session, citizen)
    audit.write(db, principal, "read_citizen", citizens=[citizen.citizen_id], channel="page", reader=session)
    return render(request, "my_account.html", principal, title="Your account", account=account)


@router.get("/my-account/change-of-address", response_class=HTMLResponse)
def change_form(request: Request, principal: Resident) -> Response:
    return render(
        request, "change_of_address.html", principal, title="Tell us you have moved", form={}, errors={}
    )


@router.post("/my-account/change-of-address", response_class=HTMLResponse)
async def change_submit(
    request: Request, db: DatabaseDep, bus: BusDep, settings: SettingsDep, principal: Resident,
    line1: FormText = "", line2: FormText = "", town: FormText = "", postcode: FormText = "",
    moved_on: FormText = "", csrf: FormText = "",
) -> Response:  # fmt: skip
    check_csrf(principal, csrf)
    form = {"line1": line1, "line2": line2, "town": town, "postcode": postcode, "moved_on": moved_on}
    errors: dict[str, str] = {}
    if not line1.strip():
        errors["line1"] = "Enter the first line of your new address"
    if not postcode.strip():
        errors["postcode"] = "Enter your new postcode"
    moved: date | None = None
    if moved_on.strip():
        try:
            moved = date.fromisoformat(moved_on.strip())
        except ValueError:
            errors["moved_on"] = "Enter the date you moved like 2024-05-31"
    event = None
    if not errors:
        body = ChangeOfAddress(
            lines=[x.strip() for x in (line1, line2) if x.strip()], town=town.strip() or None,
            postcode=postcode.strip() or "-----", moved_on=moved,
        )  # fmt: skip
        try:
            event = await asyncio.to_thread(record_change, db, principal, body, "page")
        except Exception as error:  # noqa: BLE001 - the form shows the reason
            detail = getattr(error, "detail", None)
            if detail is None:
                raise
            errors["postcode"] = str(detail)
    if event is None:
        return render(
            request, "change_of_address.html", principal, status=422, title="Tell us you have moved",
            form=form, errors=errors, error_summary=list(errors.items()),
        )  # fmt: skip
    await EventPublisher(bus, settings.topic_source_records).publish([event])
    return render(request, "change_of_address_done.html", principal, title="We have your new address")


@router.get("/my-account/subject-access", response_class=HTMLResponse)
def subject_access(request: Request, session: ReadSession, db: DatabaseDep, principal: Resident) -> Response:
    found = report(session, principal.subject, for_resident=True)
    if found is None:
        return _missing(request, principal)
    audit.write(
        db, principal, "subject_access", citizens=[found["citizen_id"]], channel="page", reader=session
    )
    return render(
        request, "subject_access.html", principal, title="Everything we hold about you", report=found
    )
