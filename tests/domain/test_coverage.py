"""Coverage of a serial (issue 2, Semantics): status, coverage_end, days_left,
next_start and contracts, on a fixed today with the due window at 60 days."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import TODAY, D, analyse, con, days, dev, ln

S = "FOC1234X0AB"


def cov(*contracts, today: date = TODAY, due_days: int = 60):
    a = analyse([dev(S)], contracts, today=today, due_days=due_days)
    return a.coverage[S]


def one(start, end, number="C1", **kw):
    return con(number, ln(S, start, end), **kw)


@pytest.mark.parametrize(
    "start, end, status, days_left",
    [
        (days(-300), days(400), "covered", 400),
        (days(-300), days(61), "covered", 61),  # due_days + 1
        (days(-300), days(60), "expiring", 60),  # days_left == due_days
        (days(-300), days(1), "expiring", 1),
        (days(-300), TODAY, "expiring", 0),  # end == today: still covered
        (TODAY, days(200), "covered", 200),  # start == today covers today
        (TODAY, TODAY, "expiring", 0),  # a one-day line on today
        (None, days(200), "covered", 200),  # no start: from ever
    ],
)
def test_covered_and_expiring(start, end, status, days_left):
    c = cov(one(start, end))
    assert c.status == status
    assert c.coverage_end == end
    assert c.days_left == days_left
    assert c.contracts == ("C1",)
    assert c.covered_today


def test_due_window_is_the_policy_not_a_constant():
    assert cov(one(days(-10), days(90)), due_days=90).status == "expiring"
    assert cov(one(days(-10), days(91)), due_days=90).status == "covered"
    assert cov(one(days(-10), days(1)), due_days=0).status == "covered"
    assert cov(one(days(-10), TODAY), due_days=0).status == "expiring"


def test_line_ending_yesterday_is_lapsed():
    c = cov(one(days(-365), days(-1)))
    assert (c.status, c.coverage_end, c.days_left, c.next_start, c.contracts) == (
        "lapsed", days(-1), -1, None, ())
    assert not c.covered_today


def test_lapsed_reports_the_latest_past_end():
    c = cov(one(days(-900), days(-400), "OLD"), one(days(-300), days(-30), "LESS-OLD"))
    assert (c.status, c.coverage_end, c.days_left) == ("lapsed", days(-30), -30)


def test_start_tomorrow_is_uncovered_with_next_start():
    c = cov(one(days(1), days(366)))
    assert (c.status, c.coverage_end, c.days_left, c.next_start, c.contracts) == (
        "uncovered", None, None, days(1), ())


def test_lapsed_with_a_future_line_keeps_next_start():
    c = cov(one(days(-400), days(-10), "OLD"), one(days(5), days(370), "NEW"))
    assert (c.status, c.coverage_end, c.days_left, c.next_start) == ("lapsed", days(-10), -10, days(5))


def test_next_start_is_the_earliest_future_start():
    c = cov(one(days(-10), days(20), "NOW"), one(days(40), days(400), "B"), one(days(30), days(35), "A"))
    assert c.next_start == days(30)
    assert c.status == "expiring" and c.coverage_end == days(20)  # 30 > 21: a gap


def test_no_lines_is_uncovered():
    c = cov()
    assert (c.status, c.coverage_end, c.days_left, c.next_start, c.contracts) == (
        "uncovered", None, None, None, ())


# -------------------------------------------------------------------- chains
def test_renewal_starting_the_day_after_the_end_is_continuous():
    c = cov(one(days(-300), days(10), "OLD"), one(days(11), days(376), "NEW"))
    assert (c.status, c.coverage_end, c.days_left) == ("covered", days(376), 376)
    assert c.contracts == ("OLD",)  # only OLD covers today


def test_a_one_day_gap_breaks_the_chain():
    c = cov(one(days(-300), days(10), "OLD"), one(days(12), days(376), "NEW"))
    assert (c.status, c.coverage_end, c.days_left) == ("expiring", days(10), 10)
    assert c.next_start == days(12)


def test_chain_of_three_and_a_gap_after():
    c = cov(
        one(days(-100), days(5), "A"),
        one(days(6), days(20), "B"),
        one(days(21), days(80), "C"),
        one(days(82), days(500), "D"),  # a day missing after C
    )
    assert (c.coverage_end, c.days_left, c.status) == (days(80), 80, "covered")


def test_chain_order_in_the_data_does_not_matter():
    lines = [one(days(21), days(80), "C"), one(days(6), days(20), "B"), one(days(-100), days(5), "A")]
    assert cov(*lines).coverage_end == days(80)
    assert cov(*reversed(lines)).coverage_end == days(80)


def test_overlapping_lines():
    c = cov(one(days(-100), days(50), "A"), one(days(-10), days(30), "B"), one(days(40), days(200), "C"))
    assert (c.coverage_end, c.days_left, c.status) == (days(200), 200, "covered")
    assert c.contracts == ("A", "B")


def test_a_line_inside_another_does_not_shorten_it():
    c = cov(one(days(-100), days(300), "LONG"), one(days(-5), days(5), "SHORT"))
    assert c.coverage_end == days(300)


def test_covering_line_with_a_longer_one_from_ever():
    c = cov(one(None, days(20), "A"), one(None, days(90), "B"))
    assert (c.coverage_end, c.contracts) == (days(90), ("A", "B"))


def test_future_line_without_a_chain_is_not_counted():
    c = cov(one(days(-100), days(30), "A"), one(days(100), days(500), "B"))
    assert (c.coverage_end, c.next_start) == (days(30), days(100))


# -------------------------------------------------------------------- ignored lines
def test_cancelled_contract_lines_are_ignored():
    c = cov(one(days(-100), days(300), "X", status="cancelled"))
    assert (c.status, c.coverage_end, c.next_start, c.contracts) == ("uncovered", None, None, ())


def test_cancelled_past_line_does_not_make_it_lapsed():
    assert cov(one(days(-400), days(-1), "X", status="cancelled")).status == "uncovered"


def test_cancelled_future_line_gives_no_next_start():
    assert cov(one(days(5), days(300), "X", status="cancelled")).next_start is None


def test_terminated_lines_are_ignored():
    c = cov(con("T", ln(S, days(-100), days(300), status="terminated")))
    assert (c.status, c.contracts) == ("uncovered", ())


def test_terminated_line_does_not_extend_a_chain():
    c = cov(one(days(-100), days(10), "A"),
            con("T", ln(S, days(11), days(300), status="terminated")))
    assert c.coverage_end == days(10)


def test_cancelled_renewal_does_not_extend_a_chain():
    c = cov(one(days(-100), days(10), "A"), one(days(11), days(300), "B", status="cancelled"))
    assert (c.coverage_end, c.status) == (days(10), "expiring")


def test_contracts_lists_only_covering_contracts_sorted():
    c = cov(
        one(days(-50), days(50), "Z9"),
        one(days(-50), days(70), "A1"),
        one(days(-500), days(-60), "OLD"),
        one(days(60), days(400), "NEXT"),
        one(days(-50), days(70), "CAN", status="cancelled"),
    )
    assert c.contracts == ("A1", "Z9")


# -------------------------------------------------------------------- lines inherit
def test_line_takes_the_contract_dates():
    c = cov(con("C", ln(S), start=days(-10), end=days(45)))
    assert (c.status, c.coverage_end, c.days_left) == ("expiring", days(45), 45)


def test_line_dates_override_the_contract():
    c = cov(con("C", ln(S, end=days(200)), start=days(-10), end=days(45)))
    assert c.coverage_end == days(200)
    c = cov(con("C", ln(S, start=days(3)), start=days(-10), end=days(45)))
    assert (c.status, c.next_start) == ("uncovered", days(3))


# -------------------------------------------------------------------- leap days
@pytest.mark.parametrize(
    "today, start, end, status, days_left, coverage_end",
    [
        (D("2028-02-29"), D("2027-03-01"), D("2028-02-29"), "expiring", 0, D("2028-02-29")),
        (D("2028-03-01"), D("2027-03-01"), D("2028-02-29"), "lapsed", -1, D("2028-02-29")),
        (D("2028-02-28"), D("2027-03-01"), D("2028-02-29"), "expiring", 1, D("2028-02-29")),
        (D("2028-02-29"), D("2028-02-29"), D("2029-02-28"), "covered", 365, D("2029-02-28")),
        (D("2028-02-28"), D("2028-02-29"), D("2029-02-28"), "uncovered", None, None),
        (D("2028-01-01"), D("2027-01-01"), D("2028-02-28"), "expiring", 58, D("2028-02-28")),
    ],
)
def test_leap_days(today, start, end, status, days_left, coverage_end):
    c = cov(one(start, end), today=today)
    assert (c.status, c.days_left, c.coverage_end) == (status, days_left, coverage_end)


def test_renewal_on_leap_day_continues_the_chain():
    c = cov(one(D("2027-03-01"), D("2028-02-28"), "OLD"), one(D("2028-02-29"), D("2029-02-28"), "NEW"),
            today=D("2028-02-01"))
    assert (c.coverage_end, c.status) == (D("2029-02-28"), "covered")


def test_gap_of_the_leap_day_breaks_the_chain():
    c = cov(one(D("2027-03-01"), D("2028-02-28"), "OLD"), one(D("2028-03-01"), D("2029-02-28"), "NEW"),
            today=D("2028-02-01"))
    assert (c.coverage_end, c.days_left) == (D("2028-02-28"), 27)


def test_serial_only_on_lines_has_coverage_too():
    a = analyse([], [one(days(-10), days(100))])
    assert a.coverage[S].status == "covered"


def test_device_with_no_lines_and_no_device_has_no_coverage_entry():
    a = analyse([dev("OTHER")], [])
    assert S not in a.coverage
    assert a.coverage["OTHER"].status == "uncovered"
