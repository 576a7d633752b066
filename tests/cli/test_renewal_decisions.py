"""Renewal decisions as the partner and the admin read them, on the sample estate at the
demo date (2026-12-01): a renewal triaged ``do not renew`` is not requested, only active
devices "lose support", a contract's end is not its earliest renewal, contract numbers
typed without their leading zeros, dates in the settings' order."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from helpers import TODAY_ARG

from smartnet_tui.domain.changes import PutContract
from smartnet_tui.domain.model import Contract, LineSpec
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.store.db import Store


@pytest.fixture
def sample_db(cli, db_path) -> Path:
    code, _, err = cli("import", sample_dir() / "estate.yaml", sample_dir() / "eox.json",
                       "--db", db_path)
    assert code == 0, err
    return db_path


@pytest.fixture
def run(cli, sample_db):
    def _run(*argv):
        return cli(*argv, "--db", sample_db, "--today", TODAY_ARG)
    return _run


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _section(text: str, title: str) -> str:
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


# ---------------------------------------------------------------- 1. do not renew
def test_do_not_renew_is_not_requested_for_renewal(run):
    """206004518 is triaged `do not renew` in the sample: its two `renew` lines are asked
    to be terminated, their devices lose support, their cost is not under "to renew"."""
    code, out, err = run("request", "--csv")
    assert code == 0, err
    lab = [r for r in _rows(out) if r["Contract Number"] == "206004518"]
    assert [(r["Serial Number"], r["Requested Action"], r["Requested End Date"], r["Reason"])
            for r in lab] == [
        ("FDO2426T314", "terminate", "", "do not renew (triage)"),
        ("JAE2524Y53M", "terminate", "", "do not renew (triage)"),
    ]
    code, out, _ = run("request", "--markdown")
    losing = _section(out, "Devices that will lose support")
    assert "| FDO2426T314 | lon-lab-rtr-01 | ISR4331/K9 | low | 206004518 | 2026-12-20 " \
           "| do not renew (triage) |" in losing
    assert "| JAE2524Y53M | lon-lab-fw-01 |" in losing
    # the lab's GBP 430.00 a year is not counted as to renew
    assert "- GBP: 5,216.42\n" in _section(out, "Annual cost of the lines to renew")


def test_do_not_renew_in_the_partner_sheet_but_dispositions_unchanged(run):
    code, out, _ = run("report", "--csv")
    lab = [r for r in _rows(out) if r["contract"] == "206004518"]
    assert len(lab) == 2
    assert {(r["disposition"], r["recommendation"]) for r in lab} == {
        ("renew", "do not renew (triage)")}
    code, out, _ = run("report", "--markdown")
    section = out.split("## 206004518, ending 2026-12-20\n", 1)[1].split("\n## ", 1)[0]
    assert "### Renew (0)" in section and "### Not to renew (2)" in section
    assert "| 206004518 | due | 2026-12-20 | 19 | 2026-12-20 | SW | 0 | 2 |" in out
    # the worklist keeps the lines' dispositions (issue 8)
    code, out, _ = run("worklist", "--json")
    item = next(i for i in json.loads(out) if i["contract"] == "206004518")
    assert item["state"] == "do not renew"
    assert [ln["disposition"] for ln in item["lines"]] == ["renew", "renew"]


# ---------------------------------------------------------------- 2. who loses support
def test_only_active_devices_lose_support_in_the_request_summary(run):
    """92451877 drops two decommissioned switches and a serial not in the inventory: those
    are drops, not devices losing support; its blocked active switches are listed."""
    code, out, err = run("request", "--markdown")
    assert code == 0, err
    losing = _section(out, "Devices that will lose support")
    rows = [line.split(" | ") for line in losing.splitlines() if line.startswith("| ") and
            not line.startswith("| Serial")]
    serials = {r[0].lstrip("| ") for r in rows}
    assert "FJC2141D2NM" not in serials and "FJC2323C3PW" not in serials  # decommissioned
    assert "FJC2049L4HC" not in serials  # not in the inventory
    assert "| FJC2125K6EW | nyc-hq-flr-03 | WS-C2960X-48FPD-L | normal | 92451877 |" in losing
    assert all(r[1] and r[2] for r in rows)  # every one named and identified
    assert len(serials) == 12


# ---------------------------------------------------------------- 3. a contract's end
def test_a_contracts_end_is_not_its_earliest_renewal(run):
    """0093425688 ends 2027-06-30; two firewall lines end 2027-03-31 (the most urgent
    renewal, in review): the contract's end stays 2027-06-30, the alert names the lines."""
    code, out, _ = run("report", "--json")
    c = next(c for c in json.loads(out)["contracts"] if c["number"] == "0093425688")
    assert (c["end"], c["days_left"], c["renewal"]) == ("2027-06-30", 120, "review")
    code, out, _ = run("lookup", "0093425688", "--json")
    assert json.loads(out)["contract"]["end"] == "2027-06-30"
    code, out, _ = run("check", "--verbose")
    _, out, _ = run("report")
    assert ("contract 0093425688: 2 lines end 2027-03-31 (in 120 days): review with the "
            "partner") in out
    assert "contract 0093425688 ends 2027-03-31" not in out


def test_lookup_of_a_contract_as_json_gives_its_renewals_costs_as_numbers(run):
    code, out, err = run("lookup", "92451876", "--json")
    assert code in (0, 1), err
    data = json.loads(out)
    assert data["renewals"][0]["annual_cost"] == 22969.98
    assert '"annual_cost": 22969.98' in out


# ---------------------------------------------------------------- 4. leading zeros
def test_triage_and_whatif_find_a_contract_typed_without_its_leading_zeros(run):
    code, out, err = run("plan", "whatif", "--drop", "0093425688")
    assert code == 0, err
    assert run("plan", "whatif", "--drop", "93425688") == (code, out, err)
    code, out, err = run("triage", "93425688", "quote", "requested")
    assert (code, err) == (0, "")
    assert out.startswith("triage 0093425688 ending 2027-03-31: to review -> quote requested")
    code, _, err = run("triage", "4711", "ordered")
    assert (code, err) == (2, "smartnet: error: triage: contract 4711 is not in the database\n")


# ---------------------------------------------------------------- 5. days to what
@pytest.mark.parametrize(("contract", "row"), [
    # the days count to a last date to renew, not to the contract's end
    ("88120991", ["ok", "2027-10-31", "175d", "to", "2027-05-25", "(last", "date", "to",
                  "renew)", "OS"]),
    # ... to the renewal of two lines ending before the contract
    ("0093425688", ["review", "2027-06-30", "120d", "to", "2027-03-31", "(2", "lines)", "SNTP"]),
    # ... to the contract's end
    ("92451876", ["due", "2026-12-15", "14d", "OSP"]),
])
def test_report_says_what_the_days_count_to(run, contract, row):
    code, out, _ = run("report")
    line = next(x for x in out.splitlines() if x.split()[:1] == [contract])
    assert line.split()[1:len(row) + 1] == row, line


# ---------------------------------------------------------------- 6. --end as dates are written
@pytest.mark.parametrize(("end", "order"), [
    ("2027-03-31", "mdy"), ("31-Mar-2027", "mdy"), ("Mar 31, 2027", "mdy"),
    ("03/31/2027", "mdy"), ("31/03/2027", "dmy"),
])
def test_triage_end_takes_the_dates_the_app_takes(run, end, order):
    code, out, err = run("triage", "0093425688", "--end", end, "ordered", "--date-order", order)
    assert (code, err) == (0, ""), err
    assert out.startswith("triage 0093425688 ending 2027-03-31: to review -> ordered")


# ---------------------------------------------------------------- 7. plan coterm LEVEL
@pytest.mark.parametrize(("level", "code", "says"), [
    ("bogus", 2, "smartnet: error: plan coterm: unknown service level 'bogus'; known levels: "
                 "SNT, SNTE, SNTP, S2P, SNC, SW, OS, OSE, OSP, PREM, gold care\n"),
    ("PREM", 0, "No line to renew at service level PREM."),   # known, just not in the data
    ("sntp", 0, "Co-term SNTP onto"),                          # any spelling of a known code
    ("24x7x4 onsite", 0, "Co-term OSP onto"),
    ("gold care", 0, "No line to renew at service level gold care"),  # the data's own level
])
def test_plan_coterm_refuses_a_level_nobody_knows(run, sample_db, level, code, says):
    store = Store(sample_db)
    store.apply([PutContract(Contract("555", service_level="gold care", end=date(2027, 3, 1),
                                      status="cancelled", lines=(LineSpec("X1"),)))],
                action="test: a level of the data's own")
    store.close()
    before = sample_db.read_bytes()
    got, out, err = run("plan", "coterm", level)
    assert got == code, err
    assert says in (err if code else out)
    assert sample_db.read_bytes() == before
