"""CSV and XLSX files read as tables: decoded, split, their header row found and their
columns mapped to fields (no domain objects; :mod:`smartnet_tui.imports.tabular` builds
those from the rows).

- CSV in any encoding and delimiter Excel writes (UTF-8 with or without BOM, UTF-16
  "Unicode Text", Windows-1252; comma, semicolon, tab, pipe; an Excel ``sep=;`` line),
  XLSX through openpyxl in read-only mode (first sheet, or the one named).
- The header row is the row among the first 30 that names the most known columns, so
  banner rows above it ("Installed Base Report", "Generated on ...") are skipped.
- Headers are matched through the alias table in ``aliases.json`` ignoring case and
  punctuation. Columns that match nothing are kept on each record as extra data.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import Any

from smartnet_tui.imports.sources import SourceError

HEADER_SEARCH_ROWS = 30


# ---------------------------------------------------------------- aliases
def norm_header(text: str) -> str:
    """Header key for matching: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


@lru_cache(maxsize=1)
def alias_table() -> dict[str, list[str]]:
    """Field -> the headers that mean it, in order of preference (aliases.json)."""
    raw = json.loads(resources.files("smartnet_tui.imports").joinpath("aliases.json").read_text("utf-8"))
    fields: dict[str, list[str]] = raw["fields"]
    return fields


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, tuple[str, int]]:
    """Normalised header -> (field, preference rank)."""
    out: dict[str, tuple[str, int]] = {}
    for fld, names in alias_table().items():
        for rank, name in enumerate(names):
            out.setdefault(norm_header(name), (fld, rank))
    return out


def map_headers(headers: list[str]) -> tuple[dict[str, int], list[int]]:
    """Field -> column index (the preferred alias wins), and the columns left unmapped."""
    index = _alias_index()
    best: dict[str, tuple[int, int]] = {}
    for i, h in enumerate(headers):
        hit = index.get(norm_header(h)) if h else None
        if hit is None:
            continue
        fld, rank = hit
        if fld not in best or rank < best[fld][0]:
            best[fld] = (rank, i)
    fields = {fld: i for fld, (_, i) in best.items()}
    used = set(fields.values())
    extra = [i for i, h in enumerate(headers) if i not in used and h]
    return fields, extra


def looked_for(fld: str) -> str:
    names = alias_table()[fld]
    return ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")


# ---------------------------------------------------------------- reading
def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(f"not valid UTF-16 text (byte {exc.start})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:  # Excel's plain "CSV" on Windows
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent rows."""
    lines = text[:65536].splitlines()[:60]
    if len(text) > 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut
    best, best_score = ",", (0, 0)
    for d in _DELIMITERS:
        counts: dict[int, int] = {}
        try:
            for row in csv.reader(lines, delimiter=d):
                if len(row) > 1:
                    counts[len(row)] = counts.get(len(row), 0) + 1
        except csv.Error:
            continue
        if not counts:
            continue
        width, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        score = (freq, width)
        if score > best_score:
            best, best_score = d, score
    return best


def csv_rows(data: bytes) -> tuple[Iterator[list[str]], int, str]:
    """Rows of a CSV file, an estimate of their number (for progress), the delimiter."""
    text = _decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    first_nl = text.find("\n")
    first = text[: first_nl if first_nl >= 0 else len(text)].strip()
    hint = re.fullmatch(r'"?sep=(.)"?,*', first)
    if hint:  # Excel's delimiter hint line
        delim = hint[1]
        text = text[first_nl + 1:] if first_nl >= 0 else ""
    else:
        delim = sniff_delimiter(text)
    total = text.count("\n") + 1
    return csv.reader(io.StringIO(text, newline=""), delimiter=delim), total, delim


def _xl_text(v: Any) -> str:
    if v is None:
        return ""
    if type(v) is str:
        return v
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, time):
        return v.isoformat()
    return str(v)


def xlsx_rows(path: Path, sheet: str | None) -> tuple[Iterator[list[str]], int | None, str]:
    """Rows of one sheet as text (dates as ISO, whole numbers without .0), the row count
    if the workbook says, and the sheet's name."""
    # openpyxl is imported here, not at the top: it is slow to import and only XLSX needs it
    # (keeps it off the CLI's start-up)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(f"not a readable XLSX workbook ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on odd files
        raise SourceError(f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    names = wb.sheetnames
    if not names:
        raise SourceError("the workbook has no sheets")
    if sheet is None:
        ws = wb.worksheets[0]
    else:
        match = [n for n in names if n == sheet] or [n for n in names if n.lower() == sheet.lower()]
        if not match:
            raise SourceError(f"no sheet {sheet!r} (sheets: {', '.join(names)})")
        ws = wb[match[0]]
    try:
        total = ws.max_row
    except Exception:  # noqa: BLE001
        total = None

    def gen() -> Iterator[list[str]]:
        try:
            for row in ws.iter_rows(values_only=True):
                yield [_xl_text(v) for v in row]
        finally:
            wb.close()

    return gen(), total, ws.title


def padded(rows: Iterator[tuple[int, list[str]]], width: int) -> Iterator[tuple[int, list[str]]]:
    pad = [""] * width
    for n, r in rows:
        if len(r) < width:
            r = r + pad[len(r):]
        yield n, r


# ---------------------------------------------------------------- tables
class Table:
    """One sheet or CSV file, its header found and its columns mapped."""

    def __init__(self, file: str, fmt: str, rows: Iterator[list[str]], total: int | None) -> None:
        self.file = file
        self.format = fmt
        self.total = total
        self.header_row = 0
        self.headers: list[str] = []
        self.fields: dict[str, int] = {}
        self.extra_cols: list[int] = []
        self.first_rows: list[list[str]] = []
        self._rows = rows
        self._buffer: list[tuple[int, list[str]]] = []

    def find_header(self) -> bool:
        best_n, best_row = 0, None
        seen = []
        for n, row in enumerate(self._rows, start=1):
            seen.append((n, row))
            cells = [c.strip() for c in row]
            if any(cells) and not self.first_rows:
                self.first_rows.append(cells)
            fields, _ = map_headers(cells)
            if len(fields) > best_n:
                best_n, best_row = len(fields), (n, cells, fields)
            if n >= HEADER_SEARCH_ROWS:
                break
        if best_row is None or (best_n < 2 and "serial" not in best_row[2]):
            self._buffer = seen
            return False
        n, cells, fields = best_row
        self.header_row = n
        while cells and not cells[-1]:
            cells.pop()
        self.headers = cells
        self.fields, self.extra_cols = map_headers(cells)
        self._buffer = [(m, r) for m, r in seen if m > n]
        return True

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(Excel row number, cells) after the header; rows may be shorter than the header
        (pad them with :func:`padded`, or inline in a hot loop)."""
        after = [r for _, r in self._buffer]
        return enumerate(chain(after, self._rows), self.header_row + 1)

    def where(self, row: int, col: int | None) -> str:
        if col is None:
            return f"row {row}"
        return f'row {row}, column "{self.headers[col]}"'

    def seen_headers(self) -> str:
        cells = self.headers or (self.first_rows[0] if self.first_rows else [])
        shown = [c for c in cells if c][:20]
        return ", ".join(shown) if shown else "(nothing: the file is empty)"
