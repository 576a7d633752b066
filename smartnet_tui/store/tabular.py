"""CSV and XLSX exports: Cisco Service Contract Center line exports, partner installed-base
sheets, inventory and EoX tables, read as they come.

- CSV in any encoding and delimiter Excel writes (UTF-8 with or without BOM, UTF-16
  "Unicode Text", Windows-1252; comma, semicolon, tab, pipe; an Excel ``sep=;`` line),
  XLSX through openpyxl in read-only mode (first sheet, or the one named).
- The header row is the row among the first 30 that names the most known columns, so
  banner rows above it ("Installed Base Report", "Generated on ...") are skipped.
- Headers are matched through the alias table in ``aliases.json`` ignoring case and
  punctuation. Columns that match nothing are kept on each record as extra data.
- What a table is follows from its columns: a contract column makes it a contract-line
  export, a serial column without one an inventory, a product column with EoX dates and
  no serial an EoX table.

Errors name the file, the row (as Excel numbers it, the header row included) and the
column as the file spells it: ``lines.csv: row 12, column "END DATE": ...``.

Speed matters (200,000-line exports): columns are mapped once per file, each row is a
plain list handled by index, dates go through a per-file cache (exports repeat the same
few hundred dates), and domain objects are built directly.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, time
from functools import lru_cache
from itertools import chain
from importlib import resources
from pathlib import Path
from typing import Any

from smartnet_tui.domain.money import AmountError, parse_amount
from smartnet_tui.domain.dates import DateError, DateOrder, parse_date
from smartnet_tui.domain.model import CRITICALITIES, DEVICE_STATUSES, Device, EoX, LineSpec
from smartnet_tui.domain.service_levels import normalise_service_level
from smartnet_tui.store.sources import SourceError

Progress = Callable[[str, int, int | None], None]

HEADER_SEARCH_ROWS = 30
PROGRESS_EVERY = 8192
EOX_DATE_FIELDS = ("end_of_sale", "end_of_sw_maintenance", "end_of_contract_renewal",
                   "last_date_of_support")
# Fields that name what the row *is*; the others are attributes.
_NOT_A_DATE = frozenset({"", "-", "--", "n/a", "na", "none", "null", "tbd", "not announced"})


# ---------------------------------------------------------------- aliases
def norm_header(text: str) -> str:
    """Header key for matching: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


@lru_cache(maxsize=1)
def alias_table() -> dict[str, list[str]]:
    """Field -> the headers that mean it, in order of preference (aliases.json)."""
    raw = json.loads(resources.files("smartnet_tui.store").joinpath("aliases.json").read_text("utf-8"))
    return raw["fields"]


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
    if re.fullmatch(r'"?sep=(.)"?,*', first):  # Excel's delimiter hint line
        delim = re.fullmatch(r'"?sep=(.)"?,*', first)[1]
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
    import zipfile

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


# A LineSpec built by setting its slots directly: half the cost of the dataclass __init__
# (which goes through object.__setattr__ for each field of a frozen class), and the same
# object. Used only while the field list is the one expected here.
_LINE_FIELDS = ("serial", "start", "end", "service_level", "sku", "annual_cost", "status", "extra")


def _line_factory() -> Callable[..., LineSpec]:
    from dataclasses import fields

    if tuple(f.name for f in fields(LineSpec)) != _LINE_FIELDS:  # pragma: no cover
        return LineSpec
    new = object.__new__
    s0, s1, s2, s3, s4, s5, s6, s7 = (getattr(LineSpec, f).__set__ for f in _LINE_FIELDS)

    def make(serial, start, end, level, sku, cost, status, extra):  # noqa: ANN001, ANN202
        o = new(LineSpec)
        s0(o, serial)
        s1(o, start)
        s2(o, end)
        s3(o, level)
        s4(o, sku)
        s5(o, cost)
        s6(o, status)
        s7(o, extra)
        return o

    return make


make_line = _line_factory()


# ---------------------------------------------------------------- dates
class _Dates:
    """Cached date parsing: raw text -> date, or the DateError message."""

    __slots__ = ("order", "cache")

    def __init__(self, order: DateOrder) -> None:
        self.order = order
        self.cache: dict[str, date | str | None] = {}

    def parse(self, raw: str) -> date | str | None:
        """None for an empty cell, a date, or an error message (str)."""
        try:
            return self.cache[raw]
        except KeyError:
            pass
        text = raw.strip()
        if text.lower() in _NOT_A_DATE:
            out: date | str | None = None
        else:
            try:
                out = parse_date(text, self.order, allow_excel_serial=True)
            except DateError as exc:
                out = str(exc)
                if re.fullmatch(r"\d{4,6}\.\d+", text):  # an Excel serial with a time part
                    try:
                        out = parse_date(text.split(".")[0], self.order, allow_excel_serial=True)
                    except DateError:
                        pass
        self.cache[raw] = out
        return out


# ---------------------------------------------------------------- line status
_TERMINATED = frozenset({"terminated", "cancelled", "canceled", "inactive", "removed"})
_ACTIVE = frozenset({
    "active", "expired", "signed", "entered", "overdue", "covered", "notcovered", "uncovered",
    "qahold", "booked", "inrenewal", "pendingrenewal", "renewed", "yes", "no", "",
})


def line_status(raw: str) -> tuple[str, bool]:
    """('active' | 'terminated', known). EXPIRED is an active line whose dates have passed:
    the engine sees it lapse by its end date; TERMINATED (and CANCELLED) lines are ignored."""
    key = norm_header(raw)
    if key in _TERMINATED:
        return "terminated", True
    return "active", key in _ACTIVE


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


def parse_table(parsed: Any, table: Table, order: DateOrder, progress: Progress | None) -> None:
    """Validate one table into ``parsed`` (an importer.Parsed)."""
    from smartnet_tui.store.importer import Problem

    file = table.file
    if not table.find_header():
        cells = table.first_rows[0] if table.first_rows else []
        seen = ", ".join(c for c in cells if c)[:300] or "(nothing: the file is empty)"
        parsed.errors.append(Problem(
            file, "", f"no header row with a serial column found in the first {HEADER_SEARCH_ROWS} rows "
            f"(looked for {looked_for('serial')}); first row seen: {seen}"))
        return
    f = table.fields
    if "serial" in f and "contract" in f:
        kind = "contract lines"
        missing = [k for k in ("end",) if k not in f]
    elif "serial" in f:
        kind = "devices"
        missing = []
    elif "contract" in f:
        kind = "contract lines"
        missing = ["serial"] + (["end"] if "end" not in f else [])
    elif "pid" in f and any(k in f for k in EOX_DATE_FIELDS):
        kind = "eox"
        missing = []
    else:
        kind, missing = "contract lines", ["serial"]
    if missing:
        for k in missing:
            parsed.errors.append(Problem(
                file, f"row {table.header_row}",
                f"no {_FIELD_WORDS[k]} column (looked for {looked_for(k)}); "
                f"headers seen: {table.seen_headers()}"))
        return
    parsed.stats_for(file)["kind"] = kind
    parsed.stats_for(file)["header_row"] = table.header_row
    if table.extra_cols:
        names = ", ".join(table.headers[i] for i in table.extra_cols)
        parsed.warnings.append(Problem(file, f"row {table.header_row}",
                                       f"columns not recognised, kept as extra data on each record: {names}"))
    builder = {"contract lines": _ContractLines, "devices": _Devices, "eox": _EoXRows}[kind]
    builder(parsed, table, order, progress).run()


_FIELD_WORDS = {"serial": "serial", "end": "end date", "contract": "contract number", "pid": "product"}


class _Builder:
    def __init__(self, parsed: Any, table: Table, order: DateOrder, progress: Progress | None) -> None:
        from smartnet_tui.store.importer import Problem

        self.Problem = Problem
        self.parsed = parsed
        self.table = table
        self.file = table.file
        self.dates = _Dates(order)
        self.progress = progress
        self.stats = parsed.stats_for(table.file)
        self.eox_seen: dict[str, int] = {}
        f = table.fields
        self.col = f.get
        self.eox_cols = [(k, f[k]) for k in EOX_DATE_FIELDS if k in f]

    def error(self, row: int, col: int | None, message: str) -> None:
        self.parsed.errors.append(self.Problem(self.file, self.table.where(row, col), message))

    def warn(self, row: int, col: int | None, message: str) -> None:
        self.parsed.warnings.append(self.Problem(self.file, self.table.where(row, col), message))

    def date(self, row: list[str], n: int, col: int | None) -> tuple[date | None, bool]:
        if col is None:
            return None, True
        v = self.dates.parse(row[col])
        if v is None or type(v) is date:
            return v, True
        self.error(n, col, v)
        return None, False

    def extras(self, row: list[str]) -> dict[str, Any]:
        headers = self.table.headers
        out = {}
        for i in self.table.extra_cols:
            v = row[i].strip()
            if v:
                out[headers[i]] = v
        return out

    def eox_update(self, row: list[str], n: int, pid: str | None) -> bool:
        """Lifecycle dates on a device or line row update that pid's EoX row."""
        if not self.eox_cols:
            return True
        got: dict[str, date] = {}
        ok = True
        for k, col in self.eox_cols:
            d, good = self.date(row, n, col)
            ok &= good
            if d is not None:
                got[k] = d
        if not got or not pid:
            return ok
        current = self.parsed.eox_updates.get(pid)
        if current is None:
            self.parsed.eox_updates[pid] = got
            self.eox_seen[pid] = n
        elif current != got:
            merged = dict(current)
            for k, d in got.items():
                if k in current and current[k] != d:
                    self.warn(n, self.table.fields[k],
                              f"{pid}: {d} here but {current[k]} on row {self.eox_seen.get(pid, '?')}; "
                              "kept the first")
                else:
                    merged[k] = d
            self.parsed.eox_updates[pid] = merged
        return ok

    def tick(self, n: int) -> None:
        if self.progress is not None:
            self.progress(self.file, n, self.table.total)


class _ContractLines(_Builder):
    """A Service Contract Center line export or an installed-base sheet."""

    def run(self) -> None:
        self.groups: dict[str, dict[str, tuple[tuple, int, LineSpec]]] = {}
        self.info: dict[str, dict[str, Any]] = {}
        self.instances: dict[str, tuple[str, str]] = {}  # instance number -> (contract, serial)
        self.counts = {"rows": 0, "skipped": 0, "first_skipped": 0, "duplicates": 0,
                       "first_dup": 0, "without_contract": 0}
        pending = self._scan(self.table.rows(), True)
        modules = 0
        if pending:
            modules, orphans = self._fold_modules(pending)
            if orphans:  # parent not in this file: an ordinary line, validated as such
                self._scan(iter(orphans), False)
        self.tick(self.counts["rows"])
        k = self.counts
        groups = self.groups
        self.stats.update(rows=k["rows"], lines=sum(len(g) for g in groups.values()),
                          contracts=len(groups), modules=modules,
                          without_contract=k["without_contract"])
        if k["skipped"]:
            self.warn(k["first_skipped"], None,
                      f"{k['skipped']} row{'s' * (k['skipped'] != 1)} without serial and "
                      "contract skipped (notes or total rows)")
        if k["duplicates"]:
            self.warn(k["first_dup"], None,
                      f"{k['duplicates']} row{'s' * (k['duplicates'] != 1)} repeated a serial "
                      "already listed on the same contract: kept one line per serial and contract "
                      "(the active one that ends last)")
        i_level = self.col("service_level")
        for number, group in groups.items():
            info = self.info[number]
            levels = info["levels"]
            level = next(iter(levels)) if len(levels) == 1 else None
            for lv in sorted(x for x in levels if x is not None):
                if not normalise_service_level(lv).known:
                    self.warn(info["row"], i_level, f"unknown service level {lv!r}, kept as written")
            self.parsed.add_line_set(
                number, tuple(ln for _, _, ln in group.values()), level, merge=False,
                file=self.file, path=f"row {info['row']}",
                reseller=info.get("reseller"), currency=info.get("currency"))

    def _scan(self, rows: Iterator[tuple[int, list[str]]], check_parent: bool) -> list:
        """Validate rows into lines; return the module rows (a parent instance) for later.

        The hot loop of a 200,000-line import: columns are looked up by index, dates go
        through the cache dict first, and nothing is called per row that can be avoided.
        """
        c = self.col
        i_serial, i_contract, i_end = c("serial"), c("contract"), c("end")
        i_start, i_level, i_status = c("start"), c("service_level"), c("line_status")
        if i_status is None and "status" in self.table.fields:
            i_status = c("status")  # a plain "Status" column of a line export is the line's
        i_pid, i_site, i_sku = c("pid"), c("site"), c("sku")
        i_cost, i_inst, i_parent = c("annual_cost"), c("instance"), c("parent_instance")
        i_host = c("hostname")
        i_reseller, i_currency = c("reseller"), c("currency")
        kept = [(k, c(k)) for k in ("product_type", "do_not_renew_reason") if c(k) is not None]
        i_warranty = c("warranty_end")
        if not check_parent:
            i_parent = None
        headers = self.table.headers
        extra_cols = [(i, headers[i]) for i in self.table.extra_cols]
        width = len(headers)
        pad = [""] * width
        parse_date_ = self.dates.parse
        cache = self.dates.cache
        eox = bool(self.eox_cols)
        status_of: dict[str, tuple[str, bool]] = {}
        groups, info_of, instances, k = self.groups, self.info, self.instances, self.counts
        devices = self.parsed.new_devices
        pending: list[tuple[int, list[str]]] = []
        rows_read = k["rows"]
        tick_at = rows_read + PROGRESS_EVERY
        line = make_line
        DATE = date
        for n, row in rows:
            if len(row) < width:
                row += pad[len(row):]
            rows_read += 1
            if rows_read >= tick_at:
                tick_at += PROGRESS_EVERY
                self.tick(rows_read)
            serial = row[i_serial].strip().upper()
            number = row[i_contract].strip()
            if i_parent is not None:
                parent = row[i_parent].strip()
                if parent and parent != (row[i_inst].strip() if i_inst is not None else ""):
                    pending.append((n, row))
                    continue
            if not serial:
                if not any(x.strip() for x in row):
                    continue  # a blank row
                if not number:
                    k["skipped"] += 1
                    k["first_skipped"] = k["first_skipped"] or n
                    continue
                self.error(n, i_serial, "required: a contract line needs a serial")
                continue
            ok = True
            pid = (row[i_pid].strip() or None) if i_pid is not None else None
            site = (row[i_site].strip() or None) if i_site is not None else None
            if eox:
                ok = self.eox_update(row, n, pid)
            if serial not in devices:
                devices[serial] = (pid, (row[i_host].strip() or None) if i_host is not None else None, site)
            if not number:  # an installed-base row of a device no contract covers
                k["without_contract"] += 1
                continue
            raw = row[i_end]
            end = cache[raw] if raw in cache else parse_date_(raw)
            if end is None:
                self.error(n, i_end, "required: a contract line needs an end date")
                ok = False
            elif type(end) is not DATE:
                self.error(n, i_end, end)
                ok = False
                end = None
            start = None
            if i_start is not None:
                raw = row[i_start]
                start = cache[raw] if raw in cache else parse_date_(raw)
                if start is not None and type(start) is not DATE:
                    self.error(n, i_start, start)
                    ok = False
                    start = None
                elif start is not None and end is not None and start > end:
                    self.error(n, i_end, f"the line starts {start} after it ends {end}")
                    ok = False
            status = "active"
            raw_status = ""
            if i_status is not None:
                raw_status = row[i_status].strip()
                st = status_of.get(raw_status)
                if st is None:
                    st = status_of[raw_status] = line_status(raw_status)
                    if not st[1]:
                        self.warn(n, i_status, f"unknown line status {raw_status!r}, taken as active")
                status = st[0]
            level = (row[i_level].strip() or None) if i_level is not None else None
            cost = None
            if i_cost is not None and row[i_cost].strip():
                try:
                    cost = parse_amount(row[i_cost])
                except AmountError as exc:
                    self.error(n, i_cost, str(exc))
                    ok = False
            if not ok:
                continue
            extra = {}
            for i, h in extra_cols:
                v = row[i].strip()
                if v:
                    extra[h] = v
            if pid:
                extra["pid"] = pid
            if site:
                extra["site"] = site
            if raw_status and status_of[raw_status][0] == "active" and raw_status.lower() != "active":
                extra["line_status"] = raw_status
            for key, col in kept:
                v = row[col].strip()
                if v:
                    extra[key] = v
            if i_warranty is not None:
                w = parse_date_(row[i_warranty])
                if type(w) is DATE:
                    extra["warranty_end"] = w.isoformat()
            ln = line(serial, start, end, level,
                      (row[i_sku].strip() or None) if i_sku is not None else None,
                      cost, status, extra)
            if i_inst is not None:
                inst = row[i_inst].strip()
                if inst:
                    instances[inst] = (number, serial)
            group = groups.get(number)
            if group is None:
                group = groups[number] = {}
                info = info_of[number] = {"row": n, "levels": {level}}
                if i_reseller is not None:
                    info["reseller"] = row[i_reseller].strip() or None
                if i_currency is not None:
                    info["currency"] = row[i_currency].strip() or None
            elif level not in info_of[number]["levels"]:
                info_of[number]["levels"].add(level)
            prev = group.get(serial)
            if prev is None:
                group[serial] = ((status != "terminated", end), n, ln)
            else:
                k["duplicates"] += 1
                k["first_dup"] = k["first_dup"] or n
                rank = (status != "terminated", end)
                if rank > prev[0]:
                    group[serial] = (rank, n, ln)
        k["rows"] = rows_read
        return pending

    def _fold_modules(self, pending: list) -> tuple[int, list]:
        """Module rows (Parent Instance Number -> a chassis row) go under their chassis line
        as ``extra.modules``; rows whose parent is not in the file are returned."""
        c = self.col
        i_serial, i_pid, i_inst, i_parent = c("serial"), c("pid"), c("instance"), c("parent_instance")
        i_contract, i_type = c("contract"), c("product_type")
        instances, groups = self.instances, self.groups
        parent_of = {}
        for n, row in pending:
            inst = row[i_inst].strip() if i_inst is not None else ""
            if inst:
                parent_of[inst] = row[i_parent].strip()
        attached: dict[tuple[str, str], list[dict[str, str]]] = {}
        orphans: list[tuple[int, list[str]]] = []
        dated = [col for col in (c("start"), c("end")) if col is not None]
        for n, row in pending:
            ok = True
            for col in dated:  # a module's dates are not needed, but a bad one is an error
                ok &= self.date(row, n, col)[1]
            if not ok:
                continue
            top = row[i_parent].strip()
            hops = 0
            while top not in instances and top in parent_of and hops < 16:
                top = parent_of[top]
                hops += 1
            if top not in instances:
                orphans.append((n, row))
                continue
            number, chassis = instances[top]
            mod: dict[str, str] = {}
            if row[i_serial].strip():
                mod["serial"] = row[i_serial].strip().upper()
            if i_pid is not None and row[i_pid].strip():
                mod["pid"] = row[i_pid].strip()
            if i_type is not None and row[i_type].strip():
                mod["product_type"] = row[i_type].strip()
            own = row[i_contract].strip()
            if own and own != number:
                mod["contract"] = own
            attached.setdefault((number, chassis), []).append(mod)
        for (number, chassis), mods in attached.items():
            rank, n, line = groups[number][chassis]
            extra = dict(line.extra)
            extra["modules"] = mods
            groups[number][chassis] = (rank, n, replace(line, extra=extra))
        return sum(len(m) for m in attached.values()), orphans


class _Devices(_Builder):
    """An inventory table: a serial column and no contract column."""

    def run(self) -> None:
        c = self.col
        i_serial, i_pid, i_site, i_host = c("serial"), c("pid"), c("site"), c("hostname")
        i_status, i_crit, i_tags, i_notes = c("status"), c("criticality"), c("tags"), c("notes")
        rows_read = 0
        first: dict[str, int] = {}
        for n, row in padded(self.table.rows(), len(self.table.headers)):
            rows_read += 1
            if not rows_read % PROGRESS_EVERY:
                self.tick(rows_read)
            serial = row[i_serial].strip().upper()
            if not serial:
                if any(x.strip() for x in row):
                    self.error(n, i_serial, "required")
                continue
            ok = True
            status = "active"
            if i_status is not None and row[i_status].strip():
                status = row[i_status].strip().lower()
                if status not in DEVICE_STATUSES:
                    self.error(n, i_status, f"{row[i_status].strip()!r} is not one of {', '.join(DEVICE_STATUSES)}")
                    ok = False
            crit = "normal"
            if i_crit is not None and row[i_crit].strip():
                crit = row[i_crit].strip().lower()
                if crit not in CRITICALITIES:
                    self.error(n, i_crit, f"{row[i_crit].strip()!r} is not one of {', '.join(CRITICALITIES)}")
                    ok = False

            def txt(i: int | None) -> str | None:
                return (row[i].strip() or None) if i is not None else None

            pid = txt(i_pid)
            ok &= self.eox_update(row, n, pid)
            tags = tuple(t.strip() for t in re.split(r"[;,]", row[i_tags]) if t.strip()) if i_tags is not None else ()
            if not ok:
                continue
            dev = Device(serial, pid, txt(i_host), txt(i_site), status, crit, tags, txt(i_notes),
                         self.extras(row))
            if serial in first:
                self.error(n, i_serial, f"duplicate serial {serial!r} (also on row {first[serial]})")
                continue
            first[serial] = n
            if not self.parsed.add("devices", serial, dev, f"{self.file}:row {n}"):
                self.error(n, i_serial, f"duplicate serial {serial!r} (also at {self.parsed.first_seen('devices', serial)})")
        self.tick(rows_read)
        if self.parsed.whole_tables is not None:
            self.parsed.whole_tables.add("devices")
        self.stats.update(rows=rows_read, devices=len(first))


class _EoXRows(_Builder):
    """An EoX table: a product column and lifecycle dates, no serial."""

    def run(self) -> None:
        i_pid = self.col("pid")
        rows_read = 0
        for n, row in padded(self.table.rows(), len(self.table.headers)):
            rows_read += 1
            pid = row[i_pid].strip()
            if not pid:
                if any(x.strip() for x in row):
                    self.error(n, i_pid, "required")
                continue
            got: dict[str, date | None] = {}
            ok = True
            for k, col in self.eox_cols:
                d, good = self.date(row, n, col)
                ok &= good
                got[k] = d
            if not ok:
                continue
            e = EoX(pid, **got, extra=self.extras(row))
            if pid in self.parsed.eox:
                if self.parsed.eox[pid] != e:
                    self.error(n, i_pid, f"duplicate product {pid!r} with other dates "
                               f"(also at {self.parsed.first_seen('eox', pid)})")
                continue
            self.parsed.add("eox", pid, e, f"{self.file}:row {n}")
        self.stats.update(rows=rows_read, eox=len(self.parsed.eox))


def read_tabular(parsed: Any, path: Path, fmt: str, data: bytes | None, order: DateOrder,
                 sheet: str | None, progress: Progress | None) -> None:
    """Read a CSV or XLSX file into ``parsed``; unreadable files are one error."""
    from smartnet_tui.store.importer import Problem

    file = str(path)
    try:
        if fmt == "xlsx":
            rows, total, title = xlsx_rows(path, sheet)
            parsed.stats_for(file)["sheet"] = title
        else:
            rows, total, delim = csv_rows(data if data is not None else path.read_bytes())
            parsed.stats_for(file)["delimiter"] = {"\t": "tab"}.get(delim, delim)
        table = Table(file, fmt, rows, total)
        parse_table(parsed, table, order, progress)
    except SourceError as exc:
        parsed.errors.append(Problem(file, "", str(exc)))
    except csv.Error as exc:
        parsed.errors.append(Problem(file, "", f"not readable as CSV ({exc})"))
