"""H (the journal): the title counts in words, enter opens the record an entry changed."""

from __future__ import annotations

from .conftest import wait_loaded, wait_until


async def test_history_title_and_enter_opens_the_changed_record(app):
    from smartnet_tui.tui.screens.detail import DeviceScreen
    from smartnet_tui.tui.screens.history import HistoryScreen
    from smartnet_tui.tui.widgets.bars import ModeBar
    from smartnet_tui.tui.widgets.record_table import RecordTable

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("H")
        assert isinstance(app.screen, HistoryScreen)
        journal = app.screen.query_one("#journal", RecordTable)
        assert await wait_until(pilot, lambda: len(journal.keys) == 1)
        assert "history: the last change to the database" in str(
            app.screen.query_one(ModeBar).render())
        await pilot.press("escape")
        await pilot.press("1", "s", "j", "enter")  # FOC0001AAAA: active -> spare
        assert await wait_until(pilot, lambda: not app.sync.writes_pending)
        await pilot.press("H")
        journal = app.screen.query_one("#journal", RecordTable)
        assert await wait_until(pilot, lambda: len(journal.keys) == 2)
        assert "history: the last 2 changes to the database" in str(
            app.screen.query_one(ModeBar).render())
        await pilot.press("enter")  # the newest entry: the status change
        assert await wait_until(pilot, lambda: isinstance(app.screen, DeviceScreen))
        assert app.screen.serial == "FOC0001AAAA"
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


async def test_an_entry_whose_records_are_in_the_archive_says_where_they_are(tmp_path, monkeypatch):
    """A large import keeps its records in the archive beside the database: the entry says
    how many, and where to read them, instead of looking empty."""
    from smartnet_tui.config import Settings
    from smartnet_tui.domain.changes import PutDevice
    from smartnet_tui.domain.model import Device
    from smartnet_tui.store import archive
    from smartnet_tui.store.db import Store
    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.screens.history import HistoryScreen

    from .conftest import TODAY

    monkeypatch.setattr(archive, "RECORDS_IN_DATABASE", 3)
    db = tmp_path / "db.json"
    store = Store(db)
    store.apply([PutDevice(Device(f"FOC{i}", "C9200-24P")) for i in range(5)], "import big.csv")
    store.close()
    app = SmartnetApp(Settings(db_path=db, today=TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("H")
        assert isinstance(app.screen, HistoryScreen)

        def text() -> str:
            return "\n".join(s.text for s in app.screen._compositor.render_strips())

        assert await wait_until(pilot, lambda: "records kept in the archive" in text())
        assert "5 records kept in the archive beside the database" in text()
        assert "smartnet history --all" in text()
