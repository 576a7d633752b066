"""Pure parts of the TUI: following the journal, edits, views, the key map and its docs."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from smartnet_tui.domain import edits
from smartnet_tui.domain.changes import DeleteDevice, PutContract, PutDevice
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.store.db import Store
from smartnet_tui.store.journal import changes_since
from smartnet_tui.tui.help_data import all_bindings, binding_ids
from smartnet_tui.tui.keymap import load_keymap
from smartnet_tui.tui.table_sources import DeviceSource, clean

from .conftest import TODAY, make_db

ROOT = Path(__file__).resolve().parents[2]


def test_replay_follows_the_journal(tmp_path):
    db = make_db(tmp_path)
    store = Store(db)
    estate = store.load()
    first = store.history()[-1]["id"]
    from dataclasses import replace

    d = estate.devices["FOC0001AAAA"]
    store.apply([PutDevice(replace(d, hostname="x"))], "a")
    store.apply([DeleteDevice("FOC0005EEEE")], "b")
    changes, last = Store(db).changes_since(first)
    assert last == first + 2 == Store(db).last_journal_id()
    assert changes == [PutDevice(replace(d, hostname="x")), DeleteDevice("FOC0005EEEE")]
    assert Store(db).changes_since(last) == ([], last)


def test_replay_refuses_a_journal_that_does_not_connect():
    raw = {"journal": {"5": {"changes": []}, "7": {"changes": []}}}
    assert changes_since(raw, 5) is None  # a gap
    assert changes_since(raw, 9) is None  # a newer database than the file
    assert changes_since({"journal": {"1": {"changes": []}}}, 3) is None


def analysis(tmp_path) -> Analysis:
    return Analysis(Store(make_db(tmp_path)).load(), Policy(TODAY))


def test_renew_extends_lines_that_ended_with_the_contract(tmp_path):
    a = analysis(tmp_path)
    (ch,) = edits.renew(a, "1000", date(2027, 12, 20))
    assert isinstance(ch, PutContract) and ch.contract.end == date(2027, 12, 20)
    with pytest.raises(edits.EditError, match="after the current end"):
        edits.renew(a, "1000", date(2026, 1, 1))
    with pytest.raises(edits.EditError, match="already exists"):
        edits.renew(a, "1000", date(2027, 12, 20), new_number="3000")


def test_edit_validation(tmp_path):
    a = analysis(tmp_path)
    e = a.estate
    with pytest.raises(edits.EditError):
        edits.set_device_status(e, "FOC0001AAAA", "broken")
    with pytest.raises(edits.EditError):
        edits.set_device_status(e, "NOPE", "spare")
    with pytest.raises(edits.EditError):
        edits.set_triage(e, "1000", "maybe")
    assert edits.set_triage(e, "1000", None)[0].contract.triage is None
    for bad in ("lots", "nan", "inf", "-5"):
        with pytest.raises(edits.EditError, match="not an amount"):
            edits.add_contract(e, "9", date(2027, 1, 1), annual_cost=bad)
    with pytest.raises(edits.EditError, match="before the start"):
        edits.add_contract(e, "9", date(2027, 1, 1), start=date(2027, 2, 1))
    (ch,) = edits.add_contract(e, "9", date(2027, 1, 1), serials="a1, a1 b2")
    assert [ln.serial for ln in ch.contract.lines] == ["A1", "B2"]
    with pytest.raises(edits.EditError, match="already in the inventory"):
        edits.add_device(e, " foc0001aaaa ")
    with pytest.raises(edits.EditError):
        edits.parse_day("31/07/2026", "end")  # month first by default: impossible


def test_clean_makes_data_one_printable_line():
    assert clean("a\x1b[31mb\tc\nd") == "a\\x1b[31mb\\tc\\nd"  # escaped, on one line (issue 11)
    assert clean("x\u202ey") == "x\\u202ey"  # a bidi override too
    assert clean("[bold]x[/]") == "[bold]x[/]"
    assert clean(None) == ""


def test_filter_and_sort_over_the_engine(tmp_path):
    src = DeviceSource(analysis(tmp_path))
    assert src.view("nyc", 0, False) == ["FOC0005EEEE", "FOC0006FFFF", "FOC0007GGGG"]
    assert src.view("", 2, False)[0] == "FOC0003CCCC"  # worst coverage first
    assert src.view("LAB-[BOLD]", 0, False) == ["FOC0002BBBB"]


def test_keymap_problems_are_reported(tmp_path):
    bad = tmp_path / "k.toml"
    bad.write_text("[keymap\n")
    assert load_keymap(bad, known=binding_ids())[0] == {} and "not valid TOML" in load_keymap(bad, known=binding_ids())[1][0]
    good = tmp_path / "g.toml"
    good.write_text('[keymap]\n"app.quit" = ["ctrl+q", "Q"]\n"table.down" = ""\n')
    keymap, problems = load_keymap(good, known=binding_ids())
    assert keymap == {"app.quit": "ctrl+q,Q"} and "table.down" in problems[0]
    assert load_keymap(tmp_path / "missing.toml", known=binding_ids()) == ({}, [])


def test_docs_list_every_binding_id():
    doc = (ROOT / "docs" / "tui.md").read_text()
    documented = set(re.findall(r"`([a-z]+\.[a-z_]+)`", doc))
    for _, b in all_bindings():
        assert b.id in documented, f"{b.id} is missing from docs/tui.md"


def test_docs_screenshots_exist():
    doc = (ROOT / "docs" / "tui.md").read_text()
    for link in re.findall(r"\]\((\.\./tests/tui/__snapshots__/[^)]+\.svg)\)", doc):
        path = (ROOT / "docs" / link.replace("%5B", "[").replace("%5D", "]")).resolve()
        assert path.exists(), link


def test_tui_is_not_imported_by_the_core():
    import subprocess
    import sys

    code = ("import sys, smartnet_tui.cli, smartnet_tui.store, smartnet_tui.domain, "
            "smartnet_tui.tui.table_sources, smartnet_tui.domain.edits, smartnet_tui.tui.sync; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
