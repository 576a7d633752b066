"""The smartnet terminal UI: Inventory, Contracts and Alerts over the coverage engine.

The app holds one :class:`Estate` and one :class:`Analysis` (the engine's), never a second
model of the data. All database work goes through :class:`~smartnet_tui.tui.sync.Sync`:
one background thread, in order (load, writes, imports), so the screen never freezes and
writes never overtake each other. An edit is applied in memory at once (the engine
refreshes only what it touched) and written in the background; a failed write is rolled
back and reported. Every open screen hears of a change through ``data_signal``.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any, Literal

from textual.app import App, ScreenStackError
from textual.command import CommandInput, CommandPalette, SearchIcon
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.signal import Signal
from textual.timer import Timer

from smartnet_tui.config import Settings
from smartnet_tui.domain.basis import Seen
from smartnet_tui.domain.changes import Change, apply_changes, inverse
from smartnet_tui.domain.display import inert
from smartnet_tui.domain.edits import still_applied
from smartnet_tui.domain.engine import Analysis, Policy, Summary
from smartnet_tui.domain.model import Estate
from smartnet_tui.domain.snapshot import Snapshot
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.tui.components.scenario import ScenarioState, follow_changes, rebase_scenario
from smartnet_tui.tui.help_data import APP_BINDINGS, binding_ids
from smartnet_tui.tui.keymap import load_keymap
from smartnet_tui.tui.messages import DataChanged, LoadProgress, SnapshotFound
from smartnet_tui.tui.palette import PALETTE_CSS, LookupProvider
from smartnet_tui.tui.screens.base import BaseScreen, Colleagues, end_on_hangup, flash
from smartnet_tui.tui.screens.tables import AlertsScreen, ContractsScreen, InventoryScreen
from smartnet_tui.tui.screens.timeline import TimelineScreen
from smartnet_tui.tui.screens.worklist import WorklistScreen
from smartnet_tui.tui.sync import Loaded, Sync, Touched, UndoItem, UndoStack
from smartnet_tui.tui.table_sources import Source
from smartnet_tui.tui.widgets.bars import TOAST_CSS

# The importers (the planner, PyYAML), the fetch (httpx) and every screen or dialog behind a
# key are imported in the method that opens or runs them: none of them before the first screen.

Refresh = Literal["catch_up", "reload"]  # replay other writers' entries / read everything

EXIT_INTERRUPTED = 130  # 128 + SIGINT
POLL_SECONDS = 0.5  # live reload: another process's write shows within about a second
CLOCK_SECONDS = 30.0  # midnight rollover check
# After a change (an edit, a colleague's write followed), the alerts snapshot for the next
# start follows the data once it has been quiet this long (a write of a few MB in the I/O
# thread: not at every keystroke of a busy session).
SNAPSHOT_IDLE_SECONDS = 5.0
SNAPSHOT_ATTEMPTS = 3  # saves refused (the file ahead of the screens) before giving up


class SmartnetApp(App[int]):
    """Keyboard-driven renewal triage for Cisco SMARTnet contracts."""

    TITLE = "smartnet"
    CSS_PATH = "app.tcss"
    MODES = {"inventory": InventoryScreen, "contracts": ContractsScreen, "alerts": AlertsScreen,
             "worklist": WorklistScreen, "timeline": TimelineScreen}
    DEFAULT_MODE = "alerts"
    # Only our own palette entries: Textual's system commands (Keys, Maximize, Screenshot,
    # Theme, a Quit that does not wait for saves) are left out.
    COMMANDS = {LookupProvider}
    CSS = PALETTE_CSS + TOAST_CSS
    COMMAND_PALETTE_DISPLAY = "ctrl+p"

    BINDINGS = [*APP_BINDINGS]

    def __init__(self, settings: Settings, *, store: Store | None = None) -> None:
        # NO_COLOR: Textual picks its colour filter here, from the theme of the moment (not
        # ANSI yet): a monochrome filter that turns the ANSI theme's "default" colours into
        # #000000, black on black. Native ANSI colours make it pick the filter that leaves
        # the terminal's own default colours instead (emphasis stays: bold, reverse).
        super().__init__(ansi_color=os.environ.get("NO_COLOR") is not None)
        self.settings = settings
        self.sync = Sync(lambda: Store(settings.db_path), store)
        self.estate: Estate | None = None
        self.analysis: Analysis | None = None
        self.summary: Summary | None = None
        self.data_version = 0
        self.load_error: str | None = None
        self.status_note = "loading..."
        self.last_load: Loaded | None = None
        # While the first load runs: the alerts snapshot of the same file (the Alerts
        # screen shows it; nothing else does, and nothing is decided from it).
        self.snapshot: Snapshot | None = None
        self.snapshot_source: Source | None = None  # the Alerts source over it, prepared
        self._snapshot_timer: Timer | None = None
        # a failed write under a later edit of the same record: the screens may no longer
        # show the file (read again; no snapshot is saved from them meanwhile)
        self._diverged = False
        # Every open screen subscribes: it hears each change of the engine's results.
        self.data_signal: Signal[DataChanged] = Signal(self, "data")
        # Background refresh: at most one runs; a request while it runs is kept (a
        # "reload" outranks a "catch_up") and served right after it.
        self._refreshing = False
        self._wanted: Refresh | None = None
        self._edit_seq = 0  # edits made in memory: a read that raced one is read again
        self._failed_stamp: object = _NO_FAILURE  # the file's stamp when a read failed
        self._quit_requested = False
        self._watch_stamps: dict[Path, tuple[int, int] | None] = {}
        self.keymap_problems: list[str] = []
        self.colleagues = Colleagues()  # our own journal entries, to announce only others'
        self._saved_scrollbar_renderer: Any = None
        self.ascii = settings.ascii
        # The reference date: fixed by --today, else the local date (rolls over at midnight).
        self.clock: Callable[[], date] = settings.reference_date
        self.import_last: tuple[str, bool, bool] = ("", False, False)  # the import dialog's values
        # the open what-if scenario (w): the screens show its copy of the estate meanwhile
        self.scenario: ScenarioState | None = None

    @property
    def store(self) -> Store | None:
        return self.sync.store

    @property
    def undo_stack(self) -> UndoStack:
        return self.sync.undo

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        if self.console.color_system in ("standard", "windows") or self.no_color:
            self.theme = "ansi-dark"
            # 16 colours: send red as the terminal's red. Textual otherwise turns ANSI
            # colours into Monokai's RGB, which the 16-colour output then matches wrongly
            # (red came out magenta, yellow bright red).
            self.ansi_color = True
            self.add_class("-ansi16")  # app.tcss: what the ANSI theme's colours get wrong
        if self.settings.theme:  # chosen with --theme, $SMARTNET_THEME or config.toml
            self.theme = self.settings.theme
        if self.settings.ascii:
            self.add_class("-ascii")

            class AsciiScrollBarRender(ScrollBarRender):
                VERTICAL_BARS = [" "] * 8  # the thumb is drawn by its colour alone
                HORIZONTAL_BARS = [" "] * 8

            self._saved_scrollbar_renderer = ScrollBar.renderer
            ScrollBar.renderer = AsciiScrollBarRender
            self.screen_change_signal.subscribe(self, self._ascii_palette)
        keymap, problems = load_keymap(self.settings.keymap, known=binding_ids())
        self.keymap_problems = problems
        if keymap:
            self.set_keymap(keymap)
        for p in problems:
            self.notify(p, title="keymap", severity="warning")
        for path in self.settings.watch:
            self._watch_stamps[Path(path)] = _file_stamp(Path(path))
        self.status_note = "loading database..."
        self._refresh_headers()
        self.request_refresh("reload")
        self.set_interval(POLL_SECONDS, self._poll, name="poll")
        self.set_interval(CLOCK_SECONDS, self._check_clock, name="clock")
        if not self.is_headless:  # a real terminal (never a test's pilot)
            end_on_hangup(self)

    def on_unmount(self) -> None:
        if self._saved_scrollbar_renderer is not None:  # a class attribute: put it back
            ScrollBar.renderer = self._saved_scrollbar_renderer
        # Never waits: a load still reading is abandoned (its thread is a daemon).
        self.sync.close()

    def clear_selection(self) -> None:
        """Textual 8.2.8 on Python 3.12/3.13: a mode's screen is composed before the mode is
        on the stack, and every ``Input`` mounted then (the tables' filter) asks for
        ``app.screen`` through here, which raises ScreenStackError (Textual only catches
        NoScreen): the app died at start. With no screen there is no selection to clear."""
        try:
            self.screen  # noqa: B018 - raises while the mode's stack is still empty
        except ScreenStackError:
            return
        super().clear_selection()

    def today(self) -> date:
        return self.clock()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast shows stored text inert: control and bidi characters escaped."""
        super().notify(inert(message, keep="\n"), title=inert(title), severity=severity,
                       timeout=timeout, markup=markup)

    def _refused_read_only(self) -> bool:
        """While the database cannot be read, the app is read-only: an edit or an import is
        refused, with the reason (it would be planned against data that is not there)."""
        if self.load_error is None:
            return False
        self.notify(f"read-only until the database can be read again: {self.load_error}",
                    title="nothing changed", severity="error", timeout=10, markup=False)
        return True

    def policy(self) -> Policy:
        s = self.settings
        return Policy(self.today(), s.due_days, s.review_days)

    # ------------------------------------------------------------------ reading
    def request_refresh(self, kind: Refresh = "catch_up") -> None:
        """Bring the data up to date with the file: ``catch_up`` replays other writers'
        journal entries, ``reload`` reads everything. Requests made while one runs
        collapse into one more run after it."""
        if self._wanted != "reload":
            self._wanted = kind
        if not self._refreshing:
            self._refreshing = True
            self.run_worker(self._refresh(), name="refresh", group="load")

    async def _refresh(self) -> None:
        try:
            while self._wanted is not None:
                kind, self._wanted = self._wanted, None
                if kind == "reload" or self.analysis is None:
                    await self._reload()
                else:
                    await self._catch_up()
        finally:
            self._refreshing = False

    async def _reload(self) -> None:
        seq = self._edit_seq
        try:
            loaded = await asyncio.wrap_future(
                self.sync.load(self.policy(), self._note,
                               self._snapshot_found if self.analysis is None else None))
        except Exception as exc:  # noqa: BLE001 - any unreadable file: said, read-only, no traceback
            self._read_failed(self._unreadable(exc))
            return
        if seq != self._edit_seq:
            # An edit was made while reading: read again, queued behind its write.
            self._wanted = "reload"
            return
        self._read_ok()
        self.last_load = loaded
        self.estate = loaded.estate
        self.analysis = loaded.analysis
        self.snapshot = self.snapshot_source = None
        self._diverged = False
        if self.settings.demo:
            pass  # a throw-away database, removed at exit: no snapshot beside it
        elif loaded.snapshot is not None:
            self.sync.save_snapshot(loaded)  # for the next start; a cache: failure is silent
        else:  # the file changed while it was read: once it is followed, the app's own
            self._snapshot_later()
        self.sync.journal_id = loaded.journal_id
        self.status_note = ""
        if self.scenario is not None:  # the open scenario is computed again over the new data
            rebase_scenario(self)
        self._data_changed(None)
        # Millions of long-lived objects at 50k devices: keep the cyclic garbage collector
        # from walking them all (a 200 ms freeze each time it does). Replaced records are
        # still freed by reference counting.
        gc.freeze()

    async def _catch_up(self) -> None:
        """Follow another process's writes: replay its journal entries, recompute only
        what they touched. Much faster than a full reload on a large estate."""
        seq = self._edit_seq
        try:
            result = await asyncio.wrap_future(self.sync.changes_since(self.sync.journal_id))
        except Exception as exc:  # noqa: BLE001 - a malformed journal entry: said, read-only
            self._read_failed(self._unreadable(exc))
            return
        if result is None:  # the journal does not connect: read everything
            self._wanted = "reload"
            return
        if seq != self._edit_seq:
            self._wanted = self._wanted or "catch_up"  # an edit raced the read: again
            return
        self._read_ok()
        changes, last = result
        since, self.sync.journal_id = self.sync.journal_id, last
        if changes and self.scenario is not None:
            follow_changes(self, changes)  # to the real estate; the scenario recomputed
            self.run_worker(self.colleagues.announce(self, since, last), group="notice")
        elif changes:
            self._apply_in_memory(changes)
            # who changed what (another writer's entries, not our own)
            self.run_worker(self.colleagues.announce(self, since, last), group="notice")

    def _unreadable(self, exc: BaseException, doing: str = "read") -> StoreError:
        """Any failure to read (or write) as a StoreError naming the file (a bug's exception
        too: the app says what happened and stays open rather than die with a traceback)."""
        if isinstance(exc, StoreError):
            return exc
        return StoreError(f"{self.settings.db_path}: cannot {doing} the database "
                          f"({type(exc).__name__}: {exc})")

    def _read_failed(self, exc: StoreError) -> None:
        """Report a failed read once, until the file changes (the poll reads again then)."""
        stamp = self.store.stamp() if self.store is not None else None
        first = self._failed_stamp != stamp or self.load_error != str(exc)
        self._failed_stamp = stamp
        self.load_error = str(exc)
        self.status_note = "database error"
        self.snapshot = self.snapshot_source = None  # shown only until its file is read
        if first:
            self.notify(str(exc), title="cannot read the database", severity="error",
                        timeout=10, markup=False)
        if self.analysis is None:
            self._data_changed(None)
        else:
            self._refresh_headers()

    def _read_ok(self) -> None:
        if self.load_error is not None:
            self.load_error = None
            self.status_note = ""
        self._failed_stamp = _NO_FAILURE

    def _note(self, text: str) -> None:
        """Loading progress for the header (called from the I/O thread: posts, never waits)."""
        if self.analysis is not None:
            return  # a reload: the data on screen stays, no progress shown
        try:
            self.post_message(LoadProgress(text))
        except RuntimeError:  # the app's loop is gone
            pass

    def _snapshot_found(self, snapshot: Snapshot, source: Source) -> None:
        """The alerts snapshot matches the file being loaded (called from the I/O thread)."""
        if self.analysis is not None:
            return  # a reload: the data on screen stays
        try:
            self.post_message(SnapshotFound(snapshot, source))
        except RuntimeError:  # the app's loop is gone
            pass

    def on_snapshot_found(self, message: SnapshotFound) -> None:
        if self.analysis is None and self.load_error is None:
            self.snapshot, self.snapshot_source = message.snapshot, message.source
            self._data_changed(None)

    def on_load_progress(self, message: LoadProgress) -> None:
        if self.analysis is None:
            self.status_note = message.text
            self._refresh_headers()

    # ------------------------------------------------------------------ propagation
    def _data_changed(self, touched: Touched | None) -> None:
        self.data_version += 1
        if self.analysis is not None:
            # after a load: the counts made in the I/O thread (views), if still current
            views = self.last_load.views if self.last_load is not None and touched is None else None
            prepared = views.summary_for(self.analysis) if views is not None else None
            self.summary = prepared if prepared is not None else self.analysis.summary()
        else:  # loading: the counts of the snapshot, if one is shown
            self.summary = self.snapshot.summary if self.snapshot is not None else None
        self.data_signal.publish(DataChanged(touched))
        if touched is not None:  # an edit or another writer's change: a load saves its own
            self._snapshot_later()

    def _snapshot_later(self, attempt: int = 1) -> None:
        """Save the alerts snapshot once the data has been quiet for a while."""
        if self.settings.demo:
            return
        if self._snapshot_timer is not None:
            self._snapshot_timer.stop()
        self._snapshot_timer = self.set_timer(
            SNAPSHOT_IDLE_SECONDS, lambda: self._snapshot_now(attempt), name="snapshot")

    def _snapshot_now(self, attempt: int = 1) -> None:
        """The alerts snapshot of what the screens show, saved for the next start when it is
        the file's: no write pending or refresh running, and (checked in the I/O thread) the
        file's newest journal entry is the one the app followed to."""
        self._snapshot_timer = None
        if (self.analysis is None or self.summary is None or self.scenario is not None
                or self.load_error is not None or self._diverged):
            return
        policy = self.analysis.policy  # the date the alerts were computed for
        if policy.today != self.today():
            return  # past midnight: the clock's reload computes (and saves) the new day's
        if self.sync.writes_pending or self._refreshing:
            self._snapshot_later()
            return
        shown = Snapshot(tuple(self.analysis.alerts()), self.summary)
        saved = self.sync.save_current_snapshot(shown, policy, self.sync.journal_id)
        self.run_worker(self._snapshot_saved(saved, attempt), group="snapshot")

    async def _snapshot_saved(self, saved: Future[bool], attempt: int) -> None:
        """Try again later (a few times) when the file was ahead of the screens: a write
        whose result had not reached them, another writer not followed yet."""
        try:
            done = await asyncio.wrap_future(saved)
        except Exception:  # noqa: BLE001 - a cache: an unreadable journal is said elsewhere
            return
        if not done and attempt < SNAPSHOT_ATTEMPTS:
            self._snapshot_later(attempt + 1)

    def _refresh_headers(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, BaseScreen):
                screen.refresh_header()

    # ------------------------------------------------------------------ polling
    def _poll(self) -> None:
        store = self.store
        if store is None or self._refreshing or self.sync.writes_pending:
            return
        if self._failed_stamp is not _NO_FAILURE:
            if store.stamp() != self._failed_stamp:
                self.request_refresh("reload")  # the file changed: try again
        elif store.changed_on_disk():
            self.request_refresh("catch_up")
        for path, old in list(self._watch_stamps.items()):
            new = _file_stamp(path)
            if new != old:
                self._watch_stamps[path] = new
                if new is not None:
                    self.run_worker(self._reimport([path]), group="watch")

    def _check_clock(self) -> None:
        if self.analysis is not None and self.today() != self.analysis.policy.today:
            self.request_refresh("reload")  # midnight: statuses move

    async def _reimport(self, paths: Sequence[Path]) -> None:
        from smartnet_tui.imports.planner import import_files  # (see the imports at the top)

        order = self.settings.date_order
        fut = self.sync.write(lambda store: import_files(store, list(paths), order=order,
                                                         action="tui: watch import"))
        try:
            result = await asyncio.wrap_future(fut)
        except Exception as exc:  # noqa: BLE001 - a bad watched file never ends the app
            names = ", ".join(str(p) for p in paths)
            problem = str(exc) if isinstance(exc, StoreError) else f"{type(exc).__name__}: {exc}"
            self.notify(f"{names}: {problem}", title="watch import failed (nothing written)",
                        severity="error", timeout=10, markup=False)
            result = None
        # Whatever happened, the import re-read the store, which hides other writers'
        # entries from the stamp check: replay the journal.
        try:
            if result is not None:
                self.colleagues.mine(result.entry)
                self._report_watch_import(paths, result)
        finally:
            self.after_write()

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
        if self._refused_read_only():
            return
        if self.analysis is None or self.store is None:
            self.notify("the database is not loaded yet", severity="warning")
            return
        from smartnet_tui.tui.components.import_dialog import ImportDialog  # (see the imports at the top)

        self.push_screen(ImportDialog(*self.import_last))

    # ------------------------------------------------------------------ fetch (F)
    def action_fetch(self) -> None:
        """Ask Cisco's Support APIs (coverage, EoX), then preview and confirm as an import."""
        if self._refused_read_only():
            return
        if self.analysis is None or self.store is None:
            self.notify("the database is not loaded yet", severity="warning")
            return
        from smartnet_tui.tui.components.fetch_dialog import FetchDialog  # (see the imports at the top)

        self.push_screen(FetchDialog())

    def remember_import(self, paths: str, replace_all: bool, add_devices: bool) -> None:
        self.import_last = (paths, replace_all, add_devices)

    async def plan_import(self, paths: Sequence[Path], replace_all: bool, add_devices: bool,
                          progress: Callable[[str, int, int | None], None] | None = None) -> Any:
        """A dry run of an import on the I/O thread (after any pending write): an ImportPlan."""
        from smartnet_tui.tui.components.import_dialog import plan_import  # (see the imports at the top)

        order, today = self.settings.date_order, self.today()
        fut = self.sync.read(lambda store: plan_import(store, list(paths), replace_all,
                                                       add_devices, order, today, progress))
        try:
            return await asyncio.wrap_future(fut)
        finally:
            # The plan read the database, which moves the store's "changed on disk" mark:
            # follow whatever another process wrote, as the poll would have.
            self.request_refresh("catch_up")

    def confirm_import(self, plan: Any) -> None:
        """Write a previewed import in the background; the screens follow the journal."""
        from smartnet_tui.imports.planner import write_import  # (see the imports at the top)

        if self._refused_read_only():
            return
        order, today = self.settings.date_order, self.today()
        fut = self.sync.write(lambda store: write_import(store, plan, order, today))
        self.run_worker(self._import_written(plan, fut), group="write")

    async def _import_written(self, plan: Any, fut: Future[Any]) -> None:
        from smartnet_tui.imports.planner import changed_line  # (see the imports at the top)
        from smartnet_tui.tui.components.import_dialog import ImportPreview  # (see the imports at the top)

        try:
            entry, replanned = await asyncio.wrap_future(fut)
        except Exception as exc:  # noqa: BLE001 - said, never a traceback
            self.notify(str(self._unreadable(exc, "write")), title="not imported (nothing written)",
                        severity="error", timeout=10, markup=False)
            self.after_write()
            return
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
            self.colleagues.mine(entry)
            n = len(entry["changes"])
            self.notify(f"{n:,} change{'s' * (n != 1)} imported: "
                        f"{changed_line(plan.result)}",
                        title="import", markup=False)
        # The screens follow the new journal entry the way they follow any other writer.
        self.after_write()

    # ------------------------------------------------------------------ edits
    def submit(self, changes: Sequence[Change], label: str, *, undo: bool = False,
               seen: Seen | None = None) -> bool:
        """Apply an edit now (memory and screens), and save it in the background.

        ``seen``: the records the dialog showed when it opened. The write is checked
        against them under the lock, not against memory at save time (which may already
        hold a colleague's change followed while the dialog was open). When memory already
        differs from them, the edit is not shown at all: the store refuses it and says who
        changed the record (the screen keeps showing the colleague's version)."""
        if self._refused_read_only():
            return False
        if self.scenario is not None:  # the screens show the scenario's copy, not the data
            self.notify("a what-if scenario is open: apply or discard it first (w)",
                        title="nothing changed", severity="warning")
            return False
        if self.analysis is None or self.estate is None:
            self.notify("the database is not loaded yet", severity="warning")
            return False
        changes = list(changes)
        self._edit_seq += 1
        backward = inverse(self.estate, changes)
        expect = seen.expected(self.estate, changes) if seen is not None else backward
        shown = seen is None or not seen.changed_in(self.estate)
        if shown:
            self._apply_in_memory(changes)
            if not undo:
                self.sync.undo.push(UndoItem(label, changes, backward))
        action = f"tui: {'undo ' if undo else ''}{label}"
        fut = self.sync.apply(changes, action, expect)
        self.run_worker(self._written(fut, changes, backward, label, undo, shown), group="write")
        return True

    def _apply_in_memory(self, changes: Sequence[Change]) -> Touched:
        assert self.estate is not None and self.analysis is not None
        serials, contracts = apply_changes(self.estate, changes)
        self.analysis.refresh(serials=serials, contracts=contracts)
        touched = Touched(frozenset(serials),
                          frozenset(contracts | self.estate.contracts_of(serials)))
        self._data_changed(touched)
        return touched

    async def _written(self, fut: Future[dict[str, Any] | None], changes: list[Change],
                       backward: list[Change], label: str, undo: bool,
                       shown: bool = True) -> None:
        try:
            entry = await asyncio.wrap_future(fut)
        except Exception as exc:  # noqa: BLE001 - StoreError or a bug: said, never a traceback
            exc = self._unreadable(exc, "write")
            # a conflict means another writer got in first: the catch-up shows their version
            if shown and self.estate is not None and still_applied(self.estate, changes):
                self._apply_in_memory(backward)
            elif shown:  # a later edit of the same record sits on top: read the file again
                self._diverged = True
                self.request_refresh("reload")
            if shown and not undo:
                self.sync.undo.forget(changes)
            self.notify(str(exc), title=f"not saved: {label}", severity="error", timeout=10,
                        markup=False)
        else:
            # on the mode line, not a toast: a toast would cover the row just edited
            flash(self, ("undone: " if undo else "saved: ") + label)
            self.colleagues.mine(entry)
            if (shown and entry is not None and entry["id"] == self.sync.journal_id + 1
                    and not self._refreshing):
                # nobody wrote in between: the screens already show this entry
                self.sync.journal_id = entry["id"]
                self.after_write(follow=False)
                return
        self.after_write()

    def after_write(self, follow: bool = True) -> None:
        """After each write: let a pending quit go through, else follow the journal (other
        writers may have written in between; our own entry replays as a no-op)."""
        if self._quit_requested and not self.sync.writes_pending:
            self.exit(0)
            return
        if follow:
            self.request_refresh("catch_up")

    def action_undo(self) -> None:
        item = self.sync.undo.top()
        if item is None:
            self.notify("nothing to undo", severity="warning")
            return
        self.sync.undo.pop()
        if self.estate is None or not still_applied(self.estate, item.forward):
            self.notify(f"cannot undo {item.label}: changed since (by another process?)",
                        severity="warning", markup=False)
            return
        self.submit(item.backward, item.label, undo=True)

    def action_reload(self) -> None:
        self.request_refresh("reload")

    async def action_quit(self) -> None:
        """Quit once the writes already submitted are saved; reads are abandoned."""
        if self.sync.writes_pending:
            self._quit_requested = True
            self.notify("saving... quitting when done")
            return
        self.exit(0)

    def action_history(self) -> None:
        from smartnet_tui.tui.screens.history import HistoryScreen  # (see the imports at the top)

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    def action_help(self) -> None:
        from smartnet_tui.tui.components.help import HelpScreen  # (see the imports at the top)

        self.push_screen(HelpScreen())

    def action_whatif(self) -> None:
        from smartnet_tui.tui.components.scenario_screen import open_scenario  # (see the imports at the top)

        open_scenario(self)

    def action_plan(self) -> None:
        from smartnet_tui.tui.screens.planner import open_planner  # (see the imports at the top)

        open_planner(self)

    def get_system_commands(self, screen: Any) -> Any:
        """None of Textual's system commands: the palette lists our own (palette.py)."""
        return iter(())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys of the main screens must not fire behind a dialog.
        if isinstance(self.screen, ModalScreen) and action in {
            "switch_mode", "undo", "help", "quit", "reload", "command_palette", "history",
            "import", "fetch", "whatif", "plan",
        }:
            return False
        return True

    def _ascii_palette(self, screen: Any) -> None:
        """--ascii: the command palette's search icon and placeholder in ASCII (the
        public ``SearchIcon.icon`` and ``Input.placeholder``, set once it is composed)."""
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
        from smartnet_tui.tui.screens.detail import DeviceScreen  # (see the imports at the top)

        self.push_screen(DeviceScreen(serial))

    def open_contract(self, number: str) -> None:
        from smartnet_tui.tui.screens.detail import ContractScreen  # (see the imports at the top)

        self.push_screen(ContractScreen(number))

    def show_contracts_filtered(self, text: str) -> None:
        self.switch_mode("contracts")
        screen = self.screen
        if isinstance(screen, ContractsScreen):
            self.call_after_refresh(screen.set_filter, text)


_NO_FAILURE = object()


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
    if app.return_code is None:
        # Never exited by a key: a Ctrl-C (SIGINT) made asyncio cancel the app, which put the
        # terminal back and returned quietly. The shell's convention for it is 130.
        return EXIT_INTERRUPTED
    return app.return_code
