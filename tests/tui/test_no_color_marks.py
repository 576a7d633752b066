"""NO_COLOR on every screen (the reviewer's 80x24 run with NO_COLOR=1): each table's cursor
row is in reverse video, and a last date to renew is marked in text (``!``), not by its
yellow alone. What is checked is what the terminal gets: the rendered segments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from smartnet_tui.config import Settings
from smartnet_tui.tui.app import SmartnetApp

from .conftest import wait_loaded, wait_until

QUOTES = Path(__file__).resolve().parents[1] / "fixtures" / "quotes"


def _row(app, table) -> list:
    strips = app.screen._compositor.render_strips()
    return list(strips[table.region.y + 1 + table.cursor - int(table.scroll_y)])


async def test_every_tables_cursor_row_is_in_reverse_under_no_color(monkeypatch, settings):
    monkeypatch.setenv("NO_COLOR", "1")
    app = SmartnetApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        for key, screen in (("3", "Alerts"), ("1", "Inventory"), ("2", "Contracts"),
                            ("4", "Worklist")):
            await pilot.press(key)
            await pilot.pause()
            table = app.screen.query_one("RecordTable")
            await pilot.press("j")
            await pilot.pause()
            cells = [s for s in _row(app, table) if s.text.strip()]
            assert cells, screen
            # every cell of the row (the scrollbar aside), whatever its own style
            assert all(s.style is not None and s.style.reverse for s in cells[:-1]), screen


async def test_a_last_date_to_renew_is_marked_without_colour(monkeypatch, tmp_path, capsys):
    from smartnet_tui.cli import main

    monkeypatch.setenv("NO_COLOR", "1")
    db = tmp_path / "q.json"
    assert main(["--db", str(db), "import", str(QUOTES / "estate.yaml")]) == 0
    capsys.readouterr()
    app = SmartnetApp(Settings(db_path=db, today=date(2026, 10, 1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("4")
        assert await wait_until(pilot, lambda: app.screen.query("RecordTable"))
        await pilot.pause()
        text = "\n".join(s.text for s in app.screen._compositor.render_strips())
        # 0093425688 must be ordered by BLK-PID's last date to renew, 2026-11-15
        assert "2026-11-15! 0093425688" in text
        assert "!: last date to renew" in text
