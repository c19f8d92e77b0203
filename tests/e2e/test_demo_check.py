"""`citizen-hub demo --check` as a user runs it: a fresh directory, the installed command, exit 0."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def citizen_hub() -> str:
    found = shutil.which("citizen-hub", path=str(Path(sys.executable).parent))
    assert found, "the citizen-hub console script is not installed beside this Python"
    return found


def test_demo_check_prints_a_summary_of_three_systems(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITIZEN_HUB_")}
    result = subprocess.run(
        [citizen_hub(), "demo", "--check", "--people", "1500"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    counts = {
        m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+)\s+(\d+) source records$", out, re.M)
    }
    assert set(counts) == {"council_tax", "benefits", "housing"}
    assert sum(counts.values()) > 1000
    citizens = int(re.search(r"citizens\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    assert 0 < citizens < sum(counts.values())
    assert "dead letters         0" in out
    assert re.search(r"Showcase resident .*/citizens/c-[0-9a-f]{12}", out)
    for role in ("agent", "supervisor", "resident"):
        assert re.search(rf"Sign in as {role}:\s+http://127\.0\.0\.1:8000/sign-in\?token=\S+", out), role
    assert "reached benefits and housing" in out  # tell us once: changed in council tax only
    assert "her golden address is now in M5 3LH; the systems settled (no echo)." in out
    assert (tmp_path / "data" / "citizen-hub.sqlite").exists()
