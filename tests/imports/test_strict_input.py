"""Input read strictly (issue 11): encodings, control characters, XLSX whatever its
dimension tag says, formulas without values, malformed workbooks, YAML alias bombs, JSON
duplicate keys, serials normalised. Every error is one line naming the file (and row,
column or record), exit code 2, and the database byte-identical."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from smartnet_tui.domain.model import normalise_serial
from smartnet_tui.store.db import Store

SEED = b"devices:\n  - serial: SEED1\n    hostname: seed\n"


@pytest.fixture
def seeded(tmp_path, cli):
    """(db path, its bytes) after importing one device."""
    db = tmp_path / "db.json"
    src = tmp_path / "seed.yaml"
    src.write_bytes(SEED)
    code, _, err = cli("--db", db, "import", src)
    assert code == 0, err
    return db, db.read_bytes()


def refused(cli, seeded, path: Path, *needles: str) -> str:
    """Import ``path``: exit 2, one error line holding the file name and every needle,
    no traceback, and the database byte-identical."""
    db, before = seeded
    code, out, err = cli("--db", db, "import", path)
    assert code == 2, (out, err)
    errors = [ln for ln in err.splitlines() if ln.startswith("smartnet: error: ")]
    assert len(errors) == 1, err
    assert str(path) in errors[0]
    for n in needles:
        assert n in errors[0], errors[0]
    assert "Traceback" not in err and "internal error" not in err
    assert db.read_bytes() == before
    return errors[0]


def accepted(cli, seeded, path: Path) -> Store:
    db, _ = seeded
    code, out, err = cli("--db", db, "import", path)
    assert code == 0, err
    return Store(db)


# ------------------------------------------------------------------ CSV encodings
CSV_HEAD = "serial,hostname,site\n"


def test_utf8_with_bom_is_read(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_bytes(b"\xef\xbb\xbf" + (CSV_HEAD + "A1,h\u00e9te,Z\u00fcrich\n").encode())
    assert accepted(cli, seeded, p).load().devices["A1"].site == "Z\u00fcrich"


def test_utf16_with_bom_is_read(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_bytes((CSV_HEAD.replace(",", "\t") + "A1\th\u00e9te\tK\u00f6ln\n").encode("utf-16"))
    assert accepted(cli, seeded, p).load().devices["A1"].site == "K\u00f6ln"


def test_a_whole_cp1252_file_is_read_as_cp1252(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_bytes((CSV_HEAD + "A1,h1,Z\u00fcrich \u20ac\n").encode("cp1252"))
    assert accepted(cli, seeded, p).load().devices["A1"].site == "Z\u00fcrich \u20ac"


def test_a_file_mixing_utf8_and_cp1252_names_the_first_bad_row(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_bytes((CSV_HEAD + "A1,h1,Z\u00fcrich\n").encode() + "A2,h2,K\u00f6ln\n".encode("cp1252"))
    refused(cli, seeded, p, "row 3", "0xF6", "mixes encodings")


def test_a_bad_byte_after_a_utf8_bom_is_an_error(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_bytes(b"\xef\xbb\xbf" + CSV_HEAD.encode() + b"A1,h1,K\xf6ln\n")
    refused(cli, seeded, p, "row 2", "byte-order mark")


def test_utf16_without_bom_is_a_nul_error_not_serials_full_of_nuls(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_bytes((CSV_HEAD + "A1,h1,x\n").encode("utf-16-le"))
    refused(cli, seeded, p, "row 1", "NUL")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x85", "\x7f"])
def test_control_characters_in_a_csv_field_name_row_and_column(tmp_path, cli, seeded, char):
    p = tmp_path / "inv.csv"
    p.write_text(CSV_HEAD + "A1,h1,x\nA2,h" + char + "2,y\n", encoding="utf-8")
    refused(cli, seeded, p, "row 3, column 2", f"U+{ord(char):04X}")


def test_tabs_and_newlines_inside_quoted_fields_stay_allowed(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_text('serial,hostname,notes\nA1,h1,"two\nlines\tand a tab"\n', encoding="utf-8")
    assert accepted(cli, seeded, p).load().devices["A1"].notes == "two\nlines\tand a tab"


# ------------------------------------------------------------------ XLSX
def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Inventory"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rewrite_member(data: bytes, member: str, fix) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == member:
                body = fix(body)
            dst.writestr(info, body)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def test_xlsx_rows_past_a_wrong_dimension_tag_are_read(tmp_path, cli, seeded):
    rows = [["Serial", "Hostname"]] + [[f"S{i:03d}", f"h{i}"] for i in range(1, 51)]
    data = rewrite_member(xlsx_bytes(rows), SHEET,
                          lambda b: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B3"/>', b))
    assert b'<dimension ref="A1:B3"/>' in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    p = tmp_path / "inv.xlsx"
    p.write_bytes(data)
    devices = accepted(cli, seeded, p).load().devices
    assert {f"S{i:03d}" for i in range(1, 51)} <= set(devices)


def test_a_formula_without_a_saved_value_is_reported(tmp_path, cli, seeded):
    p = tmp_path / "inv.xlsx"
    p.write_bytes(xlsx_bytes([["Serial", "Hostname"], ["S1", "h1"], ['=CONCAT("S","2")', "h2"]]))
    refused(cli, seeded, p, "sheet 'Inventory'", "A3", "formula without a saved value")


def test_a_control_character_in_an_xlsx_cell_names_sheet_row_and_column(tmp_path, cli, seeded):
    # XML 1.0 allows C1 controls (NEL, CSI...) in text: a workbook can carry them
    p = tmp_path / "inv.xlsx"
    p.write_bytes(xlsx_bytes([["Serial", "Hostname"], ["S1", "h1"], ["S2", "h\x9b2J"]]))
    refused(cli, seeded, p, "sheet 'Inventory', row 3, column B", "U+009B")


def test_bad_xml_in_a_sheet_is_a_one_line_error_naming_file_and_sheet(tmp_path, cli, seeded):
    data = rewrite_member(xlsx_bytes([["Serial", "Hostname"], ["S1", "h1"]]), SHEET,
                          lambda b: b.replace(b"</sheetData>", b"<row><c></sheetData>"))
    p = tmp_path / "inv.xlsx"
    p.write_bytes(data)
    line = refused(cli, seeded, p, "not a readable XLSX workbook")
    assert "ParseError" in line or "sheet 'Inventory'" in line


def test_zip_garbage_is_a_one_line_error(tmp_path, cli, seeded):
    good = xlsx_bytes([["Serial"], ["S1"]])
    p = tmp_path / "inv.xlsx"
    p.write_bytes(good[:200] + b"\x00garbage" * 50)
    refused(cli, seeded, p, "XLSX")


# ------------------------------------------------------------------ YAML and JSON
def test_a_yaml_alias_bomb_is_a_clear_error_in_under_a_second(tmp_path, cli, seeded):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{','.join([prev] * 9)}]")
    lines.append("devices: *a9")
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n")
    assert len(p.read_bytes()) < 1000
    t0 = time.perf_counter()
    refused(cli, seeded, p, "alias")
    assert time.perf_counter() - t0 < 1.0


def test_yaml_merge_keys_and_a_few_aliases_still_read(tmp_path, cli, seeded):
    p = tmp_path / "ok.yaml"
    p.write_text("x: &d {site: LON, criticality: high}\n"
                 "devices:\n  - {serial: M1, <<: *d}\n  - {serial: M2, <<: *d}\n")
    devices = accepted(cli, seeded, p).load().devices
    assert devices["M1"].site == devices["M2"].site == "LON"


def test_json_duplicate_keys_are_an_error(tmp_path, cli, seeded):
    p = tmp_path / "dup.json"
    p.write_text('{"devices": [\n {"serial": "J1",\n  "serial": "J2"}\n]}\n')
    refused(cli, seeded, p, "duplicate key 'serial'", ":3")


def test_yaml_duplicate_keys_are_an_error(tmp_path, cli, seeded):
    p = tmp_path / "dup.yaml"
    p.write_text("devices:\n  - serial: Y1\n    serial: Y2\n")
    refused(cli, seeded, p, "duplicate key 'serial'")


@pytest.mark.parametrize("name,text", [
    ("esc.json", '{"devices": [{"serial": "J1", "notes": "a\\u001b[2Jb"}]}'),
    ("nul.json", '{"devices": [{"serial": "J\\u0000"}]}'),
    ("esc.yaml", 'devices:\n  - serial: Y1\n    notes: "a\\e[2Jb"\n'),
])
def test_escaped_control_characters_in_json_and_yaml_are_errors(tmp_path, cli, seeded, name, text):
    p = tmp_path / name
    p.write_text(text)
    refused(cli, seeded, p, "control character" if "nul" not in name else "NUL", "devices[0]")


@pytest.mark.parametrize("char", ["\x7f", "\x9b", "\x85"])
def test_raw_del_and_c1_controls_in_json_are_errors(tmp_path, cli, seeded, char):
    # JSON lets DEL and the C1 controls (U+009B is a terminal's CSI) stand unescaped
    p = tmp_path / "raw.json"
    p.write_text('{"devices": [{"serial": "J1", "hostname": "a' + char + '[2Jb"}]}',
                 encoding="utf-8")
    refused(cli, seeded, p, "control character", f"U+{ord(char):04X}", "devices[0]")


@pytest.mark.parametrize("record", [
    '{"serial": "S1", "hostname": "a\\ud800b"}',
    '{"serial": "S1", "tags": ["x\\udfff"]}',
])
def test_a_lone_surrogate_escape_in_json_is_an_error_naming_the_field(tmp_path, cli, seeded, record):
    # valid JSON, but not text: it passed the checks and failed at the write, blaming the db
    p = tmp_path / "sur.json"
    p.write_text('{"devices": [' + record + ']}', encoding="utf-8")
    refused(cli, seeded, p, "lone surrogate", "devices[0]")


def test_a_lone_surrogate_contract_number_is_an_error_not_an_internal_one(tmp_path, cli, seeded):
    p = tmp_path / "sur.json"
    p.write_text('{"contracts": [{"number": "\\ud800", "lines": []}]}', encoding="utf-8")
    refused(cli, seeded, p, "lone surrogate", "contracts[0]")


def test_a_raw_control_character_in_json_names_line_and_column(tmp_path, cli, seeded):
    p = tmp_path / "raw.json"
    p.write_bytes(b'{"devices": [\n {"serial": "J1", "notes": "a\x01b"}]}')
    refused(cli, seeded, p, "not valid JSON (Invalid control character, column 30)", ":2")


# ------------------------------------------------------------------ serials
@pytest.mark.parametrize("given", [
    "\uff26\uff24\uff2f\uff11\uff12\uff13",  # fullwidth FDO123
    "FDO\u200b123", "\u202eFDO123", "fdo123\u2060", " FDO123 ", "\ufeffFDO123",
])
def test_serials_are_normalised_to_one_key(given):
    assert normalise_serial(given) == "FDO123"


def test_a_fullwidth_or_zero_width_serial_in_a_file_is_the_same_device(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_text(CSV_HEAD + "FDO123,h1,x\n", encoding="utf-8")
    accepted(cli, seeded, p)
    p.write_text(CSV_HEAD + "\uff26\uff24\uff2f\uff11\uff12\uff13,h2,y\nFDO\u200b456,h3,z\n",
                 encoding="utf-8")
    devices = accepted(cli, seeded, p).load().devices
    assert devices["FDO123"].hostname == "h2" and devices["FDO456"].hostname == "h3"
    assert sorted(devices) == ["FDO123", "FDO456", "SEED1"]


def test_two_spellings_of_one_serial_in_a_file_are_a_duplicate(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_text(CSV_HEAD + "FDO123,h1,x\n\uff26\uff24\uff2f\uff11\uff12\uff13,h1,x\n", encoding="utf-8")
    refused(cli, seeded, p, "row 3", "duplicate serial 'FDO123'")


def test_lookup_normalises_the_serial_it_is_given(tmp_path, cli, seeded):
    p = tmp_path / "inv.csv"
    p.write_text(CSV_HEAD + "FDO123,h1,x\n", encoding="utf-8")
    accepted(cli, seeded, p)
    db, _ = seeded
    code, out, _ = cli("--db", db, "lookup", "fdo\u200b\uff11\uff12\uff13")
    assert "FDO123" in out and "UNKNOWN" not in out


def test_a_serial_that_is_not_printable_is_an_error(tmp_path, cli, seeded):
    p = tmp_path / "bad.yaml"
    p.write_text("devices:\n  - serial: \"AB\\u2028CD\"\n")
    refused(cli, seeded, p, "not printable", "U+2028")
