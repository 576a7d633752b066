"""The three main screens (Textual modes): Inventory, Contracts and Alerts.

Each is a :class:`RecordTable` over a :class:`Source`: filtering and sorting happen in
Python over the engine's results, and the table draws only the rows on screen.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult, ScreenStackError
from textual.binding import Binding
from textual.widgets import Input, Static

from smartnet_tui.tui.components.actions import (
    CONTRACT_CANCEL,
    CONTRACT_RENEW,
    CONTRACT_TRIAGE,
    DEVICE_CRITICALITY,
    DEVICE_STATUS,
    add_contract,
    add_device,
    cancel_contract,
    edit_device_criticality,
    edit_device_status,
    edit_triage,
    renew_contract,
)
from smartnet_tui.tui.screens.base import BaseScreen, flash
from smartnet_tui.tui.table_sources import (
    AlertSource,
    ContractSource,
    DeviceSource,
    Source,
    clean,
)
from smartnet_tui.tui.widgets.record_table import RecordTable

if TYPE_CHECKING:
    from smartnet_tui.tui.sync import Touched


class FilterInput(Input):
    """Filter as you type; enter keeps the filter, escape clears it."""

    DEFAULT_CSS = """
    FilterInput { height: 1; border: none; padding: 0 1; display: none; background: $boost; }
    FilterInput:focus { border: none; }
    FilterInput.-shown { display: block; }
    """


# Keys that work on one of the tables, and where: pressed on another table they say so
# in one line instead of doing nothing (binding id, what it does, where it works).
ELSEWHERE: tuple[tuple[Binding, str, str], ...] = (
    (DEVICE_STATUS, "status", "devices: press 1, or open a device"),
    (DEVICE_CRITICALITY, "criticality", "devices: press 1, or open a device"),
    (CONTRACT_TRIAGE, "triage", "contracts: press 2, or open a contract"),
    (CONTRACT_RENEW, "renew", "contracts: press 2, or open a contract"),
    (CONTRACT_CANCEL, "cancel", "contracts: press 2, or open a contract"),
    (Binding("v", "", "", id="alerts.severity"), "severity filter", "alerts: press 3"),
    (Binding("f", "", "", id="alerts.kind"), "kind filter", "alerts: press 3"),
)


class TableScreen(BaseScreen):
    """A table of records with filter, sort and the N-of-M line."""

    SOURCE: ClassVar[type[Source]]  # each table screen names its source

    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/", id="table.filter",
                tooltip="Filter as you type over every column"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="table.clear_filter"),
        Binding("o,greater_than_sign", "sort(1)", "Sort", id="table.sort_next",
                tooltip="Sort by the next column"),
        Binding("less_than_sign", "sort(-1)", "Sort by previous column", show=False,
                id="table.sort_prev"),
        Binding("O", "sort_reverse", "Reverse sort", show=False, id="table.sort_reverse"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._skip_css_refresh()
        self.source = self.SOURCE(None)
        self.filter_text = ""
        self._sorted: list[str] = []
        self._shown_for: str = ""

    def _skip_css_refresh(self) -> None:
        """A mode's first switch: Textual refreshes every style of the app (reparse and
        restyle, twice: 30-60 ms at any size of data) because the new screen has not seen
        the stylesheet's last update. While nothing changed the styles since the start (the
        count is still 0) or the screen shown is up to date, the stylesheet is up to date,
        and the new screen is styled from it as it mounts: say it is current. Later changes
        (a theme) still refresh it as Textual does. The first screen of all (no screen yet,
        the stylesheet's variables not set) keeps Textual's refresh. (Textual 8.2.8's own
        counters; anything unexpected leaves Textual's way.)"""
        try:
            app = self.app
            shown = app.screen  # none yet: the first screen of all
            if app._css_update_count in (0, shown._css_update_count):
                self._css_update_count = app._css_update_count
        except (ScreenStackError, RuntimeError, AttributeError):  # no screen, no app yet
            pass

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        table = RecordTable(self.source, id="table", empty_text=self.empty_text())
        table.ascii = self.sapp.ascii
        yield table
        yield from self.compose_below()
        yield FilterInput(placeholder="filter (escape clears)", id="filter")
        yield from self.compose_footer()

    def compose_below(self) -> ComposeResult:
        """Widgets between the table and the filter line (none by default)."""
        yield from ()

    def empty_text(self) -> str:
        analysis = self.sapp.analysis
        if analysis is None:
            return "loading..."
        estate = analysis.estate
        if not (estate.devices or estate.contracts):
            return "empty database: press i to import files (or try smartnet --demo)"
        return f"no {self.source.noun}"

    @property
    def table(self) -> RecordTable:
        return self.query_one("#table", RecordTable)

    def on_mount(self) -> None:
        # Textual calls BaseScreen.on_mount too (every class's handler in the MRO): calling
        # it from here as well subscribed the screen twice, so every change of the data was
        # shown twice over (twice the sort, the measure and the redraw of 100,000 rows).
        self.table.focus()

    # ------------------------------------------------------------------ data
    def data_changed(self, touched: Touched | None) -> None:
        table = self.table
        table.empty_text = (
            f"cannot read the database: {self.sapp.load_error}" if self.sapp.load_error
            else self.empty_text()
        )
        if touched is None or self.source.analysis is not self.sapp.analysis:
            self.source = self.new_source()
            self._copy_source_state()
        else:
            keys = set(touched.serials) | set(touched.contracts)
            self.source.invalidate(keys)
            # an edit may lengthen a value: its column widens to show it whole
            table.measure([k for k in keys if self.source.exists(k)])
        self._resort()
        super().data_changed(touched)
        if touched is None:  # after the rows are drawn: a first view only draws
            self.call_after_refresh(self._warm_search, self.source, 0)

    def _warm_search(self, source: Source, start: int, chunk: int = 2000) -> None:
        """Build the filter's search text a slice per event-loop turn, so that the first
        keystroke of a filter on 50,000 rows does not pay for all of them at once."""
        if source is not self.source or self.sapp.analysis is None:
            return
        keys = self._sorted
        end = min(start + chunk, len(keys))
        search = source.search_text
        for k in keys[start:end]:
            search(k)
        if end < len(keys):
            self.set_timer(0.005, lambda: self._warm_search(source, end, chunk))

    def new_source(self) -> Source:
        """The source of the app's data as it is now: the one the load prepared in the I/O
        thread (sorted and measured) while the data is still as loaded, else a new one."""
        analysis = self.sapp.analysis
        loaded = self.sapp.last_load
        views = loaded.views if loaded is not None else None
        prepared = views.source(self.SOURCE, analysis) if views is not None else None
        return prepared if prepared is not None else self.SOURCE(analysis)

    def _copy_source_state(self) -> None:
        """Keep per-source settings (e.g. the alert filters) over a reload."""

    def _resort(self) -> None:
        table = self.table
        column = table.sort_column if table.sort_column is not None else self.source.default_sort
        self._sorted = self.source.view("", column, table.sort_reverse)
        self._apply_filter()

    def _apply_filter(self) -> None:
        keys = self.source.view(self.filter_text, 0, False, base=self._sorted)
        self._shown_for = self.filter_text
        self.table.set_rows(keys, self.source)
        self.refresh_modebar()

    def mode_info(self) -> str:
        total = len(self._sorted)
        shown = len(self.table.keys)
        noun = self.source.noun[:-1] if total == 1 else self.source.noun
        parts = [f"{shown:,} of {total:,} {noun}" if shown != total else f"{total:,} {noun}"]
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        return "  ".join(parts)

    # ------------------------------------------------------------------ filter
    def action_filter(self) -> None:
        box = self.query_one(FilterInput)
        box.add_class("-shown")
        # Focused now, not after this turn of the loop (Widget.focus defers it): keys that
        # arrive with the slash (a paste, a lagging SSH link) are typed into the filter,
        # not run as commands (u undid the last edit, s opened a dialog).
        self.set_focus(box)

    def set_filter(self, text: str) -> None:
        box = self.query_one(FilterInput)
        box.value = text
        self.filter_text = text
        if text:
            box.add_class("-shown")
        self._apply_filter()
        self.table.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        old = self.filter_text
        self.filter_text = event.value
        needle = event.value.strip().lower()
        if old and needle.startswith(old.strip().lower()) and " " not in needle:
            # narrowing: filter what is shown, not everything
            keys = self.source.view(needle, 0, False, base=self.table.keys)
            self.table.set_rows(keys, self.source)
            self.refresh_modebar()
        else:
            self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not self.filter_text:
            self.query_one(FilterInput).remove_class("-shown")
        self.table.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one(FilterInput)
        had = bool(self.filter_text) or box.has_focus
        box.value = ""
        box.remove_class("-shown")
        self.table.focus()
        if self.filter_text:
            self.filter_text = ""
            self._apply_filter()
        elif not had:
            self.on_escape_idle()

    def on_escape_idle(self) -> None:
        """Escape with nothing to clear."""

    # ------------------------------------------------------------------ sort
    def action_sort(self, step: int) -> None:
        table = self.table
        n = len(self.source.columns)
        current = table.sort_column if table.sort_column is not None else 0
        table.sort_column = (current + step) % n
        self._resort()

    def action_sort_reverse(self) -> None:
        self.table.sort_reverse = not self.table.sort_reverse
        self._resort()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sort", "sort_reverse", "filter") and self.query_one(FilterInput).has_focus:
            return False
        return True

    def on_key(self, event: events.Key) -> None:
        """A key bound on another table (none of this screen's bindings took it): say where
        it works, in one line, instead of doing nothing."""
        if self.query_one(FilterInput).has_focus:
            return
        hint = self.elsewhere_hint(event.key)
        if hint:
            event.stop()
            flash(self.app, hint, style="bold yellow")

    def elsewhere_hint(self, key: str) -> str | None:
        own = {b.id for b in self.BINDINGS if isinstance(b, Binding) and b.id}
        keymap: dict[str, str] = dict(getattr(self.app, "_keymap", {}) or {})
        for binding, what, where in ELSEWHERE:
            if binding.id in own:
                continue
            keys = keymap.get(binding.id or "", binding.key).split(",")
            if key in keys:
                return f"{key} ({what}) is for {where}"
        return None


class InventoryScreen(TableScreen):
    """Every device in the inventory with its coverage."""

    MODE = "inventory"
    SOURCE = DeviceSource

    BINDINGS = [
        DEVICE_STATUS,
        replace(DEVICE_CRITICALITY, show=False),
        Binding("a", "add", "Add", show=False, id="inventory.add", tooltip="Add a device"),
    ]

    @on(RecordTable.Selected, "#table")
    def _open(self, event: RecordTable.Selected) -> None:
        self.sapp.open_device(event.key)

    def action_status(self) -> None:
        if self.table.cursor_key:
            edit_device_status(self.sapp, self.table.cursor_key)

    def action_criticality(self) -> None:
        if self.table.cursor_key:
            edit_device_criticality(self.sapp, self.table.cursor_key)

    def action_add(self) -> None:
        add_device(self.sapp)


class ContractsScreen(TableScreen):
    """Contracts, the most urgent renewal first."""

    MODE = "contracts"
    SOURCE = ContractSource

    BINDINGS = [
        CONTRACT_TRIAGE,
        CONTRACT_RENEW,
        CONTRACT_CANCEL,
        Binding("a", "add", "Add", show=False, id="contracts.add", tooltip="Add a contract"),
    ]

    @on(RecordTable.Selected, "#table")
    def _open(self, event: RecordTable.Selected) -> None:
        self.sapp.open_contract(event.key)

    def action_triage(self) -> None:
        key = self.table.cursor_key
        if key:
            edit_triage(self.sapp, key)

    def action_renew(self) -> None:
        key = self.table.cursor_key
        if key:
            renew_contract(self.sapp, key)

    def action_cancel(self) -> None:
        key = self.table.cursor_key
        if key:
            cancel_contract(self.sapp, key)

    def action_add(self) -> None:
        add_contract(self.sapp)


REASON_LINES = 3  # the highlighted alert under the table


class AlertsScreen(TableScreen):
    """Every alert of the engine, most severe first."""

    MODE = "alerts"
    SOURCE = AlertSource

    BINDINGS = [
        Binding("v", "severity", "Severity", id="alerts.severity",
                tooltip="Show only this severity and worse (cycles)"),
        Binding("f", "kind", "Kind", id="alerts.kind",
                tooltip="Show only alerts of the highlighted kind (again: all kinds)"),
    ]

    DEFAULT_CSS = """
    AlertsScreen #reason { height: 3; padding: 0 1; background: $boost; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.min_severity: str | None = None
        self.kind: str | None = None

    def compose_below(self) -> ComposeResult:
        yield Static(id="reason")

    def new_source(self) -> Source:
        snapshot = self.sapp.snapshot  # while loading: the alerts of the last start, if the same
        if self.sapp.analysis is None and snapshot is not None:  # prepared in the I/O thread
            return self.sapp.snapshot_source or AlertSource(None, snapshot.alerts)
        return super().new_source()

    @on(RecordTable.Highlighted, "#table")
    def _show_reason(self, event: RecordTable.Highlighted) -> None:
        """The highlighted alert whole, wrapped under the table: its subject, kind and reason
        (a long reason is cut in the table's column)."""
        alert = self.source.alert(event.key or "")  # type: ignore[attr-defined]
        t = Text()
        if alert is not None:
            t.append(clean(alert.subject), style="bold")
            t.append(f" {alert.kind}: ", style="dim")
            t.append(clean(alert.reason or alert.message))
        pane = self.query_one("#reason", Static)
        width = pane.content_region.width
        if width > 1:  # a fixed height (the table does not jump); a longer reason ends in …
            lines = t.wrap(self.app.console, width)
            if len(lines) > REASON_LINES:
                last = lines[REASON_LINES - 1]
                last.truncate(width - 1)
                last.append("~" if self.sapp.ascii else "…")
                t = Text("\n").join(lines[:REASON_LINES])
        pane.update(t)

    def _copy_source_state(self) -> None:
        src = self.source
        assert isinstance(src, AlertSource)
        src.min_severity = self.min_severity
        src.kind = self.kind

    def mode_info(self) -> str:
        info = super().mode_info()
        if self.min_severity:
            info += f"  severity: {self.min_severity}+"
        if self.kind:
            info += f"  kind: {self.kind}"
        return info

    @on(RecordTable.Selected, "#table")
    def _open(self, event: RecordTable.Selected) -> None:
        alert = self.source.alert(event.key)  # type: ignore[attr-defined]
        if alert is None:
            return
        if self.sapp.analysis is None:  # a snapshot's alert: the records are still being read
            flash(self.app, "still loading: details open once the database is read",
                  style="bold yellow", seconds=2.0)
            return
        if alert.subject_type == "serial":
            self.sapp.open_device(alert.subject)
        elif alert.subject_type == "contract":
            self.sapp.open_contract(alert.subject)
        else:  # a service level (co-term): the contracts of that level
            self.sapp.show_contracts_filtered(alert.subject.lower())

    def action_severity(self) -> None:
        order = [None, "critical", "high", "medium", "low"]
        i = order.index(self.min_severity) if self.min_severity in order else 0
        self.min_severity = order[(i + 1) % len(order)]
        self._copy_source_state()
        self._resort()

    def action_kind(self) -> None:
        if self.kind is not None:
            self.kind = None
        else:
            alert = self.source.alert(self.table.cursor_key or "")  # type: ignore[attr-defined]
            if alert is None:
                return
            self.kind = alert.kind
        self._copy_source_state()
        self._resort()

