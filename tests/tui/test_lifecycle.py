"""The app never hangs on quit, and reports an unreadable database once, not every poll."""

from __future__ import annotations

import asyncio
import threading
import time

from smartnet_tui.config import Settings
from smartnet_tui.store.db import Store
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.widgets.bars import SummaryBar
from smartnet_tui.tui.widgets.record_table import RecordTable

from .conftest import TODAY, SlowStore, make_db

SIZE = (100, 30)


async def test_quit_during_a_slow_load_exits_within_two_seconds(filled_db):
    gate = threading.Event()
    store = SlowStore(filled_db, gate)
    app = SmartnetApp(Settings(db_path=filled_db, today=TODAY), store=store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert await asyncio.to_thread(store.entered.wait, 10)
            for _ in range(200):  # the load's progress reaches the header
                if "building the estate" in str(app.screen.query_one(SummaryBar).render()):
                    break
                await pilot.pause(0.01)
            assert "building the estate" in str(app.screen.query_one(SummaryBar).render())
            started = time.monotonic()
            await pilot.press("q")
        elapsed = time.monotonic() - started
        assert app.return_code == 0
        assert elapsed < 2.0, f"quit took {elapsed:.1f} s"
        assert app.analysis is None  # the abandoned load installed nothing
    finally:
        gate.set()


async def test_quit_waits_for_a_write_already_made(filled_db):
    app = SmartnetApp(Settings(db_path=filled_db, today=TODAY))
    async with app.run_test(size=SIZE) as pilot:
        while app.analysis is None:
            await pilot.pause(0.01)
        gate = threading.Event()
        app.sync.run(gate.wait, 10)  # the I/O thread is busy: the next write waits
        await pilot.press("1")
        assert table(app).move_to_key("FOC0006FFFF")
        await pilot.press("s", "j", "j", "enter")  # active -> decommissioned
        assert app.sync.writes_pending == 1
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running  # not before the write
        assert any("quitting when done" in n.message for n in app._notifications)
        gate.set()
        for _ in range(500):
            if not app.is_running:
                break
            await pilot.pause(0.01)
    assert app.return_code == 0
    assert Store(filled_db).load().devices["FOC0006FFFF"].status == "decommissioned"


def table(app) -> RecordTable:
    return app.screen.query(RecordTable).first()


class PollCounter:
    """Counts the app's polls of the file (wraps the method the interval timer calls)."""

    def __init__(self, app: SmartnetApp) -> None:
        self.n = 0
        poll = app._poll

        def counted() -> None:
            self.n += 1
            poll()

        app._poll = counted  # type: ignore[method-assign]


def errors_shown(app) -> list[str]:
    return [n.message for n in app._notifications if n.title == "cannot read the database"]


async def wait_polls(pilot, polls: PollCounter, n: int) -> None:
    target = polls.n + n
    while polls.n < target:
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_an_unreadable_database_is_reported_once_until_the_file_changes(tmp_path):
    bad = tmp_path / "smartnet.json"
    bad.write_text("{not json")
    app = SmartnetApp(Settings(db_path=bad, today=TODAY))
    polls = PollCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_polls(pilot, polls, 4)
        assert len(errors_shown(app)) == 1
        assert "cannot read the database" in app.screen.query_one(RecordTable).empty_text

        # the file is fixed: the data shows, without another error
        good = make_db(tmp_path / "good")
        bad.write_bytes(good.read_bytes())
        while app.analysis is None:
            await pilot.pause(0.05)
        assert app.load_error is None and "FOC0007GGGG" in app.estate.devices
        assert len(errors_shown(app)) == 1

        # broken again: one more message, then quiet again
        bad.write_text("{still not json")
        await wait_polls(pilot, polls, 4)
        assert len(errors_shown(app)) == 2
        assert app.load_error
