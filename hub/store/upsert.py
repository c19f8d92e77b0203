"""Dialect-aware INSERT ... ON CONFLICT, for the two backings (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: Any, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """Insert rows, skipping those that collide on the unique ``keys``."""
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(model).on_conflict_do_nothing(index_elements=list(keys)), list(rows))


def upsert(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], keys: Sequence[str], update: Sequence[str]
) -> None:
    """Insert rows, or update the ``update`` columns of those that collide on ``keys``."""
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={c: getattr(statement.excluded, c) for c in update}
    )
    session.execute(statement, list(rows))
