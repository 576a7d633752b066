"""Snapshot tests of every screen and of a device's detail at 80x24 and 120x36.

Plain (not async) functions: ``snap_compare`` runs the app itself. Fixed date, fixture
database, no cursor blink. Regenerate with ``pytest tests/tui --snapshot-update`` and
look at the SVGs (docs/tui.md shows them).
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from smartnet_tui.tui.app import SmartnetApp

from .conftest import wait_loaded

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


def _run(*keys: str, after=None):
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        if keys:
            await pilot.press(*keys)
        if after is not None:
            after(pilot.app)
        await pilot.app.workers.wait_for_complete()
        for box in pilot.app.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request):
    return SIZES[request.param]


class TestScreens:
    def test_alerts(self, snap_compare, settings, size):
        """Opens on Alerts: counts and date in the header, most severe first."""
        assert snap_compare(SmartnetApp(settings), terminal_size=size, run_before=_run())

    def test_inventory(self, snap_compare, settings, size):
        """1: every device with its coverage."""
        assert snap_compare(SmartnetApp(settings), terminal_size=size, run_before=_run("1"))

    def test_contracts(self, snap_compare, settings, size):
        """2: contracts by urgency."""
        assert snap_compare(SmartnetApp(settings), terminal_size=size, run_before=_run("2"))

    def test_device_detail(self, snap_compare, settings, size):
        """A device: coverage at a glance, its lines, EoX dates and alerts."""
        assert snap_compare(SmartnetApp(settings), terminal_size=size,
                            run_before=_run(after=lambda app: app.open_device("FOC0007GGGG")))

    def test_contract_detail(self, snap_compare, settings, size):
        """A contract: its lines with each device's coverage, and its alerts."""
        assert snap_compare(SmartnetApp(settings), terminal_size=size,
                            run_before=_run("2", "j", "enter"))


class TestInteractions:
    def test_filter(self, snap_compare, settings):
        """/ filters as you type, with "N of M"."""
        assert snap_compare(SmartnetApp(settings), terminal_size=(80, 24),
                            run_before=_run("1", "slash", "n", "y", "c"))

    def test_status_dialog(self, snap_compare, settings):
        """s on a device: pick its status with the keyboard."""
        assert snap_compare(SmartnetApp(settings), terminal_size=(80, 24),
                            run_before=_run("1", "j", "j", "j", "j", "j", "s"))

    def test_triage_dialog(self, snap_compare, settings):
        """t on a contract: state, owner and note."""
        assert snap_compare(SmartnetApp(settings), terminal_size=(80, 24),
                            run_before=_run("2", "j", "t"))

    def test_help(self, snap_compare, settings):
        """?: every key."""
        assert snap_compare(SmartnetApp(settings), terminal_size=(120, 36),
                            run_before=_run("question_mark"))

    def test_sixteen_colours_ascii(self, snap_compare, settings, monkeypatch):
        """TERM=xterm (16 colours) with --ascii: the ANSI theme and ASCII borders."""
        from dataclasses import replace

        monkeypatch.setenv("TERM", "xterm")
        monkeypatch.delenv("COLORTERM", raising=False)
        assert snap_compare(SmartnetApp(replace(settings, ascii=True)), terminal_size=(80, 24),
                            run_before=_run("1", "s"))
