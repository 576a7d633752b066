"""The database file's layout: JSON with a line per few hundred documents, so that
smartnet parses it a line at a time (the screen never freezes for the whole parse), and
any JSON reader reads it whole. Whatever the bytes, the line reader gives exactly what a
whole parse gives, or hands the file to the whole parse (and its error)."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.domain.model import Device
from smartnet_tui.store import layout
from smartnet_tui.store.db import Store
from smartnet_tui.store.layout import dumps_database
from smartnet_tui.store.storage import CorruptDatabase, read_json_file


def sample(devices: int = 1200) -> dict:
    return {
        "devices": {str(i): {"serial": f"FOC{i}", "notes": "a,\n}b", "tags": ["x"]}
                    for i in range(1, devices + 1)},
        "contracts": {},
        "eox": {"1": {"pid": "WS-C1", "extra": {"k": [1, {"a": None}]}}},
        "meta": {"1": {"schema": 1}},
    }


def test_a_store_write_is_laid_out_a_few_hundred_documents_a_line(db_path):
    Store(db_path).apply([PutDevice(Device(f"FOC{i}")) for i in range(1200)], "import")
    text = db_path.read_bytes()
    lines = text.split(b"\n")
    assert len(lines) > 5
    devices = [line for line in lines if b'"changes"' not in line]  # not the journal entry
    assert max(line.count(b'"serial"') for line in devices) == layout.DOCS_PER_LINE
    assert json.loads(text) == orjson.loads(text) == Store(db_path).raw()


def test_the_layout_round_trips_and_is_plain_json(tmp_path):
    data = sample()
    raw = dumps_database(data)
    assert json.loads(raw) == data
    path = tmp_path / "db.json"
    path.write_bytes(raw)
    assert read_json_file(path) == data


@pytest.mark.parametrize("layout", [
    lambda d: json.dumps(d).encode(),
    lambda d: json.dumps(d, indent=2).encode(),
    lambda d: orjson.dumps(d),
    lambda d: b"{\n" + orjson.dumps(d)[1:-1] + b"\n}\n",
])
def test_a_file_laid_out_otherwise_reads_the_same(tmp_path, layout):
    path = tmp_path / "db.json"
    path.write_bytes(layout(sample()))
    assert read_json_file(path) == sample()


def whole(raw: bytes):
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return "error"
    return data if isinstance(data, dict) else "error"


def by_reader(tmp_path, raw: bytes):
    path = tmp_path / "db.json"
    path.write_bytes(raw)
    try:
        return read_json_file(path)
    except CorruptDatabase:
        return "error"


EDITS = st.lists(st.tuples(st.sampled_from(["drop", "dup", "swap", "comma", "uncomma", "cut", "brace"]),
                           st.integers(0, 10_000)), min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(EDITS)
def test_a_damaged_file_reads_as_a_whole_parse_would(tmp_path_factory, edits):
    """Lines dropped, doubled, swapped, commas added or removed, cut short: the reader
    returns what orjson returns for the whole file, or reports it unreadable likewise."""
    lines = dumps_database(sample(devices=1100)).split(b"\n")
    for op, at in edits:
        i = at % len(lines)
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == "comma":
            lines[i] += b","
        elif op == "uncomma":
            lines[i] = lines[i].rstrip(b",")
        elif op == "cut":
            lines[i] = lines[i][: len(lines[i]) // 2]
        elif op == "brace":
            lines.insert(i, b"}")
    raw = b"\n".join(lines)
    tmp = tmp_path_factory.mktemp("damaged")
    assert by_reader(tmp, raw) == whole(raw)


def test_an_edit_keeps_the_lines_of_the_tables_it_does_not_touch(db_path):
    """A store that holds no documents (the app's) reads and rewrites only the tables a
    write touches: the others' lines are written back byte for byte."""
    from helpers import D

    from smartnet_tui.domain.changes import PutContract
    from smartnet_tui.domain.model import Contract, LineSpec

    Store(db_path).apply([PutDevice(Device(f"FOC{i}")) for i in range(600)]
                         + [PutContract(Contract("C1", end=D("2027-01-31"), lines=(LineSpec("FOC1"),)))],
                         "seed")
    before = db_path.read_bytes().split(b"\n")
    store = Store(db_path)
    store.apply([PutDevice(Device("FOC1", hostname="x"))], "edit", expect=[PutDevice(Device("FOC1"))])
    assert not store.holds_documents
    after = db_path.read_bytes().split(b"\n")
    contracts = [line for line in before if b'"number":"C1"' in line and b'"changes"' not in line]
    assert contracts and all(line in after for line in contracts)
    assert Store(db_path).load().devices["FOC1"].hostname == "x"
    assert orjson.loads(db_path.read_bytes()) == Store(db_path).raw()


@pytest.mark.parametrize("serial", ["FOC1", "FOC599", "ORPH1", 'Q"1', "MOD1", "NONE"])
def test_a_lookup_reading_only_the_lines_that_mention_a_serial_finds_what_a_whole_read_does(
        db_path, serial):
    from helpers import D

    from smartnet_tui.domain.changes import PutContract, PutEoX
    from smartnet_tui.domain.model import Contract, EoX, LineSpec

    Store(db_path).apply(
        [PutDevice(Device(f"FOC{i}", pid="WS-C1" if i % 2 else "C9300")) for i in range(600)]
        + [PutDevice(Device('Q"1', pid="WS-C1"))]
        + [PutContract(Contract(f"C{n}", end=D("2027-01-31"),
                                lines=tuple(LineSpec(f"FOC{i}") for i in range(n, 600, 7))
                                + (LineSpec("ORPH1"), LineSpec('Q"1'),
                                   LineSpec("FOC5", extra={"modules": [{"serial": "MOD1"}]}))))
           for n in range(30)]
        + [PutEoX(EoX("WS-C1", last_date_of_support=D("2030-01-31")))],
        "seed")
    held = Store(db_path)
    held.raw()
    whole = held.load_for_serial(serial)
    fresh = Store(db_path)
    part = fresh.load_for_serial(serial)
    assert not fresh.holds_documents
    assert (part.devices, part.contracts, part.eox) == (whole.devices, whole.contracts, whole.eox)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["put", "new", "delete", "contract"]), st.integers(0, 1200)),
                min_size=1, max_size=12))
def test_a_write_reading_only_its_lines_stores_what_a_whole_write_does(tmp_path_factory, ops):
    """The same edits through a store that holds nothing (reads only the lines of the
    records it writes) and through one that holds the whole database: same tables."""
    from helpers import D

    from smartnet_tui.domain.changes import DeleteDevice, PutContract
    from smartnet_tui.domain.model import Contract, LineSpec

    tmp = tmp_path_factory.mktemp("twins")
    seed = [PutDevice(Device(f"FOC{i}")) for i in range(1000)] + [
        PutContract(Contract(f"C{n}", end=D("2027-01-31"), lines=(LineSpec(f"FOC{n}"),))) for n in range(40)]
    paths = [tmp / "part.json", tmp / "whole.json"]
    for p in paths:
        Store(p).apply(seed, "seed")
    held = Store(paths[1])
    for op, n in ops:
        change = {
            "put": PutDevice(Device(f"FOC{n % 1000}", hostname=f"h{n}")),
            "new": PutDevice(Device(f"NEW{n}")),
            "delete": DeleteDevice(f"FOC{n % 1000}"),
            "contract": PutContract(Contract(f"C{n % 50}", end=D("2028-01-31"), lines=(LineSpec("FOC1"),))),
        }[op]
        released = Store(paths[0])
        released.apply([change], "edit")
        assert not released.holds_documents
        held.apply([change], "edit")
    part, whole = (orjson.loads(p.read_bytes()) for p in paths)
    for table in ("devices", "contracts", "eox"):
        assert part.get(table) == whole.get(table)
    assert [e["changes"] for e in part["journal"].values()] == [e["changes"] for e in whole["journal"].values()]
