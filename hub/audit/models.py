"""The audit trail: who looked at or changed which citizens, when, in what role and for what purpose."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.store.models import Base, BigId


class AuditRecord(Base):
    """One audited act: a read of a citizen, a search, a sign-in, a decision, a merge or a split."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(150), index=True)
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    line: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column()


class AuditCitizen(Base):
    """Which citizens an audited act concerned (one row each, so a subject access report is one lookup)."""

    __tablename__ = "audit_citizens"

    audit_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    citizen_id: Mapped[str] = mapped_column(String(32), primary_key=True)

    __table_args__ = (Index("ix_audit_citizens_citizen_id", "citizen_id"),)
