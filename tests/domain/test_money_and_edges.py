"""Amounts, and dates at the very end of the calendar."""

from datetime import date

import pytest

from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Contract, Device, Estate, LineSpec
from smartnet_tui.domain.money import AmountError, parse_amount


@pytest.mark.parametrize("text, amount", [
    ("12,000.50", 12000.5), ("$1200", 1200.0), ("€ 99", 99.0), ("0", 0.0), (250, 250.0),
    (" 1,234 ", 1234.0),
])
def test_amounts(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["lots", "nan", "NaN", "inf", "-inf", "-5", "", True, None, [1]])
def test_not_amounts(text):
    with pytest.raises(AmountError):
        parse_amount(text)


def test_an_end_of_calendar_date_is_no_internal_error():
    estate = Estate(
        [Device("A")],
        [Contract("C1", end=date.max, lines=(LineSpec("A"),)),
         Contract("C2", start=date(2026, 1, 1), end=date(2026, 12, 31), lines=(LineSpec("A"),))],
    )
    for today, due in ((date(2026, 12, 1), 60), (date(2026, 12, 1), 3_000_000), (date.max, 60)):
        a = Analysis(estate, Policy(today, due, max(due, 120)))
        assert a.coverage["A"].coverage_end == date.max
        assert a.contract_status["C1"].renewal in ("ok", "due", "review")
