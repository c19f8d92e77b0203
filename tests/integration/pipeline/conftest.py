"""Backings for pipeline tests: the embedded default, and PostgreSQL + a Kafka-protocol broker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.settings import Settings
from hub.store.migrate import upgrade
from tests.support.fixtures import (
    POSTGRES_ADMIN_DB,
    POSTGRES_HOST,
    POSTGRES_PORT,
    POSTGRES_USER,
    unique_database_name,
)
from tests.support.settings import kafka_settings


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Iterator[str]:
    """A new, migrated PostgreSQL database for one test."""
    yield from _new_database()


@pytest.fixture
def second_postgres(postgres_url: str) -> Iterator[str]:
    """Another new, migrated PostgreSQL database for the same test (to compare two runs)."""
    yield from _new_database()


def _new_database() -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = unique_database_name()
    with psycopg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, dbname=POSTGRES_ADMIN_DB, autocommit=True
    ) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = f"postgresql+psycopg://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
        try:
            upgrade(url)
            yield url
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


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
