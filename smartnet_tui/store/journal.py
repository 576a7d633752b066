"""The change journal: how a domain change is kept as a record, and how records replay.

Every store write appends one journal entry ``{"id", "who", "when", "action", "changes"}``
whose ``changes`` are records ``{"table", "key", "before", "after"}`` (documents, or None
for a deletion). This module is the one place that maps between those records and domain
changes; readers follow other writers by replaying the entries after the last id they know.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smartnet_tui.domain.changes import (
    Change,
    DeleteContract,
    DeleteDevice,
    DeleteEoX,
    DeleteQuote,
    PutContract,
    PutDevice,
    PutEoX,
    PutQuote,
)
from smartnet_tui.store import converters as cv

JOURNAL = "journal"
MAX_REPLAY = 20_000  # beyond this many records, a full reload is as cheap
# An entry with more records than MAX_REPLAY is kept whole in the archive only; the
# database's copy has no records and this key, their count (docs/performance.md).
ARCHIVED = "archived_changes"


def change_to_record_parts(ch: Change) -> tuple[str, str, dict[str, Any] | None]:
    """(table, natural key, document or None for a deletion) of one change."""
    match ch:
        case PutDevice(device):
            return "devices", device.serial, cv.device_to_doc(device)
        case DeleteDevice(serial):
            return "devices", serial, None
        case PutContract(contract):
            return "contracts", contract.number, cv.contract_to_doc(contract)
        case DeleteContract(number):
            return "contracts", number, None
        case PutEoX(eox):
            return "eox", eox.pid, cv.eox_to_doc(eox)
        case DeleteEoX(pid):
            return "eox", pid, None
        case PutQuote(quote):
            return "quotes", quote.name, cv.quote_to_doc(quote)
        case DeleteQuote(name):
            return "quotes", name, None
    raise TypeError(f"not a change: {ch!r}")


def record_to_change(table: str, key: str, after: Mapping[str, Any] | None) -> Change:
    """The domain change that brings a record to ``after`` (None: deleted)."""
    if table == "devices":
        return DeleteDevice(key) if after is None else PutDevice(cv.device_from_doc(after))
    if table == "contracts":
        return DeleteContract(key) if after is None else PutContract(cv.contract_from_doc(after))
    if table == "eox":
        return DeleteEoX(key) if after is None else PutEoX(cv.eox_from_doc(after))
    if table == "quotes":
        return DeleteQuote(key) if after is None else PutQuote(cv.quote_from_doc(after))
    raise ValueError(f"unknown table {table!r}")


def last_journal_id(raw: Mapping[str, Any]) -> int:
    """The id of the newest journal entry in a raw database, 0 when there is none."""
    journal = raw.get(JOURNAL) or {}
    try:
        return max(map(int, journal), default=0)
    except (TypeError, ValueError):
        return 0


def changes_since(raw: Mapping[str, Any], since: int) -> tuple[list[Change], int] | None:
    """The changes journalled after entry ``since`` and the last entry id; None when the
    journal does not continue from ``since`` (a new or replaced database) or is too big."""
    journal = raw.get(JOURNAL) or {}
    try:
        ids = sorted(int(k) for k in journal)
    except ValueError:
        return None
    if not ids:
        return None if since else ([], 0)
    if ids[-1] < since or (since and since not in ids):
        return None
    newer = [i for i in ids if i > since]
    if newer and newer != list(range(since + 1, newer[-1] + 1)):
        return None
    changes: list[Change] = []
    try:
        for i in newer:
            if ARCHIVED in journal[str(i)]:
                return None  # its records are in the archive: read everything
            for rec in journal[str(i)].get("changes", ()):
                changes.append(record_to_change(rec["table"], rec["key"], rec.get("after")))
                if len(changes) > MAX_REPLAY:
                    return None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return changes, (newer[-1] if newer else since)
