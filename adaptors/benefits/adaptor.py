"""The benefits adaptor: pages through GetChangedClaims, and writes addresses back over SOAP.

The checkpoint is ``(since, claims already seen at exactly since, page)``. ``since`` is inclusive: the
next call asks from the newest ``LastChanged`` seen, so claims sharing that instant are not skipped, and
the ones already published are filtered out. A claim that changes while we page moves to a later
``LastChanged`` and is read again, so no claim is lost by pages shifting under us. ``page`` only grows
when a whole page is already seen (many claims changed in one instant).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from zeep.exceptions import Fault
from zeep.helpers import serialize_object

from adaptors.benefits import mapping
from adaptors.benefits.client import BenefitsClient
from adaptors.runtime.ports import (
    Batch,
    Checkpoint,
    RecordRejected,
    Report,
    WriteOutcome,
    address_key,
    golden_key,
)
from contracts import GoldenAddress, make_event


def _items(wrapper: Any, key: str) -> list[Any]:
    """zeep wraps arrays: ``{"Person": [...]}``; None when empty."""
    if not wrapper:
        return []
    inner = wrapper.get(key) if isinstance(wrapper, Mapping) else wrapper
    return list(inner or [])


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class BenefitsAdaptor:
    """A ``SourceAdaptor`` over the benefits SOAP service."""

    system = mapping.SYSTEM

    def __init__(self, client: BenefitsClient) -> None:
        self.client = client

    async def fetch(self, checkpoint: Checkpoint | None) -> Batch:
        checkpoint = dict(checkpoint or {})
        since = datetime.fromisoformat(checkpoint["since"]) if checkpoint.get("since") else None
        seen = set(checkpoint.get("seen", []))
        page = int(checkpoint.get("page", 1))
        reply = serialize_object(await self.client.call("GetChangedClaims", since, page), dict)  # type: ignore[no-untyped-call]
        claims = _items(reply.get("Claims"), "Claim")
        more = bool(reply.get("MorePages"))
        fresh = [c for c in claims if not (_utc(c["LastChanged"]) == since and c["ClaimRef"] in seen)]
        if not fresh:
            next_page = page + 1 if more else page
            return Batch([], {**checkpoint, "page": next_page}, more=more)
        events: list[Any] = []
        reports: list[Report] = []
        for claim in fresh:
            self._map_claim(claim, events, reports)
        newest = max(_utc(c["LastChanged"]) for c in claims)
        at_newest = {c["ClaimRef"] for c in claims if _utc(c["LastChanged"]) == newest}
        if newest == since:
            at_newest |= seen
        return Batch(
            events=events,
            checkpoint={
                "since": newest.isoformat(),
                "seen": sorted(at_newest),
                "page": page if newest == since else 1,
            },
            reports=reports,
            more=True,  # ask again at once: the next call returns nothing new when we are up to date
        )

    @staticmethod
    def _map_claim(claim: Mapping[str, Any], events: list[Any], reports: list[Report]) -> None:
        claim_ref = str(claim.get("ClaimRef") or "?")
        for person in _items(claim.get("People"), "Person"):
            try:
                record, warnings = mapping.from_person(person, claim_ref)
            except RecordRejected as error:
                reports.append(Report(error.reference, error.reason, location="GetChangedClaims"))
                continue
            except ValueError as error:
                where = f"{claim_ref}/{person.get('PersonRef')}"
                reports.append(
                    Report(where, f"unreadable person: {type(error).__name__}", location="GetChangedClaims")
                )
                continue
            reports.extend(warnings)
            assert record.updated_at is not None
            events.append(make_event(record, record.updated_at))
        for item in _items(claim.get("History"), "ClaimEvent"):
            try:
                event = mapping.from_claim_event(item, claim_ref)
            except (RecordRejected, ValueError) as error:
                where = getattr(error, "reference", f"{claim_ref}/{item.get('EventRef')}")
                reports.append(
                    Report(where, getattr(error, "reason", type(error).__name__), location="History")
                )
                continue
            events.append(make_event(event, event.at))


class BenefitsWriter:
    """Tell us once for benefits: the ``UpdateCorrespondenceAddress`` SOAP operation."""

    system = mapping.SYSTEM

    def __init__(self, client: BenefitsClient) -> None:
        self.client = client

    async def write_address(
        self, source_record_id: str, address: GoldenAddress, event_id: str
    ) -> WriteOutcome:
        try:
            person = serialize_object(await self.client.call("GetPerson", source_record_id), dict)  # type: ignore[no-untyped-call]
        except Fault as error:
            raise RecordRejected(source_record_id, f"benefits refused: {error.code}") from error
        current = person.get("CorrespondenceAddress") or person.get("Address")
        if address_key(*mapping.address_parts(current)) == golden_key(address):
            return "unchanged"
        try:
            outcome = await self.client.call(
                "UpdateCorrespondenceAddress", source_record_id, mapping.to_address(address), "CITHUB"
            )
        except Fault as error:
            raise RecordRejected(source_record_id, f"benefits refused: {error.code}") from error
        return "unchanged" if outcome == "UNCHANGED" else "written"
