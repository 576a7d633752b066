"""The app's what-if scenario: its state and what starting, editing, applying and
discarding it do to the app (plain Python over the app's data; no widgets here).

While a scenario is open the app shows the scenario's estate and analysis (a copy with the
scenario's edits, analysed by the same engine: :func:`smartnet_tui.domain.whatif.whatif`),
so every screen, count and alert recomputes, and the header says SCENARIO. The real estate
and analysis are kept aside. ``apply`` puts them back and submits the scenario's changes as
one edit (one journal entry, conflict-checked against the records they were based on, one
undo). ``discard`` puts them back and writes nothing: the database file is not touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from smartnet_tui.domain.changes import Change, apply_changes
from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import Estate
from smartnet_tui.domain.planning import PlanError
from smartnet_tui.domain.whatif import Scenario, WhatIf, whatif
from smartnet_tui.store.db import current_user

if TYPE_CHECKING:
    from smartnet_tui.tui.app import SmartnetApp


@dataclass
class ScenarioState:
    """An open scenario: the real estate and analysis kept aside, the edits, the result."""

    estate: Estate
    analysis: Analysis
    scenario: Scenario = field(default_factory=Scenario)
    result: WhatIf | None = None


def active(app: Any) -> ScenarioState | None:
    """The app's open scenario, if any."""
    st = getattr(app, "scenario", None)
    return st if isinstance(st, ScenarioState) else None


def describe(scenario: Scenario) -> str:
    """The scenario's edits in words (``retire X; drop 1000; co-term SNT onto 2027-09-30``)."""
    parts = [f"retire {s}" for s in scenario.retire]
    parts += [f"drop {c}:{s}" if s else f"drop {c}" for c, s in scenario.drop]
    if scenario.coterm is not None:
        level, target, reseller, currency = scenario.coterm
        scope = "".join(f" {x}" for x in (reseller, currency) if x)
        parts.append(f"co-term {level}{scope} onto {target}")
    return "; ".join(parts) or "no edit yet"


def _show(app: SmartnetApp, estate: Estate, analysis: Analysis) -> None:
    app.estate = estate
    app.analysis = analysis
    app._data_changed(None)  # noqa: SLF001 - every screen, count and alert recomputes


def start_scenario(app: SmartnetApp) -> ScenarioState | None:
    """Open a scenario (or return the open one); None while nothing is loaded."""
    st = active(app)
    if st is not None:
        return st
    if app.estate is None or app.analysis is None:
        app.notify("the database is not loaded yet", severity="warning")
        return None
    st = ScenarioState(app.estate, app.analysis)
    app.scenario = st
    compute(app, st)
    return st


def compute(app: SmartnetApp, st: ScenarioState) -> None:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    st.result = whatif(st.analysis, st.scenario, user=current_user(), at=at)
    _show(app, st.result.analysis.estate, st.result.analysis)


def edit_scenario(app: SmartnetApp, scenario: Scenario) -> str | None:
    """Replace the open scenario's edits; an error message (nothing changed) or None."""
    st = start_scenario(app)
    if st is None:
        return "the database is not loaded yet"
    old = st.scenario
    st.scenario = scenario
    try:
        compute(app, st)
    except PlanError as exc:
        st.scenario = old
        return str(exc)
    return None


def set_scenario_coterm(app: SmartnetApp, group: tuple[str, str | None, str | None],
                        target: date) -> None:
    """Set a co-term target in the scenario (opening one if needed)."""
    st = start_scenario(app)
    if st is None:
        return
    code, reseller, currency = group
    error = edit_scenario(app, st.scenario.with_coterm(code, target, reseller, currency))
    if error:
        app.notify(error, title="scenario unchanged", severity="error", markup=False)
    else:
        app.notify(f"co-term {code} onto {target} set in the scenario (w: the summary)",
                   title="SCENARIO", markup=False)


def follow_changes(app: SmartnetApp, changes: Sequence[Change]) -> None:
    """Another writer's changes while a scenario is open: applied to the real estate (kept
    aside), then the scenario is computed again over it."""
    st = active(app)
    if st is None:
        return
    serials, contracts = apply_changes(st.estate, changes)
    st.analysis.refresh(serials=serials, contracts=contracts)
    try:
        compute(app, st)
    except PlanError as exc:  # an edit no longer possible (a contract deleted meanwhile)
        app.notify(f"the scenario no longer holds: {exc}; it was discarded", title="SCENARIO",
                   severity="warning", markup=False)
        app.scenario = None
        _show(app, st.estate, st.analysis)


def rebase_scenario(app: SmartnetApp) -> None:
    """The app read the whole file again (``app.estate``/``app.analysis`` are the new real
    ones): the open scenario is computed again over them."""
    st = active(app)
    if st is None or app.estate is None or app.analysis is None:
        return
    st.estate, st.analysis = app.estate, app.analysis
    try:
        compute(app, st)
    except PlanError as exc:
        app.notify(f"the scenario no longer holds: {exc}; it was discarded", title="SCENARIO",
                   severity="warning", markup=False)
        app.scenario = None


def discard_scenario(app: SmartnetApp) -> None:
    """Close the scenario, writing nothing; the screens show the real data again (kept up
    to date meanwhile with what others wrote: :func:`follow_changes`)."""
    st = active(app)
    if st is None:
        return
    app.scenario = None
    _show(app, st.estate, st.analysis)


def apply_scenario(app: SmartnetApp) -> bool:
    """Close the scenario and write its edits as one change (one journal entry, checked
    against the records they were based on, one undo). False when nothing is written."""
    st = active(app)
    if st is None:
        return False
    result = st.result
    app.scenario = None
    _show(app, st.estate, st.analysis)
    changes = list(result.changes) if result is not None else []
    if not changes:
        app.notify("nothing to write: the scenario changes no record (a single line dropped "
                   "from a renewal, or a co-term target, is a plan, not an edit)",
                   title="scenario closed", markup=False)
        return False
    return app.submit(changes, f"what-if: {describe(st.scenario)}")
