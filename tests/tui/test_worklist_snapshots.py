"""Snapshots of the Worklist mode at 80x24 (an SSH session's default): the items with the
header counting them by state, one item with its lines, and the triage dialog.

Plain (not async) functions: ``snap_compare`` runs the app itself. Fixed date, the fixture
database with a contract of two renewals. Regenerate with ``pytest tests/tui
--snapshot-update`` and look at the SVGs before accepting them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from smartnet_tui.config import Settings
from smartnet_tui.tui.app import SmartnetApp

from .conftest import TODAY, wait_loaded
from .test_quote_worklist import _open_item, quoted_settings  # noqa: F401 - a fixture
from .test_worklist import make_worklist_db


@pytest.fixture
def wl_settings(tmp_path):
    return Settings(db_path=make_worklist_db(tmp_path), today=TODAY)


def _run(*keys: str):
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        for box in pilot.app.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run_before


class TestWorklist:
    def test_worklist(self, snap_compare, wl_settings):
        """4: the renewals to decide, most urgent first, counted by state."""
        assert snap_compare(SmartnetApp(wl_settings), terminal_size=(80, 24),
                            run_before=_run("4"))

    def test_worklist_all(self, snap_compare, wl_settings):
        """4 then a: every renewal, also ok and renewed ones."""
        assert snap_compare(SmartnetApp(wl_settings), terminal_size=(80, 24),
                            run_before=_run("4", "a"))

    def test_item(self, snap_compare, wl_settings):
        """enter: one renewal with its triage, lines by disposition and the highlighted line."""
        assert snap_compare(SmartnetApp(wl_settings), terminal_size=(80, 24),
                            run_before=_run("4", "a", "j", "j", "j", "enter", "j"))

    def test_triage_dialog(self, snap_compare, wl_settings):
        """t: state, owner and note of the renewal under the cursor."""
        assert snap_compare(SmartnetApp(wl_settings), terminal_size=(80, 24),
                            run_before=_run("4", "j", "t"))

    def test_item_with_a_quote(self, snap_compare, quoted_settings):  # noqa: F811
        """A renewal with a stored quote at 80x24: header, status and triage stay on top,
        the quote is one line (f: the findings), the lines table takes the rest."""
        async def run_before(pilot) -> None:
            await wait_loaded(pilot)
            await _open_item(pilot, "1000")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

        assert snap_compare(SmartnetApp(quoted_settings), terminal_size=(80, 24),
                            run_before=run_before)

    def test_request_dialog(self, snap_compare, wl_settings):
        """e: the request's file, co-term end and contracts; short labels at 80 columns,
        the detail in the placeholders."""
        assert snap_compare(SmartnetApp(wl_settings), terminal_size=(80, 24),
                            run_before=_run("4", "e"))
