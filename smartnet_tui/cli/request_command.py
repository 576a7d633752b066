"""``smartnet request [CONTRACT...] [--to DATE] [--csv | --xlsx | --markdown] -o FILE``:
the renewal request to send the partner, one row per line of the worklist's renewals
(expired, due, review), or of every renewal of the contracts named.

Columns in Cisco's vocabulary (:data:`~smartnet_tui.domain.partner_request.REQUEST_COLUMNS`),
actions ``renew``, ``terminate``, ``no action``; ISO dates in CSV, date cells in XLSX;
Markdown is a short summary for an email. Every text cell a spreadsheet would run as a
formula gets a leading ``'``. ``-o -`` (or no ``-o``) is standard output; a file is
written whole or not at all, never over the database.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from smartnet_tui.config import Settings
from smartnet_tui.domain.display import inert
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.partner_request import RequestError, request_rows
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.store.outputs import is_stdout
from smartnet_tui.store.request_file import output_format, request_summary, write_request

EXIT_OK, EXIT_ERROR = 0, 2

HELP = ("the renewal request for the partner: a row per line of the worklist's renewals "
        "(or of the contracts named) with the action to take (renew, terminate, no action)")


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def add_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("contracts", nargs="*", metavar="CONTRACT",
                    help="every renewal of these contracts (default: the worklist's expired, "
                    "due and in-review renewals)")
    sp.add_argument("--to", type=iso_date, metavar="YYYY-MM-DD",
                    help="co-term target: the requested end of every line to renew "
                    "(default: its end + 1 year), cut at its last date of support")
    fmt = sp.add_mutually_exclusive_group()
    fmt.add_argument("--csv", dest="fmt", action="store_const", const="csv",
                     help="CSV (the default, unless FILE ends in .xlsx or .md)")
    fmt.add_argument("--xlsx", dest="fmt", action="store_const", const="xlsx",
                     help="an Excel workbook: header row, frozen panes, date cells")
    fmt.add_argument("--markdown", dest="fmt", action="store_const", const="markdown",
                     help="a short summary for an email")
    sp.add_argument("-o", "--output", type=Path, metavar="FILE",
                    help="write to FILE ('-': standard output, the default)")


def cmd_request(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.db_path.exists():
        raise StoreError(f"{settings.db_path}: no database yet (import some data with "
                         "`smartnet import FILE`, or try `smartnet --demo`)")
    policy = Policy(settings.reference_date(), settings.due_days, settings.review_days)
    analysis = Analysis(Store(settings.db_path).load(), policy)
    if args.to is not None and args.to < policy.today:
        print(f"smartnet: error: request --to {args.to} is before today ({policy.today}): "
              "a co-term target is a future end date", file=sys.stderr)
        return EXIT_ERROR
    try:
        rows = request_rows(analysis, args.contracts, args.to)
    except RequestError as exc:
        print(f"smartnet: error: {inert(exc)}", file=sys.stderr)
        return EXIT_ERROR
    fmt = output_format(args.fmt, args.output)
    write_request(rows, fmt, args.output, policy.today, args.to, protect=(settings.db_path,))
    if not is_stdout(args.output):
        print(f"{inert(args.output)}: {request_summary(rows)}", file=sys.stderr)
    return EXIT_OK
