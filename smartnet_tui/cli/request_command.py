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
import csv
import io
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from smartnet_tui.config import Settings
from smartnet_tui.domain.display import inert, spreadsheet_cell
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.partner_request import (
    DATE_COLUMNS,
    REQUEST_COLUMNS,
    RequestError,
    RequestRow,
    markdown_summary,
    request_rows,
)
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.store.outputs import atomic_output, is_stdout, write_output_bytes
from smartnet_tui.store.xlsx_writer import xlsx_bytes

EXIT_OK, EXIT_ERROR = 0, 2
FORMATS = ("csv", "xlsx", "markdown")

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


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the one FILE's extension names, else CSV."""
    if fmt:
        return fmt
    suffix = output.suffix.lower() if output is not None and not is_stdout(output) else ""
    return {".xlsx": "xlsx", ".md": "markdown", ".markdown": "markdown"}.get(suffix, "csv")


def csv_text(rows: Sequence[RequestRow]) -> str:
    """The request as CSV: ISO dates, formula-looking text made inert."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(REQUEST_COLUMNS)
    for row in rows:
        cells = row.cells()
        w.writerow([_csv_cell(cells[c]) for c in REQUEST_COLUMNS])
    return buf.getvalue()


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_cell(value)


def xlsx_payload(rows: Sequence[RequestRow]) -> bytes:
    """The request as a workbook (header row, frozen panes, date cells, column widths)."""
    return xlsx_bytes(REQUEST_COLUMNS, [row.cells() for row in rows], sheet="Renewal request",
                      date_columns=DATE_COLUMNS)


def write_request(rows: Sequence[RequestRow], fmt: str, output: Path | None, today: date,
                  target: date | None, protect: Sequence[Path] = ()) -> None:
    """Write the request in ``fmt`` to ``output`` (None or '-': stdout). The app's
    Worklist (``e``) writes through this too."""
    if fmt == "xlsx":
        if is_stdout(output) and sys.stdout.isatty():
            raise StoreError("an XLSX workbook is not for a terminal: give -o FILE.xlsx")
        write_output_bytes(output, xlsx_payload(rows), protect=protect)
        return
    with atomic_output(output, protect=protect) as out:
        if fmt == "markdown":
            out.write(inert(markdown_summary(rows, today, target), keep="\n"))
        else:
            out.write(csv_text(rows))


def cmd_request(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.db_path.exists():
        raise StoreError(f"{settings.db_path}: no database yet (import some data with "
                         "`smartnet import FILE`, or try `smartnet --demo`)")
    policy = Policy(settings.reference_date(), settings.due_days, settings.review_days)
    analysis = Analysis(Store(settings.db_path).load(), policy)
    try:
        rows = request_rows(analysis, args.contracts, args.to)
    except RequestError as exc:
        print(f"smartnet: error: {inert(exc)}", file=sys.stderr)
        return EXIT_ERROR
    fmt = output_format(args.fmt, args.output)
    write_request(rows, fmt, args.output, policy.today, args.to, protect=(settings.db_path,))
    if not is_stdout(args.output):
        counts = {a: sum(1 for r in rows if r.action == a) for a in ("renew", "terminate", "no action")}
        parts = ", ".join(f"{n} {a}" for a, n in counts.items())
        print(f"{inert(args.output)}: {len(rows)} line{'s' * (len(rows) != 1)} ({parts})",
              file=sys.stderr)
    return EXIT_OK
