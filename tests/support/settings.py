"""Hub settings for tests: unique topics and consumer group per call, a short group session."""

from __future__ import annotations

import uuid
from typing import Any

from hub.settings import Settings


def kafka_settings(bootstrap: str | None, **overrides: Any) -> Settings:
    """Settings on ``bootstrap`` (``None`` = the embedded log) with topics and a group nobody else uses.

    The idempotent producer is off (the tansu broker refuses it from aiokafka); group joins take about a
    second (``session_timeout_ms=2000``). ``overrides`` are Settings fields; unknown names are an error.
    """
    unknown = set(overrides) - set(Settings.model_fields)
    if unknown:
        raise TypeError(f"not Settings fields: {sorted(unknown)}")
    run = uuid.uuid4().hex[:12]
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": bootstrap,
        "kafka_idempotent_producer": False,
        "kafka_session_timeout_ms": 2000,
        "kafka_heartbeat_interval_ms": 300,
        "topic_source_records": f"test-{run}.source-records",
        "topic_citizen_changes": f"test-{run}.citizen-changes",
        "topic_dead_letter": f"test-{run}.dead-letter",
        "consumer_group": f"test-{run}.matcher",
    }
    values.update(overrides)
    return Settings(**values)
