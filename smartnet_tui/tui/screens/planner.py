"""The co-term planner: pick a group (service level, reseller, currency) and a target date;
the plan is recomputed as the date changes.

The plan is the domain's (:func:`~smartnet_tui.domain.planning.coterm_plan`, the same as
``smartnet plan coterm``). Keys: ``t`` edits the target (each valid date typed recomputes),
``[``/``]`` move it a month, ``m`` switches proration between days and months, ``c``
allows credits, ``s`` sets this target in the what-if scenario, ``escape`` goes back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Static

from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import Renewal, RenewalLine
from smartnet_tui.domain.planning import CotermPlan, add_months, coterm_candidates, coterm_plan
from smartnet_tui.tui.components.dialogs import ChoiceModal
from smartnet_tui.tui.components.scenario import set_scenario_coterm
from smartnet_tui.tui.screens.base import BaseScreen
from smartnet_tui.tui.sync import Touched
from smartnet_tui.tui.table_sources import clean
from smartnet_tui.tui.widgets.bars import ModeBar

Group = tuple[str, str | None, str | None]  # (service level code, reseller, currency)


def plan_groups(analysis: Analysis) -> list[tuple[str, Group]]:
    """Every (level, reseller, currency) with a line to renew, as (label, group): the co-term
    candidates (the engine's coterm alerts) first, then the others."""
    seen: dict[Group, int] = {}
    for r in analysis.renewals():
        if r.service_level and any(ln.disposition == "renew" for ln in r.lines):
            key = (r.service_level, r.reseller, r.currency)
            seen[key] = seen.get(key, 0) + 1
    candidates = {(code, reseller or None, currency or None)
                  for (code, reseller, currency) in analysis.coterm}
    out = []
    for key in sorted(seen, key=lambda k: (k not in candidates, k[0], k[1] or "", k[2] or "")):
        code, reseller, currency = key
        label = " · ".join(x for x in (code, reseller, currency) if x)
        label += f"  ({seen[key]} renewal{'s' * (seen[key] != 1)}"
        label += ", co-term candidate)" if key in candidates else ")"
        out.append((clean(label), key))
    return out


def shift_months(day: date, months: int) -> date:
    """``day`` moved by whole months; a month's last day stays a month's last day
    (2027-09-30 + 1 month: 2027-10-31), as contract ends usually are."""
    moved = add_months(day, months)
    if (day + timedelta(days=1)).day == 1:
        nxt = add_months(moved.replace(day=1), 1)
        return nxt - timedelta(days=1)
    return moved


def _money(value: object) -> str:
    return "?" if value is None else f"{value:,.2f}"


class PlannerScreen(BaseScreen):
    """One group's co-term plan onto a target date."""

    DEFAULT_CSS = """
    PlannerScreen #target-row { height: 1; padding: 0 1; }
    PlannerScreen #target-row Label { width: auto; padding-right: 1; }
    PlannerScreen #target { width: 14; height: 1; border: none; padding: 0 1; background: $boost; }
    PlannerScreen #target:focus { background: $primary 30%; }
    PlannerScreen #plan-info { width: 1fr; height: 1; }
    PlannerScreen #plan-lines { height: 1fr; }
    PlannerScreen #plan-totals { height: auto; max-height: 6; padding: 0 1; border-top: solid $accent; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="planner.back", tooltip="Back"),
        Binding("t", "edit_target", "Target", id="planner.target",
                tooltip="Type a target date: the plan follows each valid date"),
        Binding("left_square_bracket", "shift(-1)", "-1 month", key_display="[",
                id="planner.earlier", tooltip="Target a month earlier"),
        Binding("right_square_bracket", "shift(1)", "+1 month", key_display="]",
                id="planner.later", tooltip="Target a month later"),
        Binding("m", "proration", "Days/months", id="planner.proration",
                tooltip="Prorate by days (annual x days / 365) or by months"),
        Binding("c", "credit", "Credit", show=False, id="planner.credit",
                tooltip="Shorten lines ending after the target, for a credit"),
        Binding("s", "to_scenario", "To scenario", id="planner.scenario",
                tooltip="Set this co-term target in the what-if scenario"),
    ]

    def __init__(self, group: Group, target: date | None = None) -> None:
        super().__init__()
        self.group = group
        self.target = target
        self.auto = target is None  # the target is the planner's proposal until one is chosen
        self.proration = "days"
        self.allow_credit = False
        self.plan: CotermPlan | None = None
        # the group's lines, found once per data change (the date only re-prices them)
        self._candidates: tuple[int, list[tuple[Renewal, RenewalLine]]] | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="target-row"):
            yield Label("target")
            yield Input(self.target.isoformat() if self.target else "", placeholder="YYYY-MM-DD",
                        id="target")
            yield Static(id="plan-info")
        table: DataTable[Text] = DataTable(id="plan-lines", cursor_type="row")
        yield table
        yield Static(id="plan-totals")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        table = self.query_one("#plan-lines", DataTable)
        table.add_columns("contract", "serial", "end", "action", "days", "annual", "prorated")
        table.focus()
        # BaseScreen.on_mount runs too (Textual calls each class's handler): calling it
        # here as well subscribed the screen twice, every change handled two times

    def refresh_modebar(self) -> None:
        code, reseller, currency = self.group
        scope = " · ".join(x for x in (reseller, currency) if x)
        self.query_one(ModeBar).show("", title=f"co-term planner: {clean(code)}"
                                     + (f" · {clean(scope)}" if scope else ""))

    # ------------------------------------------------------------------ the plan
    def data_changed(self, touched: Touched | None) -> None:
        super().data_changed(touched)
        self.recompute()

    def recompute(self) -> None:
        analysis = self.sapp.analysis
        if analysis is None:
            return
        code, reseller, currency = self.group
        version = self.sapp.data_version
        if self._candidates is None or self._candidates[0] != version:
            self._candidates = (version, coterm_candidates(analysis, code, reseller, currency))
        self.plan = plan = coterm_plan(analysis, code, None if self.auto else self.target,
                                       reseller=reseller, currency=currency,
                                       proration=self.proration, allow_credit=self.allow_credit,
                                       candidates=self._candidates[1])
        if self.auto and plan.target is not None and plan.target != self.target:
            self.target = plan.target
            self.query_one("#target", Input).value = plan.target.isoformat()
        self.show_plan(plan)

    def show_plan(self, plan: CotermPlan) -> None:
        table = self.query_one("#plan-lines", DataTable)
        cursor = table.cursor_row
        table.clear()
        for ln in plan.lines:
            action = ln.action + (f" {ln.target}" if ln.action == "capped" else "")
            style = "bold yellow" if ln.action == "capped" else ("bold red" if ln.expired else "")
            table.add_row(
                Text(clean(ln.contract)), Text(clean(ln.serial)), Text(str(ln.end), style=style),
                Text(action, style=style),
                Text(str(ln.days), justify="right"),
                Text(_money(ln.annual_cost) + ("*" if ln.estimated else ""), justify="right"),
                Text(_money(ln.prorated_cost if ln.action != "shorten" else ln.credit)
                     + (" cr" if ln.action == "shorten" else ""), justify="right"),
            )
        if plan.lines:
            table.move_cursor(row=min(max(cursor, 0), len(plan.lines) - 1))
        how = "proposed: the latest end, shortens nothing" if plan.proposed else "given"
        info = (f" {len(plan.lines)} line(s) · {how} · by {plan.proration}"
                + (" · credit allowed" if plan.allow_credit else ""))
        self.query_one("#plan-info", Static).update(Text(info))
        self.query_one("#plan-totals", Static).update(totals_text(plan))

    # ------------------------------------------------------------------ keys
    def set_target(self, target: date) -> None:
        self.auto = False
        self.target = target
        box = self.query_one("#target", Input)
        if box.value != target.isoformat():
            box.value = target.isoformat()
        self.recompute()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "target":
            return
        try:
            day = date.fromisoformat(event.value.strip())
        except ValueError:
            return  # not a whole date yet: the plan stays as it was
        if day != self.target:
            self.auto = False
            self.target = day
            self.recompute()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#plan-lines", DataTable).focus()

    def action_edit_target(self) -> None:
        self.query_one("#target", Input).focus()

    def action_shift(self, months: int) -> None:
        if self.target is not None:
            self.set_target(shift_months(self.target, months))

    def action_proration(self) -> None:
        self.proration = "months" if self.proration == "days" else "days"
        self.recompute()

    def action_credit(self) -> None:
        self.allow_credit = not self.allow_credit
        self.recompute()

    def action_to_scenario(self) -> None:
        if self.target is None:
            return
        set_scenario_coterm(self.sapp, self.group, self.target)

    def action_back(self) -> None:
        if self.query_one("#target", Input).has_focus:
            self.query_one("#plan-lines", DataTable).focus()
            return
        self.dismiss()


def totals_text(plan: CotermPlan) -> Text:
    t = Text()
    if plan.target is None or not plan.lines:
        t.append("no line to renew in this group", style="italic")
        return t
    for cur, tot in plan.totals.items():
        t.append(f"{clean(cur)} ", style="bold")
        t.append(f"prorated {_money(tot.prorated_cost)}")
        if tot.credit:
            t.append(f" · credit {_money(tot.credit)}")
        if tot.back_billed:
            t.append(f" · back-billed {_money(tot.back_billed)}", style="red")
        t.append(f" · then {_money(plan.after.get(cur))} a year on {plan.target}")
        if tot.lines_without_cost:
            t.append(f" · {tot.lines_without_cost} without cost", style="yellow")
        t.append("\n")
    if any(ln.estimated for ln in plan.lines):
        t.append("* a share of the contract's cost (estimate)", style="italic")
    return t


def group_labels(groups: Sequence[tuple[str, Group]]) -> list[str]:
    return [label for label, _ in groups]


def group_of(analysis: Analysis, number: str) -> Group | None:
    """The co-term group of a contract's first renewal (worklist order) with a line to renew."""
    st = analysis.contract_status.get(number)
    for r in st.renewals if st is not None else ():
        if r.service_level and any(ln.disposition == "renew" for ln in r.lines):
            return (r.service_level, r.reseller, r.currency)
    return None


def contract_under_cursor(screen: Any, analysis: Analysis) -> str | None:
    """The contract of the row under the cursor of the screen's table (Contracts, the
    Worklist: a key that is a contract number, or starts with one), if any."""
    for table in screen.query("#table"):
        key = getattr(table, "cursor_key", None)
        if not isinstance(key, str) or not key:
            continue
        for candidate in (key, *re.split(r"[\x1f:|@ ]", key)[:1]):
            if candidate in analysis.estate.contracts:
                return candidate
    return None


def serial_under_cursor(screen: Any, analysis: Analysis) -> str | None:
    """The device of the row under the cursor of the screen's table (Inventory), if any."""
    for table in screen.query("#table"):
        key = getattr(table, "cursor_key", None)
        if isinstance(key, str) and key in analysis.estate.devices:
            return key
    return None


def open_planner(app: Any, contract: str | None = None) -> None:
    """Open the co-term planner: on the group of ``contract`` (else of the contract under
    the cursor, on Contracts or the Worklist), else on a group picked from a list."""
    analysis = app.analysis
    if analysis is None:
        app.notify("the database is not loaded yet", severity="warning")
        return
    if contract is None:
        contract = contract_under_cursor(app.screen, analysis)
    group = group_of(analysis, contract) if contract else None
    if group is not None:
        app.push_screen(PlannerScreen(group))
        return
    groups = plan_groups(analysis)
    if not groups:
        app.notify("no renewal has a line to renew", severity="warning")
        return
    by_label = dict(groups)

    def chosen(label: str | None) -> None:
        if label is not None and label in by_label:
            app.push_screen(PlannerScreen(by_label[label]))

    app.push_screen(ChoiceModal("Co-term planner: which group?", list(by_label)), chosen)
