"""Every alert kind and severity from issue 2, the negative cases, and the ordering."""

from __future__ import annotations

import pytest
from helpers import TODAY, analyse, con, days, dev, eox, kinds, ln

S = "FOC1111A0AA"


def alerts_of(devices=(), contracts=(), eoxes=(), **kw):
    return analyse(devices, contracts, eoxes, **kw).alerts()


def of_kind(alerts, kind):
    return [a for a in alerts if a.kind == kind]


def covering(number="C1", level="SNTP", end=400, serials=(S,), **kw):
    return con(number, *(ln(s) for s in serials), start=days(-30), end=days(end),
               service_level=level, **kw)


def inventory(contracts):
    """An active device for every serial of the contracts (a serial not in the inventory is
    a `drop` line, whose renewal is `not needed`: issue 8)."""
    return [dev(s) for s in sorted({spec.serial for c in contracts for spec in c.lines})]


# -------------------------------------------------------------------- expiring / review
@pytest.mark.parametrize(
    "end, expected",
    [
        (-1, []),
        (0, [("expiring", "high")]),
        (30, [("expiring", "high")]),
        (31, [("expiring", "medium")]),
        (60, [("expiring", "medium")]),
        (61, [("review", "low")]),
        (120, [("review", "low")]),
        (121, []),
    ],
)
def test_contract_renewal_alerts(end, expected):
    a = alerts_of([dev(S)], [covering(end=end)])
    got = [(x.kind, x.severity) for x in a if x.subject == "C1"]
    assert got == expected
    for x in a:
        if x.subject == "C1":
            assert "C1" in x.message


def test_renewed_and_cancelled_contracts_raise_no_renewal_alert():
    old = covering("OLD", end=20)
    new = con("NEW", ln(S), start=days(21), end=days(400), service_level="SNTP")
    a = alerts_of([dev(S)], [old, new])
    assert [x for x in a if x.subject == "OLD"] == []
    a = alerts_of([dev(S)], [covering("CAN", end=20, status="cancelled"), covering("C1", end=400)])
    assert [x for x in a if x.subject == "CAN"] == []


def test_expired_contract_raises_no_expiring_alert():
    a = alerts_of([dev(S)], [covering("OLD", end=-5), covering("C1", end=400)])
    assert [x.kind for x in a if x.subject == "OLD"] == []


# -------------------------------------------------------------------- lapsed / uncovered
@pytest.mark.parametrize(
    "criticality, severity",
    [("critical", "critical"), ("high", "high"), ("normal", "medium"), ("low", "medium")],
)
def test_lapsed_and_uncovered_severity_follows_criticality(criticality, severity):
    lapsed = alerts_of([dev(S, criticality=criticality)],
                       [con("OLD", ln(S), start=days(-400), end=days(-1))])
    assert kinds(of_kind(lapsed, "lapsed")) == [("lapsed", severity, S)]
    assert of_kind(lapsed, "uncovered") == []
    uncovered = alerts_of([dev(S, criticality=criticality)])
    assert kinds(uncovered) == [("uncovered", severity, S)]


@pytest.mark.parametrize("status", ["spare", "decommissioned"])
def test_inactive_devices_are_never_lapsed_or_uncovered(status):
    assert alerts_of([dev(S, status=status, criticality="critical")]) == []
    a = alerts_of([dev(S, status=status)], [con("OLD", ln(S), start=days(-400), end=days(-1))])
    assert of_kind(a, "lapsed") == []


def test_covered_and_expiring_devices_are_not_lapsed():
    for end in (0, 10, 300):
        a = alerts_of([dev(S, criticality="critical")], [covering(end=end)])
        assert of_kind(a, "lapsed") == of_kind(a, "uncovered") == []


def test_uncovered_device_with_a_future_line_is_still_uncovered():
    a = alerts_of([dev(S)], [con("NEXT", ln(S), start=days(3), end=days(400))])
    assert kinds(of_kind(a, "uncovered")) == [("uncovered", "medium", S)]


def test_lapsed_alert_message_names_the_device():
    a = alerts_of([dev(S, hostname="core-1")], [con("OLD", ln(S), start=days(-400), end=days(-1))])
    msg = of_kind(a, "lapsed")[0].message
    assert "core-1" in msg and S in msg


# -------------------------------------------------------------------- inactive_covered
@pytest.mark.parametrize("status, severity", [("decommissioned", "medium"), ("spare", "low")])
def test_inactive_covered(status, severity):
    a = alerts_of([dev(S, status=status)], [covering()])
    assert kinds(of_kind(a, "inactive_covered")) == [("inactive_covered", severity, S)]


@pytest.mark.parametrize("status", ["spare", "decommissioned"])
def test_inactive_not_covered_today_raises_nothing(status):
    for contract in (
        con("OLD", ln(S), start=days(-400), end=days(-1)),
        con("NEXT", ln(S), start=days(1), end=days(400)),
        covering(status="cancelled"),
        con("T", ln(S, status="terminated"), start=days(-30), end=days(400)),
    ):
        assert of_kind(alerts_of([dev(S, status=status)], [contract]), "inactive_covered") == []


def test_active_covered_device_is_not_inactive_covered():
    assert of_kind(alerts_of([dev(S)], [covering()]), "inactive_covered") == []


# -------------------------------------------------------------------- orphan
def test_orphan_serial_covered_but_not_in_inventory():
    a = alerts_of([], [covering()])
    assert kinds(of_kind(a, "orphan")) == [("orphan", "medium", S)]


@pytest.mark.parametrize(
    "contract",
    [
        con("OLD", ln(S), start=days(-400), end=days(-1)),
        con("NEXT", ln(S), start=days(1), end=days(400)),
        con("CAN", ln(S), start=days(-30), end=days(400), status="cancelled"),
        con("T", ln(S, status="terminated"), start=days(-30), end=days(400)),
    ],
)
def test_no_orphan_when_not_covered_today(contract):
    assert of_kind(alerts_of([], [contract]), "orphan") == []


def test_no_orphan_for_an_inventory_device():
    assert of_kind(alerts_of([dev(S)], [covering()]), "orphan") == []


# -------------------------------------------------------------------- duplicate
def test_duplicate_two_contracts_today():
    a = alerts_of([dev(S)], [covering("C1"), covering("C2")])
    dup = of_kind(a, "duplicate")
    assert kinds(dup) == [("duplicate", "medium", S)]
    assert "C1" in dup[0].message and "C2" in dup[0].message


def test_duplicate_also_for_an_orphan():
    a = alerts_of([], [covering("C1"), covering("C2")])
    assert {x.kind for x in a if x.subject == S} == {"orphan", "duplicate"}


@pytest.mark.parametrize(
    "second",
    [
        con("C1", ln(S), ln(S), start=days(-30), end=days(400)),  # same contract twice
        con("C2", ln(S), start=days(401), end=days(800)),  # a renewal, not today
        con("C2", ln(S), start=days(-800), end=days(-31)),  # the expired one
        con("C2", ln(S), start=days(-30), end=days(400), status="cancelled"),
        con("C2", ln(S, status="terminated"), start=days(-30), end=days(400)),
    ],
)
def test_no_duplicate(second):
    first = covering("C1")
    contracts = [second] if second.number == "C1" else [first, second]
    assert of_kind(alerts_of([dev(S)], contracts), "duplicate") == []


def test_a_renewal_handover_overlapping_one_day_is_no_duplicate():
    # issue 8: a duplicate is an overlap of 30 days or more
    old = con("OLD", ln(S), start=days(-365), end=TODAY)
    new = con("NEW", ln(S), start=TODAY, end=days(365))
    assert of_kind(alerts_of([dev(S)], [old, new]), "duplicate") == []
    new2 = con("NEW", ln(S), start=days(1), end=days(365))
    assert of_kind(alerts_of([dev(S)], [old, new2]), "duplicate") == []


# -------------------------------------------------------------------- EoX
PID = "WS-C3850-48P"


def test_end_of_support_for_an_active_device():
    a = alerts_of([dev(S, pid=PID)], [], [eox(PID, last_date_of_support=days(-1))])
    assert kinds(of_kind(a, "end_of_support")) == [("end_of_support", "high", S)]


@pytest.mark.parametrize("ldos", [0, 1, 500])
def test_no_end_of_support_on_or_before_ldos(ldos):
    a = alerts_of([dev(S, pid=PID)], [covering()], [eox(PID, last_date_of_support=days(ldos))])
    assert of_kind(a, "end_of_support") == []


@pytest.mark.parametrize("status", ["spare", "decommissioned"])
def test_no_end_of_support_for_inactive_devices(status):
    a = alerts_of([dev(S, pid=PID, status=status)], [], [eox(PID, last_date_of_support=days(-100))])
    assert of_kind(a, "end_of_support") == []


def test_no_end_of_support_without_eox_row_or_ldos():
    assert of_kind(alerts_of([dev(S, pid=PID)], [], [eox("OTHER", last_date_of_support=days(-100))]),
                   "end_of_support") == []
    assert of_kind(alerts_of([dev(S, pid=PID)], [], [eox(PID, end_of_sale=days(-100))]),
                   "end_of_support") == []
    assert of_kind(alerts_of([dev(S)], [], [eox(PID, last_date_of_support=days(-100))]),
                   "end_of_support") == []


def test_beyond_ldos():
    a = alerts_of([dev(S, pid=PID)], [covering(end=400)], [eox(PID, last_date_of_support=days(200))])
    got = of_kind(a, "beyond_ldos")
    assert kinds(got) == [("beyond_ldos", "medium", S)]
    assert "C1" in got[0].message


@pytest.mark.parametrize("status", ["spare", "decommissioned"])
def test_beyond_ldos_applies_to_any_device(status):
    a = alerts_of([dev(S, pid=PID, status=status)], [covering(end=400)],
                  [eox(PID, last_date_of_support=days(200))])
    assert kinds(of_kind(a, "beyond_ldos")) == [("beyond_ldos", "medium", S)]


@pytest.mark.parametrize(
    "contract",
    [
        covering(end=200),  # ends on the ldos: not after
        covering(end=100),
        con("NEXT", ln(S), start=days(1), end=days(400)),  # not covering today
        covering(end=400, status="cancelled"),
        con("T", ln(S, status="terminated"), start=days(-30), end=days(400)),
    ],
)
def test_no_beyond_ldos(contract):
    a = alerts_of([dev(S, pid=PID)], [contract], [eox(PID, last_date_of_support=days(200))])
    assert of_kind(a, "beyond_ldos") == []


def test_past_ldos_and_covered_beyond_it_raises_both():
    a = alerts_of([dev(S, pid=PID)], [covering(end=400)], [eox(PID, last_date_of_support=days(-10))])
    assert {x.kind for x in a} >= {"end_of_support", "beyond_ldos"}


# -------------------------------------------------------------------- service level
@pytest.mark.parametrize("level", ["SNT", "SNC", "SW", "OS", "8x5xNBD", "Gold support"])
def test_service_level_too_slow_for_a_critical_device(level):
    a = alerts_of([dev(S, criticality="critical")], [covering(level=level)])
    assert kinds(of_kind(a, "service_level")) == [("service_level", "medium", S)]


def test_service_level_missing_counts_as_too_slow():
    a = alerts_of([dev(S, criticality="critical")], [covering(level=None)])
    assert kinds(of_kind(a, "service_level")) == [("service_level", "medium", S)]


@pytest.mark.parametrize("level", ["SNTE", "SNTP", "S2P", "OSE", "OSP", "PREM", "24x7x4"])
def test_four_hours_or_better_is_fine(level):
    a = alerts_of([dev(S, criticality="critical")], [covering(level=level)])
    assert of_kind(a, "service_level") == []


def test_one_fast_covering_line_is_enough():
    a = alerts_of([dev(S, criticality="critical")], [covering("C1", level="SNT"), covering("C2", level="SNTP")])
    assert of_kind(a, "service_level") == []


def test_line_level_overrides_the_contract_level():
    c = con("C1", ln(S, service_level="SNT"), start=days(-30), end=days(400), service_level="SNTP")
    assert kinds(of_kind(alerts_of([dev(S, criticality="critical")], [c]), "service_level")) == [
        ("service_level", "medium", S)]
    c = con("C1", ln(S, service_level="S2P"), start=days(-30), end=days(400), service_level="SNT")
    assert of_kind(alerts_of([dev(S, criticality="critical")], [c]), "service_level") == []


def test_fast_level_only_on_a_line_not_covering_today_does_not_count():
    slow = covering("C1", level="SNT")
    fast_next = con("C2", ln(S), start=days(500), end=days(900), service_level="SNTP")
    fast_cancelled = covering("C3", level="SNTP", status="cancelled")
    a = alerts_of([dev(S, criticality="critical")], [slow, fast_next, fast_cancelled])
    assert len(of_kind(a, "service_level")) == 1


@pytest.mark.parametrize(
    "device",
    [dev(S, criticality="high"), dev(S, criticality="normal"),
     dev(S, criticality="critical", status="spare"), dev(S, criticality="critical", status="decommissioned")],
)
def test_service_level_only_for_active_critical_devices(device):
    assert of_kind(alerts_of([device], [covering(level="SNT")]), "service_level") == []


def test_no_service_level_alert_when_not_covered():
    a = alerts_of([dev(S, criticality="critical")])
    assert of_kind(a, "service_level") == []


# -------------------------------------------------------------------- coterm
def test_coterm_one_alert_per_level_naming_the_contracts():
    cs = [
        covering("A1", level="SNTP", end=100, serials=("X1",)),
        covering("A2", level="24x7x4", end=300, serials=("X2",)),  # same level, other spelling
        covering("A3", level="CON-SNTP-C93004PA", end=50, serials=("X3",)),
        covering("B1", level="SNT", end=200, serials=("X4",)),
        covering("B2", level="SNT", end=400, serials=("X5",)),
    ]
    a = alerts_of(inventory(cs), cs)
    co = of_kind(a, "coterm")
    assert sorted(kinds(co)) == [("coterm", "info", "SNT"), ("coterm", "info", "SNTP")]
    sntp = next(x for x in co if x.subject == "SNTP")
    for n in ("A1", "A2", "A3"):
        assert n in sntp.message
    assert str(days(100)) in sntp.message and str(days(300)) in sntp.message


def test_no_coterm_when_the_ends_are_the_same():
    cs = [covering("A1", end=200, serials=("X1",)), covering("A2", end=200, serials=("X2",))]
    assert of_kind(alerts_of(inventory(cs), cs), "coterm") == []


def test_no_coterm_for_a_single_contract_or_different_levels():
    assert of_kind(alerts_of([], [covering("A1", end=100)]), "coterm") == []
    cs = [covering("A1", level="SNTP", end=100, serials=("X1",)),
          covering("A2", level="SNT", end=300, serials=("X2",))]
    assert of_kind(alerts_of(inventory(cs), cs), "coterm") == []


@pytest.mark.parametrize("other_status", ["expired", "cancelled", "renewed"])
def test_coterm_only_counts_ok_review_due_contracts(other_status):
    cs = [covering("A1", end=300, serials=("X1",))]
    if other_status == "expired":
        cs.append(covering("A2", end=-10, serials=("X2",)))
    elif other_status == "cancelled":
        cs.append(covering("A2", end=100, serials=("X2",), status="cancelled"))
    else:  # A2 due but renewed by A1 covering X1... use its own renewal
        cs.append(covering("A2", end=20, serials=("X1",)))
        cs[0] = con("A1", ln("X1"), start=days(21), end=days(300), service_level="SNTP")
    a = analyse(inventory(cs), cs)
    assert a.contract_status["A2"].renewal == other_status
    assert of_kind(a.alerts(), "coterm") == []


@pytest.mark.parametrize("end_days", [30, 100, 300])  # due, review, ok
def test_coterm_counts_due_review_and_ok(end_days):
    cs = [covering("A1", end=end_days, serials=("X1",)), covering("A2", end=500, serials=("X2",))]
    assert len(of_kind(alerts_of(inventory(cs), cs), "coterm")) == 1


def test_coterm_uses_the_contract_level_not_the_line_level():
    c1 = con("A1", ln("X1", service_level="SNT"), start=days(-30), end=days(100), service_level="SNTP")
    c2 = con("A2", ln("X2", service_level="SNT"), start=days(-30), end=days(300), service_level="SNTP")
    assert kinds(of_kind(alerts_of(inventory([c1, c2]), [c1, c2]), "coterm")) == [
        ("coterm", "info", "SNTP")]
    # without a contract level, a renewal whose lines share one level takes it (issue 8:
    # the item's service_level); lines of different levels give none
    c1 = con("A1", ln("X1", service_level="SNTP"), start=days(-30), end=days(100))
    c2 = con("A2", ln("X2", service_level="SNT"), start=days(-30), end=days(300))
    assert of_kind(alerts_of(inventory([c1, c2]), [c1, c2]), "coterm") == []


# -------------------------------------------------------------------- renewal_blocked
def test_renewal_blocked_for_due_and_review_contracts():
    e = eox(PID, end_of_contract_renewal=days(-1))
    for end in (30, 100):
        a = alerts_of([dev(S, pid=PID)], [covering(end=end)], [e])
        assert kinds(of_kind(a, "renewal_blocked")) == [("renewal_blocked", "high", "C1")]
        assert PID in of_kind(a, "renewal_blocked")[0].message


def test_renewal_blocked_for_an_ok_contract_too():
    # issue 8: from the day after the last date to renew until the line end, whatever the status
    a = alerts_of([dev(S, pid=PID)], [covering(end=300)], [eox(PID, end_of_contract_renewal=days(-1))])
    assert kinds(of_kind(a, "renewal_blocked")) == [("renewal_blocked", "high", "C1")]


@pytest.mark.parametrize("end", [-10])  # expired: the line has ended
def test_no_renewal_blocked_for_expired(end):
    a = alerts_of([dev(S, pid=PID)], [covering(end=end)], [eox(PID, end_of_contract_renewal=days(-1))])
    assert of_kind(a, "renewal_blocked") == []


@pytest.mark.parametrize("ecr", [0, 10])
def test_no_renewal_blocked_on_or_before_end_of_contract_renewal(ecr):
    a = alerts_of([dev(S, pid=PID)], [covering(end=30)], [eox(PID, end_of_contract_renewal=days(ecr))])
    assert of_kind(a, "renewal_blocked") == []


def test_no_renewal_blocked_for_a_terminated_line():
    c = con("C1", ln("OTHER"), ln(S, status="terminated"), start=days(-30), end=days(30))
    a = alerts_of([dev(S, pid=PID), dev("OTHER")], [c], [eox(PID, end_of_contract_renewal=days(-1))])
    assert of_kind(a, "renewal_blocked") == []


# -------------------------------------------------------------------- quiet estate, ordering
def test_a_healthy_estate_raises_nothing():
    a = alerts_of([dev(S, pid=PID, criticality="critical")], [covering(end=300)],
                  [eox(PID, last_date_of_support=days(1000), end_of_contract_renewal=days(600))])
    assert a == []


def test_alerts_are_sorted_most_severe_first():
    e = eox(PID, last_date_of_support=days(-1))
    a = alerts_of(
        [
            dev("CRIT", criticality="critical"),  # uncovered critical
            dev("HIGH", criticality="high"),  # uncovered high
            dev("NORM"),  # uncovered medium
            dev("SPARE", status="spare"),  # inactive_covered low
            dev("EOL", pid=PID),  # end_of_support high
            dev("X"), dev("Y"), dev("X2"), dev("Y2"),
        ],
        [
            covering("DUE", end=10, serials=("EOL", "X")),  # expiring high
            covering("REV", end=100, serials=("SPARE", "Y")),  # review low
            covering("OK1", end=500, serials=("ORPH",)),  # orphan medium
            covering("OK2", level="SNT", end=600, serials=("X2",)),
            covering("OK3", level="SNT", end=700, serials=("Y2",)),  # coterm info
        ],
        [e],
    )
    sev = [x.severity for x in a]
    order = ["critical", "high", "medium", "low", "info"]
    assert sev == sorted(sev, key=order.index)
    assert sev[0] == "critical" and sev[-1] == "info"
    assert {x.kind for x in a} >= {"uncovered", "inactive_covered", "end_of_support", "expiring",
                                   "review", "orphan", "coterm"}


def test_within_a_severity_fewest_days_left_first():
    a = alerts_of([dev("A"), dev("B")],
                  [covering("LATE", end=25, serials=("A",)), covering("SOON", end=5, serials=("B",))])
    exp = of_kind(a, "expiring")
    assert [x.subject for x in exp] == ["SOON", "LATE"]


def test_alert_as_dict_has_the_documented_keys():
    (x,) = alerts_of([dev(S)])
    assert x.as_dict() == {"kind": "uncovered", "severity": "medium", "subject": S,
                           "message": x.message}


def test_every_message_is_one_line_and_names_its_subject():
    e = eox(PID, last_date_of_support=days(-1), end_of_contract_renewal=days(-1))
    a = alerts_of(
        [dev("A", pid=PID, criticality="critical"), dev("B", status="decommissioned"), dev("C"),
         dev("D")],
        [covering("C1", level="SNT", end=20, serials=("A", "B", "Z", "D")),
         covering("C2", end=90, serials=("B",))],
        [e],
    )
    assert len({x.kind for x in a}) >= 8
    for x in a:
        assert "\n" not in x.message and x.message
        assert x.subject in x.message or x.kind == "coterm"


def test_today_default_is_the_fixed_reference():
    assert TODAY.isoformat() == "2026-12-01"


def test_alerts_for_contract_include_its_coterm_group_only():
    cs = [
        covering("C1", level="SNTP", end=-5, serials=("X1",)),  # expired: not in the group
        covering("C10", level="SNTP", end=100, serials=("X2",)),
        covering("C11", level="SNTP", end=300, serials=("X3",)),
    ]
    a = analyse(inventory(cs), cs)
    assert [x.kind for x in a.alerts_for_contract("C10")] == ["review", "coterm"]
    assert [x.kind for x in a.alerts_for_contract("C11")] == ["coterm"]
    assert a.alerts_for_contract("C1") == []  # "C1" is a substring of C10, but not in the group
    assert a.alerts_for_contract("NOPE") == []


def test_alerts_for_serial_are_its_own_sorted():
    a = analyse([dev(S, criticality="critical", pid=PID)], [covering(level="SNT")],
                [eox(PID, last_date_of_support=days(-1))])
    got = a.alerts_for_serial(S)
    assert [x.severity for x in got] == ["high", "medium", "medium"]
    assert {x.kind for x in got} == {"end_of_support", "beyond_ldos", "service_level"}
    assert all(x.subject == S for x in got)
    assert a.alerts_for_serial("NOPE") == []
