"""Import from YAML and JSON: every error path (exit 2, one line per error with
file:line and record path, database byte-for-byte unchanged), YAML fidelity, serial
normalisation, upsert / --replace, idempotent re-import, triage, export round-trip."""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace
from datetime import date

import pytest

from smartnet_tui.domain.changes import PutContract
from smartnet_tui.domain.model import Triage
from smartnet_tui.store.db import Store

BASE = """\
devices:
  - serial: BASE1
    pid: C9300-48P
    site: LON
  - serial: BASE2
contracts:
  - number: "900"
    service_level: SNTP
    start: 2026-01-01
    end: 2027-01-31
    serials: [BASE1, BASE2]
eox:
  - pid: C9300-48P
    last_date_of_support: 2030-01-31
"""


@pytest.fixture
def src(tmp_path, monkeypatch):
    """A source directory that is also the working directory (file names stay short)."""
    d = tmp_path / "src"
    d.mkdir()
    monkeypatch.chdir(d)

    def write(name: str, text: str | bytes) -> str:
        p = d / name
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(textwrap.dedent(text), encoding="utf-8")
        return name

    return write


@pytest.fixture
def db(tmp_path, cli, src):
    """A database already holding BASE; returns its path."""
    path = tmp_path / "db.json"
    src("base.yaml", BASE)
    code, _, err = cli("import", "base.yaml", "--db", path)
    assert code == 0, err
    return path


def snapshot(path):
    return path.read_bytes() if path.exists() else None


def error_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("smartnet: error: ")]


# (id, files {name: text}, expected errors: (prefix "file:line: path: ", fragment))
ERROR_CASES = [
    ("missing file", {}, [("nofile.yaml", "no such file")]),
    ("not yaml", {"bad.yaml": "devices: [unclosed\n"}, [("bad.yaml", "not valid YAML")]),
    ("not json", {"bad.json": '{"devices": ['}, [("bad.json", "not valid JSON")]),
    ("not utf-8", {"bin.yaml": b"\x00\x01\xff\xfe"}, [("bin.yaml", "UTF-8")]),
    ("empty file", {"empty.yaml": ""}, [("empty.yaml", "empty")]),
    ("only a comment", {"c.yaml": "# nothing here\n"}, [("c.yaml", "empty")]),
    ("empty json file", {"e.json": ""}, [("e.json", "empty")]),
    ("top level list", {"l.yaml": "- serial: A\n- serial: B\n"}, [("l.yaml", "mapping")]),
    ("top level scalar", {"s.yaml": "hello world\n"}, [("s.yaml", "mapping")]),
    ("top level json list", {"l.json": '[{"serial": "A"}]'}, [("l.json", "mapping")]),
    ("no known key", {"k.yaml": "machines:\n  - serial: A\n"}, [("k.yaml", "no devices, contracts or eox")]),
    ("devices not a list", {"d.yaml": "devices:\n  serial: A\n"}, [("d.yaml:1: devices: ", "list")]),
    ("record not a mapping", {"r.yaml": "devices:\n  - serial: A\n  - just-a-serial\n"},
     [("r.yaml:3: devices[1]: ", "mapping")]),
    ("line not a mapping",
     {"r.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n    lines:\n      - serial: A\n      - B\n"},
     [("r.yaml:6: contracts[0].lines[1]: ", "mapping")]),
    ("missing serial", {"m.yaml": "devices:\n  - pid: C9300\n"}, [("m.yaml:2: devices[0].serial: ", "required")]),
    ("blank serial", {"m.yaml": "devices:\n  - serial: '  '\n"}, [("m.yaml:2: devices[0].serial: ", "required")]),
    ("missing number", {"m.yaml": "contracts:\n  - end: 2027-01-01\n    serials: [A]\n"},
     [("m.yaml:2: contracts[0].number: ", "required")]),
    ("missing line serial",
     {"m.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n    lines:\n      - end: 2027-01-01\n"},
     [("m.yaml:5: contracts[0].lines[0].serial: ", "required")]),
    ("missing pid", {"m.yaml": "eox:\n  - end_of_sale: 2026-01-01\n"}, [("m.yaml:2: eox[0].pid: ", "required")]),
    ("bad device status", {"e.yaml": "devices:\n  - serial: A\n    status: broken\n"},
     [("e.yaml:3: devices[0].status: ", "'broken' is not one of active, spare, decommissioned")]),
    ("bad criticality", {"e.yaml": "devices:\n  - serial: A\n    criticality: urgent\n"},
     [("e.yaml:3: devices[0].criticality: ", "critical, high, normal, low")]),
    ("bad contract status",
     {"e.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n    status: expired\n"},
     [("e.yaml:4: contracts[0].status: ", "active, cancelled")]),
    ("bad line status",
     {"e.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n    lines:\n      - serial: A\n        status: gone\n"},
     [("e.yaml:6: contracts[0].lines[0].status: ", "active, terminated")]),
    ("bad date", {"e.yaml": "contracts:\n  - number: C1\n    end: soon\n    serials: [A]\n"},
     [("e.yaml:3: contracts[0].end: ", "soon")]),
    ("impossible mdy date", {"e.yaml": "contracts:\n  - number: C1\n    end: 31/07/2026\n    serials: [A]\n"},
     [("e.yaml:3: contracts[0].end: ", "31/07/2026")]),
    ("bad eox date", {"e.yaml": "eox:\n  - pid: P1\n    last_date_of_support: 2026-02-30\n"},
     [("e.yaml:3: eox[0].last_date_of_support: ", "2026-02-30")]),
    ("bad line date",
     {"e.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n    lines:\n      - serial: A\n        start: 2026-02-29\n"},
     [("e.yaml:6: contracts[0].lines[0].start: ", "2026-02-29")]),
    ("contract start after end",
     {"e.yaml": "contracts:\n  - number: C1\n    start: 2027-02-01\n    end: 2027-01-01\n    serials: [A]\n"},
     [("e.yaml:4: contracts[0].end: ", "after")]),
    ("line start after end",
     {"e.yaml": "contracts:\n  - number: C1\n    lines:\n      - serial: A\n        start: 2027-02-01\n        end: 2027-01-01\n"},
     [("e.yaml:6: contracts[0].lines[0].end: ", "after")]),
    ("line start after the contract end",
     {"e.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n    lines:\n      - serial: A\n        start: 2027-02-01\n"},
     [("e.yaml:6: contracts[0].lines[0].start: ", "after")]),
    ("line with no end anywhere",
     {"e.yaml": "contracts:\n  - number: C1\n    start: 2026-01-01\n    lines:\n      - serial: A\n"},
     [("e.yaml:5: contracts[0].lines[0]", "no end")]),
    ("serials with no contract end",
     {"e.yaml": "contracts:\n  - number: C1\n    start: 2026-01-01\n    serials: [A, B]\n"},
     [("e.yaml:4: contracts[0].serials[0]: ", "no end")]),
    ("contract with nothing", {"e.yaml": "contracts:\n  - number: C1\n"}, [("e.yaml:2: contracts[0].end: ", "required")]),
    ("duplicate serial across files",
     {"a.yaml": "devices:\n  - serial: DUP1\n", "b.yaml": "devices:\n  - serial: x\n  - serial: ' dup1 '\n"},
     [("b.yaml:3: devices[1].serial: ", "also at a.yaml:devices[0]")]),
    ("duplicate contract number",
     {"e.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n  - number: C2\n    end: 2027-01-01\n"
                "  - number: C1\n    end: 2028-01-01\n"},
     [("e.yaml:6: contracts[2].number: ", "duplicate number 'C1'")]),
    ("duplicate eox pid", {"e.yaml": "eox:\n  - pid: P1\n  - pid: P1\n"}, [("e.yaml:3: eox[1].pid: ", "duplicate")]),
    ("duplicate yaml key", {"e.yaml": "devices:\n  - serial: A\n    serial: B\n"},
     [("e.yaml:3: devices[0]", "duplicate key 'serial'")]),
    ("bad amount", {"e.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n    annual_cost: lots\n"},
     [("e.yaml:4: contracts[0].annual_cost: ", "'lots' is not an amount")]),
    ("bad line amount",
     {"e.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n    lines:\n      - serial: A\n        annual_cost: 12abc\n"},
     [("e.yaml:6: contracts[0].lines[0].annual_cost: ", "not an amount")]),
    ("tags not text", {"e.yaml": "devices:\n  - serial: A\n    tags: {a: 1}\n"}, [("e.yaml:3: devices[0].tags: ", "list")]),
    ("bad triage", {"e.yaml": "contracts:\n  - number: C1\n    end: 2027-01-01\n    triage: {state: maybe}\n"},
     [("e.yaml:4: contracts[0].triage.state: ", "to review")]),
    ("json record path", {"e.json": json.dumps({"contracts": [{"number": "C1", "end": "2027-01-01"},
                                                              {"number": "C2", "end": "13/13/2026"}]})},
     [("e.json: contracts[1].end: ", "13/13/2026")]),
    ("json missing serial", {"e.json": '{"devices": [{"serial": "A"}, {"pid": "X"}]}'},
     [("e.json: devices[1].serial: ", "required")]),
]


@pytest.mark.parametrize("files, expected", [pytest.param(f, e, id=i) for i, f, e in ERROR_CASES])
def test_import_errors_exit_2_and_leave_the_database_unchanged(cli, src, db, files, expected):
    names = [src(name, text) for name, text in files.items()] or ["nofile.yaml"]
    names.append(src("good.yaml", "devices:\n  - serial: SHOULD-NOT-LAND\n"))  # all or nothing
    before = snapshot(db)
    code, out, err = cli("import", *names, "--db", db)
    assert code == 2
    lines = error_lines(err)
    assert len(lines) == len(expected), err
    for line, (prefix, fragment) in zip(lines, expected, strict=True):
        body = line.removeprefix("smartnet: error: ")
        assert body.startswith(prefix), f"{body!r} should start with {prefix!r}"
        assert fragment in body, f"{fragment!r} not in {body!r}"
    assert "Traceback" not in err
    assert "nothing was imported" in err
    assert snapshot(db) == before
    assert "SHOULD-NOT-LAND" not in Store(db).load().devices


@pytest.mark.parametrize("name, text, line", [
    ("bad.yaml", "devices:\n  - serial: A\n    pid: [unclosed\n", 4),
    ("tab.yaml", "devices:\n  - serial: A\n\t- serial: B\n", 3),
])
def test_yaml_syntax_errors_name_the_line(cli, src, db, name, text, line):
    src(name, text)
    before = snapshot(db)
    code, _, err = cli("import", name, "--db", db)
    assert code == 2
    (msg,) = error_lines(err)
    assert name in msg and (f"{name}:{line}" in msg or f"line {line}" in msg), msg
    assert snapshot(db) == before


def test_the_record_path_names_the_exact_line_of_a_contract(cli, src, db):
    lines = "".join(f"      - serial: L{j}\n        end: 2027-0{j + 1}-01\n" for j in range(5))
    text = (
        "contracts:\n"
        "  - number: C0\n    end: 2027-01-01\n"
        "  - number: C1\n    end: 2027-01-01\n"
        "  - number: C2\n    end: 2027-01-01\n    lines:\n" + lines +
        "      - serial: L5\n        end: 2027-02-30\n"
    )
    src("many.yaml", text)
    before = snapshot(db)
    code, _, err = cli("import", "many.yaml", "--db", db)
    assert code == 2
    (msg,) = error_lines(err)
    assert msg.startswith("smartnet: error: many.yaml:20: contracts[2].lines[5].end: ")
    assert snapshot(db) == before


def test_every_error_of_a_file_is_listed(cli, src, db):
    src("bad.yaml", """\
        devices:
          - serial: A1
            status: broken
          - pid: X
        contracts:
          - number: C1
            end: 2027-01-01
            annual_cost: lots
        eox:
          - end_of_sale: 2026-01-01
        """)
    src("bad2.yaml", "devices: []\ncontracts:\n  - number: C9\n    end: 02/30/2027\n")
    before = snapshot(db)
    code, _, err = cli("import", "bad.yaml", "bad2.yaml", "--db", db)
    assert code == 2
    got = [ln.removeprefix("smartnet: error: ").split(": ")[0:2] for ln in error_lines(err)]
    assert got == [
        ["bad.yaml:3", "devices[0].status"],
        ["bad.yaml:4", "devices[1].serial"],
        ["bad.yaml:8", "contracts[0].annual_cost"],
        ["bad.yaml:10", "eox[0].pid"],
        ["bad2.yaml:4", "contracts[0].end"],
    ]
    assert "5 errors" in err
    assert snapshot(db) == before


def test_a_failed_first_import_creates_no_database(cli, src, tmp_path):
    path = tmp_path / "new" / "db.json"
    src("bad.yaml", "devices:\n  - status: broken\n")
    assert cli("import", "bad.yaml", "--db", path)[0] == 2
    assert not path.exists()


def test_a_failed_import_adds_no_journal_entry(cli, src, db):
    src("bad.yaml", "devices:\n  - serial: NEW\n    criticality: extreme\n")
    n = len(Store(db).history())
    assert cli("import", "bad.yaml", "--db", db)[0] == 2
    assert len(Store(db).history()) == n == 1


def test_dry_run_writes_nothing(cli, src, db):
    src("more.yaml", "devices:\n  - serial: NEW1\n")
    before = snapshot(db)
    code, out, _ = cli("import", "more.yaml", "--dry-run", "--db", db)
    assert code == 0
    assert "NEW1" in out
    assert snapshot(db) == before


# -------------------------------------------------------------------- warnings
def test_unknown_service_level_and_field_are_warnings_not_failures(cli, src, db):
    src("w.yaml", """\
        devices:
          - serial: W1
            colour: blue
        contracts:
          - number: W-C
            service_level: Gold support
            end: 2027-06-30
            serials: [W1]
        """)
    code, out, err = cli("import", "w.yaml", "--db", db)
    assert code == 0
    warnings = [ln for ln in err.splitlines() if ln.startswith("smartnet: warning: ")]
    assert any("w.yaml:6: contracts[0].service_level" in w and "Gold support" in w for w in warnings)
    assert any("w.yaml:3: devices[0].colour" in w for w in warnings)
    estate = Store(db).load()
    assert estate.contracts["W-C"].service_level == "Gold support"
    assert estate.devices["W1"].extra == {"colour": "blue"}


# -------------------------------------------------------------------- fidelity
def test_yaml_keeps_what_the_admin_wrote(cli, src, tmp_path):
    src("f.yaml", """\
        devices:
          - serial: FOX0001
            pid: 15.10
            site: NO
            hostname: 0x1F
            notes: yes
          - serial: FOX0002
            site: ON
            pid: 1e3
            tags: [on, off, 010]
        contracts:
          - number: 0093425688
            end: 2027-01-31
            reseller: null
            currency: NOK
            serials: [FOX0001]
          - number: 12345
            end: Jan 31, 2027
            serials: [FOX0002]
        eox:
          - pid: 15.10
            end_of_sale: 31-jan-2020
        """)
    db = tmp_path / "f.json"
    assert cli("import", "f.yaml", "--db", db)[0] == 0
    e = Store(db).load()
    d1, d2 = e.devices["FOX0001"], e.devices["FOX0002"]
    assert (d1.pid, d1.site, d1.hostname, d1.notes) == ("15.10", "NO", "0x1F", "yes")
    assert (d2.site, d2.pid, d2.tags) == ("ON", "1e3", ("on", "off", "010"))
    assert set(e.contracts) == {"0093425688", "12345"}
    assert e.contracts["0093425688"].reseller is None
    assert e.contracts["12345"].end == date(2027, 1, 31)
    assert e.eox["15.10"].end_of_sale == date(2020, 1, 31)
    assert e.eox_for("FOX0001") is e.eox["15.10"]


@pytest.mark.parametrize("absent", ["null", "~", "", "Null", "NULL"])
def test_plain_null_values_are_absent(cli, src, tmp_path, absent):
    src("n.yaml", f"""\
        devices:
          - serial: N1
            hostname: {absent}
            tags: {absent}
        contracts:
          - number: C1
            start: 2026-01-01
            end: 2027-01-31
            reseller: {absent}
            annual_cost: {absent}
            lines:
              - serial: N1
                start: {absent}
                end: {absent}
        """)
    db = tmp_path / "n.db.json"
    code, _, err = cli("import", "n.yaml", "--db", db)
    assert code == 0, err
    e = Store(db).load()
    assert e.devices["N1"].hostname is None and e.devices["N1"].tags == ()
    c = e.contracts["C1"]
    assert (c.reseller, c.annual_cost) == (None, None)
    (line,) = e.lines_for("N1")
    assert (line.start, line.end) == (date(2026, 1, 1), date(2027, 1, 31))


def test_quoted_null_stays_text(cli, src, tmp_path):
    src("q.yaml", "devices:\n  - serial: Q1\n    hostname: 'null'\n    site: \"~\"\n")
    db = tmp_path / "q.db.json"
    assert cli("import", "q.yaml", "--db", db)[0] == 0
    d = Store(db).load().devices["Q1"]
    assert (d.hostname, d.site) == ("null", "~")


def test_json_numbers_where_text_is_meant_become_text(cli, src, tmp_path):
    src("n.json", json.dumps({
        "devices": [{"serial": "J1", "pid": "C9300"}],
        "contracts": [{"number": 93425688, "end": "2027-01-31", "annual_cost": 1200, "serials": ["J1"]}],
    }))
    db = tmp_path / "n.db.json"
    assert cli("import", "n.json", "--db", db)[0] == 0
    c = Store(db).load().contracts["93425688"]
    assert c.annual_cost == 1200.0


@pytest.mark.parametrize("written, stored", [
    (" fox1234abcd ", "FOX1234ABCD"),
    ("fox1234abcd", "FOX1234ABCD"),
    ("\tFox1234AbCd", "FOX1234ABCD"),
])
def test_serials_are_trimmed_and_upper_cased_everywhere(cli, src, tmp_path, written, stored):
    src("s.yaml", f"""\
        devices:
          - serial: "{written}"
        contracts:
          - number: C1
            end: 2027-01-31
            serials: ["{written}"]
          - number: C2
            end: 2027-01-31
            lines:
              - serial: "{written}"
        """)
    db = tmp_path / "s.json"
    assert cli("import", "s.yaml", "--db", db)[0] == 0
    e = Store(db).load()
    assert list(e.devices) == [stored]
    assert {ln.serial for ln in e.lines_for(stored)} == {stored}
    assert len(e.lines_for(stored)) == 2
    code, out, err = cli("lookup", written.strip().lower(), "--db", db, "--today", "2026-12-01")
    assert code == 0, err
    assert out.startswith(stored)


def test_date_order_dmy(cli, src, tmp_path):
    src("d.yaml", "contracts:\n  - number: C1\n    start: 01/02/2026\n    end: 31/01/2027\n    serials: [A]\n")
    db = tmp_path / "d.json"
    assert cli("import", "d.yaml", "--db", db)[0] == 2  # month first by default: 31/01 is impossible
    assert not db.exists()
    assert cli("import", "d.yaml", "--db", db, "--date-order", "dmy")[0] == 0
    c = Store(db).load().contracts["C1"]
    assert (c.start, c.end) == (date(2026, 2, 1), date(2027, 1, 31))


def test_line_fields_override_the_contract(cli, src, tmp_path):
    src("l.yaml", """\
        contracts:
          - number: C1
            service_level: SNT
            start: 2026-01-01
            end: 2026-12-31
            lines:
              - serial: A
              - serial: B
                start: 2026-06-01
                end: 2027-06-30
                service_level: 24x7x4
                sku: CON-SNTP-C93004PA
                annual_cost: 99.5
                status: Terminated
        """)
    db = tmp_path / "l.json"
    assert cli("import", "l.yaml", "--db", db)[0] == 0
    e = Store(db).load()
    (a,) = e.lines_for("A")
    (b,) = e.lines_for("B")
    assert (a.start, a.end, a.service_level.code, a.terminated) == (date(2026, 1, 1), date(2026, 12, 31), "SNT", False)
    assert (b.start, b.end, b.service_level.code, b.sku, b.annual_cost, b.terminated) == (
        date(2026, 6, 1), date(2027, 6, 30), "SNTP", "CON-SNTP-C93004PA", 99.5, True)


# -------------------------------------------------------------------- upsert / replace
def test_plain_import_upserts(cli, src, db):
    src("more.yaml", """\
        devices:
          - serial: BASE2
            hostname: renamed
          - serial: NEW1
        """)
    assert cli("import", "more.yaml", "--db", db)[0] == 0
    e = Store(db).load()
    assert set(e.devices) == {"BASE1", "BASE2", "NEW1"}
    assert e.devices["BASE2"].hostname == "renamed"
    assert set(e.contracts) == {"900"} and set(e.eox) == {"C9300-48P"}


def test_replace_makes_the_database_equal_to_the_files(cli, src, db):
    src("only.yaml", """\
        devices:
          - serial: BASE1
            pid: C9300-48P
            site: LON
          - serial: NEW1
        """)
    code, out, _ = cli("import", "only.yaml", "--replace", "--db", db)
    assert code == 0
    e = Store(db).load()
    assert set(e.devices) == {"BASE1", "NEW1"}
    assert e.contracts == {} and e.eox == {}
    last = Store(db).history()[-1]
    assert "--replace" in last["action"]
    deleted = {(r["table"], r["key"]) for r in last["changes"] if r["after"] is None}
    assert deleted == {("devices", "BASE2"), ("contracts", "900"), ("eox", "C9300-48P")}


def test_reimporting_the_same_file_changes_nothing(cli, src, db):
    before = snapshot(db)
    code, out, _ = cli("import", "base.yaml", "--db", db)
    assert code == 0
    assert "already holds" in out
    assert snapshot(db) == before
    assert len(Store(db).history()) == 1
    code, _, _ = cli("import", "base.yaml", "--replace", "--db", db)
    assert code == 0 and snapshot(db) == before


def test_triage_survives_reimport(cli, src, db):
    store = Store(db)
    c = store.load().contracts["900"]
    triage = Triage("quote requested", "alice", "asked Acme", "2026-11-20T10:00:00+00:00")
    assert store.apply([PutContract(replace(c, triage=triage))], "triage") is not None
    assert cli("import", "base.yaml", "--db", db)[0] == 0
    assert Store(db).load().contracts["900"].triage == triage
    src("changed.yaml", BASE.replace("2027-01-31", "2027-02-28"))
    assert cli("import", "changed.yaml", "--db", db)[0] == 0
    c2 = Store(db).load().contracts["900"]
    assert c2.end == date(2027, 2, 28) and c2.triage == triage
    assert cli("import", "changed.yaml", "--replace", "--db", db)[0] == 0
    assert Store(db).load().contracts["900"].triage == triage


def test_journal_records_who_what_before_after(cli, src, db, monkeypatch):
    monkeypatch.setenv("SUDO_USER", "admin-bob")
    src("more.yaml", "devices:\n  - serial: BASE2\n    hostname: renamed\n")
    assert cli("import", "more.yaml", "--db", db)[0] == 0
    entry = Store(db).history()[-1]
    assert entry["who"] == "admin-bob"
    assert entry["action"] == "import"
    (rec,) = entry["changes"]
    assert rec["table"] == "devices" and rec["key"] == "BASE2"
    assert rec["before"].get("hostname") is None and rec["after"]["hostname"] == "renamed"


# -------------------------------------------------------------------- export round trip
RICH = """\
devices:
  - serial: FOX0001
    pid: 15.10
    hostname: core-1
    site: NO
    status: active
    criticality: critical
    tags: [dc, core]
    notes: "rack 4: top"
    asset_tag: 00123
  - serial: FOX0002
    status: spare
contracts:
  - number: 0093425688
    service_level: SNTP
    start: 01-Feb-2026
    end: Jan 31, 2027
    reseller: Acme
    annual_cost: "1,200.50"
    currency: EUR
    serials: [FOX0001, fox0002]
  - number: C-2
    service_level: 8x5xNBD onsite
    lines:
      - serial: FOX0001
        start: 2027-02-01
        end: 2028-01-31
        sku: CON-OS-C93004PA
        annual_cost: 10
      - serial: FOX0003
        end: 2026-12-31
        status: terminated
    triage: {state: renew, owner: alice}
  - number: C-3
    end: 2026-06-30
    status: cancelled
    serials: [FOX0001]
eox:
  - pid: 15.10
    end_of_sale: 2024-01-31
    end_of_contract_renewal: 2027-01-31
    last_date_of_support: 2029-01-31
"""


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_round_trip(cli, src, tmp_path, fmt):
    src("rich.yaml", RICH)
    db1, db2 = tmp_path / "one.json", tmp_path / "two.json"
    assert cli("import", "rich.yaml", "--db", db1)[0] == 0
    flag = ["--json"] if fmt == "json" else []
    code, first, _ = cli("export", *flag, "--db", db1)
    assert code == 0
    src(f"export.{fmt}", first)
    assert cli("import", f"export.{fmt}", "--db", db2)[0] == 0
    code, second, _ = cli("export", *flag, "--db", db2)
    assert code == 0
    assert second == first
    e1, e2 = Store(db1).load(), Store(db2).load()
    assert e1.devices == e2.devices and e1.contracts == e2.contracts and e1.eox == e2.eox
    assert e2.contracts["0093425688"].annual_cost == 1200.5
    assert e2.devices["FOX0001"].pid == "15.10" and e2.devices["FOX0001"].site == "NO"
    assert e2.contracts["C-2"].triage.state == "renew"


def test_export_to_a_file(cli, src, db, tmp_path):
    out = tmp_path / "out.yaml"
    code, stdout, _ = cli("export", "-o", out, "--db", db)
    assert code == 0 and stdout == ""
    assert "BASE1" in out.read_text()
    code, stdout, _ = cli("export", "--db", db)
    assert stdout == out.read_text()


def test_yaml_export_quotes_identifiers_that_look_typed(cli, src, tmp_path):
    src("q.yaml", "devices:\n  - serial: '0012'\n    site: 'NO'\n    pid: '15.10'\n    hostname: 'true'\n")
    db = tmp_path / "q.json"
    assert cli("import", "q.yaml", "--db", db)[0] == 0
    _, text, _ = cli("export", "--db", db)
    import yaml

    doc = yaml.safe_load(text)  # a YAML 1.1 reader resolving types still gets strings
    assert doc["devices"][0] == {"serial": "0012", "site": "NO", "pid": "15.10", "hostname": "true",
                                 "status": "active", "criticality": "normal"}


def test_a_bad_contract_end_is_one_error_not_one_per_line(cli, src, db):
    """The contract has an end, it is just wrong: its lines must not each report
    'neither the line nor its contract has one' (a 500-line contract would print 500)."""
    src("casc.yaml", """\
        contracts:
          - number: C1
            end: soon
            lines:
              - serial: A
              - serial: B
            serials: [C]
        """)
    before = snapshot(db)
    code, _, err = cli("import", "casc.yaml", "--db", db)
    assert code == 2
    lines = error_lines(err)
    assert len(lines) == 1, err
    assert lines[0].startswith("smartnet: error: casc.yaml:3: contracts[0].end: ")
    assert snapshot(db) == before


def test_a_directory_is_an_error(cli, src, db):
    before = snapshot(db)
    code, _, err = cli("import", ".", "--db", db)
    assert code == 2
    (line,) = error_lines(err)
    assert "directory" in line
    assert snapshot(db) == before


def test_yaml_aliases_are_followed(cli, src, tmp_path):
    src("alias.yaml", """\
        contracts:
          - number: C1
            end: 2027-01-31
            serials: &both [A, B]
          - number: C2
            end: 2027-01-31
            serials: *both
        """)
    db = tmp_path / "alias.json"
    assert cli("import", "alias.yaml", "--db", db)[0] == 0
    e = Store(db).load()
    assert e.contracts_of(["A", "B"]) == {"C1", "C2"}


def test_yaml_merge_keys_apply_shared_defaults(cli, src, tmp_path):
    """`<<: *defaults` is how admins share a contract's level and dates in YAML (safe_load
    honours it); it must not become an unknown field named '<<'."""
    src("merge.yaml", """\
        x-defaults: &defaults
          service_level: SNTP
          end: 2027-01-31
        contracts:
          - <<: *defaults
            number: C1
            serials: [A]
        """)
    db = tmp_path / "merge.json"
    code, _, err = cli("import", "merge.yaml", "--db", db)
    assert code == 0, err
    c = Store(db).load().contracts["C1"]
    assert (c.service_level, c.end) == ("SNTP", date(2027, 1, 31))
    assert "<<" not in c.extra


def test_a_failed_replace_deletes_nothing(cli, src, db):
    src("partial.yaml", "devices:\n  - serial: BASE1\n  - serial: X\n    status: gone\n")
    before = snapshot(db)
    code, _, err = cli("import", "partial.yaml", "--replace", "--db", db)
    assert code == 2
    assert snapshot(db) == before
    e = Store(db).load()
    assert set(e.devices) == {"BASE1", "BASE2"} and set(e.contracts) == {"900"}
