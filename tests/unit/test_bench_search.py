"""bench/bench_search.py removes the hub's data folder it made, whether the run succeeds or fails."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_search.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_search_under_test", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("fails", [False, True])
def test_the_data_folder_is_removed_at_the_end(
    fails: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = _bench()
    made: list[Path] = []

    def run(_args: argparse.Namespace, data_dir: Path) -> int:
        made.append(data_dir)
        (data_dir / "hub.sqlite").write_text("a hub")
        if fails:
            raise RuntimeError("the server did not start")
        return 0

    monkeypatch.setattr(bench, "run", run)
    monkeypatch.setattr(bench.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["bench_search.py"])
    if fails:
        with pytest.raises(RuntimeError):
            bench.main()
    else:
        assert bench.main() == 0
    [data_dir] = made
    assert data_dir.parent == tmp_path
    assert data_dir.name.startswith("bench-search-")
    assert not data_dir.exists()
