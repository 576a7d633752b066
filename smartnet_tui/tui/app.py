"""The smartnet terminal UI: Inventory, Contracts and Alerts over the coverage engine.

The app holds one :class:`Estate` and one :class:`Analysis` (the engine's), never a second
model of the data. All database work runs on one background thread, in order (load,
writes, imports), so the screen never freezes and writes never overtake each other.
An edit is applied in memory at once (the engine refreshes only what it touched) and
written in the background; a failed write is rolled back and reported.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen

from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import Change, apply_changes, inverse
from smartnet_tui.domain.engine import Analysis, Policy, Summary
from smartnet_tui.domain.model import Estate
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.tui.commands import LookupProvider
from smartnet_tui.domain.edits import still_applied
from smartnet_tui.tui.keymap import load_keymap
from smartnet_tui.tui.screens.tables import AlertsScreen, ContractsScreen, InventoryScreen

POLL_SECONDS = 0.5  # live reload: another process's write shows within about a second
CLOCK_SECONDS = 30.0  # midnight rollover check


@dataclass(frozen=True)
class Touched:
    """What an edit or reload touched: None means everything."""

    serials: frozenset[str] = frozenset()
    contracts: frozenset[str] = frozenset()


@dataclass
class UndoItem:
    label: str
    forward: list[Change]
    backward: list[Change]


@dataclass
class Loaded:
    estate: Estate
    analysis: Analysis
    stamp: Any
    journal_id: int
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


class SmartnetApp(App[int]):
    """Keyboard-driven renewal triage for Cisco SMARTnet contracts."""

    TITLE = "smartnet"
    CSS_PATH = "app.tcss"
    MODES = {"inventory": InventoryScreen, "contracts": ContractsScreen, "alerts": AlertsScreen}
    DEFAULT_MODE = "alerts"
    COMMANDS = App.COMMANDS | {LookupProvider}
    COMMAND_PALETTE_DISPLAY = "ctrl+p"

    BINDINGS = [
        Binding("1", "switch_mode('inventory')", "Inventory", id="app.inventory", show=False,
                tooltip="Every device with its coverage"),
        Binding("2", "switch_mode('contracts')", "Contracts", id="app.contracts", show=False,
                tooltip="Contracts by urgency"),
        Binding("3", "switch_mode('alerts')", "Alerts", id="app.alerts", show=False,
                tooltip="What needs action today"),
        Binding("colon,ctrl+p", "command_palette", "Lookup", id="app.lookup", key_display=":",
                tooltip="Look up a serial, hostname or contract; jump to a screen"),
        Binding("u,ctrl+z", "undo", "Undo", id="app.undo", show=False,
                tooltip="Undo the last edit made in this session"),
        Binding("H", "history", "History", id="app.history", show=False,
                tooltip="The change journal: who changed what, when"),
        Binding("i", "import", "Import", id="app.import", show=False,
                tooltip="Import export files, with a preview of what changes before writing"),
        Binding("ctrl+r", "reload", "Reload", id="app.reload", show=False,
                tooltip="Re-read the database now"),
        Binding("question_mark", "help", "Help", id="app.help", key_display="?",
                tooltip="Every key"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (waits for pending saves)"),
    ]

    def __init__(self, settings: Settings, *, store: Store | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.store: Store | None = store
        self.estate: Estate | None = None
        self.analysis: Analysis | None = None
        self.summary: Summary | None = None
        self.data_version = 0
        self.undo_stack: list[UndoItem] = []
        self.load_error: str | None = None
        self.status_note = "loading..."
        self.last_load: Loaded | None = None
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smartnet-io")
        self._pending = 0
        self._edit_seq = 0
        self._need_reload = False
        self._need_catch_up = False
        self._reloading = False
        self._journal_id = 0
        self._quit_requested = False
        self._watch_stamps: dict[Path, tuple[int, int] | None] = {}
        self.keymap_problems: list[str] = []
        self._saved_scrollbar_renderer: Any = None
        self.ascii = settings.ascii
        # The reference date: fixed by --today, else the local date (rolls over at midnight).
        self.clock: Callable[[], date] = settings.reference_date
        self.mounted_at = time.perf_counter()
        self.first_data_at: float | None = None
        self.import_last: tuple[str, bool, bool] = ("", False, False)  # the import dialog's values

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        if self.console.color_system in ("standard", "windows") or self.no_color:
            self.theme = "ansi-dark"
        if self.settings.ascii:
            self.add_class("-ascii")
            from textual.scrollbar import ScrollBar, ScrollBarRender

            class AsciiScrollBarRender(ScrollBarRender):
                VERTICAL_BARS = [" "] * 8  # the thumb is drawn by its colour alone
                HORIZONTAL_BARS = [" "] * 8

            self._saved_scrollbar_renderer = ScrollBar.renderer
            ScrollBar.renderer = AsciiScrollBarRender
            self.screen_change_signal.subscribe(self, self._ascii_palette)
        keymap, problems = load_keymap()
        self.keymap_problems = problems
        if keymap:
            self.set_keymap(keymap)
        for p in problems:
            self.notify(p, title="keymap", severity="warning")
        for path in self.settings.watch:
            self._watch_stamps[Path(path)] = _file_stamp(Path(path))
        self.run_worker(self._initial_load(), name="load", group="load")
        self.set_interval(POLL_SECONDS, self._poll, name="poll")
        self.set_interval(CLOCK_SECONDS, self._check_clock, name="clock")

    def today(self) -> date:
        return self.clock()

    def policy(self) -> Policy:
        s = self.settings
        return Policy(self.today(), s.due_days, s.review_days)

    async def _in_io(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._io, fn, *args)

    def _load_blocking(self, policy: Policy) -> Loaded:
        t0 = time.perf_counter()
        if self.store is None:
            self.store = Store(self.settings.db_path)
        store = self.store
        note = self._note_from_thread
        note("reading the database...")
        raw = store.raw()
        t1 = time.perf_counter()
        note("building the estate...")
        estate = store.load()
        t2 = time.perf_counter()
        note(f"computing coverage of {len(estate.devices):,} devices...")
        analysis = Analysis(estate, policy)
        t3 = time.perf_counter()
        journal = raw.get("journal", {})
        jid = max(map(int, journal), default=0) if journal else 0
        return Loaded(estate, analysis, store.stamp(), jid, t3 - t0,
                      {"read": t1 - t0, "estate": t2 - t1, "analysis": t3 - t2})

    def _catch_up_blocking(self, since: int) -> tuple[list[Change], int] | None:
        """The changes other processes journalled after entry ``since``, or None when the
        journal does not connect (then the whole database is re-read)."""
        from smartnet_tui.tui.replay import changes_since

        return changes_since(self.store.raw(), since)

    async def _catch_up(self) -> None:
        """Follow another process's writes: replay its journal entries, recompute only
        what they touched. Much faster than a full reload on a large estate."""
        if self._reloading or self.analysis is None:
            self.run_worker(self._reload(), group="load")
            return
        self._reloading = True
        seq = self._edit_seq
        try:
            try:
                result = await self._in_io(self._catch_up_blocking, self._journal_id)
            except StoreError:
                result = None
            if result is None:
                self._need_reload = True
            elif self._pending or seq != self._edit_seq:
                self._need_catch_up = True  # an edit raced the read: replay again after it
            else:
                changes, last = result
                self._journal_id = last
                if changes:
                    self._apply_in_memory(changes)
        finally:
            self._reloading = False
        if not self._pending:
            self._after_write()

    def _note_from_thread(self, text: str) -> None:
        """Loading progress for the header (called from the I/O thread)."""
        if self.analysis is not None:
            return  # a reload: the data on screen stays, no progress shown

        def show() -> None:
            if self.analysis is None:
                self.status_note = text
                self._refresh_headers()

        try:
            self.call_from_thread(show)
        except RuntimeError:  # the app is gone
            pass

    async def _initial_load(self) -> None:
        self.status_note = "loading database..."
        self._refresh_headers()
        await self._reload(first=True)

    async def _reload(self, first: bool = False) -> None:
        if self._reloading:
            self._need_reload = True
            return
        self._reloading = True
        seq = self._edit_seq
        try:
            try:
                loaded = await self._in_io(self._load_blocking, self.policy())
            except StoreError as exc:
                self.load_error = str(exc)
                self.status_note = "database error"
                self.notify(str(exc), title="cannot read the database", severity="error",
                            timeout=10, markup=False)
                if self.analysis is None:
                    self._data_changed(None)
                else:
                    self._refresh_headers()
                return
            if self._pending or seq != self._edit_seq:
                # an edit was made while reading: read again once it is saved
                self._need_reload = True
                return
            self.load_error = None
            self.last_load = loaded
            self._install(loaded)
            if first:
                self.first_data_at = time.perf_counter()
        finally:
            self._reloading = False
        if self._need_reload and not self._pending:
            self._need_reload = False
            self.run_worker(self._reload(), group="load")

    def _install(self, loaded: Loaded) -> None:
        self.estate = loaded.estate
        self.analysis = loaded.analysis
        self._journal_id = loaded.journal_id
        self.status_note = ""
        self._data_changed(None)
        # Millions of long-lived objects at 50k devices: keep the cyclic garbage collector
        # from walking them all (a 200 ms freeze each time it does). Replaced records are
        # still freed by reference counting.
        gc.freeze()

    # ------------------------------------------------------------------ propagation
    def _data_changed(self, touched: Touched | None) -> None:
        self.data_version += 1
        self.summary = self.analysis.summary() if self.analysis is not None else None
        for screen in list(self.screen_stack):
            handler = getattr(screen, "data_changed", None)
            if handler is not None:
                handler(touched)

    def _refresh_headers(self) -> None:
        for screen in list(self.screen_stack):
            handler = getattr(screen, "refresh_header", None)
            if handler is not None:
                handler()

    # ------------------------------------------------------------------ polling
    def _poll(self) -> None:
        if self.store is None or self._pending or self._reloading:
            return
        if self.store.changed_on_disk():
            self.run_worker(self._catch_up(), group="load")
        for path, old in list(self._watch_stamps.items()):
            new = _file_stamp(path)
            if new != old:
                self._watch_stamps[path] = new
                if new is not None:
                    self.run_worker(self._reimport([path]), group="watch")

    def _check_clock(self) -> None:
        if self.analysis is not None and self.today() != self.analysis.policy.today:
            self.run_worker(self._reload(), group="load")  # midnight: statuses move

    async def _reimport(self, paths: Sequence[Path]) -> None:
        from smartnet_tui.store.importer import import_files

        if self.store is None:
            return
        self._pending += 1
        try:
            result = await self._in_io(
                lambda: import_files(self.store, list(paths), order=self.settings.date_order,
                                     action="tui: watch import"))
        except StoreError as exc:
            self.notify(str(exc), title="watch import failed", severity="error", timeout=10)
            result = None
        finally:
            self._pending -= 1
        # Whatever happened, the import re-read the store, which hides other writers' entries
        # from the stamp check: replay the journal, and let a pending quit go through.
        self._need_catch_up = True
        try:
            if result is not None:
                self._report_watch_import(paths, result)
        finally:
            self._after_write()

    def _report_watch_import(self, paths: Sequence[Path], result: Any) -> None:
        names = ", ".join(p.name for p in paths)
        if result.errors:
            shown = "\n".join(str(e) for e in result.errors[:5])
            more = f"\n... and {len(result.errors) - 5} more" if len(result.errors) > 5 else ""
            self.notify(f"{shown}{more}", title=f"{names}: not imported (nothing written)",
                        severity="error", timeout=15, markup=False)
        elif result.entry is None:
            self.notify(f"{names}: no changes", title="watch")
        else:
            self.notify(f"{names}: {len(result.changes)} changes imported", title="watch",
                        markup=False)

    # ------------------------------------------------------------------ import (i)
    def action_import(self) -> None:
        from smartnet_tui.tui.components.import_dialog import ImportDialog

        if self.analysis is None or self.store is None:
            self.notify("the database is not loaded yet", severity="warning")
            return
        self.push_screen(ImportDialog(*self.import_last))

    def remember_import(self, paths: str, replace_all: bool, add_devices: bool) -> None:
        self.import_last = (paths, replace_all, add_devices)

    async def plan_import(self, paths: Sequence[Path], replace_all: bool, add_devices: bool,
                          progress: Callable[[str, int, int | None], None] | None = None) -> Any:
        """A dry run of an import on the I/O thread (after any pending write): an ImportPlan."""
        from smartnet_tui.tui.components.import_dialog import plan_import

        try:
            return await self._in_io(plan_import, self.store, list(paths), replace_all,
                                     add_devices, self.settings.date_order, self.today(), progress)
        finally:
            # The plan read the database, which moves the store's "changed on disk" mark:
            # follow whatever another process wrote, as the poll would have.
            self._need_catch_up = True
            self._after_write()

    def confirm_import(self, plan: Any) -> None:
        """Write a previewed import in the background; the screens follow the journal."""
        self._pending += 1
        self.run_worker(self._import_write(plan), group="write")

    async def _import_write(self, plan: Any) -> None:
        from smartnet_tui.store.diff import summary_line
        from smartnet_tui.tui.components.import_dialog import ImportPreview, write_import

        try:
            entry, replanned = await self._in_io(write_import, self.store, plan,
                                                 self.settings.date_order, self.today())
        except StoreError as exc:
            self._pending -= 1
            self.notify(str(exc), title="not imported (nothing written)", severity="error",
                        timeout=10, markup=False)
            self._after_write()
            return
        self._pending -= 1
        if replanned is not None:
            if replanned.result.errors:
                shown = "\n".join(str(e) for e in replanned.result.errors[:5])
                self.notify(shown, title="not imported: the files changed and have errors",
                            severity="error", timeout=15, markup=False)
            elif not replanned.result.changes:
                self.notify("the database changed since the preview and now holds exactly "
                            "this: nothing imported", title="import", markup=False)
            else:
                self.push_screen(ImportPreview(replanned))
        elif entry is None:
            self.notify("no changes: the database already holds exactly this", title="import")
        else:
            n = len(entry["changes"])
            self.notify(f"{n:,} change{'s' * (n != 1)} imported: "
                        f"{summary_line(plan.result.summary.get('changed', {}))}",
                        title="import", markup=False)
        # The screens follow the new journal entry the way they follow any other writer.
        self._need_catch_up = True
        self._after_write()

    # ------------------------------------------------------------------ edits
    def submit(self, changes: Sequence[Change], label: str, *, undo: bool = False) -> bool:
        """Apply an edit now (memory and screens), and save it in the background."""
        if self.analysis is None or self.estate is None or self.store is None:
            self.notify("the database is not loaded yet", severity="warning")
            return False
        changes = list(changes)
        self._edit_seq += 1
        backward = inverse(self.estate, changes)
        self._apply_in_memory(changes)
        if not undo:
            self.undo_stack.append(UndoItem(label, changes, backward))
            del self.undo_stack[:-50]
        action = f"tui: {'undo ' if undo else ''}{label}"
        self._pending += 1
        self.run_worker(self._write(changes, backward, action, label, undo), group="write")
        return True

    def _apply_in_memory(self, changes: Sequence[Change]) -> Touched:
        serials, contracts = apply_changes(self.estate, changes)
        self.analysis.refresh(serials=serials, contracts=contracts)
        touched = Touched(frozenset(serials), frozenset(contracts | self.estate.contracts_of(serials)))
        self._data_changed(touched)
        return touched

    async def _write(self, changes: list[Change], backward: list[Change], action: str,
                     label: str, undo: bool) -> None:
        store = self.store
        try:
            entry = await self._in_io(store.apply, changes, action, None, backward)
        except StoreError as exc:
            self._pending -= 1
            # a conflict means another writer got in first: show their version
            self._need_catch_up = True
            if self.estate is not None and still_applied(self.estate, changes):
                self._apply_in_memory(backward)
            if not undo and self.undo_stack and self.undo_stack[-1].forward == changes:
                self.undo_stack.pop()
            self.notify(str(exc), title=f"not saved: {label}", severity="error", timeout=10,
                        markup=False)
            self._after_write()
            return
        self._pending -= 1
        if entry is not None:
            if entry["id"] != self._journal_id + 1:
                # another process wrote in between: replay the journal from where we were
                # (our own entry replays as a no-op)
                self._need_catch_up = True
            else:
                self._journal_id = entry["id"]
        self.notify(("undone: " if undo else "saved: ") + label, markup=False, timeout=3)
        self._after_write()

    def _after_write(self) -> None:
        if self._pending:
            return
        if self._quit_requested:
            self.exit(0)
            return
        if self._need_reload:
            self._need_reload = False
            self._need_catch_up = False
            self.run_worker(self._reload(), group="load")
        elif self._need_catch_up:
            self._need_catch_up = False
            self.run_worker(self._catch_up(), group="load")

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("nothing to undo", severity="warning")
            return
        item = self.undo_stack[-1]
        if self.estate is None or not still_applied(self.estate, item.forward):
            self.undo_stack.pop()
            self.notify(f"cannot undo {item.label}: changed since (by another process?)",
                        severity="warning", markup=False)
            return
        self.undo_stack.pop()
        self.submit(item.backward, item.label, undo=True)

    def action_reload(self) -> None:
        self.run_worker(self._reload(), group="load")

    async def action_quit(self) -> None:
        if self._pending:
            self._quit_requested = True
            self.notify("saving... quitting when done")
            return
        self.exit(0)

    def action_history(self) -> None:
        from smartnet_tui.tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    def action_help(self) -> None:
        from smartnet_tui.tui.components.help import HelpScreen

        self.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys of the main screens must not fire behind a dialog.
        if isinstance(self.screen, ModalScreen) and action in {
            "switch_mode", "undo", "help", "quit", "reload", "command_palette", "history",
            "import",
        }:
            return False
        return True

    def _ascii_palette(self, screen: Any) -> None:
        """--ascii: the command palette's search icon and placeholder in ASCII (the
        public ``SearchIcon.icon`` and ``Input.placeholder``, set once it is composed)."""
        from textual.command import CommandInput, CommandPalette, SearchIcon

        if not isinstance(screen, CommandPalette):
            return

        def fix() -> None:
            for icon in screen.query(SearchIcon):
                icon.icon = ">"  # a var: no repaint of its own
                icon.refresh()
            for box in screen.query(CommandInput):
                box.placeholder = box.placeholder.replace("\u2026", "...")

        screen.call_after_refresh(fix)

    # ------------------------------------------------------------------ navigation
    def open_device(self, serial: str) -> None:
        from smartnet_tui.tui.screens.detail import DeviceScreen

        self.push_screen(DeviceScreen(serial))

    def open_contract(self, number: str) -> None:
        from smartnet_tui.tui.screens.detail import ContractScreen

        self.push_screen(ContractScreen(number))

    def show_contracts_filtered(self, text: str) -> None:
        self.switch_mode("contracts")
        screen = self.screen
        setter = getattr(screen, "set_filter", None)
        if setter is not None:
            self.call_after_refresh(setter, text)

    def on_unmount(self) -> None:
        if self._saved_scrollbar_renderer is not None:  # a class attribute: put it back
            from textual.scrollbar import ScrollBar

            ScrollBar.renderer = self._saved_scrollbar_renderer
        self._io.shutdown(wait=True)


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def run_app(settings: Settings) -> int:
    """Run the TUI until the user quits; the CLI's entry point for plain ``smartnet``."""
    app = SmartnetApp(settings)
    app.run(mouse=settings.mouse)
    return app.return_code or 0
