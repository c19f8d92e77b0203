"""Every council tax quirk in one place: native rows <-> contract records.

``to_*`` functions turn contract records into native rows (the reference system's seed); ``from_*``
functions turn native rows into contract events (the adaptor). Problems found while mapping are returned
as reports; a row is rejected only when nothing sensible can be published.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from adaptors.runtime.ports import RecordRejected, Report
from contracts import (
    Address,
    BirthDate,
    GoldenAddress,
    Identifier,
    PersonName,
    PersonRecord,
    ServiceEvent,
    SourceRecordDeleted,
)

SYSTEM = "council_tax"
SERVICE = "council_tax"
WRITEBACK_USER = "CITHUB"

TXN_CODES = {
    "bill_issued": "BILL",
    "payment_missed": "MISS",
    "payment_received": "PAYM",
    "reminder_sent": "REMD",
    "discount_applied": "DISC",
    "exemption_applied": "EXEM",
}
TXN_KINDS = {code: kind for kind, code in TXN_CODES.items()}


# --- names ---------------------------------------------------------------------------------------
def to_party_name(name: PersonName) -> str:
    """``SMITH, MARGARET ANN``."""
    forenames = " ".join(p for p in (name.given, name.middle) if p)
    return f"{(name.family or '').upper()}, {forenames.upper()}".strip(" ,")[:80]


def _cap(word: str) -> str:
    return "-".join("'".join(p.capitalize() for p in part.split("'")) for part in word.split("-"))


def nice(text: str | None) -> str | None:
    """Upper-case legacy text in title case (``O'BRIEN-SMITH`` -> ``O'Brien-Smith``)."""
    if not text or not text.strip():
        return None
    return " ".join(_cap(w) for w in text.split())


def from_party_name(raw: str, title: str | None) -> PersonName:
    if "," not in raw:
        raise ValueError("name.shape: not 'SURNAME, FORENAMES'")
    family, _, forenames = raw.partition(",")
    parts = forenames.split()
    if not family.strip():
        raise ValueError("name.family: surname is empty")
    return PersonName(
        title=nice(title),
        family=nice(family),
        given=nice(parts[0]) if parts else None,
        middle=nice(" ".join(parts[1:])) if len(parts) > 1 else None,
    )


# --- dates ---------------------------------------------------------------------------------------
def to_char8(value: BirthDate | date | None) -> str | None:
    """CHAR(8) ``YYYYMMDD``; ``00`` for an unknown month or day; an impossible date kept as given."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if value.year is None:
        digits = re.sub(r"\D", "", value.text)
        return digits[:8] or None
    return f"{value.year:04d}{value.month or 0:02d}{value.day or 0:02d}"


def from_char8_dob(raw: str | None) -> BirthDate | None:
    text = (raw or "").strip()
    if not text or text == "00000000":
        return None
    if not re.fullmatch(r"\d{8}", text):
        return BirthDate(text=text)  # kept, flagged invalid by the contract
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    parts = [f"{year:04d}"] + ([f"{month:02d}"] if month else []) + ([f"{day:02d}"] if month and day else [])
    return BirthDate(
        text="-".join(parts), year=year, month=month or None, day=(day or None) if month else None
    )


def from_char8_date(raw: str | None) -> date | None:
    try:
        return datetime.strptime((raw or "").strip(), "%Y%m%d").date()
    except ValueError:
        return None


# --- addresses -----------------------------------------------------------------------------------
def to_lines(lines: Sequence[str], town: str | None) -> list[str | None]:
    """Five upper-case lines: the street lines, then the town; extra lines are joined into the fourth."""
    body = [line.upper() for line in lines if line]
    if len(body) > 4:
        body = [*body[:3], ", ".join(body[3:])]
    if town:
        body.append(town.upper())
    padded: list[str | None] = [line[:40] for line in body[:5]]
    return padded + [None] * (5 - len(padded))


def to_postcode(postcode: str | None) -> str | None:
    return "".join(postcode.split()).upper()[:8] if postcode else None


def from_lines(
    row: Mapping[Any, Any], prefix: str, postcode_col: str
) -> tuple[list[str], str | None, str | None]:
    lines = [str(row[f"{prefix}{i}"]).strip() for i in range(1, 6) if row[f"{prefix}{i}"]]
    lines = [nice(line) or "" for line in lines if line]
    town = lines.pop() if len(lines) > 1 else None
    return lines, town, row[postcode_col] or None


def address_rows(address: GoldenAddress | Address, prefix: str, postcode_col: str) -> dict[str, Any]:
    lines = to_lines(address.lines, address.town)
    row: dict[str, Any] = {f"{prefix}{i + 1}": line for i, line in enumerate(lines)}
    row[postcode_col] = to_postcode(address.postcode)
    return row


# --- the seed: contract -> native -------------------------------------------------------------------
def derived_ref(prefix: str, *parts: str | None) -> str:
    return prefix + hashlib.sha1("|".join(p or "" for p in parts).encode()).hexdigest()[:10].upper()


def to_native(record: PersonRecord) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(property row, account row, party row) for one liable party; PARTY_SEQ is set by the caller."""
    ids = {i.scheme: i.value for i in record.identifiers}
    home = next(
        (a for a in record.addresses if a.kind in ("residential", "property") and not a.valid_to), None
    )
    home = home or (record.addresses[0] if record.addresses else Address())
    corr = next((a for a in record.addresses if a.kind == "correspondence" and not a.valid_to), None)
    uprn = ids.get("uprn") or home.uprn
    prop_ref = "P" + uprn if uprn else derived_ref("P", *home.lines, home.postcode)
    account_ref = ids.get("council_tax_account") or derived_ref("CT", record.source_record_id)
    prop = {"PROP_REF": prop_ref[:14], "UPRN": uprn, "BAND": "C", **address_rows(home, "ADDR", "POSTCODE")}
    acct = {"ACCOUNT_REF": account_ref, "PROP_REF": prop["PROP_REF"], "START_DATE": to_char8(home.valid_from)}
    updated = (record.updated_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    party: dict[str, Any] = {
        "PARTY_REF": record.source_record_id,
        "ACCOUNT_REF": account_ref,
        "TITLE": (record.name.title or "").upper() or None,
        "PARTY_NAME": to_party_name(record.name),
        "DOB": to_char8(record.date_of_birth),
        "NINO": ids.get("nino"),
        "PHONE": record.phones[0][:20] if record.phones else None,
        "EMAIL": record.emails[0][:80] if record.emails else None,
        "DECEASED": "Y" if record.deceased else "N",
        "LAST_UPDATED": updated.replace(microsecond=0),
        "UPDATED_BY": "SEED",
        **{f"CORR_ADDR{i}": None for i in range(1, 6)},
        "CORR_POSTCODE": None,
    }
    if corr is not None:
        party.update(address_rows(corr, "CORR_ADDR", "CORR_POSTCODE"))
    return prop, acct, party


def to_transaction(event: ServiceEvent, account_ref: str) -> dict[str, Any]:
    at = event.at.astimezone(UTC)
    attrs = dict(event.attributes)
    amount = attrs.pop("amount", None)
    pence = round(float(amount) * 100) if amount and re.fullmatch(r"-?\d+(\.\d+)?", amount) else None
    if amount and pence is None:
        attrs["amount"] = amount
    code = TXN_CODES.get(event.kind)
    if code is None:
        code, attrs["kind"] = "OTHR", event.kind
    return {
        "TXN_REF": event.service_event_id,
        "ACCOUNT_REF": account_ref,
        "PARTY_REF": event.source_record_id,
        "TXN_TYPE": code,
        "TXN_DATE": at.strftime("%Y%m%d"),
        "TXN_TIME": at.strftime("%H%M%S"),
        "AMOUNT_PENCE": pence,
        "TXN_TEXT": event.summary[:200],
        "TXN_NOTES": "|".join(f"{k}={v}" for k, v in sorted(attrs.items()))[:500] or None,
        "LAST_UPDATED": at.replace(tzinfo=None, microsecond=0),
    }


# --- the adaptor: native -> contract ----------------------------------------------------------------
def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def from_party(row: Mapping[Any, Any]) -> tuple[PersonRecord, list[Report]]:
    """One liable party (joined with its account and property) as a PersonRecord, and its warnings."""
    ref = str(row["PARTY_REF"])
    try:
        name = from_party_name(str(row["PARTY_NAME"] or ""), row["TITLE"])
    except ValueError as error:
        raise RecordRejected(ref, str(error)) from error
    identifiers = [Identifier(scheme="council_tax_account", value=str(row["ACCOUNT_REF"]))]
    if row["UPRN"]:
        identifiers.append(Identifier(scheme="uprn", value=str(row["UPRN"])))
    if row["NINO"]:
        identifiers.append(Identifier(scheme="nino", value=str(row["NINO"])))
    addresses: list[Address] = []
    corr_lines, corr_town, corr_pc = from_lines(row, "CORR_ADDR", "CORR_POSTCODE")
    if corr_lines or corr_town:
        addresses.append(Address(lines=corr_lines, town=corr_town, postcode=corr_pc, kind="correspondence"))
    lines, town, postcode = from_lines(row, "ADDR", "POSTCODE")
    addresses.append(
        Address(
            lines=lines,
            town=town,
            postcode=postcode,
            uprn=row["UPRN"] or None,
            valid_from=from_char8_date(row["START_DATE"]),
            valid_to=from_char8_date(row["END_DATE"]),
            kind="property",  # the property the party is liable for (not always where they live)
        )
    )
    record = PersonRecord(
        source_system=SYSTEM,
        source_record_id=ref,
        name=name,
        date_of_birth=from_char8_dob(row["DOB"]),
        identifiers=identifiers,
        addresses=addresses,
        phones=[str(row["PHONE"])] if row["PHONE"] else [],
        emails=[str(row["EMAIL"])] if row["EMAIL"] else [],
        deceased=row["DECEASED"] == "Y",
        updated_at=_utc(row["LAST_UPDATED"]),
    )
    warnings = [Report(ref, f"{i.field}: {i.rule}", "warning") for i in record.data_quality_issues()]
    return record, warnings


def from_transaction(row: Mapping[Any, Any]) -> ServiceEvent:
    ref = str(row["TXN_REF"])
    try:
        at = datetime.strptime(f"{row['TXN_DATE']}{row['TXN_TIME'] or '000000'}", "%Y%m%d%H%M%S")
    except ValueError as error:
        raise RecordRejected(ref, "txn_date: not a YYYYMMDD date") from error
    attrs = dict(p.split("=", 1) for p in (row["TXN_NOTES"] or "").split("|") if "=" in p)
    kind = TXN_KINDS.get(str(row["TXN_TYPE"])) or attrs.pop("kind", "other")
    attrs.pop("kind", None)
    if row["AMOUNT_PENCE"] is not None:
        attrs["amount"] = f"{int(row['AMOUNT_PENCE']) / 100:.2f}"
    return ServiceEvent(
        source_system=SYSTEM,
        source_record_id=str(row["PARTY_REF"]),
        service_event_id=ref,
        service=SERVICE,
        kind=kind,
        at=at.replace(tzinfo=UTC),
        summary=str(row["TXN_TEXT"] or kind.replace("_", " ")),
        reference=str(row["ACCOUNT_REF"]),
        attributes=attrs,
    )


def from_deletion(row: Mapping[Any, Any]) -> SourceRecordDeleted:
    return SourceRecordDeleted(
        source_system=SYSTEM, source_record_id=str(row["PARTY_REF"]), reason="removed from council tax"
    )
