"""SQLAlchemy 2 typed models of the hub store. Every schema change comes with an Alembic migration."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    exists,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement, Label

BigId = BigInteger().with_variant(Integer(), "sqlite")


def Key(length: int) -> String:  # noqa: N802 - a column type, named like one
    """A key column: byte-order comparison on PostgreSQL (``COLLATE "C"``), where the database's
    default (e.g. C.UTF-8) would compare every key through the C library's locale code. Keys are joined
    to each other, so every key column uses it (an index only serves comparisons in its own collation).
    The order is the same as the default's for these ASCII keys."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


PROTECTED_PAYLOAD = '%"protected_address":true%'
"""LIKE pattern of a source record whose person has a protected address (payloads are compact JSON)."""


def protected_payload(payload: ColumnElement[Any]) -> ColumnElement[bool]:
    """``payload LIKE '%"protected_address":true%'`` with the pattern written into the SQL, not bound: only
    then can PostgreSQL and SQLite see that a query's condition is the partial index's own
    (ix_source_records_protected) and read that index instead of every candidate's payload."""
    return payload.like(literal_column("'" + PROTECTED_PAYLOAD + "'"))


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class SourceRecord(Base):
    """One source system's current view of one person, its standardised features and its citizen."""

    __tablename__ = "source_records"

    source_key: Mapped[str] = mapped_column(Key(200), primary_key=True)
    source_system: Mapped[str] = mapped_column(String(64))
    source_record_id: Mapped[str] = mapped_column(String(128))
    payload: Mapped[str | None] = mapped_column(Text)
    features: Mapped[str | None] = mapped_column(Text)
    blocking: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    event_id: Mapped[str] = mapped_column(Key(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    citizen_id: Mapped[str | None] = mapped_column(Key(32), index=True)
    link_weight: Mapped[float | None] = mapped_column(Float)
    link_summary: Mapped[str | None] = mapped_column(Text)
    link_detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    family_norm: Mapped[str | None] = mapped_column(String(100))
    given_norm: Mapped[str | None] = mapped_column(String(100))
    other_family_norm: Mapped[str | None] = mapped_column(String(100))
    """Another surname the record holds (a birth or previous surname, ``Smith (nee Jones)``): found by it."""
    other_given_norm: Mapped[str | None] = mapped_column(String(100))
    """Another first name the record holds (the name the person goes by: ``Elizabeth (Lisa)``)."""
    birth_date: Mapped[str | None] = mapped_column(String(10))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    postcode: Mapped[str | None] = mapped_column(String(16), index=True)
    postcode_district: Mapped[str | None] = mapped_column(String(8))

    __table_args__ = (
        UniqueConstraint("source_system", "source_record_id", name="uq_source_records_system_id"),
        Index("ix_source_records_family_year", "family_norm", "birth_year"),
        # A search by surname near a district finds that district's holders of the surname alone; a search
        # by the district alone uses the first column.
        Index("ix_source_records_district_family", "postcode_district", "family_norm"),
        # The few records holding another surname, by it: a caller may give the name they were known by.
        Index(
            "ix_source_records_other_family",
            "other_family_norm",
            postgresql_where=literal_column("other_family_norm IS NOT NULL"),
            sqlite_where=literal_column("other_family_norm IS NOT NULL"),
        ),
        # The few records of people with a protected address, by citizen: searches ask which of the
        # citizens they found are protected. Without it PostgreSQL read and matched the payload of every
        # source record (a sequential scan: 18 ms for 400 citizens among 5,000 people).
        Index(
            "ix_source_records_protected",
            "citizen_id",
            postgresql_where=protected_payload(literal_column("payload")),
            sqlite_where=protected_payload(literal_column("payload")),
        ),
    )


def citizen_is_protected(citizen_id: ColumnElement[Any]) -> Label[bool]:
    """Whether the citizen in ``citizen_id`` (a column of the outer statement) has a live record with a
    protected address: an EXISTS that the partial index of protected records answers, labelled
    ``protected``, to ask in the statement that reads the citizens rather than in one of its own."""
    others = cast(Table, SourceRecord.__table__).alias("protected_records").c
    return (
        exists()
        .where(others.citizen_id == citizen_id, others.deleted.is_(False), protected_payload(others.payload))
        .label("protected")
    )


class BlockingKey(Base):
    """Which source records hold which blocking key. Only the primary key is indexed: a record's own
    keys are known from ``source_records.blocking``, so replacing them deletes by (key, source_key)."""

    __tablename__ = "blocking_keys"

    key: Mapped[str] = mapped_column(Key(200), primary_key=True)
    source_key: Mapped[str] = mapped_column(Key(200), primary_key=True)


class BlockingChange(Base):
    """Which blocking keys one transaction changed (a holder added, removed or re-prepared), and that
    transaction's id. A batch that read its candidates before taking the locks re-reads, once locked,
    only the keys that transactions invisible to that first read changed (PostgreSQL only)."""

    __tablename__ = "blocking_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    xid: Mapped[int] = mapped_column(BigInteger, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    keys: Mapped[str] = mapped_column(Text)


class BlockingChangesPruned(Base):
    """One row: every ``blocking_changes`` row deleted so far had ``xid <= through``. A batch whose first
    read may not have seen such a transaction cannot trust the log, and reads everything again."""

    __tablename__ = "blocking_changes_pruned"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    through: Mapped[int] = mapped_column(BigInteger)


class MatchEdge(Base):
    """A scored candidate pair at or above the review threshold (a < b)."""

    __tablename__ = "match_edges"

    a: Mapped[str] = mapped_column(Key(200), primary_key=True)
    b: Mapped[str] = mapped_column(Key(200), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_match_edges_b", "b"),)


class Identifier(Base):
    """Identifiers and service references held by source records (for search and data quality)."""

    __tablename__ = "identifiers"

    source_key: Mapped[str] = mapped_column(Key(200), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128), primary_key=True)
    invalid: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_identifiers_value", "value"),)


class DataQualityIssue(Base):
    __tablename__ = "data_quality_issues"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(Key(200), index=True)
    source_system: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(200))


class Citizen(Base):
    """The golden record. Retired citizens keep their row and redirect to the survivor."""

    __tablename__ = "citizens"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    citizen_id: Mapped[str] = mapped_column(Key(32), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="active")
    retired_into: Mapped[str | None] = mapped_column(Key(32))
    golden: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    postcode: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CitizenHistory(Base):
    """Every change to a citizen: created, changed, merged, split, retired; with the members before."""

    __tablename__ = "citizen_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    citizen_id: Mapped[str] = mapped_column(Key(32), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ServiceEventRow(Base):
    __tablename__ = "service_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(Key(200), index=True)
    source_system: Mapped[str] = mapped_column(String(64))
    service_event_id: Mapped[str] = mapped_column(String(128))
    service: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(128))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("source_system", "service_event_id", name="uq_service_events_ref"),)


class ProcessedEvent(Base):
    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(Key(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ManualDecision(Base):
    """A supervisor's must-link or cannot-link between two source records: a constraint for the engine."""

    __tablename__ = "manual_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    a: Mapped[str] = mapped_column(Key(200), index=True)
    b: Mapped[str] = mapped_column(Key(200), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReviewTask(Base):
    """An uncertain pair waiting for a person."""

    __tablename__ = "review_tasks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    a: Mapped[str] = mapped_column(Key(200))
    b: Mapped[str] = mapped_column(Key(200))
    weight: Mapped[float] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decision: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("a", "b", name="uq_review_tasks_pair"),
        Index("ix_review_tasks_b", "b"),
    )


class OutboxMessage(Base):
    """Outbound events written in the same transaction as the change; a relay publishes them."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class DeadLetter(Base):
    """An event that could not be applied, kept with the reason for a person to see."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str | None] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(200))
    partition: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
