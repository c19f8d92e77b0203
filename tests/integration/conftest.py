"""Fixtures for the integration tests of every package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.store.db import Database
from tests.support.fixtures import new_hub_database


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A new, migrated hub database on each backing (SQLite, then PostgreSQL)."""
    for url in new_hub_database(request, tmp_path):
        db = Database(url)
        yield db
        db.dispose()
