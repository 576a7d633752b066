"""Pilot tests of ``i``: import files from the app, with a preview before anything is written."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from rich.text import Text

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.domain.model import Device
from smartnet_tui.store.db import Store
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.components.import_dialog import (
    ImportDialog,
    ImportPreview,
    Toggle,
    split_paths,
)
from smartnet_tui.tui.screens.tables import AlertsScreen, ContractsScreen, InventoryScreen
from smartnet_tui.tui.widgets.record_table import RecordTable

from .conftest import wait_loaded, wait_until

SIZE = (80, 24)
HEADER = "Serial Number,Contract Number,Service Level,Start Date,End Date\n"
# Against the fixture database: contract 1000 gets FOC0005EEEE, loses FOC0002BBBB and
# moves FOC0001AAAA's end; contract 5000 is new, on a serial the inventory does not know.
GOOD_CSV = HEADER + (
    "FOC0001AAAA,1000,SNTP,2025-12-21,2027-12-20\n"
    "FOC0005EEEE,1000,SNTP,2025-12-21,2027-12-20\n"
    "NEW0000001,5000,SNT,2026-01-01,2027-01-31\n"
)


def text_of(widget) -> str:
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def status_text(app) -> str:
    return text_of(app.screen.query_one("#status"))


def preview_text(app) -> str:
    return "\n".join(text_of(w) for w in app.screen.query("Static"))


def journal(filled_db: Path) -> list[dict]:
    store = Store(filled_db)
    try:
        return store.history()
    finally:
        store.close()


async def open_dialog(pilot, paths: str, *toggles: str) -> ImportDialog:
    """i, type the paths, switch on the named toggles (by id), enter."""
    app = pilot.app
    await pilot.press("i")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ImportDialog)
    dialog.query_one("#paths").value = paths
    order = ["replace", "add-devices"]
    for name in toggles:  # keyboard only: tab to the toggle, space
        for _ in range(order.index(name) + 1):
            await pilot.press("tab")
        await pilot.press("space")
        dialog.query_one("#paths").focus()
        await pilot.pause()
    return dialog


async def preview(pilot, paths: str, *toggles: str) -> ImportPreview:
    app = pilot.app
    await open_dialog(pilot, paths, *toggles)
    await pilot.press("enter")
    assert await wait_until(pilot, lambda: isinstance(app.screen, ImportPreview))
    return app.screen


@pytest.fixture
def good_csv(tmp_path) -> Path:
    path = tmp_path / "exports" / "cscc lines [q1].csv"  # a space and markup-like brackets
    path.parent.mkdir()
    path.write_text(GOOD_CSV)
    return path


async def test_preview_shows_counts_and_changes(app, filled_db, good_csv):
    before = filled_db.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await preview(pilot, f'"{good_csv}"')
        text = preview_text(app)
        assert "read 0 devices, 2 contracts (3 lines), 0 EoX rows from csv" in text
        assert ("would change: 2 lines added, 1 line dropped, 1 end date moved, "
                "1 contract added, 1 contract changed") in text
        assert "+ 1 contract added: 5000" in text
        assert "1 line dropped (FOC0002BBBB)" in text
        assert "2026-12-20 → 2027-12-20" in text
        assert "NEW0000001" in text and "orphan" in text  # add devices is off
        assert "cscc lines [q1].csv (csv)" in text  # the file name literally, not markup
    assert filled_db.read_bytes() == before  # a preview writes nothing


async def test_cancel_writes_nothing(app, filled_db, good_csv):
    before = filled_db.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await preview(pilot, f'"{good_csv}"')
        await pilot.press("n")  # back to the dialog, as it was
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        assert app.screen.query_one("#paths").value == f'"{good_csv}"'
        assert "Not imported" in status_text(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ImportPreview))
        await pilot.press("escape", "escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, AlertsScreen)
        assert "5000" not in app.estate.contracts
    assert filled_db.read_bytes() == before


async def test_confirm_writes_one_entry_and_the_screens_follow(app, filled_db, good_csv):
    entries = len(journal(filled_db))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await preview(pilot, f'"{good_csv}"', "add-devices")
        assert "NEW0000001" in preview_text(app) and "1 device added" in preview_text(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: "5000" in app.estate.contracts
                                and not isinstance(app.screen, (ImportDialog, ImportPreview)))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("3 changes imported" in n.message for n in app._notifications)
        c1000 = app.estate.contracts["1000"]
        assert {ln.serial for ln in c1000.lines} == {"FOC0001AAAA", "FOC0005EEEE"}
        assert c1000.triage is not None  # what the export does not carry stays
        assert "NEW0000001" in app.estate.devices
        # the analysis followed: the new device is covered, the dropped one lost its line
        assert app.analysis.coverage["NEW0000001"].status == "covered"
        await pilot.press("2")
        assert isinstance(app.screen, ContractsScreen)
        assert "5000" in app.screen.query_one(RecordTable).keys
        await pilot.press("1")
        assert isinstance(app.screen, InventoryScreen)
        assert "NEW0000001" in app.screen.query_one(RecordTable).keys
    after = journal(filled_db)
    assert len(after) == entries + 1
    entry = after[-1]
    assert entry["action"] == "tui: import"
    assert entry["detail"]["add_devices"] is True
    assert entry["detail"]["changed"]["lines_dropped"] == 1
    assert entry["detail"]["files"] == [str(good_csv)]


async def test_errors_are_listed_and_nothing_is_written(app, filled_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "FOC0001AAAA,1000,SNTP,2025-12-21,not-a-date\n"
                   "FOC0005EEEE,1000,SNTP,31-Feb-2026,2027-12-20\n")
    before = filled_db.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_dialog(pilot, str(bad))
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: "error" in status_text(app))
        text = status_text(app)
        assert "2 errors: nothing imported, the database is unchanged" in text
        assert f'{bad}: row 2, column "End Date"' in text and "'not-a-date'" in text
        assert f'{bad}: row 3, column "Start Date"' in text
        assert isinstance(app.screen, ImportDialog)  # stays open to fix the path
        await pilot.press("escape")
        await app.workers.wait_for_complete()
    assert filled_db.read_bytes() == before


async def test_missing_file_and_bad_quoting(app, filled_db, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_dialog(pilot, '"unterminated')
        await pilot.press("enter")
        await pilot.pause()
        assert "cannot read the file list" in status_text(app)
        app.screen.query_one("#paths").value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert "give at least one file" in status_text(app)
        app.screen.query_one("#paths").value = str(tmp_path / "nope.csv")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: "no such file" in status_text(app))


async def test_replace_deletes_what_the_files_no_longer_hold(app, filled_db, tmp_path):
    data = tmp_path / "estate.yaml"
    data.write_text(
        "devices:\n"
        "  - {serial: FOC0001AAAA, pid: C9300-48P, hostname: core-sw-01, site: LON,"
        " criticality: critical}\n"
        "contracts:\n"
        "  - {number: '1000', service_level: SNTP, start: 2025-12-21, end: 2026-12-20,"
        " reseller: 'Acme [red]Net', annual_cost: 12000, serials: [FOC0001AAAA]}\n"
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        # without replace: only contract 1000 changes (one line fewer)
        await preview(pilot, str(data))
        assert "removed" not in preview_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        assert app.screen.query_one("#replace", Toggle).value is False
        app.screen.query_one("#replace").focus()
        await pilot.press("space", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ImportPreview))
        text = preview_text(app)
        assert "6 devices removed" in text and "3 contracts removed" in text
        assert "options: replace" in text
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: len(app.estate.devices) == 1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert set(app.estate.contracts) == {"1000"}
        assert set(app.analysis.coverage) == {"FOC0001AAAA"}
    assert journal(filled_db)[-1]["action"] == "tui: import --replace"


async def test_nothing_to_import(app, filled_db, good_csv):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await preview(pilot, str(good_csv).replace(" ", "\\ "))  # backslash-escaped space
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: "5000" in app.estate.contracts)
        await app.workers.wait_for_complete()
        before = filled_db.read_bytes()
        await open_dialog(pilot, f'"{good_csv}"')  # the dialog remembers; same import again
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: "Nothing to import" in status_text(app))
        assert isinstance(app.screen, ImportDialog)
    assert filled_db.read_bytes() == before


async def test_another_writer_between_preview_and_confirm(app, filled_db, good_csv):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await preview(pilot, f'"{good_csv}"', "add-devices")
        # a colleague adds the new serial themselves while we read the preview
        other = Store(filled_db)
        other.apply([PutDevice(Device("NEW0000001", hostname="their-name"))], "colleague")
        other.close()
        entries = len(journal(filled_db))
        await pilot.press("enter")
        # the plan changed (the device is no longer new): shown again, nothing written yet
        assert await wait_until(pilot, lambda: isinstance(app.screen, ImportPreview)
                                and app.screen.plan.note)
        assert "changed since the preview" in preview_text(app)
        assert "device added" not in preview_text(app)
        assert len(journal(filled_db)) == entries
        await pilot.press("y")
        assert await wait_until(pilot, lambda: "5000" in app.estate.contracts)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.estate.devices["NEW0000001"].hostname == "their-name"
    assert len(journal(filled_db)) == entries + 1


async def test_import_key_is_blocked_behind_dialogs_and_listed_in_help(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        assert "app.import" in text_of(app.screen.query_one("#help-text"))
        await pilot.press("escape", "i")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        await pilot.press("i")  # typed into the path, not a second dialog
        assert app.screen.query_one("#paths").value == "i"
        assert sum(isinstance(s, ImportDialog) for s in app.screen_stack) == 1


async def test_ascii_command_palette_and_preview(settings, filled_db, good_csv):
    from textual.command import CommandInput, SearchIcon

    app = SmartnetApp(replace(settings, ascii=True))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("colon")
        assert await wait_until(pilot, lambda: [i.icon for i in app.screen.query(SearchIcon)] == [">"])
        assert app.screen.query_one(CommandInput).placeholder.isascii()
        await pilot.pause()
        line = next(ln for ln in screen_lines(app) if "Search" in ln)
        # with --ascii the input has an ASCII border: | > Search ... |
        assert line.replace("|", " ").split()[:2] == [">", "Search"] and line.isascii()
        await pilot.press("escape")
        await pilot.pause()
        await preview(pilot, f'"{good_csv}"')
        text = preview_text(app)
        assert "2026-12-20 -> 2027-12-20" in text
        assert text.isascii()


async def test_a_large_file_reports_progress(app, filled_db, tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "".join(f"SER{i:07d},7000,SNT,2026-01-01,2027-01-31\n"
                                    for i in range(20_000)))
    seen: list[tuple[int, int | None]] = []
    original = ImportDialog.progress

    def spy(self, file, rows, total):
        seen.append((rows, total))
        original(self, file, rows, total)

    monkeypatch.setattr(ImportDialog, "progress", spy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await preview(pilot, str(big))
        assert "20,000 lines added" in preview_text(app)
    assert seen and seen[0][0] > 0


def test_split_paths(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert split_paths('~/a.csv "b c.xlsx" d\\ e.json') == [
        tmp_path / "a.csv", Path("b c.xlsx"), Path("d e.json")]
    with pytest.raises(ValueError, match="at least one"):
        split_paths("  ")
    with pytest.raises(ValueError, match="cannot read"):
        split_paths("'open")


async def test_progress_from_the_reading_thread_never_waits_for_the_event_loop(app, filled_db,
                                                                                 good_csv):
    """The reader's progress callback runs on the I/O thread; while it runs, the event loop
    may itself be blocked waiting for that thread (quitting joins the I/O thread). A
    callback that waited for the loop would deadlock: it must return at once, and the
    dialog shows the rows read once the loop runs again."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        dialog = await open_dialog(pilot, f'"{good_csv}"')
        dialog.busy = True  # as while a plan is being read
        reader = threading.Thread(target=dialog.progress, args=(str(good_csv), 8192, 20000))
        reader.start()
        reader.join(timeout=5)  # blocks the event loop, as a join on quit does
        assert not reader.is_alive(), "progress() waited for the blocked event loop"
        assert await wait_until(pilot, lambda: "8,192 of 20,000 rows" in status_text(app))
        assert status_text(app) == "reading cscc lines [q1].csv: 8,192 of 20,000 rows..."
