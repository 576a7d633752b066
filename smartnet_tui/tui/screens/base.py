"""What every screen shares: the header line of counts, the mode line, the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import Footer

from smartnet_tui.tui.widgets.bars import ModeBar, SummaryBar

if TYPE_CHECKING:
    from smartnet_tui.tui.app import SmartnetApp, Touched


class BaseScreen(Screen):
    """A screen that shows engine data and follows every change to it."""

    MODE = ""

    def __init__(self) -> None:
        super().__init__()
        self._version = -1

    @property
    def sapp(self) -> SmartnetApp:
        return self.app  # type: ignore[return-value]

    def compose_header(self):
        yield SummaryBar(id="summary")
        yield ModeBar(id="modebar")

    def compose_footer(self):
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.data_changed(None)

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
        note = app.status_note
        if app.undo_stack and not note:
            note = ""
        bars = self.query(SummaryBar)
        if not bars:
            return
        bars.first().show(app.today().isoformat(), app.summary, note)
        self.refresh_modebar()

    def refresh_modebar(self) -> None:
        self.query_one(ModeBar).show(self.MODE, self.mode_info())

    def mode_info(self) -> str:
        return ""
