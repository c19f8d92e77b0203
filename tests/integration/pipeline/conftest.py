"""Backings for pipeline tests: the embedded default, and PostgreSQL + a Kafka-protocol broker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.settings import Settings
from hub.store.migrate import upgrade
from tests.support.fixtures import new_postgres_database
from tests.support.settings import kafka_settings


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Iterator[str]:
    """A new, migrated PostgreSQL database for one test."""
    yield from new_postgres_database()


@pytest.fixture
def second_postgres(postgres_url: str) -> Iterator[str]:
    """Another new, migrated PostgreSQL database for the same test (to compare two runs)."""
    yield from new_postgres_database()


def embedded_settings(tmp_path: Path) -> Settings:
    settings = kafka_settings(None, data_dir=tmp_path)
    upgrade(settings.effective_database_url)
    return settings


@pytest.fixture(params=["embedded", "postgres+kafka"])
def backing(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for one backing; the same code runs on both."""
    if request.param == "embedded":
        return embedded_settings(tmp_path)
    bootstrap = request.getfixturevalue("kafka_bootstrap")
    url = request.getfixturevalue("fresh_postgres")
    return kafka_settings(bootstrap, database_url=url, data_dir=tmp_path, worker_poll_timeout_ms=200)
