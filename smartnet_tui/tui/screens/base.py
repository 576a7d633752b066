"""What every screen shares: the header line of counts, the mode line, the footer."""

from __future__ import annotations

import asyncio
import atexit
import os
import signal
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from smartnet_tui.store.db import StoreError
from smartnet_tui.tui.messages import DataChanged
from smartnet_tui.tui.sync import Touched
from smartnet_tui.tui.widgets.bars import FLASH_SECONDS, ModeBar, SummaryBar

if TYPE_CHECKING:
    from smartnet_tui.tui.app import SmartnetApp


def flash(app: App[Any], text: str, style: str = "bold", seconds: float = FLASH_SECONDS) -> None:
    """A short message on the mode line of the screen the user sees (below any dialog) for
    a few seconds: unlike a toast, it never covers the table's rows."""
    for screen in reversed(app.screen_stack):
        if isinstance(screen, BaseScreen):
            bars = screen.query(ModeBar)
            if bars:
                bars.first().flash(text, style, seconds)
                return
    app.notify(text, markup=False, timeout=seconds)


JOB_GRACE = 1.0  # seconds a hang-up waits for the I/O thread's running job


def end_on_hangup(app: SmartnetApp, grace: float = 5.0) -> None:
    """SIGTERM ends the app the way ``q`` does (a pending save is written first, for at most
    ``grace`` seconds) and the exit handlers run: ``--demo`` removes its throw-away
    database. SIGHUP (a dropped SSH link) does the same without the terminal: Textual's
    shutdown would block for good writing to a terminal that is gone, so once the saves
    are written the exit handlers run and the process ends. Later signals change nothing.
    Call from the running app (``on_mount``)."""
    loop = asyncio.get_running_loop()
    received: list[int] = []

    def hung_up(deadline: float) -> None:
        if app.sync.writes_pending and loop.time() < deadline:
            loop.call_later(0.05, hung_up, deadline)
            return
        app.sync.close()  # what is still queued is dropped
        running_job(loop.time() + JOB_GRACE)

    def running_job(deadline: float) -> None:
        # The job under way (a load opening the store, a snapshot) may still create a file
        # beside the database: the exit handlers run after it (--demo removes its
        # directory, which the job would otherwise make again), or after a moment.
        if app.sync.runner.busy and loop.time() < deadline:
            loop.call_later(0.02, running_job, deadline)
            return
        atexit._run_exitfuncs()  # noqa: SLF001 - the exit handlers, as a normal exit runs them
        os._exit(128 + signal.SIGHUP)

    def ended(signum: int) -> None:
        received.append(signum)
        if len(received) > 1:
            return
        if signum == signal.SIGHUP:
            hung_up(loop.time() + grace)
            return
        app.call_later(app.action_quit)
        app.set_timer(grace, lambda: app.exit(128 + signum), name="hangup")

    for sig in (signal.SIGHUP, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, ended, sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, Windows
            return


class Colleagues:
    """A short notice (who, what) when another writer's journal entries are applied.

    The app tells it the entries it wrote itself (``mine``), so that only other writers'
    (a colleague's smartnet, a cron import) are announced after a catch-up."""

    SECONDS = 8.0

    def __init__(self) -> None:
        self.own: set[int] = set()

    def mine(self, entry: Mapping[str, Any] | None) -> None:
        if entry is not None and isinstance(entry.get("id"), int):
            self.own.add(entry["id"])

    def others(self, entries: Sequence[Mapping[str, Any]], since: int) -> list[Mapping[str, Any]]:
        return [e for e in entries
                if isinstance(e.get("id"), int) and e["id"] > since and e["id"] not in self.own]

    @staticmethod
    def notice(entries: Sequence[Mapping[str, Any]]) -> str:
        """``ana: triage 1000 -> renew`` (the newest), ``+2 more (H)`` when several."""
        last = entries[-1]
        action = str(last.get("action", "")).removeprefix("tui: ")
        text = f"{last.get('who') or 'someone'} changed: {action}"
        if len(entries) > 1:
            text += f" (+{len(entries) - 1} more: H)"
        return text

    async def announce(self, app: SmartnetApp, since: int, last: int) -> None:
        """Read the entries after ``since`` (on the I/O thread) and show other writers'."""
        count = max(last - since, 1)
        try:
            entries = await asyncio.wrap_future(
                app.sync.read(lambda store: store.history(min(count + 5, 100))))
        except StoreError:
            return  # the change is on screen already; only the notice is lost
        others = self.others(entries, since)
        if others:
            flash(app, self.notice(others), style="bold cyan", seconds=self.SECONDS)


class BaseScreen(Screen[None]):
    """A screen that shows engine data and follows every change to it."""

    MODE = ""

    def __init__(self) -> None:
        super().__init__()
        self._version = -1

    @property
    def sapp(self) -> SmartnetApp:
        return self.app  # type: ignore[return-value]

    def compose_header(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        yield ModeBar(id="modebar")

    def compose_footer(self) -> ComposeResult:
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sapp.data_signal.subscribe(self, self._on_data, immediate=True)
        self.data_changed(None)

    def _on_data(self, message: DataChanged) -> None:
        # Screens of another mode catch up when shown again (on_screen_resume).
        if self in self.app.screen_stack:
            self.data_changed(message.touched)

    def on_screen_resume(self) -> None:
        if self._version != self.sapp.data_version:
            self.data_changed(None)
        else:
            self.refresh_header()

    def data_changed(self, touched: Touched | None) -> None:
        """The engine's results changed (None: all of them)."""
        self._version = self.sapp.data_version
        self.refresh_header()

    def refresh_header(self) -> None:
        app = self.sapp
        bars = self.query(SummaryBar)
        if not bars:
            return
        today = app.today().isoformat()
        if getattr(app, "scenario", None) is not None:  # what-if: every screen says so
            today = f"SCENARIO {today}"
        bars.first().show(today, app.summary, app.status_note)
        self.refresh_modebar()

    def refresh_modebar(self) -> None:
        self.query_one(ModeBar).show(self.MODE, self.mode_info())

    def mode_info(self) -> str:
        return ""
