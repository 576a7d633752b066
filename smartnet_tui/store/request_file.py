"""The renewal request written out (``smartnet request -o FILE`` and the app's Worklist
``e``): CSV with ISO dates, an XLSX workbook (header row, frozen panes, date cells, column
widths) or the Markdown summary, whole or not at all and never over the database. Every
text cell a spreadsheet would run as a formula gets a leading ``'``.

The rows come from :func:`smartnet_tui.domain.partner_request.request_rows`.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from smartnet_tui.domain.display import inert, spreadsheet_cell
from smartnet_tui.domain.partner_request import (
    DATE_COLUMNS,
    REQUEST_COLUMNS,
    RequestRow,
    markdown_summary,
)
from smartnet_tui.store.db import StoreError
from smartnet_tui.store.outputs import atomic_output, is_stdout, write_output_bytes
from smartnet_tui.store.xlsx_writer import xlsx_bytes

FORMATS = ("csv", "xlsx", "markdown")
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "markdown": ".md"}


def output_format(fmt: str | None, output: Path | str | None) -> str:
    """The format asked for, else the one FILE's extension names, else CSV."""
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower() if output is not None and not is_stdout(output) else ""
    return {".xlsx": "xlsx", ".md": "markdown", ".markdown": "markdown"}.get(suffix, "csv")


def _csv_cell(value: object, terminal: bool = False) -> object:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_cell(value, terminal)


def csv_text(rows: Sequence[RequestRow], terminal: bool = False) -> str:
    """The request as CSV: ISO dates, control characters and formula-looking text made
    inert (``terminal``: line breaks and tabs in cells too)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(REQUEST_COLUMNS)
    for row in rows:
        cells = row.cells()
        w.writerow([_csv_cell(cells[c], terminal) for c in REQUEST_COLUMNS])
    return buf.getvalue()


def xlsx_payload(rows: Sequence[RequestRow]) -> bytes:
    """The request as a workbook (header row, frozen panes, date cells, column widths)."""
    return xlsx_bytes(REQUEST_COLUMNS, [row.cells() for row in rows], sheet="Renewal request",
                      date_columns=DATE_COLUMNS)


def write_request(rows: Sequence[RequestRow], fmt: str, output: Path | str | None, today: date,
                  target: date | None = None, protect: Sequence[Path] = ()) -> None:
    """Write the request in ``fmt`` to ``output`` (None or '-': stdout); StoreError (one
    line) when it cannot be written."""
    if fmt == "xlsx":
        if is_stdout(output) and sys.stdout.isatty():
            raise StoreError("an XLSX workbook is not for a terminal: give -o FILE.xlsx")
        write_output_bytes(output, xlsx_payload(rows), protect=protect)
        return
    with atomic_output(output, protect=protect) as out:
        if fmt == "markdown":
            out.write(inert(markdown_summary(rows, today, target), keep="\n"))
        else:
            out.write(csv_text(rows, out.isatty()))


def request_summary(rows: Sequence[RequestRow]) -> str:
    """``10 lines (8 renew, 2 terminate, 0 no action)``."""
    counts = {a: sum(1 for r in rows if r.action == a) for a in ("renew", "terminate", "no action")}
    parts = ", ".join(f"{n} {a}" for a, n in counts.items())
    return f"{len(rows)} line{'s' * (len(rows) != 1)} ({parts})"
