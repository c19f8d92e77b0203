"""Payloads of the hub's HTTP API (v1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class SourceRecordView(BaseModel):
    source_system: str
    source_record_id: str
    citizen_id: str | None
    occurred_at: datetime
    deleted: bool
    record: dict[str, Any] | None = Field(description="The PersonRecord as the source sent it")
    link_weight: float | None = None
    link_explanation: str | None = Field(default=None, description="Why this record belongs to its citizen")
    link_detail: dict[str, Any] | None = None


class ServiceEventView(BaseModel):
    source_system: str
    source_record_id: str
    service_event_id: str
    service: str
    kind: str
    at: datetime
    summary: str
    reference: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)


class CitizenView(BaseModel):
    citizen_id: str
    version: int
    status: str
    retired_into: str | None = None
    golden: dict[str, Any]
    source_records: list[SourceRecordView]
    service_events: list[ServiceEventView]


class SearchHit(BaseModel):
    citizen_id: str
    given_name: str | None
    family_name: str | None
    date_of_birth: str | None
    postcode: str | None
    score: float
    matched_on: list[str] = Field(description="Which search terms this citizen matched, and how")


class SearchPage(BaseModel):
    total: int
    page: int
    page_size: int
    results: list[SearchHit]


class EventsAccepted(BaseModel):
    accepted: int
    event_ids: list[str]


class ProblemDetails(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None
