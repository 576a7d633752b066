"""Follow another process's writes by replaying the store's journal (no Textual, no I/O).

Every store write appends one journal entry with the records it wrote (table, key, after).
Replaying the entries after the last one we know turns them into domain changes, so the
app recomputes only what they touched instead of re-reading 200,000 lines.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from smartnet_tui.store import converters as cv

MAX_REPLAY = 20_000  # beyond this many records, a full reload is as cheap


def record_to_change(table: str, key: str, after: Mapping[str, Any] | None) -> Change:
    if table == "devices":
        return DeleteDevice(key) if after is None else PutDevice(cv.device_from_doc(after))
    if table == "contracts":
        return DeleteContract(key) if after is None else PutContract(cv.contract_from_doc(after))
    if table == "eox":
        return DeleteEoX(key) if after is None else PutEoX(cv.eox_from_doc(after))
    raise ValueError(f"unknown table {table!r}")


def changes_since(raw: Mapping[str, Any], since: int) -> tuple[list[Change], int] | None:
    """The changes journalled after entry ``since`` and the last entry id; None when the
    journal does not continue from ``since`` (a new or replaced database) or is too big."""
    journal = raw.get("journal") or {}
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
            for rec in journal[str(i)].get("changes", ()):
                changes.append(record_to_change(rec["table"], rec["key"], rec.get("after")))
                if len(changes) > MAX_REPLAY:
                    return None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return changes, (newer[-1] if newer else since)
