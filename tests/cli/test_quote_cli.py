"""``smartnet quote check|import|list`` on the fixture quotes (issue 10): every planted
finding in text and JSON, the exit codes, one journal entry per import, the renewal moved
to ``quote received``, and nothing written when a file cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import TODAY_ARG, write_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quotes"
QUOTES = [FIXTURES / "quote.csv", FIXTURES / "quote.xlsx"]

# (kind, severity, serial, contract) planted in the fixture quotes, checked with --to 2027-12-31
PLANTED = [
    ("missing", "critical", "CRIT1", "0093425688"),
    ("blocked", "high", "BLK1", "0093425688"),
    ("gap", "high", "GAP1", "0093425688"),
    ("past_support", "high", "LDOS1", "0093425688"),
    ("quoted_renewed", "high", "REN1", "88120455"),
    ("quoted_inactive", "high", "SPARE1", "0093425688"),
    ("off_target", "medium", "LDOS1", "0093425688"),  # the target cut at its end of support
    ("level_down", "medium", "LEVEL1", "0093425688"),
    ("overlap", "medium", "OVER1", "0093425688"),
    ("price_up", "medium", "PRICE1", "0093425688"),
    ("off_target", "medium", "TARGET1", "0093425688"),
    ("unknown", "low", "NOPE1", "0093425688"),
]


@pytest.fixture
def estate_db(cli, db_path):
    code, _, err = cli("import", FIXTURES / "estate.yaml", "--db", db_path)
    assert code == 0, err
    return db_path


def run(cli, db, *argv):
    return cli(*argv, "--db", db, "--today", TODAY_ARG)


@pytest.mark.parametrize("quote", QUOTES, ids=["csv", "xlsx"])
def test_every_planted_finding_in_json(cli, estate_db, quote):
    code, out, err = run(cli, estate_db, "quote", "check", quote, "--to", "2027-12-31", "--json")
    assert code == 1, err  # a high or critical finding
    doc = json.loads(out)
    assert doc["quote"] == {"files": [str(quote)], "lines": 11, "total": {"USD": 11750.0}}
    assert '"USD": 11750.00' in out  # an amount with its two decimals
    got = [(f["kind"], f["severity"], f["serial"], f["contract"]) for f in doc["findings"]]
    assert got == PLANTED
    assert all(set(f) == {"kind", "severity", "serial", "contract", "message"} for f in doc["findings"])
    assert "CLEAN1" not in out  # the clean line
    assert "1 row without serial and contract skipped" in err  # the total row


def test_text_summary_then_findings_most_severe_first(cli, estate_db):
    code, out, _ = run(cli, estate_db, "quote", "check", QUOTES[0], "--to", "2027-12-31")
    assert code == 1
    first, *rows = out.splitlines()
    assert first == (f"{QUOTES[0]}: 11 lines, USD 11,750.00; 12 findings "
                     "(1 critical, 5 high, 5 medium, 1 low)")
    assert [r.split()[:3] for r in rows] == [[s, k, serial] for k, s, serial, _ in PLANTED]
    assert "PRICE1: quoted USD 1,250.00 a year, 25% above its current USD 1,000.00" in out


def test_without_target_no_off_target(cli, estate_db):
    code, out, _ = run(cli, estate_db, "quote", "check", QUOTES[0], "--json")
    kinds = [f["kind"] for f in json.loads(out)["findings"]]
    assert "off_target" not in kinds and len(kinds) == 10


def test_max_increase(cli, estate_db):
    _, out, _ = run(cli, estate_db, "quote", "check", QUOTES[0], "--json", "--max-increase", "25")
    assert "price_up" not in [f["kind"] for f in json.loads(out)["findings"]]


def test_exit_0_when_nothing_is_high(cli, estate_db, tmp_path):
    quote = write_text(tmp_path / "q.csv", """\
        Contract Number,Serial Number,Service Level,Start Date,End Date,Extended Net Price,Currency
        0093425688,CLEAN1,SNTP,2027-01-01,2027-12-31,1000,USD
        0093425688,CRIT1,SNTP,2027-01-01,2027-12-31,1000,USD
        0093425688,LEVEL1,SNTP,2027-01-01,2027-12-31,1000,USD
        0093425688,PRICE1,SNTP,2027-01-01,2027-12-31,1000,USD
        0093425688,GAP1,SNTP,2027-01-01,2027-12-31,1000,USD
        0093425688,OVER1,SNTP,2026-12-31,2027-12-31,1000,USD
        0093425688,TARGET1,SNTP,2027-01-01,2027-12-31,1000,USD
        0093425688,LDOS1,SNTP,2027-01-01,2027-06-30,500,USD
        """)
    code, out, err = run(cli, estate_db, "quote", "check", quote)
    assert code == 0, out + err
    assert out.splitlines()[1].split()[:3] == ["medium", "overlap", "OVER1"]


def test_an_unreadable_file_makes_the_whole_check_exit_2(cli, estate_db, tmp_path):
    bad = write_text(tmp_path / "bad.csv", "Serial Number,End Date\nS1,2027-02-30\n")
    code, out, err = run(cli, estate_db, "quote", "check", QUOTES[0], bad)
    assert code == 2 and out == ""
    assert err.splitlines()[0].startswith(f'smartnet: error: {bad}: row 2, column "End Date": ')
    assert "Traceback" not in err


def test_a_mistake_in_quote_check_is_not_a_nagios_answer(cli, estate_db):
    code, out, err = run(cli, estate_db, "quote", "check", QUOTES[0], "--bogus")
    assert code == 2 and "SMARTNET UNKNOWN" not in out + err
    assert err.startswith("smartnet: error: unrecognized arguments: --bogus")
    code, out, err = run(cli, estate_db, "quote", "check", QUOTES[0], "--to", "2027-02-30")
    assert code == 2 and "SMARTNET UNKNOWN" not in out and "is not a date" in err


def _db(path):
    return json.loads(path.read_text())


def test_import_stores_one_journal_entry_and_moves_the_renewal(cli, estate_db):
    before = len(_db(estate_db)["journal"])
    code, out, err = run(cli, estate_db, "quote", "import", QUOTES[0], "--name", "acme-2027")
    assert code == 0, err  # whatever the findings
    assert out.splitlines()[0] == ("quote acme-2027: stored (11 lines); 1 renewal moved to "
                                   "'quote received'")
    assert "critical missing" in " ".join(out.split())  # the findings are printed
    db = _db(estate_db)
    assert len(db["journal"]) == before + 1
    entry = db["journal"][str(before + 1)]
    assert entry["action"] == "quote import acme-2027"
    assert {c["table"] for c in entry["changes"]} == {"quotes", "contracts"}
    (quote,) = db["quotes"].values()
    assert quote["name"] == "acme-2027" and len(quote["lines"]) == 11
    assert quote["lines"][0]["net_price"] == "1000"  # exact text, never a float
    code, out, _ = run(cli, estate_db, "quote", "list")
    assert code == 0
    assert out.splitlines()[1].split()[0] == "acme-2027"
    assert "USD 11,750.00" in out
    code, out, _ = run(cli, estate_db, "quote", "list", "--json")
    (item,) = json.loads(out)
    assert item["findings"] == {"critical": 1, "high": 5, "medium": 3, "low": 1}  # no --to
    assert item["renewals"][0] == {"contract": "0093425688", "end": "2026-12-31"}


def test_reimporting_a_name_replaces_it(cli, estate_db, tmp_path):
    run(cli, estate_db, "quote", "import", QUOTES[0], "--name", "acme")
    smaller = write_text(tmp_path / "q.csv", """\
        Contract Number,Serial Number,Start Date,End Date
        0093425688,CLEAN1,2027-01-01,2027-12-31
        """)
    code, out, _ = run(cli, estate_db, "quote", "import", smaller, "--name", "acme")
    assert code == 0 and out.startswith("quote acme: replaced (1 line)")
    db = _db(estate_db)
    assert [len(q["lines"]) for q in db["quotes"].values()] == [1]
    n = len(db["journal"])
    code, out, _ = run(cli, estate_db, "quote", "import", smaller, "--name", "acme")
    assert out.startswith("quote acme: unchanged") and len(_db(estate_db)["journal"]) == n


def test_a_bad_quote_file_imports_nothing(cli, estate_db, tmp_path):
    bad = write_text(tmp_path / "bad.csv", "Serial Number,End Date\nS1,never\n")
    before = estate_db.read_bytes()
    code, out, err = run(cli, estate_db, "quote", "import", bad, "--name", "x")
    assert code == 2 and out == ""
    assert f'{bad}: row 2, column "End Date"' in err
    assert estate_db.read_bytes() == before


def test_a_later_state_is_left_alone(cli, estate_db):
    code, _, err = run(cli, estate_db, "quote", "import", QUOTES[0], "--name", "a")
    assert code == 0, err
    code, out, _ = run(cli, estate_db, "quote", "import", QUOTES[1], "--name", "b")
    assert code == 0 and "moved" not in out.splitlines()[0]


def test_history_describes_a_quote_import(cli, estate_db):
    run(cli, estate_db, "quote", "import", QUOTES[0], "--name", "acme")
    code, out, err = run(cli, estate_db, "history", "-n", "1")
    assert code == 0, err
    assert "quote import acme" in out and "quote added: acme" in out


def _states(db_file):
    return {(c["number"], t["end"]): t["state"] for c in _db(db_file)["contracts"].values()
            for t in c.get("renewal_triage", ())}


def test_the_received_state_survives_a_reimport_and_an_export_round_trip(cli, estate_db, tmp_path):
    run(cli, estate_db, "quote", "import", QUOTES[0], "--name", "acme")
    assert _states(estate_db) == {("0093425688", "2026-12-31"): "quote received"}
    code, _, err = cli("import", FIXTURES / "estate.yaml", "--db", estate_db)  # no triage in it
    assert code == 0, err
    assert _states(estate_db) == {("0093425688", "2026-12-31"): "quote received"}
    exported = tmp_path / "export.yaml"
    assert cli("export", "--db", estate_db, "-o", exported)[0] == 0
    other = tmp_path / "other.json"
    code, _, err = cli("import", exported, "--db", other)
    assert code == 0 and "unknown field" not in err
    assert _states(other) == _states(estate_db)
    (history,) = [t["history"] for c in _db(other)["contracts"].values()
                  for t in c.get("renewal_triage", ())]
    assert [(e["user"], e["state"]) for e in history] == [("tester", "quote received")]


def test_another_instance_follows_a_quote_import_through_the_journal(cli, estate_db):
    from smartnet_tui.domain.changes import PutContract, PutQuote
    from smartnet_tui.store.db import Store

    reader = Store(estate_db)
    since = reader.last_journal_id()
    run(cli, estate_db, "quote", "import", QUOTES[0], "--name", "acme")
    changes, last = Store(estate_db).changes_since(since)
    assert last == since + 1
    assert [type(c) for c in changes] == [PutQuote, PutContract]
    assert changes[0].quote.name == "acme" and len(changes[0].quote.lines) == 11
    assert Store(estate_db).load().quotes["acme"] == changes[0].quote


def test_delete_a_stored_quote(cli, estate_db):
    run(cli, estate_db, "quote", "import", QUOTES[0], "--name", "acme")
    n = len(_db(estate_db)["journal"])
    code, out, _ = run(cli, estate_db, "quote", "delete", "acme")
    assert (code, out) == (0, "quote acme: deleted\n")
    db = _db(estate_db)
    assert db["quotes"] == {} and len(db["journal"]) == n + 1
    assert _states(estate_db) == {("0093425688", "2026-12-31"): "quote received"}  # kept
    before = estate_db.read_bytes()
    code, _, err = run(cli, estate_db, "quote", "delete", "acme")
    assert code == 2 and "no quote named 'acme'" in err and estate_db.read_bytes() == before
