"""/v1/citizens and /v1/source-records: staff only, within their data-sharing rules, every read audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from contracts.api import CitizenView, SearchPage, SourceRecordView
from hub.access.deps import PolicyDep
from hub.api.deps import DatabaseDep, ReadSession
from hub.auth import Principal, Role, require
from hub.citizens import service
from hub.citizens.search import SearchQuery

router = APIRouter(prefix="/v1", tags=["citizens"])

StaffReader = Annotated[Principal, Depends(require(Role.AGENT, Role.SUPERVISOR, Role.ADMIN))]


@router.get("/citizens/{citizen_id}", response_model=CitizenView)
def get_citizen(
    citizen_id: str, session: ReadSession, db: DatabaseDep, principal: StaffReader, policy: PolicyDep
) -> CitizenView:
    """The golden record, the source records behind it and their service events (retired ids resolve).

    Only records from systems the caller's data-sharing rules allow; a protected person's address and
    contact details withheld unless the caller's role may see them. Every read is audited."""
    view = service.read_citizen(session, db, principal, policy.access(principal), citizen_id, "api")
    if view is None:
        raise HTTPException(404, f"No citizen {citizen_id}")
    return view


@router.get("/citizens", response_model=SearchPage)
def search_citizens(
    session: ReadSession,
    db: DatabaseDep,
    principal: StaffReader,
    policy: PolicyDep,
    name: Annotated[str | None, Query(max_length=200)] = None,
    date_of_birth: Annotated[
        str | None, Query(max_length=20, description="YYYY-MM-DD, DD/MM/YYYY, YYYY or 1950s")
    ] = None,
    postcode: Annotated[str | None, Query(max_length=10, description="A postcode, or a district: M5")] = None,
    identifier: Annotated[
        str | None, Query(max_length=128, description="NINO, NHS number, or a service reference")
    ] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchPage:
    """Search by any mix of name, date of birth, postcode and identifier (audited)."""
    if not any((name, date_of_birth, postcode, identifier)):
        raise HTTPException(400, "Give at least one of name, date_of_birth, postcode, identifier")
    query = SearchQuery(name, date_of_birth, postcode, identifier, page, page_size)
    return service.run_search(session, db, principal, policy.access(principal), query, "api")


@router.get("/source-records/{system}/{record_id}", response_model=SourceRecordView)
def get_source_record(
    system: str,
    record_id: str,
    session: ReadSession,
    db: DatabaseDep,
    principal: StaffReader,
    policy: PolicyDep,
) -> SourceRecordView:
    """A source record and the citizen it belongs to (within the caller's data-sharing rules; audited)."""
    view = service.read_source_record(session, db, principal, policy.access(principal), system, record_id)
    if view is None:
        raise HTTPException(404, f"No source record {system}/{record_id}")
    return view
