"""The scriptable command line: ``smartnet [import|lookup|report|check|export|history]``.

With no command it opens the TUI (imported lazily: the CLI never pays Textual's import
time). Each command's module is imported only when that command's parser is needed (the
command runs, its ``--help``, a completion script): ``smartnet`` with no command, the app's
path to its first screen, loads none of them (httpx, the planner, the quote readers...).
User mistakes are one line on stderr and exit code 2 (3 for ``check``), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from smartnet_tui import __version__
from smartnet_tui.cli import completion_command, settings_command
from smartnet_tui.config import DEMO_TODAY, ConfigError, Settings, flags_from, resolve
from smartnet_tui.domain.display import inert
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

    def __init__(self, *args: Any, command: str | None = None,
                 arguments: Callable[[_Parser], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.command = command  # None for the top-level parser
        self.commands: dict[str, _Parser] = {}  # the top-level parser's subcommands
        self._arguments = arguments  # a command's own arguments, added on first need

    def built(self) -> _Parser:
        """This parser with its command's own arguments added (once, on first need)."""
        if self._arguments is not None:
            add, self._arguments = self._arguments, None
            add(self)
        return self

    # A command's arguments are added when its parser first parses or prints: argparse
    # hands the rest of the command line to the chosen command's parser only.
    def parse_known_args(  # type: ignore[override]  # typeshed overloads on the namespace type
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None,
    ) -> tuple[argparse.Namespace, list[str]]:
        self.built()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self.built()
        return super().format_usage()

    def format_help(self) -> str:
        self.built()
        return super().format_help()

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


# ------------------------------------------------------------------ the commands
# Each command's arguments are added by a function that imports the command's module, so
# that a module is loaded only when its own parser is needed (every import in these
# functions is there for that, and the app's start-up loads none of them:
# tests/cli/test_lazy_commands.py). ``check`` is whether option values are checked.
def _import_arguments(sp: _Parser, check: bool) -> None:
    sp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files to read; - reads standard input")
    sp.add_argument("--replace", action="store_true",
                    help="make the database equal to the files (delete what they do not hold)")
    sp.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    sp.add_argument("--sheet", metavar="NAME", help="XLSX: read this sheet (default: the first)")
    sp.add_argument("--add-devices", action="store_true",
                    help="add the serials of contract lines that the inventory does not hold "
                    "(otherwise they stay orphans)")
    sp.add_argument("--json", action="store_true",
                    help="print what was read and the change counts as JSON")
    sp.add_argument("-q", "--quiet", action="store_true",
                    help="no progress bar and no summary (warnings and errors still show)")


def _lookup_arguments(sp: _Parser, check: bool) -> None:
    from smartnet_tui.cli import lookup_command  # only when its parser is needed (see above)

    lookup_command.add_arguments(sp)


def _report_arguments(sp: _Parser, check: bool) -> None:
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


def _check_arguments(sp: _Parser, check: bool) -> None:
    from smartnet_tui.cli import check_command  # only when its parser is needed (see above)

    check_command.add_arguments(sp, check)


def _export_arguments(sp: _Parser, check: bool) -> None:
    sp.add_argument("--json", action="store_true")
    sp.add_argument("-o", "--output", type=Path, metavar="FILE",
                    help="write to FILE (written whole or not at all; - is standard output)")


def _history_arguments(sp: _Parser, check: bool) -> None:
    sp.add_argument("--all", action="store_true",
                    help="also the entries moved to the archive beside the database (beyond the "
                         "newest 1,000 or older than 180 days) and every record of a large import")
    sp.add_argument("-n", "--limit", type=_count if check else str, default=20, metavar="N",
                    help="last N entries (0: all)")
    sp.add_argument("--json", action="store_true")


def _fetch_arguments(sp: _Parser, check: bool) -> None:
    from smartnet_tui.cli import fetch_command  # only when its parser is needed (see above)

    fetch_command.add_arguments(sp)


def _request_arguments(sp: _Parser, check: bool) -> None:
    from smartnet_tui.cli import request_command  # only when its parser is needed (see above)

    request_command.add_arguments(sp)


def _quote_arguments(sp: _Parser, check: bool) -> None:
    from smartnet_tui.cli import quote_command  # only when its parser is needed (see above)

    quote_command.add_arguments(sp, lambda q: _add_common(q, suppress=True, check=check), check)


def _plan_arguments(sp: _Parser, check: bool) -> None:
    from smartnet_tui.cli import plan_command  # only when its parser is needed (see above)

    plan_command.add_arguments(sp, lambda q: _add_common(q, suppress=True, check=check), check)


def _timeline_arguments(sp: _Parser, check: bool) -> None:
    from smartnet_tui.cli import timeline_command  # only when its parser is needed (see above)

    timeline_command.add_arguments(sp, check)


def _config_arguments(sp: _Parser, check: bool) -> None:
    settings_command.add_arguments(sp)


def _completion_arguments(sp: _Parser, check: bool) -> None:
    completion_command.add_arguments(sp)


def _worklist_arguments(sp: _Parser, check: bool) -> None:
    from smartnet_tui.cli import worklist_command  # only when its parser is needed (see above)

    worklist_command.add_worklist_arguments(sp)


def _triage_arguments(sp: _Parser, check: bool) -> None:
    from smartnet_tui.cli import worklist_command  # only when its parser is needed (see above)

    worklist_command.add_triage_arguments(sp)


class Command(NamedTuple):
    """A subcommand: its name, its help (``smartnet --help`` lists it, ``smartnet NAME
    --help`` starts with it) and the function adding its arguments."""

    name: str
    help: str
    arguments: Callable[[_Parser, bool], None]


# In the order ``smartnet --help`` lists them. The help of a command whose module has a
# HELP of its own is the same text (tests/cli/test_lazy_commands.py): written here so that
# listing the commands imports none of them.
COMMANDS: tuple[Command, ...] = (
    Command("import", "import devices, contracts and EoX rows: YAML/JSON data files, CSV and XLSX "
            "exports (Service Contract Center, installed base), Cisco SN2INFO and EoX API JSON",
            _import_arguments),
    Command("lookup", "is this serial, hostname or contract covered, and until when? "
            "(exit 0 covered, 1 not, 3 unknown; several: the highest)", _lookup_arguments),
    Command("report", "coverage, renewals and alerts for the whole estate", _report_arguments),
    Command("check", "monitoring check, Nagios plugin convention "
            "(exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; see docs/cli.md)", _check_arguments),
    Command("export", "write the database out in the data format (YAML, or JSON)", _export_arguments),
    Command("history", "the change journal: who changed what, when", _history_arguments),
    Command("fetch", "fetch coverage (SN2INFO) and end-of-life dates (EoX) from Cisco's Support "
            "APIs and import them", _fetch_arguments),
    Command("request", "the renewal request for the partner: a row per line of the worklist's "
            "renewals (or of the contracts named) with the action to take (renew, terminate, "
            "no action)", _request_arguments),
    Command("quote", "check a partner's renewal quote against the estate, and keep it with the "
            "renewals", _quote_arguments),
    Command("plan", "plan renewals: co-term a service level onto one end date, compare multi-year "
            "terms, or see what retiring devices or dropping contracts would change",
            _plan_arguments),
    Command("timeline", "the months ahead: renewals ending, devices reaching their last date to "
            "renew and of support, month by month", _timeline_arguments),
    Command("config", settings_command.HELP, _config_arguments),
    Command("completion", completion_command.HELP, _completion_arguments),
    Command("worklist", "the renewals to decide, most urgent first: expired, due and in review "
            "(--all: every renewal), with their lines' dispositions", _worklist_arguments),
    Command("triage", "set a renewal's triage state (and owner, note): to review, quote "
            "requested, quote received, PO raised, ordered, do not renew", _triage_arguments),
)


def build_parser(check_values: bool = True, *, every_command: bool = True) -> _Parser:
    """The command line's grammar.

    ``check_values=False`` accepts any option value and prints nothing (no --help or
    --version): only to find which command a mistaken command line meant.
    ``every_command=False`` adds a command's arguments only when its parser first parses
    or prints (importing its module then): what :func:`main` uses, so that a command line
    loads only its own command. The default builds them all (a completion script, tests).
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

    def add(arguments: Callable[[_Parser, bool], None], sp: _Parser) -> None:
        _add_common(sp, suppress=True, check=check_values)
        arguments(sp, check_values)

    for name, help, arguments in COMMANDS:
        p.commands[name] = sub.add_parser(name, help=help, description=help, command=name,
                                          add_help=check_values, arguments=partial(add, arguments))
        if every_command:
            p.commands[name].built()
    return p


def settings_from(args: argparse.Namespace) -> Settings:
    """Flags win, then the environment, then the config file (smartnet_tui.config.resolve)."""
    try:
        effective = resolve(flags_from(args))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if args.demo:
        # Imported here, not at the top: only --demo builds the sample estate (the importers).
        from smartnet_tui.imports.demo import make_demo_db

        demo_db: Path | None = make_demo_db()
    else:
        demo_db = None
    return effective.settings(
        demo_db=demo_db,
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
        args, _ = build_parser(check_values=False, every_command=False).parse_known_args(argv)
    except UsageError as exc:
        return exc.command
    command: str | None = args.command
    return command


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command: str | None = None  # the parsed command decides how errors are reported
    try:
        try:
            args = build_parser(every_command=False).parse(argv)
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
        # Imported here, not at the top: the app's start (no command) never loads them.
        from smartnet_tui.cli import commands

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
