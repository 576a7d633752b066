"""The journal kept bounded: old entries move from the database to an archive beside it.

The database keeps the recent journal: the newest ``KEEP_ENTRIES`` entries, and of those
only the ones written in the last ``KEEP_DAYS`` days (the newest entry always stays, so
entry ids keep counting up and other running apps can still follow). Every write moves
what falls out of that window to ``<database>.archive``, one JSON entry per line,
appended and fsynced under the database lock before the database is replaced: an entry
is never in neither place. ``smartnet history --all`` reads both.

An import's entry holds a record per device and contract it added, as large as the
estate itself: the database keeps such an entry without its records (their count in
``ARCHIVED``), the archive keeps it whole.

A kill between the append and the rename leaves entries in the archive that the
database also holds (or an entry of a write that never happened, whose id the next
write reuses): readers take, for each id, the database's entry when it has one, else the
last archived one, and never an id beyond the database's newest.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from smartnet_tui.store.journal import ARCHIVED

KEEP_ENTRIES = 1_000
KEEP_DAYS = 180
# An entry with more records than this (an import) keeps them in the archive only; the
# database's copy has none, and ``ARCHIVED``: their count. Such an entry is never
# replayed (journal.MAX_REPLAY): a reader reloads the database instead.
RECORDS_IN_DATABASE = 20_000
ARCHIVE_SUFFIX = ".archive"


def archive_path(db_path: Path) -> Path:
    """The archive of the (resolved) database at ``db_path``."""
    return db_path.with_name(db_path.name + ARCHIVE_SUFFIX)


def _when(entry: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(entry["when"])
    except (KeyError, TypeError, ValueError):
        return None


def entries_to_move(journal: Mapping[str, Any], now: datetime) -> list[str]:
    """The ids (as stored, strings) of the entries that leave the database: beyond the
    newest ``KEEP_ENTRIES``, or older than ``KEEP_DAYS`` days; never the newest entry."""
    keep, days = KEEP_ENTRIES, KEEP_DAYS
    try:
        ids = sorted(journal, key=int)
    except ValueError:
        return []  # a journal we cannot order: leave it alone
    if len(ids) <= 1:
        return []
    move = ids[:-keep] if len(ids) > keep else []
    cutoff = now - timedelta(days=days)
    for key in ids[len(move):-1]:
        when = _when(journal[key])
        if when is None or when.tzinfo is None or when >= cutoff:
            break  # ids grow with time: the first recent one ends the old ones
        move.append(key)
    return move


def append(path: Path, entries: Iterable[Mapping[str, Any]], like: Path | None = None) -> None:
    """Append ``entries`` to the archive at ``path`` and fsync it (call under the lock).
    A new archive gets the mode and group of ``like`` (the database), as a rewrite of
    the database keeps them. A torn last line (a killed writer) is closed first."""
    payload = b"".join(orjson.dumps(e) + b"\n" for e in entries)
    if not payload:
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        st = os.fstat(fd)
        if st.st_size == 0 and like is not None:
            try:
                ref = os.stat(like)
                os.fchmod(fd, stat.S_IMODE(ref.st_mode))
                if ref.st_gid != st.st_gid:
                    os.fchown(fd, -1, ref.st_gid)
            except OSError:
                pass  # best effort, as for the database's own group
        elif st.st_size:
            with open(path, "rb") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    payload = b"\n" + payload
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path) -> dict[int, dict[str, Any]]:
    """The archived entries by id: the last one of an id wins, except that an entry
    without its records (``ARCHIVED``) never replaces one with them. Unreadable lines (a
    torn last line) are skipped."""
    out: dict[int, dict[str, Any]] = {}
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return out
    for row in data.split(b"\n"):
        if not row.strip():
            continue
        try:
            entry = orjson.loads(row)
            i = int(entry["id"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            continue
        if not (ARCHIVED in entry and i in out and ARCHIVED not in out[i]):
            out[i] = entry
    return out


def merged(journal: Mapping[str, Any], archived: Mapping[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every entry, oldest first: the database's (or the archive's whole copy of one kept
    without its records), then archived ones it no longer holds (none beyond its newest
    id: those are of a write that was killed)."""
    entries: dict[int, dict[str, Any]] = {}
    for key, doc in journal.items():
        try:
            entries[int(key)] = doc
        except ValueError:
            continue
    newest = max(entries, default=0)
    for i, doc in archived.items():
        if i <= newest and (i not in entries or (ARCHIVED in entries[i] and ARCHIVED not in doc)):
            entries[i] = doc
    return [entries[i] for i in sorted(entries)]
