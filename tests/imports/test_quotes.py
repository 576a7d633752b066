"""Reading a partner's quote (issue 10): CSV and XLSX, banner rows, header aliases, Excel
dates, exact amounts, and every unreadable file one line naming file, row and column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import write_text
from openpyxl import Workbook

from smartnet_tui.domain.dates import DateOrder
from smartnet_tui.imports.quotes import QuoteError, read_quote_file, read_quote_files

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quotes"


def _strip_where(lines):
    return [(q.serial, q.contract, q.pid, q.service_level, q.start, q.end, q.months, q.quantity,
             q.unit_list_price, q.net_price, q.currency) for q in lines]


def test_the_fixture_quote_reads_the_same_from_csv_and_xlsx():
    csv_file = read_quote_file(FIXTURES / "quote.csv")
    xlsx_file = read_quote_file(FIXTURES / "quote.xlsx")
    assert csv_file.header_row == xlsx_file.header_row == 4  # three banner rows above it
    assert _strip_where(csv_file.lines) == _strip_where(xlsx_file.lines)
    first = csv_file.lines[0]
    assert (first.serial, first.contract, first.pid, first.service_level) == (
        "CLEAN1", "93425688", "C9300-24T", "SNTP")
    assert (first.start, first.end, first.months, first.quantity) == (
        date(2027, 1, 1), date(2027, 12, 31), 12, 1)
    assert (first.unit_list_price, first.net_price, first.currency) == (
        Decimal("1500"), Decimal("1000"), "USD")
    assert xlsx_file.lines[1].end == date(2027, 12, 31)  # an Excel serial number in the sheet
    assert first.where.endswith("quote.csv: row 5")
    # the total row at the bottom is skipped, and said so
    assert [str(w) for w in csv_file.warnings] == [
        f"{FIXTURES / 'quote.csv'}: row 16: 1 row without serial and contract skipped "
        "(notes or total rows)"]


HEADER = "Contract Number,Serial Number,Start Date,End Date,Extended Net Price,Currency\n"


@pytest.mark.parametrize(("row", "where", "message"), [
    ("93425688,S1,2027-01-01,2027-13-01,10,USD", 'row 2, column "End Date"', "is not a valid date"),
    ("93425688,S1,2027-01-01,2027-12-31,ten,USD", 'row 2, column "Extended Net Price"',
     "'ten' is not an amount"),
    ("93425688,S1,2027-01-01,2027-12-31,-5,USD", 'row 2, column "Extended Net Price"',
     "a price is a number of zero or more"),
    ("93425688,,2027-01-01,2027-12-31,10,USD", 'row 2, column "Serial Number"',
     "required: a quote line needs a serial"),
    ("93425688,S1,2027-12-31,2027-01-01,10,USD", 'row 2, column "End Date"',
     "the line starts 2027-12-31 after it ends 2027-01-01"),
])
def test_a_bad_cell_names_file_row_and_column(tmp_path, row, where, message):
    path = write_text(tmp_path / "q.csv", HEADER + row + "\n")
    with pytest.raises(QuoteError) as err:
        read_quote_file(path)
    (problem,) = err.value.problems
    assert str(problem).startswith(f"{path}: {where}: ")
    assert message in str(problem)


def test_day_first_dates_follow_the_date_order(tmp_path):
    path = write_text(tmp_path / "q.csv", HEADER + "1,S1,01/02/2027,31/01/2028,10,usd\n")
    with pytest.raises(QuoteError):
        read_quote_file(path)
    (line,) = read_quote_file(path, DateOrder.DMY).lines
    assert (line.start, line.end, line.currency) == (date(2027, 2, 1), date(2028, 1, 31), "USD")


def test_amounts_as_quotes_write_them(tmp_path):
    path = write_text(tmp_path / "q.csv", (
        "Serial Number;Ext Net Price;Duration\n"
        'S1;"$1,234.50";36\nS2;EUR 99.995;12\nS3;;\n'))
    lines = read_quote_file(path).lines
    assert [(q.net_price, q.months) for q in lines] == [
        (Decimal("1234.50"), 36), (Decimal("99.995"), 12), (None, None)]


def test_no_serial_column(tmp_path):
    path = write_text(tmp_path / "q.csv", "Contract Number,Price\n1,2\n")
    with pytest.raises(QuoteError) as err:
        read_quote_file(path)
    assert "no header row with a serial column" in str(err.value.problems[0])


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    (b"PK\x03\x04 not really a zip", "not a readable XLSX workbook"),
    (b'{"devices": []}', "not a quote"),
    (b"Serial Number,End Date\nS1,2027-01-01\x1b[2J\n", "row 2, column 2"),
])
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "q.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(QuoteError) as err:
        read_quote_file(path)
    assert len(err.value.problems) == 1
    assert str(err.value.problems[0]).startswith(str(path))
    assert message in str(err.value.problems[0])


def test_an_xlsx_bad_cell_names_the_row_and_column(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Quote 17"])
    ws.append(["Serial Number", "Start Date", "End Date"])
    ws.append(["S1", date(2027, 1, 1), "soon"])
    wb.save(tmp_path / "q.xlsx")
    with pytest.raises(QuoteError) as err:
        read_quote_file(tmp_path / "q.xlsx")
    assert str(err.value.problems[0]).startswith(f'{tmp_path / "q.xlsx"}: row 3, column "End Date": ')


def test_one_bad_file_among_several_fails_them_all(tmp_path):
    good = write_text(tmp_path / "good.csv", HEADER + "1,S1,2027-01-01,2027-12-31,10,USD\n")
    bad = write_text(tmp_path / "bad.csv", HEADER + "1,S2,2027-01-01,someday,10,USD\n")
    with pytest.raises(QuoteError) as err:
        read_quote_files([good, bad])
    assert [p.file for p in err.value.problems] == [str(bad)]
    assert len(read_quote_files([good, good])[1].lines) == 1
