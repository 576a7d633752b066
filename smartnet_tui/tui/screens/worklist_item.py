"""One worklist item (a renewal: a contract's lines ending on one date) and its triage.

:class:`WorklistItemScreen` shows the renewal's status, deadline and money, its triage
(state, owner, note) and the history of its state changes, each line with its disposition
and the reason for it, and the contract's alerts. It follows every data change: another
admin's triage or a line renewed elsewhere shows at once; a renewal that no longer exists
(its end moved) says so.

:func:`edit_renewal_triage` is the ``t`` dialog of the Worklist and of this screen: state,
owner and note, saved only if the contract is still as it was when the dialog opened (the
edit is checked against the record shown, never against a newer one it would overwrite).

Extending (see also screens/worklist.py): :meth:`WorklistItemScreen.item` is the renewal
shown, :attr:`WorklistItemScreen.key` its ``(contract, end)``; a panel goes in
:meth:`WorklistItemScreen.compose_panels` (between the lines and the history), and a key in
``BINDINGS`` with its action method.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from smartnet_tui.domain.model import Renewal, RenewalLine
from smartnet_tui.domain.worklist import DISPOSITION_KEYS
from smartnet_tui.tui.components.actions import edit_renewal_triage
from smartnet_tui.tui.components.quote_panel import QuotePanel, QuoteScreen
from smartnet_tui.tui.components.request_dialog import open_request_dialog
from smartnet_tui.tui.screens.base import BaseScreen
from smartnet_tui.tui.screens.detail import TEXT_STYLE, alerts_text
from smartnet_tui.tui.table_sources import (
    RENEWAL_STYLE,
    Cell,
    Column,
    Source,
    clean,
    fmt_date,
)
from smartnet_tui.tui.widgets.bars import ModeBar
from smartnet_tui.tui.widgets.record_table import RecordTable

if TYPE_CHECKING:
    from smartnet_tui.tui.sync import Touched

RenewalKey = tuple[str, date]

WORKLIST_TRIAGE = Binding("t", "triage", "Triage", id="worklist.triage",
                          tooltip="Set the renewal's triage state, owner and note")
WORKLIST_REQUEST = Binding("e", "request", "Request", id="worklist.request", show=False,
                           tooltip="Write the renewal request for the partner (CSV, XLSX or "
                           "an email summary), as smartnet request does")
HISTORY_SHOWN = 2  # state changes listed on the item's screen (then "+N more (H ...)")

DISPOSITION_STYLE = {"renew": "warn", "renewed": "good", "drop": "dim", "replace": "note",
                     "blocked": "bad"}
# Lines listed by what to do: to renew first, then what cannot or need not be renewed.
DISPOSITION_ORDER = {d: i for i, d in enumerate(("renew", "blocked", "replace", "drop", "renewed"))}
STATE_STYLE = {"to review": None, "do not renew": "dim"}  # the others: "note"


def state_style(state: str) -> str | None:
    return STATE_STYLE.get(state, "note")


def renewal_key_text(key: RenewalKey) -> str:
    """A table key for a renewal: ``contract\\x1fYYYY-MM-DD``."""
    return f"{key[0]}\x1f{key[1].isoformat()}"


def split_renewal_key(text: str) -> RenewalKey:
    number, end = text.rsplit("\x1f", 1)
    return number, date.fromisoformat(end)


def counts_text(r: Renewal, sep: str = " · ") -> str:
    """``2 renew · 27 renewed · 2 replace``: the line counts by disposition, zeros left out."""
    counts = r.counts
    return sep.join(f"{counts[k]} {k}" for k in DISPOSITION_KEYS if counts[k])


def days_text(days: int) -> str:
    if days == 0:
        return "today"
    if days < 0:
        return f"{-days} day{'s' * (days != -1)} ago"
    return f"in {days} day{'s' * (days != 1)}"




# ------------------------------------------------------------------ the item screen
class _ItemLines(Source):
    """The lines of one renewal, in the renewal's order: keys are the line indexes."""

    noun = "lines"
    columns = (
        Column("serial", "Serial", 20),
        Column("hostname", "Hostname", 24, min=10),  # whole before the reason grows
        Column("criticality", "Crit", 8, drop=5),
        Column("disposition", "Disposition", 11),
        Column("reason", "Reason", 70, flex=True, min=30),  # whole under the table
        Column("renewed_by", "Renewed by", 12, drop=4),
        Column("max_end", "Max end", 10, drop=3),
        Column("cost", "Annual", 12, "right", drop=6),
    )

    def __init__(self, renewal: Renewal | None) -> None:
        super().__init__(None)
        self.renewal = renewal
        lines = sorted(renewal.lines if renewal is not None else (),
                       key=lambda ln: (DISPOSITION_ORDER[ln.disposition], ln.serial, ln.index))
        self._lines: dict[str, RenewalLine] = {str(ln.index): ln for ln in lines}

    def keys(self) -> list[str]:
        return list(self._lines)

    def exists(self, key: str) -> bool:
        return key in self._lines

    def line(self, key: str) -> RenewalLine | None:
        return self._lines.get(key)

    def cells(self, key: str) -> Sequence[Cell]:
        ln = self._lines[key]
        crit = ln.criticality
        return (
            (clean(ln.serial), None),
            (clean(ln.hostname) if ln.device is not None else "(not in inventory)",
             None if ln.device is not None else "warn"),
            (crit or "", "bad" if crit == "critical" else None),
            (ln.disposition, DISPOSITION_STYLE.get(ln.disposition)),
            (clean(ln.reason), None),
            (clean(ln.renewed_by), None),
            (fmt_date(ln.max_end), None),
            (f"{ln.annual_cost:,.2f}" if ln.annual_cost is not None else "", None),
        )

    def view(self, needle: str, column: int, reverse: bool, base: list[str] | None = None) -> list[str]:
        keys = self.keys() if base is None else base
        needle = needle.strip().lower()
        return [k for k in keys if needle in self.search_text(k)] if needle else keys


class WorklistItemScreen(BaseScreen):
    """A renewal: status and deadline, triage and its history, each line's disposition."""

    DEFAULT_CSS = """
    WorklistItemScreen { overflow: hidden; }
    WorklistItemScreen #info { height: auto; max-height: 3; padding: 0 1;
                               text-wrap: nowrap; text-overflow: ellipsis; }
    WorklistItemScreen #lines-title { height: 1; padding: 0 1; color: $text-muted; }
    WorklistItemScreen #lines { height: 1fr; min-height: 3; }
    WorklistItemScreen #line { height: auto; max-height: 2; padding: 0 1; background: $boost; }
    WorklistItemScreen #quote { height: auto; max-height: 2; border-top: none; }
    WorklistItemScreen #history { height: auto; max-height: 4; padding: 0 1;
                                  border-top: solid $panel-lighten-2; }
    WorklistItemScreen #alerts { height: auto; max-height: 2; padding: 0 1; }
    """
    # At 80x24 (two header lines, the mode line, three of info, the lines' title, two of
    # the highlighted line, one per quote, the history's rule and three lines, two of
    # alerts, the footer) the lines table keeps about six rows: nothing scrolls the
    # screen's header away.
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="worklist.back",
                tooltip="Back to the worklist"),
        WORKLIST_TRIAGE,
        WORKLIST_REQUEST,
        Binding("f", "quote", "Quote", id="worklist.quote",
                tooltip="The partner quotes of this renewal and every finding"),
    ]

    def __init__(self, key: RenewalKey) -> None:
        super().__init__()
        self.key = key

    # -- for screens and panels built on this one --------------------------------
    def item(self) -> Renewal | None:
        """The renewal shown, as the engine has it now (None when it no longer exists)."""
        a = self.sapp.analysis
        return a.renewal(*self.key) if a is not None else None

    def current_line(self) -> RenewalLine | None:
        """The line under the cursor."""
        table = self.query_one("#lines", RecordTable)
        src = table.source
        key = table.cursor_key
        return src.line(key) if isinstance(src, _ItemLines) and key is not None else None

    def compose_panels(self) -> ComposeResult:
        """Widgets between the lines and the history: the renewal's partner quotes and their
        findings, one summary line per quote (shown only when a quote has a line on it;
        f: every finding)."""
        yield QuotePanel(self.key, empty=None, compact=True, id="quote")  # f (footer): all

    # -- layout --------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(id="info")
        yield Static(id="lines-title")
        table = RecordTable(_ItemLines(None), id="lines", empty_text="no lines")
        table.sort_column = None
        table.ascii = self.sapp.ascii
        yield table
        yield Static(id="line")
        yield from self.compose_panels()
        yield Static(id="history")
        yield Static(id="alerts")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#lines", RecordTable).focus()
        # BaseScreen.on_mount runs too (Textual calls each class's handler): calling it
        # here as well subscribed the screen twice, every change handled two times

    def refresh_modebar(self) -> None:
        number, end = self.key
        self.query_one(ModeBar).show("", title=f"renewal {number} ending {end}")

    # -- data ----------------------------------------------------------------------
    def data_changed(self, touched: Touched | None) -> None:
        a = self.sapp.analysis
        r = self.item()
        table = self.query_one("#lines", RecordTable)
        if a is None or r is None:
            number, end = self.key
            gone = ("loading..." if a is None else
                    f"contract {number} has no renewal ending {end} any more (its lines were "
                    "renewed, moved or removed): escape to go back")
            self.query_one("#info", Static).update(Text(gone, style="yellow"))
            self.query_one("#lines-title", Static).update("")
            table.set_rows([], _ItemLines(None))
            self.query_one("#history", Static).update("")
            self.query_one("#alerts", Static).update("")
            super().data_changed(touched)
            return
        self.query_one("#info", Static).update(self.info_text(r))
        src = _ItemLines(r)
        table.set_rows(src.keys(), src)
        n = len(r.lines)
        self.query_one("#lines-title", Static).update(Text(
            f"{n} line{'s' * (n != 1)}: {counts_text(r, ', ')}  (enter: open the device)"))
        self.query_one("#history", Static).update(self.history_text(r))
        self.query_one("#alerts", Static).update(alerts_text(a.alerts_for_contract(r.contract)))
        super().data_changed(touched)

    @staticmethod
    def info_text(r: Renewal) -> Text:
        t = Text(no_wrap=True, overflow="ellipsis")  # three lines, each cut rather than wrapped
        style = TEXT_STYLE[RENEWAL_STYLE.get(r.status)]
        t.append(r.status.upper(), style=style + " bold")
        what = "last date to renew" if r.deadline_reason != "end" else "deadline"
        t.append(f"  {what} {r.deadline} ({days_text(r.days_left)})",
                 style="bold" if r.deadline_reason == "end" else "bold yellow")
        if r.deadline_reason != "end":
            t.append(f", ends {r.end}")
        t.append("\n")
        t.append("state ", style="dim")
        t.append(clean(r.state), style=TEXT_STYLE[state_style(r.state)] + " bold")
        t.append("  owner ", style="dim")
        t.append(clean(r.triage.owner) if r.triage.owner else "-")
        if r.triage.note:
            t.append("  note ", style="dim")
            t.append(clean(r.triage.note))
        t.append("\n")
        t.append("level ", style="dim")
        t.append(clean(r.service_level) if r.service_level else "-")
        t.append("  annual ", style="dim")
        t.append(f"{clean(r.currency or '')} {r.annual_cost:,.2f}".strip()
                 if r.annual_cost is not None else "unknown")
        t.append("  due from ", style="dim")
        t.append(str(r.due_date))
        t.append("  reseller ", style="dim")
        t.append(clean(r.reseller) if r.reseller else "-")
        return t

    @staticmethod
    def history_text(r: Renewal, shown: int = HISTORY_SHOWN) -> Text:
        """The newest ``shown`` state changes, then how many more (all in ``H``)."""
        t = Text()
        t.append("history ", style="dim")
        events = r.triage.history
        if not events:
            t.append("no state change recorded", style="dim")
            return t
        for i, ev in enumerate(list(reversed(events))[:shown]):  # newest first
            if i:
                t.append("\n        ")
            t.append(f"{clean(ev.at)}  {clean(ev.user)}  ")
            t.append(clean(ev.state), style=TEXT_STYLE[state_style(ev.state)])
        if len(events) > shown:
            t.append(f"\n        +{len(events) - shown} more (H for the journal)", style="dim")
        return t

    @on(RecordTable.Highlighted, "#lines")
    def _show_line(self, event: RecordTable.Highlighted) -> None:
        """The highlighted line whole under the table (its reason may be cut above)."""
        self.query_one("#line", Static).update(self.line_text(self.current_line()))

    @staticmethod
    def line_text(ln: RenewalLine | None) -> Text:
        t = Text()
        if ln is None:
            return t
        t.append(clean(ln.serial), style="bold")
        for value in (ln.hostname, ln.pid, ln.criticality):
            if value:
                t.append(f" {clean(value)}")
        t.append(": ")
        t.append(ln.disposition, style=TEXT_STYLE[DISPOSITION_STYLE.get(ln.disposition)] + " bold")
        if ln.reason:
            t.append(f", {clean(ln.reason)}")
        if ln.max_end is not None:
            t.append(f"; max end {ln.max_end}")
        if ln.annual_cost is not None:
            t.append(f"; annual {ln.annual_cost:,.2f}" + (" (share)" if ln.estimated else ""))
        return t

    # -- keys ----------------------------------------------------------------------
    @on(RecordTable.Selected, "#lines")
    def _open(self, event: RecordTable.Selected) -> None:
        line = self.current_line()
        if line is not None:
            self.sapp.open_device(line.serial)

    def action_back(self) -> None:
        self.dismiss()

    def action_triage(self) -> None:
        edit_renewal_triage(self.sapp, self.key)

    def action_request(self) -> None:
        open_request_dialog(self.sapp, contracts=self.key[0])

    def action_quote(self) -> None:
        self.app.push_screen(QuoteScreen(self.key))
