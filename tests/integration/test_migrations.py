"""The Alembic migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

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


def _database_at(
    revision: str, backing: str, tmp_path: Path, request: pytest.FixtureRequest, stack: ExitStack
) -> str:
    """A new database migrated up to ``revision`` (on PostgreSQL, dropped when ``stack`` closes)."""
    from tests.support.fixtures import new_postgres_database

    if backing == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite'}"
        upgrade(url, revision)
        return url
    request.getfixturevalue("postgres_url")
    return stack.enter_context(contextmanager(new_postgres_database)(revision))


@pytest.mark.parametrize("backing", ["sqlite", "postgresql"])
def test_records_stored_before_the_other_names_columns_get_them(
    backing: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Migration 0007 fills the other surname and first name of the records already stored, from their
    payloads, so an agent finds them by a birth surname at once, not only once each record changes."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from contracts import PersonRecord
    from hub.store.models import SourceRecord
    from hub.worker.records import record_row

    with ExitStack() as stack:
        url = _database_at("0006", backing, tmp_path, request, stack)
        married = PersonRecord.model_validate(
            {
                "source_system": "benefits",
                "source_record_id": "HB1",
                "name": {"given": "Elizabeth (Lisa)", "family": "Hale"},
                "other_names": [{"given": "Elizabeth", "family": "Brown", "kind": "birth"}],
            }
        )
        plain = married.model_copy(update={"source_record_id": "HB2", "other_names": []})
        plain = plain.model_copy(update={"name": married.name.model_copy(update={"given": "Ann"})})
        at = datetime(2024, 1, 1, tzinfo=UTC)
        rows = [record_row(r, r.model_dump_json(), at, f"e{i}", at) for i, r in enumerate((married, plain))]
        old_columns = set(SourceRecord.__table__.columns.keys()) - {"other_family_norm", "other_given_norm"}
        engine = create_engine(url)
        stack.callback(engine.dispose)
        with engine.begin() as connection:
            connection.execute(
                insert(SourceRecord),
                [{k: v for k, v in row.items() if k in old_columns} for row in rows],
            )
        upgrade(url)
        table = SourceRecord.__table__.c
        with engine.connect() as connection:
            found = {
                key: (family, given)
                for key, family, given in connection.execute(
                    select(table.source_key, table.other_family_norm, table.other_given_norm)
                ).all()
            }
    assert found == {"benefits/HB1": ("brown", "lisa"), "benefits/HB2": (None, None)}


@pytest.mark.parametrize("backing", ["sqlite", "postgresql"])
def test_records_stored_before_the_postcode_key_changed_get_the_new_key(
    backing: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Migration 0009 computes again the blocking keys of the live records stored with the postcode and a
    first initial, so that a new record meets them by the postcode and the first two letters; a deleted
    record is left as it is."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from contracts import PersonRecord
    from hub.store.bulk import dumps
    from hub.store.models import BlockingKey, SourceRecord
    from hub.worker.records import record_row
    from matching.engine import FellegiSunterEngine

    with ExitStack() as stack:
        url = _database_at("0008", backing, tmp_path, request, stack)
        engine = FellegiSunterEngine()
        at = datetime(2024, 1, 1, tzinfo=UTC)
        rows: list[dict[str, Any]] = []
        held: list[dict[str, str]] = []
        for rid, given, deleted in (("1", "Katherine", False), ("2", "Kate", True)):
            record = PersonRecord.model_validate(
                {
                    "source_system": "ct",
                    "source_record_id": rid,
                    "name": {"given": given, "family": "Hale"},
                    "addresses": [{"lines": ["3 Mill Lane"], "postcode": "M6 5AB"}],
                }
            )
            prepared = engine.prepare(record)
            # As session 22's worker stored them: the postcode with the first initial.
            old = sorted(k if not k.startswith("pg:") else k[:-1] for k in prepared.blocking_keys)
            assert "pg:M6 5AB:k" in old
            row = record_row(record, record.model_dump_json(), at, f"e{rid}", at)
            rows.append(
                row | {"features": dumps(prepared.features), "blocking": dumps(old), "deleted": deleted}
            )
            if not deleted:
                held.extend({"key": k, "source_key": record.source_key} for k in old)
        database = create_engine(url)
        stack.callback(database.dispose)
        with database.begin() as connection:
            connection.execute(insert(SourceRecord), rows)
            connection.execute(insert(BlockingKey), held)
        upgrade(url)
        table = SourceRecord.__table__.c
        with database.connect() as connection:
            blocking = dict(connection.execute(select(table.source_key, table.blocking)).all())
            stored = set(connection.execute(select(BlockingKey.key, BlockingKey.source_key)).all())
    new = set(engine.prepare(PersonRecord.model_validate_json(rows[0]["payload"])).blocking_keys)
    assert "pg:M6 5AB:ka" in new
    assert set(json.loads(blocking["ct/1"])) == new
    assert stored == {(k, "ct/1") for k in new}
    assert json.loads(blocking["ct/2"]) == json.loads(rows[1]["blocking"])
