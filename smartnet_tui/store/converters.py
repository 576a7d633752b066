"""The one place where stored documents become domain objects and back.

Documents use the data format's own field names (docs/data-format.md) with ISO dates, so
an export is the stored documents as they are. Absent values are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from smartnet_tui.domain.model import Contract, Device, EoX, LineSpec, Triage, TriageEvent
from smartnet_tui.domain.quotes import Quote, QuoteLine

_fromiso = date.fromisoformat


def _d(value: str | None) -> date | None:
    return _fromiso(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _compact(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if v is not None and v != () and v != [] and v != {}}


# ---------------------------------------------------------------- devices
def device_from_doc(doc: Mapping[str, Any]) -> Device:
    return Device(
        serial=doc["serial"],
        pid=doc.get("pid"),
        hostname=doc.get("hostname"),
        site=doc.get("site"),
        status=doc.get("status", "active"),
        criticality=doc.get("criticality", "normal"),
        tags=tuple(doc.get("tags", ())),
        notes=doc.get("notes"),
        extra=doc.get("extra") or {},
    )


def device_to_doc(d: Device) -> dict[str, Any]:
    return _compact({
        "serial": d.serial,
        "pid": d.pid,
        "hostname": d.hostname,
        "site": d.site,
        "status": d.status,
        "criticality": d.criticality,
        "tags": list(d.tags),
        "notes": d.notes,
        "extra": dict(d.extra),
    })


# ---------------------------------------------------------------- eox
EOX_DATES = ("end_of_sale", "end_of_sw_maintenance", "end_of_contract_renewal", "last_date_of_support",
             "end_of_service_attach", "updated")
EOX_TEXTS = ("migration_pid", "migration_name")


def eox_from_doc(doc: Mapping[str, Any]) -> EoX:
    fields: dict[str, Any] = {k: _d(doc.get(k)) for k in EOX_DATES}
    fields.update((k, doc.get(k)) for k in EOX_TEXTS)
    return EoX(doc["pid"], **fields, extra=doc.get("extra") or {})


def eox_to_doc(e: EoX) -> dict[str, Any]:
    doc: dict[str, Any] = {"pid": e.pid}
    for k in EOX_DATES:
        doc[k] = _iso(getattr(e, k))
    for k in EOX_TEXTS:
        doc[k] = getattr(e, k)
    doc["extra"] = dict(e.extra)
    return _compact(doc)


# ---------------------------------------------------------------- contracts
_MAX_COST = 999_999_999_999.99  # domain.money.MAX_AMOUNT: what an import accepts
_NUMBER = (int, float)


def _bad_cost(value: Any) -> bool:
    """A stored annual_cost no import would write (hand-edited): not a number from 0 to
    the largest amount. Refused at load, or every figure built on it fails to round."""
    return type(value) not in _NUMBER or not 0 <= value <= _MAX_COST


_DATES: dict[str, date] = {}


def _date_cached(text: str) -> date:
    """Lines repeat a few hundred distinct dates: parse each once."""
    d = _DATES.get(text)
    if d is None:
        if len(_DATES) > 100_000:
            _DATES.clear()
        d = _DATES[text] = _fromiso(text)
    return d


# line_from_doc passes LineSpec's fields by position (a third faster than by keyword on
# 300,000 lines): a change of their order must fail here, not misplace values.
if tuple(f.name for f in fields(LineSpec)) != (
        "serial", "start", "end", "service_level", "sku", "annual_cost", "status", "extra"):
    raise ImportError("LineSpec's fields changed: update store/converters.py line_from_doc")


def line_from_doc(doc: Mapping[str, Any]) -> LineSpec:
    start = doc.get("start")
    end = doc.get("end")
    cost = doc.get("annual_cost")
    # inline, not _bad_cost(): this runs once per line (200k)
    if cost is not None and (type(cost) not in _NUMBER or not 0 <= cost <= _MAX_COST):
        raise ValueError(f"line {doc.get('serial')!r}: annual_cost {cost!r} is not an amount "
                         "from 0 to 999,999,999,999.99")
    # by position, dates cached: this runs once per line (300,000 at a load)
    get = doc.get
    return LineSpec(doc["serial"], _date_cached(start) if start else None,
                    _date_cached(end) if end else None, get("service_level"), get("sku"),
                    cost, get("status", "active"), get("extra") or {})


_ISO_CACHE: dict[date, str] = {}


def _iso_cached(d: date) -> str:
    """Lines repeat a few hundred distinct dates: format each once."""
    text = _ISO_CACHE.get(d)
    if text is None:
        if len(_ISO_CACHE) > 100_000:
            _ISO_CACHE.clear()
        text = _ISO_CACHE[d] = d.isoformat()
    return text


def line_to_doc(ln: LineSpec, _iso: dict[date, str] = _ISO_CACHE) -> dict[str, Any]:
    # Built field by field rather than through _compact: this runs once per line (200k).
    doc: dict[str, Any] = {"serial": ln.serial}
    if ln.start is not None:
        doc["start"] = _iso.get(ln.start) or _iso_cached(ln.start)
    if ln.end is not None:
        doc["end"] = _iso.get(ln.end) or _iso_cached(ln.end)
    if ln.service_level is not None:
        doc["service_level"] = ln.service_level
    if ln.sku is not None:
        doc["sku"] = ln.sku
    if ln.annual_cost is not None:
        doc["annual_cost"] = ln.annual_cost
    doc["status"] = ln.status
    if ln.extra:
        doc["extra"] = ln.extra  # records are never mutated: share, don't copy 200k dicts
    return doc


def triage_from_doc(doc: Mapping[str, Any] | None) -> Triage | None:
    if not doc:
        return None
    return Triage(doc["state"], doc.get("owner"), doc.get("note"), doc.get("updated"))


def triage_to_doc(t: Triage | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return _compact({"state": t.state, "owner": t.owner, "note": t.note, "updated": t.updated})


def renewal_triage_from_doc(doc: Mapping[str, Any]) -> Triage:
    """A renewal's triage: its ``end`` (the renewal it belongs to) and its state history."""
    return Triage(doc["state"], doc.get("owner"), doc.get("note"), doc.get("updated"),
                  _d(doc.get("end")),
                  tuple(TriageEvent(e["at"], e["user"], e["state"]) for e in doc.get("history", ())))


def renewal_triage_to_doc(t: Triage) -> dict[str, Any]:
    return _compact({"end": _iso(t.end), "state": t.state, "owner": t.owner, "note": t.note,
                     "updated": t.updated,
                     "history": [{"at": e.at, "user": e.user, "state": e.state} for e in t.history]})


def contract_from_doc(doc: Mapping[str, Any], lines_filter: str | None = None) -> Contract:
    """``lines_filter``: keep only the lines of that serial (a fast partial load for lookup)."""
    raw_lines = doc.get("lines", ())
    if lines_filter is not None:
        raw_lines = [ln for ln in raw_lines if ln["serial"] == lines_filter]
    cost = doc.get("annual_cost")
    try:
        if cost is not None and _bad_cost(cost):
            raise ValueError(f"annual_cost {cost!r} is not an amount from 0 to 999,999,999,999.99")
        lines = tuple(map(line_from_doc, raw_lines))
    except ValueError as exc:
        raise ValueError(f"contract {doc.get('number')!r}: {exc}") from None
    return Contract(
        number=doc["number"],
        service_level=doc.get("service_level"),
        start=_d(doc.get("start")),
        end=_d(doc.get("end")),
        status=doc.get("status", "active"),
        reseller=doc.get("reseller"),
        annual_cost=doc.get("annual_cost"),
        currency=doc.get("currency"),
        lines=lines,
        triage=triage_from_doc(doc.get("triage")),
        extra=doc.get("extra") or {},
        renewal_triage=tuple(map(renewal_triage_from_doc, doc.get("renewal_triage", ()))),
    )


def contract_to_doc(c: Contract) -> dict[str, Any]:
    return _compact({
        "number": c.number,
        "service_level": c.service_level,
        "start": _iso(c.start),
        "end": _iso(c.end),
        "status": c.status,
        "reseller": c.reseller,
        "annual_cost": c.annual_cost,
        "currency": c.currency,
        "lines": [line_to_doc(ln) for ln in c.lines],
        "triage": triage_to_doc(c.triage),
        "extra": dict(c.extra),
        "renewal_triage": [renewal_triage_to_doc(t) for t in c.renewal_triage],
    })


# ---------------------------------------------------------------- quotes
def _dec(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)  # a hand-edited price no import would write: refused at load
    except (InvalidOperation, TypeError):
        amount = Decimal("NaN")
    if not amount.is_finite() or not 0 <= amount <= _MAX_PRICE:
        raise ValueError(f"price {value!r} is not an amount from 0 to 999,999,999,999.99")
    return amount


_MAX_PRICE = Decimal("999999999999.99")


def quote_line_from_doc(doc: Mapping[str, Any]) -> QuoteLine:
    return QuoteLine(
        where=doc.get("where", ""),
        serial=doc["serial"],
        contract=doc.get("contract"),
        pid=doc.get("pid"),
        service_level=doc.get("service_level"),
        sku=doc.get("sku"),
        start=_d(doc.get("start")),
        end=_d(doc.get("end")),
        months=doc.get("months"),
        quantity=doc.get("quantity"),
        unit_list_price=_dec(doc.get("unit_list_price")),
        net_price=_dec(doc.get("net_price")),
        currency=doc.get("currency"),
    )


def quote_line_to_doc(q: QuoteLine) -> dict[str, Any]:
    """Amounts are kept as their exact text (``"1234.50"``), never as floats."""
    return _compact({
        "where": q.where,
        "serial": q.serial,
        "contract": q.contract,
        "pid": q.pid,
        "service_level": q.service_level,
        "sku": q.sku,
        "start": _iso(q.start),
        "end": _iso(q.end),
        "months": q.months,
        "quantity": q.quantity,
        "unit_list_price": str(q.unit_list_price) if q.unit_list_price is not None else None,
        "net_price": str(q.net_price) if q.net_price is not None else None,
        "currency": q.currency,
    })


def quote_from_doc(doc: Mapping[str, Any]) -> Quote:
    return Quote(
        name=doc["name"],
        files=tuple(doc.get("files", ())),
        lines=tuple(map(quote_line_from_doc, doc.get("lines", ()))),
        imported=doc.get("imported"),
    )


def quote_to_doc(q: Quote) -> dict[str, Any]:
    return _compact({
        "name": q.name,
        "files": list(q.files),
        "imported": q.imported,
        "lines": [quote_line_to_doc(ln) for ln in q.lines],
    })
