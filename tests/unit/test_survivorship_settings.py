"""A council's trust in its systems, and the placeholders of its trained parameters, reach the golden
records the hub builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from hub.engine import survivorship_from_settings
from hub.settings import Settings
from matching.params import default_params
from tests.unit.matching.helpers import person


def test_trust_is_read_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "CITIZEN_HUB_SURVIVORSHIP_TRUST", '{"benefits": {"date_of_birth": 2}, "housing": {"*": 1}}'
    )
    settings = Settings()
    assert settings.survivorship_trust == {"benefits": {"date_of_birth": 2}, "housing": {"*": 1}}
    survivorship = survivorship_from_settings(settings)
    newer = person("1", "Margaret", "Smith", "1952-03-14", system="housing")
    trusted = person("2", "Margaret", "Smith", "1952-04-14", system="benefits")
    golden = survivorship.golden([newer, trusted])
    assert golden.value("date_of_birth") == "1952-04-14"  # benefits is trusted for the date of birth
    assert golden.fields["date_of_birth"].provenance.source_system == "benefits"


def test_an_unknown_field_in_the_trust_is_an_error_not_ignored() -> None:
    with pytest.raises(ValidationError, match="date_of_brith"):
        Settings(survivorship_trust={"benefits": {"date_of_brith": 2}})


def test_the_placeholders_of_the_trained_parameter_file_reach_the_golden_record(tmp_path: Path) -> None:
    data = default_params().to_dict()
    data["placeholder_dates_of_birth"] = [*data["placeholder_dates_of_birth"], "1899-12-31"]
    path = tmp_path / "params.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    survivorship = survivorship_from_settings(
        Settings(match_params_file=path, survivorship_trust={"ct": {"*": 5}})
    )
    real = person("1", "Margaret", "Smith", "1952-03-14", system="benefits")
    filler = person("2", "Margaret", "Smith", "1899-12-31", system="ct")
    assert survivorship.golden([real, filler]).value("date_of_birth") == "1952-03-14"
