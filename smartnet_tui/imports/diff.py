"""What a change does, in words: for import dry runs, import output and the history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
from smartnet_tui.domain.model import Estate
from smartnet_tui.store import converters as cv
from smartnet_tui.store.journal import change_to_record_parts

_NOUN = {"devices": "device", "contracts": "contract", "eox": "EoX row", "quotes": "quote"}
SERIALS_NAMED = 10  # serials named per change of a contract's lines, then a count
MOVES_NAMED = 3  # distinct (old end, new end) moves described per contract, then the rest


def _names(keys: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _field_changes(before: Mapping[str, Any], after: Mapping[str, Any], skip: tuple[str, ...]) -> list[str]:
    """Each changed field in words: ``status active → spare``; a renewal's triage field by
    field (``renewal ending 2026-10-31: state ordered → PO raised, owner wei → ana``), a
    list of records by record (``lines: 1 added (D)``), never a Python dict or list."""
    out = []
    # A data file's contract-level triage, replaced by a renewal's own in the same change
    # (the app's and the CLI's triage do this): it is that renewal's triage before.
    legacy = before.get("triage")
    moved = (isinstance(legacy, Mapping) and not after.get("triage")
             and "renewal_triage" not in skip and before.get("renewal_triage") != after.get("renewal_triage"))
    for k in sorted(set(before) | set(after)):
        b, a = before.get(k), after.get(k)
        if k in skip or b == a:
            continue
        name = k.replace("_", " ")
        if k == "renewal_triage":  # a list of triages, one per renewal (keyed by its end)
            out.extend(_renewal_triage_words(b, a, legacy if moved else None))
            continue
        if k == "triage" and moved:
            continue
        if k == "triage" and (isinstance(b, Mapping) or isinstance(a, Mapping)):
            words = _triage_words(b if isinstance(b, Mapping) else None,
                                  a if isinstance(a, Mapping) else None)
            if words:
                out.append(words if words.startswith("triage ") else f"triage: {words}")
            continue
        if _is_records(b) or _is_records(a):  # e.g. a quote's lines: by record, never a repr
            words = _records_words(b, a)
            if words:
                out.append(f"{name}: {words}")
            continue
        if isinstance(b, Mapping) or isinstance(a, Mapping):
            if not isinstance(b, Mapping) and isinstance(a, Mapping):  # newly set
                shown = [f"{f.replace('_', ' ')} {_short(v)}" for f, v in a.items()
                         if v not in (None, "", [], {}) and f not in _NOISE]
                out.append(f"{name} set: {', '.join(shown)}" if shown else f"{name} set")
            elif not isinstance(a, Mapping) or not isinstance(b, Mapping):
                out.append(f"{name} cleared")
            else:
                out.extend(f"{name} {c}" for c in _field_changes(b, a, _NOISE))
            continue
        out.append(f"{name} {_short(b)} → {_short(a)}")
    return out


_NOISE = ("updated", "history")  # bookkeeping inside a record: not news in a change line
_RECORD_NOISE = (*_NOISE, "where")  # and where a quote line was read: not a change of it
_TRIAGE_FIELDS = ("end", "state", "owner", "note")
_DEFAULT_STATE = "to review"  # a renewal without a recorded triage is at this state
LONG_TEXT = 200  # a text longer than this (a pasted essay) is cut, saying so; others show whole


def _blank(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def _triage_words(b: Mapping[str, Any] | None, a: Mapping[str, Any] | None) -> str:
    """A triage change in words, only what changed: ``state ordered → PO raised, owner
    wei → ana, note set``; a new one: ``state quote requested, owner ana, note "..."``.
    Appended history events and the update time are not news (the state change says it)."""
    if a is None or not any(not _blank(a.get(f)) for f in _TRIAGE_FIELDS):
        if b is None:
            return ""
        return f"triage removed (was {_short(b.get('state') or _DEFAULT_STATE)})"
    if b is None:
        parts = [f"state {_short(a.get('state') or _DEFAULT_STATE)}"]
        if not _blank(a.get("owner")):
            parts.append(f"owner {_short(a['owner'])}")
        if not _blank(a.get("note")):
            parts.append(f'note "{_short(a["note"])}"')
        parts.extend(_field_changes({}, a, (*_TRIAGE_FIELDS, *_NOISE)))
        return ", ".join(parts)
    parts = []
    bs, as_ = b.get("state") or _DEFAULT_STATE, a.get("state") or _DEFAULT_STATE
    if bs != as_:
        parts.append(f"state {_short(bs)} → {_short(as_)}")
    bo, ao = b.get("owner"), a.get("owner")
    if bo != ao and not (_blank(bo) and _blank(ao)):
        if _blank(bo):
            parts.append(f"owner {_short(ao)}")
        elif _blank(ao):
            parts.append(f"owner cleared (was {_short(bo)})")
        else:
            parts.append(f"owner {_short(bo)} → {_short(ao)}")
    bn, an = b.get("note"), a.get("note")
    if bn != an and not (_blank(bn) and _blank(an)):
        parts.append("note set" if _blank(bn) else "note cleared" if _blank(an) else "note changed")
    parts.extend(_field_changes(b, a, (*_TRIAGE_FIELDS, *_NOISE)))
    return ", ".join(parts)


def _renewal_triage_words(before: Any, after: Any,
                          legacy: Mapping[str, Any] | None = None) -> list[str]:
    """A contract's renewal triages (one per renewal end), each changed one in words:
    ``renewal ending 2026-10-31: state ordered → PO raised, owner wei → ana``. ``legacy``:
    the contract-level triage this change replaced, the before of the first renewal added
    (the one it applied to); said removed when no renewal was added."""
    def by_end(v: Any) -> dict[str, Mapping[str, Any]]:
        items = v if isinstance(v, (list, tuple)) else ()
        return {str(t.get("end") or ""): t for t in items if isinstance(t, Mapping)}

    b, a = by_end(before), by_end(after)
    out = []
    if legacy is not None:
        added = sorted(a.keys() - b.keys())
        if added:
            b[added[0]] = legacy
        else:
            out.append(f"triage removed (was {_short(legacy.get('state') or _DEFAULT_STATE)})")
    for end in sorted(b.keys() | a.keys()):
        words = _triage_words(b.get(end), a.get(end))
        if words:
            out.append(f"renewal ending {end or '(no end)'}: {words}")
    return out


def _is_records(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and any(isinstance(x, Mapping) for x in v)


def _record_key(r: Any) -> str:
    """What names a record in a list: its serial (a quote line), pid, name or end."""
    if isinstance(r, Mapping):
        for k in ("serial", "pid", "name", "number", "end"):
            if not _blank(r.get(k)):
                return str(r[k])
    return "(unnamed)"


def _records_words(before: Any, after: Any) -> str:
    """A list of records (a quote's lines) compared by what names each record:
    ``2 added (A, B), 1 removed (C), 1 changed (D)``; where a line was read is no change."""
    def grouped(v: Any) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in v if isinstance(v, (list, tuple)) else ():
            body = ({k: x for k, x in r.items() if k not in _RECORD_NOISE}
                    if isinstance(r, Mapping) else r)
            out.setdefault(_record_key(r), []).append(repr(sorted(body.items()))
                                                      if isinstance(body, dict) else repr(body))
        return {k: sorted(x) for k, x in out.items()}

    b, a = grouped(before), grouped(after)
    added = sorted(a.keys() - b.keys())
    removed = sorted(b.keys() - a.keys())
    changed = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    parts = [f"{len(keys)} {word} ({_names(keys, SERIALS_NAMED)})"
             for word, keys in (("added", added), ("removed", removed), ("changed", changed)) if keys]
    return ", ".join(parts)


def _short(v: Any) -> str:
    """A stored value in words: none, text, numbers, lists joined, records as fields,
    lists of records counted; text is shown whole up to LONG_TEXT characters."""
    if _blank(v):
        return "(none)"
    if isinstance(v, bool):
        text = "yes" if v else "no"
    elif isinstance(v, str):
        text = v
    elif _is_records(v):
        text = f"{len(v)} {'entry' if len(v) == 1 else 'entries'}"
    elif isinstance(v, (list, tuple)):
        text = ", ".join(_short(x) for x in v)
    elif isinstance(v, Mapping):
        text = ", ".join(f"{str(k).replace('_', ' ')} {_short(x)}" for k, x in v.items()
                         if not _blank(x) and k not in _NOISE)
    else:
        text = str(v)
    return text if len(text) <= LONG_TEXT else text[:LONG_TEXT - 1] + "…"


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
        if before is None:  # neither before nor after: nothing to describe
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


def _line_states(lines: Iterable[Mapping[str, Any]], contract_end: str | None) -> dict[str, str | None]:
    """Serial -> latest end of its active lines; None when all its lines are terminated."""
    out: dict[str, str | None] = {}
    for ln in lines:
        serial = ln["serial"]
        if ln.get("status", "active") == "terminated":
            out.setdefault(serial, None)
            continue
        end = ln.get("end") or contract_end or ""
        prev = out.get(serial)
        if prev is None or end > prev:
            out[serial] = end
    return out


def _line_delta(b: Mapping[str, Any], a: Mapping[str, Any]) -> dict[str, list[str]]:
    """Serials whose line was added, dropped, terminated, reactivated, or whose end moved."""
    gained = sorted(a.keys() - b.keys())
    lost = sorted(b.keys() - a.keys())
    both = a.keys() & b.keys()
    terminated = sorted(s for s in both if b[s] is not None and a[s] is None)
    reactivated = sorted(s for s in both if b[s] is None and a[s] is not None)
    moved = sorted(s for s in both if a[s] is not None and b[s] is not None and a[s] != b[s])
    return {"added": gained, "dropped": lost, "terminated": terminated,
            "reactivated": reactivated, "moved": moved}


def _contract_delta(number: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    parts = _field_changes(before, after, ("lines",))
    b = _line_states(before.get("lines", ()), before.get("end"))
    a = _line_states(after.get("lines", ()), after.get("end"))
    d = _line_delta(b, a)

    def serials(keys: Sequence[str]) -> str:
        return _names(keys, SERIALS_NAMED)

    if d["added"]:
        parts.append(f"{_plural(len(d['added']), 'line')} added ({serials(d['added'])})")
    if d["dropped"]:
        parts.append(f"{_plural(len(d['dropped']), 'line')} dropped ({serials(d['dropped'])})")
    if d["terminated"]:
        parts.append(f"{_plural(len(d['terminated']), 'line')} terminated ({serials(d['terminated'])})")
    if d["reactivated"]:
        parts.append(f"{_plural(len(d['reactivated']), 'line')} active again ({serials(d['reactivated'])})")
    moved = d["moved"]
    if moved:
        # Grouped by (old end, new end), the largest groups first: each names its serials.
        by_move: dict[tuple[str, str], list[str]] = {}
        for s in moved:
            by_move.setdefault((b[s] or "", a[s] or ""), []).append(s)
        groups = sorted(by_move.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        for (old, new), keys in groups[:MOVES_NAMED]:
            parts.append(f"{_plural(len(keys), 'line')} end moved {old} → {new} ({serials(keys)})")
        rest = sorted(s for _, keys in groups[MOVES_NAMED:] for s in keys)
        if rest:
            parts.append(f"{_plural(len(rest), 'more line')} end moved to other dates ({serials(rest)})")
    if not parts and before.get("lines") != after.get("lines"):
        parts.append("line details changed")
    return [f"~ contract {number}: {'; '.join(parts)}"] if parts else []


def _spec_states(contract: Any) -> dict[str, Any]:
    """_line_states for a domain Contract (dates, not ISO text: only compared)."""
    out: dict[str, Any] = {}
    cend = contract.end
    for ln in contract.lines:
        if ln.status == "terminated":
            out.setdefault(ln.serial, None)
            continue
        end = ln.end or cend
        prev = out.get(ln.serial)
        if prev is None or (end is not None and end > prev):
            out[ln.serial] = end
    return out


_COUNT_ORDER = (
    ("lines_added", "line added", "lines added"),
    ("lines_dropped", "line dropped", "lines dropped"),
    ("ends_moved", "end date moved", "end dates moved"),
    ("lines_terminated", "line terminated", "lines terminated"),
    ("lines_reactivated", "line active again", "lines active again"),
    ("devices_added", "device added", "devices added"),
    ("devices_removed", "device removed", "devices removed"),
    ("devices_changed", "device changed", "devices changed"),
    ("status_changes", "status change", "status changes"),
    ("contracts_added", "contract added", "contracts added"),
    ("contracts_removed", "contract removed", "contracts removed"),
    ("contracts_changed", "contract changed", "contracts changed"),
    ("eox_added", "EoX row added", "EoX rows added"),
    ("eox_changed", "EoX row changed", "EoX rows changed"),
    ("eox_removed", "EoX row removed", "EoX rows removed"),
)


COUNT_KEYS = tuple(key for key, _, _ in _COUNT_ORDER)  # every key change_counts may give


def change_counts(before: Estate, changes: Sequence[Change]) -> dict[str, int]:
    """How many lines were added, dropped, terminated, moved; devices added; status
    changes (device, contract and line); contracts and EoX rows added, changed, removed.
    Zero counts are left out. Works on domain objects: cheap even for 200,000 lines."""
    n: dict[str, int] = {}

    def bump(key: str, by: int = 1) -> None:
        if by:
            n[key] = n.get(key, 0) + by

    for ch in changes:
        if isinstance(ch, PutDevice):
            old = before.devices.get(ch.device.serial)
            if old is None:
                bump("devices_added")
            else:
                bump("devices_changed")
                bump("status_changes", old.status != ch.device.status)
        elif isinstance(ch, DeleteDevice):
            bump("devices_removed", ch.serial in before.devices)
        elif isinstance(ch, PutContract):
            new = ch.contract
            old_c = before.contracts.get(new.number)
            a = _spec_states(new)
            if old_c is None:
                bump("contracts_added")
                bump("lines_added", len(a))
                continue
            bump("contracts_changed")
            bump("status_changes", old_c.status != new.status)
            d = _line_delta(_spec_states(old_c), a)
            bump("lines_added", len(d["added"]))
            bump("lines_dropped", len(d["dropped"]))
            bump("lines_terminated", len(d["terminated"]))
            bump("lines_reactivated", len(d["reactivated"]))
            bump("ends_moved", len(d["moved"]))
            bump("status_changes", len(d["terminated"]) + len(d["reactivated"]))
        elif isinstance(ch, DeleteContract):
            if ch.number in before.contracts:
                bump("contracts_removed")
                bump("lines_dropped", len(_spec_states(before.contracts[ch.number])))
        elif isinstance(ch, PutEoX):
            bump("eox_changed" if ch.eox.pid in before.eox else "eox_added")
        elif isinstance(ch, DeleteEoX):
            bump("eox_removed", ch.pid in before.eox)
    return n


def summary_line(counts: Mapping[str, int]) -> str:
    """'3 lines added, 1 line dropped, 2 end dates moved, 4 devices added' (or 'no changes')."""
    parts = []
    for key, one, many in _COUNT_ORDER:
        v = counts.get(key, 0)
        if v:
            parts.append(f"{v:,} {one if v == 1 else many}")
    return ", ".join(parts) if parts else "no changes"


def describe_changes(before: Estate, changes: Sequence[Change], limit: int = 50) -> list[str]:
    """Describe domain changes against the estate they apply to."""
    records = []
    for ch in changes:
        table, key, after = change_to_record_parts(ch)
        records.append({"table": table, "key": key, "before": _stored_doc(before, table, key),
                        "after": after})
    return describe_records(records, limit)


def _stored_doc(estate: Estate, table: str, key: str) -> dict[str, Any] | None:
    """The document of a record as the estate holds it, None when it holds none."""
    if table == "devices":
        device = estate.devices.get(key)
        return cv.device_to_doc(device) if device is not None else None
    if table == "contracts":
        contract = estate.contracts.get(key)
        return cv.contract_to_doc(contract) if contract is not None else None
    if table == "quotes":
        quote = estate.quotes.get(key)
        return cv.quote_to_doc(quote) if quote is not None else None
    eox = estate.eox.get(key)
    return cv.eox_to_doc(eox) if eox is not None else None
