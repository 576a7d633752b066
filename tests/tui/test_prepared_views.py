"""The tables' first views are prepared in the I/O thread while loading (issue 12): sorted,
measured, the header's counts computed. A screen shown first takes them over only while the
data is exactly as loaded; it must show what a screen building its own view shows, and an
edit (before or after it is first shown) must still show."""

from __future__ import annotations

import gc
import random
from dataclasses import replace
from datetime import date, timedelta

import orjson
import pytest

from smartnet_tui.domain.changes import (
    DeleteContract,
    DeleteDevice,
    PutContract,
    PutDevice,
    apply_changes,
)
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Device, Triage
from smartnet_tui.store.db import Store
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.screens.tables import InventoryScreen
from smartnet_tui.tui.sync import Sync
from smartnet_tui.tui.table_sources import (
    MEASURE_ROWS,
    AlertSource,
    ContractSource,
    DeviceSource,
    PreparedViews,
    Source,
    measure,
)
from smartnet_tui.tui.widgets.bars import SummaryBar
from smartnet_tui.tui.widgets.record_table import RecordTable

from .conftest import TODAY, count_data_changes, wait_loaded, wait_until

SIZE = (120, 36)
KINDS: tuple[type[Source], ...] = (DeviceSource, ContractSource, AlertSource)


def table(app) -> RecordTable:
    return app.screen.query(RecordTable).first()


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def prepared(app, kind: type[Source]) -> Source:
    assert app.last_load is not None and app.last_load.views is not None
    return app.last_load.views.sources[kind]


async def screens_seen(app) -> dict[str, str]:
    """What the user sees on Alerts, then on the first switch to Inventory and Contracts."""
    seen = {}
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        seen["3"] = screen_text(app)
        for key in ("1", "2"):
            await pilot.press(key)
            await pilot.pause()
            seen[key] = screen_text(app)
    return seen


# ------------------------------------------------------------------------- the views
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_a_prepared_view_is_the_view_a_screen_builds(filled_db, kind):
    analysis = Analysis(Store(filled_db).load(), Policy(TODAY))
    views = PreparedViews(analysis)
    source = views.source(kind, analysis)
    assert source is not None
    fresh = kind(analysis)
    column = kind.default_sort
    expected = fresh.keys()
    expected.sort(key=fresh.sort_value(column))
    assert source.view("", column, False) == expected
    widths = [0] * len(kind.columns)
    measure(fresh, expected[:MEASURE_ROWS], widths)
    assert source.widths_for(expected) == widths
    assert views.summary_for(analysis) == analysis.summary()


def test_prepared_views_are_not_handed_out_once_the_data_changed(filled_db):
    """An edit, another writer's change followed, a scenario's refresh of the real data:
    each refreshes the engine, and the views of the load are then out of date."""
    estate = Store(filled_db).load()
    analysis = Analysis(estate, Policy(TODAY))
    views = PreparedViews(analysis)
    other = Analysis(estate, Policy(TODAY))
    assert views.source(DeviceSource, other) is None  # another analysis (a scenario's, a reload)
    assert views.source(DeviceSource, None) is None
    analysis.refresh(serials={"FOC0005EEEE"})
    for kind in KINDS:
        assert views.source(kind, analysis) is None
    assert views.summary_for(analysis) is None


def test_a_sort_is_kept_until_an_edit(filled_db):
    analysis = Analysis(Store(filled_db).load(), Policy(TODAY))
    source = DeviceSource(analysis)
    first = source.view("", 1, False)
    first.reverse()  # the caller's own list: the kept one is not touched
    assert source.view("", 1, False) == sorted(first, key=source.sort_value(1))
    estate = analysis.estate
    estate.put_device(Device("AAA0000001", pid="C9200-24P", hostname="aaa-first", site="LON"))
    analysis.refresh(serials={"AAA0000001"})
    source.invalidate({"AAA0000001"})
    assert source.view("", 1, False)[0] == "AAA0000001"


def test_alerts_filters_change_the_kept_view(filled_db):
    analysis = Analysis(Store(filled_db).load(), Policy(TODAY))
    source = AlertSource(analysis).prepare()
    everything = source.view("", 0, False)
    source.min_severity = "high"
    high = source.view("", 0, False)
    assert high and len(high) < len(everything)
    assert all(source.alert(k).severity in ("critical", "high") for k in high)  # type: ignore[union-attr]
    source.min_severity = None
    assert source.view("", 0, False) == everything
    assert everything == [f"{a.kind}\x1f{a.subject}" for a in analysis.alerts()]


def test_the_load_prepares_the_views_and_leaves_the_collector_running(filled_db):
    """The load pauses the cyclic garbage collector while it builds and freezes what it
    built; the collector runs again afterwards, whether the load worked or failed."""
    assert gc.isenabled()
    sync = Sync(lambda: Store(filled_db))
    try:
        loaded = sync.load(Policy(TODAY), lambda note: None).result(timeout=30)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        assert loaded.views is not None and loaded.views.current(loaded.analysis)
        assert loaded.views.source(DeviceSource, loaded.analysis).view("", 0, False) == sorted(
            loaded.estate.devices)
        bad = Sync(lambda: Store(filled_db.parent / "not-a-directory" / "x.json"))
        (filled_db.parent / "not-a-directory").write_text("a file")
        with pytest.raises(Exception):  # noqa: B017 - whatever the store raises
            bad.load(Policy(TODAY), lambda note: None).result(timeout=30)
        bad.close()
        assert gc.isenabled()
    finally:
        sync.close()
        gc.unfreeze()


# ------------------------------------------------------------------------- the screens
async def test_first_switch_shows_what_a_screen_building_its_own_view_shows(settings, monkeypatch):
    prepared_screens = await screens_seen(SmartnetApp(settings))
    # the same app with nothing prepared: every screen sorts and measures on the event loop
    monkeypatch.setattr(PreparedViews, "source", lambda self, kind, analysis: None)
    monkeypatch.setattr(PreparedViews, "summary_for", lambda self, analysis: None)
    built_screens = await screens_seen(SmartnetApp(settings))
    assert prepared_screens == built_screens
    assert "FOC0001AAAA" in prepared_screens["1"] and "Contract" in prepared_screens["2"]


async def test_screens_take_the_prepared_views_after_a_load(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert table(app).source is prepared(app, AlertSource)
        await pilot.press("1")
        assert table(app).source is prepared(app, DeviceSource)
        assert table(app).keys == sorted(app.estate.devices)
        await pilot.press("2")
        assert table(app).source is prepared(app, ContractSource)
        assert table(app).keys == ["2000", "1000", "3000", "4000"]  # by urgency
        assert app.summary == app.analysis.summary()


async def test_an_edit_before_the_first_switch_shows_on_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        # on Alerts: a new device, and contract 3000 now ends in 9 days
        assert app.submit([PutDevice(Device("AAA0000001", pid="C9200-24P",
                                            hostname="aaa-new-sw", site="LON"))], "add")
        c3000 = app.estate.contracts["3000"]
        assert app.submit([PutContract(replace(c3000, end=date(2026, 12, 10)))], "end 3000")
        await pilot.press("1")
        assert table(app).source is not prepared(app, DeviceSource)
        assert table(app).keys[0] == "AAA0000001"
        assert "aaa-new-sw" in screen_text(app)
        assert "8 devices" in screen_text(app)
        await pilot.press("2")
        assert table(app).source is not prepared(app, ContractSource)
        assert table(app).keys == ["2000", "3000", "1000", "4000"]  # 3000 due first now
        assert table(app).source.cells("3000")[2][0] == "2026-12-10"


async def test_an_edit_after_the_first_switch_updates_the_prepared_view(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        assert table(app).source is prepared(app, DeviceSource)
        assert app.submit([PutDevice(Device("FOC0004ZZZZ", pid="C9200-24P",
                                            hostname="between-sw", site="LON"))], "add")
        keys = table(app).keys
        assert keys.index("FOC0004ZZZZ") == keys.index("FOC0004DDDD") + 1
        assert "between-sw" in screen_text(app)
        dev = app.estate.devices["FOC0006FFFF"]
        assert app.submit([PutDevice(replace(dev, status="spare"))], "spare")
        assert table(app).source.cells("FOC0006FFFF")[5][0] == "spare"
        await pilot.press("3")  # the Alerts view and the counts follow the edits too
        assert "uncovered\x1fFOC0004ZZZZ" in table(app).keys
        assert "inactive_covered\x1fFOC0006FFFF" in table(app).keys
        header = str(app.screen.query_one(SummaryBar).render())
        assert "uncovered 2" in header and "wasted 2" in header


async def test_each_change_is_shown_once_per_screen(app):
    """A table screen hears each change of the data once (it was subscribed twice: every
    edit sorted and redrew each table two times)."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        screen = app.screen
        assert isinstance(screen, InventoryScreen)
        calls = count_data_changes(screen)
        dev = app.estate.devices["FOC0005EEEE"]
        assert app.submit([PutDevice(replace(dev, hostname="once-sw"))], "rename")
        assert await wait_until(pilot, lambda: bool(calls))
        await pilot.pause()
        assert len(calls) == 1
        assert "once-sw" in screen_text(app)


async def first_switch_colours(app, theme_later: str | None = None,
                               pause: bool = True) -> tuple[object, ...]:
    """The table's and the header's colours on the first switch to Inventory (after a
    change of theme, with or without a turn of the event loop before the key)."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        if theme_later is not None:
            app.theme = theme_later
            if pause:
                await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        t = table(app)
        header = app.screen.query_one(SummaryBar)
        return (t.styles.background, t.rich_style, header.styles.background, header.rich_style)


@pytest.mark.parametrize("pause", [True, False], ids=["after-refresh", "same-turn"])
async def test_a_screen_first_shown_after_a_theme_change_has_its_colours(settings, pause):
    """The first switch skips Textual's refresh of every style while the stylesheet is
    up to date: a screen first shown after a theme change still gets the new colours."""
    started_light = await first_switch_colours(SmartnetApp(replace(settings, theme="textual-light")))
    default = await first_switch_colours(SmartnetApp(settings))
    made_light = await first_switch_colours(SmartnetApp(settings), "textual-light", pause)
    assert made_light == started_light
    assert made_light != default


# ------------------------------------------------------------------------- edits re-place rows
def generated_analysis(tmp_path) -> Analysis:
    from benchmarks.generate import generate
    from smartnet_tui.imports.planner import import_files

    src = tmp_path / "estate.json"
    src.write_bytes(orjson.dumps(generate(300, 1200, seed=3, lines_per_contract=40)))
    db = tmp_path / "generated.json"
    result = import_files(Store(db), [src])
    assert not result.errors
    return Analysis(Store(db).load(), Policy(TODAY))


def random_edit(rnd: random.Random, estate) -> list:
    """One edit as the app makes them: a device renamed, moved, retired, added or deleted,
    a contract's end or triage changed, a contract deleted."""
    serial = rnd.choice(sorted(estate.devices))
    dev = estate.devices[serial]
    number = rnd.choice(sorted(estate.contracts))
    c = estate.contracts[number]
    choice = rnd.randrange(7)
    if choice == 0:
        return [PutDevice(replace(dev, hostname=f"host-{rnd.randrange(1000)}"))]
    if choice == 1:
        return [PutDevice(replace(dev, status=rnd.choice(["active", "spare", "decommissioned"]),
                                  criticality=rnd.choice(["low", "high", "critical"])))]
    if choice == 2:
        return [PutDevice(Device(f"NEW{rnd.randrange(10**6):06d}", pid=dev.pid,
                                 hostname=f"new-{rnd.randrange(100)}", site=dev.site))]
    if choice == 3:
        return [DeleteDevice(serial)]
    if choice == 4:
        return [PutContract(replace(c, end=TODAY + timedelta(days=rnd.randrange(-90, 400))))]
    if choice == 5:
        return [PutContract(replace(c, triage=Triage(rnd.choice(["quote requested", "renew"]),
                                                     rnd.choice(["ana", "bo", None]))))]
    return [DeleteContract(number)]


@pytest.mark.parametrize("kind", [DeviceSource, ContractSource], ids=lambda k: k.__name__)
def test_after_edits_the_rows_are_where_a_whole_sort_puts_them(tmp_path, kind, monkeypatch):
    """After each edit a table places again only the rows it touched (as the app's
    Touched says); in every sort, the rows are where sorting them all puts them."""
    placed = []
    original = Source._placed

    def counted(self, *args):
        out = original(self, *args)
        placed.append(out is not None)
        return out

    monkeypatch.setattr(Source, "_placed", counted)
    analysis = generated_analysis(tmp_path)
    estate = analysis.estate
    rnd = random.Random(12)
    sources = {column: kind(analysis) for column in range(len(kind.columns))}
    for column, source in sources.items():
        source.view("", column, False)
    for _ in range(60):
        serials, contracts = apply_changes(estate, random_edit(rnd, estate))
        analysis.refresh(serials=serials, contracts=contracts)
        touched = serials | contracts | estate.contracts_of(serials)  # as the app's Touched
        for column, source in sources.items():
            source.invalidate(touched)
            fresh = kind(analysis)
            assert source.view("", column, False) == fresh.view("", column, False), (
                kind.columns[column].key)
    assert sum(placed) > len(placed) // 2  # mostly placed again, not sorted whole
