"""The Timeline screen (issue 9): month bars readable in 16 colours and with --ascii, the
figures written beside them, ``enter`` on a month lists what falls in it. Sample estate,
demo date, 80x24."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable

from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import PutContract
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.imports.planner import import_files
from smartnet_tui.store.db import Store
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.screens.timeline import TimelineScreen

from .conftest import wait_loaded


@pytest.fixture
def sample_settings(tmp_path: Path) -> Settings:
    path = tmp_path / "sample.json"
    store = Store(path)
    assert not import_files(store, [sample_dir() / "estate.yaml", sample_dir() / "eox.json"]).errors
    store.close()
    return Settings(db_path=path, today=date(2026, 12, 1))


def _rows(screen) -> list[list[str]]:
    table = screen.query_one("#timeline-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _open(app, pilot) -> TimelineScreen:
    await wait_loaded(pilot)
    app.push_screen(TimelineScreen())
    await pilot.pause()
    assert isinstance(app.screen, TimelineScreen)
    return app.screen


async def test_months_bars_and_what_falls_in_a_month(sample_settings):
    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        rows = _rows(screen)
        assert len(rows) == 25  # overdue, then 24 months
        month, count, bar, ldr, ldos, cost = rows[0]
        assert (month, count, cost) == ("overdue", "1", "USD 10,220.08")
        assert set(bar) == {"█"}
        assert rows[1][0] == "2026-12" and rows[1][1] == "2" and rows[1][5] == "GBP 430.00 USD 22,969.98"
        assert len(rows[1][2]) == 2 * len(rows[0][2])  # bars scale with the count
        may = next(r for r in rows if r[0] == "2027-05")
        assert (may[1], may[2], may[3]) == ("0", "", "9")  # nine devices' last date to renew
        # enter on February 2027 lists its renewal
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        detail = str(screen.query_one("#timeline-detail").render())
        assert detail.startswith("2027-02  1 renewal(s) ending  EUR 8,399.60")
        assert "204419902  ends 2027-02-28  review  SNT  Computacenter  EUR 8,399.60" in detail
        # May 2027: the devices reaching their last date to renew
        await pilot.press(*["j"] * 3, "enter")
        await pilot.pause()
        detail = str(screen.query_one("#timeline-detail").render())
        assert detail.startswith("2027-05")
        assert detail.count("last date to renew:") == 9


async def test_ascii_bars(sample_settings):
    app = SmartnetApp(replace(sample_settings, ascii=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        bars = [r[2] for r in _rows(screen) if r[2]]
        assert bars and all(set(b) == {"#"} for b in bars)


async def test_the_timeline_follows_edits(sample_settings):
    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        assert _rows(screen)[1][1] == "2"
        # cancelling 92451876 (due 2026-12-15) takes its renewal off December
        contract = app.estate.contracts["92451876"]
        app.submit([PutContract(replace(contract, status="cancelled"))], "cancel 92451876")
        await pilot.pause()
        assert _rows(screen)[1][1] == "1" and _rows(screen)[1][5] == "GBP 430.00"



async def test_5_switches_to_the_timeline_mode(sample_settings):
    app = SmartnetApp(sample_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
        assert _rows(app.screen)[0][0] == "overdue"
        await pilot.press("3")
        await pilot.pause()
        assert not isinstance(app.screen, TimelineScreen)


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


def test_snapshot_timeline(snap_compare, sample_settings):
    """5: the months ahead as bars; enter on February 2027 lists its renewal."""
    assert snap_compare(SmartnetApp(sample_settings), terminal_size=(80, 24),
                        run_before=_keys("5", "down", "down", "down", "enter"))


def test_snapshot_timeline_ascii(snap_compare, sample_settings):
    """--ascii: the bars are #."""
    assert snap_compare(SmartnetApp(replace(sample_settings, ascii=True)), terminal_size=(80, 24),
                        run_before=_keys("5"))
