"""One rule for a contract's yearly cost everywhere: each line's cost rounded half-up to
the cent once, the contract's figure the sum of those (issues 8 and 9). report --json and
lookup used to add floats (0.125 + 0.125 + 2.675 -> 2.92) while the worklist said 2.94,
and JSON wrote amounts as floats (10220.0, 1.0)."""

from __future__ import annotations

import json
import re

HEADER = "Serial Number,Contract Number,End Date,Annual Cost,Currency\n"


def _db(cli, tmp_path, rows: str):
    src = tmp_path / "lines.csv"
    src.write_text(HEADER + rows)
    db = tmp_path / "db.json"
    code, _, err = cli("import", src, "--db", db)
    assert code == 0, err
    return db


def test_every_view_shows_the_sum_of_the_rounded_line_costs(cli, tmp_path):
    db = _db(cli, tmp_path, "FOC1,555,2027-01-30,0.125,USD\nFOC2,555,2027-01-30,0.125,USD\n"
                            "FOC3,555,2027-01-30,2.675,USD\n")
    today = ("--today", "2026-12-01", "--db", db)
    _, out, _ = cli("report", "--json", *today)
    assert re.search(r'"annual_cost": 2\.94,', out)
    assert json.loads(out)["contracts"][0]["annual_cost"] == 2.94
    _, out, _ = cli("lookup", "555", *today)
    assert "2.94 USD/year" in out.splitlines()[0]
    _, out, _ = cli("lookup", "555", "--json", *today)
    answer = json.loads(out)
    assert answer["contract"]["annual_cost"] == 2.94
    assert [ln["annual_cost"] for ln in answer["renewals"][0]["lines"]] == [0.13, 0.13, 2.68]
    _, out, _ = cli("worklist", "--all", *today)
    assert "USD 2.94 a year" in out


def test_json_amounts_are_numbers_with_two_decimals(cli, tmp_path):
    db = _db(cli, tmp_path, "FOC1,10,2027-01-30,10220,USD\nFOC2,11,2027-01-30,1.005,EUR\n")
    _, out, _ = cli("report", "--json", "--today", "2026-12-01", "--db", db)
    assert '"annual_cost": 10220.00,' in out
    assert '"annual_cost": 1.01,' in out
    assert "10220.0," not in out
    costs = {c["number"]: c["annual_cost"] for c in json.loads(out)["contracts"]}
    assert costs == {"10": 10220, "11": 1.01}
