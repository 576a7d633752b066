"""The benchmark harness runs (quick mode, a small estate) and reports every target, so it
cannot rot between the full runs done by hand (docs/performance.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each section must report (names as the harness prints them, prefix matched).
EXPECTED = {
    "import": ["import JSON", "import YAML", "import Cisco CSV"],
    "write": ["one-record write: an edit (fresh store)", "one-record write: a one-device import",
              "one-record write: an edit (store already read)"],
    "lookup": ["smartnet lookup"],
    "journal": ["database size after"],
    "tui": ["first usable screen", "  longest stall, start", "cursor move", "mode switch, first time",
            "mode switch, again", "filter keystroke", "  longest stall while filtering",
            "edit, to the row redrawn", "  longest stall while editing", "another process's write",
            "  longest stall while following", "peak RSS"],
}


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_quick_run_reports_every_target(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    res = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--json", str(out),
         "--workdir", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=580, check=False,
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    figures = json.loads(out.read_text())["figures"]
    names = [f["name"] for f in figures]
    sections = dict(EXPECTED)
    if shutil.which("tmux") is None:
        del sections["tui"]
    for section, wanted in sections.items():
        for prefix in wanted:
            assert any(n.startswith(prefix) for n in names), f"{section}: no figure {prefix!r} in {names}"
    for f in figures:
        assert f["value"] > 0 or f["unit"] == "ms", f  # a stall may be 0 ms; a time never
        if f["baseline"] is not None:
            assert f["baseline"] > 0 and f["ratio"] == pytest.approx(f["value"] / f["baseline"])
        if f["budget"] is not None:
            assert f["met"] in (True, False)
    # the printed report names every figure too, with its baseline where it has one
    for f in figures:
        assert f["name"] in res.stdout
