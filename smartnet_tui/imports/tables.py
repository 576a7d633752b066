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
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from smartnet_tui.domain.serials import CONTROL_CHARS, control_char_message, has_control_char
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
_NOT_ASCII_NOR_ESCAPED = re.compile("[^\x00-\x7f\udc80-\udcff]")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _decode(data: bytes) -> tuple[str, str | None]:
    """The text of a CSV file, and why it cannot be trusted (None when it can).

    UTF-8 (a BOM is honoured), UTF-16 with a BOM, or Windows-1252 (Excel's plain "CSV")
    only when no part of the file is UTF-8 beyond ASCII: one stray byte must not turn a
    whole UTF-8 file into mojibake. A text that cannot be trusted comes back with its
    undecodable bytes as lone surrogates (``surrogateescape``), so the first bad row can
    be named.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise SourceError(f"not valid UTF-16 text (byte {exc.start}), although the file "
                              "starts with a UTF-16 byte-order mark") from None
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", "surrogateescape")
    if bom:
        return escaped, "is not UTF-8, although the file starts with a UTF-8 byte-order mark"
    if _NOT_ASCII_NOR_ESCAPED.search(escaped):
        return escaped, ("is not UTF-8, although the rest of the file is: the file mixes "
                         "encodings (save it again as UTF-8)")
    try:  # Excel's plain "CSV" on Windows, and nothing in the file says otherwise
        return data.decode("cp1252"), None
    except UnicodeDecodeError:
        return escaped, "is neither UTF-8 nor Windows-1252 text"


def _first_bad_cell(rows: Iterator[list[str]], bad: re.Pattern[str]) -> tuple[int, int, str]:
    """(row, column, cell) of the first cell matching ``bad``, counted from 1."""
    for n, row in enumerate(rows, start=1):
        for col, cell in enumerate(row, start=1):
            if bad.search(cell):
                return n, col, cell
    return 0, 0, ""  # pragma: no cover - called only when the text holds a match


def _check_text(text: str, delim: str, problem: str | None) -> None:
    """Raise SourceError naming the first row (and column) of a byte that is not text in
    the file's encoding, or of a control character."""
    def reader() -> Iterator[list[str]]:
        return csv.reader(io.StringIO(text, newline=""), delimiter=delim)

    if problem is not None:
        n, col, cell = _first_bad_cell(reader(), _ESCAPED_BYTE)
        if n:
            byte = ord(_ESCAPED_BYTE.search(cell).group()) - 0xDC00  # type: ignore[union-attr]
            raise SourceError(f"byte 0x{byte:02X} {problem}", path=f"row {n}, column {col}")
        raise SourceError(f"a byte {problem}")
    if has_control_char(text):
        n, col, cell = _first_bad_cell(reader(), CONTROL_CHARS)
        if n:
            raise SourceError(f"the cell {control_char_message(cell)}", path=f"row {n}, column {col}")


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
    text, problem = _decode(data)
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
    _check_text(text, delim, problem)
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


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(wb: Any, ws: Any) -> bool:
    """Whether the sheet's XML holds any formula element (streamed, not parsed)."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(wb, "_archive", None)
    if path is None or archive is None:  # pragma: no cover - another openpyxl layout
        return False
    tail = b""
    with archive.open(path) as src:
        while chunk := src.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _formula_without_value(wb: Any, ws: Any) -> tuple[str, str] | None:
    """(cell, formula) of the first formula cell that has no saved value: openpyxl reads
    it as empty, so the workbook was written by a program that does not compute them."""
    # openpyxl here, not at the top: slow to import, and only XLSX needs it (CLI start-up)
    from openpyxl.xml.constants import SHEET_MAIN_NS

    c_tag, f_tag, v_tag = (f"{{{SHEET_MAIN_NS}}}{t}" for t in ("c", "f", "v"))
    with wb._archive.open(ws._worksheet_path) as src:
        for _, el in iterparse(src):
            if el.tag != c_tag:
                continue
            f = el.find(f_tag)
            if f is not None and not (el.findtext(v_tag) or "").strip() and el.get("t") != "inlineStr":
                return el.get("r") or "?", (f.text or "").strip()
            el.clear()
    return None


def _xlsx_where(title: str, row: int | None = None, col: int | None = None) -> str:
    from openpyxl.utils import get_column_letter  # with openpyxl, which only XLSX needs

    out = f"sheet {title!r}"
    if row is not None:
        out += f", row {row}"
        if col is not None:
            out += f", column {get_column_letter(col)}"
    return out


def xlsx_rows(path: Path, sheet: str | None) -> tuple[Iterator[list[str]], int | None, str]:
    """Rows of one sheet as text (dates as ISO, whole numbers without .0), the row count
    if the workbook says, and the sheet's name.

    Every row is read whatever the sheet's ``<dimension>`` tag claims (generators often
    write it wrong, and openpyxl's read-only mode trusts it); a formula without a saved
    value, a control character in a cell and a sheet that is not well-formed XML are
    errors naming the sheet, row and column.
    """
    # openpyxl is imported here, not at the top: it is slow to import and only XLSX needs it
    # (keeps it off the CLI's start-up)
    from openpyxl import load_workbook

    # openpyxl warns on stderr about parts it skips (data validation, odd defined names):
    # noise for the user, and lines that are not smartnet's one-line messages
    warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(f"not a readable XLSX workbook ({_reason(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on odd files
        raise SourceError(f"not a readable XLSX workbook ({_reason(exc)})") from None
    try:
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
        title = ws.title
        try:
            total = ws.max_row  # what the dimension tag claims: a progress estimate only
        except Exception:  # noqa: BLE001
            total = None
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # read every row and column, whatever the tag says
        if _has_formulas(wb, ws):
            found = _formula_without_value(wb, ws)
            if found is not None:
                cell, formula = found
                raise SourceError(
                    f"cell {cell} holds a formula without a saved value (={formula[:40]}): "
                    "open the workbook in Excel and save it, or paste the values",
                    path=f"sheet {title!r}")
    except SourceError:
        wb.close()
        raise
    except Exception as exc:  # noqa: BLE001 - bad XML, a broken zip member...
        wb.close()
        raise SourceError(f"not a readable XLSX workbook ({_reason(exc)})") from None

    def gen() -> Iterator[list[str]]:
        n = 0
        try:
            for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_xl_text(v) for v in row]
                if has_control_char("\n".join(cells)):
                    col = next(i for i, c in enumerate(cells, start=1) if CONTROL_CHARS.search(c))
                    raise SourceError(f"the cell {control_char_message(cells[col - 1])}",
                                      path=_xlsx_where(title, n, col))
                yield cells
        except SourceError:
            raise
        except Exception as exc:  # noqa: BLE001 - bad XML, a broken zip member...
            raise SourceError(f"not a readable XLSX workbook ({_reason(exc)})",
                              path=_xlsx_where(title, n + 1)) from None
        finally:
            wb.close()

    return gen(), total, title


def _reason(exc: BaseException) -> str:
    """An exception as a short reason on one line."""
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


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
