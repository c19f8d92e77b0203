"""Reading citizens for staff: data-sharing rules applied, protected addresses withheld, every read and
search audited. Shared by the API and the agents' pages."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from contracts.api import CitizenView, SearchPage, SourceRecordView
from hub.access import redact
from hub.access.policy import Access
from hub.audit import repository as audit
from hub.auth.principal import Principal
from hub.citizens import repository
from hub.citizens.search import SearchQuery, ranked_page
from hub.store.db import Database
from hub.store.models import Citizen, SourceRecord, citizen_is_protected, protected_payload

# Plain Core selects (see hub.citizens.search).
_citizens = cast(Table, Citizen.__table__).c
_records = cast(Table, SourceRecord.__table__).c
_PROTECTED = citizen_is_protected(_citizens.citizen_id)


def read_citizen(
    session: Session, db: Database, principal: Principal, access: Access, citizen_id: str, channel: str
) -> CitizenView | None:
    """The citizen as this caller may see them, audited; None when unknown or nothing is visible."""
    citizen = repository.resolve(session, citizen_id)
    if citizen is None:
        return None
    full = repository.citizen_view(session, citizen)
    view = redact.citizen_for(full, access)
    if view is None:
        return None
    protected = redact.view_protected(full)
    detail: dict[str, Any] = {
        "requested": citizen_id,
        "systems_shown": sorted({r.source_system for r in view.source_records}),
    }
    if protected:
        detail["protected_address"] = "shown" if access.protected_visible else "withheld"
    action = "view_protected_address" if protected and access.protected_visible else "read_citizen"
    audit.write(
        db, principal, action, citizens=[citizen.citizen_id], channel=channel, detail=detail,
        purpose=access.purpose, reader=session,
    )  # fmt: skip
    return view


def run_search(
    session: Session, db: Database, principal: Principal, access: Access, query: SearchQuery, channel: str
) -> SearchPage:
    """Search within the caller's data-sharing rules; the criteria and the citizens shown are audited."""
    query.systems = access.systems
    query.hide_protected_locations = not access.protected_visible
    page = ranked_page(session, query)
    ids = [h.citizen_id for h in page.results]
    goldens: dict[str, Any] = {}
    protected: set[str] = set()
    if ids:
        # Each citizen's golden record and whether they are protected, in one statement.
        rows = session.execute(
            select(_citizens.citizen_id, _citizens.golden, _PROTECTED).where(_citizens.citizen_id.in_(ids))
        )
        for row in rows:
            goldens[row.citizen_id] = row.golden
            if row.protected:
                protected.add(row.citizen_id)
    page.results = [
        redact.hit_for(h, goldens.get(h.citizen_id), access, h.citizen_id in protected) for h in page.results
    ]
    criteria = {
        k: v
        for k, v in (
            ("name", query.name),
            ("date_of_birth", query.date_of_birth),
            ("postcode", query.postcode),
            ("identifier", query.identifier),
        )
        if v
    }
    audit.write(
        db, principal, "search", citizens=ids, channel=channel,
        detail={"criteria": criteria, "total": page.total, "page": query.page}, purpose=access.purpose,
        reader=session,
    )  # fmt: skip
    return page


def protected_citizens(session: Session, citizen_ids: list[str]) -> set[str]:
    if not citizen_ids:
        return set()
    rows = session.execute(
        select(_records.citizen_id, _records.payload).where(
            _records.citizen_id.in_(citizen_ids),
            _records.deleted.is_(False),
            protected_payload(_records.payload),
        )
    ).all()
    return {c for c, payload in rows if c and redact.payload_protected(payload)}


def read_source_record(
    session: Session, db: Database, principal: Principal, access: Access, system: str, record_id: str
) -> SourceRecordView | None:
    row = repository.source_record(session, system, record_id)
    if row is None:
        return None
    protected = bool(row.citizen_id) and bool(protected_citizens(session, [str(row.citizen_id)]))
    view = redact.source_record_for(repository.source_record_view(row), access, protected)
    if view is None:
        return None
    audit.write(
        db, principal, "read_source_record", citizens=[row.citizen_id or ""], channel="api",
        detail={"source_key": row.source_key}, purpose=access.purpose, reader=session,
    )  # fmt: skip
    return view
