"""The pipeline bench's databases: made on the server it is given, a template's copy analysed (so the
workers do not analyse every table in the timed run) and, if asked, read into shared buffers before the
timed run, and dropped afterwards."""

from __future__ import annotations

import psycopg
from psycopg import sql

from bench.bench_pipeline import fresh_database
from tests.support.fixtures import (
    POSTGRES_ADMIN_DB,
    POSTGRES_HOST,
    POSTGRES_PORT,
    POSTGRES_USER,
    new_postgres_database,
)

SERVER = f"postgresql+psycopg://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}"


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg", "postgresql")


def databases() -> set[str]:
    with psycopg.connect(plain(f"{SERVER}/{POSTGRES_ADMIN_DB}")) as conn:
        return {name for (name,) in conn.execute("SELECT datname FROM pg_database")}


def test_a_templates_copy_is_made_on_the_server_given_analysed_prewarmed_and_dropped(
    postgres_url: str,
) -> None:
    for template_url in new_postgres_database():
        template = template_url.rsplit("/", 1)[1]
        with psycopg.connect(plain(f"{SERVER}/{POSTGRES_ADMIN_DB}"), autocommit=True) as admin:
            # A template must have no other connection while it is copied.
            admin.execute(
                sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = {}").format(
                    sql.Literal(template)
                )
            )
        with fresh_database(template, SERVER, prewarm=True) as url:
            name = url.rsplit("/", 1)[1]
            assert url == f"{SERVER}/{name}"
            assert name in databases()
            with psycopg.connect(plain(url)) as conn:
                never = conn.execute(
                    "SELECT relname FROM pg_stat_user_tables"
                    " WHERE greatest(last_analyze, last_autoanalyze) IS NULL"
                ).fetchall()
            assert never == []
            with psycopg.connect(plain(url)) as conn:
                installed = conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_prewarm'")
                assert installed.fetchone() == (1,)
        assert name not in databases()


def test_a_fresh_database_is_migrated_and_dropped(postgres_url: str) -> None:
    with fresh_database(server=SERVER) as url:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(plain(url)) as conn:
            assert conn.execute("SELECT count(*) FROM source_records").fetchone() == (0,)
    assert name not in databases()
