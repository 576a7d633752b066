"""CSV and XLSX cells are inert (reviewer's findings): a stored control character made
``report --xlsx`` and ``request --xlsx`` fail with ``IllegalCharacterError``, and CSV sent
to a terminal carried raw ESC, BEL and U+202E. The rule (docs/reliability.md): in every CSV
and XLSX cell, C0 controls other than tab, line feed and carriage return, DEL and C1
controls are escaped like ``inert()`` (the importers refuse them; XLSX cannot hold them);
bidi controls and line breaks are kept; to a terminal, every cell is wholly ``inert()``."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date

import pytest
from helpers import TODAY_ARG
from openpyxl import load_workbook

from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.display import spreadsheet_cell
from smartnet_tui.domain.model import Contract, Device, LineSpec, Triage
from smartnet_tui.store.db import Store

RAW = ("\x1b", "\x07", "\x01", "\x9b")  # (U+202E: kept in a file, escaped on a terminal)


def _escaped(cell: str) -> bool:
    return any(e in cell for e in ("\\x1b", "\\x9b", "\\u202e", "\\x01"))


@pytest.fixture
def hostile_db(tmp_path):
    """Stored text as an older smartnet could hold it (written through the store)."""
    db = tmp_path / "h.json"
    store = Store(db)
    store.apply([
        PutDevice(Device("EVIL1", hostname="core\x1b]0;pwned\x07", site="\u202eesuoh",
                         pid="C9300\x9b2J", criticality="critical")),
        PutContract(Contract("C-EVIL", service_level="SNT", end=date(2026, 12, 20),
                             reseller="Acme\x01\nCo", lines=(LineSpec("EVIL1"),),
                             renewal_triage=(Triage("PO raised", "bob\x1b[2J", "two\nlines",
                                                    end=date(2026, 12, 20)),))),
    ], action="fixture")
    store.close()
    return db


@pytest.mark.parametrize(("value", "cell", "on_terminal"), [
    ("core\x1b]0;x\x07", "core\\x1b]0;x\\x07", "core\\x1b]0;x\\x07"),
    ("\u202eevil", "\u202eevil", "\\u202eevil"),  # right-to-left text kept in a file
    ("C9300\x9b2J\x7f", "C9300\\x9b2J\\x7f", "C9300\\x9b2J\\x7f"),
    ("a\x00b\x0bc", "a\\x00b\\x0bc", "a\\x00b\\x0bc"),
    ("two\nlines\tx\r", "two\nlines\tx\r", "two\\nlines\\tx\\r"),
    ("=1+1", "'=1+1", "'=1+1"),
    ("\t=1", "'\t=1", "\\t=1"),
    ("Zoë → NOC", "Zoë → NOC", "Zoë → NOC"),
])
def test_spreadsheet_cells_are_inert(value, cell, on_terminal):
    assert spreadsheet_cell(value) == cell
    assert spreadsheet_cell(value, terminal=True) == on_terminal
    assert spreadsheet_cell(12) == 12


@pytest.mark.parametrize("argv", [["report", "--xlsx"], ["request", "--xlsx"]])
def test_xlsx_outputs_hold_stored_control_characters_escaped(cli, hostile_db, tmp_path, argv):
    out_file = tmp_path / "out.xlsx"
    code, _, err = cli(*argv, "-o", out_file, "--db", hostile_db, "--today", TODAY_ARG)
    assert code == 0, err
    wb = load_workbook(out_file)
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
             for c in row if c is not None]
    text = "\n".join(cells)
    assert "C9300\\x9b2J" in text and "\u202eesuoh" in text
    assert not any(ch in text for ch in RAW)


@pytest.mark.parametrize("argv", [["worklist", "--csv"], ["report", "--csv"],
                                  ["report", "--csv", "-o", "-"], ["request", "--csv"]])
def test_csv_to_a_terminal_is_inert(cli, hostile_db, monkeypatch, argv):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = cli(*argv, "--db", hostile_db, "--today", TODAY_ARG)
    assert code == 0, err
    assert not any(ch in out for ch in (*RAW, "\u202e"))
    assert "\r" not in out and "\t" not in out
    rows = list(csv.reader(io.StringIO(out)))
    assert len(rows) == out.count("\n")  # no cell spans lines: each row is one line
    assert any(_escaped(cell) for row in rows for cell in row)


@pytest.mark.parametrize("argv", [["worklist", "--csv"], ["report", "--csv"], ["request", "--csv"]])
def test_csv_to_a_file_escapes_controls_and_keeps_line_breaks(cli, hostile_db, tmp_path, argv):
    out_file = tmp_path / "out.csv"
    code, _, err = cli(*argv, "-o", out_file, "--db", hostile_db, "--today", TODAY_ARG) \
        if argv[0] != "worklist" else \
        cli(*argv, "--db", hostile_db, "--today", TODAY_ARG)
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8") if argv[0] != "worklist" else _
    assert not any(ch in text for ch in RAW)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert any(_escaped(cell) for cell in cells)
    if argv[0] == "worklist":  # the data kept: a line break stays in its quoted cell
        assert "two\nlines" in cells
