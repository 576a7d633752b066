"""Files the commands write (``export -o``, ``report -o``): whole or not at all, and
never the database.

- ``-o FILE`` is written to a temp file beside FILE, fsynced and renamed over it: a full
  disk or a kill leaves the previous FILE as it was, never a truncated one. A symlink is
  followed (its target is replaced); an existing FILE keeps its mode and group.
- ``-o -`` (or no ``-o``) is standard output; an existing non-regular file (``/dev/null``,
  a FIFO, a terminal) is written into as a stream, never renamed over.
- A FILE that is the database, or its lock file (after following links), is refused
  before anything is written; so is an existing FILE without write permission (as the
  database is: ``chmod 444`` is respected, never replaced).
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from smartnet_tui.store.db import StoreError, resolve_db_path
from smartnet_tui.store.storage import write_bytes_atomic

OUT_TMP_PREFIX = ".smartnet-out-"


def is_stdout(path: Path | str | None) -> bool:
    return path is None or str(path) == "-"


def check_output_path(path: Path, protect: Sequence[Path]) -> Path:
    """The resolved file to write; StoreError (one line) if it is a protected file (the
    database or its lock) or a directory."""
    target = resolve_db_path(path)
    for p in protect:
        db = resolve_db_path(p)
        for guarded in (db, Path(str(db) + ".lock")):
            same = target == guarded
            if not same:
                try:
                    same = os.path.samefile(target, guarded)
                except OSError:
                    same = False
            if same:
                raise StoreError(f"{path}: is the database{' lock' if guarded != db else ''}; "
                                 "refusing to write the output over it (choose another file)")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise StoreError(f"{path}: cannot write ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{path}: is a directory, not a file")
    # A file made read-only is refused as the database is (even for root, who may write
    # anyway): the rename would silently discard that protection.
    if stat.S_ISREG(st.st_mode) and (not st.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise StoreError(f"{path}: is read-only (no write permission): refusing to replace it")
    return target


@contextmanager
def atomic_output(path: Path | str | None, protect: Sequence[Path] = ()) -> Iterator[IO[str]]:
    """A text stream for an output: stdout for None or ``-``; otherwise a buffer written to
    ``path`` atomically once the block ends without an exception (nothing is written if
    it raises). ``protect``: files that must never be the output (the database)."""
    if is_stdout(path):
        yield sys.stdout  # looked up now: stdout may have been redirected since import
        return
    assert path is not None
    path = Path(path)
    target = check_output_path(path, protect)
    buf = io.StringIO()
    yield buf
    payload = buf.getvalue().encode("utf-8")
    try:
        if target.exists() and not stat.S_ISREG(os.stat(target).st_mode):
            with open(target, "wb") as fh:  # a device or FIFO: a stream, not a file to replace
                fh.write(payload)
        else:
            write_bytes_atomic(target, payload, prefix=OUT_TMP_PREFIX)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write ({exc.strerror})") from None


def write_output_bytes(path: Path | str | None, payload: bytes, protect: Sequence[Path] = ()) -> None:
    """A binary output (``report --xlsx``) the way :func:`atomic_output` writes text:
    stdout for None or ``-``; otherwise ``path`` replaced whole or not at all (a device or
    FIFO written into as a stream), never a protected file (the database)."""
    if is_stdout(path):
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    assert path is not None
    path = Path(path)
    target = check_output_path(path, protect)
    try:
        if target.exists() and not stat.S_ISREG(os.stat(target).st_mode):
            with open(target, "wb") as fh:
                fh.write(payload)
        else:
            write_bytes_atomic(target, payload, prefix=OUT_TMP_PREFIX)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write ({exc.strerror})") from None
