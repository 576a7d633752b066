"""What every screen shares: the header line of counts, the mode line, the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from smartnet_tui.tui.messages import DataChanged
from smartnet_tui.tui.sync import Touched
from smartnet_tui.tui.widgets.bars import ModeBar, SummaryBar

if TYPE_CHECKING:
    from smartnet_tui.tui.app import SmartnetApp


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
        bars.first().show(app.today().isoformat(), app.summary, app.status_note)
        self.refresh_modebar()

    def refresh_modebar(self) -> None:
        self.query_one(ModeBar).show(self.MODE, self.mode_info())

    def mode_info(self) -> str:
        return ""
