"""Published outbound events are deleted once older than the retention; unpublished ones never are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from hub.store.db import Database
from hub.store.models import OutboxMessage
from hub.worker import outbox
from hub.worker.outbox import prune_outbox

pytestmark = pytest.mark.integration

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def _add(hub_database: Database, rows: list[tuple[str, datetime, datetime | None]]) -> None:
    with hub_database.unit_of_work() as session:
        session.add_all(
            OutboxMessage(topic="t", key=key, value="{}", created_at=created, published_at=published)
            for key, created, published in rows
        )


def _kept(hub_database: Database) -> list[str]:
    with hub_database.unit_of_work() as session:
        return sorted(session.scalars(select(OutboxMessage.key)))


def test_only_events_published_before_the_retention_are_deleted(hub_database: Database) -> None:
    long_ago = NOW - timedelta(days=30)
    _add(
        hub_database,
        [
            ("published long ago", long_ago, long_ago),
            ("published eight days ago", long_ago, NOW - timedelta(days=8)),
            ("published six days ago", long_ago, NOW - timedelta(days=6)),
            ("never published", long_ago, None),
        ],
    )
    with hub_database.unit_of_work() as session:
        assert prune_outbox(session, WEEK, now=NOW) == 2
    assert _kept(hub_database) == ["never published", "published six days ago"]
    with hub_database.unit_of_work() as session:
        assert prune_outbox(session, WEEK, now=NOW) == 0


def test_a_prune_deletes_at_most_its_limit_oldest_first(
    hub_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "PRUNE_LIMIT", 2)
    _add(hub_database, [(f"e{day}", NOW, NOW - timedelta(days=10 + day)) for day in range(5)])
    with hub_database.unit_of_work() as session:
        assert prune_outbox(session, WEEK, now=NOW) == 2
    assert _kept(hub_database) == ["e0", "e1", "e2"]


def test_a_worker_prunes_with_the_retention_of_its_settings(
    hub_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.settings import Settings
    from hub.worker import runner
    from matching.engine import FellegiSunterEngine

    monkeypatch.setattr(runner.gc, "freeze", lambda: None)  # the worker's process-wide tuning
    monkeypatch.setattr(runner.gc, "set_threshold", lambda *args: None)
    now = datetime.now(UTC)
    _add(
        hub_database, [("two days", now, now - timedelta(days=2)), ("an hour", now, now - timedelta(hours=1))]
    )
    settings = Settings(data_dir=tmp_path, outbox_retention_days=1)
    worker = runner.Worker(settings, hub_database, bus=None, engine=FellegiSunterEngine())  # type: ignore[arg-type]
    worker._prune()  # not yet: a worker prunes once a minute
    assert _kept(hub_database) == ["an hour", "two days"]
    worker._pruned_at -= runner._PRUNE_EVERY_SECONDS
    worker._prune()
    assert _kept(hub_database) == ["an hour"]
