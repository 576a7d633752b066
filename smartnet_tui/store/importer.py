"""Import: validate source records into domain objects, then write them in one go.

All or nothing. Every problem is collected with its file, record path
(``contracts[2].lines[5].end``) and, for YAML, line; if there is any, nothing is written.
Warnings (an unknown service-level spelling, an unknown field kept as extra) never fail.

Formats, chosen by content (``store.sources.detect_format``): the YAML/JSON data format;
CSV and XLSX exports (``store.tabular``: contract-line exports, installed-base sheets,
inventory and EoX tables); Cisco API JSON (``store.cisco_api``: SN2INFO, EoX).
Exports describe *lines of contracts* (a :class:`LineSet` per contract number) rather
than whole contracts: :func:`plan_changes` merges them into what is stored, so the
contract keeps what the export does not carry (reseller, cost, triage).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from smartnet_tui.domain.changes import (
    Change,
    DeleteContract,
    DeleteDevice,
    DeleteEoX,
    PutContract,
    PutDevice,
    PutEoX,
)
from smartnet_tui.domain.dates import DateError, DateOrder, parse_date
from smartnet_tui.domain.money import AmountError, parse_amount
from smartnet_tui.domain.model import (
    CONTRACT_STATUSES,
    CRITICALITIES,
    DEVICE_STATUSES,
    LINE_STATUSES,
    TRIAGE_STATES,
    Contract,
    Device,
    EoX,
    Estate,
    LineSpec,
    Triage,
    normalise_serial,
)
from smartnet_tui.domain.service_levels import normalise_service_level
from smartnet_tui.gcpause import bulk_allocation
from smartnet_tui.store.sources import SourceError, detect_format, line_of, parse_source

TOP_KEYS = ("devices", "contracts", "eox")
DEVICE_FIELDS = ("serial", "pid", "hostname", "site", "status", "criticality", "tags", "notes")
CONTRACT_FIELDS = (
    "number", "service_level", "start", "end", "status", "reseller", "annual_cost",
    "currency", "serials", "lines", "triage",
)
LINE_FIELDS = ("serial", "start", "end", "service_level", "sku", "annual_cost", "status")
EOX_FIELDS = ("pid", "end_of_sale", "end_of_sw_maintenance", "end_of_contract_renewal",
              "last_date_of_support")


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    path: str  # record path: contracts[2].lines[5].end ('' for the whole file)
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class LineSet:
    """The lines an export gives one contract.

    ``merge`` False (a contract-line export): these are the contract's lines, a line the
    export no longer lists is dropped. ``merge`` True (an SN2INFO answer about some
    serials): each line replaces the contract's line of that serial, others stay.
    """

    number: str
    lines: tuple[LineSpec, ...]
    service_level: str | None  # the level every line has, if they agree
    merge: bool
    where: str
    reseller: str | None = None
    currency: str | None = None


@dataclass
class Parsed:
    """What the source files hold, validated."""

    devices: dict[str, Device] = field(default_factory=dict)
    contracts: dict[str, Contract] = field(default_factory=dict)
    eox: dict[str, EoX] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # where each key was first seen, for duplicate messages
    _seen: dict[tuple[str, str], str] = field(default_factory=dict)
    # from exports and API answers
    line_sets: dict[str, LineSet] = field(default_factory=dict)
    # serial -> (pid, hostname, site) of serials on exported lines, for --add-devices
    new_devices: dict[str, tuple[str | None, str | None, str | None]] = field(default_factory=dict)
    eox_updates: dict[str, dict[str, date]] = field(default_factory=dict)  # pid -> dates given
    # tables the files describe whole (what --replace may delete from); None: all of them
    whole_tables: set[str] | None = None
    formats: dict[str, str] = field(default_factory=dict)  # file -> format
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)  # file -> counts

    def stats_for(self, file: str) -> dict[str, Any]:
        return self.stats.setdefault(file, {})

    def add_line_set(
        self, number: str, lines: tuple[LineSpec, ...], service_level: str | None, *,
        merge: bool, file: str, path: str, reseller: str | None = None, currency: str | None = None,
    ) -> None:
        where = f"{file}:{path}"
        old = self.line_sets.get(number)
        if old is not None and old.merge and merge:  # SN2INFO answers saved in batches
            by_serial = {ln.serial: ln for ln in old.lines}
            by_serial.update((ln.serial, ln) for ln in lines)
            level = old.service_level if old.service_level == service_level else None
            self.line_sets[number] = replace(old, lines=tuple(by_serial.values()), service_level=level)
            return
        first = self._seen.get(("contracts", number))
        if first is not None:
            self.errors.append(Problem(file, path, f"duplicate contract {number!r} (also at {first}); "
                                       "import one source per contract"))
            return
        self._seen[("contracts", number)] = where
        self.line_sets[number] = LineSet(number, lines, service_level, merge, where, reseller, currency)
        if not merge and self.whole_tables is not None:
            self.whole_tables.add("contracts")

    def counts(self) -> dict[str, int]:
        """What the files hold (before comparing with the database)."""
        return {
            "devices": len(self.devices),
            "contracts": len(self.contracts.keys() | self.line_sets.keys()),
            "lines": sum(len(c.lines) for c in self.contracts.values())
            + sum(len(s.lines) for s in self.line_sets.values()),
            "eox": len(self.eox.keys() | self.eox_updates.keys()),
        }

    def add(self, table: str, key: str, obj: Any, where: str) -> bool:
        first = self._seen.get((table, key))
        if first is not None:
            return False
        self._seen[(table, key)] = where
        getattr(self, table)[key] = obj
        return True

    def first_seen(self, table: str, key: str) -> str:
        return self._seen[(table, key)]


class _Ctx:
    """Collects problems for one file; knows how to name a record path and its line."""

    def __init__(self, parsed: Parsed, file: str, order: DateOrder) -> None:
        self.parsed = parsed
        self.file = file
        self.order = order
        self.failed = False

    def error(self, path: str, message: str, line: int | None) -> None:
        self.parsed.errors.append(Problem(self.file, path, message, line))
        self.failed = True

    def warn(self, path: str, message: str, line: int | None) -> None:
        self.parsed.warnings.append(Problem(self.file, path, message, line))


class _Record:
    """Typed access to one source mapping, reporting problems at ``path.field``."""

    __slots__ = ("ctx", "data", "path", "ok")

    def __init__(self, ctx: _Ctx, data: Mapping[str, Any], path: str) -> None:
        self.ctx = ctx
        self.data = data
        self.path = path
        self.ok = True

    def _err(self, key: str, message: str) -> None:
        self.ok = False
        self.ctx.error(f"{self.path}.{key}", message, line_of(self.data, key))

    def text(self, key: str, required: bool = False) -> str | None:
        v = self.data.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self._err(key, "required")
            return None
        if isinstance(v, str):
            return v.strip()
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            got = "a list" if isinstance(v, list) else "a mapping" if isinstance(v, dict) \
                else "true/false" if isinstance(v, bool) else type(v).__name__
            self._err(key, f"expected text, got {got}")
            return None
        return str(v)  # a JSON number where text was meant (a contract number)

    def enum(self, key: str, allowed: Sequence[str], default: str | None) -> str | None:
        v = self.text(key)
        if v is None:
            return default
        low = v.lower()
        if low not in allowed:
            self._err(key, f"{v!r} is not one of {', '.join(allowed)}")
            return default
        return low

    def date(self, key: str) -> date | None:
        v = self.data.get(key)
        if v is None or v == "":
            return None
        try:
            return parse_date(v, self.ctx.order)
        except DateError as exc:
            self._err(key, str(exc))
            return None

    def money(self, key: str) -> float | None:
        v = self.data.get(key)
        if v is None or v == "":
            return None
        try:
            return parse_amount(v)
        except AmountError as exc:
            self._err(key, str(exc))
            return None

    def text_list(self, key: str) -> tuple[str, ...]:
        v = self.data.get(key)
        if v is None:
            return ()
        if isinstance(v, str):
            return (v.strip(),) if v.strip() else ()
        if isinstance(v, list) and all(isinstance(x, (str, int, float)) for x in v):
            return tuple(str(x).strip() for x in v if str(x).strip())
        self._err(key, "expected a list of text")
        return ()

    def extra(self, known: Sequence[str]) -> dict[str, Any]:
        out = {}
        for k, v in self.data.items():
            if k not in known:
                out[k] = v if not isinstance(v, (dict, list)) else _plain(v)
                self.ctx.warn(f"{self.path}.{k}", "unknown field, kept as extra data", line_of(self.data, k))
        return out

    def service_level(self, key: str) -> str | None:
        v = self.text(key)
        if v is not None and not normalise_service_level(v).known:
            self.ctx.warn(f"{self.path}.{key}", f"unknown service level {v!r}, kept as written",
                          line_of(self.data, key))
        return v


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _records(ctx: _Ctx, doc: Mapping[str, Any], key: str) -> Iterable[tuple[int, _Record]]:
    items = doc.get(key)
    if items is None:
        return
    if not isinstance(items, list):
        ctx.error(key, "expected a list of records", line_of(doc, key))
        return
    for i, item in enumerate(items):
        path = f"{key}[{i}]"
        if not isinstance(item, dict):
            ctx.error(path, "expected a mapping (a record with fields)", line_of(items, i))
            continue
        yield i, _Record(ctx, item, path)


# ------------------------------------------------------------------------ records
def _device(rec: _Record) -> Device | None:
    serial = rec.text("serial", required=True)
    d = Device(
        serial=normalise_serial(serial) if serial else "",
        pid=rec.text("pid"),
        hostname=rec.text("hostname"),
        site=rec.text("site"),
        status=rec.enum("status", DEVICE_STATUSES, "active"),
        criticality=rec.enum("criticality", CRITICALITIES, "normal"),
        tags=rec.text_list("tags"),
        notes=rec.text("notes"),
        extra=rec.extra(DEVICE_FIELDS),
    )
    return d if rec.ok else None


def _eox(rec: _Record) -> EoX | None:
    pid = rec.text("pid", required=True)
    e = EoX(
        pid=pid or "",
        end_of_sale=rec.date("end_of_sale"),
        end_of_sw_maintenance=rec.date("end_of_sw_maintenance"),
        end_of_contract_renewal=rec.date("end_of_contract_renewal"),
        last_date_of_support=rec.date("last_date_of_support"),
        extra=rec.extra(EOX_FIELDS),
    )
    return e if rec.ok else None


def _line(
    rec: _Record, contract_end: date | None, contract_start: date | None, end_invalid: bool = False
) -> LineSpec | None:
    """``end_invalid``: the contract's end was given but is not a date (already reported)."""
    serial = rec.text("serial", required=True)
    start, end = rec.date("start"), rec.date("end")
    if rec.ok and end is None and contract_end is None and not end_invalid:
        rec._err("end", "no end date: neither the line nor its contract has one")
    eff_start, eff_end = start or contract_start, end or contract_end
    if rec.ok and eff_start and eff_end and eff_start > eff_end:
        rec._err("end" if end else "start", f"starts {eff_start} after it ends {eff_end}")
    ln = LineSpec(
        serial=normalise_serial(serial) if serial else "",
        start=start,
        end=end,
        service_level=rec.service_level("service_level"),
        sku=rec.text("sku"),
        annual_cost=rec.money("annual_cost"),
        status=rec.enum("status", LINE_STATUSES, "active"),
        extra=rec.extra(LINE_FIELDS),
    )
    return ln if rec.ok else None


def _triage(rec: _Record) -> Triage | None:
    v = rec.data.get("triage")
    if v is None:
        return None
    if not isinstance(v, dict):
        rec._err("triage", "expected a mapping with state, owner, note")
        return None
    sub = _Record(rec.ctx, v, f"{rec.path}.triage")
    state = sub.enum("state", TRIAGE_STATES, None)
    if state is None and sub.ok:
        sub._err("state", f"required, one of {', '.join(TRIAGE_STATES)}")
    t = Triage(state or "", sub.text("owner"), sub.text("note"), sub.text("updated"))
    if not sub.ok:
        rec.ok = False
        return None
    return t


def _contract(rec: _Record) -> Contract | None:
    number = rec.text("number", required=True)
    start, end = rec.date("start"), rec.date("end")
    if start and end and start > end:
        rec._err("end", f"contract starts {start} after it ends {end}")
    lines: list[LineSpec] = []
    for s_i, serial in enumerate(rec.text_list("serials")):
        if end is None and rec.ok:
            rec.ctx.error(f"{rec.path}.serials[{s_i}]", "no end date: the contract has none",
                          line_of(rec.data.get("serials"), s_i))
            rec.ok = False
        lines.append(LineSpec(serial=normalise_serial(serial)))
    raw_lines = rec.data.get("lines")
    if raw_lines is not None:
        if not isinstance(raw_lines, list):
            rec._err("lines", "expected a list of lines")
        else:
            for j, item in enumerate(raw_lines):
                lpath = f"{rec.path}.lines[{j}]"
                if not isinstance(item, dict):
                    rec.ctx.error(lpath, "expected a mapping with serial, end, ...", line_of(raw_lines, j))
                    rec.ok = False
                    continue
                lrec = _Record(rec.ctx, item, lpath)
                ln = _line(lrec, end, start, end is None and rec.data.get("end") not in (None, ""))
                if ln is None:
                    rec.ok = False
                else:
                    lines.append(ln)
    if not lines and end is None and rec.ok:
        rec._err("end", "required when the contract has no lines")
    c = Contract(
        number=number or "",
        service_level=rec.service_level("service_level"),
        start=start,
        end=end,
        status=rec.enum("status", CONTRACT_STATUSES, "active"),
        reseller=rec.text("reseller"),
        annual_cost=rec.money("annual_cost"),
        currency=rec.text("currency"),
        lines=tuple(lines),
        triage=_triage(rec),
        extra=rec.extra(CONTRACT_FIELDS),
    )
    return c if rec.ok else None


_BUILDERS: dict[str, tuple[Callable[[_Record], Any], Callable[[Any], str], str]] = {
    "devices": (_device, lambda d: d.serial, "serial"),
    "contracts": (_contract, lambda c: c.number, "number"),
    "eox": (_eox, lambda e: e.pid, "pid"),
}


def parse_document(parsed: Parsed, file: str, doc: Any, order: DateOrder) -> None:
    """Validate one file's data (already parsed) into ``parsed``."""
    ctx = _Ctx(parsed, file, order)
    if doc is None:
        ctx.error("", "empty file: expected a mapping with devices, contracts or eox", None)
        return
    if not isinstance(doc, dict):
        ctx.error("", "expected a mapping with devices, contracts or eox at the top", None)
        return
    unknown = [k for k in doc if k not in TOP_KEYS]
    if unknown and not any(k in doc for k in TOP_KEYS):
        ctx.error("", f"no devices, contracts or eox here (found {', '.join(map(str, unknown[:5]))})", None)
        return
    for k in unknown:
        ctx.warn(str(k), "unknown top-level key, ignored", line_of(doc, k))
    for table, (build, key_of, keyfield) in _BUILDERS.items():
        for _i, rec in _records(ctx, doc, table):
            obj = build(rec)
            if obj is None:
                continue
            key = key_of(obj)
            where = f"{file}:{rec.path}"
            if not parsed.add(table, key, obj, where):
                ctx.error(f"{rec.path}.{keyfield}",
                          f"duplicate {keyfield} {key!r} (also at {parsed.first_seen(table, key)})",
                          line_of(rec.data, keyfield))


def parse_files(
    paths: Sequence[Path],
    order: DateOrder = DateOrder.MDY,
    *,
    sheet: str | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
    today: date | None = None,
) -> Parsed:
    """Validate every file, whatever its format (chosen by content, then extension).

    ``sheet``: the XLSX sheet to read (default the first). ``progress(file, rows, total)``
    is called every few thousand rows of a table. ``today`` decides whether an SN2INFO
    line Cisco calls not covered has expired (end passed) or was terminated.
    """

    today = today or date.today()
    parsed = Parsed(whole_tables=set())
    with bulk_allocation():
        for path in paths:
            _parse_one(parsed, path, order, sheet, progress, today)
    return parsed


def _parse_one(parsed: Parsed, path: Path, order: DateOrder, sheet: str | None,
               progress: Callable[[str, int, int | None], None] | None, today: date) -> None:
    from smartnet_tui.store import cisco_api, tabular

    name = str(path)
    parsed.files.append(name)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        parsed.errors.append(Problem(name, "", "no such file"))
        return
    except IsADirectoryError:
        parsed.errors.append(Problem(name, "", "is a directory, not a file"))
        return
    except OSError as exc:
        parsed.errors.append(Problem(name, "", f"cannot read ({exc.strerror})"))
        return
    try:
        fmt = detect_format(path, data[:8192])
    except SourceError as exc:
        parsed.errors.append(Problem(name, getattr(exc, "path", ""), str(exc), getattr(exc, "line", None)))
        return
    if fmt in ("csv", "xlsx"):
        parsed.formats[name] = fmt
        tabular.read_tabular(parsed, path, fmt, data if fmt == "csv" else None, order, sheet, progress)
        return
    try:
        doc = parse_source(fmt, data)
    except SourceError as exc:
        parsed.formats[name] = fmt
        parsed.errors.append(Problem(name, getattr(exc, "path", ""), str(exc), getattr(exc, "line", None)))
        return
    kind = cisco_api.api_kind(doc) if fmt == "json" else None
    if kind == "sn2info":
        parsed.formats[name] = "sn2info json"
        cisco_api.parse_sn2info(parsed, name, doc, order, today)
    elif kind == "eox":
        parsed.formats[name] = "eox api json"
        cisco_api.parse_eox_api(parsed, name, doc, order, today)
    else:
        parsed.formats[name] = fmt
        parse_document(parsed, name, doc, order)
        parsed.whole_tables.update(TOP_KEYS)  # a data file describes the whole estate


# ------------------------------------------------------------------------ changes
def plan_changes(
    estate: Estate, parsed: Parsed, replace_all: bool = False, add_devices: bool = False
) -> list[Change]:
    """Upsert by key; with ``replace_all`` also delete what the files do not hold.

    A contract's triage (set in the app, not in source files) survives a re-import unless
    the file gives one. Records already stored as given produce no change. Exports'
    line sets are merged into the stored contract (see :class:`LineSet`); lifecycle dates
    from export columns fill in the pid's EoX row; ``add_devices`` adds the serials of
    exports that the inventory does not know yet. ``replace_all`` deletes only from the
    tables the files describe whole (a data file: all; a contract-line export: contracts;
    an inventory table: devices).
    """
    changes: list[Change] = []
    for serial, dev in parsed.devices.items():
        if estate.devices.get(serial) != dev:
            changes.append(PutDevice(dev))
    added: set[str] = set()
    if add_devices:
        for serial, (pid, hostname, site) in parsed.new_devices.items():
            if serial not in estate.devices and serial not in parsed.devices:
                changes.append(PutDevice(Device(serial, pid, hostname, site)))
                added.add(serial)
    for number, c in parsed.contracts.items():
        old = estate.contracts.get(number)
        if old is not None and c.triage is None and old.triage is not None:
            c = replace(c, triage=old.triage)
        if old != c:
            changes.append(PutContract(c))
    by_digits: dict[str, list[str]] | None = None
    matched: set[str] = set()
    for number, ls in parsed.line_sets.items():
        old = estate.contracts.get(number)
        if old is None and number not in parsed.contracts:
            # Exports spell one contract 0093425688 (Service Contract Center), 93425688
            # (the API) or as a number cell in Excel: match a stored one on its digits.
            if by_digits is None:
                by_digits = {}
                for n in estate.contracts:
                    by_digits.setdefault(n.lstrip("0"), []).append(n)
            same = by_digits.get(number.lstrip("0"), [])
            if len(same) == 1 and same[0] not in parsed.line_sets and same[0] not in parsed.contracts:
                old = estate.contracts[same[0]]
                ls = replace(ls, number=old.number)
                matched.add(old.number)
        c = merge_line_set(old, ls)
        if old != c:
            changes.append(PutContract(c))
    for pid, e in parsed.eox.items():
        if estate.eox.get(pid) != e:
            changes.append(PutEoX(e))
    for pid, dates in parsed.eox_updates.items():
        if pid in parsed.eox:
            continue
        old_e = estate.eox.get(pid)
        new_e = replace(old_e, **dates) if old_e is not None else EoX(pid, **dates)
        if new_e != old_e:
            changes.append(PutEoX(new_e))
    if replace_all:
        whole = set(TOP_KEYS) if parsed.whole_tables is None else parsed.whole_tables
        if "devices" in whole:
            changes.extend(DeleteDevice(s) for s in estate.devices
                           if s not in parsed.devices and s not in added)
        if "contracts" in whole:
            changes.extend(DeleteContract(n) for n in estate.contracts
                           if n not in parsed.contracts and n not in parsed.line_sets
                           and n not in matched)
        if "eox" in whole:
            changes.extend(DeleteEoX(p) for p in estate.eox
                           if p not in parsed.eox and p not in parsed.eox_updates)
    return changes


def merge_line_set(old: Contract | None, ls: LineSet) -> Contract:
    """The contract after an export's lines: new, or the stored one with these lines."""
    if old is None:
        return Contract(number=ls.number, service_level=ls.service_level, lines=ls.lines,
                        reseller=ls.reseller, currency=ls.currency)
    if ls.merge:
        given = {ln.serial: ln for ln in ls.lines}
        lines: list[LineSpec] = []
        for ln in old.lines:
            new = given.pop(ln.serial, None)
            if new is None:
                lines.append(ln)
            else:  # what the answer does not say (a start, a SKU) stays as it was
                lines.append(replace(
                    new, start=new.start or ln.start, sku=new.sku or ln.sku,
                    annual_cost=new.annual_cost if new.annual_cost is not None else ln.annual_cost,
                    service_level=new.service_level or ln.service_level,
                    extra={**ln.extra, **new.extra}))
        lines.extend(given.values())
        level = old.service_level or ls.service_level
    else:
        lines = list(ls.lines)
        level = ls.service_level or old.service_level
        if level != old.service_level and old.service_level and level and _same_level(old.service_level, level):
            level = old.service_level  # SNTP as the admin wrote it and SNTC-24X7X4 are one level
    return replace(old, lines=tuple(lines), service_level=level,
                   reseller=ls.reseller or old.reseller, currency=ls.currency or old.currency)


def _same_level(a: str, b: str) -> bool:
    la, lb = normalise_service_level(a), normalise_service_level(b)
    return la.known and lb.known and la.code == lb.code


def orphan_serials(estate: Estate, parsed: Parsed) -> list[str]:
    """Serials on the imported lines that the inventory does not hold (and the files do
    not add): what --add-devices would add."""
    devices, listed = estate.devices, parsed.devices
    out: dict[str, None] = {}  # in the files' order (no sort of 200k serials)
    for ls in parsed.line_sets.values():
        for ln in ls.lines:
            if ln.serial not in devices and ln.serial not in listed:
                out[ln.serial] = None
    return list(out)


@dataclass
class ImportResult:
    parsed: Parsed
    changes: list[Change]
    entry: dict[str, Any] | None  # the journal entry written, None if nothing was written
    before: Estate | None = None  # the estate the changes were planned against
    orphans: list[str] = field(default_factory=list)  # serials not in the inventory
    summary: dict[str, Any] = field(default_factory=dict)  # what the journal records

    @property
    def errors(self) -> list[Problem]:
        return self.parsed.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.parsed.warnings


def import_files(
    store: Any,
    paths: Sequence[Path],
    *,
    replace_all: bool = False,
    order: DateOrder = DateOrder.MDY,
    dry_run: bool = False,
    action: str = "import",
    add_devices: bool = False,
    sheet: str | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
    today: date | None = None,
) -> ImportResult:
    """Parse, validate and (unless there is any error, or dry_run) write in one go."""
    from smartnet_tui.store.diff import change_counts

    parsed = parse_files(paths, order, sheet=sheet, progress=progress, today=today)
    if parsed.errors:
        return ImportResult(parsed, [], None)
    with bulk_allocation():
        estate = store.load()
        changes = plan_changes(estate, parsed, replace_all, add_devices)
        orphans = [] if add_devices else orphan_serials(estate, parsed)
    detail = {
        "files": [str(p) for p in paths],
        "formats": {str(p): parsed.formats.get(str(p), "?") for p in paths},
        "replace": replace_all,
        "add_devices": add_devices,
        "counts": parsed.counts(),
        "changed": change_counts(estate, changes),
    }
    if sheet:
        detail["sheet"] = sheet
    if orphans:
        detail["not_in_inventory"] = len(orphans)
    if dry_run or not changes:
        return ImportResult(parsed, changes, None, estate, orphans, detail)
    with bulk_allocation():
        entry = store.apply(changes, action + (" --replace" if replace_all else ""), detail)
    return ImportResult(parsed, changes, entry, estate, orphans, detail)
