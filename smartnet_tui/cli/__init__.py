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

from smartnet_tui import __version__
from smartnet_tui.config import DEMO_TODAY, Settings
from smartnet_tui.domain.dates import DateOrder

EXIT_USAGE = 2


class UsageError(Exception):
    """A user mistake: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + error
        raise UsageError(f"{message} (see smartnet {self._sub_hint()}--help)")

    def _sub_hint(self) -> str:
        parts = self.prog.split()
        return f"{parts[-1]} " if len(parts) > 1 else ""


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


def _add_common(p: argparse.ArgumentParser, suppress: bool) -> None:
    d = (lambda v: argparse.SUPPRESS) if suppress else (lambda v: v)
    g = p.add_argument_group("common options")
    g.add_argument("--db", type=Path, default=d(None), metavar="PATH",
                   help="database file (default: $SMARTNET_DB, else the XDG data directory)")
    g.add_argument("--today", type=_today, default=d(None), metavar="YYYY-MM-DD",
                   help="reference date (default: $SMARTNET_TODAY, else the local date)")
    g.add_argument("--due-days", type=_days, default=d(60), metavar="N",
                   help="contracts ending within N days are due (default 60)")
    g.add_argument("--review-days", type=_days, default=d(120), metavar="N",
                   help="contracts ending within N days are in review (default 120)")
    g.add_argument("--date-order", choices=["mdy", "dmy"], default=d("mdy"),
                   help="order of numeric dates like 03/04/2026 in source files (default mdy)")
    g.add_argument("--demo", action="store_true", default=d(False),
                   help=f"use the bundled sample estate on {DEMO_TODAY} (a throw-away database)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="smartnet",
        description="Keep Cisco SMARTnet support contracts under control. "
        "With no command, opens the terminal UI.",
    )
    p.add_argument("--version", action="version", version=f"smartnet {__version__}")
    _add_common(p, suppress=False)
    ui = p.add_argument_group("terminal UI")
    ui.add_argument("--watch", nargs="+", type=Path, default=[], metavar="FILE",
                    help="re-import these source files whenever they change")
    ui.add_argument("--no-mouse", action="store_true", help="send no mouse tracking (plain SSH)")
    ui.add_argument("--ascii", action="store_true", help="ASCII borders for poor terminals")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def cmd(name: str, help: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        _add_common(sp, suppress=True)
        return sp

    sp = cmd("import", "import devices, contracts and EoX rows: YAML/JSON data files, CSV and XLSX "
             "exports (Service Contract Center, installed base), Cisco SN2INFO and EoX API JSON")
    sp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    sp.add_argument("--replace", action="store_true",
                    help="make the database equal to the files (delete what they do not hold)")
    sp.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    sp.add_argument("--sheet", metavar="NAME", help="XLSX: read this sheet (default: the first)")
    sp.add_argument("--add-devices", action="store_true",
                    help="add the serials of contract lines that the inventory does not hold "
                    "(otherwise they stay orphans)")

    sp = cmd("lookup", "is this serial covered, and until when? (exit 0 covered, 1 not, 3 unknown)")
    sp.add_argument("serial")
    sp.add_argument("--json", action="store_true", help="machine-readable output")

    sp = cmd("report", "coverage, renewals and alerts for the whole estate")
    fmt = sp.add_mutually_exclusive_group()
    fmt.add_argument("--json", dest="fmt", action="store_const", const="json")
    fmt.add_argument("--csv", dest="fmt", action="store_const", const="csv",
                     help="the renewal worklist, a row per contract line")
    fmt.add_argument("--markdown", dest="fmt", action="store_const", const="markdown",
                     help="the renewal worklist for a partner")
    sp.add_argument("--all", action="store_true",
                    help="worklist: every contract, not only expired, due and in review")
    sp.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")

    cmd("check", "monitoring check, Nagios plugin convention (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)")

    sp = cmd("export", "write the database out in the data format (YAML, or JSON)")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")

    sp = cmd("history", "the change journal: who changed what, when")
    sp.add_argument("-n", "--limit", type=_count, default=20, metavar="N", help="last N entries (0: all)")
    sp.add_argument("--json", action="store_true")
    return p


def settings_from(args: argparse.Namespace) -> Settings:
    from smartnet_tui.store.db import default_db_path

    today = args.today
    if today is None and os.environ.get("SMARTNET_TODAY"):
        try:
            today = date.fromisoformat(os.environ["SMARTNET_TODAY"])
        except ValueError:
            raise UsageError(f"SMARTNET_TODAY={os.environ['SMARTNET_TODAY']!r} is not a date (YYYY-MM-DD)") from None
    if args.demo:
        from smartnet_tui.store.demo import make_demo_db

        db = make_demo_db()
        today = today or DEMO_TODAY
    else:
        db = args.db or default_db_path()
    return Settings(
        db_path=db,
        today=today,
        due_days=args.due_days,
        review_days=args.review_days,
        date_order=DateOrder(args.date_order),
        demo=args.demo,
        watch=tuple(getattr(args, "watch", ()) or ()),
        mouse=not getattr(args, "no_mouse", False),
        ascii=getattr(args, "ascii", False),
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Known before parsing, so that `check` with a bad option still answers UNKNOWN (3).
    command = "check" if "check" in argv else None
    try:
        args = build_parser().parse_args(argv)
        command = args.command
        if args.review_days < args.due_days:
            raise UsageError("--review-days must be at least --due-days")
        settings = settings_from(args)
        if command is None:
            from smartnet_tui.tui.app import run_app  # Textual only when the UI is wanted

            return run_app(settings)
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
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        from smartnet_tui.store.db import StoreError

        if isinstance(exc, StoreError):
            return _fail(command, str(exc))
        if os.environ.get("SMARTNET_DEBUG"):
            raise
        return _fail(command, f"internal error: {exc!r} (set SMARTNET_DEBUG=1 for a traceback)")


def _fail(command: str | None, message: str) -> int:
    if command == "check":  # Nagios convention: UNKNOWN
        print(f"SMARTNET UNKNOWN - {message}")
        return 3
    print(f"smartnet: error: {message}", file=sys.stderr)
    return EXIT_USAGE
