"""Issue 9's money rules, table-driven on the suite's fixed date (TODAY, 2026-12-01): co-term
proration by days and by months, shared and unknown costs, keep/shorten/credit, capping at
the end of support, back-billing and the reinstatement fee, multi-year terms with uplift and
discount compounding, and rounding half-up to the cent once per figure.

Every expected amount is worked out by hand in the comment beside it (docs/planning.md)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from helpers import TODAY, D, analyse, con, dev, eox, ln

from smartnet_tui.domain.planning import (
    PlanError,
    coterm_json,
    coterm_plan,
    prorate,
    term_json,
    term_plan,
    whole_months,
)
from smartnet_tui.domain.renewals import money


def M(text: str) -> Decimal:
    return Decimal(text)


def _one(end: date, cost: float | None = 1200.0, *, ldos: date | None = None, level: str = "SNT",
         currency: str | None = "USD", contract_cost: float | None = None, today: date = TODAY):
    """An estate of one active device on one contract line ending ``end``."""
    eoxes = [eox("PID-A", last_date_of_support=ldos)] if ldos else []
    c = con("C1", ln("S1", annual_cost=cost), start=D("2020-01-01"), end=end, service_level=level,
            currency=currency, reseller="Partner", annual_cost=contract_cost)
    return analyse([dev("S1", pid="PID-A")], [c], eoxes, today=today)


# ------------------------------------------------------------------ proration, exact
@pytest.mark.parametrize(("annual", "end", "target", "method", "expected"), [
    # days: annual x (T - E) / 365
    ("1200.00", "2027-01-31", "2027-03-31", "days", "193.97"),   # 59 d: 193.9726...
    ("365.00", "2027-01-01", "2027-01-11", "days", "10.00"),     # 10 d exactly
    ("1000.00", "2027-01-01", "2027-01-02", "days", "2.74"),     # 1 d: 2.7397 up
    ("1200.00", "2026-12-15", "2027-03-31", "days", "348.49"),   # 106 d: 348.4931
    ("1200.00", "2027-03-31", "2027-06-30", "days", "299.18"),   # 91 d: 299.178
    # months: whole months from E+1 at annual/12, the rest at annual/12/(days of its month)
    ("1200.00", "2026-12-15", "2027-03-31", "months", "351.61"),  # 3 m + 16/31 of 100
    ("1200.00", "2027-03-31", "2027-06-30", "months", "300.00"),  # Apr 1 + 3 m = Jul 1 = T+1
    ("1200.00", "2027-01-31", "2027-02-14", "months", "50.00"),   # 0 m, 14 d of February's 28
    ("1200.00", "2027-01-30", "2027-02-28", "months", "103.57"),  # Jan 31 + 1 m = Feb 28; +1/28
    ("1.26", "2027-01-31", "2027-02-28", "months", "0.11"),       # 0.105: half-up, not to even
    ("1200.00", "2026-10-31", "2027-10-31", "months", "1200.00"),  # 12 whole months
])
def test_proration(annual, end, target, method, expected):
    assert money(prorate(M(annual), D(end), D(target), method)) == M(expected)


@pytest.mark.parametrize(("start", "stop", "months"), [
    ("2027-01-01", "2027-01-01", 0),
    ("2027-01-01", "2027-02-01", 1),
    ("2027-01-31", "2027-03-01", 1),   # Jan 31 + 1 m = Feb 28 <= Mar 1; + 2 m = Mar 31 >
    ("2027-04-01", "2028-09-01", 17),
    ("2027-04-01", "2028-08-31", 16),
])
def test_whole_months(start, stop, months):
    assert whole_months(D(start), D(stop)) == months


# ------------------------------------------------------------------ co-term lines
@pytest.mark.parametrize(("case", "end", "kw", "plan_kw", "expected"), [
    ("extend by days", "2027-01-31", {}, {"target": D("2027-03-31")},
     {"action": "extend", "target": "2027-03-31", "days": 59, "prorated_cost": M("193.97"),
      "credit": M("0.00"), "back_billed": M("0.00"), "reinstatement_fee": M("0.00")}),
    ("extend by months", "2026-12-15", {}, {"target": D("2027-03-31"), "proration": "months"},
     {"action": "extend", "days": 106, "prorated_cost": M("351.61")}),
    ("end on the target: keep", "2027-03-31", {}, {"target": D("2027-03-31")},
     {"action": "keep", "target": "2027-03-31", "days": 0, "prorated_cost": M("0.00"),
      "credit": M("0.00")}),
    ("end after the target: keep", "2027-05-01", {}, {"target": D("2027-03-31")},
     {"action": "keep", "target": "2027-05-01", "days": 0, "prorated_cost": M("0.00"),
      "credit": M("0.00")}),
    ("end after the target with credit: shorten", "2027-04-30", {"cost": 730.0},
     {"target": D("2027-03-31"), "allow_credit": True},
     # credit = 730 x 30 / 365 = 60.00, apart, never a negative cost
     {"action": "shorten", "target": "2027-03-31", "days": -30, "prorated_cost": M("0.00"),
      "credit": M("60.00")}),
    ("end on the target with credit: still keep", "2027-03-31", {},
     {"target": D("2027-03-31"), "allow_credit": True},
     {"action": "keep", "days": 0, "credit": M("0.00")}),
    ("capped at the end of support", "2027-03-31", {"ldos": D("2027-06-30")},
     {"target": D("2027-09-30")},
     # cut to 2027-06-30: 91 days, 1200 x 91 / 365 = 299.18
     {"action": "capped", "target": "2027-06-30", "days": 91, "prorated_cost": M("299.18")}),
    ("end of support after the target: not capped", "2027-03-31", {"ldos": D("2027-09-30")},
     {"target": D("2027-09-30")},
     {"action": "extend", "target": "2027-09-30", "days": 183}),
    ("expired: back-billed and reinstatement", "2026-10-31", {"cost": 365.0},
     {"target": D("2027-10-31"), "reinstatement": 10},
     # 365 days from E at 1.00 a day; 31 of them (E to today) back-billed; 10% of 365.00
     {"action": "extend", "days": 365, "prorated_cost": M("365.00"), "back_billed": M("31.00"),
      "reinstatement_fee": M("36.50")}),
    ("expired, by months", "2026-10-31", {},
     {"target": D("2027-10-31"), "proration": "months"},
     # E+1 = Nov 1 to today+1 = Dec 2: 1 month (100) + 1 day of December (100/31)
     {"prorated_cost": M("1200.00"), "back_billed": M("103.23")}),
    ("unknown cost: null, never zero", "2027-01-31", {"cost": None},
     {"target": D("2027-03-31"), "reinstatement": 10},
     {"action": "extend", "days": 59, "annual_cost": None, "estimated": False,
      "prorated_cost": None, "credit": None, "back_billed": None, "reinstatement_fee": None}),
    ("unknown cost, kept", "2027-05-31", {"cost": None}, {"target": D("2027-03-31")},
     {"action": "keep", "days": 0, "prorated_cost": None}),
])
def test_coterm_line(case, end, kw, plan_kw, expected):
    cost = kw.pop("cost", 1200.0)
    a = _one(D(end), cost, **kw)
    doc = coterm_json(coterm_plan(a, "SNT", **plan_kw))
    [line] = doc["lines"]
    assert line["end"] == end
    for key, value in expected.items():
        assert line[key] == value, (case, key)


def test_shared_cost_is_rounded_to_the_cent_before_it_is_prorated():
    # 100.00 shared by 3 lines (the terminated one does not count): 33.33 each, estimated;
    # 300 days: 33.33 x 300 / 365 = 27.3945 -> 27.39 (the unrounded share would give 27.40)
    c = con("C1", ln("S1"), ln("S2"), ln("S3"), ln("S4", status="terminated"),
            start=D("2020-01-01"), end=D("2027-01-01"), service_level="SNT", currency="EUR",
            annual_cost=100.0)
    a = analyse([dev(s) for s in ("S1", "S2", "S3", "S4")], [c])
    doc = coterm_json(coterm_plan(a, "SNT", D("2027-10-28")))
    assert [ln_["serial"] for ln_ in doc["lines"]] == ["S1", "S2", "S3"]
    for line in doc["lines"]:
        assert (line["days"], line["annual_cost"], line["estimated"], line["prorated_cost"]) == (
            300, M("33.33"), True, M("27.39"))
    # totals are sums of the rounded line figures
    assert doc["totals"]["EUR"]["prorated_cost"] == M("82.17")
    assert doc["totals"]["EUR"]["annual_cost"] == M("99.99")


def _group():
    """Two SNT renewals in USD (one with a line of its own cost, one shared), one in GBP,
    one with no currency and no cost, one SNTP, one expired; an EoX capping one line."""
    devices = [dev(s, pid="FW" if s == "F1" else "SW") for s in ("A1", "A2", "B1", "F1", "G1", "N1", "P1", "X1")]
    contracts = [
        con("C-A", ln("A1", annual_cost=365.0), ln("A2", annual_cost=730.0), start=D("2020-01-01"),
            end=D("2027-01-31"), service_level="SNT", currency="USD", reseller="Partner"),
        con("C-B", ln("B1"), ln("F1"), start=D("2020-01-01"), end=D("2027-06-30"),
            service_level="CON-SNT-C930048P", currency="USD", reseller="partner", annual_cost=1000.0),
        con("C-G", ln("G1", annual_cost=120.0), start=D("2020-01-01"), end=D("2027-03-31"),
            service_level="8x5xNBD", currency="GBP", reseller="Partner"),
        con("C-N", ln("N1"), start=D("2020-01-01"), end=D("2027-02-28"), service_level="SNT",
            reseller="Partner"),
        con("C-P", ln("P1", annual_cost=999.0), start=D("2020-01-01"), end=D("2027-02-28"),
            service_level="SNTP", currency="USD", reseller="Partner"),
        con("C-X", ln("X1", annual_cost=365.0), start=D("2020-01-01"), end=D("2026-11-30"),
            service_level="SNT", currency="USD", reseller="Other"),
    ]
    return analyse(devices, contracts, [eox("FW", last_date_of_support=D("2027-08-31"))])


def test_the_group_totals_after_and_unknown_currency():
    doc = coterm_json(coterm_plan(_group(), "snt", D("2027-06-30"), reseller="PARTNER"))
    assert doc["target"] == "2027-06-30"
    by = {line["serial"]: line for line in doc["lines"]}
    assert set(by) == {"A1", "A2", "B1", "F1", "G1", "N1"}  # SNTP and the other reseller left out
    # A1: 365 x 150 / 365; A2: 730 x 150 / 365
    assert (by["A1"]["days"], by["A1"]["prorated_cost"]) == (150, M("150.00"))
    assert by["A2"]["prorated_cost"] == M("300.00")
    assert by["B1"]["action"] == "keep" and by["B1"]["annual_cost"] == M("500.00")
    # F1 ends on the target: kept (its end of support, 2027-08-31, comes later)
    assert by["F1"]["action"] == "keep"
    # G1 (GBP): 120 x 91 / 365 = 29.917... -> 29.92
    assert by["G1"]["prorated_cost"] == M("29.92")
    assert by["N1"]["prorated_cost"] is None
    assert doc["totals"] == {
        "GBP": {"prorated_cost": M("29.92"), "credit": M("0.00"), "back_billed": M("0.00"),
                "reinstatement_fee": M("0.00"), "annual_cost": M("120.00"), "lines_without_cost": 0},
        "USD": {"prorated_cost": M("450.00"), "credit": M("0.00"), "back_billed": M("0.00"),
                "reinstatement_fee": M("0.00"), "annual_cost": M("2095.00"), "lines_without_cost": 0},
        "unknown": {"prorated_cost": M("0.00"), "credit": M("0.00"), "back_billed": M("0.00"),
                    "reinstatement_fee": M("0.00"), "annual_cost": M("0.00"), "lines_without_cost": 1},
    }
    assert doc["after"] == {"GBP": M("120.00"), "USD": M("2095.00"), "unknown": M("0.00")}


def test_capped_and_shortened_lines_in_after():
    # target 2027-04-30: F1 (end 2027-06-30) and B1 are shortened with credit; after counts
    # extend, capped and keep only
    a = _group()
    doc = coterm_json(coterm_plan(a, "SNT", D("2027-04-30"), currency="usd", allow_credit=True))
    by = {line["serial"]: line for line in doc["lines"]}
    assert {s: by[s]["action"] for s in by} == {"A1": "extend", "A2": "extend", "B1": "shorten",
                                                 "F1": "shorten", "X1": "extend"}
    # B1: 500 x 61 / 365 = 83.561... -> 83.56
    assert (by["B1"]["days"], by["B1"]["credit"]) == (-61, M("83.56"))
    # X1 expired 2026-11-30: 151 days to the target at 1.00 a day, 1 day of it back-billed
    assert (by["X1"]["prorated_cost"], by["X1"]["back_billed"]) == (M("151.00"), M("1.00"))
    assert doc["totals"]["USD"]["credit"] == M("167.12")
    assert doc["after"] == {"USD": M("1460.00")}  # A1 + A2 + X1; not the shortened lines
    capped = coterm_json(coterm_plan(a, "SNT", D("2027-12-31"), currency="USD"))
    f1 = next(line for line in capped["lines"] if line["serial"] == "F1")
    # cut at its end of support: 62 days, 500 x 62 / 365 = 84.931... -> 84.93
    assert (f1["action"], f1["target"], f1["days"], f1["prorated_cost"]) == (
        "capped", "2027-08-31", 62, M("84.93"))


def test_capped_line_in_a_group():
    c = con("C1", ln("F1", annual_cost=365.0), ln("S1", annual_cost=365.0), start=D("2020-01-01"),
            end=D("2027-03-31"), service_level="SNT", currency="USD")
    a = analyse([dev("F1", pid="FW"), dev("S1", pid="SW")], [c],
                [eox("FW", last_date_of_support=D("2027-06-30"))])
    doc = coterm_json(coterm_plan(a, "SNT", D("2027-09-30")))
    by = {line["serial"]: line for line in doc["lines"]}
    assert (by["F1"]["action"], by["F1"]["target"], by["F1"]["days"], by["F1"]["prorated_cost"]) == (
        "capped", "2027-06-30", 91, M("91.00"))
    assert (by["S1"]["action"], by["S1"]["days"], by["S1"]["prorated_cost"]) == ("extend", 183, M("183.00"))
    assert doc["after"] == {"USD": M("730.00")}  # capped lines count


def test_without_a_target_the_latest_end_is_proposed_and_said():
    plan = coterm_plan(_group(), "SNT", currency="USD", reseller="Partner")
    assert plan.proposed and plan.target == D("2027-06-30")
    doc = coterm_json(plan)
    assert "latest current end" in doc["target_reason"]
    assert all(line["action"] in ("extend", "keep") for line in doc["lines"])  # shortens nothing
    given = coterm_json(coterm_plan(_group(), "SNT", D("2027-06-30"), currency="USD",
                                    reseller="Partner"))
    assert given["target_reason"] == "given"
    assert given["lines"] == doc["lines"]


def test_only_renew_lines_of_any_status():
    # a spare (drop) and a line renewed by another contract are not planned; the expired
    # renewal is
    devices = [dev("S1"), dev("S2", status="spare"), dev("S3")]
    contracts = [
        con("OLD", ln("S1"), ln("S2"), ln("S3"), start=D("2020-01-01"), end=D("2026-10-31"),
            service_level="SNT", currency="USD", annual_cost=300.0),
        con("NEW", ln("S3", annual_cost=50.0), start=D("2026-11-01"), end=D("2027-10-31"),
            service_level="SNT", currency="USD"),
    ]
    doc = coterm_json(coterm_plan(analyse(devices, contracts), "SNT", D("2027-10-31")))
    assert [(line["contract"], line["serial"], line["action"]) for line in doc["lines"]] == [
        ("OLD", "S1", "extend"), ("NEW", "S3", "keep")]


def test_nothing_to_plan_and_bad_options():
    a = _group()
    plan = coterm_plan(a, "PREM")
    assert plan.target is None and plan.lines == ()
    doc = coterm_json(plan)
    assert (doc["target"], doc["lines"], doc["totals"], doc["after"]) == (None, [], {}, {})
    with pytest.raises(PlanError):
        coterm_plan(a, "SNT", proration="weeks")
    with pytest.raises(PlanError):
        coterm_plan(a, "SNT", reinstatement="-1")


# ------------------------------------------------------------------ terms
def _term(end="2027-03-31", cost: float | None = 1000.0, ldos=None, **kw):
    a = _one(D(end), cost, ldos=D(ldos) if ldos else None)
    return term_json(term_plan(a, ["C1"], **kw))


@pytest.mark.parametrize(("kw", "years", "expected"), [
    # no uplift, no discount: the same
    ({}, 3, {"end": "2030-03-31", "months": 36, "capped": False, "yearly": M("3000.00"),
             "prepaid": M("3000.00")}),
    # 5% compounding: 1000 + 1050 + 1102.50; prepaid 3000 x 0.90
    ({"uplift": 5, "discount": 10}, 3, {"yearly": M("3152.50"), "prepaid": M("2700.00")}),
    ({"uplift": 5, "discount": 10}, 1, {"end": "2028-03-31", "months": 12, "yearly": M("1000.00"),
                                        "prepaid": M("900.00")}),
    # 3% over 5 years: 1000 x (1 + 1.03 + 1.0609 + 1.092727 + 1.12550881) = 5309.1358... once
    ({"uplift": 3}, 5, {"months": 60, "yearly": M("5309.14"), "prepaid": M("5000.00")}),
    ({"uplift": "2.5", "discount": "7.5"}, 5, {"yearly": M("5256.33"), "prepaid": M("4625.00")}),
])
def test_term_options(kw, years, expected):
    doc = _term(years=(1, 3, 5), **kw)
    [line] = doc["lines"]
    assert line["start"] == "2027-04-01" and line["annual_cost"] == M("1000.00")
    opt = next(o for o in line["options"] if o["years"] == years)
    for key, value in expected.items():
        assert opt[key] == value, key


def test_term_capped_by_end_of_support_prices_the_last_year_by_months():
    doc = _term(cost=1200.0, ldos="2028-08-31", uplift=5, discount=10, years=(1, 3))
    one, three = doc["lines"][0]["options"]
    assert (one["end"], one["months"], one["capped"]) == ("2028-03-31", 12, False)
    # 2027-04-01 to 2028-09-01: 17 whole months; 1200 + 1260 x 5/12; prepaid 1200 x 17/12 x 0.9
    assert (three["end"], three["months"], three["capped"], three["yearly"], three["prepaid"]) == (
        "2028-08-31", 17, True, M("1725.00"), M("1530.00"))
    assert doc["totals"]["USD"]["3"] == {"yearly": M("1725.00"), "prepaid": M("1530.00"),
                                         "cheaper": "prepaid", "lines_without_cost": 0}


def test_term_rounding_half_up_once():
    # 1.26 a year, end of support a month after the start: 1.26 x 1/12 = 0.105 -> 0.11
    doc = _term(cost=1.26, ldos="2027-05-15", years=(1,))
    [opt] = doc["lines"][0]["options"]
    assert (opt["months"], opt["yearly"], opt["prepaid"]) == (1, M("0.11"), M("0.11"))
    assert doc["totals"]["USD"]["1"]["cheaper"] == "same"


def test_term_unknown_cost_and_echoed_options():
    doc = _term(cost=None, years=(1, 3), uplift=4)
    assert (doc["uplift"], doc["discount"]) == (M("4"), M("0"))
    [opt1, opt3] = doc["lines"][0]["options"]
    assert (opt1["yearly"], opt1["prepaid"], opt3["yearly"]) == (None, None, None)
    assert doc["lines"][0]["estimated"] is False
    assert doc["totals"]["USD"]["3"] == {"yearly": M("0.00"), "prepaid": M("0.00"),
                                         "cheaper": "same", "lines_without_cost": 1}


def test_term_yearly_cheaper_with_a_discount_below_the_uplift_and_the_worklist_default():
    doc = _term(years=(3,), uplift=0, discount=0)
    assert doc["totals"]["USD"]["3"]["cheaper"] == "same"
    # 0% uplift and a negative discount is refused; a discount over 100% too
    with pytest.raises(PlanError):
        term_plan(_one(D("2027-03-31")), ["C1"], discount=101)
    with pytest.raises(PlanError):
        term_plan(_one(D("2027-03-31")), ["NOPE"])
    # the worklist (expired, due, review) by default: this renewal is in review on TODAY
    a = _one(D("2027-03-31"))
    assert [tl.contract for tl in term_plan(a).lines] == ["C1"]
    # an ok renewal (ends far ahead) is not in the worklist, but is when named
    far = _one(D("2028-03-31"))
    assert term_plan(far).lines == ()
    assert [tl.contract for tl in term_plan(far, ["C1"]).lines] == ["C1"]


def test_add_months_agrees_with_dateutil():
    from dateutil.relativedelta import relativedelta

    from smartnet_tui.domain.planning import add_months, term_end

    day = D("2023-12-25")
    while day < D("2029-03-01"):
        for n in (-13, -1, 0, 1, 2, 11, 12, 13, 36, 60):
            assert add_months(day, n) == day + relativedelta(months=n), (day, n)
        assert term_end(day, 3) == day + relativedelta(years=3) - timedelta(days=1)
        day += relativedelta(days=3)
