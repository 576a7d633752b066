"""Output is inert (issue 11): stored text reaches a terminal escaped, a spreadsheet as text.

Hostnames, notes, resellers, file names and journal actions come from files and people.
Printed raw, ``ESC ] 0 ; ... BEL`` retitles the admin's terminal, ``ESC [ 2 J`` clears it,
U+202E reverses the rest of the line. The plain CLI output shows them as escapes
(``\\x1b``, ``\\u202e``); ``--json`` stays exact; a CSV cell a spreadsheet would run as a
formula starts with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from helpers import TODAY, TODAY_ARG

from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.display import inert, spreadsheet_cell, spreadsheet_row
from smartnet_tui.domain.model import Contract, Device, LineSpec
from smartnet_tui.store.db import Store

TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CLEAR = "\x1b[2J"  # clears the screen
RLO = "\u202e"  # right-to-left override
RAW = ("\x1b", "\x07", "\u202e", "\x9b")  # none of these may reach the terminal


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (TITLE, "\\x1b]0;pwned\\x07"),
        (CLEAR, "\\x1b[2J"),
        (f"sw{RLO}10-ten", "sw\\u202e10-ten"),
        ("csi\x9b2J", "csi\\x9b2J"),  # C1: a one-byte CSI on some terminals
        ("nul\x00del\x7f", "nul\\x00del\\x7f"),
        ("tab\tnew\nline\r", "tab\\tnew\\nline\\r"),
        ("\u2066iso\u2069 \u200emark\u200f", "\\u2066iso\\u2069 \\u200emark\\u200f"),
        ("line\u2028sep", "line\\u2028sep"),
        ("café → ok …", "café → ok …"),  # printable text is kept as it is
        ("back\\slash", "back\\slash"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_inert_escapes_controls_and_bidi(text, shown):
    assert inert(text) == shown
    assert inert(inert(text)) == shown  # escaping twice changes nothing more


def test_inert_can_keep_newlines_of_laid_out_text():
    assert inert(f"a{CLEAR}\nb\tc", keep="\n") == "a\\x1b[2J\nb\\tc"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (-45, -45),  # numbers are not formulas
        (Decimal("-1.50"), Decimal("-1.50")),
        (None, None),
    ],
)
def test_spreadsheet_cells_that_would_run_get_a_quote(cell, safe):
    assert spreadsheet_cell(cell) == safe
    assert spreadsheet_row({"a": cell}) == {"a": safe}


@pytest.fixture
def hostile_db(db_path):
    store = Store(db_path)
    store.apply([
        PutDevice(Device("FOC1111AAAA", pid="C9300-48P", hostname=f"core{TITLE}", site=f"LON{CLEAR}",
                         notes=f"{RLO}evil")),
        PutContract(Contract("5000", service_level="SNT", start=TODAY.replace(year=2026, month=1),
                             end=TODAY.replace(day=20), reseller=f"=HYPERLINK(\"x\"){RLO}",
                             lines=(LineSpec("FOC1111AAAA"),))),
    ], action=f"import {CLEAR}evil.yaml")
    store.close()
    return db_path


def _assert_inert(text: str) -> None:
    for raw in RAW:
        assert raw not in text, f"{raw!r} reached the terminal"


def test_lookup_prints_stored_text_escaped(cli, hostile_db):
    code, out, err = cli("lookup", "FOC1111AAAA", "--db", hostile_db, "--today", TODAY_ARG)
    assert code == 0, err
    _assert_inert(out + err)
    assert "core\\x1b]0;pwned\\x07" in out
    assert "LON\\x1b[2J" in out


def test_lookup_json_stays_exact(cli, hostile_db):
    code, out, err = cli("lookup", "FOC1111AAAA", "--json", "--db", hostile_db, "--today", TODAY_ARG)
    assert code == 0, err
    data = json.loads(out)
    assert data["device"]["hostname"] == f"core{TITLE}"
    assert data["device"]["site"] == f"LON{CLEAR}"


@pytest.mark.parametrize("fmt", [[], ["--markdown"]])
def test_report_plain_and_markdown_escape_stored_text(cli, hostile_db, fmt):
    code, out, err = cli("report", *fmt, "--db", hostile_db, "--today", TODAY_ARG)
    assert code == 0, err
    _assert_inert(out)
    assert "\\u202e" in out  # the reseller's override, shown


def test_report_written_to_a_file_is_escaped_too(cli, hostile_db, tmp_path):
    target = tmp_path / "report.md"
    code, _, err = cli("report", "--markdown", "--all", "-o", target, "--db", hostile_db,
                       "--today", TODAY_ARG)
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    _assert_inert(text)
    assert "core\\x1b]0;pwned\\x07" in text


def test_report_csv_neutralises_formulas(cli, hostile_db):
    code, out, err = cli("report", "--csv", "--all", "--db", hostile_db, "--today", TODAY_ARG)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows, out
    assert rows[0]["reseller"] == f"'=HYPERLINK(\"x\"){RLO}"
    # a C0 control is escaped (refused at import, and XLSX cannot hold it); bidi is kept
    assert rows[0]["hostname"] == "core\\x1b]0;pwned\\x07"


def test_report_json_stays_exact(cli, hostile_db):
    code, out, err = cli("report", "--json", "--db", hostile_db, "--today", TODAY_ARG)
    assert code == 0, err
    assert json.loads(out)["devices"][0]["hostname"] == f"core{TITLE}"


def test_history_escapes_actions_and_changes(cli, hostile_db):
    code, out, err = cli("history", "--db", hostile_db)
    assert code == 0, err
    _assert_inert(out)
    assert "import \\x1b[2Jevil.yaml" in out
    code, out, err = cli("history", "--json", "--db", hostile_db)
    assert json.loads(out)[0]["action"] == f"import {CLEAR}evil.yaml"


def test_check_output_is_inert(cli, hostile_db):
    code, out, err = cli("check", "--db", hostile_db, "--today", TODAY_ARG)
    assert code in (0, 1, 2), out + err
    _assert_inert(out + err)


def test_import_summary_escapes_a_hostile_file_name(cli, db_path, tmp_path):
    src = tmp_path / f"inv{CLEAR}{RLO}.yaml"
    src.write_text('devices:\n  - serial: "FOC2222BBBB"\n    hostname: "sw-2"\n', encoding="utf-8")
    code, out, err = cli("import", src, "--db", db_path)
    assert code == 0, err
    _assert_inert(out + err)
    assert "1 device added" in out
    bad = tmp_path / f"bad{TITLE}.yaml"
    bad.write_text("devices: [ {serial: }", encoding="utf-8")
    code, out, err = cli("import", bad, "--db", db_path)
    assert code == 2
    _assert_inert(out + err)
    assert "bad\\x1b]0;pwned\\x07.yaml" in err


def test_an_error_naming_a_hostile_path_is_inert(cli, tmp_path):
    missing = tmp_path / f"no{CLEAR}such{RLO}.json"
    code, out, err = cli("lookup", "FOC1111AAAA", "--db", missing)
    assert code == 2
    _assert_inert(out + err)
    assert "no\\x1b[2Jsuch\\u202e.json" in err
