"""Every benefits quirk in one place: the SOAP service's claims <-> contract records.

The benefits system thinks in claims: a claim has a claimant and perhaps a partner (each with a person
reference, NINO, ``DD/MM/YYYY`` date of birth and an address) and a history of events. Native values are
plain dicts with the WSDL's element names; ``to_*`` builds them (the reference seed), ``from_*`` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from adaptors.runtime.ports import RecordRejected, Report
from contracts import Address, BirthDate, GoldenAddress, Identifier, PersonName, PersonRecord, ServiceEvent

SYSTEM = "benefits"
EVENT_TYPES = {"claim_made": "CLAIM", "claim_status_changed": "STATUS", "payment_made": "PAYMENT"}
EVENT_KINDS = {code: kind for kind, code in EVENT_TYPES.items()}
ADDRESS_FIELDS = ("Line1", "Line2", "Line3", "Line4", "Town", "Postcode")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- dates: DD/MM/YYYY, 00 for unknown parts ------------------------------------------------------
def to_dob(value: BirthDate | None) -> str | None:
    if value is None:
        return None
    if value.year is None:
        return value.text
    return f"{value.day or 0:02d}/{value.month or 0:02d}/{value.year:04d}"


def from_dob(raw: str | None) -> BirthDate | None:
    text = (raw or "").strip()
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text)
    if not text or text == "00/00/0000":
        return None
    if not match:
        return BirthDate(text=text)
    day, month, year = (int(g) for g in match.groups())
    parts = [f"{year:04d}"] + ([f"{month:02d}"] if month else []) + ([f"{day:02d}"] if month and day else [])
    return BirthDate(
        text="-".join(parts), year=year, month=month or None, day=(day or None) if month else None
    )


# --- addresses -------------------------------------------------------------------------------------
def to_address(address: Address | GoldenAddress) -> dict[str, Any]:
    lines = list(address.lines)
    if len(lines) > 4:
        lines = [*lines[:3], ", ".join(lines[3:])]
    native: dict[str, Any] = {f"Line{i + 1}": line for i, line in enumerate(lines)}
    native.update({"Town": address.town, "Postcode": address.postcode})
    return {k: native.get(k) for k in ADDRESS_FIELDS}


def address_parts(native: Mapping[str, Any] | None) -> tuple[list[str], str | None, str | None]:
    if not native:
        return [], None, None
    lines = [str(native[f"Line{i}"]) for i in range(1, 5) if native.get(f"Line{i}")]
    return lines, native.get("Town") or None, native.get("Postcode") or None


# --- the seed: contract -> native -------------------------------------------------------------------
def to_person(record: PersonRecord, role: str) -> dict[str, Any]:
    ids = {i.scheme: i.value for i in record.identifiers}
    home = next((a for a in record.addresses if a.kind != "correspondence" and not a.valid_to), None)
    corr = next((a for a in record.addresses if a.kind == "correspondence" and not a.valid_to), None)
    birth = next((n.family for n in record.other_names if n.kind in ("birth", "previous") and n.family), None)
    return {
        "PersonRef": record.source_record_id,
        "Role": role,
        "Title": record.name.title,
        "Forenames": " ".join(p for p in (record.name.given, record.name.middle) if p) or None,
        "Surname": record.name.family,
        "PreviousSurname": birth,
        "DateOfBirth": to_dob(record.date_of_birth),
        "NINO": ids.get("nino"),
        "NHSNumber": ids.get("nhs"),
        "Address": to_address(home) if home else None,
        "Uprn": (home.uprn if home else None) or ids.get("uprn"),
        "CorrespondenceAddress": to_address(corr) if corr else None,
        "Phone": record.phones[0] if record.phones else None,
        "Email": record.emails[0] if record.emails else None,
        "Deceased": record.deceased,
        "LastChanged": _utc(record.updated_at or datetime.now(UTC)),
        "UpdatedBy": "SEED",
    }


def to_claim_event(event: ServiceEvent) -> dict[str, Any]:
    detail = dict(event.attributes)
    status = detail.pop("status", None)
    code = EVENT_TYPES.get(event.kind)
    if code is None:
        code, detail["kind"] = "OTHER", event.kind
    return {
        "EventRef": event.service_event_id,
        "PersonRef": event.source_record_id,
        "EventType": code,
        "Status": status,
        "Description": event.summary,
        "EventDate": _utc(event.at),
        "Detail": ";".join(f"{k}={v}" for k, v in sorted(detail.items())) or None,
    }


# --- the adaptor: native -> contract ----------------------------------------------------------------
def from_person(person: Mapping[str, Any], claim_ref: str) -> tuple[PersonRecord, list[Report]]:
    ref = str(person.get("PersonRef") or "")
    if not ref:
        raise RecordRejected(claim_ref, "person.ref: a claim party without a PersonRef")
    if not person.get("Surname"):
        raise RecordRejected(f"{claim_ref}/{ref}", "name.family: surname is empty")
    forenames = str(person.get("Forenames") or "").split()
    identifiers = [Identifier(scheme="benefit_claim", value=claim_ref)]
    for scheme, key in (("nino", "NINO"), ("nhs", "NHSNumber"), ("uprn", "Uprn")):
        if person.get(key):
            identifiers.append(Identifier(scheme=scheme, value=str(person[key])))
    addresses = []
    for native, kind in (
        (person.get("CorrespondenceAddress"), "correspondence"),
        (person.get("Address"), "residential"),
    ):
        lines, town, postcode = address_parts(native)
        if lines or town:
            uprn = str(person["Uprn"]) if kind == "residential" and person.get("Uprn") else None
            addresses.append(Address(lines=lines, town=town, postcode=postcode, uprn=uprn, kind=kind))
    previous = person.get("PreviousSurname")
    record = PersonRecord(
        source_system=SYSTEM,
        source_record_id=ref,
        name=PersonName(
            title=person.get("Title") or None,
            given=forenames[0] if forenames else None,
            middle=" ".join(forenames[1:]) or None,
            family=str(person["Surname"]),
        ),
        other_names=[PersonName(given=forenames[0] if forenames else None, family=previous, kind="birth")]
        if previous
        else [],
        date_of_birth=from_dob(person.get("DateOfBirth")),
        identifiers=identifiers,
        addresses=addresses,
        phones=[str(person["Phone"])] if person.get("Phone") else [],
        emails=[str(person["Email"])] if person.get("Email") else [],
        deceased=bool(person.get("Deceased")),
        updated_at=_utc(person["LastChanged"]),
    )
    where = f"{claim_ref}/{ref}"
    return record, [Report(where, f"{i.field}: {i.rule}", "warning") for i in record.data_quality_issues()]


def from_claim_event(event: Mapping[str, Any], claim_ref: str) -> ServiceEvent:
    ref = str(event.get("EventRef") or "")
    if not ref or not event.get("PersonRef") or event.get("EventDate") is None:
        raise RecordRejected(f"{claim_ref}/{ref or '?'}", "claim event without a reference, person or date")
    detail = dict(p.split("=", 1) for p in str(event.get("Detail") or "").split(";") if "=" in p)
    kind = EVENT_KINDS.get(str(event.get("EventType"))) or detail.get("kind", "other")
    detail.pop("kind", None)
    if event.get("Status"):
        detail["status"] = str(event["Status"])
    return ServiceEvent(
        source_system=SYSTEM,
        source_record_id=str(event["PersonRef"]),
        service_event_id=ref,
        service=SYSTEM,
        kind=kind,
        at=_utc(event["EventDate"]),
        summary=str(event.get("Description") or kind.replace("_", " "))[:500],
        reference=claim_ref,
        attributes=detail,
    )


def claim_refs(records: Sequence[PersonRecord]) -> dict[str, str]:
    """source_record_id -> claim reference (the ``benefit_claim`` identifier, else the record's own id)."""
    return {
        r.source_record_id: next(
            (i.value for i in r.identifiers if i.scheme == "benefit_claim"), r.source_record_id
        )
        for r in records
    }
