"""Issue 14, the screens at 80x24 (and 200x50): what a user reads on each screen.

Pilot tests on the fixture database (tests/tui/conftest.py) with a fixed date; each
asserts the text on screen (the compositor's output), not internal names.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from textual.command import CommandInput, CommandPalette, SearchIcon
from textual.widgets import Select

from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.model import Contract, Device, LineSpec
from smartnet_tui.store.db import Store
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.components.dialogs import FormModal
from smartnet_tui.tui.components.help import HelpScreen
from smartnet_tui.tui.screens.detail import ContractScreen
from smartnet_tui.tui.screens.history import HistoryScreen
from smartnet_tui.tui.table_sources import Column, layout_columns
from smartnet_tui.tui.widgets.bars import ModeBar
from smartnet_tui.tui.widgets.record_table import RecordTable

from .conftest import TODAY, wait_loaded, wait_until

SIZES = {"80x24": (80, 24), "200x50": (200, 50)}


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request):
    return SIZES[request.param]


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def row_of(app, needle: str) -> str:
    """The table row on screen that shows ``needle`` (a serial, a contract number)."""
    t = table(app)
    rows = [line for line in screen_lines(app)[t.region.y + 1:t.region.bottom] if needle in line]
    assert rows, f"{needle} is not on screen:\n{screen_text(app)}"
    return rows[0]


def header_line(app) -> str:
    """The table's header line (where it is depends on the header's height)."""
    return screen_lines(app)[table(app).region.y]


def mode_line(app) -> str:
    return str(app.screen.query_one(ModeBar).render())


def table(app) -> RecordTable:
    return app.screen.query(RecordTable).first()


# ------------------------------------------------------------------------- the layout
def test_layout_drops_the_least_important_columns_first_and_keeps_the_key_column():
    cols = (
        Column("key", "Key", 20),
        Column("desc", "Desc", 60, flex=True, min=10),
        Column("a", "A", 10),
        Column("b", "B", 10, drop=1),
        Column("c", "C", 10, drop=2),
    )
    natural = [8, 30, 10, 10, 10]
    wide, more = layout_columns(cols, natural, 200, fixed=1)
    assert [i for i, _ in wide] == [0, 1, 2, 3, 4] and not more
    assert dict(wide)[1] == 60  # the descriptive column takes the rest, up to its width
    roomy, _ = layout_columns(cols, natural, 100, fixed=1)
    assert dict(roomy)[1] == 100 - 8 - 30 - 4
    narrow, more = layout_columns(cols, natural, 50, fixed=1)
    assert [i for i, _ in narrow] == [0, 1, 2, 3] and more  # C (drop=2) left first
    assert dict(narrow)[3] == 10 and dict(narrow)[2] == 10  # whole values, not cut
    narrower, _ = layout_columns(cols, natural, 40, fixed=1)
    assert [i for i, _ in narrower] == [0, 1, 2]
    # scrolled right by one: the key column stays first; the dropped columns come in
    scrolled, _ = layout_columns(cols, natural, 50, fixed=1, offset=1)
    assert scrolled[0][0] == 0 and 1 not in dict(scrolled) and 4 in dict(scrolled)


async def test_inventory_shows_pid_site_and_contracts_whole(app, size):
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        await pilot.pause()
        row = row_of(app, "FOC0003CCCC")
        for fact in ("edge-rtr-01", "lapsed", "ISR4331/K9", "PAR"):
            assert fact in row
        row = row_of(app, "FOC0007GGGG")
        for fact in ("old-sw-07", "WS-C3850-48P", "NYC", "3000 4000"):
            assert fact in row
        header = header_line(app)
        for label in ("Serial", "Hostname", "Coverage", "PID", "Site", "Contract"):
            assert label in header
        if size == (200, 50):  # room for everything
            for label in ("Until", "Days", "Status", "Crit"):
                assert label in header
            assert not table(app).hidden_right


async def test_l_scrolls_the_other_columns_and_the_serial_stays_put(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        await pilot.pause()
        t = table(app)
        assert "status" not in t.shown_columns and t.hidden_right
        before = row_of(app, "FOC0004DDDD")
        while t.hidden_right:
            await pilot.press("l")
        assert "status" in t.shown_columns and "criticality" in t.shown_columns
        row = row_of(app, "FOC0004DDDD")
        assert row.startswith("FOC0004DDDD") and "spare" in row
        assert header_line(app).startswith("Serial")
        await pilot.press("h", "h", "h", "h", "h", "h")
        assert row_of(app, "FOC0004DDDD") == before


async def test_alerts_reason_is_readable(app, size):
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        t = table(app)
        reasons = {k: t.source.alert(k).reason or t.source.alert(k).message for k in t.keys}
        text = screen_text(app)
        if size == (200, 50):  # every reason whole in its row
            for reason in reasons.values():
                assert reason in text
        # at any size, the highlighted alert's reason is shown whole under the table
        for _ in range(len(t.keys)):
            alert = t.source.alert(t.cursor_key)
            shown = " ".join(str(app.screen.query_one("#reason").render()).split())
            assert " ".join((alert.reason or alert.message).split()) in shown
            assert alert.subject in shown
            await pilot.press("j")
        # and in the table, at 80 columns the reason gets at least 40 cells
        reason_width = dict((t.columns[i].key, w) for i, w in t._shown)["message"]
        assert reason_width >= 40


async def test_contract_detail_lines_show_whole_dates(app, size):
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        app.open_contract("3000")
        await wait_until(pilot, lambda: isinstance(app.screen, ContractScreen))
        await pilot.pause()
        for serial in ("FOC0004DDDD", "FOC0006FFFF", "FOC0007GGGG", "ORPHAN9999"):
            row = row_of(app, serial)
            assert "2027-08-31" in row  # the line's end, whole
        assert "spare-sw-04" in row_of(app, "FOC0004DDDD")


async def test_contracts_show_reseller_owner_and_annual_in_its_currency(app, size):
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        row = row_of(app, "1000 ")
        for fact in ("2026-12-20", "due", "12,000", "quote requested", "ana", "Acme [red]Net"):
            assert fact in row
        header = header_line(app)
        for label in ("Contract", "End", "Renewal", "Annual", "Triage", "Owner", "Reseller"):
            assert label in header


@pytest.fixture
def currencies_db(tmp_path):
    path = tmp_path / "cur.json"
    store = Store(path)

    def c(number: str, cost: float, currency: str) -> PutContract:
        return PutContract(Contract(number, service_level="SNT", start=date(2026, 1, 1),
                                    end=date(2026, 12, 31), annual_cost=cost, currency=currency,
                                    reseller="CDW", lines=(LineSpec(f"S{number}"),)))

    store.apply([PutDevice(Device(f"S{n}")) for n in ("1", "2", "3", "4")]
                + [c("1", 22970.0, "USD"), c("2", 8400.0, "EUR"), c("3", 1000.0, "USD"),
                   c("4", 300.5, "EUR")], action="test")
    store.close()
    return path


async def test_annual_shows_its_currency_and_sorts_within_it(currencies_db):
    app = SmartnetApp(Settings(db_path=currencies_db, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        assert "USD" in row_of(app, " 22,970") and "EUR" in row_of(app, " 8,400")
        assert "EUR" in row_of(app, " 301")  # 300.50 rounded half up
        t = table(app)
        while t.columns[t.sort_column].key != "cost":
            await pilot.press("o")
        assert t.keys == ["4", "2", "3", "1"]  # EUR 301, EUR 8,400, USD 1,000, USD 22,970
        await pilot.press("O")
        assert t.keys == ["1", "3", "2", "4"]


# ------------------------------------------------------------------------- the header
async def test_header_says_what_the_money_is_and_counts_in_words(app, size):
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        lines = screen_lines(app)
        head = "\n".join(lines[:2])
        for part in ("due 1", "review 0", "lapsed 1", "uncovered 1", "wasted 1",
                     "at stake 12,000"):
            assert part in head
        assert "|" not in head
        if size == (200, 50):
            assert "(due and review renewals, yearly)" in lines[0]


async def test_header_of_an_empty_database_shows_no_zero_money(tmp_path):
    app = SmartnetApp(Settings(db_path=tmp_path / "empty.json", today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        head = "\n".join(screen_lines(app)[:2])
        assert "| 0" not in head and "at stake nothing" in head
        assert "due 0" in head


# ------------------------------------------------------------------------- the palette
async def open_palette(pilot, text: str = "") -> CommandPalette:
    app = pilot.app
    await pilot.press("colon")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
    if text:
        await pilot.press(*text)
    await wait_until(pilot, lambda: app.screen.query_one("CommandList").option_count > 0)
    await pilot.pause(0.1)
    return app.screen


async def test_palette_with_nothing_typed_lists_our_entries_not_textuals(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        palette = await open_palette(pilot)
        options = palette.query_one("CommandList")
        prompts = [str(options.get_option_at_index(i).prompt)
                   for i in range(options.option_count)]
        text = "\n".join(prompts)
        for ours in ("Go to Inventory", "Go to Contracts", "Go to Alerts", "History", "Quit"):
            assert ours in text
        for theirs in ("Maximize", "Screenshot", "Theme", "Keys\n", "Change theme"):
            assert theirs not in text + "\n"
        helps = [p.split("\n", 1)[1] for p in prompts if p.startswith("Go to")]
        assert len(helps) == 4 and len(set(helps)) == 4  # each its own help (Worklist too)


async def test_palette_quit_waits_for_saves_like_q(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await open_palette(pilot, "quit")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.return_code is not None)
        assert app.return_code == 0


async def test_palette_unknown_serial_says_so_and_offers_to_add_it(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await open_palette(pilot, "ZZZ9999")
        text = screen_text(app)
        assert "in neither the inventory nor any contract" in text
        assert "No matches found" not in text
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.values()["serial"] == "ZZZ9999"


@pytest.mark.parametrize("ascii_", [False, True], ids=["unicode", "ascii"])
async def test_palette_border_and_icon_are_visible_in_sixteen_colours(monkeypatch, settings,
                                                                      ascii_):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = SmartnetApp(replace(settings, ascii=ascii_))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert app.theme == "ansi-dark"
        palette = await open_palette(pilot)
        box = palette.query_one("#--input")
        edge, colour = box.styles.border_top
        assert edge and colour.rgb != (0, 0, 0) and colour.a > 0
        edge, colour = palette.query_one("CommandList").styles.border_bottom
        assert edge and colour.rgb != (0, 0, 0) and colour.a > 0
        icon = palette.query_one(SearchIcon)
        assert icon.styles.color.rgb != (0, 0, 0)
        assert palette.query_one(CommandInput) is not None


# ------------------------------------------------------------------------- help
async def test_help_at_80_columns_wraps_under_the_description_and_g_G_scroll(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        text = str(app.screen.query_one("#help-text").render())
        for line in text.splitlines():
            # a description or binding id never falls back to column 1
            assert not line.startswith("["), line
            if line and not line.startswith(" ") and not line.startswith("Remap"):
                assert "[" not in line, line  # only group titles start at column 1
        box = app.screen.query_one("VerticalScroll")
        assert box.max_scroll_y > 0
        await pilot.press("G")
        await wait_until(pilot, lambda: box.scroll_y == box.max_scroll_y)
        assert "Remap keys" in screen_text(app)
        await pilot.press("g")
        await wait_until(pilot, lambda: box.scroll_y == 0)
        assert "Everywhere" in screen_text(app)


# ------------------------------------------------------------------------- messages
async def test_a_saved_edit_leaves_its_row_visible(app, size):
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        table(app).move_to_key("1000")
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#f-owner").value = "zoe"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "saved" in mode_line(app))
        # the renewal is named; the new value ends the line, whole (never cut at 80 columns)
        assert "saved: triage 1000" in mode_line(app)
        assert mode_line(app).rstrip().endswith("-> quote requested")
        assert "zoe" in row_of(app, "1000 ")  # the edited row is there, not covered
        assert not app.screen.query("Toast")


@pytest.mark.parametrize(("screen", "key", "says"), [
    ("1", "t", "t (triage) is for contracts"),
    ("1", "r", "r (renew) is for contracts"),
    ("3", "s", "s (status) is for devices"),
    ("2", "v", "v (severity filter) is for alerts"),
])
async def test_a_key_of_another_screen_gives_a_one_line_hint(app, screen, key, says):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press(screen)
        before = screen_text(app)
        await pilot.press(key)
        assert says in mode_line(app)
        assert says in screen_lines(app)[app.screen.query_one(ModeBar).region.y]  # one line
        assert not isinstance(app.screen, FormModal) and "\n" not in mode_line(app)
        y = table(app).region.y
        assert before.splitlines()[y:] == screen_lines(app)[y:]  # nothing else changed


# ------------------------------------------------------------------------- history
async def test_history_shows_changes_in_words(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        table(app).move_to_key("1000")
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#f-owner").value = "bo"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not app.sync.writes_pending and "saved" in mode_line(app))
        await pilot.press("H")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen)
                         and "owner" in str(app.screen.query_one("#entry").render()))
        entry = str(app.screen.query_one("#entry").render())
        assert "~ contract 1000: renewal ending 2026-12-20: owner ana → bo" in entry
        assert "{" not in entry and "'" not in entry


def test_cli_history_shows_changes_in_words(filled_db, capsys):
    from smartnet_tui.cli import main
    from smartnet_tui.domain import edits

    store = Store(filled_db)
    estate = store.load()
    store.apply(edits.set_triage(estate, "1000", "ordered", "bo", "signed"), action="tui: triage")
    store.close()
    assert main(["--db", str(filled_db), "history"]) == 0
    out = capsys.readouterr().out
    assert "~ contract 1000: triage: state quote requested → ordered, owner ana → bo, note changed" in out
    assert "{'" not in out


# ------------------------------------------------------------------------- colleagues
async def test_a_colleagues_change_arrives_with_who_and_what(app, filled_db, monkeypatch):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        monkeypatch.setenv("SUDO_USER", "ana")  # the other writer's user name
        other = Store(filled_db)
        other.apply([PutDevice(Device("FOC0005EEEE", pid="C9200-24P", hostname="acc-sw-55",
                                      site="NYC", status="spare"))],
                    action="tui: FOC0005EEEE status active -> spare")
        other.close()
        await wait_until(pilot, lambda: "ana changed" in mode_line(app))
        assert "ana changed: FOC0005EEEE status active -> spare" in mode_line(app)
        assert "acc-sw-55" in row_of(app, "FOC0005EEEE")


async def test_our_own_edits_are_not_announced_as_a_colleagues(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        table(app).move_to_key("FOC0005EEEE")
        await pilot.press("s", "j", "enter")
        await wait_until(pilot, lambda: "saved" in mode_line(app))
        app.request_refresh("catch_up")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "changed:" not in mode_line(app)


# ------------------------------------------------------------------------- ascii
async def test_ascii_dropdowns_draw_no_triangle(settings):
    app = SmartnetApp(replace(settings, ascii=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "a")
        await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.pause()
        assert app.screen.query(Select)
        text = screen_text(app)
        assert "▼" not in text and "▲" not in text
        assert " v " in text or " v\n" in text or "v " in text


async def test_an_edit_that_lengthens_a_value_widens_its_column(app):
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        await pilot.pause()
        table(app).move_to_key("FOC0001AAAA")
        await pilot.press("s", "j", "j", "enter")  # active -> decommissioned
        await pilot.pause()  # shown at once, before the save (and any re-read) completes
        assert "decommissioned" in row_of(app, "FOC0001AAAA")


async def test_contracts_row_shows_the_triage_recorded_for_its_renewal(tmp_path):
    from smartnet_tui.domain.model import Triage

    path = tmp_path / "t.json"
    store = Store(path)
    store.apply([PutDevice(Device("S1")),
                 PutContract(Contract("77", service_level="SNT", start=date(2026, 1, 1),
                                      end=date(2026, 12, 20), lines=(LineSpec("S1"),),
                                      renewal_triage=(Triage("ordered", "wei", end=date(2026, 12, 20)),)))],
                action="test")
    store.close()
    app = SmartnetApp(Settings(db_path=path, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        row = row_of(app, "77 ")
        assert "ordered" in row and "wei" in row


def test_money_in_whole_units_rounds_half_up():
    from decimal import Decimal

    from smartnet_tui.tui.table_sources import fmt_money
    from smartnet_tui.tui.widgets.bars import _amount

    assert _amount(Decimal("8398.50"), False) == "8,399"  # not 8,398 (half to even)
    assert fmt_money(Decimal("8398.50"), "EUR") == "EUR 8,399"
    assert fmt_money(None, "EUR") == ""  # unknown stays blank, never 0
