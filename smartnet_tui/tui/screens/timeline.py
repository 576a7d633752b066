"""The Timeline mode: the months ahead as bars, ``enter`` lists what falls in a month.

Month by month (the domain's :func:`~smartnet_tui.domain.timeline.timeline`, the same as
``smartnet timeline``): the renewals ending (count as a bar, annual cost per currency), the
active devices reaching their last date to renew (LDR) and of support (LDoS); renewals
already past their end first, as ``overdue``. The bars are block characters (``#`` with
``--ascii``) and every figure is also written out, so the screen reads in 16 colours or
none.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from smartnet_tui.domain.timeline import DEFAULT_MONTHS, Month, Timeline, timeline
from smartnet_tui.tui.screens.base import BaseScreen
from smartnet_tui.tui.sync import Touched
from smartnet_tui.tui.table_sources import clean
from smartnet_tui.tui.widgets.bars import ModeBar

BAR_WIDTH = 20
DETAIL_LIMIT = 12  # lines of each kind listed under a month


def bar_text(n: int, most: int, ascii_only: bool, urgent: bool, width: int = BAR_WIDTH) -> Text:
    """A bar of ``n`` against the busiest month (one cell at least when n > 0)."""
    if n <= 0 or most <= 0:
        return Text("")
    cells = max(1, round(n * width / most))
    style = "bold red" if urgent else "bold"
    return Text(("#" if ascii_only else "█") * cells, style=style)


def cost_text(m: Month) -> str:
    return " ".join(f"{clean(cur)} {'?' if a is None else f'{a:,.2f}'}" for cur, a in m.annual_cost.items())


def month_detail(m: Month, limit: int = DETAIL_LIMIT) -> Text:
    """What falls in a month, in words."""
    t = Text()
    head = "Overdue: renewals already past their end" if m.first is None else f"{m.month}"
    t.append(head, style="bold")
    if m.renewals:
        t.append(f"  {len(m.renewals)} renewal(s) ending  {cost_text(m)}")
    t.append("\n")
    if m.empty:
        t.append("  nothing ends and no device reaches a last date this month\n", style="italic")
    for r in m.renewals[:limit]:
        cost = "cost unknown" if r.annual_cost is None else f"{clean(r.currency or '')} {r.annual_cost:,.2f}".strip()
        t.append(f"  {clean(r.contract)}  ends {r.end}  {r.status}  {clean(r.service_level or '')}  "
                 f"{clean(r.reseller or '')}  {cost}\n")
    if len(m.renewals) > limit:
        t.append(f"  ... and {len(m.renewals) - limit} more renewals\n")
    for label, devices in (("last date to renew", m.last_date_to_renew),
                           ("last date of support", m.last_date_of_support)):
        for d in devices[:limit]:
            name = clean(d.hostname or d.serial)
            t.append(f"  {d.day} {label}: {name} ({clean(d.serial)}) {clean(d.pid or '')} "
                     f"{d.criticality}\n")
        if len(devices) > limit:
            t.append(f"  ... and {len(devices) - limit} more devices ({label})\n")
    return t


class TimelineScreen(BaseScreen):
    """The months ahead (``smartnet timeline`` as a screen)."""

    MODE = "timeline"
    DEFAULT_CSS = """
    TimelineScreen #timeline-table { height: 1fr; }
    TimelineScreen #timeline-detail-box { height: auto; max-height: 8; border-top: solid $accent; }
    """
    BINDINGS = [
        Binding("enter", "open_month", "What falls in it", id="timeline.open",
                tooltip="List the renewals and devices of the month under the cursor"),
        Binding("j", "cursor_down", "Down", show=False, id="timeline.down"),
        Binding("k", "cursor_up", "Up", show=False, id="timeline.up"),
    ]

    def __init__(self, months: int = DEFAULT_MONTHS) -> None:
        super().__init__()
        self.months = months
        self.timeline: Timeline | None = None
        self.rows: list[Month] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        table: DataTable[Text] = DataTable(id="timeline-table", cursor_type="row")
        yield table
        with VerticalScroll(id="timeline-detail-box"):
            yield Static(Text("enter: what falls in the month under the cursor", style="italic"),
                         id="timeline-detail")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        table = self.query_one("#timeline-table", DataTable)
        table.add_columns("month", "#", "renewals ending", "LDR", "LDoS", "annual cost")
        table.focus()
        # BaseScreen.on_mount runs too (Textual calls each class's handler): calling it
        # here as well subscribed the screen twice, every change handled two times

    def refresh_modebar(self) -> None:
        # a title, not one more tab on every screen's mode line (it lists 1-4)
        self.query_one(ModeBar).show(self.MODE, self.mode_info(), title="5 Timeline")

    def mode_info(self) -> str:
        return "enter: the month; LDR/LDoS: last date to renew/of support"

    def data_changed(self, touched: Touched | None) -> None:
        super().data_changed(touched)
        analysis = self.sapp.analysis
        table = self.query_one("#timeline-table", DataTable)
        if analysis is None:
            return
        self.timeline = t = timeline(analysis, self.months)
        self.rows = ([t.overdue] if t.overdue.renewals else []) + list(t.months)
        most = max((len(m.renewals) for m in self.rows), default=0)
        ascii_only = bool(self.sapp.ascii)
        cursor = table.cursor_row
        table.clear()
        for m in self.rows:
            urgent = m.first is None or any(r.status in ("expired", "due") for r in m.renewals)
            table.add_row(
                Text(m.month, style="bold" if m.first is None else ""),
                Text(str(len(m.renewals)), justify="right"),
                bar_text(len(m.renewals), most, ascii_only, urgent),
                Text(str(len(m.last_date_to_renew)) if m.last_date_to_renew else "", justify="right"),
                Text(str(len(m.last_date_of_support)) if m.last_date_of_support else "", justify="right"),
                Text(cost_text(m)),
                key=m.month,
            )
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))

    def month_under_cursor(self) -> Month | None:
        table = self.query_one("#timeline-table", DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def action_open_month(self) -> None:
        m = self.month_under_cursor()
        if m is not None:
            self.query_one("#timeline-detail", Static).update(month_detail(m))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_month()

    def action_cursor_down(self) -> None:
        self.query_one("#timeline-table", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#timeline-table", DataTable).action_cursor_up()
