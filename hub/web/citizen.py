"""The citizen page: golden record, services, source records with provenance and the plain-English match
explanation, a timeline, possible duplicates, "report a wrong match", and supervisors' merge and split."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contracts.api import CitizenView
from hub.access.deps import PolicyDep
from hub.api.deps import DatabaseDep, ReadSession, SettingsDep
from hub.audit import repository as audit
from hub.auth import Principal, Role, require_page
from hub.auth.deps import check_csrf
from hub.citizens import service
from hub.reviews import decisions, queue
from hub.reviews.decisions import DecisionError
from hub.web.templating import render

router = APIRouter(include_in_schema=False)

Staff = Annotated[Principal, Depends(require_page(Role.AGENT, Role.SUPERVISOR, Role.ADMIN))]
Reporter = Annotated[Principal, Depends(require_page(Role.AGENT, Role.SUPERVISOR))]
Supervisor = Annotated[Principal, Depends(require_page(Role.SUPERVISOR))]
FormText = Annotated[str, Form(max_length=2000)]

DONE = {
    "reported": "Thank you. A supervisor will check whether that record belongs to this person.",
    "merged": "The records are now one person. Connected systems have been told.",
    "split": "The records were separated. Connected systems have been told.",
    "undone": "The merge was undone and the earlier person's id is back.",
}
FIELDS = [
    ("title", "Title"), ("given_name", "First name"), ("middle_names", "Middle names"),
    ("family_name", "Surname"), ("date_of_birth", "Date of birth"), ("address", "Address"),
    ("phone", "Phone"), ("email", "Email"), ("nino", "National Insurance number"), ("nhs", "NHS number"),
]  # fmt: skip


def _explanation(record: Any, keys: dict[str, str]) -> str:
    if record.link_explanation:
        partner = (record.link_detail or {}).get("with")
        where = keys.get(str(partner), str(partner)) if partner else ""
        return f"{record.link_explanation}{f' (compared with {where})' if where else ''}"
    return "The first record we held for this person."


def _page_data(view: CitizenView, tasks: list[Any]) -> dict[str, Any]:
    keys = {f"{r.source_system}/{r.source_record_id}": r.source_system for r in view.source_records}
    labels = {k: f"the {v.replace('_', ' ')} record" for k, v in keys.items()}
    records = [
        {
            "key": f"{r.source_system}/{r.source_record_id}",
            "system": r.source_system,
            "record_id": r.source_record_id,
            "occurred_at": r.occurred_at,
            "record": r.record or {},
            "why": _explanation(r, labels),
            "references": [
                i for i in (r.record or {}).get("identifiers", []) if i.get("scheme") not in ("nino", "nhs")
            ],
        }
        for r in view.source_records
    ]
    duplicates = []
    for task in tasks:
        ours, other = (task.a, task.b) if task.a in keys else (task.b, task.a)
        duplicates.append({"id": task.id, "ours": ours, "other": other, "status": task.status})
    fields = view.golden.get("fields", {})
    return {
        "records": records,
        "duplicates": duplicates,
        "rows": [(label, fields[name]) for name, label in FIELDS if name in fields],
        "access": view.golden.get("access", {}),
        "services": sorted({r.source_system for r in view.source_records}),
    }


@router.get("/citizens/{citizen_id}", response_class=HTMLResponse)
def citizen_page(
    citizen_id: str,
    request: Request,
    session: ReadSession,
    db: DatabaseDep,
    principal: Staff,
    policy: PolicyDep,
    done: str | None = None,
) -> HTMLResponse:
    access = policy.access(principal)
    view = service.read_citizen(session, db, principal, access, citizen_id, "page")
    if view is None:
        return render(
            request, "message.html", principal, status=404, title="Person not found",
            message="There is nobody with that reference that you may see.",
        )  # fmt: skip
    if view.citizen_id != citizen_id:
        return RedirectResponse(f"/citizens/{view.citizen_id}", status_code=303)  # type: ignore[return-value]
    data = _page_data(view, queue.open_tasks_for(session, [f"{r.source_system}/{r.source_record_id}"
                                                           for r in view.source_records]))  # fmt: skip
    merges = decisions.merges_into(session, view.citizen_id) if principal.role is Role.SUPERVISOR else []
    return render(
        request, "citizen.html", principal, title=_name(view), citizen=view, merges=merges,
        flash=DONE.get(done or ""), **data,
    )  # fmt: skip


def _name(view: CitizenView) -> str:
    fields = view.golden.get("fields", {})
    parts = [(fields.get(k) or {}).get("value") for k in ("given_name", "family_name")]
    return " ".join(str(p) for p in parts if p) or view.citizen_id


def _back(citizen_id: str, done: str) -> Response:
    return RedirectResponse(f"/citizens/{citizen_id}?done={done}", status_code=303)


def _problem(request: Request, principal: Principal, error: DecisionError) -> Response:
    return render(
        request, "message.html", principal, status=error.status, title="That could not be done",
        message=error.message,
    )  # fmt: skip


@router.post("/citizens/{citizen_id}/wrong-match")
def wrong_match(
    citizen_id: str, request: Request, db: DatabaseDep, principal: Reporter, policy: PolicyDep,
    source_key: FormText = "", note: FormText = "", csrf: FormText = "",
) -> Response:  # fmt: skip
    check_csrf(principal, csrf)
    if not policy.access(principal).sees(source_key.partition("/")[0]):
        return _problem(request, principal, DecisionError(400, "Choose one of the records shown"))
    try:
        with db.unit_of_work() as session:
            queue.report_wrong_match(session, principal, citizen_id, source_key, note, "page")
    except DecisionError as error:
        return _problem(request, principal, error)
    return _back(citizen_id, "reported")


@router.post("/citizens/{citizen_id}/merge")
def merge(
    citizen_id: str, request: Request, db: DatabaseDep, settings: SettingsDep, principal: Supervisor,
    other_citizen_id: FormText = "", reason: FormText = "", csrf: FormText = "",
) -> Response:  # fmt: skip
    check_csrf(principal, csrf)
    try:
        with db.unit_of_work() as session:
            survivor = decisions.merge(
                session, settings, principal, citizen_id, other_citizen_id.strip(), reason
            )
            audit.record(
                session, principal, "merge", citizens=[citizen_id, other_citizen_id.strip(), survivor],
                channel="page", detail={"survivor": survivor, "reason": reason},
            )  # fmt: skip
    except DecisionError as error:
        return _problem(request, principal, error)
    return _back(survivor, "merged")


@router.post("/citizens/{citizen_id}/split")
async def split(
    citizen_id: str, request: Request, db: DatabaseDep, settings: SettingsDep, principal: Supervisor
) -> Response:
    form = await request.form()
    check_csrf(principal, str(form.get("csrf", "")))
    keys = [str(k) for k in form.getlist("source_keys")]
    reason = str(form.get("reason", ""))[:2000]
    try:
        with db.unit_of_work() as session:
            citizens = decisions.split(session, settings, principal, citizen_id, keys, reason)
            audit.record(
                session, principal, "split", citizens=[citizen_id, *citizens], channel="page",
                detail={"moved": keys, "reason": reason},
            )  # fmt: skip
    except DecisionError as error:
        return _problem(request, principal, error)
    return _back(citizen_id, "split")


@router.post("/citizens/{citizen_id}/undo-merge")
def undo_merge(
    citizen_id: str, request: Request, db: DatabaseDep, settings: SettingsDep, principal: Supervisor,
    retired_citizen_id: FormText = "", reason: FormText = "", csrf: FormText = "",
) -> Response:  # fmt: skip
    check_csrf(principal, csrf)
    try:
        with db.unit_of_work() as session:
            revived = decisions.undo_merge(
                session, settings, principal, citizen_id, retired_citizen_id, reason
            )
            audit.record(
                session, principal, "undo_merge", citizens=[citizen_id, revived], channel="page",
                detail={"revived": revived, "reason": reason},
            )  # fmt: skip
    except DecisionError as error:
        return _problem(request, principal, error)
    return _back(citizen_id, "undone")
