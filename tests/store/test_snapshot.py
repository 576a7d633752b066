"""The alerts snapshot beside the database: read back only while it is exactly what the
engine computed for this file and this policy; anything else is no snapshot, never an error."""

from __future__ import annotations

import os
import stat
from datetime import date, timedelta
from decimal import Decimal

import orjson
import pytest
from tui.conftest import TODAY, make_db

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Device
from smartnet_tui.domain.snapshot import Snapshot
from smartnet_tui.store import snapshot
from smartnet_tui.store.db import Store
from smartnet_tui.store.storage import SNAPSHOT_TMP_PREFIX, clean_own_temp_files, clean_stale_temp_files

POLICY = Policy(TODAY)


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path)


def analysed(db) -> Snapshot:
    store = Store(db)
    try:
        return Snapshot.of(Analysis(store.load(), POLICY))
    finally:
        store.close()


def test_a_snapshot_reads_back_equal_to_what_the_engine_computed(db):
    snap = analysed(db)
    assert snap.alerts and snap.summary.alerts == len(snap.alerts)
    assert any(snap.summary.cost_at_stake.values())  # money survives as exact Decimals
    key = snapshot.key(db, POLICY)
    assert key is not None
    assert snapshot.write(db, key, snap)
    back = snapshot.read(db, key)
    assert back == snap
    assert all(isinstance(v, Decimal) for v in back.summary.cost_at_stake.values())


@pytest.mark.parametrize("change", [
    "another day", "other windows", "a write to the database", "the file edited in place",
])
def test_a_snapshot_of_another_file_or_policy_is_not_read(db, change):
    key = snapshot.key(db, POLICY)
    assert snapshot.write(db, key, analysed(db))
    policy = POLICY
    if change == "another day":
        policy = Policy(TODAY + timedelta(days=1))
    elif change == "other windows":
        policy = Policy(TODAY, due_days=30)
    elif change == "a write to the database":
        store = Store(db)
        store.apply([PutDevice(Device("NEW0001", "C9200-24P"))], "test")
        store.close()
    else:  # same size, same content length, mtime put back: the change time still moves
        st = os.stat(db)
        data = db.read_bytes()
        db.write_bytes(data.replace(b"core-sw-01", b"core-sw-02"))
        os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert snapshot.read(db, snapshot.key(db, policy)) is None


def damaged(good: bytes) -> list[bytes]:
    header, body, _ = good.split(b"\n")
    doc = orjson.loads(body)
    out = [b"", b"not json\n", header + b"\n", header + b"\n" + body[: len(body) // 2],
           b"x" * 10_000 + b"\n" + body]
    def variant(fn) -> bytes:
        d = orjson.loads(body)
        fn(d)
        return header + b"\n" + orjson.dumps(d) + b"\n"
    out.append(variant(lambda d: d["alerts"][0].__setitem__(1, "catastrophic")))  # severity
    out.append(variant(lambda d: d["alerts"][0].__setitem__(5, "12")))  # days as text
    out.append(variant(lambda d: d["alerts"][0].__setitem__(0, "lapsed\x1b[2J")))  # a kind
    out.append(variant(lambda d: d["alerts"][0].__setitem__(0, "")))
    out.append(variant(lambda d: d["alerts"][0].pop()))  # a short row
    out.append(variant(lambda d: d["alerts"].pop()))  # the count no longer matches
    out.append(variant(lambda d: d["summary"]["cost_at_stake"].append(["EUR", "NaN"])))
    out.append(variant(lambda d: d["summary"].__setitem__("due", -1)))
    out.append(variant(lambda d: d.__setitem__("alerts", {})))
    assert doc["alerts"]
    return out


def test_a_torn_or_tampered_snapshot_is_no_snapshot(db):
    key = snapshot.key(db, POLICY)
    assert snapshot.write(db, key, analysed(db))
    path = snapshot.snapshot_path(db)
    good = path.read_bytes()
    for bad in damaged(good):
        path.write_bytes(bad)
        assert snapshot.read(db, key) is None, bad[:80]
    path.write_bytes(good)
    assert snapshot.read(db, key) is not None  # the same key reads the good one again


def test_no_file_no_snapshot(tmp_path):
    assert snapshot.key(tmp_path / "none.json", POLICY) is None
    assert snapshot.read(tmp_path / "none.json", "k") is None


def test_the_snapshot_takes_the_database_mode_and_unwritable_is_silent(db, monkeypatch):
    os.chmod(db, 0o640)
    key = snapshot.key(db, POLICY)
    snap = analysed(db)
    assert snapshot.write(db, key, snap)
    assert stat.S_IMODE(os.stat(snapshot.snapshot_path(db)).st_mode) == 0o640
    before = snapshot.snapshot_path(db).read_bytes()

    monkeypatch.setattr(snapshot.os, "fdopen", lambda fd, mode: _Failing(fd))
    assert snapshot.write(db, key, snap) is False
    assert snapshot.snapshot_path(db).read_bytes() == before  # the old one stays whole
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".smartnet")] == []


class _Failing:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> int:
        raise OSError(28, "No space left on device")


def test_its_temp_files_are_not_the_databases_and_stale_ones_go(db):
    stray = db.parent / f"{SNAPSHOT_TMP_PREFIX}{db.name}.snapshot.abc"
    stray.write_bytes(b"half")
    assert clean_own_temp_files(db) == 0  # a writer's clean-up never takes a snapshot's
    old = os.stat(stray).st_mtime - 3600
    os.utime(stray, (old, old))
    clean_stale_temp_files(db.parent)
    assert not stray.exists()


def test_the_key_counts_nothing_but_the_file_the_policy_and_the_code(db):
    assert snapshot.key(db, POLICY) == snapshot.key(db, Policy(date(2026, 12, 1)))
    assert snapshot.key(db, POLICY) != snapshot.key(db, Policy(TODAY, review_days=90))


def test_a_fifo_or_an_oversized_file_in_its_place_is_no_snapshot(db, monkeypatch):
    key = snapshot.key(db, POLICY)
    path = snapshot.snapshot_path(db)
    os.mkfifo(path)  # a read would block for ever (the app's load waited behind it)
    assert snapshot.read(db, key) is None
    path.unlink()
    assert snapshot.write(db, key, analysed(db))
    monkeypatch.setattr(snapshot, "MAX_BYTES", 100)
    assert snapshot.read(db, key) is None
