"""Issue 4: importing what admins actually have.

Fixture exports in tests/fixtures/exports/, one per format, each with the quirks named in
the issue: a Service Contract Center line export (BOM, semicolons, DD-Mon-YYYY dates,
TERMINATED and EXPIRED lines, modules under their chassis, a repeated line, blank rows)
and the same as tab-separated text named .txt; an installed-base workbook with banner rows
(installed_base.xlsx, made by make_xlsx.py); SN2INFO and EoX API JSON (empty values).
Every error path leaves the database file byte for byte as it was, exits 2, and names
the file, the row and the column.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import orjson
import pytest
from openpyxl import load_workbook

from smartnet_tui.domain.dates import DateOrder
from smartnet_tui.imports.parse import parse_files
from smartnet_tui.imports.planner import import_files
from smartnet_tui.imports.sources import detect_format
from smartnet_tui.imports.tables import alias_table, map_headers, norm_header
from smartnet_tui.store.db import Store

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
CSCC = EXPORTS / "cscc_lines.csv"
CSCC_TAB = EXPORTS / "cscc_lines_tab.txt"
IB = EXPORTS / "installed_base.xlsx"
SN2INFO = EXPORTS / "sn2info.json"
EOX = EXPORTS / "eox.json"
TODAY = "2026-12-01"

BASE = """\
devices:
  - {serial: FOC2301A0AA, pid: C9300-48P-A, hostname: core-sw1, site: HQ-DC1, criticality: critical}
  - {serial: FOC1933X0DD, pid: WS-C2960X-48FPD-L, hostname: br7-sw1, site: BRANCH-07}
contracts:
  - number: "0093425688"
    service_level: SNTP
    reseller: NetPartner
    end: 2027-01-31
    serials: [FOC2301A0AA]
    triage: {state: quote requested, owner: ana}
"""


# ------------------------------------------------------------------ helpers
def _db_json(db: Path) -> dict:
    return orjson.loads(db.read_bytes())


def _contracts(db: Path) -> dict[str, dict]:
    return {c["number"]: c for c in _db_json(db).get("contracts", {}).values()}


def _devices(db: Path) -> dict[str, dict]:
    return {d["serial"]: d for d in _db_json(db).get("devices", {}).values()}


def _eox(db: Path) -> dict[str, dict]:
    return {e["pid"]: e for e in _db_json(db).get("eox", {}).values()}


def _lines(contract: dict) -> dict[str, dict]:
    return {ln["serial"]: ln for ln in contract.get("lines", [])}


@pytest.fixture
def base_db(cli, db_path, write_yaml):
    code, _, err = cli("import", "--db", db_path, write_yaml(BASE))
    assert code == 0, err
    return db_path


def _import(cli, db: Path, *args):
    return cli("import", "--db", db, "--today", TODAY, *args)


# ------------------------------------------------------------------ detection
@pytest.mark.parametrize(("name", "expected"), [
    ("cscc_lines.csv", "csv"), ("cscc_lines_tab.txt", "csv"), ("installed_base.xlsx", "xlsx"),
    ("sn2info.json", "json"), ("eox.json", "json"),
])
def test_formats_are_sniffed_by_content(tmp_path, name, expected):
    # under a name that says nothing: only the content decides
    copy = tmp_path / "download"
    shutil.copyfile(EXPORTS / name, copy)
    assert detect_format(copy, copy.read_bytes()[:8192]) == expected


def test_a_workbook_named_csv_and_csv_text_named_xls_still_read(tmp_path):
    wrong = tmp_path / "export.csv"
    shutil.copyfile(IB, wrong)
    assert detect_format(wrong, wrong.read_bytes()[:64]) == "xlsx"
    text_xls = tmp_path / "Contract_Download.xls"  # what "Download to Excel" often is
    shutil.copyfile(CSCC_TAB, text_xls)
    p = parse_files([text_xls])
    assert not p.errors and p.formats[str(text_xls)] == "csv"
    assert set(p.line_sets) == {"0093425688", "0093425689"}


def test_headers_match_case_and_punctuation_insensitively():
    fields, extra = map_headers(["serial-number / PAK number", "contract_number", "end date",
                                 "COVERED LINE START DATE", "Whatever"])
    assert fields == {"serial": 0, "contract": 1, "end": 2, "start": 3}
    assert extra == [4]
    # every real header the issue names maps to its field
    must = {
        "serial": ["SERIAL NUMBER / PAK NUMBER", "PAK/Serial Number", "Serial Number / PAK number",
                   "Serial Number", "sr_no"],
        "contract": ["CONTRACT NUMBER", "Contract Number", "service_contract_number"],
        "service_level": ["SERVICE LEVEL", "Service Level", "service_line_descr", "Default Service Level"],
        "pid": ["PRODUCT NUMBER", "Product Number", "Product ID", "orderable_pid", "base_pid"],
        "start": ["BEGIN DATE", "Start Date", "Covered Line Start Date"],
        "end": ["END DATE", "End Date", "Covered Line End Date", "covered_product_line_end_date"],
        "site": ["SITE NAME", "Site", "Install Site Name", "Installed-At Site Name"],
        "line_status": ["Contract Line Status", "Covered Line Status", "SERVICE LEVEL STATUS", "Coverage"],
        "last_date_of_support": ["LAST DATE OF SUPPORT", "Last Date of Support"],
        "end_of_sale": ["End of Product Sale Date"],
        "product_type": ["Product Type"], "instance": ["Instance Number"],
        "parent_instance": ["Parent Instance Number"],
        "do_not_renew_reason": ["Do Not Renew Reason Code"], "warranty_end": ["Warranty End Date"],
    }
    table = {norm_header(a): f for f, names in alias_table().items() for a in names}
    for fld, headers in must.items():
        for h in headers:
            assert table[norm_header(h)] == fld, h


# ------------------------------------------------------------------ CSCC CSV
def test_cscc_line_export(cli, base_db):
    code, out, err = _import(cli, base_db, CSCC)
    assert code == 0, err
    cs = _contracts(base_db)
    c = cs["0093425688"]
    # what the export does not carry stays: reseller, triage
    assert c["reseller"] == "NetPartner"
    assert c["triage"]["state"] == "quote requested"
    lines = _lines(c)
    # the module rows are not lines; lower-case serials normalised
    assert set(lines) == {"FOC2301A0AA", "FOC2302B0BB", "FOC2303C0CC"}
    chassis = lines["FOC2301A0AA"]
    assert chassis["start"] == "2026-02-01" and chassis["end"] == "2027-01-31"
    assert chassis["service_level"] == "SNTC-24X7X4"
    assert chassis["extra"]["modules"] == [{"pid": "C9300-NM-8X"},
                                          {"serial": "FOC2301M1AB", "pid": "C9300-NM-2Q"}]
    # unknown columns kept on the record
    assert chassis["extra"]["Customer PO"] == "PO-4471"
    assert chassis["extra"]["PRODUCT DESCRIPTION"] == "Catalyst 9300 48-port PoE+"
    assert lines["FOC2302B0BB"]["status"] == "terminated"
    # EXPIRED is an active line whose end has passed; the repeated serial kept the newest line
    old = _lines(cs["0093425689"])
    assert old["FOC1933X0DD"]["status"] == "active" and old["FOC1933X0DD"]["end"] == "2026-07-31"
    assert old["FOC1933X0DD"]["extra"]["line_status"] == "EXPIRED"
    assert old["FOC1933X0EE"]["end"] == "2027-07-31"
    # LDoS column fills the pid's EoX row
    assert _eox(base_db)["WS-C2960X-48FPD-L"]["last_date_of_support"] == "2027-10-31"
    # modules are not devices; orphans stay orphans without --add-devices
    assert set(_devices(base_db)) == {"FOC2301A0AA", "FOC1933X0DD"}
    assert "2 modules folded under their chassis" in out
    assert "not in the inventory" in out and "--add-devices" in out
    assert "row 9: 1 row repeated a serial" in err


def test_tab_variant_reads_the_same(tmp_path):
    a, b = parse_files([CSCC]), parse_files([CSCC_TAB])
    assert not a.errors and not b.errors
    assert a.line_sets.keys() == b.line_sets.keys()
    for n in a.line_sets:
        assert a.line_sets[n].lines == b.line_sets[n].lines


def test_weekly_reimport_changes_nothing(cli, base_db):
    assert _import(cli, base_db, CSCC)[0] == 0
    before = base_db.read_bytes()
    code, out, _ = _import(cli, base_db, CSCC)
    assert code == 0
    assert "already holds exactly this" in out
    assert base_db.read_bytes() == before
    code, out, _ = _import(cli, base_db, "--dry-run", CSCC)
    assert "nothing would change" in out


def test_dry_run_shows_dropped_line_and_moved_end(cli, base_db, tmp_path):
    assert _import(cli, base_db, CSCC)[0] == 0
    text = CSCC.read_text(encoding="utf-8-sig").splitlines()
    next_week = [ln for ln in text if not ln.startswith("foc2303c0cc")]  # the line went away
    next_week = [ln.replace("31-JAN-2027", "31-JAN-2028") if ln.startswith("FOC2301A0AA") else ln
                 for ln in next_week]
    src = tmp_path / "cscc_next_week.csv"
    src.write_text("\n".join(next_week) + "\n", encoding="utf-8-sig")
    before = base_db.read_bytes()
    code, out, err = _import(cli, base_db, "--dry-run", src)
    assert code == 0, err
    assert base_db.read_bytes() == before
    assert "would change: 1 line dropped, 1 end date moved" in out
    assert "1 line dropped (FOC2303C0CC)" in out
    assert "1 line end moved 2027-01-31 → 2028-01-31" in out
    # then for real: the journal keeps who, when, which files, counts
    code, out, _ = _import(cli, base_db, src)
    assert code == 0
    entry = Store(base_db).history(1)[0]
    assert entry["who"] == "tester" and entry["when"]
    assert entry["detail"]["files"] == [str(src)]
    assert entry["detail"]["formats"] == {str(src): "csv"}
    assert entry["detail"]["counts"]["lines"] == 4
    assert entry["detail"]["changed"] == {"lines_dropped": 1, "ends_moved": 1, "contracts_changed": 1}
    code, out, _ = cli("history", "--db", base_db, "-n", "1")
    assert str(src) in out and "1 line dropped" in out


def test_status_change_is_shown(cli, base_db, tmp_path):
    assert _import(cli, base_db, CSCC)[0] == 0
    src = tmp_path / "terminated.csv"
    src.write_text(CSCC.read_text(encoding="utf-8-sig").replace("HQ-DC2;Active", "HQ-DC2;TERMINATED"),
                   encoding="utf-8")
    code, out, _ = _import(cli, base_db, "--dry-run", src)
    assert code == 0
    assert "1 line terminated (FOC2303C0CC)" in out
    assert "1 line terminated, 1 status change" in out


def test_add_devices(cli, base_db):
    code, out, err = _import(cli, base_db, "--add-devices", CSCC)
    assert code == 0, err
    devs = _devices(base_db)
    assert set(devs) == {"FOC2301A0AA", "FOC1933X0DD", "FOC2302B0BB", "FOC2303C0CC", "FOC1933X0EE"}
    assert devs["FOC2303C0CC"]["pid"] == "C9300-48P-A" and devs["FOC2303C0CC"]["site"] == "HQ-DC2"
    # known devices are not touched by an export
    assert devs["FOC2301A0AA"]["hostname"] == "core-sw1"
    assert "3 devices added" in out
    assert "FOC2301M1AB" not in devs  # a module is not a device


def test_contract_numbers_match_on_their_digits(cli, base_db):
    """The API writes 93425688 for the 0093425688 the Service Contract Center shows."""
    code, _, err = _import(cli, base_db, SN2INFO)
    assert code == 0, err
    cs = _contracts(base_db)
    assert "93425688" not in cs
    lines = _lines(cs["0093425688"])
    assert set(lines) == {"FOC2301A0AA", "FOC2304D0DD"}  # merged: the stored line replaced, one added


# ------------------------------------------------------------------ XLSX
def test_installed_base_workbook(cli, base_db):
    code, out, err = _import(cli, base_db, "--add-devices", IB)
    assert code == 0, err
    cs = _contracts(base_db)
    lines = _lines(cs["93425700"])  # a number cell: the digits as written by Excel
    assert set(lines) == {"FDO2211R0AA", "FDO2211R0CC"}
    assert lines["FDO2211R0AA"]["start"] == "2026-03-01"  # date cell
    assert lines["FDO2211R0AA"]["end"] == "2027-02-28"
    assert lines["FDO2211R0CC"]["end"] == "2027-07-31"  # Excel serial 46599
    assert lines["FDO2211R0AA"]["extra"]["modules"] == [
        {"serial": "FDO2211M0AB", "pid": "N9K-M4PC-CFP2", "product_type": "MODULE"}]
    assert lines["FDO2211R0AA"]["extra"]["Asset Tag"] == "AT-00017"
    assert lines["FDO2211R0AA"]["extra"]["warranty_end"] == "2023-06-30"
    assert _lines(cs["93425689"])["FOC1933X0DD"]["end"] == "2026-07-31"  # text 07/31/2026
    eox = _eox(base_db)["WS-C2960X-48FPD-L"]
    assert eox["last_date_of_support"] == "2027-10-31" and eox["end_of_sale"] == "2022-10-31"
    devs = _devices(base_db)
    # the uncovered device of the sheet joins the inventory with --add-devices; modules do not
    assert "FOC2044Z0ZZ" in devs and "FDO2211M0AB" not in devs
    assert "header" not in err


def test_xlsx_sheet_option(cli, db_path, tmp_path):
    code, _, err = _import(cli, db_path, "--sheet", "Notes", IB)
    assert code == 2
    assert "no header row" in err and "This sheet is not data." in err
    code, _, err = _import(cli, db_path, "--sheet", "Nope", IB)
    assert code == 2 and "no sheet 'Nope' (sheets: Installed Base, Notes)" in err
    code, _, err = _import(cli, db_path, "--sheet", "installed base", IB)
    assert code == 0, err


def test_day_first_dates_follow_date_order(cli, db_path, tmp_path):
    src = tmp_path / "dmy.csv"
    src.write_text("Serial Number,Contract Number,Start Date,End Date\nFOC1,C-1,01/08/2025,31/07/2026\n")
    code, _, err = _import(cli, db_path, src)
    assert code == 2
    assert f'{src}: row 2, column "Start Date"' in err or f'{src}: row 2, column "End Date"' in err
    code, _, err = _import(cli, db_path, "--date-order", "dmy", src)
    assert code == 0, err
    ln = _lines(_contracts(db_path)["C-1"])["FOC1"]
    assert (ln["start"], ln["end"]) == ("2025-08-01", "2026-07-31")


# ------------------------------------------------------------------ Cisco API JSON
def test_sn2info(cli, db_path):
    code, out, err = _import(cli, db_path, SN2INFO)
    assert code == 0, err
    cs = _contracts(db_path)
    ln = _lines(cs["93425688"])["FOC2301A0AA"]
    assert ln["end"] == "2027-01-31" and ln.get("start") is None
    assert ln["extra"]["pid"] == "C9300-48P-A" and ln["extra"]["warranty_end"] == "2027-02-01"
    # not covered, end passed: an expired (lapsed) line, not a terminated one
    assert _lines(cs["93425689"])["FOC1933X0FF"]["status"] == "active"
    assert "FOC9999Q0QQ" not in {s for c in cs.values() for s in _lines(c)}


def test_sn2info_merges_into_contract_lines(cli, base_db):
    assert _import(cli, base_db, CSCC)[0] == 0
    code, out, _ = _import(cli, base_db, "--dry-run", SN2INFO)
    assert code == 0
    assert "dropped" not in out  # an answer about two serials drops no other line
    assert "1 line added (FOC2304D0DD)" in out
    assert _import(cli, base_db, SN2INFO)[0] == 0
    lines = _lines(_contracts(base_db)["0093425688"])
    assert {"FOC2301A0AA", "FOC2302B0BB", "FOC2303C0CC", "FOC2304D0DD"} <= set(lines)
    # what the answer does not say (start, modules) stays
    assert lines["FOC2301A0AA"]["start"] == "2026-02-01"
    assert lines["FOC2301A0AA"]["extra"]["modules"]


def test_eox_api_and_renewal_blocked(cli, base_db, tmp_path):
    code, _, err = _import(cli, base_db, EOX)
    assert code == 0, err
    assert "EOXRecord[2]: no EoX data" in err
    eox = _eox(base_db)
    assert eox["WS-C2960X-48FPD-L"]["end_of_contract_renewal"] == "2026-07-31"
    assert eox["WS-C2960X-48FPD-L"]["migration_pid"] == "C9200-48P-E"
    assert set(eox["C9300-48P-A"]) <= {"pid", "extra"}  # empty values are absent dates
    # a contract in review or due covering that pid gets renewal_blocked (high)
    src = tmp_path / "due.csv"
    src.write_text("Serial Number;Contract Number;End Date\nFOC1933X0DD;C-DUE;15-Jan-2027\n",
                   encoding="utf-8")
    assert _import(cli, base_db, src)[0] == 0
    code, out, _ = cli("report", "--db", base_db, "--today", TODAY, "--json")
    alerts = [a for a in orjson.loads(out)["alerts"] if a["kind"] == "renewal_blocked"]
    assert [(a["subject"], a["severity"]) for a in alerts] == [("C-DUE", "high")]


def test_eox_api_pages_saved_together(tmp_path):
    doc = orjson.loads(EOX.read_bytes())
    pages = tmp_path / "eox-pages.json"
    pages.write_bytes(orjson.dumps([doc, {"EOXRecord": [dict(doc["EOXRecord"][0], EOLProductID="X-1")]}]))
    p = parse_files([pages])
    assert not p.errors and set(p.eox) == {"WS-C2960X-48FPD-L", "C9300-48P-A", "X-1"}


# ------------------------------------------------------------------ --replace
def test_replace_with_an_export_keeps_the_inventory(cli, base_db, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("contracts:\n  - {number: OLD-1, end: 2026-01-31, serials: [X1]}\n")
    assert _import(cli, base_db, other)[0] == 0
    code, out, err = _import(cli, base_db, "--replace", CSCC)
    assert code == 0, err
    assert set(_contracts(base_db)) == {"0093425688", "0093425689"}  # OLD-1 deleted
    assert set(_devices(base_db)) == {"FOC2301A0AA", "FOC1933X0DD"}  # devices untouched


# ------------------------------------------------------------------ errors: nothing written
def _csv(tmp_path: Path, text: str, name: str = "bad.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _cscc_with(tmp_path: Path, old: str, new: str) -> Path:
    text = CSCC.read_text(encoding="utf-8-sig")
    assert old in text
    return _csv(tmp_path, text.replace(old, new, 1))


ERROR_CASES = {
    "bad date": (lambda t: _cscc_with(t, "31-Jul-2026;BRANCH-07", "31-Jux-2026;BRANCH-07"),
                 ['row 7, column "END DATE"', "'31-Jux-2026'"]),
    "missing end": (lambda t: _cscc_with(t, "01-Feb-2026;31-jan-2027", "01-Feb-2026;"),
                    ['row 6, column "END DATE"', "required"]),
    "start after end": (lambda t: _cscc_with(t, "01-Aug-2025;31-Jul-2026", "01-Aug-2027;31-Jul-2026"),
                        ['row 7, column "END DATE"', "starts 2027-08-01 after it ends 2026-07-31"]),
    "serial missing": (lambda t: _cscc_with(t, "FOC2302B0BB;", ";"),
                       ['row 5, column "SERIAL NUMBER / PAK NUMBER"', "required"]),
    "bad cost": (lambda t: _csv(t, "Serial Number,Contract Number,End Date,Annual Cost\nA1,C1,2027-01-31,lots\n"),
                 ['row 2, column "Annual Cost"', "'lots' is not an amount"]),
    "no end column": (lambda t: _csv(t, "Serial Number,Contract Number,Site\nA1,C1,HQ\n"),
                      ["row 1: no end date column", "looked for END DATE", "headers seen: Serial Number, Contract Number, Site"]),
    "no serial column": (lambda t: _csv(t, "Contract Number,End Date,Site\nC1,2027-01-31,HQ\n"),
                         ["no serial column", "SERIAL NUMBER / PAK NUMBER",
                          "headers seen: Contract Number, End Date, Site"]),
    "no header at all": (lambda t: _csv(t, "Report,of,things\nfoo,bar,baz\n"),
                         ["no header row with a serial column", "first row seen: Report, of, things"]),
    "bad device status": (lambda t: _csv(t, "Serial Number,Hostname,Status\nA1,sw1,broken\n"),
                          ['row 2, column "Status"', "'broken' is not one of active, spare, decommissioned"]),
    "duplicate device": (lambda t: _csv(t, "Serial Number,Hostname\nA1,sw1\na1,sw2\n"),
                         ['row 3, column "Serial Number"', "duplicate serial 'A1' (also on row 2)"]),
    "sn2info bad date": (lambda t: _csv(t, SN2INFO.read_text().replace('"2027-01-31"', '"2027-13-31"', 1),
                                        "sn2.json"),
                         ["serial_numbers[0].covered_product_line_end_date", "2027-13-31"]),
    "sn2info no end": (lambda t: _csv(t, SN2INFO.read_text().replace('"2027-01-31"', '""', 1), "sn2.json"),
                       ["serial_numbers[0].covered_product_line_end_date", "no end date"]),
    "eox bad date": (lambda t: _csv(t, EOX.read_text().replace('"2027-10-31"', '"31.31.2027"', 1), "e.json"),
                     ["EOXRecord[0].LastDateOfSupport.value", "31.31.2027"]),
    "legacy xls": (lambda t: (t / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 64) and t / "old.xls",
                   ["old.xls", "legacy Excel 97-2003"]),
    "html": (lambda t: _csv(t, "<html><table><tr><td>x</td></tr></table></html>", "page.xls"),
             ["page.xls", "HTML"]),
    "broken xlsx": (lambda t: (t / "cut.xlsx").write_bytes(IB.read_bytes()[:2000]) and t / "cut.xlsx",
                    ["cut.xlsx", "not a readable XLSX workbook"]),
    "same contract in yaml and csv": (
        lambda t: [_csv(t, 'contracts:\n  - {number: "0093425689", end: 2027-01-01, serials: [Z]}\n', "c.yaml"), CSCC],
        ["duplicate contract '0093425689'"]),
}


def _bad_xlsx_cell(tmp_path: Path) -> Path:
    wb = load_workbook(IB)
    ws = wb["Installed Base"]
    ws["J6"] = "someday"  # Covered Line End Date of the module row (row 6): checked too
    out = tmp_path / "ib-bad.xlsx"
    wb.save(out)
    return out


ERROR_CASES["xlsx bad cell"] = (_bad_xlsx_cell, ['ib-bad.xlsx: row 6, column "Covered Line End Date"',
                                                 "'someday' is not a date"])


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_every_error_leaves_the_database_unchanged(cli, base_db, tmp_path, case):
    make, expected = ERROR_CASES[case]
    made = make(tmp_path)
    files = made if isinstance(made, list) else [made]
    # a good file beside the bad one: all or nothing
    before = base_db.read_bytes()
    code, out, err = _import(cli, base_db, "--add-devices", EOX, *files)
    assert code == 2, (out, err)
    assert base_db.read_bytes() == before
    assert "nothing was imported, the database is unchanged" in err
    for text in expected:
        assert text in err, (text, err)
    assert "Traceback" not in err


def test_every_error_is_listed(cli, base_db, tmp_path):
    text = CSCC.read_text(encoding="utf-8-sig")
    text = text.replace("31-Jul-2026;BRANCH-07", "31-Jux-2026;BRANCH-07").replace(
        "01-Feb-2026;31-JAN-2027;HQ-DC1;TERMINATED", "01-Feb-2026;;HQ-DC1;TERMINATED")
    src = _csv(tmp_path, text)
    before = base_db.read_bytes()
    code, _, err = _import(cli, base_db, src)
    assert code == 2 and base_db.read_bytes() == before
    assert err.count("smartnet: error:") == 3  # two bad dates (rows 7, 8) and a missing end (row 5)
    assert f'{src}: row 5, column "END DATE": required' in err
    assert f'{src}: row 7, column "END DATE"' in err and f'{src}: row 8, column "END DATE"' in err
    assert "3 errors" in err


# ------------------------------------------------------------------ API, progress
def test_import_files_api_and_progress(tmp_path):
    seen = []
    store = Store(tmp_path / "db.json")
    res = import_files(store, [CSCC], add_devices=True, order=DateOrder.MDY,
                       progress=lambda f, n, total: seen.append((f, n, total)), today=date(2026, 12, 1))
    assert not res.errors and res.entry is not None
    assert seen and seen[-1][0] == str(CSCC) and seen[-1][1] >= 9
    assert res.summary["changed"]["devices_added"] == 5
    assert res.summary["formats"] == {str(CSCC): "csv"}


def test_no_progress_bar_when_stderr_is_not_a_terminal(cli, db_path):
    code, _, err = _import(cli, db_path, CSCC)
    assert code == 0 and "\r" not in err


def test_docs_list_every_alias():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "import-formats.md").read_text(encoding="utf-8")
    for fld, names in alias_table().items():
        for name in names:
            assert f"`{name}`" in doc, (fld, name)
