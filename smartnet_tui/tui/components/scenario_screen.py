"""The what-if scenario's screen (``w``): its edits, and what they would change.

Keys: ``d`` drop a contract or one of its lines (not renewing it), ``r`` retire a device,
``t`` set a co-term target (pick a group, then the planner: ``s`` there sets it),
``backspace`` undo the last scenario edit, ``a`` apply (one journaled write, one undo),
``x`` discard (nothing written), ``escape`` back to the screens (the scenario stays open and
the header says SCENARIO on every screen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from smartnet_tui.domain.planning import PlanError
from smartnet_tui.domain.whatif import WhatIf, losing_by_criticality, parse_drop
from smartnet_tui.tui.components.dialogs import ConfirmModal, Field, FormModal
from smartnet_tui.tui.components.scenario import (
    active,
    apply_scenario,
    describe,
    discard_scenario,
    edit_scenario,
    start_scenario,
)
from smartnet_tui.tui.screens.base import BaseScreen
from smartnet_tui.tui.screens.planner import contract_under_cursor, open_planner, serial_under_cursor
from smartnet_tui.tui.sync import Touched
from smartnet_tui.tui.table_sources import clean
from smartnet_tui.tui.widgets.bars import ModeBar

if TYPE_CHECKING:
    from smartnet_tui.tui.app import SmartnetApp

LIST_LIMIT = 8


def summary_text(result: WhatIf | None) -> Text:
    """What the scenario would change: devices losing coverage by criticality, money per
    currency, alerts added and removed, the co-term target's cost."""
    t = Text()
    if result is None:
        return t
    t.append("Scenario: ", style="bold")
    t.append(clean(describe(result.scenario)) + "\n")
    if result.scenario.empty:
        t.append("d: drop a contract or line   r: retire a device   t: co-term target\n",
                 style="italic")
        return t
    if result.losing_coverage:
        t.append(f"\n{len(result.losing_coverage)} active device(s) would lose coverage\n",
                 style="bold red")
        for crit, devices in losing_by_criticality(result).items():
            t.append(f"  {crit:<8} {len(devices):>3}  ", style="bold" if crit in ("critical", "high") else "")
            names = ", ".join(f"{clean(d.hostname or d.serial)} until {d.covered_until}"
                              for d in devices[:LIST_LIMIT])
            more = f" +{len(devices) - LIST_LIMIT} more" if len(devices) > LIST_LIMIT else ""
            t.append(names + more + "\n")
    else:
        t.append("\nNo active device would lose coverage\n")
    t.append("\nAnnual renewal cost: ", style="bold")
    if result.annual_cost_change:
        parts = []
        for cur, c in result.annual_cost_change.items():
            if c.amount is None:
                parts.append(f"{clean(cur)} unknown")
            else:
                word = "saved" if c.amount < 0 else "added"
                parts.append(f"{clean(cur)} {abs(c.amount):,.2f} {word}")
            if c.lines_without_cost:
                parts[-1] += f" ({c.lines_without_cost} line(s) without cost)"
        t.append(" · ".join(parts) + "\n")
    else:
        t.append("no change\n")
    plan = result.coterm
    if plan is not None and plan.target is not None:
        money = " · ".join(f"{clean(cur)} {tot.prorated_cost:,.2f}" for cur, tot in plan.totals.items())
        t.append("Co-term: ", style="bold")
        t.append(f"{len(plan.lines)} line(s) of {clean(plan.level)} onto {plan.target}, prorated "
                 f"cost added {money or 'none'}\n")
    t.append(f"\nAlerts: {len(result.alerts_added)} added, {len(result.alerts_removed)} removed\n",
             style="bold")
    for sign, alerts in (("+", result.alerts_added), ("-", result.alerts_removed)):
        for a in alerts[:LIST_LIMIT]:
            t.append(f"  {sign} {a.severity} {a.kind} {clean(a.subject)}\n")
        if len(alerts) > LIST_LIMIT:
            t.append(f"  {sign} ... and {len(alerts) - LIST_LIMIT} more\n")
    return t


class ScenarioScreen(BaseScreen):
    """The open scenario: its edits and their effect."""

    DEFAULT_CSS = """
    ScenarioScreen #scenario-box { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="scenario.back",
                tooltip="Back to the screens; the scenario stays open"),
        Binding("d", "drop", "Drop", id="scenario.drop",
                tooltip="Drop a contract, or one of its lines (not renewing it)"),
        Binding("r", "retire", "Retire", id="scenario.retire", tooltip="Retire a device"),
        Binding("t", "coterm", "Co-term", id="scenario.coterm",
                tooltip="Set a co-term target (pick a group, then s in the planner)"),
        Binding("backspace", "undo_edit", "Undo edit", show=False, id="scenario.undo",
                tooltip="Remove the scenario's last edit"),
        Binding("a", "apply", "Apply", id="scenario.apply",
                tooltip="Write the scenario's edits: one journaled write, one undo"),
        Binding("x", "discard", "Discard", id="scenario.discard",
                tooltip="Close the scenario, writing nothing"),
    ]

    def __init__(self, contract: str | None = None, serial: str | None = None) -> None:
        super().__init__()
        # what was under the cursor where w was pressed: the forms start with it
        self.contract_hint = contract
        self.serial_hint = serial

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="scenario-box"):
            yield Static(id="scenario-summary")
        yield from self.compose_footer()

    def refresh_modebar(self) -> None:
        self.query_one(ModeBar).show("", title="what-if scenario: a: apply  x: discard")

    def data_changed(self, touched: Touched | None) -> None:
        super().data_changed(touched)
        st = active(self.sapp)
        self.query_one("#scenario-summary", Static).update(
            summary_text(st.result if st is not None else None))

    # ------------------------------------------------------------------ edits
    def _edit(self, values: dict[str, str] | None, make: str) -> None:
        if not values:
            return
        st = start_scenario(self.sapp)
        if st is None:
            return
        text = values.get("what", "").strip()
        try:
            if make == "drop":
                scenario = st.scenario.with_dropped(*parse_drop(text))
            else:
                scenario = st.scenario.with_retired(text)
        except PlanError as exc:
            self.sapp.notify(str(exc), title="scenario unchanged", severity="error", markup=False)
            return
        error = edit_scenario(self.sapp, scenario)
        if error:
            self.sapp.notify(error, title="scenario unchanged", severity="error", markup=False)

    def _check(self, make: str) -> Callable[[dict[str, str]], str | None]:
        def validate(values: dict[str, str]) -> str | None:
            text = values.get("what", "").strip()
            if not text:
                return "type something first"
            if make == "drop":
                try:
                    parse_drop(text)
                except PlanError as exc:
                    return str(exc)
            return None
        return validate

    def action_drop(self) -> None:
        self.app.push_screen(
            FormModal("Drop from the scenario (not renewing it; it keeps its dates)",
                      [Field("what", "contract, or contract:serial for one line",
                             value=self.contract_hint or "",
                             placeholder="93017245 or 93017245:FOC1234X0AB")],
                      validate=self._check("drop")),
            lambda v: self._edit(v, "drop"))

    def action_retire(self) -> None:
        self.app.push_screen(
            FormModal("Retire a device in the scenario",
                      [Field("what", "serial", value=self.serial_hint or "",
                             placeholder="FOC1234X0AB")],
                      validate=self._check("retire")),
            lambda v: self._edit(v, "retire"))

    def action_coterm(self) -> None:
        open_planner(self.sapp, contract="")  # "": no cursor here, pick the group

    def action_undo_edit(self) -> None:
        st = active(self.sapp)
        if st is None:
            return
        s = st.scenario
        if s.coterm is not None:
            new = replace(s, coterm=None)
        elif s.drop:
            new = replace(s, drop=s.drop[:-1])
        elif s.retire:
            new = replace(s, retire=s.retire[:-1])
        else:
            return
        edit_scenario(self.sapp, new)

    def action_apply(self) -> None:
        st = active(self.sapp)
        if st is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss()
                apply_scenario(self.sapp)

        self.app.push_screen(ConfirmModal("Apply the scenario?",
                                          f"Write: {describe(st.scenario)} (one change, one undo)"),
                             confirmed)

    def action_discard(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss()
                discard_scenario(self.sapp)

        self.app.push_screen(ConfirmModal("Discard the scenario?", "Nothing is written."), confirmed)

    def action_back(self) -> None:
        self.dismiss()


def open_scenario(app: SmartnetApp) -> None:
    """``w``: open a scenario (or the open one) and show its screen; the contract or device
    under the cursor (Contracts, Inventory, a detail) fills its drop and retire forms."""
    screen = app.screen
    if isinstance(screen, ScenarioScreen):
        return
    analysis = app.analysis
    contract = serial = None
    if analysis is not None:
        contract = contract_under_cursor(screen, analysis) or getattr(screen, "number", None)
        serial = serial_under_cursor(screen, analysis) or getattr(screen, "serial", None)
    if start_scenario(app) is None:
        return
    app.push_screen(ScenarioScreen(contract if isinstance(contract, str) else None,
                                   serial if isinstance(serial, str) else None))
