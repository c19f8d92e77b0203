"""One unit of work, retried whole when the database asks for it (a deadlock, a serialisation failure)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hub.store.db import Database

log = structlog.get_logger("citizen_hub.worker")

T = TypeVar("T")

ATTEMPTS = 8

# Deadlock detected, serialisation failure, and a unique violation: during a rebalance two members can
# briefly hold the same batch; the loser's retry then finds its events processed and skips them.
_RETRYABLE = {"40P01", "40001", "23505"}


def retryable(error: DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code in _RETRYABLE or "database is locked" in str(error.orig)


def in_unit_of_work(db: Database, work: Callable[[Session], T]) -> T:
    """``work(session)`` in one transaction that commits when it returns; run again from the start, in a
    new transaction, when the database gave up on it for a retryable reason."""
    for attempt in range(ATTEMPTS):
        try:
            with db.unit_of_work() as session:
                return work(session)
        except DBAPIError as error:
            if not retryable(error) or attempt == ATTEMPTS - 1:
                raise
            log.warning("batch_retry", attempt=attempt + 1, reason=type(error.orig).__name__)
    raise AssertionError("unreachable")
