"""``smartnet plan coterm|term|whatif`` and ``smartnet timeline`` (issue 9) on the sample
estate at the demo date (2026-12-01): its co-term group, its line capped by end of support
and its lapsed line; JSON amounts are numbers written with two decimals; what-if writes
nothing; mistakes are one line and exit 2.

Every amount is worked out by hand in the comment beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import TODAY_ARG

from smartnet_tui.imports.demo import sample_dir

SNT_EUR = ("plan", "coterm", "SNT", "--reseller", "computacenter", "--currency", "EUR")


@pytest.fixture
def sample_db(cli, db_path):
    code, _, err = cli("import", sample_dir() / "estate.yaml", sample_dir() / "eox.json",
                       "--db", db_path)
    assert code == 0, err
    return db_path


def demo(cli, *argv):
    return cli("--demo", *argv)


def test_coterm_proposes_the_latest_end_of_the_group_and_says_so(cli):
    code, out, err = demo(cli, *SNT_EUR)
    assert code == 0, err
    first = out.splitlines()[0]
    assert "onto 2027-09-30" in first and "the latest current end in the group" in first
    code, out, _ = demo(cli, *SNT_EUR, "--json")
    doc = json.loads(out)
    assert doc["target"] == "2027-09-30"
    assert "proposed" in doc["target_reason"]
    lines = doc["lines"]
    # 24 SNT lines of 204419902 (two SNTE lines of that contract are another level) and the
    # two lines of 208812077, which end on the target
    assert len(lines) == 26
    assert {ln["contract"] for ln in lines if ln["action"] == "keep"} == {"208812077"}
    switch = next(ln for ln in lines if ln["serial"] == "FJC2308Q6X0")
    # C9300-48P at 588.80 of its own: 214 days, 588.80 x 214 / 365 = 345.2099 -> 345.21
    assert switch == {"contract": "204419902", "serial": "FJC2308Q6X0", "pid": "C9300-48P",
                      "end": "2027-02-28", "target": "2027-09-30", "action": "extend", "days": 214,
                      "annual_cost": 588.8, "estimated": False, "prorated_cost": 345.21,
                      "credit": 0, "back_billed": 0, "reinstatement_fee": 0}
    fw = next(ln for ln in lines if ln["serial"] == "JAE2211F8S0")
    assert (fw["action"], fw["days"], fw["annual_cost"], fw["estimated"], fw["prorated_cost"]) == (
        "keep", 0, 1060.0, True, 0)
    assert set(doc["totals"]) == {"EUR"} and doc["totals"]["EUR"]["lines_without_cost"] == 0


def test_json_amounts_are_written_with_two_decimals(cli):
    code, out, _ = demo(cli, *SNT_EUR, "--json")
    assert code == 0
    assert '"annual_cost": 588.80,' in out
    assert '"credit": 0.00,' in out
    assert '"prorated_cost": 28.05,' in out  # 47.84 x 214 / 365 = 28.0489


def test_coterm_caps_a_line_at_its_end_of_support(cli):
    code, out, err = demo(cli, *SNT_EUR, "--to", "2028-12-31", "--json")
    assert code == 0, err
    doc = json.loads(out)
    capped = [ln for ln in doc["lines"] if ln["action"] == "capped"]
    # the FPR2130 firewalls of 208812077: support ends 2028-08-31; 336 days from 2027-09-30
    # (2028 is a leap year); 1060.00 x 336 / 365 = 975.7808 -> 975.78
    assert [(ln["serial"], ln["target"], ln["days"], ln["prorated_cost"]) for ln in capped] == [
        ("JAE2211F8S0", "2028-08-31", 336, 975.78), ("JAE2445T38X", "2028-08-31", 336, 975.78)]
    assert doc["target"] == "2028-12-31" and doc["target_reason"] == "given"
    assert doc["after"] == {"EUR": 8677.76}


def test_coterm_back_bills_a_lapsed_line_with_a_reinstatement_fee(cli):
    code, out, err = demo(cli, "plan", "coterm", "OS", "--to", "2027-10-31", "--reinstatement", "10",
                          "--json")
    assert code == 0, err
    doc = json.loads(out)
    lapsed = [ln for ln in doc["lines"] if ln["contract"] == "88120455"]
    # ended 2026-10-31: 365 days to the target at 329.68 (a share, estimated); 31 of them
    # before today: 329.68 x 31 / 365 = 28.0004 -> 28.00; 10% of 329.68 = 32.968 -> 32.97
    assert [(ln["serial"], ln["days"], ln["prorated_cost"], ln["back_billed"], ln["reinstatement_fee"],
             ln["estimated"]) for ln in lapsed] == [
        ("FDO2219G00H", 365, 329.68, 28.0, 32.97, True), ("FJC2834M1XH", 365, 329.68, 28.0, 32.97, True)]
    # the 27 lines of 88120991 end on the target (27 x 329.63 = 8900.01)
    assert doc["totals"] == {"USD": {"prorated_cost": 659.36, "credit": 0, "back_billed": 56.0,
                                     "reinstatement_fee": 65.94, "annual_cost": 9559.37,
                                     "lines_without_cost": 0}}
    assert doc["after"] == {"USD": 9559.37}


def test_coterm_by_months_and_with_credit(cli):
    code, out, _ = demo(cli, *SNT_EUR, "--to", "2027-06-30", "--proration", "months",
                        "--allow-credit", "--json")
    assert code == 0
    doc = json.loads(out)
    switch = next(ln for ln in doc["lines"] if ln["serial"] == "FJC2308Q6X0")
    # 2027-03-01 + 4 months = 2027-07-01 = T + 1: 588.80 x 4 / 12 = 196.2667 -> 196.27
    assert (switch["days"], switch["prorated_cost"]) == (122, 196.27)
    fw = next(ln for ln in doc["lines"] if ln["serial"] == "JAE2211F8S0")
    # shortened by 92 days: 1060.00 x 92 / 365 = 267.178 -> 267.18, a credit apart
    assert (fw["action"], fw["target"], fw["days"], fw["prorated_cost"], fw["credit"]) == (
        "shorten", "2027-06-30", -92, 0, 267.18)
    assert doc["totals"]["EUR"]["credit"] == 534.36


def test_coterm_text_lists_lines_and_totals(cli):
    code, out, _ = demo(cli, *SNT_EUR, "--to", "2027-09-30")
    assert code == 0
    assert "204419902  FJC2308Q6X0  C9300-48P" in out
    assert "Total EUR: prorated 3,844.80" in out
    assert "After the co-term, EUR: 8,677.76 a year renewing on 2027-09-30" in out


def test_term_options_for_a_contract(cli):
    code, out, err = demo(cli, "plan", "term", "0093425688", "--uplift", "5", "--discount", "10",
                          "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["uplift"], doc["discount"]) == (5, 10)
    fw = next(ln for ln in doc["lines"] if ln["serial"] == "JAE2305A18A")
    assert (fw["start"], fw["annual_cost"], fw["estimated"]) == ("2027-04-01", 2608.21, True)
    one, three, five = fw["options"]
    assert one == {"years": 1, "end": "2028-03-31", "months": 12, "capped": False,
                   "yearly": 2608.21, "prepaid": 2347.39}  # 2608.21 x 0.9 = 2347.389
    # cut at 2028-08-31: 17 months; 2608.21 + 2608.21 x 1.05 x 5/12 = 3749.3019;
    # prepaid 2608.21 x 17/12 x 0.9 = 3325.4678
    assert three == {"years": 3, "end": "2028-08-31", "months": 17, "capped": True,
                     "yearly": 3749.30, "prepaid": 3325.47}
    assert five == {**three, "years": 5}
    assert set(doc["totals"]) == {"GBP"}
    assert doc["totals"]["GBP"]["1"]["cheaper"] == "prepaid"
    assert '"uplift": 5,' in out


def test_term_defaults_echo_no_invented_rate(cli):
    code, out, _ = demo(cli, "plan", "term", "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["uplift"], doc["discount"]) == (0, 0)
    assert all(o["yearly"] == o["prepaid"] for ln in doc["lines"] for o in ln["options"])
    assert {t["cheaper"] for cur in doc["totals"].values() for t in cur.values()} == {"same"}
    assert all([o["years"] for o in ln["options"]] == [1, 3, 5] for ln in doc["lines"])
    # the worklist's renewals only: 208812077 (ok) is not in it
    assert "208812077" not in {ln["contract"] for ln in doc["lines"]}


def test_whatif_writes_nothing(cli, sample_db: Path):
    before = sample_db.read_bytes()
    code, out, err = cli("plan", "whatif", "--drop", "92451876", "--retire", "FDO2516E3NL",
                         "--db", sample_db, "--today", TODAY_ARG, "--json")
    assert code == 0, err
    assert sample_db.read_bytes() == before
    doc = json.loads(out)
    # six critical devices of NYC lose their cover on 2026-12-15
    assert {(d["criticality"], d["covered_until"]) for d in doc["losing_coverage"]} == {
        ("critical", "2026-12-15")}
    assert len(doc["losing_coverage"]) == 6
    assert {"kind": "expiring", "severity": "high", "subject": "92451876"} in doc["alerts_removed"]
    assert {"kind": "will_lapse", "severity": "high", "subject": "FDO2152F5RA"} in doc["alerts_added"]
    # 92451876: 6 x 3828.33; FDO2516E3NL: its share of 0093425688, 2608.21
    assert doc["annual_cost_change"] == {"GBP": -2608.21, "USD": -22969.98}
    assert '"USD": -22969.98' in out
    code, out, _ = cli("plan", "whatif", "--drop", "92451876", "--db", sample_db, "--today", TODAY_ARG)
    assert code == 0
    assert "6 active device(s) would lose coverage" in out and "Nothing was written." in out
    assert sample_db.read_bytes() == before


def test_timeline(cli):
    code, out, err = demo(cli, "timeline", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["overdue"] == {"renewals": 1, "annual_cost": {"USD": 10220.08}}
    assert len(doc["months"]) == 24
    assert doc["months"][0] == {"month": "2026-12", "renewals": 2,
                                "annual_cost": {"GBP": 430.0, "USD": 22969.98},
                                "last_date_to_renew": 0, "last_date_of_support": 0}
    assert doc["months"][-1]["month"] == "2028-11"
    code, out, _ = demo(cli, "timeline", "--months", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith("overdue") and "█" in lines[1]
    assert [ln.split()[0] for ln in lines[2:]] == ["2026-12", "2027-01", "2027-02"]
    for argv in (("timeline", "--ascii"), ("--ascii", "timeline")):
        code, out, _ = demo(cli, *argv)
        assert code == 0 and "#" in out and "█" not in out


@pytest.mark.parametrize(("argv", "message"), [
    (("plan", "coterm", "SNT", "--proration", "weeks"), "invalid choice"),
    (("plan", "coterm", "SNT", "--to", "2027-02-30"), "is not a date"),
    (("plan", "coterm", "SNT", "--reinstatement", "-5"), "percentage"),
    (("plan", "term", "NOPE"), "contract NOPE is not in the database"),
    (("plan", "term", "--years", "0"), "1 to 10 years"),
    (("plan", "term", "--uplift", "x"), "is not a percentage"),
    (("plan", "whatif", "--retire", "NOPE"), "serial NOPE is not in the inventory"),
    (("plan", "whatif", "--drop", "92451876:NOPE"), "has no line for serial NOPE"),
    (("plan",), "required"),
    (("timeline", "--months", "0"), "months must be 1 to"),
])
def test_mistakes_are_one_line_and_exit_2(cli, argv, message):
    code, out, err = demo(cli, *argv)
    assert code == 2
    assert out == ""
    assert message in err and err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("target", ["2020-01-01", "2026-11-30"])
def test_coterm_target_before_today_is_refused(cli, target):
    """A co-term target in the past would 'keep' every line and quote an 'after' renewing
    on a date already gone: a mistake, exit 2 with one line."""
    code, out, err = demo(cli, "plan", "coterm", "OS", "--to", target)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"the target {target} is before today (2026-12-01)" in err
