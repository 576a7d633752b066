"""The command line: every command and exit code, the JSON interface, the Nagios check,
the options and the environment, through smartnet_tui.cli.main (and a real subprocess)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TODAY_ARG

from smartnet_tui.cli import main

ESTATE = """\
devices:
  - {serial: COV1, pid: C9300-48P, hostname: core-1, site: LON, criticality: critical}
  - {serial: EXP1, pid: C9300-48P, hostname: acc-1, site: LON}
  - {serial: LAP1, hostname: acc-2, site: PAR, criticality: high}
  - {serial: UNC1, hostname: acc-3, site: PAR}
  - {serial: SPARE1, status: spare, criticality: critical}
contracts:
  - number: C-OK
    service_level: SNTP
    start: 2026-01-01
    end: 2027-06-30
    reseller: Acme
    annual_cost: 5000
    currency: EUR
    serials: [COV1, ORPH1]
  - number: C-DUE
    service_level: SNT
    start: 2025-12-21
    end: 2026-12-20
    reseller: Acme
    serials: [EXP1]
  - number: C-REV
    service_level: SNT
    start: 2026-01-01
    end: 2027-03-01
    serials: [SPARE1]
  - number: C-OLD
    service_level: SNT
    start: 2025-12-01
    end: 2026-11-30
    serials: [LAP1, GONE1]
eox:
  - {pid: C9300-48P, last_date_of_support: 2031-01-31}
"""


@pytest.fixture
def db(tmp_path, cli) -> Path:
    src = tmp_path / "estate.yaml"
    src.write_text(ESTATE)
    path = tmp_path / "smartnet.json"
    code, out, err = cli("import", src, "--db", path)
    assert code == 0, err
    return path


@pytest.fixture
def run(cli, db):
    """run(*argv) with --db and --today set."""

    def _run(*argv):
        return cli(*argv, "--db", db, "--today", TODAY_ARG)

    return _run


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("smartnet: error: ")
    return lines[0]


# -------------------------------------------------------------------- lookup
@pytest.mark.parametrize(
    "serial, code, status",
    [
        ("COV1", 0, "covered"),
        ("cov1", 0, "covered"),  # matched after trimming and upper-casing
        ("  Cov1 ", 0, "covered"),
        ("EXP1", 0, "expiring"),
        ("ORPH1", 0, "covered"),  # on a line, not in the inventory
        ("LAP1", 1, "lapsed"),
        ("GONE1", 1, "lapsed"),
        ("UNC1", 1, "uncovered"),
        ("SPARE1", 0, "covered"),
    ],
)
def test_lookup_exit_codes(run, serial, code, status):
    rc, out, err = run("lookup", serial)
    assert rc == code, err
    assert out.startswith(serial.strip().upper())
    assert {"covered": "COVERED", "expiring": "EXPIRING", "lapsed": "LAPSED",
            "uncovered": "NOT COVERED"}[status] in out


def test_lookup_unknown_serial_exits_3(run):
    rc, out, err = run("lookup", "NOSUCH")
    assert rc == 3
    assert "NOSUCH" in out and "UNKNOWN" in out


def test_lookup_plain_output_is_a_glanceable_answer(run):
    rc, out, _ = run("lookup", "EXP1")
    first, second = out.splitlines()[:2]
    assert "acc-1" in first and "C9300-48P" in first
    assert second.startswith("EXPIRING until 2026-12-20 (19 days left) by C-DUE")
    rc, out, _ = run("lookup", "LAP1")
    assert "LAPSED since 2026-11-30 (1 days ago)" in out or "LAPSED since 2026-11-30 (1 day ago)" in out


LOOKUP_KEYS = {"serial", "in_inventory", "device", "coverage", "lines", "alerts"}
COVERAGE_KEYS = {"status", "coverage_end", "days_left", "next_start", "contracts"}


@pytest.mark.parametrize(
    "serial, code, in_inventory, coverage",
    [
        ("COV1", 0, True, {"status": "covered", "coverage_end": "2027-06-30", "days_left": 211,
                           "next_start": None, "contracts": ["C-OK"]}),
        ("EXP1", 0, True, {"status": "expiring", "coverage_end": "2026-12-20", "days_left": 19,
                           "next_start": None, "contracts": ["C-DUE"]}),
        ("LAP1", 1, True, {"status": "lapsed", "coverage_end": "2026-11-30", "days_left": -1,
                           "next_start": None, "contracts": []}),
        ("UNC1", 1, True, {"status": "uncovered", "coverage_end": None, "days_left": None,
                           "next_start": None, "contracts": []}),
        ("ORPH1", 0, False, {"status": "covered", "coverage_end": "2027-06-30", "days_left": 211,
                             "next_start": None, "contracts": ["C-OK"]}),
    ],
)
def test_lookup_json(run, serial, code, in_inventory, coverage):
    rc, out, err = run("lookup", serial, "--json")
    assert rc == code, err
    data = json.loads(out)
    assert set(data) == LOOKUP_KEYS
    assert set(data["coverage"]) == COVERAGE_KEYS
    assert data["serial"] == serial
    assert data["in_inventory"] is in_inventory
    assert data["coverage"] == coverage
    if in_inventory:
        assert data["device"]["serial"] == serial
        assert {"serial", "hostname", "pid", "site", "status", "criticality"} <= set(data["device"])
    else:
        assert data["device"] is None
    for line in data["lines"]:
        assert {"contract", "service_level", "start", "end", "covers_today"} <= set(line)
    for alert in data["alerts"]:
        assert set(alert) == {"kind", "severity", "subject", "message"}


def test_lookup_json_lines_and_alerts(run):
    data = json.loads(run("lookup", "LAP1", "--json")[1])
    assert [(ln["contract"], ln["service_level"], ln["start"], ln["end"], ln["covers_today"])
            for ln in data["lines"]] == [("C-OLD", "SNT", "2025-12-01", "2026-11-30", False)]
    assert [(a["kind"], a["severity"], a["subject"]) for a in data["alerts"]] == [("lapsed", "high", "LAP1")]
    data = json.loads(run("lookup", "ORPH1", "--json")[1])
    assert data["lines"][0]["covers_today"] is True
    assert [a["kind"] for a in data["alerts"]] == ["orphan"]


def test_lookup_json_unknown_serial(run):
    rc, out, _ = run("lookup", "NOSUCH", "--json")
    assert rc == 3
    data = json.loads(out)
    assert set(data) == LOOKUP_KEYS
    assert data["in_inventory"] is False and data["device"] is None and data["lines"] == []


def test_lookup_json_follows_a_redirected_stdout(db):
    """Output goes to the sys.stdout of the moment (contextlib.redirect_stdout, a TUI, a test)."""
    for _ in range(2):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = main(["lookup", "COV1", "--json", "--db", str(db), "--today", TODAY_ARG])
        assert rc == 0
        assert json.loads(buf.getvalue())["serial"] == "COV1"
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = main(["history", "--json", "--db", str(db)])
        assert rc == 0 and json.loads(buf.getvalue())[0]["id"] == 1


def test_lookup_without_a_database_exits_2(cli, tmp_path):
    rc, out, err = cli("lookup", "COV1", "--db", tmp_path / "none.json")
    assert rc == 2
    assert "none.json" in one_error_line(err)
    assert not (tmp_path / "none.json").exists()


def test_lookup_empty_serial_exits_2(run):
    rc, _, err = run("lookup", "   ")
    assert rc == 2
    one_error_line(err)


# -------------------------------------------------------------------- options and environment
def test_due_days_moves_the_expiring_window(cli, db):
    rc, out, _ = cli("lookup", "EXP1", "--json", "--db", db, "--today", TODAY_ARG, "--due-days", "10")
    assert rc == 0 and json.loads(out)["coverage"]["status"] == "covered"
    rc, out, _ = cli("lookup", "COV1", "--json", "--db", db, "--today", TODAY_ARG, "--due-days", "211",
                     "--review-days", "300")
    assert json.loads(out)["coverage"]["status"] == "expiring"


def test_today_moves_the_reference_date(cli, db):
    rc, out, _ = cli("lookup", "EXP1", "--db", db, "--today", "2026-12-21")
    assert rc == 1 and "LAPSED" in out
    rc, _, _ = cli("lookup", "LAP1", "--db", db, "--today", "2026-11-30")
    assert rc == 0


def test_smartnet_db_and_smartnet_today_from_the_environment(cli, db, monkeypatch):
    monkeypatch.setenv("SMARTNET_DB", str(db))
    monkeypatch.setenv("SMARTNET_TODAY", "2026-12-21")
    rc, out, _ = cli("lookup", "EXP1", "--json")
    assert rc == 1 and json.loads(out)["coverage"]["days_left"] == -1
    rc, out, _ = cli("lookup", "EXP1", "--json", "--today", TODAY_ARG)  # the option wins
    assert rc == 0 and json.loads(out)["coverage"]["days_left"] == 19


def test_db_option_beats_smartnet_db(cli, db, monkeypatch, tmp_path):
    monkeypatch.setenv("SMARTNET_DB", str(tmp_path / "elsewhere.json"))
    assert cli("lookup", "COV1", "--db", db, "--today", TODAY_ARG)[0] == 0


def test_default_database_under_xdg_data_home(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    src = tmp_path / "e.yaml"
    src.write_text(ESTATE)
    assert cli("import", src)[0] == 0
    assert (tmp_path / "xdg" / "smartnet" / "smartnet.json").exists()
    assert cli("lookup", "COV1", "--today", TODAY_ARG)[0] == 0


def test_options_before_or_after_the_command(cli, db):
    assert cli("--db", db, "--today", TODAY_ARG, "lookup", "COV1")[0] == 0
    assert cli("lookup", "COV1", "--db", db, "--today", TODAY_ARG)[0] == 0
    assert cli("--db", db, "lookup", "--today", TODAY_ARG, "LAP1")[0] == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["lookup", "COV1", "--bogus"],
        ["--bogus", "lookup", "COV1"],
        ["frobnicate"],
        ["lookup"],
        ["lookup", "COV1", "--today", "2026-13-01"],
        ["lookup", "COV1", "--today", "tomorrow"],
        ["lookup", "COV1", "--due-days", "soon"],
        ["lookup", "COV1", "--due-days", "-1"],
        ["lookup", "COV1", "--due-days", "90", "--review-days", "60"],
        ["report", "--json", "--csv"],
        ["import"],
        ["import", "x.yaml", "--date-order", "ymd"],
        ["history", "-n", "many"],
        ["export", "--yaml-please"],
    ],
)
def test_bad_usage_exits_2_with_one_line(cli, db, argv):
    rc, out, err = cli(*argv, "--db", db)
    assert rc == 2
    one_error_line(err)


def test_bad_smartnet_today_exits_2(cli, db, monkeypatch):
    monkeypatch.setenv("SMARTNET_TODAY", "01/12/2026")
    rc, _, err = cli("lookup", "COV1", "--db", db)
    assert rc == 2
    assert "SMARTNET_TODAY" in one_error_line(err)


def test_version(cli):
    with pytest.raises(SystemExit) as exc:
        cli("--version")
    assert exc.value.code == 0


# -------------------------------------------------------------------- report
def test_report_json(run):
    rc, out, err = run("report", "--json")
    assert rc == 0, err
    data = json.loads(out)
    assert set(data) == {"today", "due_days", "review_days", "devices", "contracts", "alerts"}
    assert (data["today"], data["due_days"], data["review_days"]) == (TODAY_ARG, 60, 120)
    assert [d["serial"] for d in data["devices"]] == sorted(["COV1", "EXP1", "LAP1", "UNC1", "SPARE1"])
    for d in data["devices"]:
        assert {"serial", "hostname", "pid", "site", "status", "criticality", "coverage"} <= set(d)
        assert set(d["coverage"]) == COVERAGE_KEYS
    by_serial = {d["serial"]: d for d in data["devices"]}
    assert by_serial["EXP1"]["coverage"]["status"] == "expiring"
    for c in data["contracts"]:
        assert {"number", "service_level", "start", "end", "days_left", "renewal", "serials",
                "annual_cost", "reseller"} <= set(c)
    contracts = {c["number"]: c for c in data["contracts"]}
    # C-REV covers only a spare: every line is dropped, so its renewal is not needed (issue 8).
    assert {n: c["renewal"] for n, c in contracts.items()} == {
        "C-OK": "ok", "C-DUE": "due", "C-REV": "not needed", "C-OLD": "expired"}
    ok = contracts["C-OK"]
    assert (ok["service_level"], ok["start"], ok["end"], ok["days_left"], ok["serials"], ok["annual_cost"],
            ok["reseller"]) == ("SNTP", "2026-01-01", "2027-06-30", 211, ["COV1", "ORPH1"], 5000.0, "Acme")
    sev = ["critical", "high", "medium", "low", "info"]
    ranks = [sev.index(a["severity"]) for a in data["alerts"]]
    assert ranks == sorted(ranks)
    for a in data["alerts"]:
        assert set(a) == {"kind", "severity", "subject", "message"}
    kinds = {(a["kind"], a["subject"]) for a in data["alerts"]}
    assert {("lapsed", "LAP1"), ("uncovered", "UNC1"), ("orphan", "ORPH1"), ("expiring", "C-DUE"),
            ("inactive_covered", "SPARE1")} <= kinds
    assert not {k for k in kinds if k[1] == "C-REV"}  # a renewal that is not needed raises nothing


def test_report_windows_follow_the_options(run):
    data = json.loads(run("report", "--json", "--due-days", "10", "--review-days", "20")[1])
    assert (data["due_days"], data["review_days"]) == (10, 20)
    assert {c["number"]: c["renewal"] for c in data["contracts"]}["C-DUE"] == "review"


def test_report_csv_is_the_renewal_worklist(run):
    rc, out, _ = run("report", "--csv")
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"contract", "renewal", "contract_end", "serial", "recommendation"} <= set(rows[0])
    got = {(r["contract"], r["serial"], r["renewal"]) for r in rows}
    assert got == {("C-DUE", "EXP1", "due"), ("C-OLD", "LAP1", "expired"), ("C-OLD", "GONE1", "expired")}
    rec = {r["serial"]: r["recommendation"] for r in rows}
    assert rec["EXP1"] == "renew"
    rows_all = list(csv.DictReader(io.StringIO(run("report", "--csv", "--all")[1])))
    assert {r["contract"] for r in rows_all} == {"C-OK", "C-DUE", "C-REV", "C-OLD"}
    rec_all = {r["serial"]: (r["renewal"], r["recommendation"]) for r in rows_all}
    assert rec_all["SPARE1"][0] == "not needed" and rec_all["SPARE1"][1].startswith("drop")


def test_report_markdown_is_the_worklist(run):
    rc, out, _ = run("report", "--markdown")
    assert rc == 0
    assert out.startswith("# ")
    assert "| C-DUE | due | 2026-12-20 | 19 |" in out
    assert "## C-OLD" in out and "LAP1" in out
    assert "C-OK" not in out and "C-REV" not in out  # ok, and not needed: nothing to decide
    everything = run("report", "--markdown", "--all")[1]
    assert "C-OK" in everything and "## C-REV" in everything and "SPARE1" in everything


def test_report_plain_and_to_a_file(run, tmp_path):
    rc, out, _ = run("report")
    assert rc == 0 and "C-DUE" in out and "alerts" in out
    target = tmp_path / "report.json"
    rc, out, _ = run("report", "--json", "-o", target)
    assert rc == 0 and out == ""
    assert json.loads(target.read_text())["today"] == TODAY_ARG


def test_report_to_an_unwritable_place_exits_2(run, tmp_path):
    rc, _, err = run("report", "-o", tmp_path / "no" / "such" / "dir" / "r.txt")
    assert rc == 2
    one_error_line(err)


def test_report_without_a_database_exits_2(cli, tmp_path):
    rc, _, err = cli("report", "--db", tmp_path / "none.json")
    assert rc == 2
    one_error_line(err)


# -------------------------------------------------------------------- check
def make_db(cli, tmp_path, text: str) -> Path:
    src = tmp_path / "c.yaml"
    src.write_text(text)
    path = tmp_path / "check.json"
    assert cli("import", src, "--db", path)[0] == 0
    return path


CHECK_CASES = [
    ("all fine", "devices: [{serial: A, criticality: critical}]\n"
     "contracts: [{number: C, end: 2027-12-31, serials: [A]}]\n", 0, "OK"),
    ("a contract in review only", "devices: [{serial: A}]\n"
     "contracts: [{number: C, end: 2027-03-01, serials: [A]}]\n", 0, "OK"),
    ("inactive devices do not count", "devices: [{serial: A, status: spare, criticality: critical},"
     " {serial: B, status: decommissioned}]\n", 0, "OK"),
    ("a contract due", "devices: [{serial: A}]\n"
     "contracts: [{number: C, end: 2027-01-15, serials: [A]}]\n", 1, "WARNING"),
    ("a contract due on its last day", "devices: [{serial: A}]\n"
     "contracts: [{number: C, end: 2026-12-01, serials: [A]}]\n", 1, "WARNING"),
    ("an active device uncovered", "devices: [{serial: A}, {serial: B, criticality: high}]\n"
     "contracts: [{number: C, end: 2027-12-31, serials: [A]}]\n", 1, "WARNING"),
    ("an active device lapsed", "devices: [{serial: A, criticality: low}]\n"
     "contracts: [{number: C, end: 2026-11-30, serials: [A]}]\n", 1, "WARNING"),
    ("a critical device uncovered", "devices: [{serial: A, criticality: critical}]\n", 2, "CRITICAL"),
    ("a critical device lapsed", "devices: [{serial: A, criticality: critical}, {serial: B}]\n"
     "contracts: [{number: C, end: 2026-11-30, serials: [A, B]}]\n", 2, "CRITICAL"),
    ("a renewed contract is not due", "devices: [{serial: A}]\n"
     "contracts: [{number: C, end: 2026-12-20, serials: [A]},"
     " {number: D, start: 2026-12-21, end: 2027-12-20, serials: [A]}]\n", 0, "OK"),
]


@pytest.mark.parametrize("text, code, state", [pytest.param(t, c, s, id=i) for i, t, c, s in CHECK_CASES])
def test_check_nagios_states(cli, tmp_path, text, code, state):
    db = make_db(cli, tmp_path, text)
    rc, out, err = cli("check", "--db", db, "--today", TODAY_ARG)
    assert rc == code, out + err
    lines = out.strip().splitlines()
    assert (len(lines) == 1) is (state == "OK")  # the long output says what is behind a problem
    assert lines[0].startswith(f"SMARTNET {state} - ")
    text_part, perf = lines[0].split(" | ")
    for item in perf.split():
        label, value = item.split("=")
        assert label and value.split(";")[0].isdigit()


def test_check_perfdata_counts(run):
    rc, out, _ = run("check")
    assert rc == 1  # LAP1 (high) and UNC1 lapsed/uncovered, C-DUE due; no critical device down
    perf = dict(item.split("=") for item in out.splitlines()[0].split(" | ")[1].split())
    assert perf["due"].split(";")[0] == "1"
    assert perf["not_covered"].split(";")[0] == "2"
    assert perf["critical_not_covered"].split(";")[0] == "0"


@pytest.mark.parametrize("how", ["no database", "corrupt database", "bad SMARTNET_TODAY", "bad --today",
                                 "unknown option"])
def test_check_unknown_on_error(cli, tmp_path, monkeypatch, how):
    db = tmp_path / "db.json"
    argv = ["check", "--db", db]
    if how != "no database":
        db.write_text('{"devices": {}}')
    if how == "corrupt database":
        db.write_text("{nope")
    elif how == "bad SMARTNET_TODAY":
        monkeypatch.setenv("SMARTNET_TODAY", "yesterday")
    elif how == "bad --today":
        argv += ["--today", "2026-02-30"]
    elif how == "unknown option":
        argv += ["--bogus", "10"]
    rc, out, err = cli(*argv)
    assert rc == 3, out + err
    assert out.startswith("SMARTNET UNKNOWN - ")
    assert len(out.strip().splitlines()) == 1
    assert "Traceback" not in out + err


@pytest.mark.parametrize("argv", [
    ["--today", "2026-02-30", "check"],  # the mistake comes before the command
    ["--date-order", "ymd", "check", "--db", "x.json"],
    ["--bogus", "check"],
    ["check", "--due-days", "-1"],
    ["check", "extra"],
])
def test_check_answers_unknown_wherever_the_mistake_is(cli, argv):
    rc, out, err = cli(*argv)
    assert (rc, err) == (3, "")
    assert out.startswith("SMARTNET UNKNOWN - ") and len(out.strip().splitlines()) == 1


@pytest.mark.parametrize("argv", [
    ["lookup", "check", "--bogus"],  # `check` is the serial looked up, not the command
    ["--db", "check", "lookup", "X", "--bogus"],  # `check` is the database's file name
    ["import", "check", "--warning", "10"],
    ["lookup", "check", "--due-days", "x"],
])
def test_the_word_check_elsewhere_is_no_nagios_check(cli, argv):
    rc, out, err = cli(*argv)
    assert rc == 2 and out == ""
    line = one_error_line(err)
    assert "UNKNOWN" not in line and f"see smartnet {argv[0] if argv[0] != '--db' else 'lookup'} --help" in line


def test_a_usage_mistake_names_the_commands_help(cli):
    rc, _, err = cli("history", "-n", "many")
    assert rc == 2
    assert one_error_line(err) == ("smartnet: error: argument -n/--limit: 'many' is not a whole number "
                                   "(see smartnet history --help)")
    rc, _, err = cli("--no-such-option")
    assert rc == 2
    assert one_error_line(err) == "smartnet: error: unrecognized arguments: --no-such-option (see smartnet --help)"


# -------------------------------------------------------------------- import / export / history
def test_import_prints_what_changed(cli, tmp_path):
    src = tmp_path / "e.yaml"
    src.write_text(ESTATE)
    db = tmp_path / "new.json"
    rc, out, err = cli("import", src, "--db", db)
    assert rc == 0
    assert "5 devices" in out and "4 contracts" in out
    rc, out, err = cli("import", src, "--db", db)
    assert rc == 0 and "already holds" in out


def test_import_missing_file_exits_2(cli, db, tmp_path):
    before = db.read_bytes()
    rc, _, err = cli("import", tmp_path / "nope.yaml", "--db", db)
    assert rc == 2
    assert "nope.yaml" in err and "no such file" in err
    assert db.read_bytes() == before


def test_export_yaml_and_json(run, db):
    rc, out, _ = run("export")
    assert rc == 0
    import yaml

    doc = yaml.safe_load(out)
    assert set(doc) == {"devices", "contracts", "eox"}
    assert {d["serial"] for d in doc["devices"]} == {"COV1", "EXP1", "LAP1", "UNC1", "SPARE1"}
    rc, out, _ = run("export", "--json")
    assert rc == 0
    assert json.loads(out) == doc


def test_export_without_a_database_exits_2(cli, tmp_path):
    rc, _, err = cli("export", "--db", tmp_path / "none.json")
    assert rc == 2
    one_error_line(err)


def test_history(cli, db, tmp_path):
    more = tmp_path / "more.yaml"
    more.write_text("devices:\n  - serial: NEW1\n")
    assert cli("import", more, "--db", db)[0] == 0
    rc, out, _ = cli("history", "--db", db)
    assert rc == 0
    heads = [ln for ln in out.splitlines() if ln.startswith("#")]
    assert heads[0].startswith("#1 ") and heads[1].startswith("#2 ")
    assert "tester" in heads[0] and "import" in heads[0]
    assert "NEW1" in out
    rc, out, _ = cli("history", "-n", "1", "--db", db)
    assert [ln for ln in out.splitlines() if ln.startswith("#")][0].startswith("#2 ")


def test_history_json(cli, db):
    rc, out, _ = cli("history", "--json", "--db", db)
    assert rc == 0
    (entry,) = json.loads(out)
    assert {"id", "who", "when", "action", "changes"} <= set(entry)
    assert entry["who"] == "tester"


def test_history_of_an_empty_database(cli, tmp_path):
    db = tmp_path / "empty.json"
    db.write_text("")
    rc, out, _ = cli("history", "--db", db)
    assert rc == 0 and "no changes" in out


# -------------------------------------------------------------------- demo
def test_demo_estate_shows_every_alert_kind(cli):
    rc, out, err = cli("--demo", "report", "--json")
    assert rc == 0, err
    data = json.loads(out)
    assert data["today"] == "2026-12-01"
    kinds = {a["kind"] for a in data["alerts"]}
    assert kinds >= {"expiring", "review", "lapsed", "uncovered", "inactive_covered", "orphan",
                     "duplicate", "end_of_support", "beyond_ldos", "service_level", "coterm"}


# -------------------------------------------------------------------- a real process
def _smartnet(*argv, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("SMARTNET_")}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "smartnet_tui", *map(str, argv)],
                          capture_output=True, text=True, env=e, timeout=60)


def test_subprocess_lookup_json(db):
    p = _smartnet("lookup", "exp1", "--json", env={"SMARTNET_DB": str(db), "SMARTNET_TODAY": TODAY_ARG})
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert set(data) == LOOKUP_KEYS and data["coverage"]["status"] == "expiring"
    p = _smartnet("lookup", "UNC1", "--db", db, "--today", TODAY_ARG)
    assert p.returncode == 1
    p = _smartnet("lookup", "NOSUCH", "--db", db, "--today", TODAY_ARG)
    assert p.returncode == 3


def test_subprocess_errors_are_one_line_no_traceback(db, tmp_path):
    for argv in (["lookup", "COV1", "--bogus", "--db", db], ["lookup", "COV1", "--db", tmp_path / "none.json"]):
        p = _smartnet(*argv)
        assert p.returncode == 2
        assert p.stdout == ""
        assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
    p = _smartnet("check", "--db", db, "--today", TODAY_ARG)
    assert p.returncode == 1 and p.stdout.startswith("SMARTNET WARNING - ") and " | " in p.stdout


def test_lookup_plain_uncovered_with_a_future_line_does_not_say_never(cli, tmp_path):
    db = make_db(cli, tmp_path, "devices: [{serial: A}]\n"
                 "contracts: [{number: C, start: 2027-01-01, end: 2027-12-31, serials: [A]},"
                 " {number: X, end: 2027-12-31, status: cancelled, serials: [A]}]\n")
    rc, out, _ = cli("lookup", "A", "--db", db, "--today", TODAY_ARG)
    assert rc == 1
    assert "NOT COVERED" in out
    assert "never on a contract line" not in out  # it is on two lines: one starts later, one is cancelled
    assert "2027-01-01" in out
