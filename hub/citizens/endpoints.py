"""/v1/citizens and /v1/source-records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from contracts.api import CitizenView, SearchPage, SourceRecordView
from hub.api.deps import ReadSession
from hub.citizens import repository
from hub.citizens.search import SearchQuery, search

router = APIRouter(prefix="/v1", tags=["citizens"])


@router.get("/citizens/{citizen_id}", response_model=CitizenView)
def get_citizen(citizen_id: str, session: ReadSession) -> CitizenView:
    """The golden record, the source records behind it and their service events (retired ids resolve)."""
    citizen = repository.resolve(session, citizen_id)
    if citizen is None:
        raise HTTPException(404, f"No citizen {citizen_id}")
    return repository.citizen_view(session, citizen)


@router.get("/citizens", response_model=SearchPage)
def search_citizens(
    session: ReadSession,
    name: Annotated[str | None, Query(max_length=200)] = None,
    date_of_birth: Annotated[
        str | None, Query(max_length=20, description="YYYY-MM-DD, YYYY or 1950s")
    ] = None,
    postcode: Annotated[str | None, Query(max_length=10)] = None,
    identifier: Annotated[
        str | None, Query(max_length=128, description="NINO, NHS number, or a reference")
    ] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchPage:
    """Search by any mix of name, date of birth, postcode and identifier."""
    if not any((name, date_of_birth, postcode, identifier)):
        raise HTTPException(400, "Give at least one of name, date_of_birth, postcode, identifier")
    return search(session, SearchQuery(name, date_of_birth, postcode, identifier, page, page_size))


@router.get("/source-records/{system}/{record_id}", response_model=SourceRecordView)
def get_source_record(system: str, record_id: str, session: ReadSession) -> SourceRecordView:
    """A source record and the citizen it belongs to."""
    row = repository.source_record(session, system, record_id)
    if row is None:
        raise HTTPException(404, f"No source record {system}/{record_id}")
    return repository.source_record_view(row)
