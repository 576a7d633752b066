"""Domain objects built from the rows of CSV and XLSX exports (read by
:mod:`smartnet_tui.imports.tables`): Cisco Service Contract Center line exports, partner
installed-base sheets, inventory and EoX tables.

What a table is follows from its columns: a contract column makes it a contract-line
export, a serial column without one an inventory, a product column with EoX dates and
no serial an EoX table.

Errors name the file, the row (as Excel numbers it, the header row included) and the
column as the file spells it: ``lines.csv: row 12, column "END DATE": ...``.

Speed matters (200,000-line exports): columns are mapped once per file, each row is a
plain list handled by index, dates go through a per-file cache (exports repeat the same
few hundred dates), and domain objects are built directly.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from smartnet_tui.domain.dates import DateError, DateOrder, parse_date
from smartnet_tui.domain.model import (
    CRITICALITIES,
    DEVICE_STATUSES,
    Device,
    EoX,
    LineSpec,
    normalise_serial,
)
from smartnet_tui.domain.money import AmountError, parse_amount, parse_currency
from smartnet_tui.domain.service_levels import normalise_service_level
from smartnet_tui.imports.parsed import Parsed, Problem, Progress
from smartnet_tui.imports.sources import SourceError
from smartnet_tui.imports.tables import (
    HEADER_SEARCH_ROWS,
    Table,
    csv_rows,
    looked_for,
    norm_header,
    padded,
    xlsx_rows,
)

PROGRESS_EVERY = 8192
EOX_DATE_FIELDS = ("end_of_sale", "end_of_sw_maintenance", "end_of_contract_renewal",
                   "last_date_of_support")
# Fields that name what the row *is*; the others are attributes.
_NOT_A_DATE = frozenset({"", "-", "--", "n/a", "na", "none", "null", "tbd", "not announced"})


# A LineSpec built by setting its slots directly: half the cost of the dataclass __init__
# (which goes through object.__setattr__ for each field of a frozen class), and the same
# object. Used only while the field list is the one expected here.
_LINE_FIELDS = ("serial", "start", "end", "service_level", "sku", "annual_cost", "status", "extra")


def _line_factory() -> Callable[..., LineSpec]:
    if tuple(f.name for f in fields(LineSpec)) != _LINE_FIELDS:  # pragma: no cover
        return LineSpec
    new = object.__new__
    s0, s1, s2, s3, s4, s5, s6, s7 = (getattr(LineSpec, f).__set__ for f in _LINE_FIELDS)

    def make(serial: str, start: date | None, end: date | None, level: str | None, sku: str | None,
             cost: Any, status: str, extra: Any) -> LineSpec:
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


def parse_table(parsed: Parsed, table: Table, order: DateOrder, progress: Progress | None) -> None:
    """Validate one table into ``parsed`` (an importer.Parsed)."""
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
    def __init__(self, parsed: Parsed, table: Table, order: DateOrder, progress: Progress | None) -> None:
        self.parsed = parsed
        self.table = table
        self.file = table.file
        self.dates = _Dates(order)
        self.progress = progress
        self.stats = parsed.stats_for(table.file)
        self.eox_seen: dict[str, int] = {}
        f = table.fields
        self.col = f.get
        self.need = f.__getitem__  # a column parse_table made sure the table has
        self.eox_cols = [(k, f[k]) for k in EOX_DATE_FIELDS if k in f]

    def error(self, row: int, col: int | None, message: str) -> None:
        self.parsed.errors.append(Problem(self.file, self.table.where(row, col), message))

    def warn(self, row: int, col: int | None, message: str) -> None:
        self.parsed.warnings.append(Problem(self.file, self.table.where(row, col), message))

    def date(self, row: list[str], n: int, col: int | None) -> tuple[date | None, bool]:
        if col is None:
            return None, True
        v = self.dates.parse(row[col])
        if v is None or type(v) is date:
            return v, True
        self.error(n, col, str(v))
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

    def run(self) -> None:
        raise NotImplementedError

    def tick(self, n: int) -> None:
        if self.progress is not None:
            self.progress(self.file, n, self.table.total)


class _ContractLines(_Builder):
    """A Service Contract Center line export or an installed-base sheet."""

    def run(self) -> None:
        self.groups: dict[str, dict[str, tuple[tuple[Any, ...], int, LineSpec]]] = {}
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

    def _scan(self, rows: Iterator[tuple[int, list[str]]], check_parent: bool) -> list[tuple[int, list[str]]]:
        """Validate rows into lines; return the module rows (a parent instance) for later.

        The hot loop of a 200,000-line import: columns are looked up by index, dates go
        through the cache dict first, and nothing is called per row that can be avoided.
        """
        c = self.col
        i_serial, i_contract, i_end = self.need("serial"), self.need("contract"), self.need("end")
        i_start, i_level, i_status = c("start"), c("service_level"), c("line_status")
        if i_status is None and "status" in self.table.fields:
            i_status = c("status")  # a plain "Status" column of a line export is the line's
        i_pid, i_site, i_sku = c("pid"), c("site"), c("sku")
        i_cost, i_inst, i_parent = c("annual_cost"), c("instance"), c("parent_instance")
        i_host = c("hostname")
        i_reseller, i_currency = c("reseller"), c("currency")
        kept = [(k, self.need(k)) for k in ("product_type", "do_not_renew_reason", "instance") if k in self.table.fields]
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
        currency_of: dict[str, str | None] = {}
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
            serial = normalise_serial(row[i_serial])
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
                self.error(n, i_end, str(end))
                ok = False
                end = None
            start = None
            if i_start is not None:
                raw = row[i_start]
                start = cache[raw] if raw in cache else parse_date_(raw)
                if start is not None and type(start) is not DATE:
                    self.error(n, i_start, str(start))
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
            cur = None
            if i_currency is not None and (raw_cur := row[i_currency]):
                cur = currency_of.get(raw_cur, "")
                if cur == "":
                    try:
                        cur = currency_of[raw_cur] = parse_currency(raw_cur)
                    except AmountError as exc:
                        self.error(n, i_currency, str(exc))
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
            elif level not in info_of[number]["levels"]:
                info_of[number]["levels"].add(level)
            if cur is not None:  # a contract's lines share one currency: never summed across
                info = info_of[number]
                seen = info.get("currency")
                if seen is None:
                    info["currency"] = cur
                elif seen != cur:
                    self.error(n, i_currency, f"contract {number} has lines in {seen} and in "
                               f"{cur}: a contract's lines share one currency")
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

    def _fold_modules(self, pending: list[tuple[int, list[str]]]) -> tuple[int, list[tuple[int, list[str]]]]:
        """Module rows (Parent Instance Number -> a chassis row) go under their chassis line
        as ``extra.modules``; rows whose parent is not in the file are returned."""
        c = self.col
        # called only for a table with a parent instance column (and, as every line
        # export, serial and contract columns)
        i_serial, i_pid, i_inst, i_parent = self.need("serial"), c("pid"), c("instance"), self.need("parent_instance")
        i_contract, i_type = self.need("contract"), c("product_type")
        instances, groups = self.instances, self.groups
        parent_of = {}
        for _n, row in pending:
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
                mod["serial"] = normalise_serial(row[i_serial])
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
        i_serial, i_pid, i_site, i_host = self.need("serial"), c("pid"), c("site"), c("hostname")
        i_status, i_crit, i_tags, i_notes = c("status"), c("criticality"), c("tags"), c("notes")
        rows_read = 0
        first: dict[str, int] = {}
        for n, row in padded(self.table.rows(), len(self.table.headers)):
            rows_read += 1
            if not rows_read % PROGRESS_EVERY:
                self.tick(rows_read)
            serial = normalise_serial(row[i_serial])
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

            def txt(i: int | None, row: list[str] = row) -> str | None:
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
        i_pid = self.need("pid")
        rows_read = 0
        for n, row in padded(self.table.rows(), len(self.table.headers)):
            rows_read += 1
            pid = row[i_pid].strip()
            if not pid:
                if any(x.strip() for x in row):
                    self.error(n, i_pid, "required")
                continue
            got: dict[str, Any] = {}  # EoX date fields (EoX has text fields too)
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


def read_tabular(parsed: Parsed, path: Path, fmt: str, data: bytes | None, order: DateOrder,
                 sheet: str | None, progress: Progress | None) -> None:
    """Read a CSV or XLSX file into ``parsed``; unreadable files are one error."""
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
        parsed.errors.append(Problem(file, exc.path, str(exc)))
    except csv.Error as exc:
        parsed.errors.append(Problem(file, "", f"not readable as CSV ({exc})"))
