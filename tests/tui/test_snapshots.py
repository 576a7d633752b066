"""Snapshot tests of every screen at 80x24 (an SSH session's default) and 200x50.

Plain (not async) functions: ``snap_compare`` runs the app itself. Fixed date, fixture
database, no cursor blink. Regenerate with ``pytest tests/tui --snapshot-update`` and
look at the SVGs (docs/tui.md shows them).
"""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from smartnet_tui.tui.app import SmartnetApp

from .conftest import wait_loaded, wait_until

SIZES = {"80x24": (80, 24), "200x50": (200, 50)}


def _run(*keys: str, after=None):
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        if keys:
            await pilot.press(*keys)
        if after is not None:
            after(pilot.app)
        await pilot.app.workers.wait_for_complete()
        if isinstance(pilot.app.screen, CommandPalette):  # its list fills in the background
            await wait_until(pilot, lambda: pilot.app.screen.query_one(CommandList).option_count)
            await pilot.pause(0.2)
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
        """A contract: its lines with each device's coverage (whole dates), and its alerts."""
        assert snap_compare(SmartnetApp(settings), terminal_size=size,
                            run_before=_run("2", "j", "j", "enter"))

    def test_inventory_scrolled_right(self, snap_compare, settings, size):
        """1 then l: the columns left out come in, the serial stays put."""
        assert snap_compare(SmartnetApp(settings), terminal_size=size,
                            run_before=_run("1", "l", "l", "l"))

    def test_palette(self, snap_compare, settings, size):
        """: with nothing typed: our screens and actions, each with its own help."""
        assert snap_compare(SmartnetApp(settings), terminal_size=size,
                            run_before=_run("colon"))

    def test_help(self, snap_compare, settings, size):
        """?: every key, wrapped beside its keys."""
        assert snap_compare(SmartnetApp(settings), terminal_size=size,
                            run_before=_run("question_mark"))


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

    def test_palette_unknown_serial(self, snap_compare, settings):
        """: and a serial nobody knows: says so and offers to add it."""
        assert snap_compare(SmartnetApp(settings), terminal_size=(80, 24),
                            run_before=_run("colon", *"ZZZ9999"))

    def test_hint_for_a_key_of_another_screen(self, snap_compare, settings):
        """t on Inventory: a one-line hint on the mode line."""
        assert snap_compare(SmartnetApp(settings), terminal_size=(80, 24),
                            run_before=_run("1", "t"))

    def test_sixteen_colours_ascii(self, snap_compare, settings, monkeypatch):
        """TERM=xterm (16 colours) with --ascii: the ANSI theme and ASCII borders."""
        from dataclasses import replace

        monkeypatch.setenv("TERM", "xterm")
        monkeypatch.delenv("COLORTERM", raising=False)
        assert snap_compare(SmartnetApp(replace(settings, ascii=True)), terminal_size=(80, 24),
                            run_before=_run("1", "s"))
