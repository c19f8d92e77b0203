"""The v1 event envelope, inbound and outbound event payloads, topic names and deterministic event ids."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from contracts.person import PersonRecord

SCHEMA_VERSION: Literal["1"] = "1"

TOPIC_SOURCE_RECORDS = "citizen-hub.source-records.v1"
"""Inbound: PersonRecord, SourceRecordDeleted, ServiceEvent; key = source_system/source_record_id."""
TOPIC_CITIZEN_CHANGES = "citizen-hub.citizen-changes.v1"
"""Outbound: CitizenChanged, CitizensMerged, CitizenSplit; key = citizen id."""
TOPIC_DEAD_LETTER = "citizen-hub.dead-letter.v1"
"""Messages that could not be applied, with the reason."""

WEB_CHANNEL = "web_channel"
"""Source system of what residents report themselves on the council website (the hub's web channel)."""

_EVENT_NAMESPACE = uuid.UUID("5b0c6f0e-3c1d-4d3e-9a53-7f1f4a6c2b10")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SourceRecordDeleted(_Model):
    source_system: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$")
    source_record_id: str = Field(min_length=1, max_length=128)
    reason: str | None = None

    @property
    def source_key(self) -> str:
        return f"{self.source_system}/{self.source_record_id}"


class ServiceEvent(_Model):
    """A fact about a person's dealings with one service, attached to the source record it concerns."""

    source_system: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$")
    source_record_id: str = Field(min_length=1, max_length=128, description="The person record it concerns")
    service_event_id: str = Field(min_length=1, max_length=128, description="The source's own reference")
    service: str = Field(min_length=1, max_length=64, description="e.g. council_tax, benefits, housing")
    kind: str = Field(min_length=1, max_length=64, description="e.g. bill_issued, claim_status_changed")
    at: datetime
    summary: str = Field(max_length=500)
    reference: str | None = Field(default=None, description="Account, claim or tenancy reference")
    attributes: dict[str, str] = Field(default_factory=dict)

    @property
    def source_key(self) -> str:
        return f"{self.source_system}/{self.source_record_id}"


class SourceRef(_Model):
    source_system: str
    source_record_id: str


class GoldenAddress(_Model):
    lines: list[str] = Field(default_factory=list)
    town: str | None = None
    postcode: str | None = None
    country: str = "GB"
    uprn: str | None = None


class CitizenChanged(_Model):
    """A citizen's golden record or membership changed. ``version`` increases with every change."""

    citizen_id: str
    version: int
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: str | None = None
    address: GoldenAddress | None = None
    address_changed: bool = False
    changed_fields: list[str] = Field(default_factory=list)
    source_records: list[SourceRef] = Field(default_factory=list)
    cause: str = Field(description="What caused the change, e.g. a source record update or a merge")
    cause_source_system: str | None = Field(
        default=None, description="The source system whose event caused it (so it is not echoed back)"
    )


class CitizensMerged(_Model):
    survivor_id: str
    retired_ids: list[str]
    version: int
    source_records: list[SourceRef] = Field(default_factory=list)
    reason: str


class CitizenSplit(_Model):
    citizen_id: str
    new_citizen_ids: list[str]
    version: int
    reason: str


PAYLOADS: dict[str, type[BaseModel]] = {
    "PersonRecord": PersonRecord,
    "SourceRecordDeleted": SourceRecordDeleted,
    "ServiceEvent": ServiceEvent,
    "CitizenChanged": CitizenChanged,
    "CitizensMerged": CitizensMerged,
    "CitizenSplit": CitizenSplit,
}
INBOUND_TYPES = ("PersonRecord", "SourceRecordDeleted", "ServiceEvent")
OUTBOUND_TYPES = ("CitizenChanged", "CitizensMerged", "CitizenSplit")


class _EnvelopeBase(_Model):
    event_id: str = Field(
        default="",
        max_length=64,
        description="Deterministic for the same source change; computed from the content when left empty",
    )
    source_system: str = Field(
        default="", max_length=64, description="The sending system; taken from the payload when left empty"
    )
    occurred_at: datetime
    schema_version: Literal["1"] = SCHEMA_VERSION

    @model_validator(mode="after")
    def _fill_identity(self) -> _EnvelopeBase:
        payload = getattr(self, "payload", None)
        if not self.source_system:
            self.source_system = str(getattr(payload, "source_system", "") or "citizen-hub")
        if not self.event_id and isinstance(payload, BaseModel):
            self.event_id = event_id_for(
                type(payload).__name__, self.source_system, self.occurred_at, payload
            )
        return self

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class PersonRecordEvent(_EnvelopeBase):
    type: Literal["PersonRecord"] = "PersonRecord"
    payload: PersonRecord


class SourceRecordDeletedEvent(_EnvelopeBase):
    type: Literal["SourceRecordDeleted"] = "SourceRecordDeleted"
    payload: SourceRecordDeleted


class ServiceEventEvent(_EnvelopeBase):
    type: Literal["ServiceEvent"] = "ServiceEvent"
    payload: ServiceEvent


class CitizenChangedEvent(_EnvelopeBase):
    type: Literal["CitizenChanged"] = "CitizenChanged"
    payload: CitizenChanged


class CitizensMergedEvent(_EnvelopeBase):
    type: Literal["CitizensMerged"] = "CitizensMerged"
    payload: CitizensMerged


class CitizenSplitEvent(_EnvelopeBase):
    type: Literal["CitizenSplit"] = "CitizenSplit"
    payload: CitizenSplit


InboundEvent = Annotated[
    PersonRecordEvent | SourceRecordDeletedEvent | ServiceEventEvent, Field(discriminator="type")
]
OutboundEvent = Annotated[
    CitizenChangedEvent | CitizensMergedEvent | CitizenSplitEvent, Field(discriminator="type")
]
Envelope = Annotated[
    PersonRecordEvent
    | SourceRecordDeletedEvent
    | ServiceEventEvent
    | CitizenChangedEvent
    | CitizensMergedEvent
    | CitizenSplitEvent,
    Field(discriminator="type"),
]

INBOUND_ADAPTER: TypeAdapter[InboundEvent] = TypeAdapter(InboundEvent)
OUTBOUND_ADAPTER: TypeAdapter[OutboundEvent] = TypeAdapter(OutboundEvent)
ENVELOPE_ADAPTER: TypeAdapter[Envelope] = TypeAdapter(Envelope)

_ENVELOPE_CLASSES: dict[str, type[_EnvelopeBase]] = {
    "PersonRecord": PersonRecordEvent,
    "SourceRecordDeleted": SourceRecordDeletedEvent,
    "ServiceEvent": ServiceEventEvent,
    "CitizenChanged": CitizenChangedEvent,
    "CitizensMerged": CitizensMergedEvent,
    "CitizenSplit": CitizenSplitEvent,
}


def canonical_json(data: Any) -> str:
    """Stable JSON text: sorted keys, no spaces. The same content always gives the same text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def _free_form(model: type[BaseModel]) -> bool:
    """Whether a model holds a mapping anywhere (its key order is not content, so it needs sorting)."""
    cached = _FREE_FORM.get(model)
    if cached is not None:
        return cached
    _FREE_FORM[model] = False  # a model that refers to itself
    found = False
    pending: list[Any] = [f.annotation for f in model.model_fields.values()]
    while pending and not found:
        kind = pending.pop()
        if kind is dict or get_origin(kind) is dict:
            found = True
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            found = _free_form(kind)
        else:
            pending.extend(get_args(kind))
    _FREE_FORM[model] = found
    return found


_FREE_FORM: dict[type[BaseModel], bool] = {}


def event_id_for(event_type: str, source_system: str, occurred_at: datetime, payload: BaseModel) -> str:
    """Deterministic id: the same source change (type, system, time, content) always has the same id.

    The content is the payload's JSON in field order (pydantic-core, C speed); a payload holding a
    free-form mapping is written with sorted keys instead, so the order of its entries never matters.
    """
    if _free_form(type(payload)):
        body = canonical_json(payload.model_dump(mode="json")).encode()
    else:
        body = payload.__pydantic_serializer__.to_json(payload)
    when = occurred_at.astimezone(UTC).isoformat() if occurred_at.tzinfo else occurred_at.isoformat()
    head = f"{event_type}|{source_system}|{when}|".encode()
    digest = hashlib.sha256(_EVENT_NAMESPACE.bytes + head + body).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def make_event(payload: BaseModel, occurred_at: datetime, source_system: str | None = None) -> Any:
    """Wrap a payload in its v1 envelope with a deterministic event id."""
    event_type = type(payload).__name__
    envelope_class: Any = _ENVELOPE_CLASSES[event_type]
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=UTC)
    system = source_system or getattr(payload, "source_system", None) or "citizen-hub"
    return envelope_class(
        event_id=event_id_for(event_type, system, occurred_at, payload),
        source_system=system,
        occurred_at=occurred_at,
        payload=payload,
    )


def partition_key(event: Any) -> str:
    """The bus key: one source record's (or one citizen's) events stay in order on one partition."""
    payload = event.payload
    if hasattr(payload, "source_key"):
        return str(payload.source_key)
    if hasattr(payload, "citizen_id"):
        return str(payload.citizen_id)
    return str(payload.survivor_id)
