"""The YAML/JSON data format (docs/data-format.md): source records validated into domain
objects in a :class:`~smartnet_tui.imports.parsed.Parsed`.

Every problem is collected with its file, record path (``contracts[2].lines[5].end``)
and, for YAML, line. Warnings (an unknown service-level spelling, an unknown field kept
as extra) never fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any, overload

from smartnet_tui.domain.dates import DateError, DateOrder, parse_date
from smartnet_tui.domain.model import (
    CONTRACT_STATUSES,
    CONTRACT_TRIAGE_STATES,
    CRITICALITIES,
    DEVICE_STATUSES,
    LINE_STATUSES,
    TRIAGE_STATES,
    Contract,
    Device,
    EoX,
    LineSpec,
    Triage,
    TriageEvent,
    normalise_serial,
)
from smartnet_tui.domain.money import AmountError, parse_amount, parse_currency
from smartnet_tui.domain.serials import one_line_message
from smartnet_tui.domain.service_levels import normalise_service_level
from smartnet_tui.imports.parsed import TOP_KEYS, Parsed, Problem
from smartnet_tui.imports.sources import line_of

DEVICE_FIELDS = ("serial", "pid", "hostname", "site", "status", "criticality", "tags", "notes")
CONTRACT_FIELDS = (
    "number", "service_level", "start", "end", "status", "reseller", "annual_cost",
    "currency", "serials", "lines", "triage", "renewal_triage",
)
LINE_FIELDS = ("serial", "start", "end", "service_level", "sku", "annual_cost", "status")
EOX_FIELDS = ("pid", "end_of_sale", "end_of_sw_maintenance", "end_of_contract_renewal",
              "last_date_of_support", "end_of_service_attach", "migration_pid", "migration_name",
              "updated")


class _Ctx:
    """Collects problems for one file; knows how to name a record path and its line."""

    def __init__(self, parsed: Parsed, file: str, order: DateOrder) -> None:
        self.parsed = parsed
        self.file = file
        self.order = order
        self.failed = False
        # for the fast paths, pure functions of the text: a date as written -> the date,
        # the service-level spellings known to be known
        self.dates: dict[str, date] = {}
        self.levels: set[str] = set()
        # a line of only a serial, by the serial as written: the same line on each
        # contract of a device's history (immutable, so one object serves them all)
        self.plain_lines: dict[str, LineSpec] = {}

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

    @overload
    def enum(self, key: str, allowed: Sequence[str], default: str) -> str: ...
    @overload
    def enum(self, key: str, allowed: Sequence[str], default: None) -> str | None: ...
    def enum(self, key: str, allowed: Sequence[str], default: str | None) -> str | None:
        v = self.text(key)
        if v is None:
            return default
        spelled = _spellings(allowed).get(v.lower())  # as the domain spells it
        if spelled is None:
            self._err(key, f"{v!r} is not one of {', '.join(allowed)}")
            return default
        return spelled

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

    def line_text(self, key: str) -> str | None:
        """:meth:`text` that must be one line of plain text (a triage owner or note): no
        control character, line break, tab or bidi control, as when typed in the app."""
        v = self.text(key)
        msg = one_line_message(v) if v else None
        if msg is not None:
            self._err(key, msg)
            return None
        return v

    def currency(self, key: str) -> str | None:
        v = self.text(key)
        try:
            return parse_currency(v) if v is not None else None
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


@cache
def _spellings(allowed: Sequence[str]) -> dict[str, str]:
    """Each allowed value by its lower case (a pure function of the domain's tuples)."""
    return {a.lower(): a for a in allowed}


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _items(ctx: _Ctx, doc: Mapping[str, Any], key: str) -> Iterable[tuple[int, dict[str, Any]]]:
    """The records (mappings) of a top-level list, each with its index; anything else is
    reported."""
    items = doc.get(key)
    if items is None:
        return
    if not isinstance(items, list):
        ctx.error(key, "expected a list of records", line_of(doc, key))
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            ctx.error(f"{key}[{i}]", "expected a mapping (a record with fields)", line_of(items, i))
            continue
        yield i, item


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
        end_of_service_attach=rec.date("end_of_service_attach"),
        migration_pid=rec.text("migration_pid"),
        migration_name=rec.text("migration_name"),
        updated=rec.date("updated"),
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
    state = sub.enum("state", CONTRACT_TRIAGE_STATES, None)  # older files' states too
    if state is None and sub.ok:
        sub._err("state", f"required, one of {', '.join(TRIAGE_STATES)}")
    t = Triage(state or "", sub.line_text("owner"), sub.line_text("note"), sub.text("updated"))
    if not sub.ok:
        rec.ok = False
        return None
    return t


def _renewal_triage(rec: _Record) -> tuple[Triage, ...]:
    """Each renewal's triage, as ``smartnet export`` writes it: ``renewal_triage: [{end,
    state, owner, note, updated, history: [{at, user, state}]}]``."""
    v = rec.data.get("renewal_triage")
    if v is None:
        return ()
    if not isinstance(v, list):
        rec._err("renewal_triage", "expected a list of {end, state, owner, note, history}")
        return ()
    out = []
    for i, item in enumerate(v):
        path = f"{rec.path}.renewal_triage[{i}]"
        if not isinstance(item, dict):
            rec.ctx.error(path, "expected a mapping with end, state, owner, note, history",
                          line_of(v, i))
            rec.ok = False
            continue
        sub = _Record(rec.ctx, item, path)
        end = sub.date("end")
        if end is None and sub.ok:
            sub._err("end", "required: the end of the renewal this triage belongs to")
        state = sub.enum("state", TRIAGE_STATES, None)
        if state is None and sub.ok:
            sub._err("state", f"required, one of {', '.join(TRIAGE_STATES)}")
        owner, note = sub.line_text("owner"), sub.line_text("note")
        events = []
        raw = item.get("history") or []
        if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
            sub._err("history", "expected a list of {at, user, state}")
            raw = []
        for e in raw:
            events.append(TriageEvent(str(e.get("at", "")), str(e.get("user", "")),
                                      str(e.get("state", ""))))
        if not sub.ok:
            rec.ok = False
            continue
        out.append(Triage(state or "", owner, note, sub.text("updated"),
                          end, tuple(events)))
    return tuple(out)


def _contract(rec: _Record) -> Contract | None:
    number = rec.text("number", required=True)
    start, end = rec.date("start"), rec.date("end")
    if start and end and start > end:
        rec._err("end", f"contract starts {start} after it ends {end}")
    lines: list[LineSpec] = []
    # serial (normalised) -> where it was first listed: "serials[i]", or the index of a
    # line (its "lines[j].serial" spelled only for a message)
    on_contract: dict[str, str | int] = {}

    def listed_once(serial: str, where: str | int, line: int | None) -> bool:
        """The same serial twice on one contract is an error (one line per serial: a
        second would be stored beside the first while the summary counted one)."""
        first = on_contract.setdefault(serial, where)
        if first == where:
            return True
        at = first if isinstance(first, str) else f"lines[{first}].serial"
        here = where if isinstance(where, str) else f"lines[{where}].serial"
        rec.ctx.error(f"{rec.path}.{here}", f"serial {serial!r} is already on this contract "
                      f"(at {at}); list each serial once", line)
        rec.ok = False
        return False

    for s_i, serial in enumerate(rec.text_list("serials")):
        if end is None and rec.ok:
            rec.ctx.error(f"{rec.path}.serials[{s_i}]", "no end date: the contract has none",
                          line_of(rec.data.get("serials"), s_i))
            rec.ok = False
        key = normalise_serial(serial)
        if listed_once(key, f"serials[{s_i}]", line_of(rec.data.get("serials"), s_i)):
            lines.append(LineSpec(serial=key))
    raw_lines = rec.data.get("lines")
    if raw_lines is not None:
        if not isinstance(raw_lines, list):
            rec._err("lines", "expected a list of lines")
        else:
            ctx = rec.ctx
            end_invalid = end is None and rec.data.get("end") not in (None, "")
            fast = _FAST_PATHS
            plain_lines = ctx.plain_lines
            # a line of only a serial takes the contract's dates: valid when they are
            plain = end is not None and (start is None or start <= end)
            ln: LineSpec | None
            for j, item in enumerate(raw_lines):
                if not isinstance(item, dict):
                    ctx.error(f"{rec.path}.lines[{j}]", "expected a mapping with serial, end, ...",
                              line_of(raw_lines, j))
                    rec.ok = False
                    continue
                ln = None
                if fast:
                    if plain and len(item) == 1:  # most lines of an estate: {"serial": ...}
                        v = item.get("serial")
                        if type(v) is str:
                            ln = plain_lines.get(v)
                            if ln is None and v.isascii():
                                s = v.strip()  # _fast_serial, written out
                                if s:
                                    ln = plain_lines[v] = LineSpec(s.upper(), None, None, None,
                                                                   None, None, "active", {})
                    if ln is None:
                        try:
                            ln = _fast_line(ctx, item, end, start, end_invalid)
                        except _Slow:
                            pass
                if ln is None:
                    ln = _line(_Record(ctx, item, f"{rec.path}.lines[{j}]"), end, start, end_invalid)
                    if ln is None:
                        rec.ok = False
                        continue
                if ln.serial not in on_contract:
                    on_contract[ln.serial] = j
                    lines.append(ln)
                else:
                    listed_once(ln.serial, j, line_of(item, "serial"))
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
        currency=rec.currency("currency"),
        lines=tuple(lines),
        triage=_triage(rec),
        extra=rec.extra(CONTRACT_FIELDS),
        renewal_triage=_renewal_triage(rec),
    )
    return c if rec.ok else None


# ------------------------------------------------------------------------ fast paths
# An estate's file is 100,000s of records that are already clean: a serial that needs no
# more than upper-casing, a status spelled as the domain spells it, ISO dates that repeat.
# The fast builders below take such a record in a few steps; the moment a value is not
# one they take as it is (a number where text was meant, an unknown field, a value the
# reference would refuse or warn about), they raise _Slow and the record goes through the
# reference builders above, which report every problem exactly as before. A fast builder
# never reports anything, so the problems and their order are the reference's; and it
# returns exactly what the reference builder would (tests/imports/test_fast_paths.py
# draws records and compares both).


_FAST_PATHS = True  # False: every record the reference way (what the tests compare with)


class _Slow(Exception):
    """The fast path does not take this record: build it the reference way."""


_DEVICE_KEYS = frozenset(DEVICE_FIELDS)
_LINE_KEYS = frozenset(LINE_FIELDS)
_DEVICE_STATUS = _spellings(DEVICE_STATUSES)
_CRITICALITY = _spellings(CRITICALITIES)
_LINE_STATUS = _spellings(LINE_STATUSES)


def _fast_text(v: object) -> str | None:
    """:meth:`_Record.text` of an optional field, for nothing and for text."""
    if v is None:
        return None
    if type(v) is str:
        return v.strip() or None
    raise _Slow


def _fast_serial(v: object) -> str:
    """A required serial as :meth:`_Record.text` then ``normalise_serial`` make it."""
    if type(v) is str:
        s = v.strip()
        if s:  # normalise_serial of ASCII text is its stripped upper case
            return s.upper() if s.isascii() else normalise_serial(s)
    raise _Slow


def _fast_enum(v: object, spellings: dict[str, str], default: str) -> str:
    """:meth:`_Record.enum`: any case of an allowed value, as the domain spells it."""
    if v is None:
        return default
    if type(v) is str:
        s = v.strip()
        if not s:
            return default
        spelled = spellings.get(s.lower())
        if spelled is not None:
            return spelled
    raise _Slow


def _fast_date(ctx: _Ctx, v: object) -> date | None:
    """:meth:`_Record.date`, each distinct text parsed once per file."""
    if v is None or v == "":
        return None
    if type(v) is str:
        d = ctx.dates.get(v)
        if d is None:
            try:
                d = parse_date(v, ctx.order)
            except DateError:
                raise _Slow from None
            ctx.dates[v] = d
        return d
    raise _Slow


def _fast_money(v: object) -> float | None:
    if v is None or v == "":
        return None
    try:
        return parse_amount(v)
    except AmountError:
        raise _Slow from None


def _fast_level(ctx: _Ctx, v: object) -> str | None:
    """:meth:`_Record.service_level` of a known spelling (an unknown one is warned of)."""
    s = _fast_text(v)
    if s is not None and s not in ctx.levels:
        if not normalise_service_level(s).known:
            raise _Slow
        ctx.levels.add(s)
    return s


def _fast_device(ctx: _Ctx, data: Mapping[str, Any]) -> Device:
    """:func:`_device` of a record it takes as it is (else _Slow). Written out field by
    field: it runs for every device of an estate."""
    if not data.keys() <= _DEVICE_KEYS:  # an unknown field: kept as extra, with a warning
        raise _Slow
    g = data.get
    serial = g("serial")
    if type(serial) is not str or not serial.isascii():
        raise _Slow
    serial = serial.strip().upper()  # normalise_serial of ASCII text
    if not serial:
        raise _Slow  # required
    pid, hostname, site = g("pid"), g("hostname"), g("site")
    if pid is not None:
        if type(pid) is not str:
            raise _Slow
        pid = pid.strip() or None
    if hostname is not None:
        if type(hostname) is not str:
            raise _Slow
        hostname = hostname.strip() or None
    if site is not None:
        if type(site) is not str:
            raise _Slow
        site = site.strip() or None
    status, crit = g("status"), g("criticality")
    if type(status) is not str or status not in DEVICE_STATUSES:  # else: as the domain spells it
        status = _fast_enum(status, _DEVICE_STATUS, "active")
    if type(crit) is not str or crit not in CRITICALITIES:
        crit = _fast_enum(crit, _CRITICALITY, "normal")
    tags = g("tags")
    if tags is None:
        tag_tuple: tuple[str, ...] = ()
    elif type(tags) is list and all(type(t) is str for t in tags):
        tag_tuple = tuple(s for s in (t.strip() for t in tags) if s)
    else:
        raise _Slow
    notes = g("notes")
    if notes is not None:
        notes = _fast_text(notes)
    return Device(serial, pid, hostname, site, status, crit, tag_tuple, notes, {})


def _fast_line(
    ctx: _Ctx, data: Mapping[str, Any], contract_end: date | None, contract_start: date | None,
    end_invalid: bool,
) -> LineSpec:
    """:func:`_line` of a line it takes as it is (else _Slow)."""
    if not data.keys() <= _LINE_KEYS:  # an unknown field: kept as extra, with a warning
        raise _Slow
    g = data.get
    serial = _fast_serial(g("serial"))
    start = g("start")
    if start is not None:
        start = _fast_date(ctx, start)
    end = g("end")
    if end is not None:
        end = _fast_date(ctx, end)
    if end is None and contract_end is None and not end_invalid:
        raise _Slow  # no end date anywhere: an error
    eff_start, eff_end = start or contract_start, end or contract_end
    if eff_start and eff_end and eff_start > eff_end:
        raise _Slow  # starts after it ends: an error
    level = g("service_level")
    if level is not None:
        level = _fast_level(ctx, level)
    sku = g("sku")
    if sku is not None:
        sku = _fast_text(sku)
    cost = g("annual_cost")
    if cost is not None:
        cost = _fast_money(cost)
    status = g("status")
    status = "active" if status is None else _fast_enum(status, _LINE_STATUS, "active")
    return LineSpec(serial, start, end, level, sku, cost, status, {})


_BUILDERS: dict[str, tuple[Callable[[_Record], Any], Callable[[Any], str], str]] = {
    "devices": (_device, lambda d: d.serial, "serial"),
    "contracts": (_contract, lambda c: c.number, "number"),
    "eox": (_eox, lambda e: e.pid, "pid"),
}


_FAST_BUILDERS: dict[str, Callable[[_Ctx, Mapping[str, Any]], Any]] = {"devices": _fast_device}


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
        fast = _FAST_BUILDERS.get(table) if _FAST_PATHS else None
        for i, item in _items(ctx, doc, table):
            obj = None
            if fast is not None:
                try:
                    obj = fast(ctx, item)
                except _Slow:
                    pass
            if obj is None:
                obj = build(_Record(ctx, item, f"{table}[{i}]"))
                if obj is None:
                    continue
            key = key_of(obj)
            where = f"{file}:{table}[{i}]"
            clash = parsed.other_spelling(key, where) if table == "contracts" else None
            if clash is not None:
                ctx.error(f"{table}[{i}].{keyfield}", clash, line_of(item, keyfield))
                continue
            if not parsed.add(table, key, obj, where):
                ctx.error(f"{table}[{i}].{keyfield}",
                          f"duplicate {keyfield} {key!r} (also at {parsed.first_seen(table, key)})",
                          line_of(item, keyfield))
