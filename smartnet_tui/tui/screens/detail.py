"""A device's detail and a contract's detail (pushed over the current screen)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import Alert
from smartnet_tui.tui.components.actions import (
    CONTRACT_CANCEL,
    CONTRACT_RENEW,
    CONTRACT_TRIAGE,
    DEVICE_CRITICALITY,
    DEVICE_STATUS,
    cancel_contract,
    edit_device_criticality,
    edit_device_status,
    edit_triage,
    renew_contract,
    terminate_line,
)
from smartnet_tui.tui.screens.base import BaseScreen
from smartnet_tui.tui.table_sources import (
    COVERAGE_STYLE,
    RENEWAL_STYLE,
    SEVERITY_STYLE,
    STATUS_STYLE,
    Cell,
    Column,
    Source,
    clean,
    coverage_verdict,
    fmt_date,
    fmt_money,
    line_state,
    shown_triage,
)
from smartnet_tui.tui.widgets.bars import ModeBar
from smartnet_tui.tui.widgets.record_table import RecordTable

if TYPE_CHECKING:
    from smartnet_tui.tui.sync import Touched

# Rich styles for Static text (the table uses its component classes).
TEXT_STYLE = {
    "good": "green", "warn": "yellow", "bad": "bold red", "critical": "bold reverse red",
    "note": "cyan", "dim": "dim", None: "",
}


def _kv(t: Text, label: str, value: object, style: str = "") -> None:
    t.append(f"{label} ", style="dim")
    t.append(clean(value) if value not in (None, "") else "-", style=style)
    t.append("  ")


def alerts_text(alerts: Sequence[Alert]) -> Text:
    t = Text(no_wrap=False)
    if not alerts:
        t.append("no alerts", style="dim")
        return t
    for i, a in enumerate(alerts):
        if i:
            t.append("\n")
        t.append(f"{a.severity:<8} ", style=TEXT_STYLE[SEVERITY_STYLE.get(a.severity)])
        t.append(f"{a.kind:<16} ", style="bold")
        t.append(clean(a.reason or a.message))  # the subject is this screen's own
    return t


class _LineSource(Source):
    """Lines of one device or contract: keys are "contract\\x1findex"."""

    noun = "lines"

    def __init__(self, analysis: Analysis | None, rows: list[str],
                 fn: Callable[[str], Sequence[Cell]]) -> None:
        super().__init__(analysis)
        self._rows = rows
        self._fn = fn

    def keys(self) -> list[str]:
        return list(self._rows)

    def exists(self, key: str) -> bool:
        return key in self._rows

    def cells(self, key: str) -> Sequence[Cell]:
        return self._fn(key)

    def sort_value(self, column: int) -> Callable[[str], Any]:
        return self._rows.index


def line_key(contract: str, index: int) -> str:
    return f"{contract}\x1f{index}"


def split_line_key(key: str) -> tuple[str, int]:
    number, index = key.rsplit("\x1f", 1)
    return number, int(index)


class DetailScreen(BaseScreen):
    DEFAULT_CSS = """
    DetailScreen #info { height: auto; padding: 0 1; }
    DetailScreen #lines { height: 1fr; min-height: 4; }
    DetailScreen #alerts { height: auto; max-height: 8; padding: 0 1; border-top: solid $panel-lighten-2; }
    DetailScreen #lines-title { padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="detail.back", tooltip="Back to the list"),
        Binding("T", "terminate", "Terminate line", show=False, id="detail.terminate",
                tooltip="Terminate the highlighted line (again: reactivate it)"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(id="info")
        yield Static(id="lines-title")
        table = RecordTable(_LineSource(None, [], lambda k: ()), id="lines", empty_text="no contract lines")
        table.sort_column = None
        table.ascii = self.sapp.ascii
        yield table
        yield Static(id="alerts")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#lines", RecordTable).focus()
        # BaseScreen.on_mount runs too (Textual calls each class's handler): calling it
        # here as well subscribed the screen twice, every change handled two times

    def action_back(self) -> None:
        self.dismiss()

    def show_lines(self, analysis: Analysis, by_key: dict[str, Any],
                   cells: Callable[[str], Sequence[Cell]], columns: tuple[Column, ...],
                   noun: str, hint: str, alerts: Sequence[Alert]) -> None:
        """The lines table, its title (count and keys) and the alerts under it."""
        src = _LineSource(analysis, list(by_key), cells)
        src.columns = columns
        self.query_one("#lines", RecordTable).set_rows(src.keys(), src)
        n = len(by_key)
        self.query_one("#lines-title", Static).update(Text(f"{n} {noun}{'s' * (n != 1)} ({hint})"))
        self.query_one("#alerts", Static).update(alerts_text(alerts))

    def refresh_modebar(self) -> None:
        self.query_one(ModeBar).show("", title=self.title_text())

    def title_text(self) -> str:
        return ""

    def action_terminate(self) -> None:
        key = self.query_one("#lines", RecordTable).cursor_key
        if key:
            number, index = split_line_key(key)
            terminate_line(self.sapp, number, index)


class DeviceScreen(DetailScreen):
    """Coverage at a glance, then the device, its lines, EoX dates and alerts."""

    BINDINGS = [
        DEVICE_STATUS,
        DEVICE_CRITICALITY,
    ]

    def __init__(self, serial: str) -> None:
        super().__init__()
        self.serial = serial

    def title_text(self) -> str:
        d = self.sapp.estate.devices.get(self.serial) if self.sapp.estate else None
        host = f" {d.hostname}" if d and d.hostname else ""
        return f"device {self.serial}{host}"

    def data_changed(self, touched: Touched | None) -> None:
        app = self.sapp
        a = app.analysis
        if a is None:
            super().data_changed(touched)
            return
        estate, today = a.estate, a.policy.today
        d = estate.devices.get(self.serial)
        t = Text()
        verdict, vstyle = coverage_verdict(a, self.serial)
        t.append(clean(verdict), style=TEXT_STYLE[vstyle] + " bold")
        t.append("\n")
        if d is None:
            t.append("not in the inventory", style="yellow")
            if self.serial not in a.coverage:
                t.append(" (and on no contract line: deleted?)", style="yellow")
        else:
            _kv(t, "host", d.hostname)
            _kv(t, "pid", d.pid)
            _kv(t, "site", d.site)
            t.append("\n")
            _kv(t, "status", d.status, TEXT_STYLE[STATUS_STYLE.get(d.status)])
            _kv(t, "criticality", d.criticality, "bold red" if d.criticality == "critical" else "")
            if d.tags:
                _kv(t, "tags", ", ".join(d.tags))
            if d.notes:
                t.append("\n")
                _kv(t, "notes", d.notes)
        eox = estate.eox_for(self.serial)
        if eox is not None:
            t.append("\n")
            _kv(t, "EoS", fmt_date(eox.end_of_sale))
            _kv(t, "EoSWM", fmt_date(eox.end_of_sw_maintenance))
            _kv(t, "EoCR", fmt_date(eox.end_of_contract_renewal))
            ldos = eox.last_date_of_support
            _kv(t, "LDoS", fmt_date(ldos), "bold red" if ldos and ldos < today else "")
            if eox.migration_pid or eox.migration_name:  # Cisco's suggested replacement
                _kv(t, "replace with", eox.migration_pid or eox.migration_name)
        self.query_one("#info", Static).update(t)

        lines = sorted(estate.lines_for(self.serial), key=lambda ln: (ln.end, ln.contract))
        by_key = {line_key(ln.contract, ln.index): ln for ln in lines}

        def cells(key: str) -> Sequence[Cell]:
            ln = by_key[key]
            state, sstyle = line_state(ln, today)
            st = a.contract_status.get(ln.contract)
            return (
                (clean(ln.contract), None),
                (clean(ln.service_level.code) if ln.service_level else "", None),
                (fmt_date(ln.start), None),
                (fmt_date(ln.end), sstyle),
                (state, sstyle),
                (st.renewal if st else "", RENEWAL_STYLE.get(st.renewal) if st else None),
                (clean(ln.sku), None),
            )

        self.show_lines(a, by_key, cells, (
            Column("contract", "Contract", 16), Column("level", "Level", 8, drop=2),
            Column("start", "Start", 10, drop=1), Column("end", "End", 10),
            Column("state", "Line", 12), Column("renewal", "Contract", 10),
            Column("sku", "SKU", 30, flex=True, min=8),
        ), "contract line", "enter: open the contract, T: terminate",
            a.alerts_for_serial(self.serial))
        super().data_changed(touched)

    @on(RecordTable.Selected, "#lines")
    def _open(self, event: RecordTable.Selected) -> None:
        number, _ = split_line_key(event.key)
        self.sapp.open_contract(number)

    def action_status(self) -> None:
        edit_device_status(self.sapp, self.serial)

    def action_criticality(self) -> None:
        edit_device_criticality(self.sapp, self.serial)


class ContractScreen(DetailScreen):
    """A contract: its dates and status, its lines with each device's coverage, its alerts."""

    BINDINGS = [
        CONTRACT_TRIAGE,
        CONTRACT_RENEW,
        CONTRACT_CANCEL,
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def title_text(self) -> str:
        return f"contract {self.number}"

    def data_changed(self, touched: Touched | None) -> None:
        a = self.sapp.analysis
        if a is None:
            super().data_changed(touched)
            return
        estate, today = a.estate, a.policy.today
        c = estate.contracts.get(self.number)
        st = a.contract_status.get(self.number)
        t = Text()
        if c is None or st is None:
            t.append(f"contract {clean(self.number)} is no longer in the database", style="yellow")
            self.query_one("#info", Static).update(t)
            self.query_one("#lines", RecordTable).set_rows([])
            self.query_one("#alerts", Static).update(Text(""))
            super().data_changed(touched)
            return
        rstyle = TEXT_STYLE[RENEWAL_STYLE.get(st.renewal)]
        t.append(st.renewal.upper(), style=rstyle + " bold")
        if st.end is not None:
            t.append(f"  ends {st.end}", style="bold")
            # the most urgent renewal, when it is part of the contract or has a deadline
            # before its end: what the days left count to
            if (early := st.early) is not None:
                t.append(f"; {early.lines_end_text}")
            if st.first is not None and st.first.deadline != st.first.end:
                t.append(f", order by {st.first.deadline} ({st.first.deadline_reason})")
            if st.days_left is not None:
                ago = f"{-st.days_left} days ago" if st.days_left < 0 else f"in {st.days_left} days"
                t.append(f" ({ago})")
        t.append("\n")
        level = c.level
        _kv(t, "level", level.label if level else None)
        _kv(t, "start", fmt_date(c.start))
        _kv(t, "serials", len(st.serials))
        t.append("\n")
        _kv(t, "annual", fmt_money(st.annual_cost, c.currency))
        _kv(t, "reseller", c.reseller)
        if c.status == "cancelled":
            _kv(t, "status", "cancelled", "dim")
        t.append("\n")
        tr = shown_triage(c, st)  # its first renewal's, as the Contracts row shows
        if tr:
            _kv(t, "triage", tr.state, "cyan bold")
            _kv(t, "owner", tr.owner)
            if tr.note:
                _kv(t, "note", tr.note)
        else:
            _kv(t, "triage", None)
        self.query_one("#info", Static).update(t)

        lines = sorted(estate.lines_by_contract.get(self.number, ()),
                       key=lambda ln: (ln.serial, ln.index))
        by_key = {line_key(ln.contract, ln.index): ln for ln in lines}

        def cells(key: str) -> Sequence[Cell]:
            ln = by_key[key]
            d = estate.devices.get(ln.serial)
            cov = a.coverage.get(ln.serial)
            state, sstyle = line_state(ln, today)
            cstatus = cov.status if cov else ""
            return (
                (clean(ln.serial), None),
                (clean(d.hostname) if d else "(not in inventory)", None if d else "warn"),
                (cstatus, COVERAGE_STYLE.get(cstatus)),
                (fmt_date(cov.coverage_end) if cov else "", None),
                (d.status if d else "", STATUS_STYLE.get(d.status) if d else None),
                (state, sstyle),
                (fmt_date(ln.end), sstyle),
            )

        self.show_lines(a, by_key, cells, (
            Column("serial", "Serial", 20),
            Column("hostname", "Hostname", 40, flex=True, min=12),
            Column("coverage", "Coverage", 10), Column("until", "Until", 10, drop=1),
            Column("status", "Status", 14, drop=2, min=6), Column("state", "Line", 12),
            Column("end", "Line end", 10),
        ), "line", "enter: open the device, T: terminate", a.alerts_for_contract(self.number))
        super().data_changed(touched)

    @on(RecordTable.Selected, "#lines")
    def _open(self, event: RecordTable.Selected) -> None:
        number, index = split_line_key(event.key)
        estate = self.sapp.estate
        lines = estate.lines_by_contract.get(number, ()) if estate is not None else ()
        for ln in lines:
            if ln.index == index:
                self.sapp.open_device(ln.serial)
                return

    def action_triage(self) -> None:
        edit_triage(self.sapp, self.number)

    def action_renew(self) -> None:
        renew_contract(self.sapp, self.number)

    def action_cancel(self) -> None:
        cancel_contract(self.sapp, self.number)
