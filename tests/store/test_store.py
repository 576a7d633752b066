"""The TinyDB store: atomic writes, stale temp files, corrupt databases, the journal,
re-reading after another writer, and the default path."""

from __future__ import annotations

import os
import time
from pathlib import Path

import orjson
import pytest
from helpers import D

from smartnet_tui.domain.changes import (
    DeleteContract,
    DeleteDevice,
    PutContract,
    PutDevice,
    PutEoX,
)
from smartnet_tui.domain.model import Contract, Device, EoX, LineSpec
from smartnet_tui.store import storage
from smartnet_tui.store.db import Store, StoreError, default_db_path


def put(serial: str, **kw) -> PutDevice:
    return PutDevice(Device(serial, **kw))


@pytest.fixture
def store(db_path) -> Store:
    s = Store(db_path)
    s.apply([put("A"), put("B", hostname="b")], "seed")
    return s


def temp_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(storage.TMP_PREFIX + "*"))


# -------------------------------------------------------------------- basics
def test_apply_persists_and_reloads(db_path):
    s = Store(db_path)
    c = Contract("C1", "SNTP", D("2026-01-01"), D("2027-01-31"), lines=(LineSpec("A"), LineSpec("B", end=D("2027-06-30"))))
    entry = s.apply([put("A", pid="P"), PutContract(c), PutEoX(EoX("P", last_date_of_support=D("2030-01-01")))], "test")
    assert entry["id"] == 1
    e = Store(db_path).load()
    assert e.devices["A"] == Device("A", pid="P")
    assert e.contracts["C1"] == c
    assert e.eox["P"].last_date_of_support == D("2030-01-01")
    assert [ln.serial for ln in e.lines_for("B")] == ["B"]


def test_a_write_is_valid_json_with_tinydb_tables(store, db_path):
    data = orjson.loads(db_path.read_bytes())
    assert set(data) >= {"devices", "journal"}
    assert {d["serial"] for d in data["devices"].values()} == {"A", "B"}


def test_unchanged_records_write_nothing(store, db_path):
    before = db_path.read_bytes()
    assert store.apply([put("A"), put("B", hostname="b")], "same again") is None
    assert db_path.read_bytes() == before
    assert len(store.history()) == 1


def test_delete(store, db_path):
    entry = store.apply([DeleteDevice("A"), DeleteDevice("NOPE"), DeleteContract("NOPE")], "del")
    assert [(r["table"], r["key"], r["after"]) for r in entry["changes"]] == [("devices", "A", None)]
    assert set(Store(db_path).load().devices) == {"B"}


def test_load_for_serial_holds_only_that_serial(db_path):
    s = Store(db_path)
    c1 = Contract("C1", end=D("2027-01-01"), lines=(LineSpec("A"), LineSpec("B")))
    c2 = Contract("C2", end=D("2027-01-01"), lines=(LineSpec("B"),))
    s.apply([put("A", pid="P"), put("B", pid="Q"), PutContract(c1), PutContract(c2),
             PutEoX(EoX("P")), PutEoX(EoX("Q"))], "seed")
    e = s.load_for_serial("A")
    assert set(e.devices) == {"A"}
    assert set(e.contracts) == {"C1"}
    assert [ln.serial for ln in e.lines_by_contract["C1"]] == ["A"]
    assert set(e.eox) == {"P"}


# -------------------------------------------------------------------- atomic writes
def test_no_temp_file_is_left_after_a_write(store, db_path):
    store.apply([put("C")], "more")
    assert temp_files(db_path.parent) == []


@pytest.mark.parametrize("victim", ["fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_whole(store, db_path, monkeypatch, victim):
    before = db_path.read_bytes()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, victim, boom)
    with pytest.raises(StoreError, match="No space left on device"):
        store.apply([put("C")], "doomed")
    monkeypatch.undo()
    assert db_path.read_bytes() == before
    assert temp_files(db_path.parent) == []
    # the store recovers: it re-reads and the next write works
    assert "C" not in store.load().devices
    assert store.apply([put("C")], "again")["id"] == 2
    assert set(Store(db_path).load().devices) == {"A", "B", "C"}


def test_the_write_goes_through_a_rename(store, db_path, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append((Path(src).name, Path(dst)))
        assert orjson.loads(Path(src).read_bytes())  # complete before it is renamed in
        return real(src, dst)

    monkeypatch.setattr(storage.os, "replace", spy)
    store.apply([put("C")], "spy")
    assert len(seen) == 1 and seen[0][0].startswith(storage.TMP_PREFIX) and seen[0][1] == db_path


def test_the_file_mode_is_kept(store, db_path):
    os.chmod(db_path, 0o640)
    store.apply([put("C")], "mode")
    assert db_path.stat().st_mode & 0o777 == 0o640


# -------------------------------------------------------------------- stale temp files
def test_stale_temp_files_are_cleaned_and_fresh_ones_kept(db_path):
    db_path.parent.mkdir(parents=True)
    stale = db_path.parent / (storage.TMP_PREFIX + "killed")
    fresh = db_path.parent / (storage.TMP_PREFIX + "in-flight")
    other = db_path.parent / "notes.txt"
    for p in (stale, fresh, other):
        p.write_bytes(b"{half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    s = Store(db_path)
    assert not stale.exists()
    assert fresh.exists() and other.exists()
    s.apply([put("A")], "after cleanup")
    assert set(Store(db_path).load().devices) == {"A"}


# -------------------------------------------------------------------- corrupt databases
@pytest.mark.parametrize("content", [b"{not json", b"[1, 2, 3]", b"\x00\xff garbage", b'"a string"'])
def test_corrupt_database_is_a_one_line_store_error(db_path, content):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    s = Store(db_path)
    with pytest.raises(StoreError) as exc:
        s.load()
    msg = str(exc.value)
    assert "\n" not in msg
    assert str(db_path) in msg and "not a smartnet database" in msg
    with pytest.raises(StoreError):
        s.apply([put("A")], "write over it")
    assert db_path.read_bytes() == content  # never overwritten


def test_malformed_record_is_a_store_error(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(orjson.dumps({"devices": {"1": {"hostname": "no serial"}}}))
    with pytest.raises(StoreError, match="malformed"):
        Store(db_path).load()


@pytest.mark.parametrize("content", [None, b"", b"  \n"])
def test_missing_or_empty_database_is_empty(db_path, content):
    if content is not None:
        db_path.parent.mkdir(parents=True)
        db_path.write_bytes(content)
    e = Store(db_path).load()
    assert (e.devices, e.contracts, e.eox) == ({}, {}, {})


def test_a_directory_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match="directory"):
        Store(tmp_path)


def test_corrupt_database_through_the_cli(cli, db_path, tmp_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"{oops")
    src = tmp_path / "ok.yaml"
    src.write_text("devices:\n  - serial: A\n")
    for argv in (["lookup", "A"], ["report"], ["export"], ["history"], ["import", str(src)]):
        code, out, err = cli(*argv, "--db", db_path)
        assert code == 2, argv
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("smartnet: error: ") and "not a smartnet database" in lines[0]
        assert "Traceback" not in err
    code, out, err = cli("check", "--db", db_path)
    assert code == 3 and out.startswith("SMARTNET UNKNOWN - ")
    assert db_path.read_bytes() == b"{oops"


# -------------------------------------------------------------------- journal
def test_journal_entries(store, db_path, monkeypatch):
    monkeypatch.setenv("USER", "carol")
    store.apply([put("A", hostname="a"), put("C")], "edit", {"why": "test"})
    monkeypatch.setenv("SUDO_USER", "root-via-sudo-dave")
    store.apply([DeleteDevice("B")], "delete")
    h = Store(db_path).history()
    assert [e["id"] for e in h] == [1, 2, 3]
    assert [e["who"] for e in h] == ["tester", "carol", "root-via-sudo-dave"]
    assert [e["action"] for e in h] == ["seed", "edit", "delete"]
    assert h[1]["detail"] == {"why": "test"}
    assert h[1]["changes"] == [
        {"table": "devices", "key": "A", "before": {"serial": "A", "status": "active", "criticality": "normal"},
         "after": {"serial": "A", "hostname": "a", "status": "active", "criticality": "normal"}},
        {"table": "devices", "key": "C", "before": None,
         "after": {"serial": "C", "status": "active", "criticality": "normal"}},
    ]
    assert h[2]["changes"][0]["after"] is None and h[2]["changes"][0]["before"]["hostname"] == "b"
    for e in h:
        assert "T" in e["when"]  # an ISO timestamp
    assert Store(db_path).history(limit=2) == h[-2:]


def test_journal_survives_more_than_nine_entries_in_order(db_path):
    s = Store(db_path)
    for i in range(12):
        s.apply([put(f"S{i}")], f"step {i}")
    assert [e["id"] for e in Store(db_path).history()] == list(range(1, 13))
    assert [e["action"] for e in Store(db_path).history(limit=3)] == ["step 9", "step 10", "step 11"]


# -------------------------------------------------------------------- two stores, one file
def test_a_second_store_sees_writes_and_loses_nothing(db_path):
    one, two = Store(db_path), Store(db_path)
    one.apply([put("A")], "one")
    assert set(two.load().devices) == {"A"}
    two.apply([put("B")], "two")
    one.apply([put("C")], "one again")  # one's cached copy is stale: it must re-read
    assert set(Store(db_path).load().devices) == {"A", "B", "C"}
    assert [e["id"] for e in Store(db_path).history()] == [1, 2, 3]
    assert set(one.load().devices) == {"A", "B", "C"}


def test_a_change_made_by_another_store_is_not_undone(db_path):
    one, two = Store(db_path), Store(db_path)
    one.apply([put("A", hostname="old")], "one")
    two.load()
    one.apply([put("A", hostname="new")], "one renames")
    two.apply([put("B")], "two adds")
    assert Store(db_path).load().devices["A"].hostname == "new"


# -------------------------------------------------------------------- default path
def test_default_path_env_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "smartnet" / "smartnet.json"
    monkeypatch.setenv("SMARTNET_DB", str(tmp_path / "env.json"))
    assert default_db_path() == tmp_path / "env.json"
    monkeypatch.delenv("SMARTNET_DB")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_path() == tmp_path / "home" / ".local" / "share" / "smartnet" / "smartnet.json"
