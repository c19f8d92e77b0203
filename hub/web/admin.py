"""Admins' pages: the audit trail and a resident's subject access report, printable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from hub.api.deps import DatabaseDep, ReadSession
from hub.audit import repository as audit
from hub.audit.subject_access import report
from hub.auth import Principal, Role, require_page
from hub.web.templating import render

router = APIRouter(include_in_schema=False)

Admin = Annotated[Principal, Depends(require_page(Role.ADMIN))]


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, session: ReadSession, db: DatabaseDep, principal: Admin,
    actor: Annotated[str, Query(max_length=150)] = "", citizen_id: Annotated[str, Query(max_length=32)] = "",
) -> Response:  # fmt: skip
    rows = audit.search(
        session, actor=actor or None, citizen_ids=[citizen_id] if citizen_id else [], limit=200
    )
    audit.write(
        db, principal, "read_audit", citizens=[citizen_id], channel="page", detail={"rows": len(rows)},
        reader=session,
    )  # fmt: skip
    return render(
        request, "audit.html", principal, title="Audit", rows=rows, actor=actor, citizen_id=citizen_id
    )


@router.get("/admin/subject-access/{citizen_id}", response_class=HTMLResponse)
def subject_access(
    citizen_id: str, request: Request, session: ReadSession, db: DatabaseDep, principal: Admin
) -> Response:
    found = report(session, citizen_id, for_resident=False)
    if found is None:
        return render(request, "message.html", principal, status=404, title="No such person", message="")
    audit.write(
        db, principal, "subject_access", citizens=[found["citizen_id"]], channel="page", reader=session
    )
    return render(request, "subject_access.html", principal, title="Subject access report", report=found)
