"""Fuzzing the importers (issue 11): random and mutated YAML, JSON, CSV, XLSX and Cisco
API JSON documents, imported through the CLI. Never a traceback or an internal error:
exit 0, or exit 2 with one-line errors and the database byte-identical.

Example counts stay small in the normal run (derandomized, so a run is repeatable);
``SMARTNET_LONG_TESTS=1`` runs many more, randomly. Each property prints how many inputs
it tried (run with ``-s`` to see the figures quoted in docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from smartnet_tui.cli import main

LONG = os.environ.get("SMARTNET_LONG_TESTS") == "1"
FUZZ = settings(
    max_examples=2000 if LONG else 40,
    derandomize=not LONG,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_YAML = """\
devices:
  - {serial: FOC2301A0AA, pid: C9300-48P, hostname: core-1, site: LON}
  - {serial: FOC2304D0DD, pid: C9300-48P, hostname: core-2, site: LON}
contracts:
  - number: "93425688"
    service_level: SNTC-24X7X4
    lines:
      - {serial: FOC2301A0AA, start: 2026-02-01, end: 2027-01-31}
      - {serial: FOC2304D0DD, start: 2026-02-01, end: 2027-01-31}
eox:
  - {pid: C9300-48P, end_of_sale: 2028-10-30, last_date_of_support: 2033-10-31}
"""
SEED_CSV = (FIXTURES / "exports" / "cscc_lines.csv").read_bytes()
SEED_SN2INFO = (FIXTURES / "exports" / "sn2info.json").read_bytes()
SEED_EOX = (FIXTURES / "exports" / "eox.json").read_bytes()
SEED_XLSX = (FIXTURES / "exports" / "installed_base.xlsx").read_bytes()
TRIED: dict[str, int] = {}


class Sandbox:
    """A seeded database reused across examples: restored after an import that wrote."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="smartnet-fuzz-"))
        self.db = self.dir / "db.json"
        seed = self.dir / "seed.yaml"
        seed.write_text(SEED_YAML)
        code, _, err = self.run(seed)
        assert code == 0, err
        self.seeded = self.db.read_bytes()

    def run(self, path: Path) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--db", str(self.db), "--today", "2026-11-01", "import", str(path)])
        return code, out.getvalue(), err.getvalue()

    def check(self, name: str, data: bytes, kind: str) -> None:
        TRIED[kind] = TRIED.get(kind, 0) + 1
        path = self.dir / name
        path.write_bytes(data)
        code, out, err = self.run(path)
        assert "Traceback" not in err + out and "internal error" not in err, err
        assert code in (0, 2), (code, err)
        if code == 2:
            for line in err.splitlines():
                assert line.startswith("smartnet: "), line  # one line per problem
            assert self.db.read_bytes() == self.seeded, "database changed by a refused import"
        elif self.db.read_bytes() != self.seeded:
            self.db.write_bytes(self.seeded)


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\nfuzz inputs tried: {TRIED}")


# ------------------------------------------------------------------ mutations
@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few random byte edits: flips, inserts, deletions, repeats, a cut."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "cut", "special"]))
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 64))]
        elif op == "repeat":
            data[i:i] = data[i:i + draw(st.integers(1, 200))]
        elif op == "cut":
            del data[i:]
        else:
            data[i:i] = draw(st.sampled_from([b"\x00", b"\x1b[2J", b"\xef\xbb\xbf", b"\xff\xfe", b'"',
                                              b"&a [*a]", b"*a", b"<<: ", b"\n- ", b"{", b"=1+1",
                                              b"\xe2\x80\xae", b"\xc3", b"9" * 40, b"\r"]))
    return bytes(data)


TEXT = st.text(st.characters(codec="utf-8"), max_size=20)
SCALAR = st.one_of(TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
                   st.sampled_from(["2026-13-45", "31/02/2026", "0093425688", "NO", "15.10", "-1",
                                    "1e999", "USD 12,00", "\u202eFOC", "FOC\u200b1"]))
FIELDS = ["serial", "pid", "hostname", "site", "status", "criticality", "tags", "notes", "number",
          "service_level", "start", "end", "lines", "serials", "annual_cost", "currency", "triage",
          "end_of_sale", "last_date_of_support", "x"]
RECORD = st.dictionaries(st.sampled_from(FIELDS), st.one_of(SCALAR, st.lists(SCALAR, max_size=3),
                                                           st.dictionaries(st.sampled_from(FIELDS),
                                                                           SCALAR, max_size=3)),
                         max_size=8)
DOCUMENT = st.dictionaries(st.sampled_from(["devices", "contracts", "eox", "other"]),
                           st.one_of(st.lists(RECORD, max_size=4), SCALAR), max_size=3)
JSONISH = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(TEXT, inner, max_size=4)),
                       max_leaves=20)


# ------------------------------------------------------------------ YAML and JSON
@FUZZ
@given(doc=DOCUMENT)
def test_random_data_documents_as_json(sandbox, doc):
    sandbox.check("data.json", json.dumps(doc, default=str).encode(), "json (random)")


@FUZZ
@given(doc=DOCUMENT)
def test_random_data_documents_as_yaml(sandbox, doc):
    import yaml

    sandbox.check("data.yaml", yaml.safe_dump(doc, allow_unicode=True).encode(), "yaml (random)")


@FUZZ
@given(data=mutated(SEED_YAML.encode()))
def test_mutated_yaml(sandbox, data):
    sandbox.check("data.yaml", data, "yaml (mutated)")


@FUZZ
@given(data=mutated(json.dumps(__import__("yaml").safe_load(SEED_YAML), default=str).encode()))
def test_mutated_json(sandbox, data):
    sandbox.check("data.json", data, "json (mutated)")


@FUZZ
@given(doc=JSONISH)
def test_any_json_value(sandbox, doc):
    sandbox.check("any.json", json.dumps(doc).encode(), "json (any value)")


# ------------------------------------------------------------------ Cisco API answers
@FUZZ
@given(data=mutated(SEED_SN2INFO))
def test_mutated_sn2info_answers(sandbox, data):
    sandbox.check("sn2info.json", data, "cisco sn2info (mutated)")


@FUZZ
@given(data=mutated(SEED_EOX))
def test_mutated_eox_answers(sandbox, data):
    sandbox.check("eox.json", data, "cisco eox (mutated)")


@FUZZ
@given(values=st.dictionaries(st.sampled_from(["sr_no", "service_contract_number", "is_covered",
                                                "covered_product_line_end_date", "parent_sr_no",
                                                "service_line_descr", "base_pid_list"]),
                              st.one_of(SCALAR, st.lists(SCALAR, max_size=2)), max_size=5))
def test_sn2info_records_with_random_values(sandbox, values):
    doc = json.loads(SEED_SN2INFO)
    doc["serial_numbers"][0].update(values)
    sandbox.check("sn2info.json", json.dumps(doc, default=str).encode(), "cisco sn2info (random values)")


# ------------------------------------------------------------------ CSV
CELL = st.one_of(TEXT, st.sampled_from(["", "FOC2301A0AA", "0093425688", "31-JAN-2027", "ACTIVE",
                                        "SNTC-24X7X4", '"', ";", ",", "\t", "\x00", "\x1b", "=cmd"]))


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=6), max_size=8),
       header=st.lists(st.sampled_from(["Serial Number", "Contract Number", "End Date", "Begin Date",
                                        "Product ID", "Site", "Service Level", "Status", "Hostname",
                                        "Notes", "x"]), min_size=1, max_size=6),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),
       delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_random_csv_tables(sandbox, rows, header, encoding, delimiter):
    buf = io.StringIO()
    import csv

    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode(encoding, errors="replace")
    sandbox.check("table.csv", data, "csv (random)")


@FUZZ
@given(data=mutated(SEED_CSV))
def test_mutated_csv_export(sandbox, data):
    sandbox.check("lines.csv", data, "csv (mutated)")


# ------------------------------------------------------------------ XLSX
@FUZZ
@given(data=mutated(SEED_XLSX))
def test_mutated_xlsx_bytes(sandbox, data):
    sandbox.check("base.xlsx", data, "xlsx (mutated bytes)")


@FUZZ
@given(rows=st.lists(st.lists(st.one_of(CELL, st.integers(-10**6, 10**6), st.floats(allow_nan=False,
                                                                                    allow_infinity=False),
                                        st.dates(), st.none()), max_size=6), max_size=8))
def test_random_xlsx_sheets(sandbox, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["Serial Number", "Contract Number", "Covered Line End Date", "Product ID"])
    try:
        for r in rows:
            ws.append(r)
    except Exception:  # noqa: BLE001 - openpyxl refuses some control characters: a cell it would not write
        return
    buf = io.BytesIO()
    wb.save(buf)
    sandbox.check("sheet.xlsx", buf.getvalue(), "xlsx (random sheets)")


@FUZZ
@given(data=st.data())
def test_xlsx_with_a_mutated_sheet_xml(sandbox, data):
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(SEED_XLSX))
    member = data.draw(st.sampled_from([n for n in src.namelist() if n.endswith(".xml")]))
    body = data.draw(mutated(src.read(member)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, body if info.filename == member else src.read(info.filename))
    sandbox.check("base.xlsx", out.getvalue(), "xlsx (mutated xml)")
