"""Agent search: any mix of name, date of birth, postcode and identifier, ranked, with why each matched."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.api import SearchHit, SearchPage
from hub.store.models import Citizen, Identifier, SourceRecord
from matching.rules import simple_name


@dataclass
class SearchQuery:
    name: str | None = None
    date_of_birth: str | None = None
    postcode: str | None = None
    identifier: str | None = None
    page: int = 1
    page_size: int = 20


@dataclass
class _Candidate:
    score: float = 0.0
    why: set[str] = field(default_factory=set)


def _dob_filter(text: str) -> tuple[str | None, int | None, int | None]:
    """(exact ISO date, first year, last year) from '1952-03-04', '1952', or '1950s'."""
    text = text.strip().lower()
    if match := re.fullmatch(r"(\d{3})0s", text):
        first = int(match.group(1)) * 10
        return None, first, first + 9
    if re.fullmatch(r"\d{4}", text):
        return None, int(text), int(text)
    if match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}", None, None
    return text, None, None


def search(session: Session, query: SearchQuery) -> SearchPage:
    candidates: dict[str, _Candidate] = defaultdict(_Candidate)
    statement = select(
        SourceRecord.citizen_id,
        SourceRecord.family_norm,
        SourceRecord.given_norm,
        SourceRecord.birth_date,
        SourceRecord.birth_year,
        SourceRecord.postcode,
    ).where(SourceRecord.citizen_id.is_not(None))
    filtered = False
    tokens = [simple_name(t) for t in re.split(r"[\s,]+", query.name or "") if simple_name(t)]
    if tokens:
        statement = statement.where(SourceRecord.family_norm == tokens[-1])
        filtered = True
    if query.date_of_birth:
        exact, first, last = _dob_filter(query.date_of_birth)
        if exact:
            statement = statement.where(SourceRecord.birth_date == exact)
        elif first is not None and last is not None:
            statement = statement.where(SourceRecord.birth_year.between(first, last))
        filtered = True
    if query.postcode:
        compact = re.sub(r"\s+", "", query.postcode.upper())
        if len(compact) >= 5:
            statement = statement.where(SourceRecord.postcode == f"{compact[:-3]} {compact[-3:]}")
        else:
            statement = statement.where(SourceRecord.postcode_district == compact)
        filtered = True
    if filtered:
        for citizen_id, _family, given, _dob, _year, _postcode in session.execute(
            statement.limit(2000)
        ).all():
            if citizen_id is None:
                continue
            hit = candidates[citizen_id]
            hit.score += 1.0
            if tokens:
                hit.why.add("family name")
                if len(tokens) > 1 and given and given.startswith(tokens[0]):
                    hit.score += 1.0
                    hit.why.add("given name")
            if query.date_of_birth:
                hit.why.add("date of birth")
            if query.postcode:
                hit.why.add("postcode")
    if query.identifier:
        value = re.sub(r"\s+", "", query.identifier).upper()
        rows = session.execute(
            select(SourceRecord.citizen_id, Identifier.scheme)
            .join(Identifier, Identifier.source_key == SourceRecord.source_key)
            .where(
                Identifier.value.in_({value, query.identifier.strip()}), SourceRecord.citizen_id.is_not(None)
            )
        ).all()
        for citizen_id, scheme in rows:
            if citizen_id is None:
                continue
            candidates[citizen_id].score += 5.0
            candidates[citizen_id].why.add(f"identifier ({scheme})")
    ranked = sorted(candidates.items(), key=lambda kv: (-kv[1].score, kv[0]))
    start = (query.page - 1) * query.page_size
    page = ranked[start : start + query.page_size]
    citizens = {
        c.citizen_id: c
        for c in session.scalars(select(Citizen).where(Citizen.citizen_id.in_([cid for cid, _ in page])))
    }
    return SearchPage(
        total=len(ranked),
        page=query.page,
        page_size=query.page_size,
        results=[
            SearchHit(
                citizen_id=cid,
                given_name=citizens[cid].given_name if cid in citizens else None,
                family_name=citizens[cid].family_name if cid in citizens else None,
                date_of_birth=citizens[cid].date_of_birth if cid in citizens else None,
                postcode=citizens[cid].postcode if cid in citizens else None,
                score=hit.score,
                matched_on=sorted(hit.why),
            )
            for cid, hit in page
        ],
    )
