"""Store.load_records: exactly the records with the keys asked for, as the whole load
builds them, whether the store reads only the lines naming them or holds the file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartnet_tui.domain.changes import PutContract, PutDevice, PutEoX
from smartnet_tui.domain.model import Contract, Device, EoX, Estate, LineSpec
from smartnet_tui.store import Store, StoreError, layout

SERIALS = ["FOC1", "FOC10", "FOC1\\", 'Q"1', "ÉTÉ", "S 1", "A/B", "X"]
NUMBERS = ["555", "0555", "00555", "5550", "0", "", "A-1", "0A-1", '"7']
PIDS = ["C9300-48P", "C9300-48P-A", "P\"1", "WS\\C"]


@pytest.fixture(autouse=True)
def _two_documents_a_line() -> Iterator[None]:
    with mock.patch.object(layout, "DOCS_PER_LINE", 2):
        yield


@st.composite
def stored(draw: st.DrawFn) -> tuple[list[Device], list[Contract], list[EoX]]:
    devices = [Device(s, pid=draw(st.sampled_from(PIDS)))
               for s in draw(st.lists(st.sampled_from(SERIALS), unique=True))]
    contracts = [Contract(n, end=date(2027, 1, 31), lines=tuple(
        LineSpec(s) for s in draw(st.lists(st.sampled_from(SERIALS), unique=True, max_size=3))))
        for n in draw(st.lists(st.sampled_from(NUMBERS), unique=True))]
    eox = [EoX(p) for p in draw(st.lists(st.sampled_from(PIDS), unique=True))]
    return devices, contracts, eox


def expected(whole: Estate, devices: set[str], contracts: set[str], eox: set[str],
             digits: set[str], on_lines: set[str]) -> tuple[dict, dict, dict]:
    return (
        {s: d for s, d in whole.devices.items() if s in devices},
        {n: c for n, c in whole.contracts.items()
         if n in contracts or n.lstrip("0") in digits or any(ln.serial in on_lines for ln in c.lines)},
        {p: e for p, e in whole.eox.items() if p in eox},
    )


keys = st.sets(st.sampled_from(SERIALS + NUMBERS + PIDS + ["FOC", "55", "nothing"]), max_size=5)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=stored(), devices=keys, contracts=keys, eox=keys, digits=keys, on_lines=keys,
       alternation=st.sampled_from([0, 2, 100]))
def test_exactly_the_records_asked_for(data, devices, contracts, eox, digits, on_lines, alternation):
    # alternation: keys searched in one pattern up to this many, else every value collected
    digits = {d.lstrip("0") for d in digits}
    with tempfile.TemporaryDirectory() as tmp, \
            mock.patch.object(layout, "KEYS_BY_ALTERNATION", alternation):
        db = Path(tmp) / "db.json"
        base = Device("BASE0")  # the file exists even for an empty draw
        Store(db).apply([PutDevice(base), *map(PutDevice, data[0]), *map(PutContract, data[1]),
                         *map(PutEoX, data[2])], "setup")
        whole = Store(db).load()
        want = expected(whole, devices, contracts, eox, digits, on_lines)
        fresh = Store(db)
        got = fresh.load_records(devices, contracts, eox, contract_digits=digits,
                                 serials_on_lines=on_lines)
        assert got is not None
        assert (got.devices, got.contracts, got.eox) == want
        assert list(got.contracts) == list(want[1])  # in the file's order, as a whole load
        assert not fresh.holds_documents  # nothing kept: a read of some lines is no copy
        held = Store(db)
        held.load()
        again = held.load_records(devices, contracts, eox, contract_digits=digits,
                                  serials_on_lines=on_lines)
        assert again is not None and (again.devices, again.contracts, again.eox) == want


def test_a_file_not_laid_out_by_line_or_missing_is_none(tmp_path: Path):
    assert Store(tmp_path / "missing.json").load_records(["FOC1"]) is None
    other = tmp_path / "other.json"
    other.write_text('{"devices": {"1": {"serial": "FOC1"}}}', encoding="utf-8")
    assert Store(other).load_records(["FOC1"]) is None


def test_only_the_lines_naming_the_keys_are_parsed(tmp_path: Path):
    db = tmp_path / "db.json"
    Store(db).apply([PutDevice(Device(f"FOC{i}")) for i in range(40)], "setup")
    raw = db.read_bytes()
    # damage a line holding other devices: not read, so not reported here
    damaged = raw.replace(b'{"serial":"FOC30",', b'{"serial":"FOC30" ', 1)
    assert damaged != raw
    db.write_bytes(damaged)
    got = Store(db).load_records(["FOC1", "FOC2"])
    assert got is not None and sorted(got.devices) == ["FOC1", "FOC2"]
    with pytest.raises(StoreError):  # a whole read reports it
        Store(db).load()
