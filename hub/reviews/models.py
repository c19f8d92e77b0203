"""Agents' reports of a wrong match: the note stays internal (supervisors only) and points at a review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.store.models import Base, BigId


class WrongMatchReport(Base):
    __tablename__ = "wrong_match_reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(BigId, index=True)
    citizen_id: Mapped[str] = mapped_column(String(32), index=True)
    source_key: Mapped[str] = mapped_column(String(200))
    """The record the agent believes is not this person."""
    reported_by: Mapped[str] = mapped_column(String(150))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
