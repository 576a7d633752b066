"""The first screen at start: the Alerts rows of the last start on the same unchanged file
and day show at once, while the estate is read again; then the engine's own replace them.
A changed file, another day or a damaged snapshot show nothing early (as before)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.domain.engine import Analysis, Policy, Summary
from smartnet_tui.domain.model import Device
from smartnet_tui.domain.snapshot import Snapshot
from smartnet_tui.store import snapshot
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.tui import app as app_module
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.widgets.bars import ModeBar, SummaryBar
from smartnet_tui.tui.widgets.record_table import RecordTable

from .conftest import TODAY, SlowStore, wait_loaded, wait_until

SIZE = (100, 30)


@asynccontextmanager
async def held_load(db, size=SIZE, today=TODAY) -> AsyncIterator[tuple[SmartnetApp, Any, threading.Event]]:
    """The app started on ``db`` with its estate build held until ``gate.set()`` (always
    released at the end): ``(app, pilot, gate)``, once the load has reached the build."""
    gate = threading.Event()
    store = SlowStore(db, gate)
    app = SmartnetApp(Settings(db_path=db, today=today), store=store)
    try:
        async with app.run_test(size=size) as pilot:
            assert await asyncio.to_thread(store.entered.wait, 10)
            yield app, pilot, gate
    finally:
        gate.set()


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def rows(app) -> list[str]:
    return list(app.screen.query_one("#table", RecordTable).keys)


async def first_start(db, today=TODAY) -> tuple[list[str], str]:
    """Start the app once to the end of its load and its snapshot; the rows it showed and
    the screen's text."""
    app = SmartnetApp(Settings(db_path=db, today=today))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert await wait_until(pilot, lambda: snapshot.snapshot_path(db).exists())
        return rows(app), screen_text(app)


async def test_the_next_start_shows_the_alerts_before_the_estate_is_read(filled_db):
    shown, text = await first_start(filled_db)
    assert shown and "FOC0007GGGG" in text
    async with held_load(filled_db) as (app, pilot, gate):
        assert await wait_until(pilot, lambda: bool(rows(app)))
        assert app.analysis is None  # the estate is still being read
        assert rows(app) == shown  # the same rows, in the same order
        early = screen_text(app)
        assert "FOC0007GGGG" in early and "ORPHAN9999" in early
        header = str(app.screen.query_one(SummaryBar).render())
        assert "building the" in header  # the load goes on, and says so
        # the header's counts are the engine's of the last start
        assert header.split("at stake")[0] == text.split("at stake")[0]

        # filtering works on them; opening one waits for the records
        await pilot.press("v")  # critical only
        assert await wait_until(pilot, lambda: "severity: critical" in
                                str(app.screen.query_one(ModeBar).render()))
        await pilot.press("v", "v", "v", "v")  # back to all
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "AlertsScreen"
        assert "still loading" in str(app.screen.query_one(ModeBar).render())

        gate.set()
        await wait_loaded(pilot)
        assert app.analysis is not None and app.snapshot is None
        assert await wait_until(pilot, lambda: rows(app) == shown)
        await pilot.press("enter")  # now a detail opens
        assert await wait_until(pilot, lambda: type(app.screen).__name__ != "AlertsScreen")


async def nothing_early(db, today=TODAY) -> str:
    """Start with the load held: no row may show before the estate is read."""
    async with held_load(db, today=today) as (app, pilot, gate):
        # posted after a snapshot would have been (messages keep their order)
        assert await wait_until(pilot, lambda: "building the estate" in app.status_note)
        await pilot.pause()
        assert app.analysis is None
        early = rows(app)
        text = screen_text(app)
        gate.set()
        await wait_loaded(pilot)
        assert rows(app)  # the load itself is unaffected
        # and its snapshot is saved for the next start
        assert await wait_until(pilot, lambda: snapshot.read(
            db, snapshot.key(db, app.policy())) is not None)
        assert early == [], text
        return text


async def test_after_a_write_the_old_snapshot_is_not_shown(filled_db):
    await first_start(filled_db)
    other = Store(filled_db)
    other.apply([PutDevice(Device("NEW0000001", "C9200-24P", hostname="new-sw"))], "colleague")
    other.close()
    text = await nothing_early(filled_db)
    assert "loading" in text


async def test_on_another_day_the_old_snapshot_is_not_shown(filled_db):
    await first_start(filled_db)
    await nothing_early(filled_db, today=TODAY + timedelta(days=1))


async def test_a_damaged_snapshot_is_not_shown_and_is_replaced(filled_db):
    shown, _ = await first_start(filled_db)
    path = snapshot.snapshot_path(filled_db)
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])
    await nothing_early(filled_db)
    assert await asyncio.to_thread(lambda: path.read_bytes() == good)  # written whole again


async def test_after_a_colleagues_write_the_snapshot_follows_the_file(filled_db, monkeypatch):
    monkeypatch.setattr(app_module, "SNAPSHOT_IDLE_SECONDS", 0.05)
    app = SmartnetApp(Settings(db_path=filled_db, today=TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert await wait_until(pilot, lambda: snapshot.snapshot_path(filled_db).exists())
        other = Store(filled_db)
        other.apply([PutDevice(Device("NEW0000001", "C9200-24P", hostname="new-sw"))], "colleague")
        other.close()
        assert await wait_until(pilot, lambda: "NEW0000001" in screen_text(app))

        def current():
            return snapshot.read(filled_db, snapshot.key(filled_db, app.policy()))

        assert await wait_until(pilot, lambda: current() is not None)
    store = Store(filled_db)
    fresh = Snapshot.of(Analysis(store.load(), Policy(TODAY)))
    store.close()
    assert current() == fresh  # what a fresh load of the file computes
    assert any(a.subject == "NEW0000001" for a in fresh.alerts)


@pytest.mark.parametrize("width", [80, 100, 120, 160])
async def test_while_the_snapshot_shows_the_header_says_what_is_loading(filled_db, width):
    await first_start(filled_db)
    async with held_load(filled_db, size=(width, 30)) as (app, pilot, gate):
        assert await wait_until(pilot, lambda: bool(rows(app))
                                and "building the estate" in app.status_note)
        await pilot.pause()
        header = str(app.screen.query_one(SummaryBar).render())
        assert "building the estate..." in header, header  # whole, never cut to "…"
        assert "due 1" in header
        gate.set()
        await wait_loaded(pilot)


@pytest.mark.parametrize("width", range(80, 181, 5))
async def test_a_large_estates_counts_never_cut_the_progress_note(filled_db, width):
    """At 100k devices the counts and the money filled a 120-column header and the note
    ("building the estate...") was cut to an ellipsis: a user saw the snapshot's rows
    with nothing saying the data was still loading."""
    app = SmartnetApp(Settings(db_path=filled_db, today=TODAY))
    async with app.run_test(size=(width, 30)) as pilot:
        await wait_loaded(pilot)
        big = Summary(312, 227, 23327, 311, 3849, {"USD": Decimal("18620533.00")}, 47326, 23327)
        bar = app.screen.query_one(SummaryBar)
        bar.show("2026-12-01", big, "building the estate...")
        await pilot.pause()
        text = "\n".join(s.text for s in app.screen._compositor.render_strips()[:2])
        assert "building the estate..." in text, text


async def test_past_midnight_yesterdays_alerts_are_not_saved_as_todays(filled_db):
    """The alerts on screen were computed for the day they were computed: after midnight
    (before the clock's reload) they are not saved under the new day's key."""
    day = [TODAY]
    app = SmartnetApp(Settings(db_path=filled_db))
    app.clock = lambda: day[0]
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert await wait_until(pilot, lambda: snapshot.snapshot_path(filled_db).exists())
        dev = app.estate.devices["FOC0003CCCC"]
        assert app.submit([PutDevice(replace(dev, hostname="renamed"))], "rename")
        assert await wait_until(pilot, lambda: not app.sync.writes_pending)
        day[0] = TODAY + timedelta(days=1)  # midnight: the 30 s clock check has not run yet
        app._snapshot_now()  # the idle timer fires
        await app.workers.wait_for_complete()
        await asyncio.to_thread(app.sync.run(lambda: None).result, 10)  # the I/O queue drained
        tomorrow = Policy(TODAY + timedelta(days=1))
        assert snapshot.read(filled_db, snapshot.key(filled_db, tomorrow)) is None


async def test_a_failed_write_under_a_later_edit_is_read_again_not_saved(filled_db):
    """Two edits of one device queued, the first fails, the second is refused by its check:
    what the screens show is no longer the file. The app reads the file again, and a
    snapshot saved afterwards is the file's."""
    app = SmartnetApp(Settings(db_path=filled_db, today=TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        store = app.store
        real_apply = store.apply
        calls: list[int] = []

        def flaky(*a, **k):
            calls.append(1)
            if len(calls) == 1:
                raise StoreError(f"{filled_db}: cannot write the database (disk full)")
            return real_apply(*a, **k)

        store.apply = flaky
        gate = threading.Event()
        app.sync.run(gate.wait, 10)  # the I/O thread busy meanwhile
        dev = app.estate.devices["FOC0003CCCC"]
        assert app.submit([PutDevice(replace(dev, status="retired"))], "retire")
        dev = app.estate.devices["FOC0003CCCC"]
        assert app.submit([PutDevice(replace(dev, status="spare"))], "spare")
        gate.set()
        file_status = Store(filled_db).load().devices["FOC0003CCCC"].status
        assert await wait_until(pilot, lambda: len(calls) == 2 and not app.sync.writes_pending
                                and app.estate.devices["FOC0003CCCC"].status == file_status)
        app._snapshot_now()
        assert await wait_until(pilot, lambda: snapshot.read(
            filled_db, snapshot.key(filled_db, app.policy())) is not None)
    fresh = Store(filled_db)
    truth = Snapshot.of(Analysis(fresh.load(), Policy(TODAY)))
    fresh.close()
    assert snapshot.read(filled_db, snapshot.key(filled_db, Policy(TODAY))) == truth


@pytest.mark.parametrize("how", ["replaced", "edited by hand"])
async def test_a_file_changed_without_a_journal_entry_is_read_again(filled_db, tmp_path, how):
    """The database replaced by another file whose journal ends at the same entry (rebuilt
    from exports, then moved in), or edited by hand: no journal entry says what changed,
    so the app reads the whole file again, shows it, and any snapshot it saves is the
    file's."""
    app = SmartnetApp(Settings(db_path=filled_db, today=TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert "FOC0005EEEE" in app.estate.devices
        if how == "replaced":
            other = tmp_path / "other" / "db.json"
            other.parent.mkdir()
            store = Store(other)
            store.apply([PutDevice(Device("OTHER00001", "C9200-24P", hostname="other-sw"))],
                        "import")
            store.close()
            assert Store(other).last_journal_id() == app.sync.journal_id == 1
            os.replace(other, filled_db)
        else:
            data = filled_db.read_bytes()
            assert b'"acc-sw-05"' in data
            filled_db.write_bytes(data.replace(b'"acc-sw-05"', b'"hand-sw-5"'))
        expect = "OTHER00001" if how == "replaced" else "hand-sw-5"

        def shown() -> bool:
            if how == "replaced":
                return app.estate is not None and set(app.estate.devices) == {"OTHER00001"}
            return (app.estate is not None
                    and app.estate.devices["FOC0005EEEE"].hostname == "hand-sw-5")

        assert await wait_until(pilot, shown), expect
        app._snapshot_now()
        assert await wait_until(pilot, lambda: snapshot.read(
            filled_db, snapshot.key(filled_db, app.policy())) is not None)
    fresh = Store(filled_db)
    truth = Snapshot.of(Analysis(fresh.load(), Policy(TODAY)))
    fresh.close()
    assert snapshot.read(filled_db, snapshot.key(filled_db, Policy(TODAY))) == truth


async def test_a_lookup_while_loading_says_so_not_no_matches(filled_db):
    from textual.command import CommandList

    await first_start(filled_db)
    async with held_load(filled_db) as (app, pilot, gate):
        assert await wait_until(pilot, lambda: bool(rows(app)))  # the snapshot's rows
        await pilot.press("colon", *"foc0007")

        def hits() -> str:
            try:
                lst = app.screen.query_one(CommandList)
            except Exception:  # noqa: BLE001 - the palette not open yet
                return ""
            return " | ".join(str(lst.get_option_at_index(i).prompt)
                              for i in range(lst.option_count))

        assert await wait_until(pilot, lambda: "still loading" in hits()), hits()
        gate.set()
        await wait_loaded(pilot)
