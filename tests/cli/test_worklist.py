"""``smartnet worklist`` and ``smartnet triage`` (issue 8), and the partner sheet of
``report --csv/--markdown`` following the renewals' dispositions, on the sample estate at
the demo date (2026-12-01) and on small hostile data."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from helpers import TODAY_ARG

from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.model import Contract, Device, LineSpec, Triage
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.store.db import Store

ITEM_KEYS = ["contract", "end", "deadline", "deadline_reason", "due_date", "days_left", "status",
             "state", "owner", "note", "service_level", "reseller", "currency", "annual_cost",
             "counts", "lines"]
LINE_KEYS = ["serial", "hostname", "pid", "criticality", "disposition", "reason", "renewed_by",
             "max_end", "annual_cost"]
RANK = ["expired", "due", "review", "ok", "renewed", "not needed"]


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


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("smartnet: error: "), err
    return lines[0]


# ------------------------------------------------------------------------ worklist
def test_json_items_have_the_documented_keys_most_urgent_first(run):
    code, out, err = run("worklist", "--json")
    assert code == 0, err
    items = json.loads(out)
    assert items and all(list(i) == ITEM_KEYS for i in items)
    assert all(list(ln) == LINE_KEYS for i in items for ln in i["lines"])
    assert all(list(i["counts"]) == ["renew", "renewed", "drop", "replace", "blocked"] for i in items)
    assert {i["status"] for i in items} <= {"expired", "due", "review"}
    keys = [(RANK.index(i["status"]), i["deadline"], i["contract"]) for i in items]
    assert keys == sorted(keys)
    first = items[0]  # the Singapore contract: expired, most of its lines renewed elsewhere
    assert (first["contract"], first["status"], first["state"], first["owner"]) == \
        ("88120455", "expired", "ordered", "wei")
    assert first["counts"] == {"renew": 2, "renewed": 27, "drop": 0, "replace": 2, "blocked": 0}
    assert first["days_left"] == -31 and first["due_date"] == "2026-09-01"
    untriaged = next(i for i in items if i["state"] == "to review")
    assert untriaged["owner"] is None and untriaged["note"] is None
    renewed = next(ln for ln in first["lines"] if ln["disposition"] == "renewed")
    assert renewed["renewed_by"] == "88120991" and renewed["max_end"] is None


def test_json_amounts_are_numbers_with_two_decimals(run):
    out = run("worklist", "--json")[1]
    assert '"annual_cost": 10220.08' in out
    assert '"annual_cost": 430.00' in out  # the lab's GBP 430: two decimals, a number
    items = json.loads(out)
    assert all(isinstance(i["annual_cost"], float) or i["annual_cost"] is None for i in items)


def test_all_adds_ok_renewed_and_not_needed(run):
    items = json.loads(run("worklist", "--json", "--all")[1])
    statuses = [i["status"] for i in items]
    assert {"ok", "renewed", "not needed"} <= set(statuses)
    assert [RANK.index(s) for s in statuses] == sorted(RANK.index(s) for s in statuses)
    ldr = next(i for i in items if i["contract"] == "208812077")
    assert (ldr["deadline"], ldr["deadline_reason"], ldr["end"]) == \
        ("2027-05-25", "last date to renew", "2027-09-30")
    assert len(items) > len(json.loads(run("worklist", "--json")[1]))


def test_plain_text_reads_at_80_columns(run):
    code, out, err = run("worklist")
    assert code == 0, err
    assert out.startswith("smartnet worklist for 2026-12-01: 7 renewals (expired, due and in review)")
    assert all(len(line) <= 80 for line in out.splitlines()), out
    assert "88120455  EXPIRED  deadline 2026-10-31 (31 days ago)" in out
    assert "  ordered, owner wei" in out
    assert "  lines: 2 renew, 27 renewed, 2 replace" in out
    assert "ends 2026-12-20, SW, GBP 430.00 a year" in out
    assert "208812077" not in out  # ok: only with --all
    everything = run("worklist", "--all")[1]
    assert "208812077  OK  last date to renew 2027-05-25 (in 175 days)" in everything


def test_csv_is_a_row_per_item(run):
    code, out, err = run("worklist", "--csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:4] == ["contract", "end", "deadline", "deadline_reason"]
    assert [r["contract"] for r in rows] == [i["contract"] for i in json.loads(run("worklist", "--json")[1])]
    first = rows[0]
    assert (first["renew"], first["renewed"], first["replace"], first["annual_cost"]) == ("2", "27", "2", "10220.08")
    assert rows[1]["owner"] == ""  # unset: an empty cell


def test_markdown_has_each_item_and_its_lines(run):
    code, out, err = run("worklist", "--markdown")
    assert code == 0, err
    assert out.startswith("# SMARTnet renewal worklist, 2026-12-01")
    assert "## 88120455, ending 2026-10-31" in out
    assert re.search(r"\| FJC2340N3WM \| sin-off-rtr-01 \| ISR4331/K9 \| critical \| renewed \| "
                     r"renewed by 88120991 until 2027-10-31 \|", out)


@pytest.fixture
def hostile_db(tmp_path):
    """Stored text as a hostile file could hold it (written through the store: the
    importer refuses control characters)."""
    db = tmp_path / "h.json"
    store = Store(db)
    store.apply([
        PutDevice(Device("EVIL1", hostname="core\x1b]0;pwned\x07", criticality="critical")),
        PutContract(Contract("C-EVIL", service_level="SNT", end=date(2026, 12, 20),
                             reseller='=HYPERLINK("x")', lines=(LineSpec("EVIL1"),),
                             renewal_triage=(Triage("PO raised", "@bob", "\u202eevil",
                                                    end=date(2026, 12, 20)),))),
    ], action="fixture")
    store.close()
    return db


@pytest.mark.parametrize("fmt", [[], ["--markdown"]])
def test_text_and_markdown_show_stored_text_inert(cli, hostile_db, fmt):
    code, out, err = cli("worklist", *fmt, "--db", hostile_db, "--today", TODAY_ARG)
    assert code == 0, err
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b" in out or "\\u202e" in out


def test_csv_cells_are_not_formulas_and_json_is_exact(cli, hostile_db):
    out = cli("worklist", "--csv", "--db", hostile_db, "--today", TODAY_ARG)[1]
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["reseller"] == "'=HYPERLINK(\"x\")" and row["owner"] == "'@bob"
    item = json.loads(cli("worklist", "--json", "--db", hostile_db, "--today", TODAY_ARG)[1])[0]
    assert item["note"] == "\u202eevil" and item["reseller"] == "=HYPERLINK(\"x\")"
    assert item["lines"][0]["hostname"] == "core\x1b]0;pwned\x07"


# ------------------------------------------------------------------------ triage
def _item(run, contract, end=None):
    items = json.loads(run("worklist", "--json", "--all")[1])
    return next(i for i in items if i["contract"] == contract and (end is None or i["end"] == end))


def test_triage_sets_state_owner_and_note_journaled(run, sample_db):
    code, out, err = run("triage", "92451876", "quote", "requested", "--owner", "ana",
                         "--note", "Q-77 asked")
    assert code == 0, err
    assert out.startswith("triage 92451876 ending 2026-12-15: to review -> quote requested, owner ana")
    item = _item(run, "92451876")
    assert (item["state"], item["owner"], item["note"]) == ("quote requested", "ana", "Q-77 asked")
    store = Store(sample_db)
    last = store.history()[-1]
    assert last["who"] == "tester" and "92451876" in last["action"]
    triage = store.load().contracts["92451876"].renewal_triage[0]
    assert [(e.user, e.state) for e in triage.history] == [("tester", "quote requested")]
    # the same again changes nothing and writes nothing
    n = len(store.history())
    code, out, _ = run("triage", "92451876", "Quote Requested")
    assert code == 0 and "unchanged" in out
    assert len(Store(sample_db).history()) == n
    # an empty owner clears it
    assert run("triage", "92451876", "ordered", "--owner", "")[0] == 0
    item = _item(run, "92451876")
    assert (item["state"], item["owner"], item["note"]) == ("ordered", None, "Q-77 asked")


def test_triage_without_end_is_the_first_renewal_in_worklist_order(run):
    # 0093425688 has two renewals: a line ending 2027-03-31 (review) and 2027-06-30 (ok)
    assert run("triage", "0093425688", "PO raised")[0] == 0
    assert _item(run, "0093425688", "2027-03-31")["state"] == "PO raised"
    assert _item(run, "0093425688", "2027-06-30")["state"] == "to review"
    assert run("triage", "0093425688", "--end", "2027-06-30", "do not renew")[0] == 0
    assert _item(run, "0093425688", "2027-06-30")["state"] == "do not renew"
    assert _item(run, "0093425688", "2027-03-31")["state"] == "PO raised"


def test_triage_changes_the_alerts(run):
    before = json.loads(run("report", "--json")[1])["alerts"]
    assert any(a["kind"] == "expiring" and a["subject"] == "92451876" and a["severity"] == "high"
               for a in before)
    assert run("triage", "92451876", "do not renew")[0] == 0
    after = json.loads(run("report", "--json")[1])["alerts"]
    expiring = [a for a in after if a["kind"] == "expiring" and a["subject"] == "92451876"]
    assert [a["severity"] for a in expiring] == ["info"]


@pytest.mark.parametrize(("argv", "message"), [
    (["triage", "99999999", "ordered"], "contract 99999999 is not in the database"),
    (["triage", "92451876", "--end", "2027-01-01", "ordered"],
     "has no renewal ending 2027-01-01 (its renewals end 2026-12-15)"),
    (["triage", "92451876", "--end", "2027-02-30", "ordered"], "'2027-02-30' is not a valid date"),
    (["triage", "92451876", "--end", "bogus", "ordered"], "'bogus' is not a date"),
    (["triage", "92451876", "--end", "31/12/2026", "ordered"], "has no month 31 in mdy order"),
    (["triage", "92451876", "renew", "it"], "triage state must be one of"),
    (["triage", "92451876"], "required: STATE"),
])
def test_triage_mistakes_are_one_line_exit_2_and_write_nothing(run, sample_db, argv, message):
    before = sample_db.read_bytes()
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert message in one_error_line(err)
    assert sample_db.read_bytes() == before


def test_triage_of_a_cancelled_contract_is_refused(cli, tmp_path):
    src = tmp_path / "c.yaml"
    src.write_text("devices:\n  - {serial: S1}\ncontracts:\n"
                   "  - {number: X1, status: cancelled, end: 2026-12-20, serials: [S1]}\n")
    db = tmp_path / "c.json"
    assert cli("import", src, "--db", db)[0] == 0
    before = db.read_bytes()
    code, _, err = cli("triage", "X1", "ordered", "--db", db, "--today", TODAY_ARG)
    assert code == 2 and "is cancelled" in one_error_line(err)
    assert db.read_bytes() == before


# ------------------------------------------------------------------------ partner sheet
def test_partner_csv_never_asks_to_renew_what_needs_no_renewal(run):
    rows = list(csv.DictReader(io.StringIO(run("report", "--csv")[1])))
    sing = [r for r in rows if r["contract"] == "88120455"]
    assert len(sing) == 31
    renewed = [r for r in sing if r["disposition"] == "renewed"]
    assert len(renewed) == 27
    assert all(r["recommendation"].startswith("no action: renewed by 88120991") for r in renewed)
    assert all(r["renewed_by"] == "88120991" for r in renewed)
    for r in rows:
        # 206004518 is triaged `do not renew`: its `renew` lines are not to be renewed
        declined = r["contract"] == "206004518"
        assert (r["recommendation"] == "renew") == (r["disposition"] == "renew" and not declined), r
        assert (r["max_end"] != "") <= (r["disposition"] == "renew"), r
    # lines listed by disposition: the ones to renew first within each renewal
    order = ["renew", "blocked", "replace", "drop", "renewed"]
    dispositions = [order.index(r["disposition"]) for r in sing]
    assert dispositions == sorted(dispositions)
    capped = next(r for r in sing if r["serial"] == "FDO2219G00H")
    assert (capped["disposition"], capped["max_end"]) == ("renew", "2028-11-30")
    blocked = [r for r in rows if r["disposition"] == "blocked"]
    assert blocked and all("cannot be renewed" in r["recommendation"] for r in blocked)


def test_partner_markdown_separates_what_to_renew(run):
    out = run("report", "--markdown")[1]
    section = out.split("## 88120455, ending 2026-10-31")[1].split("\n## ")[0]
    renew, rest = section.split("### Not to renew (29)")
    assert "### Renew (2)" in renew and "FDO2219G00H" in renew and "2028-11-30" in renew
    assert "FJC2340N3WM" not in renew and "FJC2340N3WM" in rest
    assert "| renewed | renewed by 88120991 until 2027-10-31 |" in rest


# ------------------------------------------------------------------------ check follows
def test_check_follows_the_renewal_alerts_and_their_severities(run):
    code, out, _ = run("check")
    first = out.splitlines()[0]
    assert code == 2  # the lapsed critical router
    assert "renewal alerts" in first
    assert "unconfirmed: contract 88120455: ordered but 2 lines still not renewed" in out
    assert "renewal_blocked: contract 93017245" in out
    # the lab's renewal is marked do not renew: not "due", but its devices will lapse
    assert "206004518: ends" not in out
    assert "will_lapse: lon-lab-rtr-01 (FDO2426T314): contract 206004518" in out
    assert "\n  92451876: ends 2026-12-15 (14 days left)" in out
    # ordered: its expiring alert is info, so check no longer counts it as due ...
    assert run("triage", "92451876", "ordered")[0] == 0
    alerts = json.loads(run("report", "--json")[1])["alerts"]
    assert {a["severity"] for a in alerts if a["kind"] == "expiring"
            and a["subject"] == "92451876"} == {"info"}
    out = run("check")[1]
    assert "92451876: ends" not in out
    # ... and do not renew on a critical device warns through will_lapse (high)
    assert run("triage", "92451876", "do not renew")[0] == 0
    out = run("check")[1]
    assert re.search(r"high\s+will_lapse: \S+ \(\S+\): contract 92451876 is marked do not renew", out)


def test_report_json_contract_triage_is_its_most_urgent_renewals(run):
    def triage_of(number):
        contracts = json.loads(run("report", "--json")[1])["contracts"]
        return next(c["triage"] for c in contracts if c["number"] == number)

    assert triage_of("88120455") == "ordered"  # an older file's contract-level triage
    assert triage_of("92451876") == "to review"
    assert run("triage", "92451876", "PO raised")[0] == 0
    assert triage_of("92451876") == "PO raised"
    assert run("triage", "88120455", "quote received")[0] == 0  # moved onto its renewal
    assert triage_of("88120455") == "quote received"
    assert triage_of("92110348") is None  # cancelled: no renewal
