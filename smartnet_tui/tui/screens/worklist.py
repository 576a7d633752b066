"""The Worklist mode (key ``4``): one row per renewal to decide, most urgent first (issue 8).

The rows are the domain's worklist (:func:`smartnet_tui.domain.worklist.worklist`): the
renewals that are expired, due or in review, or with ``a`` every renewal; by default in
worklist order (status, deadline, contract). ``enter`` opens the item
(:class:`~smartnet_tui.tui.screens.worklist_item.WorklistItemScreen`), ``t`` sets its
state, owner and note. A line under the mode line counts the items by triage state. The
screen follows ``app.data_signal`` like every screen: an edit, an import or another admin's
triage recomputes it at once.

Extending: :meth:`WorklistScreen.current_key` / :meth:`WorklistScreen.current_item` give
the renewal under the cursor; a panel under the table goes in :meth:`compose_below` (a
widget that subscribes to ``app.data_signal`` itself, and follows the cursor through
:meth:`on_item_highlighted`); a key goes in ``BINDINGS`` with its ``action_*`` method.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import OPEN_RENEWAL_STATUSES, TRIAGE_STATES, Renewal
from smartnet_tui.domain.worklist import count_by_state
from smartnet_tui.tui.components.actions import edit_renewal_triage
from smartnet_tui.tui.components.request_dialog import open_request_dialog
from smartnet_tui.tui.screens.base import BaseScreen
from smartnet_tui.tui.screens.tables import TableScreen
from smartnet_tui.tui.screens.worklist_item import (
    WORKLIST_REQUEST,
    WORKLIST_TRIAGE,
    RenewalKey,
    WorklistItemScreen,
    counts_text,
    renewal_key_text,
    split_renewal_key,
    state_style,
)
from smartnet_tui.tui.table_sources import (
    RENEWAL_STYLE,
    Cell,
    Column,
    Source,
    clean,
    fmt_date,
    fmt_days,
    fmt_money,
)
from smartnet_tui.tui.widgets.record_table import MEASURE_ROWS, RecordTable

if TYPE_CHECKING:
    from smartnet_tui.tui.sync import Touched

_LAST = 1 << 40


class WorklistSource(Source):
    """The worklist's items: keys are ``contract\\x1fend`` (see ``renewal_key_text``)."""

    noun = "renewals"
    # The line counts stay readable (whole counts, then ``+N``, never ``2 renew …``): as the
    # terminal narrows, Level, Days (the deadline says it), then Owner leave first; a › in
    # the header says so and l brings them in (the counts then show whole).
    columns = (
        Column("status", "Status", 10),
        Column("deadline", "Deadline", 11),  # "2026-11-15!": a last date to renew
        Column("days", "Days", 5, "right", drop=2),
        Column("contract", "Contract", 14),
        Column("state", "State", 15, min=9),
        Column("owner", "Owner", 12, min=5, drop=1),
        Column("level", "Level", 8, drop=3),
        Column("cost", "Annual", 16, "split"),
        Column("counts", "Lines", 60, flex=True, min=20, sep=" · "),
    )

    def __init__(self, analysis: Analysis | None, everything: bool = False) -> None:
        super().__init__(analysis)
        self.everything = everything
        self._items: dict[str, Renewal] = {}
        self._order: dict[str, int] = {}
        self.rebuild(analysis)

    def rebuild(self, analysis: Analysis | None) -> None:
        """Take the engine's renewals anew (after any data change: cheap, one per renewal)."""
        self.analysis = analysis
        renewals = analysis.renewals() if analysis is not None else []
        if not self.everything:
            renewals = [r for r in renewals if r.status in OPEN_RENEWAL_STATUSES]
        self._items = {renewal_key_text(r.key): r for r in renewals}
        self._order = {k: i for i, k in enumerate(self._items)}
        self.invalidate(None)

    def items(self) -> list[Renewal]:
        return list(self._items.values())

    def item(self, key: str) -> Renewal | None:
        return self._items.get(key)

    def keys(self) -> list[str]:
        return list(self._items)

    def exists(self, key: str) -> bool:
        return key in self._items

    def cells(self, key: str) -> Sequence[Cell]:
        r = self._items.get(key)
        if r is None:
            return (("", None),) * len(self.columns)
        rstyle = RENEWAL_STYLE.get(r.status)
        deadline_style = "warn" if r.deadline_reason != "end" else rstyle
        return (
            (r.status, rstyle),
            # a last date to renew is marked in text too (NO_COLOR, a colour-blind reader)
            (fmt_date(r.deadline) + ("!" if r.deadline_reason != "end" else ""), deadline_style),
            (fmt_days(r.days_left), rstyle),
            (clean(r.contract), None),
            (clean(r.state), state_style(r.state)),
            (clean(r.triage.owner), None),
            (clean(r.service_level), None),
            (fmt_money(r.annual_cost, r.currency), None),
            (counts_text(r), None),
        )

    def sort_value(self, column: int) -> Callable[[str], Any]:
        items, order = self._items, self._order
        name = self.columns[column].key
        if name == "status":  # the worklist's own order: status, deadline, contract
            return order.__getitem__
        if name in ("deadline", "days"):
            return lambda k: (items[k].deadline, order[k])
        if name == "contract":
            return lambda k: (items[k].contract, items[k].end)
        if name == "state":
            return lambda k: (TRIAGE_STATES.index(items[k].state)
                              if items[k].state in TRIAGE_STATES else 99, order[k])
        if name == "owner":
            return lambda k: ((items[k].triage.owner or "\uffff").lower(), order[k])
        if name == "level":
            return lambda k: (items[k].service_level or "\uffff", order[k])
        if name == "cost":  # within each currency (never one unit across currencies)
            def cost(k: str) -> tuple[Any, ...]:
                r = items[k]
                if r.annual_cost is None:
                    return (1, "", 0, order[k])
                return (0, (r.currency or "").upper(), r.annual_cost, order[k])
            return cost
        return lambda k: (-items[k].counts["renew"], order[k])


def states_text(items: Sequence[Renewal], width: int) -> Text:
    """The items counted by triage state: every state when it fits in ``width``, else the
    states that have items (``to review 5  ordered 1  do not renew 1``)."""
    counts = count_by_state(items)
    full = [(s, n) for s, n in counts.items()]
    shown = full
    if sum(len(s) + len(str(n)) + 3 for s, n in full) + 12 > width:
        shown = [(s, n) for s, n in full if n]
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(" by state", style="dim")
    if not shown:
        t.append("  none", style="dim")
    for state, n in shown:
        t.append(f"  {state} ")
        t.append(str(n), style="bold" if n else "dim")
    legend = "  !: last date to renew"
    if any(r.deadline_reason != "end" for r in items) and t.cell_len + len(legend) <= width:
        t.append(legend, style="dim")
    return t


class WorklistScreen(TableScreen):
    """The renewals to decide, most urgent first; enter opens one, t triages it."""

    MODE = "worklist"
    SOURCE = WorklistSource

    BINDINGS = [
        WORKLIST_TRIAGE,
        WORKLIST_REQUEST,
        Binding("a", "toggle_all", "All", id="worklist.all",
                tooltip="Every renewal (also ok, renewed, not needed), or only those to decide"),
    ]

    DEFAULT_CSS = """
    WorklistScreen #states { height: 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.everything = False

    def compose_header(self) -> ComposeResult:
        yield from super().compose_header()
        yield Static(id="states")

    # -- for screens and panels built on this one --------------------------------
    def current_key(self) -> RenewalKey | None:
        """``(contract, end)`` of the renewal under the cursor."""
        key = self.table.cursor_key
        return split_renewal_key(key) if key else None

    def current_item(self) -> Renewal | None:
        """The renewal under the cursor, as the engine has it now."""
        key = self.table.cursor_key
        src = self.source
        return src.item(key) if key and isinstance(src, WorklistSource) else None

    def items(self) -> list[Renewal]:
        """Every item of the worklist as shown (before the filter), in worklist order."""
        src = self.source
        return src.items() if isinstance(src, WorklistSource) else []

    def on_item_highlighted(self, key: RenewalKey | None) -> None:
        """The cursor moved to another item (None: no item). For panels that follow it."""

    # -- data ----------------------------------------------------------------------
    def data_changed(self, touched: Touched | None) -> None:
        """Every change recomputes the items (cheap: one per renewal); the cursor stays on
        its renewal, the columns keep their scroll and widen for longer values."""
        table = self.table
        analysis = self.sapp.analysis
        table.empty_text = (
            f"cannot read the database: {self.sapp.load_error}" if self.sapp.load_error
            else self.empty_text()
        )
        src = self.source
        assert isinstance(src, WorklistSource)
        src.everything = self.everything
        src.rebuild(analysis)
        keys = src.keys()
        if touched is None:  # everything may have changed: as a new table measures
            table.measure(keys[:MEASURE_ROWS])
        else:  # an edit may lengthen its renewals' values: their columns widen
            numbers = touched.contracts
            table.measure([k for k in keys if split_renewal_key(k)[0] in numbers])
        self._resort()
        BaseScreen.data_changed(self, touched)
        self.refresh_states()

    def refresh_states(self) -> None:
        bar = self.query_one("#states", Static)
        bar.update(states_text(self.items(), bar.size.width or 80))

    def on_resize(self) -> None:
        self.refresh_states()

    def empty_text(self) -> str:
        analysis = self.sapp.analysis
        if analysis is None:
            return "loading..."
        estate = analysis.estate
        if not (estate.devices or estate.contracts):
            return "empty database: press i to import files (or try smartnet --demo)"
        if self.everything:
            return "no renewal: no contract has a line to renew"
        return "nothing to decide: no renewal is expired, due or in review (a: every renewal)"

    def mode_info(self) -> str:
        info = super().mode_info()
        return info + ("  all" if self.everything else "  to decide (a: all)")

    # -- keys ----------------------------------------------------------------------
    @on(RecordTable.Highlighted, "#table")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self.on_item_highlighted(split_renewal_key(event.key) if event.key else None)

    @on(RecordTable.Selected, "#table")
    def _open(self, event: RecordTable.Selected) -> None:
        self.app.push_screen(WorklistItemScreen(split_renewal_key(event.key)))

    def action_triage(self) -> None:
        key = self.current_key()
        if key is not None:
            edit_renewal_triage(self.sapp, key)

    def action_request(self) -> None:
        open_request_dialog(self.sapp)

    def action_toggle_all(self) -> None:
        self.everything = not self.everything
        self.data_changed(None)

    def elsewhere_hint(self, key: str) -> str | None:
        """This screen's own keys (``t`` triages a renewal here) are never "for elsewhere"."""
        keymap: dict[str, str] = dict(getattr(self.app, "_keymap", {}) or {})
        for b in self.BINDINGS:
            if isinstance(b, Binding) and key in keymap.get(b.id or "", b.key).split(","):
                return None
        return super().elsewhere_hint(key)
