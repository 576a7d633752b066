"""The YAML/JSON data format (docs/data-format.md): source records validated into domain
objects in a :class:`~smartnet_tui.imports.parsed.Parsed`.

Every problem is collected with its file, record path (``contracts[2].lines[5].end``)
and, for YAML, line. Warnings (an unknown service-level spelling, an unknown field kept
as extra) never fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
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
        spelled = {a.lower(): a for a in allowed}.get(v.lower())  # as the domain spells it
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
    on_contract: dict[str, str] = {}  # serial (normalised) -> where it was first listed

    def listed_once(serial: str, where: str, line: int | None) -> bool:
        """The same serial twice on one contract is an error (one line per serial: a
        second would be stored beside the first while the summary counted one)."""
        first = on_contract.setdefault(serial, where)
        if first == where:
            return True
        rec.ctx.error(f"{rec.path}.{where}", f"serial {serial!r} is already on this contract "
                      f"(at {first}); list each serial once", line)
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
                elif listed_once(ln.serial, f"lines[{j}].serial", line_of(item, "serial")):
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
        currency=rec.currency("currency"),
        lines=tuple(lines),
        triage=_triage(rec),
        extra=rec.extra(CONTRACT_FIELDS),
        renewal_triage=_renewal_triage(rec),
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
            clash = parsed.other_spelling(key, where) if table == "contracts" else None
            if clash is not None:
                ctx.error(f"{rec.path}.{keyfield}", clash, line_of(rec.data, keyfield))
                continue
            if not parsed.add(table, key, obj, where):
                ctx.error(f"{rec.path}.{keyfield}",
                          f"duplicate {keyfield} {key!r} (also at {parsed.first_seen(table, key)})",
                          line_of(rec.data, keyfield))
