"""The co-term planner in the app (issue 9): a group and a target date, the plan recomputed
as the date changes (typed, or a month at a time), by days or months, into the scenario.
Sample estate, demo date, 80x24; amounts worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from smartnet_tui.config import Settings
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.imports.planner import import_files
from smartnet_tui.store.db import Store
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.components.scenario import active
from smartnet_tui.tui.screens.planner import (
    PlannerScreen,
    group_of,
    open_planner,
    plan_groups,
    shift_months,
)

from .conftest import wait_loaded

SNT_EUR = ("SNT", "Computacenter", "EUR")


@pytest.fixture
def sample_settings(tmp_path: Path) -> Settings:
    path = tmp_path / "sample.json"
    store = Store(path)
    assert not import_files(store, [sample_dir() / "estate.yaml", sample_dir() / "eox.json"]).errors
    store.close()
    return Settings(db_path=path, today=date(2026, 12, 1))


def _cells(screen, serial: str) -> list[str]:
    table = screen.query_one("#plan-lines", DataTable)
    for row in range(table.row_count):
        cells = [str(c) for c in table.get_row_at(row)]
        if cells[1] == serial:
            return cells
    raise AssertionError(f"{serial} not in the plan")


def _totals(screen) -> str:
    return str(screen.query_one("#plan-totals").render())


def test_shift_months_keeps_month_ends():
    assert shift_months(date(2027, 9, 30), 1) == date(2027, 10, 31)
    assert shift_months(date(2027, 10, 31), -1) == date(2027, 9, 30)
    assert shift_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert shift_months(date(2027, 9, 15), 1) == date(2027, 10, 15)


async def test_the_plan_follows_the_target(sample_settings):
    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        labels = [label for label, _ in plan_groups(app.analysis)]
        # the co-term candidates (the engine's coterm alerts) come first
        assert labels[:2] == ["SNT · Computacenter · EUR  (2 renewals, co-term candidate)",
                              "SNTP · Computacenter · GBP  (2 renewals, co-term candidate)"]
        app.push_screen(PlannerScreen(SNT_EUR))
        await pilot.pause()
        screen = app.screen
        # no target given: the latest end of the group is proposed, and said
        assert screen.query_one("#target", Input).value == "2027-09-30"
        assert "proposed" in str(screen.query_one("#plan-info").render())
        # 588.80 x 214 / 365 = 345.21
        assert _cells(screen, "FJC2308Q6X0")[2:] == ["2027-02-28", "extend", "214", "588.80", "345.21"]
        assert _cells(screen, "JAE2211F8S0")[3:] == ["keep", "0", "1,060.00*", "0.00"]
        assert "EUR prorated 3,844.80" in _totals(screen)
        # a month later (month ends stay month ends): 245 days, 588.80 x 245 / 365 = 395.22
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.query_one("#target", Input).value == "2027-10-31"
        assert _cells(screen, "FJC2308Q6X0")[4:] == ["245", "588.80", "395.22"]
        # typed: each valid date recomputes; the FPR2130 firewalls' support ends 2028-08-31
        await pilot.press("t")
        await pilot.press(*["backspace"] * 10, *"2028-12-31", "enter")
        await pilot.pause()
        assert _cells(screen, "JAE2211F8S0")[3:] == ["capped 2028-08-31", "336", "1,060.00*", "975.78"]
        # by months: 2027-03-01 + 22 months = 2029-01-01 = T + 1; 588.80 x 22 / 12 = 1079.47
        await pilot.press("m")
        await pilot.pause()
        assert _cells(screen, "FJC2308Q6X0")[6] == "1,079.47"
        assert "by months" in str(screen.query_one("#plan-info").render())
        # into the scenario
        await pilot.press("s")
        await pilot.pause()
        st = active(app)
        assert st is not None and st.scenario.coterm == ("SNT", date(2028, 12, 31), "Computacenter", "EUR")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PlannerScreen)


async def test_opened_from_contracts_on_the_contract_under_the_cursor(sample_settings):
    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        key = app.screen.query_one("#table").cursor_key
        assert key in app.estate.contracts
        open_planner(app)
        await pilot.pause()
        assert isinstance(app.screen, PlannerScreen)
        assert app.screen.group == group_of(app.analysis, key)
        await pilot.press("escape")
        # a contract named: its group, here the EUR co-term candidates
        open_planner(app, "204419902")
        await pilot.pause()
        assert app.screen.group == SNT_EUR
        await pilot.press("escape")
        # nothing to go by: pick the group from a list
        open_planner(app, "")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second group: SNTP, Computacenter, GBP
        await pilot.pause()
        assert app.screen.group == ("SNTP", "Computacenter", "GBP")



async def test_P_on_contracts_plans_the_group_of_the_contract_under_the_cursor(sample_settings):
    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        key = app.screen.query_one("#table").cursor_key
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PlannerScreen)
        assert app.screen.group == group_of(app.analysis, key)


# ------------------------------------------------------------------ snapshots (80x24)
def _keys(*keys: str):
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        for box in pilot.app.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run_before


def test_snapshot_planner(snap_compare, sample_settings):
    """P on Alerts: the group picked from the list (co-term candidates first), the target
    proposed and the plan with its totals."""
    assert snap_compare(SmartnetApp(sample_settings), terminal_size=(80, 24),
                        run_before=_keys("P", "enter"))
