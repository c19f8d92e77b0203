"""Choose the bus from settings alone: Kafka when bootstrap servers are set, else the embedded log."""

from __future__ import annotations

from hub.bus.base import EventBus
from hub.bus.embedded import EmbeddedBus
from hub.settings import Settings


def bus_from_settings(settings: Settings) -> EventBus:
    if settings.kafka_bootstrap_servers:
        from hub.bus.kafka import KafkaBus  # aiokafka only where Kafka is used

        return KafkaBus(settings)
    return EmbeddedBus(settings.embedded_log_path)
