"""Layering: the engine, store and CLI import without Textual, and the domain does no I/O.

Each check runs in a fresh interpreter, so what other tests imported cannot hide a
dependency.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def modules_after(*imports: str) -> set[str]:
    code = (
        "import sys, json\n"
        + "".join(f"import {m}\n" for m in imports)
        + "print(json.dumps(sorted(sys.modules)))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return set(json.loads(p.stdout))


def top_level(mods: set[str]) -> set[str]:
    return {m.split(".")[0] for m in mods}


@pytest.mark.parametrize(
    "module",
    [
        "smartnet_tui",
        "smartnet_tui.domain",
        "smartnet_tui.store",
        "smartnet_tui.cli",
        "smartnet_tui.cli.commands",
        "smartnet_tui.cli.views",
        "smartnet_tui.store.importer",
        "smartnet_tui.store.export",
        "smartnet_tui.config",
    ],
)
def test_no_textual_outside_the_tui(module):
    mods = top_level(modules_after(module))
    assert "textual" not in mods
    assert "rich" not in mods  # Textual's renderer: as heavy, and not needed by the CLI


def test_domain_imports_no_storage_or_io_libraries():
    baseline = top_level(modules_after())  # what the interpreter loads on its own (site, ...)
    mods = top_level(modules_after("smartnet_tui.domain", "smartnet_tui.domain.changes")) - baseline
    forbidden = {"textual", "rich", "tinydb", "yaml", "orjson", "filelock", "dateutil", "openpyxl",
                 "csv", "sqlite3", "tempfile", "shutil", "subprocess", "socket", "urllib", "http",
                 "requests", "smartnet_tui.store", "smartnet_tui.cli", "smartnet_tui.tui"}
    assert mods & forbidden == set()
    loaded = modules_after("smartnet_tui.domain")
    assert not {m for m in loaded if m.startswith(("smartnet_tui.store", "smartnet_tui.cli", "smartnet_tui.tui"))}


def test_store_does_not_import_the_cli_or_the_tui():
    loaded = modules_after("smartnet_tui.store", "smartnet_tui.store.importer", "smartnet_tui.store.export")
    assert not {m for m in loaded if m.startswith(("smartnet_tui.cli", "smartnet_tui.tui"))}


def test_a_lookup_does_not_load_textual(tmp_path):
    db = tmp_path / "db.json"
    src = tmp_path / "e.yaml"
    src.write_text("devices:\n  - serial: A\n")
    code = (
        "import sys\n"
        "from smartnet_tui.cli import main\n"
        f"rc = main(['import', {str(src)!r}, '--db', {str(db)!r}])\n"
        f"rc2 = main(['lookup', 'A', '--db', {str(db)!r}, '--today', '2026-12-01'])\n"
        "print('TEXTUAL' if any(m.split('.')[0] == 'textual' for m in sys.modules) else 'CLEAN', rc, rc2)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.stdout.strip().splitlines()[-1] == "CLEAN 0 1", p.stdout + p.stderr
