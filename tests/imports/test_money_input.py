"""Amounts and percentages: one grammar and one bound for every reader and option.

A fat-fingered cost (``1e30``, 32 digits) used to import and then make every command fail
to round it; locale-style amounts (``12,5``, ``1.234,56``, ``1_000``) were silently
misread. Both are refused, one line naming file, row and column, nothing written. A
database already holding such a cost (hand-edited) is refused at load, naming the record.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from smartnet_tui.domain.money import AmountError, parse_amount, parse_percent
from smartnet_tui.imports.quotes import QuoteError, read_quote_file

HEADER = "Serial Number,Contract Number,End Date,Annual Cost,Currency\n"


def _import_fails(cli, tmp_path: Path, source: Path) -> str:
    db = tmp_path / "db.json"
    seed = tmp_path / "seed.csv"
    seed.write_text(HEADER + "SEED1,1,2027-06-30,10,USD\n")
    code, _, err = cli("import", seed, "--db", db)
    assert code == 0, err
    before = db.read_bytes()
    code, _, err = cli("import", source, "--db", db)
    assert code == 2
    assert db.read_bytes() == before
    return err


@pytest.mark.parametrize(("cost", "why"), [
    ("1e30", "is not an amount"),
    ("99999999999999999999999999999999", "too large"),
    ("1000000000000", "too large"),
    ('"12,5"', "ambiguous"),
    ('"1.234,56"', "ambiguous"),
    ('"$1,2,3"', "ambiguous"),
    ("1_000", "ambiguous"),
])
def test_a_cost_out_of_bounds_or_ambiguous_is_refused(cli, tmp_path, cost, why):
    src = tmp_path / "lines.csv"
    src.write_text(HEADER + f"FOC1,777,2027-06-30,{cost},USD\n")
    err = _import_fails(cli, tmp_path, src)
    first = err.splitlines()[0]
    assert f'{src}: row 2, column "Annual Cost": ' in first and why in first
    assert "internal error" not in err


def test_a_numeric_xlsx_cell_too_large_is_refused(cli, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Serial Number", "Contract Number", "End Date", "Annual Cost", "Currency"])
    ws.append(["FOC1", "777", "2027-06-30", 1e30, "USD"])
    src = tmp_path / "lines.xlsx"
    wb.save(src)
    err = _import_fails(cli, tmp_path, src)
    assert 'row 2, column "Annual Cost"' in err and "too large" in err


@pytest.mark.parametrize(("text", "value"), [
    ("12,000.50", 12000.5), ("$1200", 1200.0), ("€ 99", 99.0), ("0.125", 0.125),
    ("1,234,567", 1234567.0), ("999999999999.99", 999999999999.99), (12.5, 12.5),
])
def test_amounts_as_admins_write_them(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["12,5", "1,23", "1.234,56", "1,2,3", "1_000", "1e3",
                                  "1 000", "-1", "nan", "Infinity", "", float("inf"), 1e13])
def test_anything_else_is_not_an_amount(text):
    with pytest.raises(AmountError):
        parse_amount(text)


QHEADER = ("Contract Number,Serial Number,Start Date,End Date,Duration,Unit List Price,"
           "Extended Net Price,Currency\n")


@pytest.mark.parametrize(("cells", "column"), [
    ("12,100,1e30,USD", "Extended Net Price"),
    ("12,1e30,100,USD", "Unit List Price"),
    ("12,\"12,5\",100,USD", "Unit List Price"),
    ("99999999999999999999,100,100,USD", "Duration"),
    ("1_2,100,100,USD", "Duration"),
])
def test_a_quote_amount_out_of_bounds_names_its_column(tmp_path, cells, column):
    path = tmp_path / "q.csv"
    path.write_text(QHEADER + f"93425688,S1,2027-01-01,2027-12-31,{cells}\n")
    with pytest.raises(QuoteError) as err:
        read_quote_file(path)
    (problem,) = err.value.problems
    assert str(problem).startswith(f'{path}: row 2, column "{column}": ')


def test_a_quote_keeps_its_exact_prices(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(QHEADER + '93425688,S1,2027-01-01,2027-12-31,12,"1,000.125",USD 99.995,USD\n')
    (line,) = read_quote_file(path).lines
    assert (line.unit_list_price, line.net_price, line.months) == (
        Decimal("1000.125"), Decimal("99.995"), 12)


@pytest.mark.parametrize(("text", "ok"), [
    ("5", Decimal(5)), ("3.5%", Decimal("3.5")), ("1000", Decimal(1000)), ("0", Decimal(0))])
def test_percentages(text, ok):
    assert parse_percent(text) == ok


@pytest.mark.parametrize("text", ["1e30", "1001", "-5", "1_0", "nan", "ten"])
def test_percentages_out_of_bounds(text):
    with pytest.raises(AmountError):
        parse_percent(text)


@pytest.mark.parametrize(("argv", "message"), [
    (("plan", "term", "777", "--uplift", "1e30"), "argument --uplift: '1e30' is not a percentage"),
    (("plan", "term", "777", "--discount", "5000"), "'5000' is too large a percentage (at most 1000)"),
    (("plan", "coterm", "SNT", "--reinstatement", "1e30"), "--reinstatement: '1e30' is not a"),
    (("quote", "check", "q.csv", "--max-increase", "1e30"), "--max-increase: '1e30' is not a"),
])
def test_a_percentage_out_of_bounds_is_one_line_and_exit_2(cli, tmp_path, argv, message):
    db = tmp_path / "db.json"
    src = tmp_path / "lines.csv"
    src.write_text("Serial Number,Contract Number,End Date,Annual Cost,Currency,Service Level\n"
                   "FOC1,777,2027-01-30,10,USD,SNT\n")
    assert cli("import", src, "--db", db)[0] == 0
    (tmp_path / "q.csv").write_text("Serial Number,Extended Net Price\nFOC1,10\n")
    code, out, err = cli(*argv, "--db", db)
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert message in line


@pytest.mark.parametrize(("where", "cost"), [("contract", 1e30), ("line", 1e30),
                                             ("contract", -5), ("line", -0.01), ("line", "12")])
def test_a_hand_edited_cost_is_refused_at_load_naming_the_record(cli, tmp_path, where, cost):
    db = tmp_path / "db.json"
    src = tmp_path / "lines.csv"
    src.write_text(HEADER + "FOC1,777,2027-06-30,10,USD\n")
    assert cli("import", src, "--db", db)[0] == 0
    doc = json.loads(db.read_text())
    (contract,) = doc["contracts"].values()
    (contract if where == "contract" else contract["lines"][0])["annual_cost"] = cost
    db.write_text(json.dumps(doc))
    for argv in (("report",), ("lookup", "777"), ("lookup", "FOC1"), ("worklist",),
                 ("timeline",)):
        code, _, err = cli(*argv, "--db", db)
        assert code in (2, 3), argv
        (line,) = err.splitlines()
        assert "database record is malformed" in line and "'777'" in line and "annual_cost" in line
        assert "internal error" not in line


# ------------------------------------------------------------------ currencies
def test_one_contract_in_two_currencies_is_refused_naming_row_and_column(cli, tmp_path):
    src = tmp_path / "lines.csv"
    src.write_text(HEADER + "FOC1,556,2027-06-30,100,USD\nFOC2,556,2027-06-30,100,EUR\n")
    err = _import_fails(cli, tmp_path, src)
    first = err.splitlines()[0]
    assert f'{src}: row 3, column "Currency": ' in first
    assert "USD" in first and "EUR" in first and "one currency" in first


def test_currency_codes_are_upper_cased_and_must_be_three_letters(cli, tmp_path):
    src = tmp_path / "lines.csv"
    src.write_text(HEADER + "FOC1,556,2027-06-30,100, usd \nFOC2,556,2027-06-30,100,USD\n")
    db = tmp_path / "ok.json"
    assert cli("import", src, "--db", db)[0] == 0
    _, out, _ = cli("lookup", "556", "--today", "2026-12-01", "--db", db)
    assert "200.00 USD/year" in out.splitlines()[0]
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "FOC1,557,2027-06-30,100,US$\n")
    err = _import_fails(cli, tmp_path, bad)
    assert f'{bad}: row 2, column "Currency": ' in err and "not a currency code" in err


def test_a_data_file_currency_is_checked_the_same(cli, tmp_path):
    src = tmp_path / "c.yaml"
    src.write_text('contracts:\n  - number: "9"\n    end: 2027-06-30\n    currency: eur\n'
                   "    annual_cost: 5\n    serials: [A1]\n")
    db = tmp_path / "ok.json"
    assert cli("import", src, "--db", db)[0] == 0
    _, out, _ = cli("lookup", "9", "--today", "2026-12-01", "--db", db)
    assert "5.00 EUR/year" in out
    src.write_text(src.read_text().replace("eur", "E"))
    err = _import_fails(cli, tmp_path, src)
    assert "contracts[0].currency" in err and "not a currency code" in err


def test_no_currency_is_said_unknown_in_every_view(cli, tmp_path):
    src = tmp_path / "c.yaml"
    src.write_text('devices:\n  - serial: FOC1\ncontracts:\n  - number: "558"\n'
                   "    end: 2027-01-15\n    annual_cost: 100\n    serials: [FOC1]\n")
    db = tmp_path / "db.json"
    assert cli("import", src, "--db", db)[0] == 0
    at = ("--today", "2026-12-01", "--db", db)
    assert "at stake unknown 100.00" in cli("report", *at)[1]
    assert "contract 558  100.00 unknown/year" in cli("lookup", "558", *at)[1]
    assert "unknown 100.00 a year" in cli("worklist", *at)[1]
    assert "unknown 100.00" in cli("timeline", *at)[1]


def test_a_quote_currency_is_a_three_letter_code(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(QHEADER + "93425688,S1,2027-01-01,2027-12-31,12,100,100,US$\n"
                              "93425688,S2,2027-01-01,2027-12-31,12,100,100, eur \n")
    with pytest.raises(QuoteError) as err:
        read_quote_file(path)
    (problem,) = err.value.problems
    assert str(problem).startswith(f'{path}: row 2, column "Currency": ')
    path.write_text(QHEADER + "93425688,S2,2027-01-01,2027-12-31,12,100,100, eur \n")
    assert [q.currency for q in read_quote_file(path).lines] == ["EUR"]


@pytest.mark.parametrize("price", ["1e30", "-5", "lots"])
def test_a_hand_edited_quote_price_is_refused_at_load(cli, tmp_path, price):
    db = tmp_path / "db.json"
    src = tmp_path / "lines.csv"
    src.write_text(HEADER + "FOC1,777,2027-01-30,10,USD\n")
    assert cli("import", src, "--db", db)[0] == 0
    quote = tmp_path / "q.csv"
    quote.write_text("Serial Number,Extended Net Price,Currency\nFOC1,10,USD\n")
    code, _, err = cli("quote", "import", quote, "--name", "Q1", "--db", db)
    assert code in (0, 1), err
    doc = json.loads(db.read_text())
    (stored,) = doc["quotes"].values()
    stored["lines"][0]["net_price"] = price
    db.write_text(json.dumps(doc))
    code, _, err = cli("quote", "list", "--db", db)
    assert code == 2
    (line,) = err.splitlines()
    assert "database record is malformed" in line and "price" in line
