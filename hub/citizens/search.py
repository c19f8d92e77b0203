"""Agent search: any mix of name, date of birth, postcode or district, identifier or service reference;
ranked, with why each citizen matched.

Every query goes through an index first (surname, surname + year of birth, postcode, postcode district,
identifier value); only the rows found that way are scored in Python. Scoring is per source record and a
citizen ranks by their best record, so a citizen known to many systems does not outrank a better match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeAlias, cast

from rapidfuzz.distance import JaroWinkler
from sqlalchemy import Select, Table, literal, or_, select
from sqlalchemy.orm import Session

from contracts.api import SearchHit, SearchPage
from hub.citizens.names import given_variants
from hub.store.models import Identifier, SourceRecord, citizen_is_protected
from matching.addresses import repaired_uk_postcode
from matching.names import PARTICLES, TITLES, gaelic_spellings, nickname_related, saint_as_st
from matching.rules import simple_name
from matching.standardise import NINO_SHAPE, nino_stem

# The tables' columns, not the mapped classes' attributes: a select of these runs as plain Core (no ORM
# compile step, no ORM row loading), which was about half of a search's SQLAlchemy time.
_IDENTIFIERS = cast(Table, Identifier.__table__)
_records = cast(Table, SourceRecord.__table__).c
_PROTECTED = citizen_is_protected(_records.citizen_id)
"""Whether the row's citizen is protected: asked in the same statement as the rows that can find someone
by where they live, not in another."""
_identifiers = _IDENTIFIERS.c
_Rows: TypeAlias = "Select[str | None, str | None, str | None, str | None, str | None, str | None, bool]"
_ROW_LIMIT = 2000
_FUZZY_GIVEN = 0.88
_FUZZY_FAMILY = 0.87
_SCHEME_NAMES = {
    "nino": "NI number",
    "nhs": "NHS number",
    "uprn": "property reference (UPRN)",
    "council_tax_account": "council tax account",
    "benefit_claim": "benefit claim reference",
    "tenancy_reference": "tenancy reference",
}


@dataclass
class SearchQuery:
    name: str | None = None
    date_of_birth: str | None = None
    postcode: str | None = None
    identifier: str | None = None
    page: int = 1
    page_size: int = 20
    systems: frozenset[str] | None = None
    """Only records from these source systems count (the caller's data-sharing rules); None = all."""
    hide_protected_locations: bool = False
    """Never match a protected person by where they live (postcode, district, UPRN)."""


@dataclass
class _Score:
    score: float = 0.0
    why: list[str] = field(default_factory=list)
    records: int = 0
    by_location: bool = False
    protected: bool = False
    """Known for every citizen found by location when protected people are hidden (``_PROTECTED``)."""


@dataclass(frozen=True)
class _Name:
    given: str | None
    family: str | None


@dataclass(frozen=True)
class _Dob:
    exact: str | None = None
    swapped: str | None = None
    first_year: int | None = None
    last_year: int | None = None
    label: str = ""


def parse_name(text: str | None) -> _Name:
    """'Peggy Smith', 'Smith, Peggy' or 'Smith' (one word is a surname); a title ('Mrs Smith') is no name."""
    if not text or not text.strip():
        return _Name(None, None)
    if "," in text:
        family_part, _, given_part = text.partition(",")
        given_tokens = [simple_name(t) for t in given_part.split()]
        given = next((t for t in given_tokens if t and t not in TITLES), None)
        return _Name(given, _family([simple_name(t) for t in family_part.split()]) or None)
    tokens = [simple_name(t) for t in text.split()]
    tokens = [t for t in tokens if t]
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens.pop(0)
    if not tokens:
        return _Name(None, None)
    starts = len(tokens) - 1
    # "Maria De La Cruz", "Oliver St John", "De Souza"; but "Van Morrison" and "Di Smith" are first names.
    while starts and tokens[starts - 1] in PARTICLES and (starts > 1 or tokens[0] not in _FIRST_NAMES_TOO):
        starts -= 1
    tokens[starts:] = [_family(tokens[starts:])]
    if len(tokens) == 1:
        return _Name(None, tokens[0])
    return _Name(tokens[0], tokens[-1])


_FIRST_NAMES_TOO = frozenset({"van", "del", "di"})
"""Words that begin family names and are first names too: typed first, they are read as a first name."""


def _family(words: list[str]) -> str:
    """A family name's words as the search columns hold them: run together, ``Saint`` written ``St``."""
    return "".join(saint_as_st(words))


def parse_dob(text: str) -> _Dob | None:
    """'1952-03-04', '4/3/1952', '1952', '1950s'; None when it is none of these."""
    text = text.strip().lower()
    if match := re.fullmatch(r"(\d{3})0s", text):
        first = int(match.group(1)) * 10
        return _Dob(first_year=first, last_year=first + 9, label=f"born in the {first}s")
    if re.fullmatch(r"\d{4}", text):
        return _Dob(first_year=int(text), last_year=int(text), label="year of birth")
    day = month = year = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})", text):
        day, month, year = (int(g) for g in match.groups())
    if year is None or month is None or day is None:
        return None
    exact = f"{year:04d}-{month:02d}-{day:02d}"
    swapped = f"{year:04d}-{day:02d}-{month:02d}" if day != month and day <= 12 else None
    return _Dob(exact=exact, swapped=swapped, first_year=year, last_year=year, label="date of birth")


def parse_postcode(text: str) -> tuple[str | None, str | None]:
    """(full postcode 'M5 4WT', or None; district 'M5', or None)."""
    compact = re.sub(r"\s+", "", text.upper())
    if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}", compact):
        return f"{compact[:-3]} {compact[-3:]}", None
    if repaired := repaired_uk_postcode(compact):  # an O typed for a zero, or the other way round: BLO 9AB
        return repaired, None
    if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?", compact):
        return None, compact
    return None, None


def _given_reason(wanted: str, variants: frozenset[str], found: str | None) -> tuple[float, str | None]:
    if not found:
        return 0.0, None
    if found == wanted:
        return 3.0, "first name"
    if len(wanted) == 1:
        return (1.0, "first initial") if found.startswith(wanted) else (0.0, None)
    if found in variants or nickname_related(wanted, found):
        return 2.5, "first name (a nickname, its full form or another spelling)"
    if found.startswith(wanted) or wanted.startswith(found):
        return 2.0, "first name (shortened)"
    if JaroWinkler.similarity(wanted, found) >= _FUZZY_GIVEN:
        return 2.0, "first name (similar spelling)"
    return 0.0, None


def _rows_statement(query: SearchQuery) -> _Rows:
    located = query.hide_protected_locations and bool(query.postcode)
    statement: _Rows = select(
        _records.citizen_id,
        _records.family_norm,
        _records.given_norm,
        _records.other_family_norm,
        _records.other_given_norm,
        _records.birth_date,
        _PROTECTED if located else literal(False),
    ).where(_records.citizen_id.is_not(None), _records.deleted.is_(False))
    if query.systems is not None:
        statement = statement.where(_records.source_system.in_(sorted(query.systems)))
    return statement


def _filtered(query: SearchQuery, name: _Name, dob: _Dob | None, family_prefix: str | None) -> _Rows:
    statement = _rows_statement(query)
    if name.family and family_prefix is None:
        spellings = sorted(gaelic_spellings(name.family))  # McDonald finds MacDonald, as a caller may say
        # A caller may give a surname the record holds as another (her birth surname): found by either.
        statement = statement.where(
            or_(_records.family_norm.in_(spellings), _records.other_family_norm.in_(spellings))
        )
    elif family_prefix:
        upper = family_prefix[:-1] + chr(ord(family_prefix[-1]) + 1)
        statement = statement.where(_records.family_norm >= family_prefix, _records.family_norm < upper)
    if dob is not None:
        # The year too for a whole date (a record holding a date holds its year): the index of surnames
        # and years then finds the Smiths born that year, instead of every Smith read to find the date.
        statement = statement.where(_records.birth_year.between(dob.first_year, dob.last_year))
        if dob.exact:
            dates = [d for d in (dob.exact, dob.swapped) if d]
            statement = statement.where(_records.birth_date.in_(dates))
    if query.postcode:
        full, district = parse_postcode(query.postcode)
        if full:
            statement = statement.where(_records.postcode == full)
        else:
            statement = statement.where(_records.postcode_district == (district or "-"))
    return statement.limit(_ROW_LIMIT)


def _score_rows(
    session: Session, query: SearchQuery, name: _Name, dob: _Dob | None, fuzzy_family: bool
) -> dict[str, _Score]:
    prefix = None
    if fuzzy_family and name.family:
        prefix = name.family[: 2 if (dob or query.postcode) else 3]
    statement = _filtered(query, name, dob, prefix)
    variants = given_variants(name.given) if name.given else frozenset()
    spellings = gaelic_spellings(name.family) if name.family else frozenset()
    full, district = parse_postcode(query.postcode) if query.postcode else (None, None)
    best: dict[str, _Score] = {}
    for citizen_id, family, given, other_family, other_given, birth_date, protected in session.execute(
        statement
    ).all():
        if citizen_id is None:
            continue
        score, why = 0.0, []
        if name.family:
            if family in spellings:
                score, why = 3.0, ["surname"]
            elif other_family in spellings:
                # A little less than the surname held now: of two people who have held it, the one who
                # holds it now is the likelier to be asked about.
                score, why = 2.5, ["surname (another the record holds: a previous or birth surname)"]
            else:
                similarity = JaroWinkler.similarity(name.family, family or "")
                if similarity < _FUZZY_FAMILY:
                    continue
                score, why = 3.0 * similarity, ["surname (similar spelling)"]
        if name.given:
            points, reason = _given_reason(name.given, variants, given)
            if other_given and points < 3.0:
                also, reason_also = _given_reason(name.given, variants, other_given)
                if also > points:
                    points, reason = also, f"{reason_also} (another the record holds: a name they go by)"
            score += points
            if reason:
                why.append(reason)
        if dob is not None:
            if dob.exact and birth_date == dob.exact:
                score, why = score + 3.0, [*why, "date of birth"]
            elif dob.exact:
                score, why = score + 2.0, [*why, "date of birth (day and month swapped)"]
            else:
                score, why = score + (1.5 if dob.first_year == dob.last_year else 1.0), [*why, dob.label]
        location = False
        if full:
            score, why, location = score + 3.0, [*why, "postcode"], True
        elif district:
            score, why, location = score + 1.5, [*why, f"postcode district {district}"], True
        current = best.get(citizen_id)
        if current is None:
            best[citizen_id] = _Score(score, why, 1, location, bool(protected))
        else:
            current.records += 1
            if score > current.score:
                current.score, current.why = score, why
            current.by_location = current.by_location or location
    return best


def _identifier_hits(session: Session, query: SearchQuery) -> dict[str, _Score]:
    raw = (query.identifier or "").strip()
    if not raw:
        return {}
    compact = re.sub(r"[\s\-]+", "", raw)
    found = {raw, compact, compact.upper(), raw.upper()}
    if NINO_SHAPE.match(compact.upper()):
        # An NI number finds its holder whether either side wrote the suffix letter or left it off.
        stem = nino_stem(compact)
        found.update([stem, *(stem + suffix for suffix in "ABCD")])
    values = sorted(found)
    statement = (
        select(
            _records.citizen_id,
            _identifiers.scheme,
            _PROTECTED if query.hide_protected_locations else literal(False),
        )
        .join(_IDENTIFIERS, _identifiers.source_key == _records.source_key)
        .where(_identifiers.value.in_(values), _records.citizen_id.is_not(None))
        .where(_records.deleted.is_(False))
    )
    if query.systems is not None:
        statement = statement.where(_records.source_system.in_(sorted(query.systems)))
    hits: dict[str, _Score] = {}
    for citizen_id, scheme, protected in session.execute(statement.limit(_ROW_LIMIT)).all():
        if citizen_id is None:
            continue
        hit = hits.setdefault(citizen_id, _Score(6.0, protected=bool(protected)))
        label = _SCHEME_NAMES.get(scheme, scheme.replace("_", " "))
        if label not in hit.why:
            hit.why.append(label)
        hit.by_location = hit.by_location or scheme == "uprn"
    return hits


def ranked_page(session: Session, query: SearchQuery) -> SearchPage:
    """The page of ranked citizens for ``query``, with scores and ``matched_on`` (why each one matched) but
    no names: the caller fills those in from each golden record as its caller may see it
    (``hub.citizens.service.run_search``), so the citizens are read once, not twice."""
    name = parse_name(query.name)
    dob = parse_dob(query.date_of_birth) if query.date_of_birth else None
    record_terms = bool(name.family or dob or query.postcode)
    scored: dict[str, _Score] = {}
    if record_terms:
        scored = _score_rows(session, query, name, dob, fuzzy_family=False)
        if not scored and name.family:
            scored = _score_rows(session, query, name, dob, fuzzy_family=True)
    if query.identifier:
        by_identifier = _identifier_hits(session, query)
        if record_terms:
            # Both given: the identifier confirms a person the other terms found, or stands alone.
            for citizen_id, hit in by_identifier.items():
                current = scored.setdefault(citizen_id, _Score())
                current.score += hit.score
                current.why.extend(w for w in hit.why if w not in current.why)
                current.by_location = current.by_location or hit.by_location
                current.protected = current.protected or hit.protected
        else:
            scored = by_identifier
    if query.hide_protected_locations:
        scored = {c: s for c, s in scored.items() if not (s.by_location and s.protected)}
    ranked = sorted(scored.items(), key=lambda kv: (-(kv[1].score + 0.05 * min(kv[1].records, 4)), kv[0]))
    start = (query.page - 1) * query.page_size
    results = [
        SearchHit(
            citizen_id=citizen_id,
            given_name=None,
            family_name=None,
            date_of_birth=None,
            postcode=None,
            score=round(hit.score, 2),
            matched_on=hit.why,
        )
        for citizen_id, hit in ranked[start : start + query.page_size]
    ]
    return SearchPage(total=len(ranked), page=query.page, page_size=query.page_size, results=results)
