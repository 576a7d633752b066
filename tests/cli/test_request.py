"""``smartnet request`` (issue 10): the renewal request in Cisco's vocabulary, as CSV, XLSX
and a Markdown summary; read back by the project's own table reader it equals what was
written; formula-looking text is made inert in CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from helpers import TODAY_ARG
from openpyxl import load_workbook

from smartnet_tui.imports.tables import csv_rows, xlsx_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quotes"
COLUMNS = ["Contract Number", "Instance Number", "Serial Number", "Product ID", "Service Level",
           "Service SKU", "Site", "Line Start", "Line End", "Quantity", "Requested Action",
           "Requested End Date", "Reason"]


@pytest.fixture
def estate_db(cli, db_path):
    code, _, err = cli("import", FIXTURES / "estate.yaml", "--db", db_path)
    assert code == 0, err
    return db_path


def run(cli, db, *argv):
    return cli("request", *argv, "--db", db, "--today", TODAY_ARG)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_columns_actions_and_dates(cli, estate_db):
    code, out, err = run(cli, estate_db)
    assert code == 0, err
    assert out.splitlines()[0] == ",".join(COLUMNS)
    rows = {r["Serial Number"]: r for r in _rows(out)}
    # the worklist's renewals only: 0093425688 is due; 88120455 is renewed (not open)
    assert set(rows) == {"CLEAN1", "CRIT1", "LEVEL1", "PRICE1", "GAP1", "OVER1", "TARGET1",
                         "SPARE1", "LDOS1", "BLK1"}
    clean = rows["CLEAN1"]
    assert (clean["Contract Number"], clean["Product ID"], clean["Service Level"], clean["Line Start"],
            clean["Line End"], clean["Quantity"], clean["Requested Action"],
            clean["Requested End Date"]) == (
        "0093425688", "C9300-24T", "SNTP", "2026-01-01", "2026-12-31", "1", "renew", "2027-12-31")
    assert rows["LDOS1"]["Requested End Date"] == "2027-06-30"  # cut at the last date of support
    for serial, reason in (("SPARE1", "spare"), ("BLK1", "BLK-PID last date to renew 2026-11-15 has passed")):
        assert rows[serial]["Requested Action"] == "terminate"
        assert rows[serial]["Requested End Date"] == ""
        assert rows[serial]["Reason"] == reason
    assert {r["Requested Action"] for r in rows.values()} <= {"renew", "terminate", "no action"}


def test_the_contracts_named_and_the_target(cli, estate_db):
    code, out, _ = run(cli, estate_db, "88120455", "93425688", "--to", "2027-09-30")
    assert code == 0
    rows = {r["Serial Number"]: r for r in _rows(out)}
    assert rows["REN1"]["Requested Action"] == "no action"
    assert rows["REN1"]["Requested End Date"] == ""
    assert rows["REN1"]["Reason"] == "renewed by 88120991 until 2027-10-31"
    assert rows["CLEAN1"]["Requested End Date"] == "2027-09-30"
    assert rows["LDOS1"]["Requested End Date"] == "2027-06-30"
    code, _, err = run(cli, estate_db, "4711")
    assert code == 2 and err == "smartnet: error: contract 4711 is not in the database\n"


def test_formula_looking_text_is_neutralised_in_csv(cli, estate_db):
    _, out, _ = run(cli, estate_db, "--csv")
    clean = {r["Serial Number"]: r for r in _rows(out)}["CLEAN1"]
    assert clean["Site"] == "'@HQ"
    assert clean["Service SKU"] == "'-CON-SNTP-C9300"


def test_csv_read_back_by_the_projects_reader_equals_what_was_written(cli, estate_db, tmp_path):
    out_file = tmp_path / "request.csv"
    code, out, err = run(cli, estate_db, "-o", out_file)
    assert code == 0 and out == ""
    assert "request.csv: 10 lines (8 renew, 2 terminate, 0 no action)" in err
    written = list(csv.reader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    rows, _, _ = csv_rows(out_file.read_bytes())
    assert [list(r) for r in rows] == written
    assert written[0] == COLUMNS


def test_xlsx_header_frozen_panes_date_cells_and_read_back(cli, estate_db, tmp_path):
    out_file = tmp_path / "request.xlsx"
    code, _, err = run(cli, estate_db, "--xlsx", "-o", out_file)
    assert code == 0, err
    wb = load_workbook(out_file)
    ws = wb.active
    assert [c.value for c in ws[1]] == COLUMNS
    assert ws[1][0].font.bold and ws.freeze_panes == "A2"
    by_serial = {row[2].value: row for row in ws.iter_rows(min_row=2)}
    clean = by_serial["CLEAN1"]
    assert clean[8].is_date and clean[8].value.date() == date(2026, 12, 31)  # Line End
    assert clean[11].is_date and clean[11].value.date() == date(2027, 12, 31)  # Requested End Date
    assert clean[6].value == "'@HQ"  # formula-looking text made inert
    assert clean[5].value == "'-CON-SNTP-C9300"
    assert ws.column_dimensions["M"].width > 10
    # the project's own reader gives back the CSV's cells
    _, csv_out, _ = run(cli, estate_db, "--csv")
    written = list(csv.reader(io.StringIO(csv_out)))
    rows, _, _ = xlsx_rows(out_file, None)
    back = [[c for c in r] for r in rows]
    assert [r + [""] * (len(COLUMNS) - len(r)) for r in back] == written


def test_format_from_the_file_name(cli, estate_db, tmp_path):
    code, _, _ = run(cli, estate_db, "-o", tmp_path / "r.xlsx")
    assert code == 0 and (tmp_path / "r.xlsx").read_bytes().startswith(b"PK")


def test_markdown_summary_for_an_email(cli, estate_db):
    code, out, _ = run(cli, estate_db, "--markdown")
    assert code == 0
    assert out.startswith("# SMARTnet renewal request, 2026-12-01\n")
    assert "- renew: 8\n- terminate: 2\n- no action: 0\n" in out
    assert "## Devices that will lose support" in out
    losing = out.split("## Devices that will lose support", 1)[1].split("\n## ", 1)[0]
    assert "| BLK1 |" in losing and "| CLEAN1 |" not in losing
    assert "| SPARE1 |" not in losing  # a spare is dropped, it does not lose support
    assert "- USD: 8,000.00" in out  # the annual cost of the 8 lines to renew


def test_output_onto_the_database_is_refused(cli, estate_db):
    before = estate_db.read_bytes()
    code, _, err = run(cli, estate_db, "-o", estate_db)
    assert code == 2 and "is the database" in err
    assert estate_db.read_bytes() == before


def test_instance_number_from_an_installed_base_import(cli, db_path):
    sheet = Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "installed_base.xlsx"
    code, _, err = cli("import", sheet, "--db", db_path, "--add-devices")
    assert code == 0, err
    code, out, err = cli("request", "93425700", "--db", db_path, "--today", TODAY_ARG)
    assert code == 0, err
    rows = {r["Serial Number"]: r for r in _rows(out)}
    assert rows["FDO2211R0AA"]["Instance Number"] == "7001"
    assert rows["FDO2211R0AA"]["Site"] == "DC-EAST"


def test_a_target_before_today_is_refused(cli, estate_db):
    code, out, err = run(cli, estate_db, "--to", "0001-01-01")
    assert code == 2 and out == ""
    assert "request --to 0001-01-01 is before today (2026-12-01)" in err
