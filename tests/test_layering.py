"""Layering: domain (pure) <- store / imports <- cli / tui.

- Importing the domain, the store, the importers or the CLI never loads Textual (each
  checked in a fresh interpreter, so what other tests imported cannot hide it): the CLI
  answers without paying Textual's start-up, and none of them can depend on the UI.
- Read from the source (every import, top-level or in a function): the domain imports
  nothing from the other layers and no storage, file-format or network library; the
  store and the importers import nothing from the CLI or the TUI; the TUI nothing from
  the CLI.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import import_graph, package_modules

import smartnet_tui

PACKAGE = Path(smartnet_tui.__file__).resolve().parent
MODULES = package_modules(PACKAGE)
UI_LIBRARIES = ("textual", "rich")  # rich: Textual's renderer, as heavy and not needed by the CLI


def modules_after(*imports: str) -> set[str]:
    """sys.modules after importing these in a fresh interpreter."""
    code = (
        "import sys, json\n"
        + "".join(f"import {m}\n" for m in imports)
        + "print(json.dumps(sorted(sys.modules)))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return set(json.loads(p.stdout))


def _within(mods: set[str], *packages: str) -> set[str]:
    """The modules that are one of ``packages`` or inside one (``textual``, ``textual.app``)."""
    return {m for m in mods if any(m == p or m.startswith(p + ".") for p in packages)}


def _modules_of(layer: str) -> list[str]:
    return [m for m in MODULES if m == layer or m.startswith(layer + ".")]


@pytest.mark.parametrize("layer", ["domain", "store", "imports", "cli"])
def test_no_textual_outside_the_tui(layer):
    # The package and every module in it, not only what its __init__ happens to import.
    mods = _modules_of(f"smartnet_tui.{layer}")
    assert mods, f"no smartnet_tui.{layer} package"
    loaded = modules_after(*mods)
    assert _within(loaded, *UI_LIBRARIES) == set(), f"importing smartnet_tui.{layer} loads the UI"


@pytest.mark.parametrize("module", ["smartnet_tui.tui.sync", "smartnet_tui.tui.table_sources"])
def test_the_tuis_plain_modules_stay_plain(module):
    """The app's database work and its table sources run (and are timed) without Textual.
    They may measure text as the terminal does (``rich.cells.cell_len``, the width the table
    draws with, in the I/O thread's prepared views): that and what it loads, nothing more
    of Rich's renderer."""
    if module not in MODULES:
        pytest.fail(f"{module} is gone: update this test and docs/architecture.md")
    cell_widths = _within(modules_after("rich.cells"), *UI_LIBRARIES)
    assert "rich.console" not in cell_widths
    assert _within(modules_after(module), *UI_LIBRARIES) - cell_widths == set()


def test_the_check_itself_sees_textual():
    assert _within(modules_after("smartnet_tui.tui.app"), "textual")
    assert _within({"textual.app", "textualize", "rich"}, "textual") == {"textual.app"}


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


# ------------------------------------------------------------------ from the source
def _imports_of(layer: str) -> list[tuple[str, str, int]]:
    """(module, imported name, line) for every import in the layer, package-wide names
    and third-party/standard ones alike (``if TYPE_CHECKING:`` ones too: a layer below
    should not even name a layer above)."""
    out = []
    for mod in _modules_of(f"smartnet_tui.{layer}"):
        for node in ast.walk(ast.parse(MODULES[mod].read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out += [(mod, a.name, node.lineno) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                out.append((mod, node.module, node.lineno))
    return out


def _offending(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{mod} line {line} imports {name}" for mod, name, line in _imports_of(layer)
            if _within({name}, *forbidden)]


DOMAIN_MAY_NOT_USE = (
    # the other layers
    "smartnet_tui.store", "smartnet_tui.imports", "smartnet_tui.cli", "smartnet_tui.tui",
    "smartnet_tui.config",
    # the UI, storage, file formats, files and the network: the domain does no I/O
    "textual", "rich", "tinydb", "filelock", "orjson", "json", "yaml", "csv", "openpyxl",
    "sqlite3", "pathlib", "os", "io", "shutil", "tempfile", "subprocess", "socket",
    "urllib", "http", "httpx", "requests",
)


def test_the_domain_imports_no_other_layer_and_no_io():
    assert _offending("domain", DOMAIN_MAY_NOT_USE) == []


@pytest.mark.parametrize(("layer", "forbidden"), [
    ("store", ("smartnet_tui.imports", "smartnet_tui.cli", "smartnet_tui.tui", "textual", "rich")),
    ("imports", ("smartnet_tui.cli", "smartnet_tui.tui", "textual", "rich")),
    ("tui", ("smartnet_tui.cli",)),
])
def test_layers_import_only_downwards(layer, forbidden):
    assert _offending(layer, forbidden) == []


def test_the_cli_opens_the_tui_only_on_demand():
    """The CLI starts the UI when no command is given: from inside a function only."""
    graph = import_graph(PACKAGE)
    eager = [f"{m} line {e.line} imports {e.target}"
             for m in _modules_of("smartnet_tui.cli") for e in graph[m]
             if _within({e.target}, "smartnet_tui.tui") and not e.local]
    assert eager == []


def test_the_source_check_itself_finds_an_offending_import():
    assert _offending("cli", ("smartnet_tui.tui",)), "cli/__init__ opens the TUI: the check must see it"
