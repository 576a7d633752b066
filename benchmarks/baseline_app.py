"""The first-screen baseline: a minimal Textual app that parses the database with orjson,
then shows one line. Run in the same tmux as the app, measured the same way.

    python -m benchmarks.baseline_app DATABASE
"""

from __future__ import annotations

import sys

import orjson
from textual.app import App, ComposeResult
from textual.widgets import Static

READY = "baseline ready"


class Baseline(App[None]):
    def __init__(self, tables: int) -> None:
        super().__init__()
        self.tables = tables

    def compose(self) -> ComposeResult:
        yield Static(f"{READY}: {self.tables} tables")


def main() -> None:
    with open(sys.argv[1], "rb") as fh:
        data = orjson.loads(fh.read())
    Baseline(len(data)).run()


if __name__ == "__main__":
    main()
