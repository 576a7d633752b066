"""TinyDB storage that writes atomically: orjson to a temp file, fsync, then rename.

TinyDB's JSONStorage rewrites the file in place, so a crash mid-write loses the database.
This one never leaves a half-written file: readers see the old file or the new one.
Leftover temp files from a killed writer are removed when the storage opens.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

TMP_PREFIX = ".smartnet-tmp-"


class CorruptDatabase(ValueError):
    """The database file exists but is not a TinyDB JSON document."""


def read_json_file(path: Path) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not raw.strip():
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDatabase(f"{path}: not a smartnet database ({exc})") from None
    if not isinstance(data, dict):
        raise CorruptDatabase(f"{path}: not a smartnet database (top level is not a mapping)")
    return data


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    payload = orjson.dumps(data)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
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


def clean_stale_temp_files(directory: Path, max_age_s: float = 60.0) -> None:
    """Remove temp files a killed writer left behind (old enough not to be in flight)."""
    now = time.time()
    for p in directory.glob(TMP_PREFIX + "*"):
        try:
            if now - p.stat().st_mtime > max_age_s:
                p.unlink()
        except OSError:
            pass


class AtomicJSONStorage(Storage):
    """A TinyDB storage class: same file format as JSONStorage, atomic writes."""

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
