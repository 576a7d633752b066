"""Pilot tests of a renewal's quote and findings (QuotePanel / QuoteScreen) and of writing
the renewal request from the app (the Worklist's ``e``), on the fixture database with a
stored partner quote (issue 10)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import PutDevice, PutQuote
from smartnet_tui.domain.quotes import Quote, QuoteLine
from smartnet_tui.store.db import Store

from .conftest import TODAY, make_db, wait_loaded, wait_until

KEY = ("1000", date(2026, 12, 20))  # contract 1000: FOC0001AAAA (critical), FOC0002BBBB


def _quote() -> Quote:
    line = QuoteLine("acme.csv: row 5", "FOC0002BBBB", contract="1000", service_level="SNT",
                     start=date(2026, 12, 21), end=date(2027, 12, 20),
                     net_price=Decimal("1000"), currency="USD")
    return Quote("acme-2027", ("acme.csv",), (line,), imported="2026-12-01T09:00:00+00:00")


@pytest.fixture
def quoted_settings(tmp_path) -> Settings:
    path = make_db(tmp_path)
    store = Store(path)
    store.apply([PutQuote(_quote())], action="quote import acme-2027")
    store.close()
    return Settings(db_path=path, today=TODAY)


def _panel_text(app) -> str:
    from smartnet_tui.tui.components.quote_panel import QuotePanel

    return str(app.screen.query_one(QuotePanel).render())


async def test_the_quote_and_its_findings_on_a_renewal_recompute_live(quoted_settings):
    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.components.quote_panel import QuoteScreen

    app = SmartnetApp(quoted_settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        app.push_screen(QuoteScreen(KEY))
        await pilot.pause()
        text = _panel_text(app)
        assert "Quote acme-2027 (acme.csv, imported 2026-12-01T09:00:00+00:00)" in text
        assert "1 line on this renewal, USD 1,000.00" in text
        assert "critical missing" in " ".join(text.split())  # the critical switch left out
        assert "level_down" in text  # SNT quoted for an SNTP line
        # the critical switch becomes a spare: it is no longer to renew, so no longer missing
        device = app.estate.devices["FOC0001AAAA"]
        app.submit([PutDevice(replace(device, status="spare"))], "status")
        assert await wait_until(pilot, lambda: "missing" not in _panel_text(app))
        assert "level_down" in _panel_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, QuoteScreen)


async def test_a_renewal_without_a_quote_says_so(quoted_settings):
    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.components.quote_panel import NO_QUOTE, QuoteScreen

    app = SmartnetApp(quoted_settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        app.push_screen(QuoteScreen(("2000", date(2026, 10, 31))))
        await pilot.pause()
        assert NO_QUOTE in _panel_text(app)


async def test_writing_the_request_from_the_app(quoted_settings, tmp_path):
    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.components.dialogs import FormModal
    from smartnet_tui.tui.components.request_dialog import open_request_dialog

    out = tmp_path / "request.csv"
    app = SmartnetApp(quoted_settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        open_request_dialog(app)
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        app.screen.query_one("#f-file").value = str(out)
        app.screen.query_one("#f-target").value = "2027-02-30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "is not a date" in str(app.screen.query_one("#error").render())
        app.screen.query_one("#f-target").value = "2027-06-30"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, out.exists)
        await app.workers.wait_for_complete()
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    by_serial = {r["Serial Number"]: r for r in rows}
    assert by_serial["FOC0001AAAA"]["Requested Action"] == "renew"
    assert by_serial["FOC0001AAAA"]["Requested End Date"] == "2027-06-30"
    assert by_serial["FOC0001AAAA"]["Contract Number"] == "1000"


async def _open_item(pilot, contract: str):
    """Worklist mode (4), cursor to the contract's renewal, enter."""
    from smartnet_tui.tui.screens.worklist import WorklistScreen
    from smartnet_tui.tui.screens.worklist_item import WorklistItemScreen

    app = pilot.app
    await pilot.press("4")
    assert await wait_until(pilot, lambda: isinstance(app.screen, WorklistScreen)
                            and app.screen.current_key() is not None)
    screen = app.screen
    await pilot.press("home")
    for _ in range(len(screen.items())):
        if screen.current_key()[0] == contract:
            break
        await pilot.press("down")
    assert screen.current_key()[0] == contract
    await pilot.press("enter")
    assert await wait_until(pilot, lambda: isinstance(app.screen, WorklistItemScreen))
    return app.screen


async def test_the_worklist_item_shows_its_quote_and_f_shows_every_finding(quoted_settings):
    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.components.quote_panel import QuotePanel, QuoteScreen

    app = SmartnetApp(quoted_settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        item = await _open_item(pilot, "1000")
        panel = item.query_one("#quote", QuotePanel)
        text = str(panel.render())
        # one summary line: the quote, its lines and price here, its findings by severity
        assert panel.display and "quote acme-2027: 1 line, USD 1,000.00; findings 1 critical" in text
        assert "\n" not in text
        await pilot.press("f")
        assert await wait_until(pilot, lambda: isinstance(app.screen, QuoteScreen))
        assert "level_down" in _panel_text(app)
        await pilot.press("escape")
        await pilot.press("escape")
        item = await _open_item(pilot, "2000")  # no quote on it: no panel
        assert not item.query_one("#quote", QuotePanel).display


async def test_e_on_the_worklist_writes_the_request(quoted_settings, tmp_path):
    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.components.dialogs import FormModal
    from smartnet_tui.tui.screens.worklist import WorklistScreen

    out = tmp_path / "request.md"
    app = SmartnetApp(quoted_settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("4")
        assert await wait_until(pilot, lambda: isinstance(app.screen, WorklistScreen))
        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#f-file").value = str(out)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, out.exists)
        await app.workers.wait_for_complete()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# SMARTnet renewal request, 2026-12-01")
    assert "- renew: " in text and "## Devices that will lose support" in text


async def test_a_renewal_with_a_quote_keeps_its_header_at_80x24(quoted_settings):
    """The screen never scrolls its header away: the date, the renewal's title, its status
    and triage stay on screen with the quote shown and the lines table takes the rest."""
    from textual.widgets import Static

    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.components.quote_panel import QuotePanel
    from smartnet_tui.tui.widgets.bars import ModeBar, SummaryBar
    from smartnet_tui.tui.widgets.record_table import RecordTable

    app = SmartnetApp(quoted_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        item = await _open_item(pilot, "1000")
        await pilot.pause()
        for key in ("j", "G", "k", "pageup", "home"):
            await pilot.press(key)
            await pilot.pause()
            assert item.scroll_y == 0
            assert item.query_one(SummaryBar).region.y == 0
            assert item.query_one(ModeBar).region.y == item.query_one(SummaryBar).region.bottom
            assert "renewal 1000 ending 2026-12-20" in str(item.query_one(ModeBar).render())
            info = item.query_one("#info", Static)
            assert "state " in str(info.render()) and info.region.bottom <= 24
            assert item.query_one("#quote", QuotePanel).region.height == 1
            assert item.query_one("#lines", RecordTable).region.height >= 5


async def test_a_request_write_error_keeps_the_dialog_and_what_was_typed(quoted_settings, tmp_path):
    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.components.dialogs import FormModal
    from smartnet_tui.tui.components.request_dialog import open_request_dialog

    missing = tmp_path / "no-such-folder" / "request.csv"
    app = SmartnetApp(quoted_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        open_request_dialog(app)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormModal)
        dialog.query_one("#f-file").value = str(missing)
        dialog.query_one("#f-target").value = "2027-06-30"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "not written" in str(dialog.query_one("#error").render()))
        assert app.screen is dialog  # still open, nothing typed lost
        assert dialog.query_one("#f-file").value == str(missing)
        assert dialog.query_one("#f-target").value == "2027-06-30"
        assert not missing.exists()
        # the folder made, the same dialog writes it
        missing.parent.mkdir()
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, missing.exists)
        assert await wait_until(pilot, lambda: app.screen is not dialog)


async def test_e_on_an_empty_worklist_says_there_is_nothing_to_request(tmp_path):
    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.components.dialogs import FormModal
    from smartnet_tui.tui.screens.worklist import WorklistScreen
    from smartnet_tui.tui.widgets.bars import ModeBar

    app = SmartnetApp(Settings(db_path=make_db(tmp_path), today=date(2020, 1, 1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("4")
        assert await wait_until(pilot, lambda: isinstance(app.screen, WorklistScreen))
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        assert "nothing to request" in str(app.screen.query_one(ModeBar).render())
    assert list(tmp_path.glob("smartnet-request-*")) == []


async def test_a_renewals_history_says_how_many_more_changes_there_are(tmp_path):
    """Three state changes: the two newest are listed, then "+1 more (H for the journal)"."""
    from datetime import datetime

    from smartnet_tui.domain.engine import Analysis, Policy
    from smartnet_tui.domain.worklist import set_renewal_triage
    from smartnet_tui.tui.app import SmartnetApp

    path = make_db(tmp_path)
    store = Store(path)
    for hour, state in enumerate(("quote received", "PO raised", "ordered")):
        with store.locked():
            analysis = Analysis(store.load(), Policy(TODAY))
            changes = set_renewal_triage(analysis, "1000", state, user="carol",
                                         at=datetime(2026, 11, 30, 9 + hour).isoformat())
            store.apply(changes, f"triage 1000 {state}")
    store.close()
    app = SmartnetApp(Settings(db_path=path, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        item = await _open_item(pilot, "1000")
        await pilot.pause()
        history = " ".join(str(item.query_one("#history").render()).split())
        assert "2026-11-30T11:00:00 carol ordered" in history
        assert "2026-11-30T10:00:00 carol PO raised" in history
        assert "quote received" not in history
        assert "+1 more (H for the journal)" in history
        assert item.query_one("#history").region.height == 4  # its rule and three lines, shown
