"""H: the change journal (who changed what, when) — imports, edits in the app, undos."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from smartnet_tui.imports.diff import describe_records
from smartnet_tui.tui.screens.base import BaseScreen, flash
from smartnet_tui.tui.sync import Touched
from smartnet_tui.tui.table_sources import Cell, Column, Source, clean
from smartnet_tui.tui.widgets.bars import ModeBar
from smartnet_tui.tui.widgets.record_table import RecordTable

LIMIT = 500


class _JournalSource(Source):
    noun = "entries"
    columns = (
        Column("id", "#", 7, "right"),
        Column("when", "When", 16),
        Column("who", "Who", 16, min=6),
        Column("changes", "Changes", 7, "right", drop=1),
        Column("action", "Action", 200, flex=True, min=20),
    )

    def __init__(self, entries: Sequence[dict[str, Any]]) -> None:
        super().__init__(None)
        self.entries = {str(e.get("id")): e for e in entries}

    def keys(self) -> list[str]:
        return list(self.entries)

    def exists(self, key: str) -> bool:
        return key in self.entries

    def cells(self, key: str) -> Sequence[Cell]:
        e = self.entries[key]
        when = clean(e.get("when", ""))[:16].replace("T", " ")
        return (
            (key, "dim"),
            (when, None),
            (clean(e.get("who", "")), None),
            (str(len(e.get("changes", ()))), None),
            (clean(e.get("action", "")), "note" if str(e.get("action", "")).startswith("tui") else None),
        )


class HistoryScreen(BaseScreen):
    """The journal, newest first; the highlighted entry's changes below."""

    DEFAULT_CSS = """
    HistoryScreen #journal { height: 1fr; }
    HistoryScreen #entry { height: auto; max-height: 10; padding: 0 1; border-top: solid $panel-lighten-2; }
    """
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="history.back", tooltip="Back"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        table = RecordTable(_JournalSource([]), id="journal", empty_text="loading the journal...")
        table.sort_column = None
        table.ascii = self.sapp.ascii
        yield table
        yield Static(id="entry")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#journal", RecordTable).focus()
        # BaseScreen.on_mount runs too (Textual calls each class's handler): calling it
        # here as well subscribed the screen twice, every change handled two times

    def refresh_modebar(self) -> None:
        n = len(self.query_one("#journal", RecordTable).keys)
        what = "the last change" if n == 1 else f"the last {n} changes"
        self.query_one(ModeBar).show("", title=f"history: {what} to the database")

    def data_changed(self, touched: Touched | None) -> None:
        super().data_changed(touched)
        self._load()

    @work(group="history", exclusive=True)
    async def _load(self) -> None:
        try:
            entries = await asyncio.wrap_future(
                self.sapp.sync.read(lambda store: store.history(LIMIT)))
        except Exception as exc:  # noqa: BLE001 - a StoreError: show it, never crash
            self.query_one("#entry", Static).update(Text(str(exc)))
            table = self.query_one("#journal", RecordTable)
            table.empty_text = "the journal could not be read (below)"
            table.refresh()
            return
        entries = list(reversed(entries))
        src = _JournalSource(entries)
        table = self.query_one("#journal", RecordTable)
        table.empty_text = "no changes recorded"
        table.set_rows(src.keys(), src)
        self.refresh_modebar()
        self._show(table.cursor_key)

    @on(RecordTable.Highlighted, "#journal")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show(event.key)

    def _show(self, key: str | None) -> None:
        table = self.query_one("#journal", RecordTable)
        src = table.source
        entry = src.entries.get(key) if key and isinstance(src, _JournalSource) else None
        if entry is None:
            self.query_one("#entry", Static).update(Text(""))
            return
        t = Text()
        t.append(f"#{entry.get('id')} {clean(entry.get('action', ''))}", style="bold")
        t.append(f"  by {clean(entry.get('who', ''))} at {clean(entry.get('when', ''))}\n", style="dim")
        files = (entry.get("detail") or {}).get("files")
        if files:
            t.append("files: " + ", ".join(clean(f) for f in files) + "\n", style="dim")
        try:
            lines = describe_records(entry.get("changes", ()), limit=8)
        except Exception:  # noqa: BLE001 - an odd journal entry must not break the screen
            lines = ["(changes could not be described)"]
        t.append("\n".join(clean(line) for line in lines))
        archived = entry.get("archived_changes")
        if isinstance(archived, int) and archived > 0:  # a large import's records
            t.append(f"\n{archived:,} records kept in the archive beside the database: "
                     "smartnet history --all lists them", style="dim")
        self.query_one("#entry", Static).update(t)

    @on(RecordTable.Selected, "#journal")
    def _open(self, event: RecordTable.Selected) -> None:
        """enter: the device or contract the entry changed first (if it still exists)."""
        src = self.query_one("#journal", RecordTable).source
        entry = src.entries.get(event.key) if isinstance(src, _JournalSource) else None
        estate = self.sapp.estate
        if entry is None or estate is None:
            return
        for change in entry.get("changes", ()):
            if not isinstance(change, dict):
                continue
            table, key = change.get("table"), str(change.get("key", ""))
            if table == "devices" and key in estate.devices:
                self.sapp.open_device(key)
                return
            if table == "contracts" and key in estate.contracts:
                self.sapp.open_contract(key)
                return
        flash(self.sapp, f"#{event.key}: no device or contract of this entry to open")

    def action_back(self) -> None:
        self.dismiss()
