"""The Alembic migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import hub.audit.models  # noqa: F401 - registers the audit tables on Base
import hub.reviews.models  # noqa: F401 - registers wrong-match reports on Base
from hub.store.migrate import upgrade
from hub.store.models import Base

pytestmark = pytest.mark.integration


def differences(url: str) -> list[object]:
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_every_table_is_compared() -> None:
    assert {"audit_records", "wrong_match_reports", "citizens", "source_records"} <= set(Base.metadata.tables)


def test_a_missing_column_would_be_found(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'drifted.sqlite'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE citizens DROP COLUMN postcode")
    engine.dispose()
    assert differences(url) != []


def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    assert differences(f"sqlite:///{tmp_path / 'hub.sqlite'}") == []


def test_migrations_match_the_models_on_postgresql(postgres_url: str) -> None:
    assert differences(postgres_url) == []
