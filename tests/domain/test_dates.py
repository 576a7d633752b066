"""parse_date: every accepted format, the date order, and what must be refused."""

from __future__ import annotations

from datetime import date

import pytest

from smartnet_tui.domain.dates import DateError, DateOrder, parse_date

JUL31 = date(2026, 7, 31)


@pytest.mark.parametrize(
    "text, expected",
    [
        # ISO
        ("2026-07-31", JUL31),
        ("2026-7-3", date(2026, 7, 3)),
        ("  2026-07-31  ", JUL31),
        ("2026-07-31T00:00:00", JUL31),
        # DD-Mon-YYYY, any case
        ("31-Jul-2026", JUL31),
        ("31-JUL-2026", JUL31),
        ("31-jul-2026", JUL31),
        ("31-jUl-2026", JUL31),
        ("3-Jul-2026", date(2026, 7, 3)),
        ("31 Jul 2026", JUL31),
        ("30-Sept-2026", date(2026, 9, 30)),
        # Mon DD, YYYY
        ("Jul 31, 2026", JUL31),
        ("JUL 31, 2026", JUL31),
        ("jul 31, 2026", JUL31),
        ("July 31, 2026", JUL31),
        ("Jul 31 2026", JUL31),
        ("Dec 1, 2026", date(2026, 12, 1)),
        # numeric, month first by default, any of / . -
        ("07/31/2026", JUL31),
        ("7/31/2026", JUL31),
        ("07.31.2026", JUL31),
        ("07-31-2026", JUL31),
        ("03/04/2026", date(2026, 3, 4)),
    ],
)
def test_accepted_formats_month_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("month", ["jan", "FEB", "Mar", "aPr", "MAY", "jun", "Jul", "aug",
                                   "SEP", "oct", "Nov", "dEC"])
def test_every_month_name_any_case(month):
    expected = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                "nov", "dec"].index(month.lower()) + 1
    assert parse_date(f"15-{month}-2026") == date(2026, expected, 15)
    assert parse_date(f"{month} 15, 2026") == date(2026, expected, 15)


@pytest.mark.parametrize(
    "text, mdy, dmy",
    [
        ("03/04/2026", date(2026, 3, 4), date(2026, 4, 3)),
        ("12/01/2026", date(2026, 12, 1), date(2026, 1, 12)),
        ("01.02.2027", date(2027, 1, 2), date(2027, 2, 1)),
        ("05-06-2026", date(2026, 5, 6), date(2026, 6, 5)),
    ],
)
def test_numeric_dates_follow_the_order(text, mdy, dmy):
    assert parse_date(text, DateOrder.MDY) == mdy
    assert parse_date(text, DateOrder.DMY) == dmy


@pytest.mark.parametrize("text", ["2026-07-31", "31-Jul-2026", "Jul 31, 2026"])
def test_unambiguous_formats_ignore_the_order(text):
    assert parse_date(text, DateOrder.DMY) == JUL31


@pytest.mark.parametrize(
    "text, order",
    [
        ("31/07/2026", DateOrder.MDY),  # no month 31: never swapped to 31 July
        ("13/01/2026", DateOrder.MDY),
        ("07/31/2026", DateOrder.DMY),  # no month 31 day first
        ("01/13/2026", DateOrder.DMY),
        ("02/30/2026", DateOrder.MDY),  # no 30 February in either order
        ("30/02/2026", DateOrder.DMY),
        ("04/31/2026", DateOrder.MDY),
        ("00/10/2026", DateOrder.MDY),
        ("10/00/2026", DateOrder.MDY),
    ],
)
def test_impossible_numeric_dates_are_errors_never_swapped(text, order):
    with pytest.raises(DateError) as exc:
        parse_date(text, order)
    assert text in str(exc.value)


def test_month_first_error_hints_at_day_first():
    with pytest.raises(DateError, match="dmy"):
        parse_date("31/07/2026")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2028-02-29", date(2028, 2, 29)),
        ("29-Feb-2028", date(2028, 2, 29)),
        ("Feb 29, 2028", date(2028, 2, 29)),
        ("02/29/2028", date(2028, 2, 29)),
        ("2000-02-29", date(2000, 2, 29)),  # divisible by 400: leap
    ],
)
def test_feb_29_in_leap_years(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2026-02-29", "29-Feb-2026", "Feb 29, 2026", "02/29/2026", "2100-02-29", "1900-02-29"],
)
def test_feb_29_in_other_years_is_an_error(text):
    with pytest.raises(DateError):
        parse_date(text)


@pytest.mark.parametrize(
    "value",
    [
        "", "   ", "tomorrow", "next year", "2026-13-01", "2026-00-10", "2026-07-32",
        "2026-07", "31-Jux-2026", "Foo 31, 2026", "31/07/26", "31-Jul-26", "2026/07/31",
        "07/31/2026/1", "20260731", "46234", "2026-07-31 12:30", "N/A", "TBD",
        20260731, 46234, 3.5, True, None, ["2026-07-31"], {"date": "2026-07-31"},
    ],
)
def test_garbage_is_an_error(value):
    with pytest.raises(DateError):
        parse_date(value)


def test_date_error_is_a_value_error_naming_the_value():
    with pytest.raises(ValueError, match="tomorrow"):
        parse_date("tomorrow")


def test_a_date_passes_through():
    assert parse_date(JUL31) == JUL31


def test_excel_serials_only_where_allowed():
    assert parse_date(46234, allow_excel_serial=True) == date(2026, 7, 31)
    assert parse_date("46234", allow_excel_serial=True) == date(2026, 7, 31)
    with pytest.raises(DateError):
        parse_date(46234)
