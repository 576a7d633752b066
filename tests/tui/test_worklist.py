"""Pilot tests of the Worklist mode (``4``, issue 8): the items most urgent first with the
header counting them by state, an item's lines with their dispositions and reasons and its
history, ``t`` setting state, owner and note (journaled, checked against the record the
dialog showed), and another process's triage showing within 2 s."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, datetime

import pytest

from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import PutContract
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Contract, LineSpec
from smartnet_tui.domain.worklist import set_renewal_triage
from smartnet_tui.store.db import Store

from .conftest import TODAY, estate_changes, wait_loaded, wait_until

# Beside the fixture estate (1000 due, 2000 expired, 3000 ok, 4000 not needed): a contract
# whose line for acc-sw-05 ends before the contract, so it has two renewals.
EXTRA = PutContract(Contract(
    "5000", service_level="SNTP", start=date(2026, 7, 1), end=date(2027, 6, 30), reseller="Globex",
    currency="EUR", annual_cost=4000.0,
    lines=(LineSpec("FOC0005EEEE", end=date(2027, 2, 15)), LineSpec("FOC0006FFFF"))))


def make_worklist_db(directory):
    path = directory / "smartnet.json"
    store = Store(path)
    store.apply([*estate_changes(), EXTRA], action="test fixture")
    store.close()
    return path


@pytest.fixture
def wl_db(tmp_path):
    return make_worklist_db(tmp_path)


@pytest.fixture
def wl_app(wl_db):
    from smartnet_tui.tui.app import SmartnetApp

    return SmartnetApp(Settings(db_path=wl_db, today=TODAY))


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def rows(app) -> list[str]:
    """The table's rows as shown (the lines under the table's header)."""
    lines = screen_text(app).splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(("Status", "Serial")))
    out = []
    for ln in lines[start + 1:-1]:  # the footer is last
        if ln.startswith(("\u2500", " ")):  # the item screen's panels under its table
            break
        if ln.strip():
            out.append(ln)
    return out


def stored_triage(db, number, end):
    return Store(db).load().contracts[number].triage_for(end)


async def open_worklist(pilot):
    await wait_loaded(pilot)
    await pilot.press("4")
    await pilot.pause()


async def test_the_items_most_urgent_first_and_counted_by_state(wl_app):
    from smartnet_tui.tui.screens.worklist import WorklistScreen

    async with wl_app.run_test(size=(80, 24)) as pilot:
        await open_worklist(pilot)
        assert isinstance(wl_app.screen, WorklistScreen)
        text = screen_text(wl_app)
        assert " 4 Worklist " in text and "3 renewals  to decide (a: all)" in text
        assert "by state  to review 2  quote requested 1" in text
        shown = rows(wl_app)
        assert [r.split()[0] for r in shown] == ["expired", "due", "review"]
        assert "2026-10-31" in shown[0] and "2000" in shown[0] and "1 renew" in shown[0]
        assert "quote requested" in shown[1] and "USD 12,000" not in shown[1]  # no currency: none invented
        assert "12,000" in shown[1] and "2 renew" in shown[1]
        assert "5000" in shown[2] and "2027-02-15" in shown[2]
        assert "EUR" in shown[2]  # the cost with its currency
        # the line counts whole rather than Level, Days and Owner: a › says they are there
        # and l brings them in
        header = wl_app.screen.query_one("RecordTable").render_line(0).text
        assert header.rstrip().endswith("›") and "Days" not in header
        await pilot.press("l")
        await pilot.pause()
        header = wl_app.screen.query_one("RecordTable").render_line(0).text
        assert "Days" in header and "‹" in header
        assert " 76 " in rows(wl_app)[2]
        await pilot.press("h")
        assert wl_app.screen.current_key() == ("2000", date(2026, 10, 31))
        # a: every renewal (ok and not needed too), in worklist order
        await pilot.press("a")
        shown = rows(wl_app)
        assert [r.split()[0] for r in shown] == ["expired", "due", "review", "ok", "renewed", "renewed"]
        assert "6 renewals  all" in screen_text(wl_app)
        await pilot.press("a")
        assert len(rows(wl_app)) == 3


async def test_enter_opens_an_item_with_its_lines_dispositions_and_reasons(wl_app):
    from smartnet_tui.tui.screens.worklist import WorklistScreen
    from smartnet_tui.tui.screens.worklist_item import WorklistItemScreen

    async with wl_app.run_test(size=(100, 30)) as pilot:
        await open_worklist(pilot)
        await pilot.press("a", "j", "j", "j", "enter")  # 3000, ok: a spare, an orphan, an old switch
        assert isinstance(wl_app.screen, WorklistItemScreen)
        assert wl_app.screen.item().contract == "3000"
        text = screen_text(wl_app)
        assert "renewal 3000 ending 2027-08-31" in text
        assert "OK  deadline 2027-08-31 (in 273 days)" in text
        assert "4 lines: 1 renew, 2 drop, 1 replace" in text
        shown = rows(wl_app)
        # by what to do: to renew first
        assert [r.split()[0] for r in shown] == ["FOC0006FFFF", "FOC0007GGGG", "FOC0004DDDD",
                                                 "ORPHAN9999"]
        assert "replace" in shown[1]
        await pilot.press("j")  # the highlighted line whole, under the table
        assert ("FOC0007GGGG old-sw-07 WS-C3850-48P normal: replace, WS-C3850-48P last date of "
                "support 2025-10-31; annual 750.00 (share)") in " ".join(screen_text(wl_app).split())
        assert "drop" in shown[2] and "spare" in shown[2]
        assert "(not in in" in shown[3] and "not in the inventory" in shown[3]
        await pilot.press("escape")
        assert isinstance(wl_app.screen, WorklistScreen)
        await pilot.press("a", "g", "j", "enter")  # 1000: two lines to renew, the legacy triage
        text = screen_text(wl_app)
        assert "DUE  deadline 2026-12-20 (in 19 days)" in text
        assert "state quote requested  owner ana" in text
        assert "[/x] ask for co-term" in text  # markup shown as text
        assert "2 lines: 2 renew" in text
        assert sum("renew" in r.split() for r in rows(wl_app)) == 2
        assert "history no state change recorded" in text
        await pilot.press("enter")  # a line opens its device
        assert wl_app.screen.__class__.__name__ == "DeviceScreen"


async def test_t_sets_state_owner_and_note_and_everything_follows(wl_app, wl_db):
    from smartnet_tui.tui.components.dialogs import FormModal
    from smartnet_tui.tui.screens.worklist_item import WorklistItemScreen

    async with wl_app.run_test(size=(80, 24)) as pilot:
        await open_worklist(pilot)
        await pilot.press("t")  # on 2000, expired, to review
        assert isinstance(wl_app.screen, FormModal)
        assert "Triage 2000, renewal ending 2026-10-31" in screen_text(wl_app)
        wl_app.screen.query_one("#f-state").value = "quote received"
        wl_app.screen.query_one("#f-owner").value = "bob"
        wl_app.screen.query_one("#f-note").value = "Q-1234"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: stored_triage(wl_db, "2000", date(2026, 10, 31))
                                is not None)
        await wl_app.workers.wait_for_complete()
        saved = stored_triage(wl_db, "2000", date(2026, 10, 31))
        assert (saved.state, saved.owner, saved.note) == ("quote received", "bob", "Q-1234")
        assert [(e.user, e.state) for e in saved.history] == [("tester", "quote received")]
        assert Store(wl_db).history()[-1]["action"].startswith("tui: triage 2000")
        # the row and the header follow at once
        assert "quote received" in rows(wl_app)[0]
        await pilot.press("l", "l")  # Owner is the last column in at 80
        await pilot.pause()
        assert "bob" in rows(wl_app)[0]
        await pilot.press("h", "h")
        assert "by state  to review 1  quote requested 1  quote received 1" in screen_text(wl_app)
        # the item shows the new state and its history
        await pilot.press("enter")
        assert isinstance(wl_app.screen, WorklistItemScreen)
        text = screen_text(wl_app)
        assert "state quote received  owner bob  note Q-1234" in text
        assert "tester  quote received" in text
        # u undoes it, in the file too
        await pilot.press("u")
        assert await wait_until(pilot, lambda: stored_triage(wl_db, "2000", date(2026, 10, 31))
                                is None)
        assert "state to review" in screen_text(wl_app)


async def test_the_dialog_saves_nothing_over_a_change_made_while_it_was_open(wl_app, wl_db):
    from smartnet_tui.tui.components.dialogs import FormModal

    async with wl_app.run_test(size=(80, 24)) as pilot:
        await open_worklist(pilot)
        await pilot.press("t")
        assert isinstance(wl_app.screen, FormModal)
        # another admin triages the same renewal while the dialog is open
        other_triage(wl_db, "2000", "PO raised", owner="carol")
        assert await wait_until(pilot, lambda: wl_app.analysis.renewal(
            "2000", date(2026, 10, 31)).state == "PO raised")
        wl_app.screen.query_one("#f-state").value = "do not renew"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await wl_app.workers.wait_for_complete()
        saved = stored_triage(wl_db, "2000", date(2026, 10, 31))
        assert (saved.state, saved.owner) == ("PO raised", "carol")
        # refused under the lock against what the dialog showed, naming who changed it
        assert await wait_until(pilot, lambda: any(
            "contract 2000 was changed by another process" in str(n.message) and "not saved" in str(n.message)
            for n in wl_app._notifications))
        assert "PO raised" in rows(wl_app)[0]


async def test_a_write_the_app_has_not_followed_yet_is_not_overwritten(wl_app, wl_db):
    from smartnet_tui.tui.components.dialogs import FormModal

    async with wl_app.run_test(size=(80, 24)) as pilot:
        await open_worklist(pilot)
        await pilot.press("t")
        assert isinstance(wl_app.screen, FormModal)
        wl_app.screen.query_one("#f-state").value = "ordered"
        # another process writes, and the dialog is saved in the same event-loop turn,
        # before the app's poll could follow it: the store's check refuses the write
        other_triage(wl_db, "2000", "PO raised", owner="carol")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: any("changed by another process" in str(n.message)
                                                   for n in wl_app._notifications))
        saved = stored_triage(wl_db, "2000", date(2026, 10, 31))
        assert (saved.state, saved.owner) == ("PO raised", "carol")
        assert await wait_until(pilot, lambda: "PO raised" in rows(wl_app)[0])


def other_triage(db, number, state, owner=None):
    """Another admin's triage, written straight to the file as another smartnet would."""
    store = Store(db)
    with store.locked():
        analysis = Analysis(store.load(), Policy(TODAY))
        changes = set_renewal_triage(analysis, number, state, owner=owner, user="carol",
                                     at=datetime(2026, 12, 1, 9, 30).isoformat())
        store.apply(changes, f"triage {number}")
    store.close()


async def test_another_process_triage_shows_within_two_seconds(wl_app, wl_db):
    from smartnet_tui.tui.screens.worklist_item import WorklistItemScreen

    async with wl_app.run_test(size=(80, 24)) as pilot:
        await open_worklist(pilot)
        await pilot.press("j", "j", "enter")  # 5000's early renewal, in review
        assert isinstance(wl_app.screen, WorklistItemScreen)
        assert "state to review" in screen_text(wl_app)
        done = subprocess.run(
            [sys.executable, "-m", "smartnet_tui", "--db", str(wl_db), "--today", "2026-12-01",
             "triage", "5000", "--end", "2027-02-15", "ordered", "--owner", "dana"],
            capture_output=True, text=True, timeout=60, env={**__import__("os").environ,
                                                            "USER": "dana"})
        assert done.returncode == 0, done.stderr
        started = time.monotonic()
        assert await wait_until(pilot, lambda: "state ordered  owner dana" in screen_text(wl_app))
        assert time.monotonic() - started < 2.0
        assert "dana  ordered" in screen_text(wl_app)  # the history names who
        await pilot.press("escape")
        assert "ordered" in rows(wl_app)[2]
        assert "by state  to review 1  quote requested 1  ordered 1" in screen_text(wl_app)


async def test_a_renewal_that_no_longer_exists_says_so(wl_app, wl_db):
    from smartnet_tui.tui.screens.worklist_item import WorklistItemScreen

    async with wl_app.run_test(size=(80, 24)) as pilot:
        await open_worklist(pilot)
        await pilot.press("enter")  # 2000, ending 2026-10-31
        assert isinstance(wl_app.screen, WorklistItemScreen)
        contract = wl_app.estate.contracts["2000"]
        wl_app.submit([PutContract(replace(contract, end=date(2027, 10, 31)))], "renew 2000")
        assert await wait_until(pilot, lambda: "has no renewal ending 2026-10-31 any more"
                                in screen_text(wl_app))
        await pilot.press("t")  # nothing to triage: said, no dialog
        assert isinstance(wl_app.screen, WorklistItemScreen)


async def test_t_is_the_worklists_own_key_and_help_lists_it(wl_app):
    from smartnet_tui.tui.components.dialogs import FormModal
    from smartnet_tui.tui.help_data import all_bindings

    groups = {(group, b.id) for group, b in all_bindings()}
    assert ("Worklist", "worklist.triage") in groups and ("Everywhere", "app.worklist") in groups
    async with wl_app.run_test(size=(80, 24)) as pilot:
        await open_worklist(pilot)
        await pilot.press("t")
        assert isinstance(wl_app.screen, FormModal)  # not "t is for contracts"
