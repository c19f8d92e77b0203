"""A small, hand-made set of source records with known answers, for pipeline tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from contracts import PersonName, PersonRecord, ServiceEvent, SourceRecordDeleted, make_event

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def person(
    system: str,
    record_id: str,
    given: str,
    family: str,
    dob: str | None,
    postcode: str | None,
    nino: str | None = None,
    **extra: Any,
) -> PersonRecord:
    identifiers = [{"scheme": "nino", "value": nino}] if nino else []
    identifiers += extra.pop("identifiers", [])
    return PersonRecord(
        source_system=system,
        source_record_id=record_id,
        name=PersonName(given=given, family=family),
        date_of_birth=dob,
        identifiers=identifiers,
        addresses=[{"lines": ["Flat 2", "14 Oak Road", "Salford"], "postcode": postcode}] if postcode else [],
        **extra,
    )


def records() -> list[PersonRecord]:
    """Three residents across three systems, plus a namesake and a loner.

    Expected citizens (by source key):
      Margaret Smith: council_tax/CT1, benefits/HB7, housing/T3
      John Brown: council_tax/CT2, benefits/HB8
      Margaret Smith (another, different dob and postcode): housing/T9
      Ann Lee: council_tax/CT5
    """
    return [
        person("council_tax", "CT1", "Margaret", "Smith", "1952-03-04", "M5 4WT", "AB123456C"),
        person("benefits", "HB7", "Peggy", "Smith", "1952-03-04", "M5 4WT", "AB123456C"),
        person("housing", "T3", "Margaret", "Smith", "1952-03-04", "M54WT"),
        person("council_tax", "CT2", "John", "Brown", "1980-07-01", "M6 5AB", "CE654321A"),
        person("benefits", "HB8", "Johnny", "Brown", "1980-07-01", "M6 5AB", "CE654321A"),
        person("housing", "T9", "Margaret", "Smith", "1971-11-30", "M7 1AA"),
        person("council_tax", "CT5", "Ann", "Lee", "1990-01-15", "M5 3EF"),
    ]


EXPECTED = sorted(
    sorted(group)
    for group in (
        ["council_tax/CT1", "benefits/HB7", "housing/T3"],
        ["council_tax/CT2", "benefits/HB8"],
        ["housing/T9"],
        ["council_tax/CT5"],
    )
)


def events() -> list[Any]:
    """Envelopes for the records and a few service events, in a realistic order."""
    result: list[Any] = [make_event(r, T0 + timedelta(minutes=i)) for i, r in enumerate(records())]
    result.append(
        make_event(
            ServiceEvent(
                source_system="housing",
                source_record_id="T3",
                service_event_id="R-1001",
                service="housing",
                kind="repair_reported",
                at=T0,
                summary="Boiler not working",
                reference="TEN-3",
            ),
            T0,
        )
    )
    result.append(
        make_event(
            ServiceEvent(
                source_system="council_tax",
                source_record_id="CT1",
                service_event_id="B-2024",
                service="council_tax",
                kind="bill_issued",
                at=T0,
                summary="Annual bill 2024/25",
                reference="CTA-1",
            ),
            T0,
        )
    )
    return result


def deletion(system: str, record_id: str, minutes: int = 60) -> Any:
    return make_event(
        SourceRecordDeleted(source_system=system, source_record_id=record_id), T0 + timedelta(minutes=minutes)
    )
