"""Issue 8's rules, table-driven with the fixed reference date: renewals, dispositions,
deadlines, statuses, line costs, triage, and the alerts that replace the contract-level ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from helpers import TODAY, analyse, con, days, dev, eox, kinds, ln

from smartnet_tui.domain.model import Triage

PID = "FPR2130"


def renewals_of(a, number="C1"):
    return a.contract_status[number].renewals


def only_renewal(a, number="C1"):
    (r,) = renewals_of(a, number)
    return r


def of_kind(a, kind):
    return [x for x in a.alerts() if x.kind == kind]


# ------------------------------------------------------------------ renewals
def test_a_line_with_its_own_earlier_end_is_a_renewal_of_its_own():
    c = con("C1", ln("A"), ln("FW", end=days(120)), ln("B"), ln("T", end=days(5), status="terminated"),
            end=days(211))
    a = analyse([dev("A"), dev("B"), dev("FW", criticality="critical")], [c])
    got = [(r.end, r.status, [x.serial for x in r.lines]) for r in renewals_of(a)]
    assert got == [(days(120), "review", ["FW"]), (days(211), "ok", ["A", "B"])]
    # the contract shows the most urgent renewal
    st = a.contract_status["C1"]
    assert (st.renewal, st.renewal_end, st.days_left) == ("review", days(120), 120)
    assert st.end == days(211)  # the contract's end is not its earliest renewal's


def test_the_firewall_line_ending_before_its_contract_is_due_and_alerted():
    # the found case: on 2027-02-15 a critical firewall's line ends 2027-03-31, the
    # contract 2027-06-30: the line's renewal is due (44 days), with an alert
    c = con("0093425688", ln("FW1", end=date(2027, 3, 31)), ln("SW1"), end=date(2027, 6, 30))
    a = analyse([dev("FW1", criticality="critical"), dev("SW1")], [c], today=date(2027, 2, 15))
    r = renewals_of(a, "0093425688")[0]
    assert (r.end, r.status, r.days_left) == (date(2027, 3, 31), "due", 44)
    assert kinds(of_kind(a, "expiring")) == [("expiring", "medium", "0093425688")]
    assert "2027-03-31" in of_kind(a, "expiring")[0].message
    assert a.contract_status["0093425688"].renewal == "due"



@pytest.mark.parametrize(("lines", "end", "message"), [
    # the renewal is part of the contract: the alert names the lines that end, not the
    # contract, whose end is later
    ((ln("FW1", end=date(2027, 3, 31)), ln("FW2", end=date(2027, 3, 31)), ln("SW1")),
     date(2027, 6, 30),
     "contract 0093425688: 2 lines end 2027-03-31 (in 44 days): renew now"),
    ((ln("FW1", end=date(2027, 3, 31)), ln("SW1")), date(2027, 6, 30),
     "contract 0093425688: 1 line ends 2027-03-31 (in 44 days): renew now"),
    # the renewal is the whole contract
    ((ln("FW1"), ln("SW1")), date(2027, 3, 31),
     "contract 0093425688 ends 2027-03-31 (in 44 days), 2 lines to renew: renew now"),
])
def test_the_expiring_message_names_the_renewals_end(lines, end, message):
    devices = [dev(x.serial) for x in lines]
    a = analyse(devices, [con("0093425688", *lines, end=end)], today=date(2027, 2, 15))
    assert [x.message for x in of_kind(a, "expiring")] == [message]


def test_a_cancelled_contract_has_no_renewal():
    a = analyse([dev("A")], [con("C1", ln("A"), end=days(10), status="cancelled")])
    assert renewals_of(a) == ()
    assert a.contract_status["C1"].renewal == "cancelled"


# ------------------------------------------------------------------ dispositions
def one_line(devices, others=(), eoxes=(), end=40, today=TODAY, serial="A"):
    a = analyse(devices, [con("C1", ln(serial), start=days(-300), end=days(end)), *others], eoxes,
                today=today)
    r = only_renewal(a)
    return r.lines[0]


@pytest.mark.parametrize(
    "devices, others, eoxes, disposition, reason",
    [
        # 1. renewed: covered on end + 1 by another line
        ([dev("A", status="spare")], [con("N", ln("A"), start=days(41), end=days(400))], [],
         "renewed", "renewed by N until " + str(days(400))),
        # 2. drop: spare, decommissioned, not in the inventory
        ([dev("A", status="spare")], [], [], "drop", "spare"),
        ([dev("A", status="decommissioned", criticality="critical")], [], [], "drop", "decommissioned"),
        ([], [], [], "drop", "not in the inventory"),
        # 3. replace: last date of support on or before the line's end (before blocked)
        ([dev("A", pid=PID)], [], [eox(PID, last_date_of_support=days(40), end_of_contract_renewal=days(-9))],
         "replace", f"{PID} last date of support {days(40)}"),
        ([dev("A", pid=PID)], [], [eox(PID, last_date_of_support=days(-1))],
         "replace", f"{PID} last date of support {days(-1)}"),
        # 4. blocked: last date to renew before today
        ([dev("A", pid=PID)], [], [eox(PID, end_of_contract_renewal=days(-1))],
         "blocked", f"{PID} last date to renew {days(-1)} has passed"),
        # 5. renew
        ([dev("A", pid=PID)], [], [eox(PID, end_of_contract_renewal=TODAY)], "renew",
         f"order by {TODAY}, last date to renew for {PID}"),
        ([dev("A")], [], [], "renew", None),
    ],
)
def test_disposition_in_order(devices, others, eoxes, disposition, reason):
    line = one_line(devices, others, eoxes)
    assert (line.disposition, line.reason) == (disposition, reason)


@pytest.mark.parametrize(
    "next_start, next_status, renewed",
    [(41, "active", True), (42, "active", False), (-100, "active", True),
     (41, "cancelled", False)],
)
def test_renewed_needs_a_counting_line_covering_the_day_after(next_start, next_status, renewed):
    nxt = con("N", ln("A"), start=days(next_start), end=days(400), status=next_status)
    line = one_line([dev("A")], [nxt])
    assert (line.disposition == "renewed") is renewed


def test_renewed_by_is_the_line_reaching_furthest_of_any_contract_this_one_included():
    c1 = con("C1", ln("A", end=days(40)), ln("A", start=days(41), end=days(900)), start=days(-300))
    n = con("N", ln("A"), start=days(20), end=days(500))
    a = analyse([dev("A")], [c1, n])
    r = next(r for r in renewals_of(a) if r.end == days(40))
    assert (r.lines[0].disposition, r.lines[0].renewed_by) == ("renewed", "C1")
    a = analyse([dev("A")], [con("C1", ln("A"), end=days(40)), n,
                             con("M", ln("A"), start=days(41), end=days(450))])
    assert only_renewal(a).lines[0].renewed_by == "N"


@pytest.mark.parametrize(
    "ldos, disposition, max_end",
    [(None, "renew", None), (days(41), "renew", days(41)), (days(40), "replace", None)],
)
def test_max_end_is_the_last_date_of_support_on_renew_lines_only(ldos, disposition, max_end):
    line = one_line([dev("A", pid=PID)], eoxes=[eox(PID, last_date_of_support=ldos)])
    assert (line.disposition, line.max_end) == (disposition, max_end)


def test_max_end_is_null_on_a_renewed_line():
    line = one_line([dev("A", pid=PID)], [con("N", ln("A"), start=days(41), end=days(400))],
                    [eox(PID, last_date_of_support=days(900))])
    assert (line.disposition, line.max_end, line.renewed_by) == ("renewed", None, "N")


# ------------------------------------------------------------------ deadline and status
@pytest.mark.parametrize(
    "ecr, deadline, reason",
    [(None, 200, "end"), (250, 200, "end"), (200, 200, "end"), (199, 199, "last date to renew"),
     (0, 0, "last date to renew")],
)
def test_deadline_is_the_earlier_of_end_and_last_date_to_renew(ecr, deadline, reason):
    e = [eox(PID, end_of_contract_renewal=days(ecr))] if ecr is not None else []
    a = analyse([dev("A", pid=PID)], [con("C1", ln("A"), end=days(200))], e)
    r = only_renewal(a)
    assert (r.deadline, r.deadline_reason, r.days_left, r.due_date) == (
        days(deadline), reason, deadline, days(deadline - 60))


def test_the_last_date_to_renew_before_the_end_makes_it_due_months_early():
    # the found case: FPR2130, last date to renew 2027-05-25, contract end 2027-09-30,
    # on 2027-05-20: due (5 days), with an alert saying so
    c = con("208812077", ln("FW1"), ln("FW2"), end=date(2027, 9, 30))
    e = eox(PID, end_of_contract_renewal=date(2027, 5, 25))
    a = analyse([dev("FW1", pid=PID, criticality="critical"), dev("FW2", pid=PID)], [c], [e],
                today=date(2027, 5, 20))
    r = only_renewal(a, "208812077")
    assert (r.status, r.deadline, r.days_left, r.deadline_reason) == (
        "due", date(2027, 5, 25), 5, "last date to renew")
    (x,) = of_kind(a, "expiring")
    assert (x.severity, x.subject) == ("high", "208812077")
    assert "ends 2027-09-30" in x.message
    assert "order by 2027-05-25, last date to renew for FPR2130" in x.message
    # the day after the last date to renew: blocked, and said from that day on
    a = analyse([dev("FW1", pid=PID, criticality="critical"), dev("FW2", pid=PID)], [c], [e],
                today=date(2027, 5, 26))
    assert {x.disposition for x in only_renewal(a, "208812077").lines} == {"blocked"}
    (b,) = of_kind(a, "renewal_blocked")
    assert (b.severity, b.subject) == ("high", "208812077")
    assert "FW1" in b.message and "FW2" in b.message and "2027-09-30" in b.message


def test_the_renewal_deadline_is_the_earliest_of_its_renew_lines():
    e = [eox("P1", end_of_contract_renewal=days(150)), eox("P2", end_of_contract_renewal=days(100)),
         eox("P3", end_of_contract_renewal=days(-5))]
    c = con("C1", ln("A"), ln("B"), ln("X"), end=days(200))
    a = analyse([dev("A", pid="P1"), dev("B", pid="P2"), dev("X", pid="P3")], [c], e)
    r = only_renewal(a)
    assert [x.disposition for x in r.lines] == ["renew", "renew", "blocked"]
    assert (r.deadline, r.status) == (days(100), "review")


@pytest.mark.parametrize(
    "dispositions, end, status",
    [
        (("renew",), -1, "expired"), (("renew",), 0, "due"), (("renew",), 60, "due"),
        (("renew",), 61, "review"), (("renew",), 120, "review"), (("renew",), 121, "ok"),
        (("blocked",), 30, "due"),
        (("renewed",), -10, "renewed"), (("renewed", "drop"), 30, "renewed"),
        (("renewed", "replace"), 30, "renewed"), (("renewed", "renew"), 30, "due"),
        (("renewed", "blocked"), 30, "due"),
        (("drop",), 30, "not needed"), (("drop", "replace"), -5, "not needed"),
    ],
)
def test_status_of_a_renewal(dispositions, end, status):
    devices, lines, others, eoxes = [], [], [], [eox("OLD", last_date_of_support=days(-400)),
                                                 eox("LATE", end_of_contract_renewal=days(-1))]
    for i, d in enumerate(dispositions):
        s = f"S{i}"
        lines.append(ln(s))
        if d == "renewed":
            devices.append(dev(s))
            others.append(con(f"N{i}", ln(s), start=days(end + 1), end=days(end + 400)))
        elif d == "drop":
            devices.append(dev(s, status="decommissioned"))
        elif d == "replace":
            devices.append(dev(s, pid="OLD"))
        elif d == "blocked":
            devices.append(dev(s, pid="LATE"))
        else:
            devices.append(dev(s))
    a = analyse(devices, [con("C1", *lines, start=days(-300), end=days(end)), *others], eoxes)
    r = only_renewal(a)
    assert tuple(x.disposition for x in r.lines) == dispositions
    assert r.status == status
    # days_left and due_date always from the deadline, whatever the status
    assert (r.days_left, r.due_date) == ((r.deadline - TODAY).days, days((r.deadline - TODAY).days - 60))


def test_a_partial_renewal_with_a_decommissioned_device_counts_as_renewed():
    old = con("OLD", ln("A"), ln("B"), ln("GONE"), start=days(-300), end=days(20))
    new = con("NEW", ln("A"), ln("B"), start=days(21), end=days(386))
    devices = [dev("A"), dev("B"), dev("GONE", status="decommissioned")]
    a = analyse(devices, [old, new])
    assert only_renewal(a, "OLD").status == "renewed"
    assert [x for x in a.alerts() if x.subject == "OLD"] == []
    # and stays renewed once the old end has passed
    a = analyse(devices, [old, new], today=days(30))
    assert only_renewal(a, "OLD").status == "renewed"


def test_contract_renewal_is_the_most_urgent_in_status_order():
    c = con("C1", ln("A", end=days(-3)), ln("B", end=days(10)), ln("C"), end=days(300))
    new = con("N", ln("A"), start=days(-2), end=days(400))
    a = analyse([dev("A"), dev("B"), dev("C")], [c, new])
    assert [r.status for r in renewals_of(a)] == ["due", "ok", "renewed"]
    assert a.contract_status["C1"].renewal == "due"


# ------------------------------------------------------------------ money
def test_line_annual_cost_own_else_the_contract_share_else_unknown():
    c = con("C1", ln("A", annual_cost=120.125), ln("B"), ln("C", end=days(30)),
            ln("T", status="terminated"), end=days(90), annual_cost=1000.0)
    a = analyse([dev(s) for s in "ABCT"], [c])
    by = {x.serial: (x.annual_cost, x.estimated) for r in renewals_of(a) for x in r.lines}
    # own cost rounded half-up; the contract's 1000 shared among 3 lines not terminated
    assert by == {"A": (Decimal("120.13"), False), "B": (Decimal("333.33"), True),
                  "C": (Decimal("333.33"), True)}
    r90 = next(r for r in renewals_of(a) if r.end == days(90))
    assert r90.annual_cost == Decimal("453.46")  # a sum of rounded figures
    a = analyse([dev("A"), dev("B")], [con("C1", ln("A"), ln("B", annual_cost=10), end=days(90))])
    assert [x.annual_cost for x in only_renewal(a).lines] == [None, Decimal("10.00")]
    assert only_renewal(a).annual_cost == Decimal("10.00")
    a = analyse([dev("A")], [con("C1", ln("A"), end=days(90))])
    assert only_renewal(a).annual_cost is None


# ------------------------------------------------------------------ triage
def legacy(state, note="asked Acme"):
    return Triage(state, "ana", note, "2026-11-20T10:00:00+00:00")


@pytest.mark.parametrize(
    "old, new",
    [("renew", "quote requested"), ("co-term", "to review"), ("quote requested", "quote requested"),
     ("do not renew", "do not renew"), ("to review", "to review")],
)
def test_a_legacy_contract_triage_applies_to_the_most_urgent_open_renewal(old, new):
    c = con("C1", ln("A", end=days(-5)), ln("B", end=days(30)), ln("C"), end=days(300),
            triage=legacy(old))
    n = con("N", ln("A"), start=days(-4), end=days(400))  # A's renewal is renewed
    a = analyse([dev("A"), dev("B"), dev("C")], [c, n])
    got = {r.end: (r.triage.state, r.triage.owner, r.triage.note) for r in renewals_of(a)}
    assert got == {days(-5): ("to review", None, None), days(30): (new, "ana", "asked Acme"),
                   days(300): ("to review", None, None)}


def test_a_legacy_triage_is_history_once_any_renewal_has_its_own():
    # re-importing an old file (contract-level triage) after a triage edit (per renewal)
    # must not put the old state on another renewal
    own = Triage("ordered", end=days(30))
    c = con("C1", ln("A", end=days(30)), ln("B"), end=days(90), triage=legacy("do not renew"),
            renewal_triage=(own,))
    a = analyse([dev("A"), dev("B")], [c])
    assert [(r.end, r.triage.state) for r in renewals_of(a)] == [
        (days(30), "ordered"), (days(90), "to review")]


def test_a_recorded_renewal_triage_wins_and_a_moved_end_starts_at_to_review():
    t = Triage("PO raised", "bob", None, "2026-11-30T09:00:00+00:00", end=days(30))
    c = con("C1", ln("A"), end=days(30), renewal_triage=(t,))
    a = analyse([dev("A")], [c])
    assert only_renewal(a).triage == t
    moved = con("C1", ln("A"), end=days(395), renewal_triage=(t,))
    assert only_renewal(analyse([dev("A")], [moved])).triage.state == "to review"


# ------------------------------------------------------------------ expiring / review with triage
@pytest.mark.parametrize(
    "end, state, kind, severity",
    [
        (30, "to review", "expiring", "high"), (31, "to review", "expiring", "medium"),
        (100, "to review", "review", "low"),
        (30, "quote requested", "expiring", "medium"), (50, "quote received", "expiring", "low"),
        (100, "PO raised", "review", "info"),
        (14, "quote requested", "expiring", "high"), (15, "quote requested", "expiring", "medium"),
        (10, "ordered", "expiring", "info"), (100, "ordered", "review", "info"),
        (5, "do not renew", "expiring", "info"), (100, "do not renew", "review", "info"),
    ],
)
def test_triage_shifts_expiring_and_review(end, state, kind, severity):
    t = Triage(state, end=days(end))
    c = con("C1", ln("A"), start=days(-300), end=days(end), renewal_triage=(t,))
    a = analyse([dev("A", criticality="low")], [c])
    got = [(x.kind, x.severity) for x in a.alerts() if x.kind in ("expiring", "review")]
    assert got == [(kind, severity)]


# ------------------------------------------------------------------ will_lapse
@pytest.mark.parametrize(
    "criticality, status, end, severity",
    [("critical", "active", 100, "high"), ("high", "active", 0, "high"),
     ("normal", "active", 120, "medium"), ("critical", "active", 121, None),
     ("critical", "active", -1, None), ("critical", "spare", 30, None)],
)
def test_do_not_renew_never_hides_a_device_that_will_lapse(criticality, status, end, severity):
    t = Triage("do not renew", end=days(end))
    c = con("C1", ln("FW"), start=days(-300), end=days(end), renewal_triage=(t,), service_level="SNTP")
    a = analyse([dev("FW", criticality=criticality, status=status, hostname="fw1")], [c])
    got = kinds(of_kind(a, "will_lapse"))
    assert got == ([("will_lapse", severity, "FW")] if severity else [])
    if severity:
        assert "fw1 (FW)" in of_kind(a, "will_lapse")[0].message
        assert [x.kind for x in a.alerts_for_serial("FW")] == ["will_lapse"]


def test_no_will_lapse_for_a_device_covered_after_the_end():
    t = Triage("do not renew", end=days(30))
    c = con("C1", ln("FW"), ln("SW"), start=days(-300), end=days(30), renewal_triage=(t,))
    other = con("N", ln("SW"), start=days(31), end=days(400))
    a = analyse([dev("FW", criticality="critical"), dev("SW", criticality="critical")], [c, other])
    assert kinds(of_kind(a, "will_lapse")) == [("will_lapse", "high", "FW")]


# ------------------------------------------------------------------ unconfirmed
@pytest.mark.parametrize(
    "state, end, renewed, expected",
    [("ordered", 7, False, True), ("PO raised", 0, False, True), ("ordered", -20, False, True),
     ("ordered", 8, False, False), ("quote received", 3, False, False),
     ("ordered", 3, True, False)],
)
def test_unconfirmed_when_an_ordered_renewal_is_not_in_the_data(state, end, renewed, expected):
    t = Triage(state, end=days(end))
    cs = [con("C1", ln("A"), start=days(-300), end=days(end), renewal_triage=(t,))]
    if renewed:
        cs.append(con("N", ln("A"), start=days(end + 1), end=days(end + 366)))
    a = analyse([dev("A")], cs)
    assert kinds(of_kind(a, "unconfirmed")) == ([("unconfirmed", "high", "C1")] if expected else [])


# ------------------------------------------------------------------ renewal_blocked window
@pytest.mark.parametrize(
    "ecr, end, expected",
    [(-1, 200, True), (0, 200, False), (-1, 0, True), (-30, -1, False)],
)
def test_renewal_blocked_from_the_day_after_the_last_date_to_renew_until_the_end(ecr, end, expected):
    a = analyse([dev("A", pid=PID)], [con("C1", ln("A"), start=days(-300), end=days(end))],
                [eox(PID, end_of_contract_renewal=days(ecr))])
    assert bool(of_kind(a, "renewal_blocked")) is expected


def test_no_renewal_blocked_for_an_inactive_device():
    a = analyse([dev("A", pid=PID, status="spare")], [con("C1", ln("A"), end=days(100))],
                [eox(PID, end_of_contract_renewal=days(-1))])
    assert of_kind(a, "renewal_blocked") == []


# ------------------------------------------------------------------ duplicate
@pytest.mark.parametrize(
    "start, end, expected",
    [
        (100, 129, True),   # a 30-day future overlap within the review window
        (100, 128, False),  # 29 days
        (120, 400, True),   # starts on the last day of the review window
        (121, 400, False),  # starts after it
        (-10, 19, True),    # today, 30 days
        (-100, -1, False),  # over
    ],
)
def test_duplicate_is_an_overlap_of_30_days_today_or_within_the_review_window(start, end, expected):
    a1 = con("A1", ln("S"), start=days(-300), end=days(900))
    b1 = con("B1", ln("S"), start=days(start), end=days(end))
    a = analyse([dev("S")], [a1, b1])
    dup = of_kind(a, "duplicate")
    assert kinds(dup) == ([("duplicate", "medium", "S")] if expected else [])
    if expected:
        assert str(days(start)) in dup[0].message and str(days(end)) in dup[0].message
        assert "A1" in dup[0].message and "B1" in dup[0].message


def test_two_lines_of_one_contract_are_no_duplicate():
    c = con("A1", ln("S"), ln("S", start=days(10), end=days(300)), start=days(-300), end=days(900))
    assert of_kind(analyse([dev("S")], [c]), "duplicate") == []


# ------------------------------------------------------------------ coterm
def group(number, end, reseller="Acme", currency="GBP", level="SNTP", serial=None):
    return con(number, ln(serial or f"X{number}"), start=days(-30), end=days(end), service_level=level,
               reseller=reseller, currency=currency)


def coterm_of(contracts, devices=None):
    devices = devices or [dev(s.serial) for c in contracts for s in c.lines]
    return of_kind(analyse(devices, contracts), "coterm")


def test_coterm_groups_by_level_reseller_and_currency():
    assert [x.related for x in coterm_of([group("A", 100), group("B", 300)])] == [("A", "B")]
    assert coterm_of([group("A", 100), group("B", 300, reseller="Other")]) == []
    assert coterm_of([group("A", 100), group("B", 300, currency="USD")]) == []
    co = coterm_of([group("A", 100), group("B", 300), group("C", 200, reseller="Z"),
                    group("D", 250, reseller="Z")])
    assert sorted(x.related for x in co) == [("A", "B"), ("C", "D")]
    assert {x.subject for x in co} == {"SNTP"}


def test_coterm_leaves_out_contracts_renewing_one_another():
    # OLD's first line is renewed by NEW; its other line still needs renewing (due):
    # OLD and NEW are not co-term candidates for each other
    old = con("OLD", ln("A"), ln("B"), start=days(-300), end=days(50), service_level="SNTP",
              reseller="Acme", currency="GBP")
    new = con("NEW", ln("A"), start=days(51), end=days(400), service_level="SNTP",
              reseller="Acme", currency="GBP")
    assert coterm_of([old, new], [dev("A"), dev("B")]) == []
    third = group("THIRD", 200, serial="C")
    co = coterm_of([old, new, third], [dev("A"), dev("B"), dev("C")])
    assert co == []  # only THIRD is left: nothing to co-term
    fourth = group("FOURTH", 300, serial="D")
    co = coterm_of([old, new, third, fourth], [dev("A"), dev("B"), dev("C"), dev("D")])
    assert [x.related for x in co] == [("THIRD", "FOURTH")]
    assert "OLD" not in co[0].message and "NEW" not in co[0].message
    # without the link (NEW covers another serial) all four are candidates
    unlinked = con("NEW", ln("Q"), start=days(51), end=days(400), service_level="SNTP",
                   reseller="Acme", currency="GBP")
    co = coterm_of([old, unlinked, third, fourth], [dev("A"), dev("B"), dev("C"), dev("D"), dev("Q")])
    assert [x.related for x in co] == [("OLD", "THIRD", "FOURTH", "NEW")]


# ------------------------------------------------------------------ uncovered after end of service attach
def test_uncovered_after_end_of_service_attach_says_it_cannot_be_added():
    from smartnet_tui.domain.model import EoX

    e = EoX("OLDPID", end_of_service_attach=days(-1))
    a = analyse([dev("A", pid="OLDPID")], [], [e])
    (x,) = of_kind(a, "uncovered")
    assert "can no longer be added to a contract" in x.message
    a = analyse([dev("A", pid="OLDPID")], [], [EoX("OLDPID", end_of_service_attach=TODAY)])
    assert "can no longer" not in of_kind(a, "uncovered")[0].message
