"""TinyDB storage that writes atomically: orjson to a temp file, fsync, then rename.

TinyDB's JSONStorage rewrites the file in place, so a crash mid-write loses the database.
This one never leaves a half-written file: readers see the old file or the new one.

- The temp file is created beside the database with the process umask applied (never
  ``mkstemp``'s 0600), then given the database's own mode and group, so a database shared
  by a group stays shared after every write.
- Temp files are named after their database (``.smartnet-tmp-<name>.<random>``): one a
  killed writer left behind is removed by the next writer under the lock (no write can be
  in flight then), and by :func:`clean_stale_temp_files` when it is old.
"""

from __future__ import annotations

import os
import secrets
import stat
import time
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from smartnet_tui.store.layout import dumps_database, loads_by_line

TMP_PREFIX = ".smartnet-tmp-"
# The alerts snapshot's temp files (written without the lock: a prefix of their own, which
# a writer's clean-up of the database's temp files under the lock never matches).
SNAPSHOT_TMP_PREFIX = ".smartnet-snapshot-tmp-"


class CorruptDatabase(ValueError):
    """The database file exists but is not a TinyDB JSON document."""


def temp_prefix(path: Path) -> str:
    """The prefix of the temp files of the database at ``path``."""
    return f"{TMP_PREFIX}{path.name}."


def read_json_file(path: Path) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not raw.strip():
        return None
    by_line = loads_by_line(raw)  # docs/performance.md: a line at a time
    if by_line is not None:
        return by_line
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDatabase(f"{path}: not a smartnet database ({exc})") from None
    if not isinstance(data, dict):
        raise CorruptDatabase(f"{path}: not a smartnet database (top level is not a mapping)")
    return data


def create_temp(directory: Path, prefix: str) -> tuple[int, Path]:
    """A new, empty file in ``directory`` opened for writing, mode 0o666 less the umask."""
    for _ in range(100):
        tmp = directory / f"{prefix}{secrets.token_hex(6)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                         0o666)
        except FileExistsError:
            continue
        return fd, tmp
    raise FileExistsError(f"{directory}: cannot create a temp file")


def write_bytes_atomic(path: Path, payload: bytes, prefix: str | None = None) -> None:
    """Write ``payload`` to a temp file beside ``path``, fsync it and rename it over
    ``path`` (which must already be resolved: a symlink would be replaced, not followed).
    The file keeps the mode and group of the one it replaces."""
    fd, tmp = create_temp(path.parent, prefix or temp_prefix(path))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if st.st_gid != os.stat(tmp).st_gid:
                try:  # keep the group of a shared database (allowed when we are a member)
                    os.chown(tmp, -1, st.st_gid)
                except OSError:
                    pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    write_bytes_atomic(path, dumps_database(data))


def clean_stale_temp_files(directory: Path, max_age_s: float = 60.0) -> None:
    """Remove temp files a killed writer left behind (old enough not to be in flight)."""
    now = time.time()
    for p in [*directory.glob(TMP_PREFIX + "*"), *directory.glob(SNAPSHOT_TMP_PREFIX + "*")]:
        try:
            if now - p.stat().st_mtime > max_age_s:
                p.unlink()
        except OSError:
            pass


def clean_own_temp_files(path: Path) -> int:
    """Remove every temp file of the database at ``path``; call only under its lock
    (every writer of this database writes its temp file under that lock). Returns how
    many were removed."""
    removed = 0
    for p in path.parent.glob(temp_prefix(path) + "*"):
        try:
            p.unlink()
            removed += 1
        except OSError:
            pass
    return removed


class AtomicJSONStorage(Storage):
    """A TinyDB storage class: same file format as JSONStorage, atomic writes.

    ``path`` must be the resolved database file (see :class:`~smartnet_tui.store.db.Store`).
    """

    def __init__(self, path: str | os.PathLike[str], **_: Any) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temp_files(self.path.parent)

    def read(self) -> dict[str, dict[str, Any]] | None:
        return read_json_file(self.path)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_json_atomic(self.path, data)

    def close(self) -> None:
        pass
