"""Test support: service fixtures (a pytest plugin) and a throwaway Kafka-protocol broker."""

from tests.support.settings import kafka_settings

__all__ = ["kafka_settings"]
