"""GET /v1/audit (admins) and subject access reports for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from hub.api.deps import DatabaseDep, ReadSession
from hub.audit import repository as audit
from hub.audit.subject_access import report
from hub.auth import Principal, Role, require

router = APIRouter(prefix="/v1", tags=["audit"])

Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


@router.get("/audit")
def list_audit(
    session: ReadSession,
    db: DatabaseDep,
    principal: Admin,
    actor: Annotated[str | None, Query(max_length=150, description="e.g. agent:a.smith")] = None,
    citizen_id: Annotated[str | None, Query(max_length=32)] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Audit records, newest first: who, role, what, which citizens, when, purpose."""
    rows = audit.search(
        session, actor=actor, citizen_ids=[citizen_id] if citizen_id else [], action=action, since=since,
        limit=limit,
    )  # fmt: skip
    audit.write(
        db, principal, "read_audit", citizens=[citizen_id or ""], detail={"rows": len(rows)}, reader=session
    )
    return rows


@router.get("/citizens/{citizen_id}/subject-access")
def subject_access(
    citizen_id: str, session: ReadSession, db: DatabaseDep, principal: Admin
) -> dict[str, Any]:
    """Everything held about a resident and who has looked at it (admins, for a subject access request)."""
    found = report(session, citizen_id, for_resident=False)
    if found is None:
        raise HTTPException(404, f"No citizen {citizen_id}")
    audit.write(
        db,
        principal,
        "subject_access",
        citizens=[found["citizen_id"]],
        detail={"for": "admin"},
        reader=session,
    )
    return found
