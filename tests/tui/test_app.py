"""Pilot tests: every screen, key and edit, on a temporary database with a fixed date."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.components.dialogs import ChoiceModal, ConfirmModal, FormModal
from smartnet_tui.tui.components.help import HelpScreen
from smartnet_tui.tui.help_data import all_bindings
from smartnet_tui.tui.screens.detail import ContractScreen, DeviceScreen
from smartnet_tui.tui.screens.tables import AlertsScreen, ContractsScreen, InventoryScreen
from smartnet_tui.tui.widgets.bars import ModeBar, SummaryBar
from smartnet_tui.tui.widgets.record_table import RecordTable

from .conftest import wait_loaded, wait_until

SIZE = (80, 24)


def summary_text(app) -> str:
    return str(app.screen.query_one(SummaryBar).render())


def mode_text(app) -> str:
    return str(app.screen.query_one(ModeBar).render())


def table(app) -> RecordTable:
    return app.screen.query(RecordTable).first()


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def goto_row(pilot, key: str) -> None:
    t = table(pilot.app)
    assert t.move_to_key(key), f"{key} not shown"
    await pilot.pause()


def kinds_for(app, subject: str) -> set[str]:
    return {a.kind for a in app.analysis.alerts() if a.subject == subject}


# ------------------------------------------------------------------------- screens
async def test_opens_on_alerts_with_counts_and_date(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, AlertsScreen)
        text = summary_text(app)
        assert "2026-12-01" in text
        for part in ("due 1", "review 0", "lapsed 1", "uncovered 1", "wasted 1", "at stake 12,000"):
            assert part in text
        alerts = app.analysis.alerts()
        assert len(table(app).keys) == len(alerts)
        first = table(app).source.alert(table(app).keys[0])
        assert first == alerts[0]  # most severe first
        assert "8 alerts" in mode_text(app)


async def test_digits_switch_screens(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        assert isinstance(app.screen, InventoryScreen)
        assert len(table(app).keys) == 7
        await pilot.press("2")
        assert isinstance(app.screen, ContractsScreen)
        await pilot.press("3")
        assert isinstance(app.screen, AlertsScreen)
        assert "2026-12-01" in summary_text(app)  # the header is on every screen


async def test_contracts_sorted_by_urgency_with_columns(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        assert table(app).keys == ["2000", "1000", "3000", "4000"]
        cells = [c[0] for c in table(app).source.cells("1000")]
        assert cells[:9] == ["1000", "SNTP", "2026-12-20", "19", "due", "2", "12,000",
                             "quote requested", "ana"]
        assert cells[9] == "Acme [red]Net"


async def test_inventory_columns(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        cells = [c[0] for c in table(app).source.cells("FOC0003CCCC")]
        assert cells == ["FOC0003CCCC", "edge-rtr-01", "lapsed", "2026-10-31", "-31", "active",
                         "high", "ISR4331/K9", "PAR", ""]
        cells = [c[0] for c in table(app).source.cells("FOC0007GGGG")]
        assert cells[-1] == "3000 4000"


async def test_enter_on_alert_opens_its_device_or_contract(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_row(pilot, "lapsed\x1fFOC0003CCCC")
        await pilot.press("enter")
        assert isinstance(app.screen, DeviceScreen)
        assert app.screen.serial == "FOC0003CCCC"
        info = str(app.screen.query_one("#info").render())
        assert "LAPSED since 2026-10-31 (31 days ago)" in info
        await pilot.press("escape")
        assert isinstance(app.screen, AlertsScreen)
        await goto_row(pilot, "expiring\x1f1000")
        await pilot.press("enter")
        assert isinstance(app.screen, ContractScreen)
        assert table(app).keys and len(table(app).keys) == 2  # the devices it covers
        text = screen_text(app)
        assert "core-sw-01" in text and "lab-[bold]-sw" in text
        assert "expiring" in str(app.screen.query_one("#alerts").render())


async def test_device_detail_verdicts(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for serial, words in [
            ("FOC0001AAAA", "EXPIRING until 2026-12-20 (19 days left) by 1000"),
            ("FOC0005EEEE", "NEVER COVERED"),
            ("FOC0006FFFF", "COVERED until 2027-08-31"),
        ]:
            app.open_device(serial)
            await pilot.pause()
            assert words in str(app.screen.query_one("#info").render())
            await pilot.press("escape")
        app.open_device("FOC0007GGGG")
        await pilot.pause()
        info = str(app.screen.query_one("#info").render())
        assert "LDoS 2025-10-31" in info
        alerts = str(app.screen.query_one("#alerts").render())
        assert "end_of_support" in alerts and "beyond_ldos" in alerts
        # enter on a line opens its contract
        await pilot.press("enter")
        assert isinstance(app.screen, ContractScreen)


async def test_filter_as_you_type_and_escape(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "slash")
        assert app.focused.id == "filter"
        await pilot.press("n", "y", "c")
        assert table(app).keys == ["FOC0005EEEE", "FOC0006FFFF", "FOC0007GGGG"]
        assert "3 of 7 devices" in mode_text(app)
        await pilot.press("backspace", "backspace", "backspace", "l", "a", "p", "s")
        assert table(app).keys == ["FOC0003CCCC"]  # any column: coverage "lapsed"
        await pilot.press("enter")  # keeps the filter, back to the table
        assert isinstance(app.focused, RecordTable)
        assert "filter: laps" in mode_text(app)
        await pilot.press("escape")
        assert len(table(app).keys) == 7
        assert not app.screen.filter_text
        # escape while typing clears too
        await pilot.press("slash", "z", "z", "z")
        assert table(app).keys == []
        await pilot.press("escape")
        assert len(table(app).keys) == 7 and isinstance(app.focused, RecordTable)


async def test_filter_two_words(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "slash", *"nyc 2027")
        assert table(app).keys == ["FOC0006FFFF", "FOC0007GGGG"]


async def test_navigation_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        t = table(app)
        assert t.cursor == 0
        await pilot.press("j", "j")
        assert t.cursor == 2
        await pilot.press("k")
        assert t.cursor == 1
        await pilot.press("G")
        assert t.cursor == 6
        await pilot.press("g")
        assert t.cursor == 0
        await pilot.press("down", "end", "up", "home", "pagedown")
        assert t.cursor == 6


async def test_sort_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        t = table(app)
        assert t.sort_column == 0
        await pilot.press("o")  # hostname
        assert t.sort_column == 1
        assert t.keys[0] == "FOC0005EEEE"  # acc-sw-05
        await pilot.press("O")
        assert t.keys[0] == "FOC0004DDDD"  # spare-sw-04, reversed
        await pilot.press("less_than_sign", "O")
        assert t.sort_column == 0 and t.keys[0] == "FOC0001AAAA"
        await pilot.press("greater_than_sign", "greater_than_sign")  # coverage: worst first
        assert t.keys[0] == "FOC0003CCCC"


async def test_alert_severity_and_kind_filters(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        t = table(app)
        await pilot.press("v", "v")  # critical, then high and worse
        high = [a for a in app.analysis.alerts() if a.severity in ("critical", "high")]
        assert 0 < len(high) < len(app.analysis.alerts())
        assert len(t.keys) == len(high)
        assert "severity: high+" in mode_text(app)
        await pilot.press("v", "v", "v")  # medium, low, all
        assert len(t.keys) == 8
        await goto_row(pilot, "orphan\x1fORPHAN9999")
        await pilot.press("f")
        assert t.keys == ["orphan\x1fORPHAN9999"]
        await pilot.press("f")
        assert len(t.keys) == 8


async def test_help_lists_every_key(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for _, b in all_bindings():
            assert b.description and b.id in text
        await pilot.press("escape")
        assert isinstance(app.screen, AlertsScreen)


async def test_every_binding_has_an_id_and_description():
    ids = [b.id for _, b in all_bindings()]
    assert all(ids)
    assert all(b.description for _, b in all_bindings())


async def test_q_quits(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


# ------------------------------------------------------------------------- palette
async def palette_pick(pilot, keys: list[str], query: str, expect: str) -> None:
    """Open the palette, type, wait for the first hit to contain ``expect``, choose it."""
    from textual.command import CommandList

    await pilot.press(*keys, *query)

    def first_hit() -> str:
        try:
            lst = pilot.app.screen.query_one(CommandList)
        except Exception:  # noqa: BLE001 - palette not open yet
            return ""
        if not lst.option_count:
            return ""
        return str(lst.get_option_at_index(0).prompt)

    assert await wait_until(pilot, lambda: expect in first_hit()), first_hit()
    await pilot.press("enter")


async def test_palette_looks_up_serial_hostname_and_contract(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await palette_pick(pilot, ["colon"], "foc0006", "FOC0006FFFF")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DeviceScreen))
        assert app.screen.serial == "FOC0006FFFF"
        await pilot.press("escape")
        await palette_pick(pilot, ["ctrl+p"], "core-sw", "core-sw-01")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DeviceScreen))
        assert app.screen.serial == "FOC0001AAAA"
        await pilot.press("escape")
        await palette_pick(pilot, ["colon"], "3000", "contract")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractScreen))
        assert app.screen.number == "3000"


async def test_palette_finds_orphan_serial_on_contract_lines(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await palette_pick(pilot, ["colon"], "orphan9", "ORPHAN9999")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DeviceScreen))
        assert "not in the inventory" in str(app.screen.query_one("#info").render())


async def test_palette_jumps_to_a_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await palette_pick(pilot, ["colon"], "inventory", "Inventory")
        assert await wait_until(pilot, lambda: isinstance(app.screen, InventoryScreen))


# ------------------------------------------------------------------------- edits
def stored_device(path, serial):
    return Store(path).load().devices[serial]


def stored_contract(path, number):
    return Store(path).load().contracts.get(number)


async def wait_saved(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.sync.writes_pending == 0)


async def test_decommission_shows_waste_alert_and_undo(app, filled_db):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        await goto_row(pilot, "FOC0006FFFF")
        await pilot.press("s")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("j", "j", "enter")
        assert isinstance(app.screen, InventoryScreen)
        assert app.estate.devices["FOC0006FFFF"].status == "decommissioned"
        assert "inactive_covered" in kinds_for(app, "FOC0006FFFF")
        assert "wasted 2" in summary_text(app)
        await pilot.press("3")
        assert "inactive_covered\x1fFOC0006FFFF" in table(app).keys
        await wait_saved(pilot)
        assert stored_device(filled_db, "FOC0006FFFF").status == "decommissioned"
        journal = Store(filled_db).history()
        assert journal[-1]["action"].startswith("tui: FOC0006FFFF status")
        await pilot.press("u")
        assert app.estate.devices["FOC0006FFFF"].status == "active"
        assert "inactive_covered\x1fFOC0006FFFF" not in table(app).keys
        assert "wasted 1" in summary_text(app)
        await wait_saved(pilot)
        assert stored_device(filled_db, "FOC0006FFFF").status == "active"
        assert Store(filled_db).history()[-1]["action"].startswith("tui: undo")
        await pilot.press("u")  # nothing left to undo: a warning, no crash
        assert app.estate.devices["FOC0006FFFF"].status == "active"


async def test_status_edit_from_device_detail_updates_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.open_device("FOC0006FFFF")
        await pilot.pause()
        await pilot.press("s", "j", "enter")
        assert "spare" in str(app.screen.query_one("#info").render())
        assert "inactive_covered" in str(app.screen.query_one("#alerts").render())


async def test_escape_cancels_a_choice(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "s")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("1", "q", "escape")  # main-screen keys do nothing in a dialog
        assert isinstance(app.screen, InventoryScreen)
        assert app.estate.devices["FOC0001AAAA"].status == "active"
        assert not app.undo_stack


async def test_criticality_edit_raises_service_level_alert(app, filled_db):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        await goto_row(pilot, "FOC0006FFFF")  # covered by SNT (next business day)
        await pilot.press("c")
        await pilot.press("home", "enter")  # critical
        assert app.estate.devices["FOC0006FFFF"].criticality == "critical"
        assert "service_level" in kinds_for(app, "FOC0006FFFF")
        await wait_saved(pilot)
        assert stored_device(filled_db, "FOC0006FFFF").criticality == "critical"


async def test_triage_state_owner_note(app, filled_db):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await goto_row(pilot, "2000")
        await pilot.press("t")
        assert isinstance(app.screen, FormModal)
        app.screen.query_one("#f-state").value = "do not renew"
        await pilot.press("tab")
        owner = app.screen.query_one("#f-owner", Input)
        owner.focus()
        await pilot.press(*"bob", "tab", *"[/x] replaced by C9300", "enter")
        assert isinstance(app.screen, ContractsScreen)
        # triage belongs to the contract's first renewal (issue 8)
        tr = app.analysis.contract_status["2000"].renewals[0].triage
        assert (tr.state, tr.owner, tr.note) == ("do not renew", "bob", "[/x] replaced by C9300")
        assert table(app).source.cells("2000")[7][0] == "do not renew"
        await wait_saved(pilot)
        end = app.analysis.contract_status["2000"].renewals[0].end
        assert stored_contract(filled_db, "2000").triage_for(end).note == "[/x] replaced by C9300"
        await pilot.press("enter")
        assert "[/x] replaced by C9300" in str(app.screen.query_one("#info").render())


async def test_renew_extends_the_contract(app, filled_db):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await goto_row(pilot, "1000")
        await pilot.press("r")
        assert app.screen.query_one("#f-end", Input).value == "2027-12-20"
        await pilot.press("ctrl+s")
        st = app.analysis.contract_status["1000"]
        assert (st.end, st.renewal) == (date(2027, 12, 20), "ok")
        assert "expiring" not in kinds_for(app, "1000")
        assert "due 0" in summary_text(app)
        await wait_saved(pilot)
        assert stored_contract(filled_db, "1000").end == date(2027, 12, 20)


async def test_renew_as_a_new_contract(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.open_contract("1000")
        await pilot.pause()
        await pilot.press("r", "tab", *"1001", "tab", "enter")
        new = app.estate.contracts["1001"]
        assert new.start == date(2026, 12, 21) and new.end == date(2027, 12, 20)
        assert {ln.serial for ln in new.lines} == {"FOC0001AAAA", "FOC0002BBBB"}
        assert app.analysis.contract_status["1000"].renewal == "renewed"


async def test_renew_rejects_a_bad_date_and_keeps_the_dialog(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await goto_row(pilot, "1000")
        await pilot.press("r")
        end = app.screen.query_one("#f-end", Input)
        end.value = "31/31/2027"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, FormModal)
        assert "31/31/2027" in str(app.screen.query_one("#error").render())
        await pilot.press("escape")
        assert app.analysis.contract_status["1000"].end == date(2026, 12, 20)


async def test_cancel_contract_and_reactivate(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await goto_row(pilot, "1000")
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        assert app.estate.contracts["1000"].status == "active"
        await pilot.press("x", "y")
        assert app.analysis.contract_status["1000"].renewal == "cancelled"
        assert app.analysis.coverage["FOC0001AAAA"].status == "uncovered"
        assert "uncovered" in kinds_for(app, "FOC0001AAAA")
        await pilot.press("x", "y")
        assert app.analysis.contract_status["1000"].renewal == "due"


async def test_terminate_a_line(app, filled_db):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.open_contract("3000")
        await pilot.pause()
        t = table(app)
        key = next(k for k in t.keys if t.source.cells(k)[0][0] == "FOC0004DDDD")
        t.move_to_key(key)
        await pilot.press("T", "y")
        assert app.analysis.coverage["FOC0004DDDD"].status == "uncovered"
        assert "inactive_covered" not in kinds_for(app, "FOC0004DDDD")
        assert "terminated" in [c[0] for c in table(app).source.cells(key)]
        await wait_saved(pilot)
        spec = stored_contract(filled_db, "3000").lines[0]
        assert (spec.serial, spec.status) == ("FOC0004DDDD", "terminated")


async def test_add_device_and_contract(app, filled_db):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "a")
        await pilot.press(*"new0001", "tab", *"new-sw-[x]", "tab", *"C9300-24T", "tab", *"LON")
        await pilot.press("ctrl+s")
        assert app.estate.devices["NEW0001"].hostname == "new-sw-[x]"
        assert "uncovered" in kinds_for(app, "NEW0001")
        assert "NEW0001" in table(app).keys
        await pilot.press("2", "a")
        await pilot.press(*"5000", "tab", *"24x7x4", "tab", "tab", *"2027-11-30", "tab",
                          *"Initech", "tab", *"1,200", "tab", *"new0001 FOC0005EEEE", "enter")
        c = app.estate.contracts["5000"]
        assert c.annual_cost == 1200.0 and len(c.lines) == 2
        assert app.analysis.coverage["NEW0001"].status == "covered"
        assert "uncovered" not in kinds_for(app, "FOC0005EEEE")
        await wait_saved(pilot)
        assert stored_contract(filled_db, "5000") is not None
        # a duplicate is refused in the dialog
        await pilot.press("a", *"5000", "tab", "tab", "tab", *"2027-01-01", "ctrl+s")
        assert "already exists" in str(app.screen.query_one("#error").render())


async def test_failed_write_rolls_back_and_notifies(app, monkeypatch):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)

        def boom(*a, **k):
            raise StoreError("disk full")

        monkeypatch.setattr(app.store, "apply", boom)
        await pilot.press("1")
        await goto_row(pilot, "FOC0006FFFF")
        await pilot.press("s", "j", "j", "enter")
        await wait_saved(pilot)
        assert app.estate.devices["FOC0006FFFF"].status == "active"
        assert not app.undo_stack
        assert any("disk full" in n.message for n in app._notifications)


# ------------------------------------------------------------------------- live data
async def test_reloads_when_another_process_writes_keeping_cursor_and_filter(app, filled_db):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "slash", *"nyc", "enter")
        await goto_row(pilot, "FOC0006FFFF")
        other = Store(filled_db)
        dev = other.load().devices["FOC0006FFFF"]
        from dataclasses import replace

        other.apply([PutDevice(replace(dev, hostname="renamed-sw", status="spare"))], "other admin")
        assert await wait_until(pilot, lambda: app.estate.devices["FOC0006FFFF"].hostname == "renamed-sw")
        assert app.screen.filter_text == "nyc"
        assert table(app).cursor_key == "FOC0006FFFF"
        assert table(app).source.cells("FOC0006FFFF")[1][0] == "renamed-sw"
        assert "inactive_covered" in kinds_for(app, "FOC0006FFFF")


async def test_undo_refuses_when_the_record_changed_elsewhere(app, filled_db):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        await goto_row(pilot, "FOC0006FFFF")
        await pilot.press("s", "j", "enter")
        await wait_saved(pilot)
        other = Store(filled_db)
        from dataclasses import replace

        dev = other.load().devices["FOC0006FFFF"]
        other.apply([PutDevice(replace(dev, status="decommissioned"))], "other admin")
        assert await wait_until(pilot, lambda: app.estate.devices["FOC0006FFFF"].status == "decommissioned")
        await pilot.press("u")
        await wait_saved(pilot)
        assert app.estate.devices["FOC0006FFFF"].status == "decommissioned"


async def test_watch_reimports_a_changed_file(tmp_path, filled_db):
    from smartnet_tui.config import Settings

    src = tmp_path / "devices.yaml"
    src.write_text("devices:\n  - serial: FOC0005EEEE\n    hostname: acc-sw-05\n    pid: C9200-24P\n"
                   "    site: NYC\n")
    app = SmartnetApp(Settings(db_path=filled_db, today=date(2026, 12, 1), watch=(src,)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        src.write_text("devices:\n  - serial: FOC0005EEEE\n    hostname: acc-sw-05\n    pid: C9200-24P\n"
                       "    site: NYC\n    status: spare\n")
        assert await wait_until(pilot, lambda: app.estate.devices["FOC0005EEEE"].status == "spare")
        assert "uncovered" not in kinds_for(app, "FOC0005EEEE")
        src.write_text("devices:\n  - serial: FOC0005EEEE\n    status: broken\n")
        assert await wait_until(pilot, lambda: any("not imported" in (n.title or "")
                                                    for n in app._notifications))
        assert app.estate.devices["FOC0005EEEE"].status == "spare"


async def test_midnight_rollover_recomputes(filled_db):
    from smartnet_tui.config import Settings

    app = SmartnetApp(Settings(db_path=filled_db, today=None))
    day = [date(2026, 12, 20)]
    app.clock = lambda: day[0]
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.analysis.contract_status["1000"].days_left == 0
        assert "2026-12-20" in summary_text(app)
        day[0] = date(2026, 12, 21)
        app._check_clock()
        assert await wait_until(pilot, lambda: app.analysis.policy.today == date(2026, 12, 21))
        assert app.analysis.contract_status["1000"].renewal == "expired"
        assert "2026-12-21" in summary_text(app)
        assert "lapsed" in kinds_for(app, "FOC0001AAAA")


async def test_unreadable_database_is_reported_not_a_crash(tmp_path):
    from smartnet_tui.config import Settings

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    app = SmartnetApp(Settings(db_path=bad, today=date(2026, 12, 1)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.load_error
        assert "cannot read the database" in screen_text(app)
        await pilot.press("1", "2", "slash", "x", "escape", "u")


# ------------------------------------------------------------------------- data is text
async def test_markup_in_data_is_shown_literally(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        assert "lab-[bold]-sw" in screen_text(app)
        app.open_device("FOC0006FFFF")
        await pilot.pause()
        assert "rack 4 [/x] (old)" in screen_text(app)
        app.open_contract("1000")
        await pilot.pause()
        text = screen_text(app)
        assert "[/x] ask for co-term" in text and "Acme [red]Net" in text
        await pilot.press("escape", "escape")
        await palette_pick(pilot, ["colon"], "lab-[", "lab-[bold]-sw")


async def test_control_characters_never_reach_the_terminal(tmp_path):
    from smartnet_tui.config import Settings
    from smartnet_tui.domain.model import Device

    path = tmp_path / "db.json"
    Store(path).apply([PutDevice(Device("EVIL1", hostname="x\x1b[2Jy\tz\n"))], "test")
    app = SmartnetApp(Settings(db_path=path, today=date(2026, 12, 1)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        text = screen_text(app)
        assert "\x1b" not in text and "x\\x1b[2Jy\\tz\\n" in text  # shown escaped (issue 11)


# ------------------------------------------------------------------------- terminals
async def test_keymap_file_remaps_keys(tmp_path, monkeypatch, settings):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keymap]\n"app.inventory" = "i"\n"table.down" = "down,n"\n"nope" = "x"\n')
    monkeypatch.setenv("SMARTNET_KEYMAP", str(keymap))
    app = SmartnetApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, InventoryScreen)
        await pilot.press("n")
        assert table(app).cursor == 1
        assert app.keymap_problems and "nope" in app.keymap_problems[0]


async def test_one_remap_moves_an_edit_key_in_the_list_and_the_detail(tmp_path, monkeypatch,
                                                                      settings):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keymap]\n"device.status" = "S"\n"contract.renew" = "R"\n')
    monkeypatch.setenv("SMARTNET_KEYMAP", str(keymap))
    app = SmartnetApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert not app.keymap_problems
        await pilot.press("1", "s")
        assert isinstance(app.screen, InventoryScreen)  # s no longer changes the status
        await pilot.press("S")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape", "enter")
        assert isinstance(app.screen, DeviceScreen)
        await pilot.press("s")
        assert isinstance(app.screen, DeviceScreen)
        await pilot.press("S")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape", "escape", "2", "r")
        assert isinstance(app.screen, ContractsScreen)
        await pilot.press("R")
        assert isinstance(app.screen, FormModal)
        await pilot.press("escape", "enter")
        assert isinstance(app.screen, ContractScreen)
        await pilot.press("R")
        assert isinstance(app.screen, FormModal)


async def test_ascii_and_sixteen_colours(settings):
    from dataclasses import replace

    app = SmartnetApp(replace(settings, ascii=True))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.has_class("-ascii")
        assert table(app).ascii
        text = screen_text(app)
        assert "Severity^" in text
        await pilot.press("1", "s")
        assert "╭" not in screen_text(app)


async def test_sixteen_colour_terminal_gets_the_ansi_theme(monkeypatch, settings):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = SmartnetApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.theme == "ansi-dark"


async def test_truecolor_terminal_keeps_the_default_theme(settings):
    app = SmartnetApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.theme != "ansi-dark"


async def test_no_color_environment(monkeypatch, settings):
    monkeypatch.setenv("NO_COLOR", "1")
    app = SmartnetApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.no_color
        assert "2026-12-01" in summary_text(app)
        # what is rendered, not the theme's name: the terminal's own colours, never black
        # on black (tests/tui/test_no_color.py checks every cell and the cursor row)
        for strip in app.screen._compositor.render_strips():
            for seg in strip:
                if seg.text.strip() and seg.style is not None:
                    assert seg.style.color is None or seg.style.color.is_default, seg
                    assert seg.style.bgcolor is None or seg.style.bgcolor.is_default, seg


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (200, 60)])
async def test_every_screen_renders_at_any_size(app, size):
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        steps = [
            (["1"], lambda: "FOC0003CCCC"),
            (["2"], lambda: "2000"),
            (["3"], lambda: "ORPHAN9999"),
            (["1", "enter"], lambda: app.screen.serial),
            (["escape", "2", "enter"], lambda: app.screen.number),
            (["question_mark"], lambda: "Keys"),
        ]
        for keys, expected in steps:
            await pilot.press(*keys)
            await pilot.pause()
            assert expected() in screen_text(app), keys


async def test_history_shows_the_journal_with_app_edits(app):
    from smartnet_tui.tui.screens.history import HistoryScreen

    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "s", "j", "enter")
        await wait_saved(pilot)
        await pilot.press("H")
        assert isinstance(app.screen, HistoryScreen)
        assert await wait_until(pilot, lambda: len(table(app).keys) == 2)
        entry = str(app.screen.query_one("#entry").render())
        assert "tui: FOC0001AAAA status active -> spare" in entry
        assert "status active → spare" in entry
        await pilot.press("j")
        assert "7 devices added" in str(app.screen.query_one("#entry").render())
        await pilot.press("escape")
        assert isinstance(app.screen, InventoryScreen)
