"""Contract end, days_left and renewal status (expired/due/review/ok/renewed/cancelled)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import TODAY, analyse, con, days, dev, ln


def status(contracts, number="C1", **kw):
    """The contract's status, every serial of the contracts an active device in the inventory
    (a serial not in the inventory is a `drop` line: issue 8)."""
    serials = sorted({spec.serial for c in contracts for spec in c.lines})
    a = analyse([dev(s) for s in serials], contracts, **kw)
    return a.contract_status[number]


@pytest.mark.parametrize(
    "days_left, renewal",
    [
        (-400, "expired"),
        (-1, "expired"),
        (0, "due"),
        (1, "due"),
        (30, "due"),
        (60, "due"),
        (61, "review"),
        (120, "review"),
        (121, "ok"),
        (900, "ok"),
    ],
)
def test_renewal_buckets(days_left, renewal):
    st = status([con("C1", ln("A"), start=days(-365), end=days(days_left))])
    assert (st.end, st.days_left, st.renewal) == (days(days_left), days_left, renewal)


@pytest.mark.parametrize(
    "due, review, days_left, renewal",
    [(30, 90, 30, "due"), (30, 90, 31, "review"), (30, 90, 90, "review"), (30, 90, 91, "ok"),
     (0, 0, 0, "due"), (0, 0, 1, "ok")],
)
def test_windows_come_from_the_policy(due, review, days_left, renewal):
    st = status([con("C1", ln("A"), end=days(days_left))], due_days=due, review_days=review)
    assert st.renewal == renewal


def test_end_is_the_contracts_and_the_most_urgent_renewal_is_apart():
    # each end date is a renewal (issue 8); the contract's renewal is the most urgent one,
    # its end is the contract's: the latest end of its lines
    c = con("C1", ln("A", end=days(10)), ln("B", end=days(200)), ln("C"), end=days(50))
    st = status([c])
    assert (st.end, st.renewal_end, st.deadline, st.days_left, st.renewal) == (
        days(200), days(10), days(10), 10, "due")
    assert st.early is not None and st.early.lines_end_text == f"1 line ends {days(10)}"
    assert [(r.end, r.status) for r in st.renewals] == [
        (days(10), "due"), (days(50), "due"), (days(200), "ok")]


def test_terminated_lines_do_not_set_the_end():
    c = con("C1", ln("A", end=days(30)), ln("B", end=days(500), status="terminated"), end=days(40))
    st = status([c])
    assert (st.renewal_end, st.days_left, st.renewal) == (days(30), 30, "due")
    assert st.end == days(30)  # the latest end of the lines not terminated
    assert st.serials == ("A",)


def test_with_only_terminated_lines_the_contract_end_counts():
    c = con("C1", ln("A", end=days(500), status="terminated"), end=days(100))
    st = status([c])
    assert (st.end, st.renewal, st.serials) == (days(100), "not needed", ())


def test_contract_with_no_lines_uses_its_own_end():
    st = status([con("C1", end=days(-5))])
    assert (st.end, st.days_left, st.renewal, st.serials) == (days(-5), -5, "not needed", ())


def test_line_end_earlier_than_the_contract_end_wins():
    # end = latest end of its lines, even when the header says later
    st = status([con("C1", ln("A", end=days(20)), end=days(300))])
    assert (st.end, st.renewal) == (days(20), "due")


def test_serials_are_the_non_terminated_lines_sorted_unique():
    c = con("C1", ln("B"), ln("A"), ln("B", start=days(-900), end=days(-500)),
            ln("Z", status="terminated"), end=days(10))
    assert status([c]).serials == ("A", "B")


# -------------------------------------------------------------------- renewed
def renewal_of(old_end_days, others, old_lines=("A", "B")):
    old = con("OLD", *(ln(s) for s in old_lines), start=days(-365), end=days(old_end_days))
    return status([old, *others], number="OLD").renewal


@pytest.mark.parametrize("end_days, bucket", [(-30, "expired"), (0, "due"), (45, "due"), (100, "review")])
def test_renewed_when_every_serial_is_covered_the_day_after(end_days, bucket):
    new = con("NEW", ln("A"), ln("B"), start=days(end_days + 1), end=days(end_days + 366))
    assert renewal_of(end_days, [new]) == "renewed"
    # and without the renewal it stays in its bucket
    assert renewal_of(end_days, []) == bucket


def test_renewed_by_several_other_contracts():
    n1 = con("N1", ln("A"), start=days(-10), end=days(400))
    n2 = con("N2", ln("B"), start=days(46), end=days(400))
    assert renewal_of(45, [n1, n2]) == "renewed"


def test_covered_from_ever_counts_for_the_day_after():
    new = con("NEW", ln("A"), ln("B"), end=days(400))  # no start
    assert renewal_of(45, [new]) == "renewed"


def test_not_renewed_when_one_serial_is_not_covered():
    new = con("NEW", ln("A"), start=days(46), end=days(400))
    assert renewal_of(45, [new]) == "due"


def test_not_renewed_when_the_renewal_starts_two_days_after():
    new = con("NEW", ln("A"), ln("B"), start=days(47), end=days(400))
    assert renewal_of(45, [new]) == "due"


def test_not_renewed_when_the_other_line_ends_on_the_end_day():
    new = con("NEW", ln("A"), ln("B"), start=days(-100), end=days(45))
    assert renewal_of(45, [new]) == "due"


def test_not_renewed_by_a_cancelled_contract():
    new = con("NEW", ln("A"), ln("B"), start=days(46), end=days(400), status="cancelled")
    assert renewal_of(45, [new]) == "due"


def test_not_renewed_by_a_terminated_line():
    new = con("NEW", ln("A"), ln("B", status="terminated"), start=days(46), end=days(400))
    assert renewal_of(45, [new]) == "due"


def test_renewed_by_a_line_of_the_same_contract():
    old = con("OLD", ln("A", end=days(45)), ln("B", end=days(45)),
              ln("A", start=days(46), end=days(400)), ln("B", start=days(46), end=days(400)),
              start=days(-365))
    # the renewal ending in 45 days is renewed by the contract's own later lines; the
    # contract shows its most urgent renewal: the one ending in 400 days, ok
    st = status([old], number="OLD")
    assert st.renewal == "ok"
    assert [(r.end, r.status) for r in st.renewals] == [(days(400), "ok"), (days(45), "renewed")]
    old2 = con("OLD", ln("A"), ln("B"), start=days(-365), end=days(45))
    other_lines_same_number_only = status([old2], number="OLD")
    assert other_lines_same_number_only.renewal == "due"


def test_terminated_serial_of_the_old_contract_need_not_be_renewed():
    old = con("OLD", ln("A"), ln("B", status="terminated"), start=days(-365), end=days(45))
    new = con("NEW", ln("A"), start=days(46), end=days(400))
    assert status([old, new], number="OLD").renewal == "renewed"


def test_contract_with_only_terminated_lines_needs_no_renewal():
    old = con("OLD", ln("A", status="terminated"), end=days(45))
    new = con("NEW", ln("A"), start=days(46), end=days(400))
    assert status([old, new], number="OLD").renewal == "not needed"


def test_contract_with_no_lines_needs_no_renewal():
    assert status([con("OLD", end=days(45))], number="OLD").renewal == "not needed"


def test_a_renewal_months_away_already_renewed_is_renewed():
    # issue 8: renewed whenever its lines are covered the day after, whatever the date
    new = con("NEW", ln("A"), ln("B"), start=days(201), end=days(600))
    assert renewal_of(200, [new]) == "renewed"


# -------------------------------------------------------------------- cancelled
@pytest.mark.parametrize("end_days", [-10, 0, 30, 100, 500])
def test_cancelled_contract_status(end_days):
    st = status([con("C1", ln("A"), end=days(end_days), status="cancelled")])
    assert st.renewal == "cancelled"
    assert st.end == days(end_days)


def test_cancelled_contract_takes_no_part_in_coverage_or_alerts():
    a = analyse([dev("A", criticality="critical")],
                [con("C1", ln("A"), start=days(-10), end=days(20), status="cancelled")])
    assert a.coverage["A"].status == "uncovered"
    assert [x.kind for x in a.alerts()] == ["uncovered"]


# -------------------------------------------------------------------- cost
def test_annual_cost_is_the_sum_of_the_live_lines_costs_each_to_the_cent():
    # the worklist's rule (line_costs): a line's own cost, else the contract's shared
    c1 = con("C1", ln("A", annual_cost=100.0), ln("B", annual_cost=50.5),
             ln("C", annual_cost=999.0, status="terminated"), end=days(10))
    c2 = con("C2", ln("A", annual_cost=100.0), ln("B"), end=days(10), annual_cost=42.0)
    c3 = con("C3", ln("A"), end=days(10))
    c4 = con("C4", ln("A", annual_cost=0.125), ln("B", annual_cost=0.125),
             ln("C", annual_cost=2.675), end=days(10))
    c5 = con("C5", ln("A"), ln("B"), ln("C"), end=days(10), annual_cost=100.0)
    a = analyse([], [c1, c2, c3, c4, c5])
    costs = {n: a.contract_status[n].annual_cost for n in ("C1", "C2", "C3", "C4", "C5")}
    assert costs == {"C1": Decimal("150.50"), "C2": Decimal("121.00"), "C3": None,
                     "C4": Decimal("2.94"), "C5": Decimal("99.99")}  # 0.13+0.13+2.68; 3 x 33.33


def test_reference_date_is_the_policy_today():
    c = con("C1", ln("A"), end=TODAY)
    assert status([c], today=days(1)).renewal == "expired"
    assert status([c]).renewal == "due"
