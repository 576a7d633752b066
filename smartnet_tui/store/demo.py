"""The bundled sample estate, imported into a throw-away database for ``--demo``."""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.store.importer import import_files

DEMO_FILES = ("estate.yaml", "eox.json")


def sample_dir() -> Path:
    try:
        return Path(str(resources.files("smartnet_tui.sample_data")))
    except ModuleNotFoundError:  # running from a source tree without an install
        return Path(__file__).resolve().parents[2] / "sample_data"


def make_demo_db(directory: Path | None = None) -> Path:
    """Import the sample data into a fresh database file and return its path."""
    directory = directory or Path(tempfile.mkdtemp(prefix="smartnet-demo-"))
    path = directory / "demo.json"
    store = Store(path)
    result = import_files(store, [sample_dir() / f for f in DEMO_FILES], action="demo import")
    if result.errors:
        raise StoreError(f"bundled sample data is invalid: {result.errors[0]}")
    return path
