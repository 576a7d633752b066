"""What the app loads before its first usable screen (issue 12: the first screen's time).

The app opens on Alerts; the fetch (httpx), the importers (the planner, PyYAML, openpyxl),
the CLI's commands and the screens behind a key wait until they are used. Each check runs
in a fresh interpreter: what other tests imported cannot hide a module.
(tests/cli/test_lazy_commands.py checks the command line's part of `smartnet`.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from smartnet_tui.store.db import Store

from .conftest import TODAY, estate_changes

# Libraries and modules used only once their key, screen or command is: never before
# the Alerts rows show.
NOT_BEFORE_THE_FIRST_SCREEN = (
    "httpx", "openpyxl", "yaml", "shtab",
    "smartnet_tui.cli",  # the app never imports the command line
    "smartnet_tui.imports.cisco_fetch", "smartnet_tui.imports.fetch_import",
    "smartnet_tui.imports.planner", "smartnet_tui.imports.parse", "smartnet_tui.imports.sources",
    "smartnet_tui.imports.quotes",
)
# Screens and dialogs opened by a key: not even imported with the app's module.
BEHIND_A_KEY = (
    "smartnet_tui.tui.components.fetch_dialog", "smartnet_tui.tui.components.import_dialog",
    "smartnet_tui.tui.components.help", "smartnet_tui.tui.components.scenario_screen",
    "smartnet_tui.tui.screens.history", "smartnet_tui.tui.screens.planner",
)


def _within(mods: set[str], *packages: str) -> set[str]:
    return {m for m in mods if any(m == p or m.startswith(p + ".") for p in packages)}


def _run(code: str, *args: str) -> Any:
    """The JSON that ``code`` prints last, run in a fresh interpreter."""
    p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.splitlines()[-1])


def test_importing_the_app_loads_no_importer_no_fetch_and_no_screen_behind_a_key():
    code = "import json, sys\nimport smartnet_tui.tui.app\nprint(json.dumps(sorted(sys.modules)))\n"
    loaded = set(_run(code))
    assert "smartnet_tui.tui.screens.tables" in loaded  # the check sees the app's modules
    assert _within(loaded, *NOT_BEFORE_THE_FIRST_SCREEN) == set()
    assert _within(loaded, *BEHIND_A_KEY) == set()


# The app as `smartnet --db DB --today D` builds it (the CLI's parser and settings), run
# headless until its Alerts screen shows the rows of the loaded estate.
_FIRST_SCREEN = """\
import asyncio, json, sys
from smartnet_tui.cli import build_parser, settings_from
settings = settings_from(build_parser(every_command=False).parse(sys.argv[1:]))
for name in [m for m in sys.modules if m.startswith("smartnet_tui.cli")]:
    del sys.modules[name]  # the test's way in, not the app's: the app must not need them
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.widgets.record_table import RecordTable

async def main():
    app = SmartnetApp(settings)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3000):
            await pilot.pause(0.01)
            tables = list(app.screen.query("#table").results(RecordTable))
            if app.analysis is not None and tables and tables[0].keys:
                break
        print(json.dumps({"screen": type(app.screen).__name__,
                          "rows": len(tables[0].keys) if tables else 0,
                          "modules": sorted(sys.modules)}))

asyncio.run(main())
"""


def test_the_first_screen_shows_alerts_without_the_importers_or_the_fetch(tmp_path):
    db = tmp_path / "smartnet.json"
    store = Store(db)
    store.apply(estate_changes(), action="test fixture")
    store.close()
    out = _run(_FIRST_SCREEN, "--db", str(db), "--today", TODAY.isoformat())
    assert out["screen"] == "AlertsScreen" and out["rows"] > 0, out["screen"]
    loaded = set(out["modules"])
    assert "smartnet_tui.store.db" in loaded  # the check sees the app's modules
    assert _within(loaded, *NOT_BEFORE_THE_FIRST_SCREEN) == set()
