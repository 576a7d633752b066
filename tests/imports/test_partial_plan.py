"""An import planned against only the records its files name is the plan made against
the whole estate: the same changes, summary, orphans, warnings, preview text, journal
entry and database after the write (issue 12: a one-device import built 100,000 devices
and 300,000 lines to plan one change).

Each import is planned twice on the same database: as smartnet plans it (a store that
holds nothing reads only the lines naming the files' keys: ``Store.load_records``, and
building the whole estate is made to fail), and against the whole estate (the planner's
threshold set below zero). The databases are laid out a few documents a line, so that
reading "only the lines naming a key" really leaves most lines unread.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import orjson
import pytest
from helpers import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate
from smartnet_tui.domain.changes import PutContract, PutDevice, PutEoX
from smartnet_tui.domain.model import Contract, Device, EoX, LineSpec, Triage
from smartnet_tui.imports import planner
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.imports.planner import (
    ImportResult,
    change_lines,
    import_files,
    orphans_line,
    outcome_line,
)
from smartnet_tui.store import Store, layout

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DOCS_PER_LINE = 3  # a few documents a line: a partial read leaves most lines unread


@pytest.fixture(autouse=True)
def _small_lines() -> Iterator[None]:
    with mock.patch.object(layout, "DOCS_PER_LINE", DOCS_PER_LINE):
        yield


# ------------------------------------------------------------------ planning both ways
@contextmanager
def _whole_estate_refused() -> Iterator[None]:
    def refuse(self: Store) -> Any:
        raise AssertionError("the whole estate was built for an import that names few records")

    with mock.patch.object(Store, "load", refuse):
        yield


def _plan(db: Path, files: list[Path], *, partial: bool, add_devices: bool = False,
          replace_all: bool = False, dry_run: bool = True) -> ImportResult:
    if partial:
        with _whole_estate_refused():
            return import_files(Store(db), files, add_devices=add_devices,
                                replace_all=replace_all, dry_run=dry_run, today=TODAY)
    with mock.patch.object(planner, "PARTIAL_PLAN_MAX_KEYS", -1):
        return import_files(Store(db), files, add_devices=add_devices,
                            replace_all=replace_all, dry_run=dry_run, today=TODAY)


def _seen(result: ImportResult, dry_run: bool) -> dict[str, Any]:
    """Everything a user is shown or the journal records of one planned import."""
    return {
        "changes": result.changes,
        "summary": result.summary,
        "orphans": result.orphans,
        "warnings": [str(w) for w in result.warnings],
        "errors": [str(e) for e in result.errors],
        "outcome": outcome_line(result, dry_run),
        "preview": change_lines(result, limit=10_000),
        "orphans_line": orphans_line(result.orphans, "--add-devices") if result.orphans else "",
    }


def _entry(db: Path) -> dict[str, Any] | None:
    history = Store(db).history(limit=1)
    if not history:
        return None
    return {k: v for k, v in history[-1].items() if k != "when"}


def _contents(db: Path) -> dict[str, Any]:
    """The database as read whole, the newest journal entry's time left out."""
    data = orjson.loads(db.read_bytes())
    for entry in data.get("journal", {}).values():
        entry.pop("when", None)
    return data


def assert_same_plan(db: Path, files: list[Path], add_devices: bool = False) -> ImportResult:
    """Plan ``files`` both ways (a dry run), then write them both ways into two copies of
    ``db``: what is shown, the journal entry and the database after must be the same."""
    partial = _plan(db, files, partial=True, add_devices=add_devices)
    whole = _plan(db, files, partial=False, add_devices=add_devices)
    assert _seen(partial, True) == _seen(whole, True)
    if partial.errors:
        return partial
    copies = []
    for way in ("partial", "whole"):
        copy = db.with_name(f"{db.stem}-{way}.json")
        shutil.copy(db, copy)
        copies.append(copy)
        result = _plan(copy, files, partial=way == "partial", add_devices=add_devices,
                       dry_run=False)
        if way == "partial":
            written = _seen(result, False)
        else:
            assert _seen(result, False) == written
    assert _entry(copies[0]) == _entry(copies[1])
    assert _contents(copies[0]) == _contents(copies[1])
    for copy in copies:  # the store reads what it wrote, whole
        Store(copy).load()
    return partial


# ------------------------------------------------------------------ source files
CSV_HEADER = ["SERIAL NUMBER / PAK NUMBER", "PRODUCT NUMBER", "CONTRACT NUMBER", "SERVICE LEVEL",
              "BEGIN DATE", "END DATE", "Contract Line Status"]


def _cisco_date(d: date) -> str:
    return d.strftime("%d-%b-%Y")


def write_export(path: Path, rows: list[tuple[str, str, str, str, date, date, str]]) -> Path:
    """A Service Contract Center CSV export: (serial, pid, contract, level, begin, end, status)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(CSV_HEADER)
        for serial, pid, number, level, begin, end, status in rows:
            w.writerow([serial, pid, number, level, _cisco_date(begin), _cisco_date(end), status])
    return path


def write_json(path: Path, data: Any) -> Path:
    path.write_bytes(orjson.dumps(data))
    return path


def new_db(path: Path, devices: list[Device], contracts: list[Contract], eox: list[EoX]) -> Path:
    base = Device("BASE0", pid="C9300-48P")  # the file exists even for an empty draw
    changes = [*map(PutDevice, [base, *devices]), *map(PutContract, contracts), *map(PutEoX, eox)]
    Store(path).apply(changes, "setup")
    raw = path.read_bytes()
    assert layout.split(raw) is not None and raw.count(b"\n") > 4  # laid out by line
    return path


# ------------------------------------------------------------------ the sample estate
@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    db = tmp_path / "sample.json"
    res = import_files(Store(db), [sample_dir() / "estate.json", sample_dir() / "eox.json"])
    assert not res.errors and res.entry is not None
    return db


def test_small_imports_of_the_sample_estate_plan_as_against_the_whole(sample_db: Path, tmp_path: Path):
    data = orjson.loads((sample_dir() / "estate.json").read_bytes())
    eox = orjson.loads((sample_dir() / "eox.json").read_bytes())["eox"]
    stored = Store(sample_db).load()
    shown = []
    for i, dev in enumerate(data["devices"][:40:3]):  # changed, unchanged, new
        changed = {**dev, "hostname": f"renamed-{i}"} if i % 2 else dev
        files = [write_json(tmp_path / f"dev{i}.json",
                            {"devices": [changed, {"serial": f"NEW{i:04d}", "pid": dev.get("pid")}]})]
        shown.append(assert_same_plan(sample_db, files))
    for i, c in enumerate(data["contracts"]):
        # the contract again with its end moved (a data file): its triage is kept
        moved = {**c, "end": "2031-01-31"} if "end" in c else c
        shown.append(assert_same_plan(sample_db, [write_json(tmp_path / f"c{i}.json",
                                                             {"contracts": [moved]})]))
        # its lines as an export spells them (leading zeros dropped), a line added, one orphan
        contract = stored.contracts[c["number"]]
        end = contract.end or TODAY
        rows = [(ln.serial, "C9300-48P", c["number"].lstrip("0") or c["number"], "SNTC-24X7X4",
                 ln.start or date(2025, 1, 1), ln.end or end, "ACTIVE") for ln in contract.lines[:5]]
        rows.append((f"ORPHAN{i}", "C9300-48P", c["number"].lstrip("0"), "SNTC-24X7X4",
                     date(2025, 1, 1), end + timedelta(days=365), "ACTIVE"))
        export = write_export(tmp_path / f"x{i}.csv", rows)
        shown.append(assert_same_plan(sample_db, [export]))
        shown.append(assert_same_plan(sample_db, [export], add_devices=True))
    for i, row in enumerate(eox[:5]):
        files = [write_json(tmp_path / f"e{i}.json", {"eox": [{**row, "end_of_sale": "2020-02-02"}]})]
        shown.append(assert_same_plan(sample_db, files))
    # the plans were not all empty: changes, orphans and digit matches were compared
    assert sum(bool(r.changes) for r in shown) > 20
    assert any(r.orphans for r in shown)
    assert any(r.summary["changed"].get("lines_added") for r in shown)
    # 93425688 matched the stored 0093425688 on its digits: changed, not added
    digits = [r for r in shown if "93425688" in r.parsed.line_sets]
    assert digits and all("contracts_added" not in r.summary["changed"] for r in digits)


# ------------------------------------------------------------------ a generated estate
def test_small_imports_of_a_generated_estate_plan_as_against_the_whole(tmp_path: Path):
    estate = generate(300, 900, seed=11, lines_per_contract=40)
    db = tmp_path / "generated.json"
    res = import_files(Store(db), [write_json(tmp_path / "estate.json", estate)])
    assert not res.errors
    stored = Store(db).load()
    numbers = sorted(stored.contracts)
    for i, number in enumerate(numbers[::7]):
        c = stored.contracts[number]
        rows = [(ln.serial, "C9300-48P", "00" + number, c.service_level or "SNT",
                 ln.start or date(2024, 1, 1), (ln.end or c.end or TODAY) + timedelta(days=365 * (k % 2)),
                 "TERMINATED" if k % 5 == 0 else "ACTIVE") for k, ln in enumerate(c.lines[:12])]
        assert_same_plan(db, [write_export(tmp_path / f"g{i}.csv", rows)])
    for i, dev in enumerate(estate["devices"][::37]):
        assert_same_plan(db, [write_json(tmp_path / f"d{i}.json",
                                         {"devices": [{**dev, "status": "spare"}]})])


# ------------------------------------------------------------------ generated both ways
# A pool of keys both the estates and the imports draw from: the serials of the Cisco API
# fixtures, serials our writer escapes (a quote, a backslash, non-ASCII), contract numbers
# with the same digits spelled with and without leading zeros.
SERIALS = ["FOC1234X0AB", "FDO2144Z2EF", "JAE5566W3GH", "FOC2301A0AA", "FOC2304D0DD", "FOC1933X0FF",
           "FXS1730Q2KL", "FXS1730Q2KM", "S1", "S10", "S1\\X", 'Q"1', "ÉTÉ1", "FOC1"]
NUMBERS = ["555", "0555", "00555", "93425688", "0093425688", "7", "070", "0", "A-1", "A-10"]
PIDS = ["WS-C3850-48P-S", "C9300-48P", "C9300-48P-A", "ISR4451-X/K9", "P\"1"]
DAY = st.dates(date(2023, 1, 1), date(2029, 12, 31))


def _digits(number: str) -> str:
    return number.lstrip("0")


@st.composite
def estates(draw: st.DrawFn) -> tuple[list[Device], list[Contract], list[EoX]]:
    devices = [Device(s, pid=draw(st.sampled_from([None, *PIDS])),
                      hostname=draw(st.sampled_from([None, "h1", "h2"])),
                      status=draw(st.sampled_from(["active", "spare"])))
               for s in draw(st.lists(st.sampled_from(SERIALS), unique=True, max_size=10))]
    contracts = []
    for number in draw(st.lists(st.sampled_from(NUMBERS), unique=True, max_size=6)):
        lines = tuple(
            LineSpec(s, start=draw(DAY), end=draw(st.one_of(st.none(), DAY)),
                     status=draw(st.sampled_from(["active", "terminated"])))
            for s in draw(st.lists(st.sampled_from(SERIALS), unique=True, max_size=5)))
        triage = draw(st.sampled_from([None, Triage("ordered", owner="ana")]))
        contracts.append(Contract(number, service_level=draw(st.sampled_from(["SNTP", "SNT", None])),
                                  end=draw(DAY), lines=lines, triage=triage))
    eox = [EoX(p, end_of_sale=draw(st.one_of(st.none(), DAY)))
           for p in draw(st.lists(st.sampled_from(PIDS), unique=True, max_size=3))]
    return devices, contracts, eox


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@st.composite
def imports(draw: st.DrawFn, tmp: Path) -> tuple[list[Path], bool]:
    """One small import: a data file, a CSV export, SN2INFO answers, a fixture answer."""
    kind = draw(st.sampled_from(["data", "export", "status", "summary", "fixture"]))
    name = f"i{draw(st.integers(0, 10**9))}"
    if kind == "data":
        devices = [{"serial": s, "pid": draw(st.sampled_from(PIDS)),
                    "hostname": draw(st.sampled_from(["h1", "h3"]))}
                   for s in draw(st.lists(st.sampled_from(SERIALS), unique=True, max_size=3))]
        contracts = []
        for number in draw(st.lists(st.sampled_from(NUMBERS), unique_by=_digits, max_size=2)):
            lines = [{"serial": s, "end": _iso(draw(DAY))}
                     for s in draw(st.lists(st.sampled_from(SERIALS), unique=True, max_size=3))]
            contracts.append({"number": number, "service_level": "SNTP", "end": _iso(draw(DAY)),
                              "lines": lines})
        eox = [{"pid": p, "end_of_sale": _iso(draw(DAY))}
               for p in draw(st.lists(st.sampled_from(PIDS), unique=True, max_size=2))]
        files = [write_json(tmp / f"{name}.json", {"devices": devices, "contracts": contracts, "eox": eox})]
    elif kind == "export":
        rows = []
        for number in draw(st.lists(st.sampled_from(NUMBERS), unique_by=_digits, min_size=1, max_size=2)):
            for s in draw(st.lists(st.sampled_from(SERIALS), unique=True, min_size=1, max_size=4)):
                begin = draw(DAY)
                rows.append((s, draw(st.sampled_from(PIDS)), number, draw(st.sampled_from(["SNTC-24X7X4", "SNT"])),
                             begin, begin + timedelta(days=draw(st.integers(1, 1500))),
                             draw(st.sampled_from(["ACTIVE", "TERMINATED"]))))
        files = [write_export(tmp / f"{name}.csv", rows)]
    elif kind == "status":
        answers = [{"sr_no": s, "is_covered": covered,
                    "coverage_end_date": _iso(draw(DAY)) if covered == "YES" else ""}
                   for s in draw(st.lists(st.sampled_from(SERIALS), unique=True, min_size=1, max_size=4))
                   for covered in [draw(st.sampled_from(["YES", "NO"]))]]
        files = [write_json(tmp / f"{name}.json", {"serial_numbers": answers})]
    elif kind == "summary":
        answers = [{"sr_no": s, "is_covered": "YES", "service_contract_number": draw(st.sampled_from(NUMBERS)),
                    "covered_product_line_end_date": _iso(draw(DAY)),
                    "service_line_descr": "SNTC-24X7X4 Catalyst",
                    "orderable_pid_list": [{"orderable_pid": draw(st.sampled_from(PIDS))}]}
                   for s in draw(st.lists(st.sampled_from(SERIALS), unique=True, min_size=1, max_size=3))]
        files = [write_json(tmp / f"{name}.json", {"serial_numbers": answers})]
    else:
        names = draw(st.lists(st.sampled_from(sorted(p.name for p in (FIXTURES / "cisco_api").glob("*.json")
                                                      if p.name != "token.json")),
                              unique=True, min_size=1, max_size=2))
        files = [FIXTURES / "cisco_api" / n for n in names]
    return files, draw(st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estate=estates(), data=st.data())
def test_generated_imports_plan_as_against_the_whole_estate(estate, data):
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        db = new_db(tmp / "db.json", *estate)
        for _ in range(3):
            files, add_devices = data.draw(imports(tmp))
            assert_same_plan(db, files, add_devices)


# ------------------------------------------------------------------ when the whole is read
def test_replace_and_a_file_laid_out_otherwise_plan_against_the_whole_estate(sample_db: Path, tmp_path: Path):
    data = orjson.loads((sample_dir() / "estate.json").read_bytes())
    one = write_json(tmp_path / "one.json", {"devices": [data["devices"][0]]})
    with _whole_estate_refused(), pytest.raises(AssertionError, match="whole estate"):
        import_files(Store(sample_db), [one], replace_all=True, dry_run=True)
    replaced = _plan(sample_db, [one], partial=False, replace_all=True)
    assert replaced.summary["changed"]["devices_removed"] == len(data["devices"]) - 1
    # the same database written by another program (indented JSON: not by line)
    other = tmp_path / "other.json"
    other.write_bytes(orjson.dumps(orjson.loads(sample_db.read_bytes()), option=orjson.OPT_INDENT_2))
    with _whole_estate_refused(), pytest.raises(AssertionError, match="whole estate"):
        import_files(Store(other), [one], dry_run=True)
    assert _seen(_plan(other, [one], partial=False), True) == _seen(_plan(sample_db, [one], partial=True), True)


def test_many_keys_plan_against_the_whole_estate(sample_db: Path, tmp_path: Path):
    devices = [{"serial": f"MANY{i:06d}"} for i in range(planner.PARTIAL_PLAN_MAX_KEYS + 1)]
    src = write_json(tmp_path / "many.json", {"devices": devices})
    with _whole_estate_refused(), pytest.raises(AssertionError, match="whole estate"):
        import_files(Store(sample_db), [src], dry_run=True)


# ------------------------------------------------------------------ error paths: nothing written
@pytest.fixture
def line_db(sample_db: Path) -> Path:
    raw = sample_db.read_bytes()
    assert layout.split(raw) is not None  # the partial path is the one taken
    return sample_db


def test_bad_input_leaves_the_database_byte_identical(line_db: Path, tmp_path: Path, cli):
    before = line_db.read_bytes()
    bad = write_json(tmp_path / "bad.json", {"devices": [{"serial": "FOC1", "status": "sold"}]})
    code, out, err = cli("import", bad, "--db", line_db)
    assert code == 2 and "bad.json" in err and "status" in err and "Traceback" not in err
    assert line_db.read_bytes() == before


def test_a_newer_schema_is_refused_by_a_partial_plan_too(line_db: Path, tmp_path: Path, cli):
    raw = line_db.read_bytes()
    newer = raw.replace(b'"schema":1', b'"schema":99')
    assert newer != raw
    line_db.write_bytes(newer)
    src = write_json(tmp_path / "one.json", {"devices": [{"serial": "FOC1NEW", "hostname": "x"}]})
    for extra in ((), ("--dry-run",)):
        code, out, err = cli("import", src, "--db", line_db, *extra)
        assert code == 2 and "newer smartnet" in err and "Traceback" not in err
        assert line_db.read_bytes() == newer


def test_a_malformed_record_the_import_names_is_refused(line_db: Path, tmp_path: Path, cli):
    data = orjson.loads((sample_dir() / "estate.json").read_bytes())
    number = data["contracts"][0]["number"]
    raw = line_db.read_bytes()
    head = orjson.dumps({"number": number})[1:-1]
    assert 0 < raw.find(head) < raw.find(b'"journal":')  # the stored contract, not its journal
    at = raw.index(b'"lines":[{"serial":', raw.find(head))
    assert at < raw.index(b"}}", raw.find(head))  # its own first line
    broken = raw[:at] + b'"lines":[{"no_serial":' + raw[at + len(b'"lines":[{"serial":'):]
    line_db.write_bytes(broken)
    src = write_export(tmp_path / "x.csv", [("FOC1ZZZ", "C9300-48P", number, "SNTC-24X7X4",
                                             date(2026, 1, 1), date(2027, 1, 1), "ACTIVE")])
    code, out, err = cli("import", src, "--db", line_db)
    assert code == 2 and "malformed" in err and str(line_db) in err and "Traceback" not in err
    assert line_db.read_bytes() == broken


def test_a_read_only_database_and_a_dry_run_write_nothing(line_db: Path, tmp_path: Path, cli):
    before = line_db.read_bytes()
    src = write_json(tmp_path / "one.json", {"devices": [{"serial": "FOC1NEW", "hostname": "x"}]})
    code, out, err = cli("import", src, "--db", line_db, "--dry-run")
    assert code == 0 and "would change: 1 device added" in out
    assert line_db.read_bytes() == before
    os.chmod(line_db, 0o444)
    try:
        code, out, err = cli("import", src, "--db", line_db)
    finally:
        os.chmod(line_db, 0o644)
    assert code == 2 and "read-only" in err
    assert line_db.read_bytes() == before


def test_an_import_the_database_already_holds_writes_nothing(line_db: Path, tmp_path: Path, cli):
    data = orjson.loads((sample_dir() / "estate.json").read_bytes())
    before = line_db.read_bytes()
    src = write_json(tmp_path / "same.json", {"devices": data["devices"][:3],
                                               "contracts": data["contracts"][:1]})
    code, out, err = cli("import", src, "--db", line_db)
    assert code == 0 and "already holds exactly this" in out
    assert line_db.read_bytes() == before
