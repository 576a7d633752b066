"""What-if (issue 9) on the fixed date: dropping a contract or a line (not renewing it: it
keeps its dates), retiring a device; devices losing coverage, the alerts added and removed,
the annual renewal cost change per currency; the estate it was given is left as it was.
And the timeline: renewals per month (not renewed or not needed), overdue first, devices'
last dates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import TODAY, D, analyse, con, days, dev, eox, ln

from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.planning import PlanError
from smartnet_tui.domain.timeline import timeline, timeline_json
from smartnet_tui.domain.whatif import (
    Scenario,
    parse_drop,
    scenario_changes,
    summary_lines,
    whatif,
    whatif_json,
)


def _estate():
    devices = [
        dev("CORE1", hostname="core-1", criticality="critical"),
        dev("ACC1", hostname="acc-1", criticality="low"),
        dev("ACC2", hostname="acc-2", criticality="high"),
        dev("BOTH", hostname="both", criticality="normal"),
        dev("SPARE", status="spare"),
    ]
    contracts = [
        # due in 30 days: an expiring (high) alert today
        con("C1", ln("CORE1", annual_cost=500.0), ln("ACC1"), ln("BOTH"), start=D("2026-01-01"),
            end=days(30), service_level="SNT", currency="USD", annual_cost=900.0),
        # BOTH is also covered by C2 after C1 ends: dropping C1 does not take its cover away
        con("C2", ln("BOTH", annual_cost=80.0), ln("ACC2", annual_cost=70.0),
            start=D("2026-01-01"), end=days(400), service_level="SNT", currency="EUR"),
        con("C3", ln("SPARE", annual_cost=40.0), start=D("2026-01-01"), end=days(90),
            service_level="SNT", currency="EUR"),
    ]
    return analyse(devices, contracts)


def _alerts(items):
    return {(a["kind"], a["severity"], a["subject"]) for a in items}


def test_drop_a_contract():
    a = _estate()
    before = dict(a.estate.contracts)
    doc = whatif_json(whatif(a, Scenario(drop=(("C1", None),))))
    # CORE1 and ACC1 lose coverage at C1's end, most critical first; BOTH is renewed by C2
    assert doc["losing_coverage"] == [
        {"serial": "CORE1", "hostname": "core-1", "criticality": "critical",
         "covered_until": days(30).isoformat()},
        {"serial": "ACC1", "hostname": "acc-1", "criticality": "low",
         "covered_until": days(30).isoformat()},
    ]
    # not renewing: C1 is 'do not renew', so its expiring alert drops to info and the
    # critical device that will lapse is named
    assert ("expiring", "high", "C1") in _alerts(doc["alerts_removed"])
    added = _alerts(doc["alerts_added"])
    assert ("expiring", "info", "C1") in added
    assert ("will_lapse", "high", "CORE1") in added
    assert ("will_lapse", "medium", "ACC1") in added
    # CORE1's own 500.00 and ACC1's share (900 / 3 lines = 300.00); BOTH's line is renewed by
    # C2 anyway, so not renewing it saves nothing
    assert doc["annual_cost_change"] == {"USD": Decimal("-800.00")}
    assert doc["lines_without_cost"] == {"USD": 0}
    assert a.estate.contracts == before  # the estate given is untouched
    assert a.estate.contracts["C1"].renewal_triage == ()


def test_drop_one_line_keeps_the_others_renewing():
    a = _estate()
    w = whatif(a, Scenario(drop=(("C1", "acc1"),)))  # the serial as typed, any case
    doc = whatif_json(w)
    assert [d["serial"] for d in doc["losing_coverage"]] == ["ACC1"]
    assert doc["annual_cost_change"] == {"USD": Decimal("-300.00")}  # its share
    # the renewal still goes ahead for CORE1: no triage change, so no alert moves
    assert doc["alerts_added"] == [] and doc["alerts_removed"] == []
    assert w.changes == ()


def test_retire_a_device():
    a = _estate()
    w = whatif(a, Scenario(retire=("CORE1",)))
    doc = whatif_json(w)
    assert doc["losing_coverage"] == []  # a retired device is not losing coverage
    assert doc["annual_cost_change"] == {"USD": Decimal("-500.00")}  # its line stops costing
    assert [type(c) for c in w.changes] == [PutDevice]
    assert w.changes[0].device.status == "decommissioned"
    # paid for while retired; a critical device's level no longer matters
    assert doc["alerts_added"] == [{"kind": "inactive_covered", "severity": "medium", "subject": "CORE1"}]
    assert doc["alerts_removed"] == [{"kind": "service_level", "severity": "medium", "subject": "CORE1"}]
    assert a.estate.devices["CORE1"].status == "active"


def test_retire_and_drop_the_same_line_counts_once_and_drop_of_a_spare_saves_nothing():
    a = _estate()
    doc = whatif_json(whatif(a, Scenario(retire=("CORE1",), drop=(("C1", "CORE1"), ("C3", None)))))
    assert doc["annual_cost_change"] == {"USD": Decimal("-500.00")}
    assert doc["losing_coverage"] == []


def test_unknown_cost_is_null_and_counted():
    a = analyse([dev("X", criticality="normal")],
                [con("C9", ln("X"), start=D("2026-01-01"), end=days(200), currency="GBP")])
    doc = whatif_json(whatif(a, Scenario(drop=(("C9", None),))))
    assert doc["annual_cost_change"] == {"GBP": None}
    assert doc["lines_without_cost"] == {"GBP": 1}


def test_scenario_changes_are_the_edits_apply_would_write():
    a = _estate()
    changes = scenario_changes(a, Scenario(drop=(("C1", None),)), user="ann", at="2026-12-01T10:00:00")
    [ch] = changes
    assert isinstance(ch, PutContract)
    [t] = ch.contract.renewal_triage
    assert (t.state, t.end, t.history[-1].user, t.history[-1].state) == (
        "do not renew", days(30), "ann", "do not renew")


@pytest.mark.parametrize(("scenario", "message"), [
    (Scenario(drop=(("NOPE", None),)), "contract NOPE is not in the database"),
    (Scenario(drop=(("C1", "ZZZ"),)), "contract C1 has no line for serial ZZZ"),
    (Scenario(retire=("ZZZ",)), "serial ZZZ is not in the inventory"),
])
def test_mistakes(scenario, message):
    with pytest.raises(PlanError, match=message):
        whatif(_estate(), scenario)


def test_parse_drop():
    assert parse_drop("C1") == ("C1", None)
    assert parse_drop(" C1:abc ") == ("C1", "abc")
    with pytest.raises(PlanError):
        parse_drop("C1:")
    with pytest.raises(PlanError):
        parse_drop(":X")


# ------------------------------------------------------------------ timeline
def test_timeline_months_overdue_and_device_dates():
    devices = [dev("A", pid="P1"), dev("B", pid="P1"), dev("C", pid="P1", status="spare"),
               dev("D", pid="P2"), dev("E"), dev("R")]
    contracts = [
        con("OVER", ln("A", annual_cost=10.0), start=D("2026-01-01"), end=D("2026-11-15"), currency="USD"),
        con("DEC", ln("B", annual_cost=20.0), start=D("2026-01-01"), end=D("2026-12-20"), currency="USD"),
        con("DEC2", ln("D", annual_cost=5.0), start=D("2026-01-01"), end=D("2026-12-31"), currency="EUR"),
        con("MAR", ln("E"), start=D("2026-01-01"), end=D("2027-03-10")),
        # renewed: R's line in OLD is continued by NEW, so OLD is not counted
        con("OLD", ln("R", annual_cost=1.0), start=D("2026-01-01"), end=D("2027-01-31"), currency="USD"),
        con("NEW", ln("R", annual_cost=1.0), start=D("2027-02-01"), end=D("2030-01-31"), currency="USD"),
        # not needed: only a spare
        con("SPR", ln("C", annual_cost=3.0), start=D("2026-01-01"), end=D("2027-01-15"), currency="USD"),
    ]
    eoxes = [eox("P1", end_of_contract_renewal=D("2027-02-10"), last_date_of_support=D("2027-02-28")),
             eox("P2", end_of_contract_renewal=D("2026-11-30"), last_date_of_support=D("2031-01-01"))]
    t = timeline(analyse(devices, contracts, eoxes), months=6)
    doc = timeline_json(t)
    assert doc["overdue"] == {"renewals": 1, "annual_cost": {"USD": Decimal("10.00")}}
    months = {m["month"]: m for m in doc["months"]}
    assert list(months) == ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05"]
    assert months["2026-12"] == {"month": "2026-12", "renewals": 2,
                                 "annual_cost": {"EUR": Decimal("5.00"), "USD": Decimal("20.00")},
                                 "last_date_to_renew": 0, "last_date_of_support": 0}
    assert months["2027-01"]["renewals"] == 0  # OLD renewed, SPR not needed
    # P1's dates for the active devices A and B (C is a spare); P2's last date to renew passed
    assert (months["2027-02"]["last_date_to_renew"], months["2027-02"]["last_date_of_support"]) == (2, 2)
    assert months["2027-03"] == {"month": "2027-03", "renewals": 1, "annual_cost": {"unknown": None},
                                 "last_date_to_renew": 0, "last_date_of_support": 0}
    assert t.months[0].first == TODAY.replace(day=1)
    assert timeline_json(timeline(analyse(devices, contracts, eoxes)))["months"][-1]["month"] == "2028-11"


def test_a_coterm_target_in_a_scenario_is_money_added_on_the_scenario_estate():
    a = _estate()
    # C1's lines (end TODAY+30) onto C2's end (TODAY+400): 370 days; CORE1 at 500.00:
    # 500 x 370 / 365 = 506.849 -> 506.85; ACC1's share 300.00 -> 304.11; BOTH is renewed
    # by C2 (not a renew line); retiring ACC1 takes it out of the plan
    w = whatif(a, Scenario(retire=("ACC1",)).with_coterm("SNT", days(400), currency="USD"))
    assert w.coterm is not None
    assert [(ln.serial, ln.days, ln.prorated_cost) for ln in w.coterm.lines] == [
        ("CORE1", 370, Decimal("506.85"))]
    assert any("Co-term SNT onto" in line and "USD +506.85" in line
               for line in summary_lines(w))


@pytest.mark.parametrize("scenario", [
    Scenario(drop=(("C1", None),)),
    Scenario(retire=("CORE1", "BOTH"), drop=(("C2", "ACC2"),)),
    Scenario(retire=("SPARE",), drop=(("C3", None), ("C1", None))),
])
def test_the_scenarios_incremental_analysis_equals_a_full_one(scenario):
    from smartnet_tui.domain.changes import apply_changes
    from smartnet_tui.domain.engine import Analysis
    from smartnet_tui.domain.whatif import copy_estate

    a = _estate()
    before = {s: list(v) for s, v in a.estate.lines_by_serial.items()}
    w = whatif(a, scenario)
    estate = copy_estate(a.estate)
    apply_changes(estate, w.changes)
    full = Analysis(estate, a.policy)
    assert [x.as_dict() for x in w.analysis.alerts()] == [x.as_dict() for x in full.alerts()]
    assert w.analysis.renewals() == full.renewals()
    assert w.analysis.coverage == full.coverage
    assert w.analysis.summary() == full.summary()
    # the alerts added and removed, found where the refresh recomputed, are the full diff
    from collections import Counter

    def keys(alerts):
        return Counter((x.kind, x.severity, x.subject) for x in alerts)

    assert Counter((x.kind, x.severity, x.subject) for x in w.alerts_added) == keys(full.alerts()) - keys(a.alerts())
    assert Counter((x.kind, x.severity, x.subject) for x in w.alerts_removed) == keys(a.alerts()) - keys(full.alerts())
    # the analysis and estate given are untouched
    assert {s: list(v) for s, v in a.estate.lines_by_serial.items()} == before
    assert [x.as_dict() for x in a.alerts()] == [x.as_dict() for x in _estate().alerts()]
