"""The bundled sample estate, imported into a throw-away database for ``--demo``."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from pathlib import Path

from smartnet_tui.imports.planner import import_files
from smartnet_tui.store.db import Store, StoreError

DEMO_FILES = ("estate.yaml", "eox.json")


def sample_dir() -> Path:
    """The bundled sample data: inside the installed package (the wheel maps the top-level
    sample_data/ to smartnet_tui/sample_data), else the source tree's sample_data/."""
    here = Path(__file__).resolve()
    installed = here.parents[1] / "sample_data"
    return installed if installed.is_dir() else here.parents[2] / "sample_data"


def remove_directory(directory: Path, seconds: float = 2.0) -> None:
    """Remove the demo's directory at exit. The app's I/O thread may still be creating a
    file in it (a load under way when the link dropped: its lock file, a temp file), which
    makes the removal of the directory fail: then it is tried again, for a moment."""
    deadline = time.monotonic() + seconds
    while True:
        shutil.rmtree(directory, ignore_errors=True)
        if not directory.exists() or time.monotonic() > deadline:
            return
        time.sleep(0.02)  # a retry's pause, bounded by the deadline


def make_demo_db(directory: Path | None = None) -> Path:
    """Import the sample data into a fresh database file and return its path."""
    if directory is None:  # a throw-away database, removed when the process exits
        directory = Path(tempfile.mkdtemp(prefix="smartnet-demo-"))
        atexit.register(remove_directory, directory)
    path = directory / "demo.json"
    store = Store(path)
    result = import_files(store, [sample_dir() / f for f in DEMO_FILES], action="demo import")
    if result.errors:
        raise StoreError(f"bundled sample data is invalid: {result.errors[0]}")
    return path
