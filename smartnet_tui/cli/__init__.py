"""The scriptable command line: ``smartnet [import|lookup|report|check|export|history]``.

With no command it opens the TUI (imported lazily: the CLI never pays Textual's import
time). User mistakes are one line on stderr and exit code 2 (3 for ``check``), never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from smartnet_tui import __version__
from smartnet_tui.cli import (
    check_command,
    commands,
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
from smartnet_tui.config import DEMO_TODAY, ConfigError, Settings, flags_from, resolve
from smartnet_tui.domain.display import inert
from smartnet_tui.imports.demo import make_demo_db
from smartnet_tui.store.db import StoreError, on_lock_wait

EXIT_USAGE = 2


class UsageError(Exception):
    """A user mistake: printed as one line, exit code 2 (3, Nagios UNKNOWN, for ``check``).

    ``command`` is the subcommand the mistake was made in, when the parser knows it.
    """

    def __init__(self, message: str, command: str | None = None) -> None:
        super().__init__(message)
        self.command = command


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the subcommand's --help."""

    def __init__(self, *args: Any, command: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.command = command  # None for the top-level parser
        self.commands: dict[str, _Parser] = {}  # the top-level parser's subcommands

    def error(self, message: str) -> NoReturn:  # one line, not usage + error
        raise UsageError(self.hint(message), self.command)

    def hint(self, message: str) -> str:
        return f"{message} (see smartnet {self.command + ' ' if self.command else ''}--help)"

    def parse(self, argv: Sequence[str]) -> argparse.Namespace:
        """Parse ``argv``; a mistake raises UsageError naming the command it was made in."""
        args, extras = self.parse_known_args(argv)
        if extras:  # argparse reports these from the top-level parser, after the command
            command = args.command
            owner = self.commands.get(command, self) if command else self
            raise UsageError(owner.hint(f"unrecognized arguments: {' '.join(extras)}"), command)
        return args


def _today(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _count(value: str, what: str = "a count") -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: {what} cannot be negative")
    return n


def _days(value: str) -> int:
    return _count(value, "days")


def _add_common(p: argparse.ArgumentParser, suppress: bool, check: bool) -> None:
    d = (lambda v: argparse.SUPPRESS) if suppress else (lambda v: v)
    g = p.add_argument_group("common options")
    g.add_argument("--db", type=Path, default=d(None), metavar="PATH",
                   help="database file (default: $SMARTNET_DB, else the XDG data directory)")
    g.add_argument("--today", type=_today if check else str, default=d(None), metavar="YYYY-MM-DD",
                   help="reference date (default: $SMARTNET_TODAY, else the local date)")
    g.add_argument("--due-days", type=_days if check else str, default=d(None), metavar="N",
                   help="contracts ending within N days are due (default 60; see smartnet config)")
    g.add_argument("--review-days", type=_days if check else str, default=d(None), metavar="N",
                   help="contracts ending within N days are in review (default 120; see smartnet config)")
    g.add_argument("--date-order", choices=["mdy", "dmy"] if check else None, default=d(None),
                   help="order of numeric dates like 03/04/2026 in source files (default mdy)")
    g.add_argument("--demo", action="store_true", default=d(False),
                   help=f"use the bundled sample estate on {DEMO_TODAY} (a throw-away database)")


def build_parser(check_values: bool = True) -> _Parser:
    """The command line's grammar.

    ``check_values=False`` accepts any option value and prints nothing (no --help or
    --version): only to find which command a mistaken command line meant.
    """
    p = _Parser(
        prog="smartnet",
        description="Keep Cisco SMARTnet support contracts under control. "
        "With no command, opens the terminal UI.",
        add_help=check_values,
    )
    if check_values:
        p.add_argument("--version", action="version", version=f"smartnet {__version__}")
    _add_common(p, suppress=False, check=check_values)
    ui = p.add_argument_group("terminal UI")
    ui.add_argument("--watch", nargs="+", type=Path, default=[], metavar="FILE",
                    help="re-import these source files whenever they change")
    ui.add_argument("--no-mouse", action="store_true", help="send no mouse tracking (plain SSH)")
    ui.add_argument("--ascii", action="store_true", help="ASCII borders for poor terminals")
    ui.add_argument("--theme", metavar="NAME", help="colour theme (default: automatic; see smartnet config)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def cmd(name: str, help: str) -> _Parser:
        sp: _Parser = sub.add_parser(name, help=help, description=help, command=name,
                                     add_help=check_values)
        p.commands[name] = sp
        _add_common(sp, suppress=True, check=check_values)
        return sp

    sp = cmd("import", "import devices, contracts and EoX rows: YAML/JSON data files, CSV and XLSX "
             "exports (Service Contract Center, installed base), Cisco SN2INFO and EoX API JSON")
    sp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files to read; - reads standard input")
    sp.add_argument("--replace", action="store_true",
                    help="make the database equal to the files (delete what they do not hold)")
    sp.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    sp.add_argument("--sheet", metavar="NAME", help="XLSX: read this sheet (default: the first)")
    sp.add_argument("--add-devices", action="store_true",
                    help="add the serials of contract lines that the inventory does not hold "
                    "(otherwise they stay orphans)")
    commands.add_import_arguments(sp)

    lookup_command.add_arguments(cmd("lookup", lookup_command.HELP))

    sp = cmd("report", "coverage, renewals and alerts for the whole estate")
    fmt = sp.add_mutually_exclusive_group()
    fmt.add_argument("--json", dest="fmt", action="store_const", const="json")
    fmt.add_argument("--csv", dest="fmt", action="store_const", const="csv",
                     help="the renewal worklist, a row per contract line")
    fmt.add_argument("--markdown", dest="fmt", action="store_const", const="markdown",
                     help="the renewal worklist for a partner")
    fmt.add_argument("--xlsx", dest="fmt", action="store_const", const="xlsx",
                     help="the renewal worklist as a spreadsheet (needs -o FILE, or a redirect)")
    sp.add_argument("--all", action="store_true",
                    help="worklist: every contract, not only expired, due and in review")
    sp.add_argument("-o", "--output", type=Path, metavar="FILE",
                    help="write to FILE (written whole or not at all; - is standard output)")

    check_command.add_arguments(cmd("check", check_command.HELP), check_values)

    sp = cmd("export", "write the database out in the data format (YAML, or JSON)")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("-o", "--output", type=Path, metavar="FILE",
                    help="write to FILE (written whole or not at all; - is standard output)")

    sp = cmd("history", "the change journal: who changed what, when")
    sp.add_argument("--all", action="store_true",
                    help="also the entries moved to the archive beside the database (beyond the "
                         "newest 1,000 or older than 180 days) and every record of a large import")
    sp.add_argument("-n", "--limit", type=_count if check_values else str, default=20, metavar="N",
                    help="last N entries (0: all)")
    sp.add_argument("--json", action="store_true")

    fetch_command.add_arguments(cmd("fetch", fetch_command.HELP))
    request_command.add_arguments(cmd("request", request_command.HELP))
    quote_command.add_arguments(cmd("quote", quote_command.HELP),
                                lambda q: _add_common(q, suppress=True, check=check_values),
                                check_values)
    plan_command.add_arguments(cmd("plan", plan_command.HELP),
                               lambda q: _add_common(q, suppress=True, check=check_values),
                               check_values)
    timeline_command.add_arguments(cmd("timeline", timeline_command.HELP), check_values)
    settings_command.add_arguments(cmd("config", settings_command.HELP))
    completion_command.add_arguments(cmd("completion", completion_command.HELP))
    worklist_command.add_worklist_arguments(cmd("worklist", worklist_command.WORKLIST_HELP))
    worklist_command.add_triage_arguments(cmd("triage", worklist_command.TRIAGE_HELP))
    return p


def settings_from(args: argparse.Namespace) -> Settings:
    """Flags win, then the environment, then the config file (smartnet_tui.config.resolve)."""
    try:
        effective = resolve(flags_from(args))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return effective.settings(
        demo_db=make_demo_db() if args.demo else None,
        watch=tuple(getattr(args, "watch", ()) or ()),
        mouse=not getattr(args, "no_mouse", False),
        ascii=getattr(args, "ascii", False),
    )


def command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, even when an option value before it is wrong.

    Parsed with the same grammar, option values unchecked: in ``smartnet --today 2026-02-30
    check`` the mistake comes before argparse reaches ``check``, yet a monitoring system
    must get UNKNOWN; in ``smartnet lookup check --bogus``, ``check`` is a serial.
    """
    try:
        args, _ = build_parser(check_values=False).parse_known_args(argv)
    except UsageError as exc:
        return exc.command
    command: str | None = args.command
    return command


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command: str | None = None  # the parsed command decides how errors are reported
    try:
        try:
            args = build_parser().parse(argv)
        except UsageError as exc:
            command = exc.command or command_named(argv)
            raise
        command = args.command
        if command == "completion":  # needs no settings: works with a broken config file
            return completion_command.run(args, build_parser())
        settings = settings_from(args)  # also checks review_days >= due_days, wherever they came from
        if command == "config":
            return settings_command.run(args, settings)
        if command is None:
            # Imported here, not at the top: Textual only when the UI is wanted, so that
            # the commands never pay its start-up time (tests/test_layering.py checks).
            from smartnet_tui.tui.app import run_app

            return run_app(settings)
        # a write waiting for another writer's lock says so (once) instead of hanging mute
        on_lock_wait(lambda notice: print(f"smartnet: {notice}", file=sys.stderr, flush=True))
        return commands.run(command, args, settings)
    except UsageError as exc:
        return _fail(command, str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `smartnet report | head`
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0
    except StoreError as exc:
        return _fail(command, str(exc))
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        if os.environ.get("SMARTNET_DEBUG"):
            raise
        return _fail(command, f"internal error: {exc!r} (set SMARTNET_DEBUG=1 for a traceback)")


def _fail(command: str | None, message: str) -> int:
    message = inert(message)  # it may quote a file name or a value: never a terminal escape
    if command == "check":  # Nagios convention: UNKNOWN
        print(f"SMARTNET UNKNOWN - {message}")
        return 3
    print(f"smartnet: error: {message}", file=sys.stderr)
    return EXIT_USAGE
