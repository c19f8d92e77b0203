"""The command line as a user types it: schemas exported, settings errors in one line, migrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli.main import app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_contracts_export_writes_one_schema_per_message_type(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["contracts", "export", str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert names == [
        "CitizenChanged.schema.json",
        "CitizenSplit.schema.json",
        "CitizensMerged.schema.json",
        "PersonRecord.schema.json",
        "ServiceEvent.schema.json",
        "SourceRecordDeleted.schema.json",
    ]
    schema = json.loads((tmp_path / "schemas" / "PersonRecord.schema.json").read_text())
    assert schema["properties"]["type"]["const"] == "PersonRecord"


def test_db_upgrade_creates_the_embedded_database(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITIZEN_HUB_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "citizen-hub.sqlite").exists()


def test_a_bad_setting_is_one_clear_line_and_a_non_zero_exit(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITIZEN_HUB_WORKER_BATCH_SIZE", "lots")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: bad settings:")
    assert len(result.output.strip().splitlines()) == 1
