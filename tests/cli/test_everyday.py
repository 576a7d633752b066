"""Issue 14, the command line: lookup by hostname and contract (and many at once), the
monitoring check against the Monitoring Plugins guidelines, import --dry-run naming the
serials behind each change, `-` for stdin and stdout, import --json / -q, report --xlsx."""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import TODAY_ARG

from smartnet_tui import __version__
from smartnet_tui.cli import check_command, lookup_command, main

ESTATE = """\
devices:
  - {serial: COV1, pid: C9300-48P, hostname: core-1.lon.example.net, site: LON, criticality: critical}
  - {serial: EXP1, pid: C9300-48P, hostname: acc-1, site: LON}
  - {serial: LAP1, hostname: acc-2, site: PAR, criticality: high}
  - {serial: STK1, hostname: stack-1, site: PAR}
  - {serial: STK2, hostname: Stack-1, site: PAR}
contracts:
  - {number: "0204600001", service_level: SNTP, start: 2026-01-01, end: 2027-06-30, reseller: Acme,
     serials: [COV1, STK1, STK2]}
  - {number: "204600002", service_level: SNT, start: 2025-12-21, end: 2026-12-20, serials: [EXP1]}
  - {number: C-OLD, service_level: SNT, start: 2025-12-01, end: 2026-11-30, serials: [LAP1]}
"""
LOOKUP_KEYS = {"serial", "in_inventory", "device", "coverage", "lines", "alerts"}


@pytest.fixture
def db(tmp_path, cli) -> Path:
    src = tmp_path / "estate.yaml"
    src.write_text(ESTATE)
    path = tmp_path / "smartnet.json"
    assert cli("import", src, "--db", path)[0] == 0
    return path


@pytest.fixture
def run(cli, db):
    def _run(*argv):
        return cli(*argv, "--db", db, "--today", TODAY_ARG)
    return _run


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("smartnet: error: "), err
    return lines[0]


# ------------------------------------------------------------------------ lookup
@pytest.mark.parametrize("query", ["acc-1", "ACC-1", "  acc-1 "])
def test_lookup_by_hostname_answers_for_its_device(run, query):
    rc, out, _ = run("lookup", query)
    assert rc == 0
    assert out.startswith("EXP1  acc-1")
    assert "EXPIRING until 2026-12-20 (19 days left) by 204600002" in out
    rc, out, _ = run("lookup", query, "--json")
    data = json.loads(out)
    assert set(data) == LOOKUP_KEYS  # the serial's keys, unchanged
    assert data["serial"] == "EXP1" and data["device"]["hostname"] == "acc-1"


def test_lookup_by_short_hostname_finds_the_fully_qualified_one(run):
    rc, out, _ = run("lookup", "core-1")
    assert rc == 0 and out.startswith("COV1  core-1.lon.example.net")
    rc, _, _ = run("lookup", "acc-2")
    assert rc == 1  # LAP1 lapsed: not covered


def test_a_hostname_two_devices_share_answers_for_both(run):
    rc, out, _ = run("lookup", "stack-1")
    assert rc == 0
    assert "2 devices match" in out and "STK1" in out and "STK2" in out
    data = json.loads(run("lookup", "stack-1", "--json")[1])
    assert data["match"] == "hostname"
    assert [a["serial"] for a in data["answers"]] == ["STK1", "STK2"]


@pytest.mark.parametrize("query", ["0204600001", "204600001", "00204600001"])
def test_lookup_by_contract_number_compares_its_digits(run, query):
    rc, out, _ = run("lookup", query)
    assert rc == 0
    first, second = out.splitlines()[:2]
    assert first.startswith("contract 0204600001  SNTP  Acme")
    assert second == "renewal OK: ends 2027-06-30 (211 days left)"
    assert "lines (3):" in out
    for serial in ("COV1", "STK1", "STK2"):
        assert re.search(rf"^  {serial} .* → 2027-06-30  covers today, renew$", out, re.M)


def test_lookup_contract_json_shape(run):
    rc, out, _ = run("lookup", "204600002", "--json")
    assert rc == 0
    data = json.loads(out)
    assert set(data) == {"contract", "renewals", "lines", "alerts"}
    c = data["contract"]
    assert (c["number"], c["renewal"], c["end"], c["days_left"]) == ("204600002", "due", "2026-12-20", 19)
    assert [(r["end"], r["status"]) for r in data["renewals"]] == [("2026-12-20", "due")]
    (line,) = data["lines"]
    assert {"serial", "hostname", "pid", "site", "device_status", "service_level", "start", "end",
            "covers_today", "status", "sku", "disposition"} == set(line)
    assert (line["serial"], line["hostname"], line["covers_today"], line["disposition"]) == (
        "EXP1", "acc-1", True, "renew")


def test_an_ended_contract_exits_1(run):
    rc, out, _ = run("lookup", "c-old")
    assert rc == 1
    assert out.splitlines()[1] == "renewal EXPIRED: ended 2026-11-30 (1 day ago)"


def test_lookup_many_arguments_one_line_each_exit_the_highest(run):
    rc, out, _ = run("lookup", "COV1", "acc-1", "204600002", "LAP1")
    assert rc == 1
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("COV1 ") and "COVERED until 2027-06-30" in lines[0]
    assert lines[1].startswith("acc-1 ") and "EXPIRING" in lines[1] and "EXP1" in lines[1]
    assert lines[2].startswith("204600002 ") and "contract 204600002 DUE: ends 2026-12-20" in lines[2]
    assert lines[3].startswith("LAP1 ") and "LAPSED since 2026-11-30" in lines[3]
    rc, out, _ = run("lookup", "COV1", "NOSUCH", "LAP1")
    assert rc == 3  # unknown is the highest
    assert out.splitlines()[1].startswith("NOSUCH ") and "UNKNOWN" in out.splitlines()[1]
    rc, _, _ = run("lookup", "COV1", "acc-1")
    assert rc == 0


def test_lookup_many_as_json_is_an_array_in_order(run):
    rc, out, _ = run("lookup", "acc-1", "204600002", "nosuch", "--json")
    assert rc == 3
    data = json.loads(out)
    assert [d.get("serial") or d["contract"]["number"] for d in data] == ["EXP1", "204600002", "NOSUCH"]
    assert data[2]["in_inventory"] is False and data[2]["lines"] == []


def test_too_many_lookups_is_one_error_line(run, monkeypatch):
    monkeypatch.setattr(lookup_command, "MAX_QUERIES", 3)
    rc, out, err = run("lookup", "A", "B", "C", "D")
    assert (rc, out) == (2, "")
    assert "at most 3" in one_error_line(err)


def test_an_empty_argument_among_many_is_one_error_line(run):
    rc, out, err = run("lookup", "COV1", " ")
    assert (rc, out) == (2, "")
    assert "argument 2" in one_error_line(err)


# ------------------------------------------------------------------------ check
# The Monitoring Plugins development guidelines: 'label'=value[UOM];[warn];[crit];[min];[max],
# label quoted when it holds spaces, = or '; value, min and max in [-0-9.]; UOM one of
# s ms us % B KB MB TB c or none; warn and crit in the range format [@][start:][end].
NUM = r"-?[0-9.]+"
RANGE = rf"@?(?:(?:{NUM}|~):)?(?:{NUM})?"
PERF = re.compile(rf"^(?P<label>'[^']+'|[^'= ]+)=(?P<value>{NUM}|U)(?P<uom>s|ms|us|%|B|KB|MB|TB|c)?"
                  rf"(?:;(?P<warn>{RANGE})?(?:;(?P<crit>{RANGE})?(?:;(?P<min>{NUM})?(?:;(?P<max>{NUM})?)?)?)?)?$")


def perfdata(out: str) -> dict[str, dict[str, str | None]]:
    first = out.splitlines()[0]
    assert first.count(" | ") == 1
    items = {}
    for item in first.split(" | ")[1].split():
        m = PERF.match(item)
        assert m, f"not in the guidelines' perfdata format: {item!r}"
        items[m["label"].strip("'")] = m.groupdict()
    return items


def in_range(value: int, spec: str) -> bool:
    """Whether the guidelines' threshold ``spec`` alerts for ``value``."""
    inside = spec.startswith("@")
    spec = spec.lstrip("@")
    start, _, end = spec.rpartition(":") if ":" in spec else ("0", "", spec)
    lo = float("-inf") if start == "~" else float(start or 0)
    hi = float(end) if end else float("inf")
    within = lo <= value <= hi
    return within if inside else not within


CHECK_ESTATE = """\
devices:
  - {serial: A, criticality: critical}
  - {serial: B}
contracts:
  - {number: "100", end: 2026-12-21, serials: [A]}
  - {number: "200", end: 2027-01-30, serials: [B]}
"""


def check_db(cli, tmp_path, text=CHECK_ESTATE) -> Path:
    src = tmp_path / "c.yaml"
    src.write_text(text)
    path = tmp_path / "check.json"
    assert cli("import", src, "--db", path)[0] == 0
    return path


@pytest.mark.parametrize("extra, state, code", [
    ((), "WARNING", 1),  # 20 and 60 days left: both within the due window (60)
    (("-w", "10"), "OK", 0),
    (("-w", "30"), "WARNING", 1),
    (("-w", "30", "-c", "20"), "CRITICAL", 2),  # 20 days left: within -c, inclusive
    (("-w", "30", "-c", "19"), "WARNING", 1),
    (("--warning", "90", "--critical", "60"), "CRITICAL", 2),
])
def test_check_day_windows(cli, tmp_path, extra, state, code):
    db = check_db(cli, tmp_path)
    rc, out, err = cli("check", "--db", db, "--today", TODAY_ARG, *extra)
    assert (rc, err) == (code, "")
    assert out.startswith(f"SMARTNET {state} - ")
    perf = perfdata(out)
    days = perf["next_renewal_days"]
    assert days["value"] == "20"
    # the thresholds in the perfdata give the same verdict as the check
    warned = in_range(20, days["warn"]) if days["warn"] else False
    crit = in_range(20, days["crit"]) if days["crit"] else False
    assert {0: (False, False), 1: (True, False), 2: (True, True)}[code] == (warned, crit)


def test_check_perfdata_follows_the_guidelines(cli, tmp_path):
    db = check_db(cli, tmp_path)
    rc, out, _ = cli("check", "--db", db, "--today", TODAY_ARG, "-w", "30", "-c", "20")
    perf = perfdata(out)
    assert perf["due"]["value"] == "1" and perf["due"]["warn"] == "0"
    assert perf["due"]["min"] == "0" and perf["due"]["max"] == "2"  # bounds: 0..contracts
    assert perf["due_critical"]["value"] == "1" and perf["due_critical"]["crit"] == "0"
    assert perf["next_renewal_days"]["warn"] == "@0:30" and perf["next_renewal_days"]["crit"] == "@0:20"
    assert perf["not_covered"]["value"] == "0" and perf["not_covered"]["max"] == "2"
    assert perf["critical_not_covered"]["crit"] == "0" and perf["critical_not_covered"]["max"] == "1"
    assert perf["devices"]["value"] == "2" and perf["contracts"]["value"] == "2"


def test_check_long_output_lists_what_is_behind_the_state(cli, tmp_path):
    devices = "".join(f"  - {{serial: U{i:02}, hostname: host-{i:02}}}\n" for i in range(25))
    db = check_db(cli, tmp_path, "devices:\n  - {serial: K, hostname: core, criticality: critical}\n"
                  + devices)
    rc, out, _ = cli("check", "--db", db, "--today", TODAY_ARG)
    assert rc == 2
    lines = out.splitlines()
    assert lines[0].startswith("SMARTNET CRITICAL - 1 active critical device not covered, "
                               "25 active devices not covered")
    assert lines[1] == "active critical devices not covered (1):"
    assert lines[2].startswith("  K  core: never covered")
    assert lines[3] == "active devices not covered (25):"
    listed = [ln for ln in lines[4:] if ln.startswith("  U")]
    assert len(listed) == 20  # the first 20
    assert lines[-1] == "  ... and 5 more"


def test_check_an_empty_database_is_unknown(cli, tmp_path):
    src = tmp_path / "empty.yaml"
    src.write_text("devices: []\ncontracts: []\n")
    db = tmp_path / "empty.json"
    assert cli("import", src, "--db", db)[0] == 0
    db.exists() or db.write_text("{}")
    rc, out, _ = cli("check", "--db", db, "--today", TODAY_ARG)
    assert rc == 3
    assert out.startswith("SMARTNET UNKNOWN - the database holds no device and no contract")


def test_check_data_older_than_max_age_is_a_warning(cli, tmp_path):
    db = check_db(cli, tmp_path, "devices: [{serial: A}]\ncontracts: [{number: C, end: 2030-12-31, serials: [A]}]\n")
    imported = datetime.now().astimezone().date()
    later = date.fromordinal(imported.toordinal() + 40).isoformat()
    rc, out, _ = cli("check", "--db", db, "--today", later, "--max-age", "30")
    assert rc == 1
    assert out.startswith("SMARTNET WARNING - data 40 days old")
    assert "the last import or fetch was on" in out
    assert perfdata(out)["data_age_days"]["value"] == "40"
    assert perfdata(out)["data_age_days"]["warn"] == "30"
    rc, out, _ = cli("check", "--db", db, "--today", later, "--max-age", "40")
    assert rc == 0 and out.startswith("SMARTNET OK - ")


def test_check_with_max_age_and_no_import_recorded_warns(cli, tmp_path):
    db = tmp_path / "hand.json"
    db.write_text('{"devices": {"1": {"serial": "A", "status": "active", "criticality": "normal"}}}')
    rc, out, _ = cli("check", "--db", db, "--today", TODAY_ARG, "--max-age", "7")
    assert rc == 1 and "no import recorded" in out.splitlines()[0]
    rc, out, _ = cli("check", "--db", db, "--today", TODAY_ARG)
    assert rc == 1 and "no import recorded" not in out  # A is uncovered; age not asked


def test_check_version(cli, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "-V"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"smartnet check {__version__}"


def test_check_times_out_as_unknown(cli, tmp_path, monkeypatch):
    import threading

    db = check_db(cli, tmp_path)
    never = threading.Event()

    def stuck(*args, **kwargs):
        never.wait(60)  # interrupted by the -t timer
        raise AssertionError("the timeout did not fire")

    monkeypatch.setattr(check_command, "Analysis", stuck)
    rc, out, _ = cli("check", "--db", db, "--today", TODAY_ARG, "-t", "1")
    assert rc == 3
    assert out.strip() == "SMARTNET UNKNOWN - the check did not finish within 1 s (-t)"


@pytest.mark.parametrize("argv", [["-w", "x"], ["-c", "-1"], ["-t", "0"], ["-w", "10", "-c", "20"]])
def test_check_bad_thresholds_are_unknown(cli, tmp_path, argv):
    db = check_db(cli, tmp_path)
    rc, out, err = cli("check", "--db", db, *argv)
    assert (rc, err) == (3, "")
    assert out.startswith("SMARTNET UNKNOWN - ") and len(out.splitlines()) == 1


# ------------------------------------------------------------------------ import
def twelve_lines(end: str) -> str:
    serials = ", ".join(f"S{i:02}" for i in range(1, 13))
    return (f"contracts:\n  - {{number: '204600001', start: 2026-08-01, end: {end}, serials: [{serials}]}}\n"
            "  - {number: '204600002', start: 2026-08-01, end: 2027-07-31, serials: [T1]}\n")


def test_dry_run_names_the_serials_behind_each_change(cli, tmp_path):
    db = tmp_path / "db.json"
    src = tmp_path / "a.yaml"
    src.write_text(twelve_lines("2027-07-31"))
    assert cli("import", src, "--db", db)[0] == 0
    src.write_text(twelve_lines("2028-07-31").replace("end: 2027-07-31, serials: [T1]",
                                                      "end: 2028-07-31, serials: [T1, T2]"))
    rc, out, _ = cli("import", src, "--db", db, "--dry-run")
    assert rc == 0
    assert ("~ contract 204600001: end 2027-07-31 → 2028-07-31; 12 lines end moved 2027-07-31 → "
            "2028-07-31 (S01, S02, S03, S04, S05, S06, S07, S08, S09, S10 and 2 more)") in out
    assert "1 line added (T2)" in out and "1 line end moved 2027-07-31 → 2028-07-31 (T1)" in out


def feed_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_import_dash_reads_stdin_and_detects_the_format(cli, tmp_path, monkeypatch):
    db = tmp_path / "db.json"
    feed_stdin(monkeypatch, ESTATE.encode())
    rc, out, err = cli("import", "-", "--db", db)
    assert rc == 0, err
    assert out.startswith("read 5 devices, 3 contracts")
    feed_stdin(monkeypatch, b"serial,hostname,pid\nNEW1,new-1,C9300-48P\n")
    rc, out, err = cli("import", "-", "--db", db)
    assert rc == 0, err
    assert "from csv" in out
    rc, out, _ = cli("history", "--db", db, "-n", "1", "--json")
    assert json.loads(out)[0]["detail"]["files"] == ["-"]
    assert cli("lookup", "new-1", "--db", db, "--today", TODAY_ARG)[1].startswith("NEW1  new-1")


def test_import_dash_errors_name_stdin(cli, tmp_path, monkeypatch):
    db = tmp_path / "db.json"
    feed_stdin(monkeypatch, b"devices:\n  - {serial: A, status: bogus}\n")
    rc, out, err = cli("import", "-", "--db", db)
    assert rc == 2 and out == ""
    assert err.splitlines()[0].startswith("smartnet: error: -:")
    assert not db.exists()


def test_import_json_prints_the_change_counts(cli, tmp_path):
    db = tmp_path / "db.json"
    src = tmp_path / "a.yaml"
    src.write_text(twelve_lines("2027-07-31"))
    rc, out, _ = cli("import", src, "--db", db, "--json")
    data = json.loads(out)
    assert data["written"] is True and data["dry_run"] is False and data["journal_id"] == 1
    assert data["read"]["contracts"] == 2
    assert data["changed"]["contracts_added"] == 2 and data["changed"]["lines_added"] == 13
    assert data["changed"]["ends_moved"] == 0  # every count, zeros included
    src.write_text(twelve_lines("2028-07-31"))
    data = json.loads(cli("import", src, "--db", db, "--json", "--dry-run")[1])
    assert (data["dry_run"], data["written"], data["journal_id"]) == (True, False, None)
    assert data["changed"]["ends_moved"] == 12


def test_quiet_import_prints_nothing(cli, tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text(ESTATE)
    rc, out, err = cli("import", src, "--db", tmp_path / "db.json", "-q")
    assert (rc, out, err) == (0, "", "")


@pytest.mark.parametrize("argv", [["export"], ["export", "--json"], ["report", "--csv"], ["report"]])
def test_dash_output_is_stdout(run, argv):
    rc, to_stdout, _ = run(*argv)
    rc2, dashed, _ = run(*argv, "-o", "-")
    assert rc == rc2 == 0
    assert dashed == to_stdout and dashed


# ------------------------------------------------------------------------ report --xlsx
def test_report_xlsx_is_a_real_spreadsheet(cli, tmp_path, db):
    from openpyxl import load_workbook

    src = tmp_path / "evil.yaml"
    src.write_text("devices:\n  - {serial: EXP1, pid: C9300-48P, hostname: '=HYPERLINK(\"x\")', site: LON}\n")
    assert cli("import", src, "--db", db)[0] == 0
    out = tmp_path / "worklist.xlsx"
    rc, stdout, err = cli("report", "--xlsx", "-o", out, "--db", db, "--today", TODAY_ARG)
    assert (rc, stdout, err) == (0, "", "")
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["contract", "renewal", "contract_end", "days_left"]
    assert ws.freeze_panes == "A2"
    assert all(c.font.bold for c in ws[1])
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    exp1 = next(r for r in rows if r["serial"] == "EXP1")
    assert isinstance(exp1["contract_end"], datetime) and exp1["contract_end"].date() == date(2026, 12, 20)
    assert isinstance(exp1["line_end"], datetime)
    assert exp1["days_left"] == 19
    assert exp1["hostname"] == "'=HYPERLINK(\"x\")"  # not run as a formula
    col = {h: chr(ord("A") + i) for i, h in enumerate(header)}
    assert ws[f"{col['contract_end']}2"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[col["recommendation"]].width >= len("recommendation")


def test_report_xlsx_refuses_a_terminal_and_writes_to_dash(tmp_path, monkeypatch, capsysbinary):
    from openpyxl import load_workbook

    src = tmp_path / "estate.yaml"
    src.write_text(ESTATE)
    db = str(tmp_path / "db.json")
    assert main(["import", str(src), "--db", db, "-q"]) == 0
    argv = ["report", "--xlsx", "--db", db, "--today", TODAY_ARG]
    with monkeypatch.context() as m:
        m.setattr(sys.stdout, "isatty", lambda: True)
        capsysbinary.readouterr()
        assert main(argv) == 2
        out, err = capsysbinary.readouterr()
        assert out == b"" and "-o FILE" in one_error_line(err.decode())
    assert main([*argv, "-o", "-"]) == 0
    data = capsysbinary.readouterr().out
    assert data.startswith(b"PK\x03\x04")
    assert load_workbook(io.BytesIO(data)).active["A1"].value == "contract"


def test_import_dash_through_a_real_pipe(tmp_path):
    import subprocess

    db = tmp_path / "db.json"
    p = subprocess.run([sys.executable, "-m", "smartnet_tui", "import", "-", "--db", str(db), "--json"],
                       input=ESTATE.encode(), capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["files"] == ["-"] and data["changed"]["devices_added"] == 5
    p = subprocess.run([sys.executable, "-m", "smartnet_tui", "check", "--db", str(db), "--today", TODAY_ARG],
                       capture_output=True, timeout=60)
    assert p.returncode == 1 and p.stdout.startswith(b"SMARTNET WARNING - ")
