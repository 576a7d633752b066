"""A partner's renewal quote read from CSV or XLSX (``smartnet quote check|import``).

Read through the same tables as every export (:mod:`smartnet_tui.imports.tables`): any
encoding and delimiter Excel writes, banner rows above the header, Excel dates, the same
date rules (``--date-order``). Columns are matched through the one alias table
(``aliases.json``): its ``fields`` and its ``quote_fields`` (Duration, Quantity, Unit List
Price, Extended Net Price). Errors name the file, the row as Excel numbers it and the column
as the file spells it; one bad cell makes the whole file unreadable (nothing is half read).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from smartnet_tui.domain.dates import DateOrder, parse_date
from smartnet_tui.domain.money import AmountError, parse_currency, parse_decimal
from smartnet_tui.domain.quotes import QuoteLine
from smartnet_tui.domain.serials import normalise_serial, serial_problem
from smartnet_tui.imports.parsed import Problem
from smartnet_tui.imports.sources import SourceError, detect_format
from smartnet_tui.imports.tables import (
    HEADER_SEARCH_ROWS,
    alias_table,
    csv_rows,
    norm_header,
    xlsx_rows,
)

# The fields a quote line reads (the others of the alias table are ignored).
QUOTE_FIELDS = ("contract", "serial", "pid", "service_level", "sku", "start", "end", "months",
                "quantity", "unit_list_price", "net_price", "currency")
T = TypeVar("T")
_NOT_A_VALUE = frozenset({"", "-", "--", "n/a", "na", "none", "null", "tbd"})


@lru_cache(maxsize=1)
def quote_alias_table() -> dict[str, list[str]]:
    """Field -> headers: the quote's own columns (``quote_fields``) first, then the shared
    ``fields`` of the alias table, for the fields a quote reads."""
    raw = json.loads(resources.files("smartnet_tui.imports").joinpath("aliases.json")
                     .read_text("utf-8"))
    own: dict[str, list[str]] = {k: v for k, v in raw.get("quote_fields", {}).items()
                                 if not k.startswith("_")}
    shared = alias_table()
    out: dict[str, list[str]] = {}
    for fld in QUOTE_FIELDS:
        out[fld] = [*shared.get(fld, []), *own.get(fld, [])]
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for fld, names in quote_alias_table().items():
        for rank, name in enumerate(names):
            out.setdefault(norm_header(name), (fld, rank))
    return out


def map_quote_headers(headers: Sequence[str]) -> dict[str, int]:
    """Field -> column index (the alias listed first wins)."""
    index = _index()
    best: dict[str, tuple[int, int]] = {}
    for i, h in enumerate(headers):
        hit = index.get(norm_header(h)) if h else None
        if hit is None:
            continue
        fld, rank = hit
        if fld not in best or rank < best[fld][0]:
            best[fld] = (rank, i)
    return {fld: i for fld, (_, i) in best.items()}


class QuoteError(Exception):
    """A quote file that cannot be read: one or more problems, each one line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(str(problems[0]) if problems else "unreadable quote")
        self.problems = list(problems)


@dataclass
class QuoteFile:
    """What one file held: its lines and the warnings about it."""

    file: str
    lines: list[QuoteLine] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    header_row: int = 0
    format: str = "csv"


def _amount(text: str) -> Decimal:
    """A price as quotes write it: ``12,000.50``, ``$1200``, ``EUR 99``."""
    t = text.strip()
    t = re.sub(r"^[A-Za-z]{3}\s+|\s+[A-Za-z]{3}$", "", t)  # a currency code beside it
    try:  # the one amount grammar and bound of every reader
        return parse_decimal(t, kind="price")
    except AmountError as exc:
        raise ValueError(str(exc).replace(repr(t.strip()), repr(text.strip()), 1)) from None


MAX_COUNT = 1_000_000  # a quantity or a number of months beyond this is a typing slip


def _whole(text: str, what: str) -> int:
    t = text.strip().replace(",", "")
    try:
        if not re.fullmatch(r"\d+(?:\.\d*)?", t):  # Decimal also takes 1_000, 1e3, -0
            raise InvalidOperation
        value = Decimal(t)
    except InvalidOperation:
        raise ValueError(f"{text.strip()!r} is not a number of {what}") from None
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        raise ValueError(f"{text.strip()!r} is not a whole number of {what}")
    if value > MAX_COUNT:
        raise ValueError(f"{text.strip()!r} is too many {what} (at most {MAX_COUNT:,})")
    return int(value)


def read_quote_file(path: Path, order: DateOrder = DateOrder.MDY, sheet: str | None = None) -> QuoteFile:
    """One quote file's lines; QuoteError naming the file, row and column when it cannot
    be read (every problem of the file, each on its own line)."""
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise QuoteError([Problem(name, "", "no such file")]) from None
    except IsADirectoryError:
        raise QuoteError([Problem(name, "", "is a directory, not a file")]) from None
    except OSError as exc:
        raise QuoteError([Problem(name, "", f"cannot read ({exc.strerror})")]) from None
    try:
        fmt = detect_format(path, data[:8192])
        if fmt not in ("csv", "xlsx"):
            raise SourceError(f"a {fmt.upper()} file, not a quote: a quote is a CSV or XLSX sheet")
        if fmt == "xlsx":
            rows, _total, _title = xlsx_rows(path, sheet)
        else:
            rows, _total, _delim = csv_rows(data)
        return _read_rows(name, fmt, rows, order)
    except SourceError as exc:
        raise QuoteError([Problem(name, exc.path, str(exc), exc.line)]) from None
    except csv.Error as exc:
        raise QuoteError([Problem(name, "", f"not readable as CSV ({exc})")]) from None


def _read_rows(name: str, fmt: str, rows: Iterator[list[str]], order: DateOrder) -> QuoteFile:
    out = QuoteFile(name, format=fmt)
    # The header: the row among the first 30 naming the most quote columns.
    best: tuple[int, int, list[str]] | None = None
    seen: list[tuple[int, list[str]]] = []
    for n, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        seen.append((n, cells))
        hits = len(map_quote_headers(cells))
        if best is None or hits > best[0]:
            best = (hits, n, cells)
        if n >= HEADER_SEARCH_ROWS:
            break
    if best is None or "serial" not in map_quote_headers(best[2]):
        first = next((", ".join(c for c in cells if c) for _, cells in seen if any(cells)), "")
        looked = ", ".join(quote_alias_table()["serial"][:6])
        raise QuoteError([Problem(name, "", (
            f"no header row with a serial column found in the first {HEADER_SEARCH_ROWS} rows "
            f"(looked for {looked}, ...); first row seen: {first[:300] or '(nothing: the file is empty)'}"))])
    _, header_row, headers = best
    while headers and not headers[-1]:
        headers.pop()
    out.header_row = header_row
    cols = map_quote_headers(headers)
    problems: list[Problem] = []
    skipped = 0
    first_skipped = 0

    def where(n: int, col: int | None) -> str:
        return f"row {n}" if col is None else f'row {n}, column "{headers[col]}"'

    def cell(row: list[str], fld: str) -> tuple[str, int | None]:
        col = cols.get(fld)
        if col is None or col >= len(row):
            return "", col
        return row[col].strip(), col

    after = [(n, r) for n, r in seen if n > header_row]
    rest = ((n, r) for n, r in enumerate(rows, start=len(seen) + 1))
    for n, row in (*after, *rest):
        raw_serial, c_serial = cell(row, "serial")
        serial = normalise_serial(raw_serial)
        if not serial:
            if any(x.strip() for x in row):
                contract_text, _ = cell(row, "contract")
                if contract_text:
                    problems.append(Problem(name, where(n, c_serial),
                                            "required: a quote line needs a serial"))
                else:
                    skipped += 1
                    first_skipped = first_skipped or n
            continue
        if (why := serial_problem(serial)) is not None:
            problems.append(Problem(name, where(n, c_serial), why))
            continue
        problems_before = len(problems)

        def parsed(fld: str, parse: Callable[[str], T], row: list[str] = row, n: int = n) -> T | None:
            text, col = cell(row, fld)
            if text.lower() in _NOT_A_VALUE:
                return None
            try:
                return parse(text)
            except ValueError as exc:  # DateError is a ValueError
                problems.append(Problem(name, where(n, col), str(exc)))
                return None

        def a_date(text: str) -> date:
            return parse_date(text, order, allow_excel_serial=True)

        start = parsed("start", a_date)
        end = parsed("end", a_date)
        unit = parsed("unit_list_price", _amount)
        net = parsed("net_price", _amount)
        months = parsed("months", lambda t: _whole(t, "months"))
        quantity = parsed("quantity", lambda t: _whole(t, "units"))
        currency = parsed("currency", parse_currency)  # USD, usd; not US$
        if len(problems) > problems_before:
            continue
        if start is not None and end is not None and start > end:
            problems.append(Problem(name, where(n, cols.get("end")),
                                    f"the line starts {start} after it ends {end}"))
            continue
        if months == 0:
            problems.append(Problem(name, where(n, cols.get("months")), "a duration of 0 months"))
            continue

        def text_of(fld: str, row: list[str] = row) -> str | None:
            return cell(row, fld)[0] or None

        out.lines.append(QuoteLine(
            where=f"{name}: row {n}",
            serial=serial,
            contract=text_of("contract"),
            pid=text_of("pid"),
            service_level=text_of("service_level"),
            sku=text_of("sku"),
            start=start,
            end=end,
            months=months,
            quantity=quantity,
            unit_list_price=unit,
            net_price=net,
            currency=currency,
        ))
    if problems:
        raise QuoteError(problems)
    if skipped:
        out.warnings.append(Problem(name, f"row {first_skipped}", (
            f"{skipped} row{'s' * (skipped != 1)} without serial and contract skipped "
            "(notes or total rows)")))
    return out


def read_quote_files(paths: Sequence[Path], order: DateOrder = DateOrder.MDY) -> list[QuoteFile]:
    """Every file's lines; QuoteError with the problems of every unreadable file."""
    out: list[QuoteFile] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            out.append(read_quote_file(path, order))
        except QuoteError as exc:
            problems.extend(exc.problems)
    if problems:
        raise QuoteError(problems)
    return out
