"""The reference benefits system's data: claims held in memory, optionally saved to a JSON file.

Thread-safe (the SOAP server answers from several threads). ``LastChanged`` on a claim is the newest of
its people's and events' changes; ``GetChangedClaims`` follows it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adaptors.benefits import mapping
from contracts import GoldenAddress, PersonRecord, ServiceEvent
from contracts.rules import address_key

PAGE_SIZE = 50


def _now() -> datetime:
    return datetime.now(UTC)


class BenefitsStore:
    """Claims by reference; every change bumps ``LastChanged``."""

    def __init__(self, path: Path | None = None, page_size: int = PAGE_SIZE) -> None:
        self.path = path
        self.page_size = page_size
        self.claims: dict[str, dict[str, Any]] = {}
        self.lock = threading.RLock()
        self.delay_s = 0.0
        """Seconds each call waits first (tests of timeouts)."""
        self.fault: str | None = None
        """When set, every call raises a SOAP Server fault with this text (tests of faults)."""
        if path is not None and path.exists():
            self.claims = json.loads(path.read_text(), object_hook=_decode)

    def save(self) -> None:
        if self.path is not None:
            with self.lock:
                text = json.dumps(self.claims, default=_encode, indent=1)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(text)
            os.replace(temporary, self.path)

    def seed(self, records: Iterable[PersonRecord], events: Iterable[ServiceEvent] = ()) -> int:
        records = list(records)
        claim_of = mapping.claim_refs(records)
        roles: dict[str, str] = {}
        for event in events:
            if event.attributes.get("role"):
                roles[event.source_record_id] = event.attributes["role"]
        events = list(events)
        with self.lock:
            for record in records:
                ref = claim_of[record.source_record_id]
                claim = self.claims.setdefault(ref, _new_claim(ref))
                role = roles.get(record.source_record_id) or (
                    "claimant" if not claim["People"] else "partner"
                )
                claim["People"].append(mapping.to_person(record, role.upper()))
            for event in events:
                claim_ref = claim_of.get(event.source_record_id)
                if claim_ref is not None:
                    self.claims[claim_ref]["History"].append(mapping.to_claim_event(event))
            for claim in self.claims.values():
                _refresh(claim)
        self.save()
        return len(records)

    def changed_claims(self, since: datetime | None, page: int) -> tuple[list[dict[str, Any]], bool]:
        """Claims changed at or after ``since`` (oldest first, then by reference), one page of them."""
        with self.lock:
            chosen = sorted(
                (c for c in self.claims.values() if since is None or c["LastChanged"] >= since),
                key=lambda c: (c["LastChanged"], c["ClaimRef"]),
            )
            start = (max(page, 1) - 1) * self.page_size
            return [
                json.loads(json.dumps(c, default=_encode), object_hook=_decode)
                for c in chosen[start : start + self.page_size]
            ], len(chosen) > start + self.page_size

    def person(self, person_ref: str) -> dict[str, Any] | None:
        with self.lock:
            for claim in self.claims.values():
                for person in claim["People"]:
                    if person["PersonRef"] == person_ref:
                        return dict(person)
        return None

    def update_correspondence_address(self, person_ref: str, address: dict[str, Any], by: str) -> str:
        """``UPDATED``, ``UNCHANGED`` or ``UNKNOWN``; an unchanged address is not touched."""
        with self.lock:
            for claim in self.claims.values():
                for person in claim["People"]:
                    if person["PersonRef"] != person_ref:
                        continue
                    current = person.get("CorrespondenceAddress") or person.get("Address")
                    if address_key(*mapping.address_parts(current)) == address_key(
                        *mapping.address_parts(address)
                    ):
                        return "UNCHANGED"
                    person["CorrespondenceAddress"] = {k: address.get(k) for k in mapping.ADDRESS_FIELDS}
                    person["LastChanged"], person["UpdatedBy"] = _now(), by
                    _refresh(claim)
                    break
                else:
                    continue
                break
            else:
                return "UNKNOWN"
        self.save()
        return "UPDATED"

    def change_address(self, person_ref: str, address: GoldenAddress) -> None:
        """What a benefits officer does when a claimant reports a move (demos)."""
        with self.lock:
            for claim in self.claims.values():
                for person in claim["People"]:
                    if person["PersonRef"] == person_ref:
                        person["Address"] = mapping.to_address(address)
                        person["CorrespondenceAddress"] = None
                        person["LastChanged"], person["UpdatedBy"] = _now(), "BENOFF"
                        _refresh(claim)
                        self.save()
                        return
        raise KeyError(person_ref)

    def put_claim(self, claim: dict[str, Any]) -> None:
        """Store a claim exactly as given (tests of malformed data)."""
        with self.lock:
            self.claims[claim["ClaimRef"]] = claim
            _refresh(claim)


def _new_claim(ref: str) -> dict[str, Any]:
    return {"ClaimRef": ref, "BenefitType": None, "Status": "LIVE", "People": [], "History": []}


def _refresh(claim: dict[str, Any]) -> None:
    stamps = [p["LastChanged"] for p in claim["People"]] + [e["EventDate"] for e in claim["History"]]
    claim["LastChanged"] = max(stamps, default=_now())
    statuses = [e for e in claim["History"] if e.get("Status")]
    if statuses:
        claim["Status"] = max(statuses, key=lambda e: e["EventDate"])["Status"].upper()
    benefit = next((e["Detail"] for e in claim["History"] if "benefit=" in (e.get("Detail") or "")), None)
    if benefit and not claim.get("BenefitType"):
        claim["BenefitType"] = benefit.split("benefit=")[1].split(";")[0].upper()


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(value: dict[str, Any]) -> Any:
    return datetime.fromisoformat(value["$dt"]) if set(value) == {"$dt"} else value
