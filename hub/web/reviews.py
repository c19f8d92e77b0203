"""Supervisors' pages: the review queue and one task with both records side by side."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.access import redact
from hub.access.deps import PolicyDep
from hub.api.deps import DatabaseDep, SettingsDep
from hub.audit import repository as audit
from hub.auth import Principal, Role, require_page
from hub.auth.deps import check_csrf
from hub.citizens.service import protected_citizens
from hub.reviews import queue
from hub.reviews.decisions import DecisionError
from hub.web.templating import render

router = APIRouter(include_in_schema=False)

QueueReader = Annotated[Principal, Depends(require_page(Role.SUPERVISOR, Role.ADMIN))]
Supervisor = Annotated[Principal, Depends(require_page(Role.SUPERVISOR))]
FormText = Annotated[str, Form(max_length=2000)]

LEVELS = {"exact": "Same", "missing": "Not in both records", "in_email": "In the other's e-mail address"}
FIELDS = {"dob": "Date of birth", "nino": "NI number", "nhs": "NHS number", "ids": "Other references",
          "given": "First name", "middle": "Middle name", "family": "Surname",
          "sex": "Sex (by title)"}  # fmt: skip


@router.get("/reviews", response_class=HTMLResponse)
def review_queue(
    request: Request, db: DatabaseDep, principal: QueueReader, done: str | None = None
) -> Response:
    with db.reader() as session:
        tasks = queue.tasks(session, principal.actor, limit=100)
        rows = [
            {"id": t.id, "a": t.a, "b": t.b, "status": t.status, "assigned_to": t.assigned_to,
             "created_at": t.created_at}
            for t in tasks
        ]  # fmt: skip
    flash = {
        "decided": "Decision recorded. Connected systems have been told.",
        "empty": "The queue is empty.",
    }
    return render(
        request, "reviews.html", principal, title="Review queue", tasks=rows, flash=flash.get(done or "")
    )


@router.post("/reviews/next")
def take_next(db: DatabaseDep, principal: Supervisor, settings: SettingsDep, csrf: FormText = "") -> Response:
    check_csrf(principal, csrf)
    with db.unit_of_work() as session:
        task_id = queue.claim_next(session, principal.actor, timedelta(minutes=settings.review_claim_minutes))
    target = f"/reviews/{task_id}" if task_id is not None else "/reviews?done=empty"
    return RedirectResponse(target, status_code=303)


def _rows(left: dict[str, Any], right: dict[str, Any]) -> list[tuple[str, str, str]]:
    def name(r: dict[str, Any]) -> str:
        n = r.get("name") or {}
        return " ".join(
            str(p) for p in (n.get("title"), n.get("given"), n.get("middle"), n.get("family")) if p
        )

    def address(r: dict[str, Any]) -> str:
        parts = []
        for a in r.get("addresses", []):
            if a.get("withheld"):
                parts.append(f"Withheld – ask {a.get('ask')}")
            else:
                parts.append(
                    ", ".join([*a.get("lines", []), *(x for x in (a.get("town"), a.get("postcode")) if x)])
                )
        return "; ".join(parts)

    def ids(r: dict[str, Any]) -> str:
        return "; ".join(f"{i['scheme'].replace('_', ' ')}: {i['value']}" for i in r.get("identifiers", []))

    def dob(r: dict[str, Any]) -> str:
        d = r.get("date_of_birth") or {}
        return str(d.get("text", "")) if isinstance(d, dict) else str(d)

    return [
        ("Name", name(left), name(right)),
        ("Date of birth", dob(left), dob(right)),
        ("Address", address(left), address(right)),
        ("Identifiers", ids(left), ids(right)),
        ("Phone", ", ".join(left.get("phones", [])), ", ".join(right.get("phones", []))),
        ("Email", ", ".join(left.get("emails", [])), ", ".join(right.get("emails", []))),
    ]


@router.get("/reviews/{task_id}", response_class=HTMLResponse)
def review_task(
    task_id: int, request: Request, db: DatabaseDep, principal: QueueReader, policy: PolicyDep
) -> Response:
    access = policy.access(principal)
    with db.unit_of_work() as session:
        task = queue.detail(session, task_id)
        if task is None:
            return render(request, "message.html", principal, status=404, title="No such task", message="")
        citizens = [c for c in (task.left.citizen_id, task.right.citizen_id) if c]
        protected = protected_citizens(session, citizens)
        sides = []
        for side in (task.left, task.right):
            record = side.record or {}
            if side.citizen_id in protected and not access.protected_visible:
                record = redact.redact_record(record, access.ask) or {}
            sides.append(record)
        audit.record(
            session, principal, "read_review", citizens=citizens, channel="page", detail={"task": task_id}
        )
    evidence = [
        (
            FIELDS.get(field, field.replace("_", " ").capitalize()),
            LEVELS.get(level, level.replace("_", " ").capitalize()),
            task.field_weights.get(field, 0.0),
        )
        for field, level in sorted(task.levels.items())
    ]
    return render(
        request, "review.html", principal, title=f"Review task {task_id}", task=task, rows=_rows(*sides),
        evidence=evidence, mine=task.assigned_to == principal.actor,
    )  # fmt: skip


@router.post("/reviews/{task_id}/decide")
def decide(
    task_id: int, request: Request, db: DatabaseDep, settings: SettingsDep, principal: Supervisor,
    decision: FormText = "", reason: FormText = "", csrf: FormText = "",
) -> Response:  # fmt: skip
    check_csrf(principal, csrf)
    if decision not in ("same", "different"):
        return RedirectResponse(f"/reviews/{task_id}?error=choose", status_code=303)
    try:
        with db.unit_of_work() as session:
            queue.decide(session, settings, principal, task_id, decision == "same", reason)
    except DecisionError as error:
        return render(
            request, "message.html", principal, status=error.status, title="That could not be done",
            message=error.message,
        )  # fmt: skip
    return RedirectResponse("/reviews?done=decided", status_code=303)


@router.post("/reviews/{task_id}/release")
def release(task_id: int, db: DatabaseDep, principal: Supervisor, csrf: FormText = "") -> Response:
    check_csrf(principal, csrf)
    with db.unit_of_work() as session:
        queue.release(session, task_id, principal.actor)
    return RedirectResponse("/reviews", status_code=303)
