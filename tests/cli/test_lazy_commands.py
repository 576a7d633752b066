"""A command line loads only its own command (issue 12: the app's first screen).

``smartnet`` with no command opens the app: its path there must not load any command's
module (fetch's httpx, import's readers, the quote and plan modules...). Each command's
arguments are added when its parser is first needed, from the table in cli/__init__.py;
these tests hold that table to the modules and the lazy grammar to the full one.
Module checks run in a fresh interpreter: what other tests imported cannot hide a module.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from smartnet_tui.cli import COMMANDS, build_parser

# Never needed to open the app: each one only when its command or its screen is used.
HEAVY_LIBRARIES = ("httpx", "openpyxl", "yaml", "shtab", "textual", "rich")
# What every command line needs besides its command: `completion` and `config` run
# without settings checks, from cli/__init__.py itself (both import nothing heavy).
ALWAYS_LOADED_CLI = {"smartnet_tui.cli", "smartnet_tui.cli.completion_command",
                     "smartnet_tui.cli.settings_command"}


def _within(mods: set[str], *packages: str) -> set[str]:
    return {m for m in mods if any(m == p or m.startswith(p + ".") for p in packages)}


def _run(code: str, *args: str) -> dict:
    p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    out: dict = json.loads(p.stdout.splitlines()[-1])
    return out


# The app replaced by a stand-in that records what the command line loaded before
# handing over to it (and the settings it was given): the real `smartnet` entry point.
_TO_THE_APP = """\
import json, sys, types
stub = types.ModuleType("smartnet_tui.tui.app")
seen = {}
def run_app(settings):
    seen["modules"] = sorted(sys.modules)
    seen["db"] = str(settings.db_path)
    return 0
stub.run_app = run_app
sys.modules["smartnet_tui.tui.app"] = stub
from smartnet_tui.__main__ import main
sys.argv = ["smartnet", *sys.argv[1:]]
rc = main()
print(json.dumps({"rc": rc, **seen}))
"""


def test_smartnet_with_no_command_hands_over_to_the_app_loading_no_command(tmp_path):
    db = tmp_path / "smartnet.json"
    out = _run(_TO_THE_APP, "--db", str(db), "--no-mouse")
    assert (out["rc"], out["db"]) == (0, str(db))
    loaded = set(out["modules"])
    assert _within(loaded, *HEAVY_LIBRARIES) == set()
    assert _within(loaded, "smartnet_tui.cli") == ALWAYS_LOADED_CLI
    assert _within(loaded, "smartnet_tui.imports") == set()  # no reader, no planner, no fetch
    assert _within(loaded, "smartnet_tui.tui") == {"smartnet_tui.tui.app"}  # the stand-in


def test_the_check_itself_sees_a_command_module(tmp_path):
    """The same probe, given --demo (which imports the sample estate), sees the importers:
    the module lists above are real, not empty by accident."""
    out = _run(_TO_THE_APP, "--demo")
    assert "smartnet_tui.imports.planner" in out["modules"]


_PARSE = """\
import json, sys
from smartnet_tui.cli import build_parser
build_parser(every_command=False).parse(sys.argv[1:])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("smartnet_tui.cli."))))
"""


@pytest.mark.parametrize(("argv", "own", "not_loaded"), [
    (["lookup", "FOC123"], "lookup", "fetch quote plan request check timeline worklist"),
    (["fetch", "--dry-run"], "fetch", "lookup quote plan request check timeline worklist"),
    (["quote", "list"], "quote", "lookup fetch plan check timeline worklist"),
    (["--today", "2026-12-01", "check", "-w", "30"], "check", "lookup fetch quote plan request timeline worklist"),
])
def test_a_command_line_loads_its_own_command_and_not_the_others(argv, own, not_loaded):
    loaded = set(_run(_PARSE, *argv))
    assert f"smartnet_tui.cli.{own}_command" in loaded
    assert not loaded & {f"smartnet_tui.cli.{m}_command" for m in not_loaded.split()}, loaded


_RUN = """\
import json, sys
from smartnet_tui.cli import main
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "modules": sorted(sys.modules)}))
"""


def test_a_lookup_runs_without_the_importers_or_the_other_commands(cli, tmp_path):
    """issue 12: a lookup's budget is a fresh Python parsing the database; it pays for its
    own module, not for the readers (PyYAML), the fetch (httpx) or the other commands."""
    db = tmp_path / "smartnet.json"
    src = tmp_path / "estate.yaml"
    src.write_text("devices:\n  - serial: FOC0001AAAA\n")
    assert cli("import", str(src), "--db", str(db))[0] == 0
    out = _run(_RUN, "--db", str(db), "--today", "2026-12-01", "lookup", "FOC0001AAAA")
    assert out["rc"] == 1  # known, not covered: the lookup ran
    loaded = set(out["modules"])
    assert "smartnet_tui.cli.lookup_command" in loaded
    assert _within(loaded, "httpx", "openpyxl", "yaml", "shtab", "textual") == set()
    assert _within(loaded, "smartnet_tui.imports.planner", "smartnet_tui.imports.sources",
                   "smartnet_tui.imports.cisco_fetch") == set()
    others = ("fetch", "quote", "plan", "request", "check", "timeline", "worklist")
    assert not loaded & {f"smartnet_tui.cli.{m}_command" for m in others}, loaded


# ------------------------------------------------------------------ the table
def test_the_table_lists_each_command_with_its_modules_help():
    from smartnet_tui.cli import (
        check_command,
        completion_command,
        fetch_command,
        lookup_command,
        plan_command,
        quote_command,
        request_command,
        settings_command,
        timeline_command,
        worklist_command,
    )

    helps = {c.name: c.help for c in COMMANDS}
    assert helps == {**helps, "lookup": lookup_command.HELP, "check": check_command.HELP,
                     "fetch": fetch_command.HELP, "request": request_command.HELP,
                     "quote": quote_command.HELP, "plan": plan_command.HELP,
                     "timeline": timeline_command.HELP, "config": settings_command.HELP,
                     "completion": completion_command.HELP,
                     "worklist": worklist_command.WORKLIST_HELP,
                     "triage": worklist_command.TRIAGE_HELP}
    assert [c.name for c in COMMANDS] == ["import", "lookup", "report", "check", "export",
                                          "history", "fetch", "request", "quote", "plan",
                                          "timeline", "config", "completion", "worklist", "triage"]


def _every_parser(parser: argparse.ArgumentParser, name: str = "smartnet"):
    """(name, parser) for the parser and each of its subcommands, nested ones too."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _every_parser(sub, f"{name} {sub_name}")


@pytest.mark.parametrize("check_values", [True, False])
def test_a_grammar_built_on_demand_is_the_full_grammar(check_values, monkeypatch):
    """Every --help (nested actions too) and usage line is the same whether each command's
    arguments were added up front or when its parser was first asked for them."""
    monkeypatch.setenv("COLUMNS", "100")
    eager = dict(_every_parser(build_parser(check_values)))
    lazy_parser = build_parser(check_values, every_command=False)
    lazy = dict(_every_parser(lazy_parser))
    assert {"smartnet lookup", "smartnet quote check", "smartnet plan whatif"} <= set(eager)
    assert "smartnet quote check" not in lazy  # not built until quote's parser is asked
    for name, parser in eager.items():
        if name not in lazy:  # a nested action: there once its command's parser is built
            command = name.split()[1]
            lazy_parser.commands[command].built()
            lazy = dict(_every_parser(lazy_parser))
        assert lazy[name].format_help() == parser.format_help(), name
        assert lazy[name].format_usage() == parser.format_usage(), name
