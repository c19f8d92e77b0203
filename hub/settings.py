"""The one settings class. Read once (``Settings()``) and passed into factories; nothing else reads the
environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts import TOPIC_CITIZEN_CHANGES, TOPIC_DEAD_LETTER, TOPIC_SOURCE_RECORDS
from matching.survivorship import GOLDEN_FIELDS


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
    kafka_replication_factor: int = Field(
        default=1, description="Replication factor when the hub creates its topics"
    )
    kafka_idempotent_producer: bool = Field(
        default=True,
        description="Idempotent producer (the tansu test broker cannot do it: tests turn it off)",
    )
    kafka_session_timeout_ms: int = Field(default=10000, description="Consumer group session timeout")
    kafka_heartbeat_interval_ms: int = Field(default=3000, description="Consumer group heartbeat interval")
    topic_source_records: str = Field(
        default=TOPIC_SOURCE_RECORDS, description="Inbound person records, deletions and service events"
    )
    topic_citizen_changes: str = Field(
        default=TOPIC_CITIZEN_CHANGES, description="Outbound CitizenChanged, CitizensMerged, CitizenSplit"
    )
    topic_dead_letter: str = Field(default=TOPIC_DEAD_LETTER, description="Events that could not be applied")
    consumer_group: str = Field(
        default="citizen-hub-matcher", description="The matcher workers' consumer group"
    )
    worker_batch_size: int = Field(
        default=1000, description="Most events a worker applies in one transaction"
    )
    worker_poll_timeout_ms: int = Field(default=500, description="How long a worker waits for a batch")
    outbox_retention_days: float = Field(
        default=7.0,
        gt=0,
        description="How long an outbound event is kept once published (to replay or inspect it); "
        "unpublished ones are kept until published",
    )
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
    survivorship_trust: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description='Which system a citizen\'s golden record believes first, as JSON: {"benefits": '
        '{"date_of_birth": 2}, "housing": {"*": 1}} (higher wins; "*" is every field; unset = the newest '
        "record wins)",
    )
    review_claim_minutes: int = Field(
        default=120, ge=1, description="A supervisor's claim on a review task lapses after this many minutes"
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")

    @field_validator("survivorship_trust")
    @classmethod
    def _known_golden_fields(cls, trust: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        unknown = sorted({f for ranks in trust.values() for f in ranks} - {"*", *GOLDEN_FIELDS})
        if unknown:
            raise ValueError(f"unknown fields {unknown}: use * or any of {', '.join(GOLDEN_FIELDS)}")
        return trust

    # --- access (issue 5): sign-in, roles, data sharing, audit. Read by hub.auth and hub.access only. ---
    jwt_secret: SecretStr | None = Field(
        default=None,
        description="HS256 signing secret for people's tokens; unset = a development secret generated into "
        "the data directory (a loud warning is logged: never run a council's hub like that)",
    )
    jwt_algorithm: str = Field(default="HS256", description="HS256 with jwt_secret, or RS256/ES256 with keys")
    jwt_private_key_file: Path | None = Field(
        default=None, description="PEM private key that signs tokens (RS256/ES256; only the issuer needs it)"
    )
    jwt_public_key_file: Path | None = Field(
        default=None, description="PEM public key that verifies tokens (RS256/ES256)"
    )
    jwt_issuer: str = Field(default="citizen-hub", description="The iss claim tokens must carry")
    jwt_audience: str = Field(default="citizen-hub", description="The aud claim tokens must carry")
    token_ttl_minutes: int = Field(default=480, description="Lifetime of tokens made by `token create`")
    api_keys: list[str] = Field(
        default_factory=list,
        description='Systems\' API keys as "name:role:sha256-of-key" (citizen-hub token api-key makes one)',
    )
    data_sharing_file: Path | None = Field(
        default=None, description="JSON data-sharing rules; unset = the defaults in hub/access/defaults.py"
    )
    secure_cookies: bool = Field(
        default=False, description="Mark the sign-in cookie Secure (set it when served over HTTPS)"
    )
    council_name: str = Field(default="Example Borough Council", description="Shown in the pages' header")

    # --- adaptors (issue 4): legacy systems, their adaptors, tell-us-once. Read by hub.adaptors_host. ---
    adaptor_state_dir: Path | None = Field(
        default=None,
        description="Adaptors' checkpoints, reports and write-back log; unset = data_dir/adaptors",
    )
    council_tax_database_url: str | None = Field(
        default=None,
        description="Council tax database (SQLAlchemy URL); unset = reference SQLite in data_dir",
    )
    benefits_wsdl_url: str = Field(
        default="http://127.0.0.1:8081/?wsdl", description="WSDL of the benefits SOAP service"
    )
    benefits_timeout_s: float = Field(default=10.0, description="Timeout of each benefits SOAP call")
    housing_drop_dir: Path | None = Field(
        default=None,
        description="Where housing extract files are dropped; unset = data_dir/legacy/housing/drop",
    )
    housing_returns_dir: Path | None = Field(
        default=None, description="Where tell-us-once return files for housing go; unset = beside the drop"
    )
    adaptor_poll_interval_s: float = Field(
        default=5.0, description="Seconds between polls of a legacy system"
    )
    adaptor_backoff_max_s: float = Field(default=60.0, description="Longest wait between retries of a source")
    adaptor_settle_s: float = Field(
        default=2.0, description="Rows/files younger than this are left for the next poll (in-flight writes)"
    )
    writeback_systems: list[str] = Field(
        default_factory=lambda: ["council_tax", "benefits", "housing"],
        description="Legacy systems that opted in to tell-us-once address write-back",
    )

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
