"""The what-if scenario in the app (issue 9): its screen recomputes every screen's data from
a copy of the estate; ``discard`` leaves the database byte-identical; ``apply`` writes one
journal entry that one undo takes back. Sample estate, demo date, 80x24."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from smartnet_tui.config import Settings
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.imports.planner import import_files
from smartnet_tui.store.db import Store
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.components.scenario import active
from smartnet_tui.tui.components.scenario_screen import ScenarioScreen, open_scenario

from .conftest import wait_loaded, wait_until

DEMO_TODAY = date(2026, 12, 1)
NYC_FW = "FDO2152F5RA"  # a critical device on 92451876 (due 2026-12-15)


@pytest.fixture
def sample_settings(tmp_path: Path) -> Settings:
    path = tmp_path / "sample.json"
    store = Store(path)
    result = import_files(store, [sample_dir() / "estate.yaml", sample_dir() / "eox.json"])
    assert not result.errors
    store.close()
    return Settings(db_path=path, today=DEMO_TODAY)


def _summary(app) -> str:
    return str(app.screen.query_one("#scenario-summary").render())


def _will_lapse(app) -> bool:
    return any(a.kind == "will_lapse" and a.subject == NYC_FW for a in app.analysis.alerts())


async def _drop(pilot, what: str) -> None:
    await pilot.press("d")
    await pilot.press(*what, "enter")
    await pilot.pause()


async def test_a_scenario_recomputes_and_discard_writes_nothing(sample_settings):
    before = sample_settings.db_path.read_bytes()
    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        real = app.analysis
        assert not _will_lapse(app)
        open_scenario(app)
        await pilot.pause()
        assert isinstance(app.screen, ScenarioScreen)
        await _drop(pilot, "92451876")
        text = _summary(app)
        assert "Scenario: drop 92451876" in text
        assert "6 active device(s) would lose coverage" in text
        assert "critical" in text and "until 2026-12-15" in text
        assert "USD 22,969.98 saved" in text
        assert "+ high will_lapse FDO2152F5RA" in text
        # the app shows the scenario: its alerts are recomputed (a copy; the real is kept)
        assert app.analysis is not real and _will_lapse(app)
        assert not any(a.kind == "will_lapse" and a.subject == NYC_FW for a in real.alerts())
        # retiring a device from the same screen; a mistake changes nothing
        await pilot.press("r")
        await pilot.press(*"NOSUCH", "enter")
        await pilot.pause()
        assert active(app).scenario.retire == ()
        await pilot.press("backspace")  # undo the last scenario edit
        await pilot.pause()
        assert "drop 92451876" not in _summary(app)
        await _drop(pilot, "92451876")
        await pilot.press("x")
        await pilot.press("y")
        await wait_until(pilot, lambda: active(app) is None and not _will_lapse(app))
        await wait_loaded(pilot)
        assert active(app) is None
        assert not isinstance(app.screen, ScenarioScreen)
    assert sample_settings.db_path.read_bytes() == before


async def test_apply_writes_one_journal_entry_and_one_undo_takes_it_back(sample_settings):
    store = Store(sample_settings.db_path)
    first = store.last_journal_id()
    store.close()
    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        open_scenario(app)
        await pilot.pause()
        await _drop(pilot, "92451876")
        await pilot.press("r")
        await pilot.press(*"FDO2516E3NL", "enter")
        await pilot.pause()
        assert "GBP 2,608.21 saved" in _summary(app)
        await pilot.press("a")
        await pilot.press("y")
        await wait_until(pilot, lambda: active(app) is None and not app.sync.writes_pending)
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: _will_lapse(app))
        assert app.estate.devices["FDO2516E3NL"].status == "decommissioned"
        store = Store(sample_settings.db_path)
        assert store.last_journal_id() == first + 1
        [entry] = store.history(1)
        assert entry["action"] == "tui: what-if: retire FDO2516E3NL; drop 92451876"
        store.close()
        # one undo takes the whole scenario back
        await pilot.press("u")
        await wait_until(pilot, lambda: not app.sync.writes_pending
                         and app.estate.devices["FDO2516E3NL"].status == "active")
        await app.workers.wait_for_complete()
        assert not _will_lapse(app)
        store = Store(sample_settings.db_path)
        assert store.last_journal_id() == first + 2
        store.close()



async def test_the_forms_start_with_what_was_under_the_cursor(sample_settings):
    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")  # Contracts: the most urgent first
        await pilot.pause()
        number = app.screen.query_one("#table").cursor_key
        open_scenario(app)
        await pilot.pause()
        await pilot.press("d", "enter")
        await pilot.pause()
        assert active(app).scenario.drop == ((number, None),)
        assert f"Scenario: drop {number}" in _summary(app)



async def test_w_opens_it_edits_wait_and_another_writer_is_followed(sample_settings):
    from dataclasses import replace as dc_replace

    from smartnet_tui.domain.changes import PutDevice

    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ScenarioScreen)
        await _drop(pilot, "92451876")
        await pilot.press("escape", "1")  # Inventory, the scenario still open
        await pilot.pause()
        assert "SCENARIO 2026-12-01" in str(app.screen.query_one("#summary").render())
        # an edit now would be made on the scenario's copy: refused, nothing written
        device = app.estate.devices["FDO2516E3NL"]
        assert app.submit([PutDevice(dc_replace(device, site="ELSEWHERE"))], "site") is False
        # another admin writes meanwhile: followed under the scenario
        other = Store(sample_settings.db_path)
        other.apply([PutDevice(dc_replace(device, hostname="renamed-by-ana"))], action="ana: edit")
        other.close()
        await wait_until(pilot, lambda: app.estate.devices["FDO2516E3NL"].hostname == "renamed-by-ana")
        assert active(app).scenario.drop == (("92451876", None),) and _will_lapse(app)
        await pilot.press("w", "x", "y")
        await wait_until(pilot, lambda: active(app) is None)
        assert app.estate.devices["FDO2516E3NL"].hostname == "renamed-by-ana"
        assert not _will_lapse(app)
        assert "SCENARIO" not in str(app.screen.query_one("#summary").render())


# ------------------------------------------------------------------ snapshots (80x24)
def _keys(*keys: str):
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_snapshot_scenario(snap_compare, sample_settings):
    """w, d 92451876: what not renewing NYC's contract would change."""
    assert snap_compare(SmartnetApp(sample_settings), terminal_size=(80, 24),
                        run_before=_keys("w", "d", *"92451876", "enter"))


def test_snapshot_alerts_in_a_scenario(snap_compare, sample_settings):
    """Back on Alerts with the scenario open: SCENARIO in the header, the alerts recomputed."""
    assert snap_compare(SmartnetApp(sample_settings), terminal_size=(80, 24),
                        run_before=_keys("w", "d", *"92451876", "enter", "escape", "3"))
