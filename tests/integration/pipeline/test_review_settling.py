"""A changed citizen settles the open review tasks of its records: which tasks the worker reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.store.db import Database
from hub.store.models import ReviewTask
from hub.worker.citizens import open_reviews_of

pytestmark = pytest.mark.integration

TASKS = [
    ("s/1", "s/2", "open"),
    ("s/1", "s/3", "settled"),
    ("s/1", "s/4", "open"),
    ("s/2", "s/3", "open"),
    ("s/5", "s/6", "decided"),
    ("s/7", "s/8", "open"),
]


def test_the_open_tasks_whose_first_record_is_asked_for(hub_database: Database) -> None:
    now = datetime.now(UTC)
    with hub_database.unit_of_work() as session:
        session.add_all(
            ReviewTask(a=a, b=b, weight=1.0, detail="{}", status=status, created_at=now)
            for a, b, status in TASKS
        )
    with hub_database.unit_of_work() as session:
        found = open_reviews_of(session, ["s/1", "s/3", "s/5", "s/8", "s/9"])
        ids = {(a, b): task_id for task_id, a, b in session.query(ReviewTask.id, ReviewTask.a, ReviewTask.b)}

    assert sorted(found) == sorted([(ids["s/1", "s/2"], "s/1", "s/2"), (ids["s/1", "s/4"], "s/1", "s/4")])


def test_no_keys_no_tasks(hub_database: Database) -> None:
    with hub_database.unit_of_work() as session:
        assert open_reviews_of(session, []) == []
