"""The mode line at 80 columns: a filter and a saved edit's new value are always visible,
and stored or typed text is shown as text, never as markup (the reviewer's 80x24 run)."""

from __future__ import annotations

from smartnet_tui.config import Settings
from smartnet_tui.tui.screens.base import flash
from smartnet_tui.tui.widgets.bars import ModeBar

from .conftest import TODAY, make_db, wait_loaded, wait_until


def _line(app) -> str:
    return str(app.screen.query_one(ModeBar).render())


async def test_a_long_filter_is_shown_whole_and_brackets_are_text(tmp_path):
    from smartnet_tui.tui.app import SmartnetApp

    app = SmartnetApp(Settings(db_path=make_db(tmp_path), today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "/")
        await pilot.press(*"core lapsed")
        assert await wait_until(pilot, lambda: "filter: core lapsed" in _line(app))
        assert len(_line(app).rstrip()) <= 80
        await pilot.press("ctrl+u")  # Input: delete to the start
        await pilot.press(*"[red]x")
        assert await wait_until(pilot, lambda: "filter: [red]x" in _line(app))


async def test_a_long_message_keeps_its_end_at_80_columns(tmp_path):
    from smartnet_tui.tui.app import SmartnetApp

    app = SmartnetApp(Settings(db_path=make_db(tmp_path), today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        message = ("saved: triage 88120455 ending 2026-10-31 -> quote requested, owner "
                   "somebody-with-a-long-name, note a long note [b]here[/b]")
        flash(app, message)
        await pilot.pause()
        line = _line(app)
        assert len(line.rstrip()) <= 80
        assert line.rstrip().endswith("note a long note [b]here[/b]")  # the end, as text
        assert "saved: triage" in line and "…" in line  # the middle elided
        assert " 2 Contracts " in line  # where you are
