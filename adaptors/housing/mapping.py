"""Every housing quirk in one place: the housing system's CSV columns <-> contract records.

Oracle-era conventions: dates ``DD-MON-YYYY`` (``01-APR-2019``), a person number within the tenancy, roles
``LEAD``/``JOINT``/``HHM`` (household member), and a ``TRAILER`` row carrying the row count so a truncated
file can be told from a complete one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from adaptors.runtime.ports import RecordRejected, Report
from contracts import Address, BirthDate, Identifier, PersonName, PersonRecord, ServiceEvent

SYSTEM = "housing"
TENANCY_COLUMNS = [
    "TENANCY_REF", "PROP_UPRN", "PROP_ADDR_1", "PROP_ADDR_2", "PROP_ADDR_3", "PROP_TOWN", "PROP_PCODE",
    "TEN_START", "PERSON_ID", "PERSON_NO", "ROLE", "TITLE", "FORENAME", "MIDDLE", "SURNAME", "FORMER_SURNAME",
    "DOB", "NI_NUMBER", "NHS_NO", "TEL", "EMAIL", "DECEASED", "LAST_UPD", "SAFEGUARD",
]  # fmt: skip
EVENT_COLUMNS = ["EVENT_REF", "TENANCY_REF", "PERSON_ID", "EVENT_CODE", "EVENT_DT", "DESCRIPTION", "DETAIL"]
ROLES = {"lead_tenant": "LEAD", "joint_tenant": "JOINT", "household_member": "HHM"}
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def to_oracle_date(year: int | None, month: int | None, day: int | None) -> str:
    if year is None:
        return ""
    mon = _MONTHS[month - 1] if month and 1 <= month <= 12 else f"{month or 0:02d}"
    return f"{day or 0:02d}-{mon}-{year:04d}"


def from_oracle_date(raw: str) -> BirthDate | None:
    text = raw.strip().upper()
    if not text:
        return None
    match = re.fullmatch(r"(\d{2})-([A-Z]{3}|\d{2})-(\d{4})", text)
    if not match:
        return BirthDate(text=text)
    day, mon, year = int(match[1]), match[2], int(match[3])
    month = _MONTHS.index(mon) + 1 if mon in _MONTHS else int(mon) if mon.isdigit() else 0
    parts = [f"{year:04d}"] + ([f"{month:02d}"] if month else []) + ([f"{day:02d}"] if month and day else [])
    return BirthDate(
        text="-".join(parts), year=year, month=month or None, day=(day or None) if month else None
    )


def to_row(record: PersonRecord, role: str, person_no: int) -> dict[str, str]:
    ids = {i.scheme: i.value for i in record.identifiers}
    home = next((a for a in record.addresses if not a.valid_to), None) or Address()
    lines = [*home.lines[:2], ", ".join(home.lines[2:])] if len(home.lines) > 3 else list(home.lines)
    dob = record.date_of_birth
    former = next(
        (n.family for n in record.other_names if n.kind in ("birth", "previous") and n.family), None
    )
    return {
        "TENANCY_REF": ids.get("tenancy_ref", record.source_record_id),
        "PROP_UPRN": home.uprn or ids.get("uprn", ""),
        **{f"PROP_ADDR_{i + 1}": lines[i] if i < len(lines) else "" for i in range(3)},
        "PROP_TOWN": home.town or "",
        "PROP_PCODE": home.postcode or "",
        "TEN_START": to_oracle_date(*_ymd(home.valid_from)),
        "PERSON_ID": record.source_record_id,
        "PERSON_NO": str(person_no),
        "ROLE": ROLES.get(role, "HHM"),
        "TITLE": record.name.title or "",
        "FORENAME": record.name.given or "",
        "MIDDLE": record.name.middle or "",
        "SURNAME": record.name.family or "",
        "FORMER_SURNAME": former or "",
        "DOB": ""
        if dob is None
        else (to_oracle_date(dob.year, dob.month, dob.day) if dob.year else dob.text),
        "NI_NUMBER": ids.get("nino", ""),
        "NHS_NO": ids.get("nhs", ""),
        "TEL": record.phones[0] if record.phones else "",
        "EMAIL": record.emails[0] if record.emails else "",
        "DECEASED": "Y" if record.deceased else "N",
        "LAST_UPD": (record.updated_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "SAFEGUARD": "Y" if record.protected_address else "",
    }


def _ymd(value: object) -> tuple[int | None, int | None, int | None]:
    if value is None:
        return None, None, None
    return value.year, value.month, value.day  # type: ignore[attr-defined]


def to_event_row(event: ServiceEvent, tenancy_ref: str) -> dict[str, str]:
    detail = dict(event.attributes)
    return {
        "EVENT_REF": event.service_event_id,
        "TENANCY_REF": tenancy_ref,
        "PERSON_ID": event.source_record_id,
        "EVENT_CODE": event.kind.upper(),
        "EVENT_DT": event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "DESCRIPTION": event.summary,
        "DETAIL": ";".join(f"{k}={v}" for k, v in sorted(detail.items())),
    }


def _stamp(raw: str, ref: str, column: str) -> datetime:
    try:
        return datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError as error:
        raise RecordRejected(ref, f"{column.lower()}: not YYYY-MM-DD HH:MM:SS") from error


def from_row(row: Mapping[str, str]) -> tuple[PersonRecord, list[Report]]:
    ref = row.get("PERSON_ID", "").strip()
    tenancy = row.get("TENANCY_REF", "").strip()
    if not ref or not tenancy:
        raise RecordRejected(tenancy or ref or "?", "person_id/tenancy_ref: missing")
    if not row.get("SURNAME", "").strip():
        raise RecordRejected(f"{tenancy}/{ref}", "name.family: surname is empty")
    identifiers = [Identifier(scheme="tenancy_ref", value=tenancy)]
    for scheme, column in (("uprn", "PROP_UPRN"), ("nino", "NI_NUMBER"), ("nhs", "NHS_NO")):
        if row.get(column, "").strip():
            identifiers.append(Identifier(scheme=scheme, value=row[column]))
    start = from_oracle_date(row.get("TEN_START", ""))
    home = Address(
        lines=[row.get(f"PROP_ADDR_{i}", "") for i in range(1, 4)],
        town=row.get("PROP_TOWN") or None,
        postcode=row.get("PROP_PCODE") or None,
        uprn=row.get("PROP_UPRN") or None,
        valid_from=start.as_date if start else None,
        kind="residential",
    )
    former = row.get("FORMER_SURNAME", "").strip()
    record = PersonRecord(
        source_system=SYSTEM,
        source_record_id=ref,
        name=PersonName(
            title=row.get("TITLE") or None,
            given=row.get("FORENAME") or None,
            middle=row.get("MIDDLE") or None,
            family=row["SURNAME"],
        ),
        other_names=[PersonName(given=row.get("FORENAME") or None, family=former, kind="birth")]
        if former
        else [],
        date_of_birth=from_oracle_date(row.get("DOB", "")),
        identifiers=identifiers,
        addresses=[home],
        phones=[row["TEL"]] if row.get("TEL") else [],
        emails=[row["EMAIL"]] if row.get("EMAIL") else [],
        deceased=row.get("DECEASED") == "Y",
        protected_address=row.get("SAFEGUARD") == "Y",  # safeguarding marker: address must be withheld
        updated_at=_stamp(row.get("LAST_UPD", ""), f"{tenancy}/{ref}", "LAST_UPD"),
    )
    return record, [
        Report(f"{tenancy}/{ref}", f"{i.field}: {i.rule}", "warning") for i in record.data_quality_issues()
    ]


def from_event_row(row: Mapping[str, str]) -> ServiceEvent:
    ref = row.get("EVENT_REF", "").strip()
    if not ref or not row.get("PERSON_ID", "").strip():
        raise RecordRejected(ref or "?", "event_ref/person_id: missing")
    detail = dict(p.split("=", 1) for p in row.get("DETAIL", "").split(";") if "=" in p)
    kind = row.get("EVENT_CODE", "").strip().lower() or "other"
    return ServiceEvent(
        source_system=SYSTEM,
        source_record_id=row["PERSON_ID"].strip(),
        service_event_id=ref,
        service=SYSTEM,
        kind=kind,
        at=_stamp(row.get("EVENT_DT", ""), ref, "EVENT_DT"),
        summary=row.get("DESCRIPTION", "")[:500] or kind.replace("_", " "),
        reference=row.get("TENANCY_REF") or None,
        attributes=detail,
    )
