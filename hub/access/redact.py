"""Applying the rules to what leaves the hub: records from systems a caller may not see are dropped, and
a protected person's address and contact details are withheld ("withheld - ask ...")."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from contracts.api import CitizenView, SearchHit, ServiceEventView, SourceRecordView
from hub.access.policy import Access

WITHHELD = "withheld"
LOCATION_FIELDS = ("address", "phone", "email", "uprn")
"""Golden fields that say where a protected person lives or how to reach them."""
_HIT_FIELDS = frozenset({"given_name", "family_name", "date_of_birth", "address"})
"""The golden fields a search result shows."""
_PAYLOAD_FLAG = '"protected_address":true'


def payload_protected(payload: str | None) -> bool:
    """Whether a stored PersonRecord payload carries the protected-address flag."""
    return bool(payload) and _PAYLOAD_FLAG in (payload or "").replace(" ", "")


def view_protected(view: CitizenView) -> bool:
    return any(
        r.record is not None and r.record.get("protected_address") and not r.deleted
        for r in view.source_records
    )


def _withheld(ask: str) -> dict[str, Any]:
    return {"withheld": True, "value": None, "ask": ask}


def _source(key: str) -> str:
    return key.partition("/")[0]


def _as_visible(option: dict[str, Any], access: Access) -> dict[str, Any] | None:
    """The option as this caller may see it: from its own source, or credited to another visible system
    that holds the very same value; ``None`` when only hidden systems hold it."""
    if access.sees(str(option.get("source_system", ""))):
        return option
    for system in option.get("held_by") or []:
        if access.sees(str(system)):
            return {**option, "source_system": system, "source_record_id": None, "updated_at": None}
    return None


def filter_golden(
    golden: dict[str, Any], access: Access, protected: bool, only: Collection[str] | None = None
) -> dict[str, Any]:
    """Each field from a system the caller may see (the next visible alternative when the chosen one is
    not), and location fields withheld for a protected person unless the caller may see them. ``only``
    names the fields wanted (None: all)."""
    fields: dict[str, Any] = {}
    alternatives: dict[str, list[Any]] = {}
    hide_location = protected and not access.protected_visible
    for name, chosen in (golden.get("fields") or {}).items():
        if only is not None and name not in only:
            continue
        options = [chosen, *(golden.get("alternatives") or {}).get(name, [])]
        visible = [v for v in (_as_visible(o, access) for o in options) if v is not None]
        if hide_location and name in LOCATION_FIELDS:
            if visible:
                fields[name] = _withheld(access.ask)
            continue
        if visible:
            fields[name] = visible[0]
            if len(visible) > 1:
                alternatives[name] = visible[1:]
    result: dict[str, Any] = {"fields": fields, "alternatives": alternatives}
    result["access"] = {
        "line": access.line,
        "purpose": access.purpose,
        "protected_address": protected,
        "withheld": sorted(LOCATION_FIELDS) if hide_location else [],
        "ask": access.ask if hide_location else None,
    }
    return result


def redact_record(record: dict[str, Any] | None, ask: str) -> dict[str, Any] | None:
    """A PersonRecord (as JSON) with addresses, phones, e-mails and property references withheld."""
    if record is None:
        return None
    copy = dict(record)
    copy["addresses"] = [_withheld(ask)] if record.get("addresses") else []
    copy["phones"] = [WITHHELD] if record.get("phones") else []
    copy["emails"] = [WITHHELD] if record.get("emails") else []
    copy["identifiers"] = [i for i in record.get("identifiers", []) if i.get("scheme") != "uprn"]
    return copy


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "[withheld]").replace(secret.upper(), "[withheld]")
    return text


def location_strings(view: CitizenView) -> set[str]:
    """Every address line, town, postcode, UPRN, phone and e-mail in a citizen's records."""
    found: set[str] = set()
    for r in view.source_records:
        record = r.record or {}
        for address in record.get("addresses", []):
            found.update(str(x) for x in address.get("lines", []) if x)
            for key in ("postcode", "uprn"):
                if address.get(key):
                    found.add(str(address[key]))
                    found.add(str(address[key]).replace(" ", ""))
        found.update(str(p) for p in record.get("phones", []))
        found.update(str(e) for e in record.get("emails", []))
        found.update(str(i["value"]) for i in record.get("identifiers", []) if i.get("scheme") == "uprn")
    return found


def _event(event: ServiceEventView, secrets: set[str]) -> ServiceEventView:
    return event.model_copy(
        update={
            "summary": _scrub(event.summary, secrets),
            "attributes": {k: _scrub(v, secrets) for k, v in event.attributes.items()},
        }
    )


def _link_detail(detail: dict[str, Any] | None, access: Access) -> dict[str, Any] | None:
    if detail is None:
        return None
    copy = dict(detail)
    partner = str(copy.get("with", ""))
    if partner and not access.sees(_source(partner)):
        copy["with"] = "a record from a service you cannot see"
    return copy


def citizen_for(view: CitizenView, access: Access) -> CitizenView | None:
    """The citizen as ``access`` may see it; None when no record of theirs is visible at all."""
    protected = view_protected(view)
    hide = protected and not access.protected_visible
    records = [r for r in view.source_records if access.sees(r.source_system)]
    if not records:
        return None
    secrets = location_strings(view) if hide else set()
    shown: list[SourceRecordView] = []
    for r in records:
        update: dict[str, Any] = {"link_detail": _link_detail(r.link_detail, access)}
        if hide:
            update["record"] = redact_record(r.record, access.ask)
        shown.append(r.model_copy(update=update))
    events = [_event(e, secrets) if hide else e for e in view.service_events if access.sees(e.source_system)]
    return view.model_copy(
        update={
            "golden": filter_golden(view.golden, access, protected),
            "source_records": shown,
            "service_events": events,
        }
    )


def source_record_for(view: SourceRecordView, access: Access, protected: bool) -> SourceRecordView | None:
    if not access.sees(view.source_system):
        return None
    update: dict[str, Any] = {"link_detail": _link_detail(view.link_detail, access)}
    if protected and not access.protected_visible:
        update["record"] = redact_record(view.record, access.ask)
    return view.model_copy(update=update)


def hit_for(hit: SearchHit, golden: dict[str, Any] | None, access: Access, protected: bool) -> SearchHit:
    """A search result showing only visible values, and no postcode for a protected person."""
    fields = filter_golden(golden or {}, access, protected, _HIT_FIELDS)["fields"]

    def value(name: str) -> Any:
        field = fields.get(name) or {}
        return None if field.get("withheld") else field.get("value")

    address = fields.get("address") or {}
    postcode = WITHHELD if address.get("withheld") else (value("address") or {}).get("postcode")
    return hit.model_copy(
        update={
            "given_name": value("given_name"),
            "family_name": value("family_name"),
            "date_of_birth": value("date_of_birth"),
            "postcode": postcode,
        }
    )
