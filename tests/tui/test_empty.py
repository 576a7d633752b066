"""A new user with no database yet sees how to get data in, not a bare empty table."""

from dataclasses import replace

from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.widgets.record_table import RecordTable

from .conftest import wait_loaded


async def test_an_empty_database_says_how_to_import(settings, tmp_path):
    app = SmartnetApp(replace(settings, db_path=tmp_path / "new" / "smartnet.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        for mode in ("3", "2", "1"):
            await pilot.press(mode)
            await pilot.pause()
            table = app.screen.query_one("#table", RecordTable)
            assert table.empty_text.startswith("empty database: press i to import")


async def test_a_filter_with_no_match_says_no_rows(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "slash", *"zzzz")
        await pilot.pause()
        table = app.screen.query_one("#table", RecordTable)
        assert not table.keys
        assert not table.empty_text.startswith("empty database")
