"""Tables written as a real spreadsheet (``report --xlsx``; the renewal request of issue
10 reuses it): a bold header row frozen above the data with a filter on it, dates as
date cells (shown ``yyyy-mm-dd``), numbers as numbers, each column as wide as its content
(within limits), and every text cell a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``, tab, CR first) given a leading ``'`` (:func:`smartnet_tui.domain.display.spreadsheet_cell`).

openpyxl is imported inside :func:`xlsx_bytes`, not at the top: it takes a noticeable
part of a second to import, and only this output needs it (the CLI's start-up stays fast).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from smartnet_tui.domain.display import spreadsheet_cell

DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 6, 60


def cell_value(value: Any, is_date: bool = False) -> Any:
    """What a cell holds: a date for a date column (an ISO text is parsed), a number as a
    number, None as an empty cell, other text made inert."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if is_date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value
    return spreadsheet_cell(str(value))


def _shown_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, float | Decimal):
        return len(f"{value:,.2f}")
    return max((len(part) for part in str(value).splitlines()), default=0)


def xlsx_bytes(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    sheet: str = "Sheet1",
    date_columns: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
    money_columns: Iterable[str] = (),
) -> bytes:
    """One sheet: ``columns`` (keys of each row) under a header row (``headers`` renames
    them), ``date_columns`` as date cells, ``money_columns`` with two decimals."""
    # Imported here, not at the top: openpyxl is slow to import and only XLSX output needs
    # it (keeps it off the CLI's start-up).
    from openpyxl import Workbook  # (see above: only XLSX output needs openpyxl)
    from openpyxl.styles import Font  # (idem)
    from openpyxl.utils import get_column_letter  # (idem)

    dates = set(date_columns)
    money = set(money_columns)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet[:31]
    titles = [spreadsheet_cell((headers or {}).get(c, c)) for c in columns]
    ws.append(titles)
    widths = [len(str(t)) for t in titles]
    n = 0
    for row in rows:
        values = [cell_value(row.get(c), c in dates) for c in columns]
        ws.append(values)
        n += 1
        for i, v in enumerate(values):
            widths[i] = max(widths[i], _shown_width(v))
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    for i, c in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = min(max(widths[i - 1] + 2, MIN_WIDTH), MAX_WIDTH)
        if c in dates or c in money:
            fmt = DATE_FORMAT if c in dates else "#,##0.00"
            for (cell,) in ws.iter_rows(min_row=2, max_row=n + 1, min_col=i, max_col=i):
                if cell.value is not None:
                    cell.number_format = fmt
    ws.freeze_panes = "A2"  # the header stays in view while scrolling
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
