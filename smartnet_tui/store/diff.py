"""What a change does, in words: for import dry runs, import output and the history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from smartnet_tui.domain.changes import Change
from smartnet_tui.domain.model import Estate

_NOUN = {"devices": "device", "contracts": "contract", "eox": "EoX row"}


def _names(keys: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _line_ends(doc: Mapping[str, Any]) -> dict[str, str]:
    """Serial -> effective end of its active lines (the latest, if several)."""
    out: dict[str, str] = {}
    for ln in doc.get("lines", ()):
        if ln.get("status", "active") == "terminated":
            continue
        end = ln.get("end") or doc.get("end") or ""
        if end > out.get(ln["serial"], ""):
            out[ln["serial"]] = end
    return out


def _field_changes(before: Mapping[str, Any], after: Mapping[str, Any], skip: tuple[str, ...]) -> list[str]:
    out = []
    for k in sorted(set(before) | set(after)):
        if k in skip or before.get(k) == after.get(k):
            continue
        out.append(f"{k} {_short(before.get(k))} → {_short(after.get(k))}")
    return out


def _short(v: Any) -> str:
    if v is None:
        return "(none)"
    text = v if isinstance(v, str) else repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_records(records: Iterable[Mapping[str, Any]], limit: int = 50) -> list[str]:
    """One line per notable change, newest journal format (table, key, before, after)."""
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    details: list[str] = []
    for r in records:
        table, key, before, after = r["table"], r["key"], r.get("before"), r.get("after")
        if before is None and after is not None:
            added.setdefault(table, []).append(key)
            continue
        if after is None:
            removed.setdefault(table, []).append(key)
            continue
        if table == "contracts":
            details.extend(_contract_delta(key, before, after))
        else:
            changes = _field_changes(before, after, ())
            if changes:
                details.append(f"~ {_NOUN[table]} {key}: {'; '.join(changes)}")
    out = []
    for table, keys in added.items():
        out.append(f"+ {_plural(len(keys), _NOUN[table])} added: {_names(keys)}")
    for table, keys in removed.items():
        out.append(f"- {_plural(len(keys), _NOUN[table])} removed: {_names(keys)}")
    if len(details) > limit:
        details = details[:limit] + [f"... and {len(details) - limit} more changes"]
    return out + details


def _contract_delta(number: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    parts = _field_changes(before, after, ("lines",))
    b, a = _line_ends(before), _line_ends(after)
    gained = sorted(a.keys() - b.keys())
    lost = sorted(b.keys() - a.keys())
    moved = sorted(s for s in a.keys() & b.keys() if a[s] != b[s])
    if gained:
        parts.append(f"{_plural(len(gained), 'line')} added ({_names(gained)})")
    if lost:
        parts.append(f"{_plural(len(lost), 'line')} dropped ({_names(lost)})")
    if moved:
        ends = {(b[s], a[s]) for s in moved}
        if len(ends) == 1:
            (old, new), = ends
            parts.append(f"{_plural(len(moved), 'line')} end moved {old} → {new}")
        else:
            parts.append(f"{_plural(len(moved), 'line')} end moved ({_names(moved)})")
    if not parts and before.get("lines") != after.get("lines"):
        parts.append("line details changed")
    return [f"~ contract {number}: {'; '.join(parts)}"] if parts else []


def describe_changes(before: Estate, changes: Sequence[Change], limit: int = 50) -> list[str]:
    """Describe domain changes against the estate they apply to."""
    from smartnet_tui.store import converters as cv
    from smartnet_tui.store.db import change_to_record_parts

    records = []
    for ch in changes:
        table, key, after = change_to_record_parts(ch)
        old = {
            "devices": lambda k: before.devices.get(k) and cv.device_to_doc(before.devices[k]),
            "contracts": lambda k: before.contracts.get(k) and cv.contract_to_doc(before.contracts[k]),
            "eox": lambda k: before.eox.get(k) and cv.eox_to_doc(before.eox[k]),
        }[table](key)
        records.append({"table": table, "key": key, "before": old or None, "after": after})
    return describe_records(records, limit)
