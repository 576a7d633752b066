"""Pilot tests of the fetch dialog (issue 13): ask Cisco from the app (a loopback stand-in,
tests/imports/fake_cisco.py), see progress, then the preview; nothing is written until it
is confirmed; a failure is one line and writes nothing.

The dialog is pushed directly: its key and palette entry are the app's wiring."""

from __future__ import annotations

import pytest
from imports.fake_cisco import CLIENT_ID, CLIENT_SECRET, SN2INFO, FakeCisco
from rich.text import Text

from smartnet_tui.imports import cisco_fetch
from smartnet_tui.store.db import Store
from smartnet_tui.tui.components.fetch_dialog import FetchDialog, FetchPreview

from .conftest import wait_loaded, wait_until

SIZE = (100, 30)


@pytest.fixture
def cisco(monkeypatch):
    monkeypatch.setenv("SMARTNET_CISCO_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SMARTNET_CISCO_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setattr(cisco_fetch, "_sleep", lambda s: None)
    server = FakeCisco().load_recorded().start()
    server.add_serials(["FOC0001AAAA", "FOC0002BBBB"], contract="1000", end="2027-12-20")
    monkeypatch.setenv("SMARTNET_CISCO_BASE_URL", server.url)
    monkeypatch.setenv("SMARTNET_CISCO_TOKEN_URL", server.token_url)
    try:
        yield server
    finally:
        server.stop()


def texts(app) -> str:
    out = []
    for w in app.screen.query("Static"):
        r = w.render()
        out.append(r.plain if isinstance(r, Text) else str(r))
    return "\n".join(out)


def journal(db) -> list[dict]:
    store = Store(db)
    try:
        return store.history()
    finally:
        store.close()


async def _fetch(pilot, serials: str) -> None:
    app = pilot.app
    app.push_screen(FetchDialog())
    await pilot.pause()
    app.screen.query_one("#serials").value = serials
    await pilot.press("enter")


async def test_fetch_dialog_previews_then_writes_one_entry(app, filled_db, cisco):
    before = filled_db.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _fetch(pilot, "FOC0001AAAA FOC0002BBBB")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FetchPreview))
        shown = texts(app)
        assert "Cisco Support APIs at" in shown and "of 2 serials" in shown
        assert "would change:" in shown and "end moved 2026-12-20 → 2027-12-20" in shown
        assert filled_db.read_bytes() == before  # the preview writes nothing
        await pilot.press("y")
        assert await wait_until(pilot, lambda: journal(filled_db)[-1]["action"] == "tui: fetch")
    entry = journal(filled_db)[-1]
    assert entry["detail"]["source"].startswith("Cisco Support APIs at")
    assert {r.serials[0] for r in cisco.api_requests(SN2INFO)} == {"FOC0001AAAA"}


async def test_fetch_dialog_failure_is_one_line_and_writes_nothing(app, filled_db, cisco):
    cisco.fault(SN2INFO, status=503, body=b"Service Unavailable", times=100)
    before = filled_db.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _fetch(pilot, "FOC0001AAAA")
        assert await wait_until(pilot, lambda: not app.screen.busy and "gave up" in texts(app))
        assert isinstance(app.screen, FetchDialog)
        assert "nothing imported, the database is unchanged" in texts(app)
    assert filled_db.read_bytes() == before


async def test_device_screen_says_what_to_replace_it_with(app, filled_db, cisco):
    from smartnet_tui.tui.screens.detail import DeviceScreen

    # FOC0007GGGG is a WS-C3850-48P: Cisco's EoX by serial names its replacement
    cisco.eox["FOC0007GGGG"] = [
        {**r, "EOLProductID": "WS-C3850-48P", "EOXInputValue": "FOC0007GGGG"}
        for r in cisco.eox["FOC1234X0AB"]]
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.push_screen(FetchDialog(coverage=False))
        await pilot.pause()
        app.screen.query_one("#serials").value = "FOC0007GGGG"
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FetchPreview))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: journal(filled_db)[-1]["action"] == "tui: fetch")
        assert await wait_until(pilot, lambda: app.estate.eox["WS-C3850-48P"].migration_pid is not None)
        app.push_screen(DeviceScreen("FOC0007GGGG"))
        await pilot.pause()
        info = str(app.screen.query_one("#info").render())
        assert "replace with C9300-48P-E" in info


async def test_F_fetches_previews_and_confirms_one_journal_entry(app, filled_db, cisco):
    """The app's key: F opens the dialog; fetch, preview, y: exactly one journal entry."""
    entries = len(journal(filled_db))
    before = Store(filled_db).load().contracts["1000"]
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("F")
        assert isinstance(app.screen, FetchDialog)
        await pilot.press(*"FOC0001AAAA")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FetchPreview))
        assert "end moved 2026-12-20 → 2027-12-20" in texts(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: len(journal(filled_db)) > entries)
        stored = Store(filled_db).load().contracts["1000"]
        assert stored != before  # the fetched end dates, written...
        assert await wait_until(pilot, lambda: app.estate.contracts["1000"] == stored)  # ...and shown
        assert not isinstance(app.screen, (FetchDialog, FetchPreview))
    new = journal(filled_db)[entries:]
    assert [e["action"] for e in new] == ["tui: fetch"]


async def test_fetch_from_the_palette_opens_the_dialog(app):
    from textual.command import CommandList

    def first_hit() -> str:
        lists = app.screen.query(CommandList)
        if not lists or not lists.first().option_count:
            return ""
        return str(lists.first().get_option_at_index(0).prompt)

    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("colon", *"fetch")
        assert await wait_until(pilot, lambda: "Fetch from Cisco" in first_hit()), first_hit()
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FetchDialog))


async def test_F_is_refused_until_the_database_is_loaded(app):
    async with app.run_test(size=SIZE) as pilot:
        app.analysis = None  # as at start, before the first load finished
        app.load_error = None
        app.action_fetch()
        await pilot.pause()
        assert not isinstance(app.screen, FetchDialog)
        assert any("not loaded yet" in str(n.message) for n in app._notifications)
