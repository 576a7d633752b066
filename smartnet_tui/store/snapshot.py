"""The newest alerts snapshot, kept beside the database as ``<database>.snapshot``.

A cache, never a source of truth: the app writes one after each whole read of the
database and shows it at the next start while it reads and analyses the estate again.
It is read only when its key matches exactly:

- the database file's identity as ``stat`` gives it (device, inode, size, modification
  and change times: every write of smartnet renames a new file in, and an edit in place
  changes the times; the change time cannot be set back by a user);
- the policy (the reference date and the due and review windows);
- this code (the package's version and the size and time of every domain module and of
  the store's converters, so that an upgrade of the rules never shows alerts of the old ones).

Anything else (another key, a torn or tampered file, a missing one, a directory that
cannot be written) means no snapshot: the app then starts as it would without. The file
takes the mode and group of the database (it holds the same subjects). Deleting it is
always harmless.

The layout is two lines: a header ``{"format": 1, "key": ...}``, read first so that a stale
snapshot costs one short line, then ``{"summary": ..., "alerts": [[...], ...]}``, an alert a
list of its fields (a message that ends with the reason as ``[the part before it]``).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import orjson

from smartnet_tui import __version__
from smartnet_tui.domain.engine import Policy, Summary
from smartnet_tui.domain.model import SEVERITY_RANK, Alert
from smartnet_tui.domain.snapshot import Snapshot
from smartnet_tui.gcpause import bulk_allocation
from smartnet_tui.store.storage import SNAPSHOT_TMP_PREFIX, create_temp

SUFFIX = ".snapshot"
FORMAT = 1
MAX_HEADER = 4096  # bytes: a longer first line is not ours
MAX_BYTES = 512 * 1024 * 1024  # 47,000 alerts (100k devices) take 7 MB
_SUBJECT_TYPES = frozenset({"serial", "contract", "service_level"})
_KIND = re.compile(r"[a-z][a-z_]{0,39}\Z")  # the engine's kinds: shown as they are


def snapshot_path(db_path: Path) -> Path:
    """The snapshot of the (resolved) database at ``db_path``."""
    return db_path.with_name(db_path.name + SUFFIX)


@functools.cache
def _code_mark() -> str:
    """The domain modules and the store's converters as installed: a change of the rules
    (or of how records are read) makes old snapshots stale."""
    package = Path(__file__).resolve().parent.parent
    parts = []  # the rules, and the conversion of stored records into the domain's
    for p in [*sorted((package / "domain").glob("*.py")), package / "store" / "converters.py"]:
        try:
            st = p.stat()
        except OSError:
            continue
        parts.append(f"{p.name}:{st.st_size}:{st.st_mtime_ns}")
    return f"{__version__}:" + hashlib.sha256(",".join(parts).encode()).hexdigest()[:16]


def key(db_path: Path, policy: Policy) -> str | None:
    """The key of a snapshot of this file as it is now, for ``policy`` (None: no file)."""
    try:
        st = os.stat(db_path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}|"
            f"{policy.today.isoformat()}:{policy.due_days}:{policy.review_days}|{_code_mark()}")


# ---------------------------------------------------------------------- writing
def _alert_row(a: Alert) -> list[Any]:
    # A message is nearly always its subject's name and then the reason: kept once, as
    # [the part before the reason] (a third of the file, and of its parse, less).
    message: str | list[str] = a.message
    if a.reason and a.message.endswith(a.reason):
        message = [a.message[: len(a.message) - len(a.reason)]]
    return [a.kind, a.severity, a.subject, message, a.subject_type, a.days_left,
            list(a.related), a.reason]


def encode(snapshot_key: str, snap: Snapshot) -> bytes:
    s = snap.summary
    summary = {"due": s.due, "review": s.review, "lapsed": s.lapsed, "uncovered": s.uncovered,
               "wasted": s.wasted, "alerts": s.alerts, "critical": s.critical,
               "cost_at_stake": [[cur, str(amount)] for cur, amount in s.cost_at_stake.items()]}
    header = orjson.dumps({"format": FORMAT, "key": snapshot_key})
    body = orjson.dumps({"summary": summary, "alerts": [_alert_row(a) for a in snap.alerts]})
    return header + b"\n" + body + b"\n"


def write(db_path: Path, snapshot_key: str, snap: Snapshot) -> bool:
    """Replace the snapshot beside ``db_path`` (atomically: a reader sees the old one or
    this one). False when it cannot be written (a read-only directory, a full disk): a
    cache, so nothing else follows."""
    path = snapshot_path(db_path)
    with bulk_allocation():  # lists of 47,000 rows: no collection walking them (and the app)
        payload = encode(snapshot_key, snap)
    try:
        ref = os.stat(db_path)
        fd, tmp = create_temp(path.parent, SNAPSHOT_TMP_PREFIX + path.name + ".")
    except OSError:
        return False
    try:
        try:
            os.fchmod(fd, stat.S_IMODE(ref.st_mode))
            if ref.st_gid != os.fstat(fd).st_gid:
                os.fchown(fd, -1, ref.st_gid)
        except OSError:
            pass  # best effort, as for the database's own group
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
    return True


def forget(db_path: Path) -> None:
    """Remove the snapshot (it no longer matches anything worth keeping)."""
    try:
        os.unlink(snapshot_path(db_path))
    except OSError:
        pass


# ---------------------------------------------------------------------- reading
class _Bad(Exception):
    pass


def _int(v: object) -> int:
    if type(v) is not int or v < 0:
        raise _Bad
    return v


def _text(v: object) -> str:
    if type(v) is not str:
        raise _Bad
    return v


def _alerts(rows: list[Any]) -> tuple[Alert, ...]:
    """The alerts of the rows, every field checked (one loop: 47,000 rows at 100k devices)."""
    out: list[Alert] = []
    add = out.append
    ranks, subject_types = SEVERITY_RANK, _SUBJECT_TYPES
    for row in rows:
        if type(row) is not list or len(row) != 8:
            raise _Bad
        kind, severity, subject, message, subject_type, days_left, related, reason = row
        if type(message) is list and len(message) == 1 and type(reason) is str:
            message = f"{message[0]}{reason}"  # [before the reason]: see _alert_row
        if not (type(kind) is str and _KIND.match(kind) and type(subject) is str
                and type(message) is str
                and type(reason) is str and severity in ranks and subject_type in subject_types
                and (days_left is None or type(days_left) is int) and type(related) is list):
            raise _Bad
        for r in related:
            if type(r) is not str:
                raise _Bad
        add(Alert(kind, severity, subject, message, subject_type, days_left, tuple(related),
                  reason))
    return tuple(out)


def _summary(d: object) -> Summary:
    if type(d) is not dict:
        raise _Bad
    cost: dict[str, Decimal] = {}
    pairs = d.get("cost_at_stake")
    if type(pairs) is not list:
        raise _Bad
    for pair in pairs:
        if type(pair) is not list or len(pair) != 2:
            raise _Bad
        try:
            amount = Decimal(_text(pair[1]))
        except InvalidOperation:
            raise _Bad from None
        if not amount.is_finite():
            raise _Bad
        cost[_text(pair[0])] = amount
    return Summary(_int(d.get("due")), _int(d.get("review")), _int(d.get("lapsed")),
                   _int(d.get("uncovered")), _int(d.get("wasted")), cost,
                   _int(d.get("alerts")), _int(d.get("critical")))


def read(db_path: Path, snapshot_key: str) -> Snapshot | None:
    """The snapshot beside ``db_path`` if its key is ``snapshot_key`` and it is whole and
    well formed; None otherwise (never raises)."""
    try:
        # never blocks (a FIFO put there), never a device, never more than MAX_BYTES
        fd = os.open(snapshot_path(db_path), os.O_RDONLY | os.O_NONBLOCK
                     | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
                return None
            header = orjson.loads(fh.readline(MAX_HEADER))
            if (type(header) is not dict or header.get("format") != FORMAT
                    or header.get("key") != snapshot_key):
                return None
            body = orjson.loads(fh.read(MAX_BYTES))
        if type(body) is not dict or type(body.get("alerts")) is not list:
            return None
        with bulk_allocation():  # tens of thousands of acyclic objects: no collector walks
            alerts = _alerts(body["alerts"])
        summary = _summary(body.get("summary"))
    except (OSError, ValueError, _Bad):  # orjson.JSONDecodeError is a ValueError
        return None
    if summary.alerts != len(alerts):
        return None
    return Snapshot(alerts, summary)
