"""A cost that is not a finite amount of zero or more is an import error (it used to be
stored as NaN, which the database file cannot even hold)."""

from pathlib import Path

import pytest

from smartnet_tui.cli import main


@pytest.mark.parametrize("cost", ["nan", "inf", "-100", "lots"])
def test_bad_costs_are_errors_and_write_nothing(tmp_path: Path, capsys, cost: str) -> None:
    db = tmp_path / "db.json"
    good = tmp_path / "good.yaml"
    good.write_text("devices:\n  - serial: A1\n")
    assert main(["import", str(good), "--db", str(db)]) == 0
    before = db.read_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"contracts:\n  - number: C1\n    end: 2027-01-31\n    annual_cost: {cost}\n"
                   "    serials: [A1]\n")
    capsys.readouterr()
    assert main(["import", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:4: contracts[0].annual_cost:" in err and "not an amount" in err
    assert db.read_bytes() == before


def test_bad_cost_in_a_csv_export_names_row_and_column(tmp_path: Path, capsys) -> None:
    csv = tmp_path / "lines.csv"
    csv.write_text("Serial Number,Contract Number,Service Level,End Date,Annual Cost\n"
                   "FOC1,C1,SNTP,2027-01-31,nan\n")
    assert main(["import", str(csv), "--db", str(tmp_path / "db.json")]) == 2
    err = capsys.readouterr().err
    assert "not an amount" in err and "row 2" in err
