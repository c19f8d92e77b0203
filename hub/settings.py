"""The one settings class. Read once (``Settings()``) and passed into factories; nothing else reads the
environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts import TOPIC_CITIZEN_CHANGES, TOPIC_DEAD_LETTER, TOPIC_SOURCE_RECORDS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CITIZEN_HUB_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where the embedded database and event log live")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; unset = SQLite file in the data directory"
    )
    kafka_bootstrap_servers: str | None = Field(
        default=None, description="Kafka bootstrap servers; unset = the embedded event log"
    )
    kafka_partitions: int = Field(default=6, description="Partitions when the hub creates its topics")
    kafka_replication_factor: int = 1
    kafka_idempotent_producer: bool = Field(
        default=True,
        description="Idempotent producer (the tansu test broker cannot do it: tests turn it off)",
    )
    kafka_session_timeout_ms: int = 10000
    kafka_heartbeat_interval_ms: int = 3000
    topic_source_records: str = TOPIC_SOURCE_RECORDS
    topic_citizen_changes: str = TOPIC_CITIZEN_CHANGES
    topic_dead_letter: str = TOPIC_DEAD_LETTER
    consumer_group: str = "citizen-hub-matcher"
    worker_batch_size: int = Field(
        default=1000, description="Most events a worker applies in one transaction"
    )
    worker_poll_timeout_ms: int = 500
    match_params_file: Path | None = Field(
        default=None,
        description="Trained match parameters (citizen-hub match train); unset = shipped defaults",
    )
    match_link_threshold: float | None = Field(
        default=None, description="Override the engine's link threshold"
    )
    match_review_threshold: float | None = Field(
        default=None, description="Override the engine's review threshold"
    )
    log_level: str = "INFO"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'citizen-hub.sqlite').resolve()}"

    @property
    def embedded_log_path(self) -> Path:
        return self.data_dir / "events.sqlite"

    @property
    def uses_kafka(self) -> bool:
        return bool(self.kafka_bootstrap_servers)
