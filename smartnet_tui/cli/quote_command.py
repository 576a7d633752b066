"""``smartnet quote check|import|list``: a partner's renewal quote checked line by line
against the estate, and kept with the renewals it quotes.

- ``quote check FILE... [--to DATE] [--max-increase PCT] [--json]``: a summary line, then
  the findings, most severe first (then by serial). Exit 0 when no finding is high or
  worse, 1 when one is, 2 when a file cannot be read (one line per problem, naming the
  file, row and column; nothing is checked).
- ``quote import FILE... --name NAME``: stores the quote (one journal entry; the same name
  replaces it) and moves each renewal it quotes from ``to review`` or ``quote requested``
  to ``quote received`` in the same write. Exit 0 whatever the findings, which it prints.
- ``quote list [--json]``: the stored quotes, with their findings as the estate stands now.
- ``quote delete NAME``: forget a stored quote (one journal entry).

The rules are the domain's (:mod:`smartnet_tui.domain.quote_check`); docs/cli.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from smartnet_tui.cli.json_out import json_text as json_text  # re-exported: older importers
from smartnet_tui.cli.request_command import iso_date
from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import Change, DeleteQuote, PutQuote
from smartnet_tui.domain.display import inert
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.money import AmountError, parse_percent
from smartnet_tui.domain.quote_check import (
    DEFAULT_MAX_INCREASE,
    QuoteCheck,
    check_json,
    check_quote,
    quote_received_changes,
    renewals_to_receive,
    summary_line,
    totals_text,
)
from smartnet_tui.domain.quotes import Quote, QuoteLine
from smartnet_tui.imports.quotes import QuoteError, read_quote_files
from smartnet_tui.store.db import Store, StoreError, current_user

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

HELP = "check a partner's renewal quote against the estate, and keep it with the renewals"


def percent(value: str) -> Decimal:
    try:  # the one percentage grammar and bound (0 to 1000) of every command
        return parse_percent(value)
    except AmountError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(
    sp: argparse.ArgumentParser,
    common: Callable[[argparse.ArgumentParser], None],
    check_values: bool = True,
) -> None:
    """The ``quote`` actions as sub-commands of ``sp`` (each with the common options)."""
    sub = sp.add_subparsers(dest="quote_command", metavar="ACTION", parser_class=type(sp))
    sub.required = True

    def action(name: str, help: str) -> argparse.ArgumentParser:
        extra: dict[str, Any] = {"command": f"quote {name}"} if hasattr(sp, "command") else {}
        p: argparse.ArgumentParser = sub.add_parser(
            name, help=help, description=help, add_help=check_values, **extra)
        common(p)
        return p

    def checking(p: argparse.ArgumentParser) -> None:
        p.add_argument("--to", type=iso_date if check_values else str, metavar="YYYY-MM-DD",
                       help="co-term target: a quoted end of a line to renew that is not it "
                       "(cut at the line's last date of support) is off target")
        p.add_argument("--max-increase", type=percent if check_values else str,
                       default=DEFAULT_MAX_INCREASE, metavar="PCT",
                       help="yearly price increase allowed over a line's annual cost "
                       f"(default {DEFAULT_MAX_INCREASE}%%)")

    p = action("check", "check quote files against the estate (exit 0: nothing high or "
               "worse, 1: a high or critical finding, 2: a file cannot be read)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="CSV or XLSX quote files")
    checking(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = action("import", "store a quote with the renewals it quotes (the same name replaces "
               "it); renewals at 'to review' or 'quote requested' move to 'quote received'")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="CSV or XLSX quote files")
    p.add_argument("--name", required=True, metavar="NAME", help="the name the quote is kept under")
    checking(p)

    p = action("list", "the stored quotes, with their findings as the estate stands now")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = action("delete", "forget a stored quote (one journal entry; renewals keep their state)")
    p.add_argument("name", metavar="NAME")


def dump_json(obj: object) -> None:
    sys.stdout.write(json_text(obj) + "\n")


def _require_db(settings: Settings) -> None:
    if not settings.db_path.exists():
        raise StoreError(f"{settings.db_path}: no database yet (import some data with "
                         "`smartnet import FILE`, or try `smartnet --demo`)")


def _analysis(settings: Settings, store: Store | None = None) -> Analysis:
    _require_db(settings)
    store = store or Store(settings.db_path)
    return Analysis(store.load(),
                    Policy(settings.reference_date(), settings.due_days, settings.review_days))


def _read(files: Sequence[Path], settings: Settings) -> list[QuoteLine] | None:
    """The quote lines of every file; None after printing each problem when one cannot be
    read (one line each: file, row, column)."""
    try:
        read = read_quote_files(files, settings.date_order)
    except QuoteError as exc:
        for problem in exc.problems:
            print(f"smartnet: error: {inert(problem)}", file=sys.stderr)
        n = len(exc.problems)
        print(f"smartnet: {n} error{'s' * (n != 1)} in the quote: nothing was checked",
              file=sys.stderr)
        return None
    for qf in read:
        for w in qf.warnings:
            print(f"smartnet: warning: {inert(w)}", file=sys.stderr)
    return [line for qf in read for line in qf.lines]


def finding_lines(result: QuoteCheck) -> list[str]:
    """The findings as plain text, most severe first."""
    out = []
    for f in result.findings:
        out.append(f"  {f.severity:<8} {f.kind:<15} {inert(f.serial):<14} "
                   f"{inert(f.contract or '-'):<12} {inert(f.message)}")
    return out


def print_check(result: QuoteCheck, files: Sequence[str]) -> None:
    print(inert(summary_line(result, files)))
    for line in finding_lines(result):
        print(line)


def cmd_quote(args: argparse.Namespace, settings: Settings) -> int:
    handler = {"check": _check, "import": _import, "list": _list,
               "delete": _delete}[args.quote_command]
    return handler(args, settings)


def _check(args: argparse.Namespace, settings: Settings) -> int:
    analysis = _analysis(settings)
    lines = _read(args.files, settings)
    if lines is None:
        return EXIT_ERROR
    files = [str(f) for f in args.files]
    result = check_quote(lines, analysis, target=args.to, max_increase=args.max_increase)
    if args.json:
        dump_json(check_json(result, files))
    else:
        print_check(result, files)
    return EXIT_FINDINGS if result.serious else EXIT_OK


def _import(args: argparse.Namespace, settings: Settings) -> int:
    name = " ".join(str(args.name).split())
    if not name:
        print("smartnet: error: --name: a quote needs a name", file=sys.stderr)
        return EXIT_ERROR
    _require_db(settings)
    lines = _read(args.files, settings)
    if lines is None:
        return EXIT_ERROR
    files = tuple(str(f) for f in args.files)
    store = Store(settings.db_path)
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    with store.locked():  # decided against the database as it is while nobody else writes
        analysis = _analysis(settings, store)
        replaced = name in analysis.estate.quotes
        result = check_quote(lines, analysis, target=args.to, max_increase=args.max_increase)
        quote = Quote(name, files, tuple(lines), imported=now)
        old = analysis.estate.quotes.get(name)
        changes: list[Change] = []
        if old is None or (old.files, old.lines) != (quote.files, quote.lines):
            changes.append(PutQuote(quote))
        n_moved = len(renewals_to_receive(analysis, result))
        changes.extend(quote_received_changes(analysis, result, user=current_user(), at=now))
        entry = store.apply(changes, f"quote import {name}", detail={"files": list(files)}) \
            if changes else None
    if entry is None:
        print(f"quote {inert(name)}: unchanged ({len(lines)} lines)")
    else:
        verb = "replaced" if replaced else "stored"
        moved_text = (f"; {n_moved} renewal{'s' * (n_moved != 1)} moved to 'quote received'"
                      if n_moved else "")
        print(f"quote {inert(name)}: {verb} ({len(lines)} line{'s' * (len(lines) != 1)})"
              f"{moved_text}")
    print_check(result, list(files))
    return EXIT_OK


def _delete(args: argparse.Namespace, settings: Settings) -> int:
    _require_db(settings)
    store = Store(settings.db_path)
    with store.locked():
        if args.name not in store.load().quotes:
            print(f"smartnet: error: no quote named {inert(args.name)!r} (see smartnet quote list)",
                  file=sys.stderr)
            return EXIT_ERROR
        store.apply([DeleteQuote(args.name)], f"quote delete {args.name}")
    print(f"quote {inert(args.name)}: deleted")
    return EXIT_OK


def _list(args: argparse.Namespace, settings: Settings) -> int:
    analysis = _analysis(settings)
    quotes = sorted(analysis.estate.quotes.values(), key=lambda q: q.name)
    rows = []
    for q in quotes:
        result = check_quote(q.lines, analysis)
        rows.append((q, result))
    if args.json:
        dump_json([{
            "name": q.name,
            "files": list(q.files),
            "imported": q.imported,
            "lines": len(q.lines),
            "total": dict(r.totals),
            "renewals": [{"contract": c, "end": e.isoformat()} for c, e in r.renewals],
            "findings": r.counts(),
        } for q, r in rows])
        return EXIT_OK
    if not rows:
        print("no quotes stored (smartnet quote import FILE --name NAME)")
        return EXIT_OK
    print(f"{'NAME':<20} {'IMPORTED':<25} {'LINES':>5}  {'FINDINGS':<28} TOTAL")
    for q, r in rows:
        counts = r.counts()
        findings = ", ".join(f"{v} {s}" for s, v in counts.items() if v) or "none"
        print(f"{inert(q.name):<20} {inert(q.imported or '-'):<25} {len(q.lines):>5}  "
              f"{findings:<28} {totals_text(r.totals)}")
    return EXIT_OK
