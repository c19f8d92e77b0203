"""The README stays true: its test command is what CI runs, and every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

from hub.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    test_command = shell_blocks(readme)[1].strip()
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1].strip() == test_command


def test_readme_demo_command_installs_and_runs_the_demo() -> None:
    demo = shell_blocks((ROOT / "README.md").read_text())[0].strip()
    assert demo.endswith("citizen-hub demo")
    assert "pip install -e ." in demo


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [n for n in Settings.model_fields if f"`CITIZEN_HUB_{n.upper()}`" not in readme]
    assert missing == []


def test_every_setting_has_a_description() -> None:
    assert [n for n, f in Settings.model_fields.items() if not f.description] == []
