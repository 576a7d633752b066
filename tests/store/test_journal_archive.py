"""The journal stays bounded: the database keeps the newest entries (at most
``archive.KEEP_ENTRIES``, none older than ``archive.KEEP_DAYS`` days), older ones move to
``<database>.archive``, and ``smartnet history --all`` still shows every entry."""

from __future__ import annotations

from datetime import datetime, timedelta

import orjson
import pytest

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.domain.model import Device
from smartnet_tui.store import archive
from smartnet_tui.store.db import Store, StoreError


@pytest.fixture
def keep_five(monkeypatch):
    monkeypatch.setattr(archive, "KEEP_ENTRIES", 5)


def edit(store: Store, n: int) -> None:
    store.apply([PutDevice(Device("FOC1", hostname=f"h{n}"))], f"edit {n}")


def journal_ids(path) -> list[int]:
    return sorted(map(int, orjson.loads(path.read_bytes())["journal"]))


def test_the_database_keeps_the_newest_entries_and_the_archive_the_rest(db_path, keep_five, cli):
    store = Store(db_path)
    for n in range(1, 13):
        edit(store, n)
    assert journal_ids(db_path) == [8, 9, 10, 11, 12]
    assert archive.archive_path(db_path).exists()
    assert [e["id"] for e in store.history()] == [8, 9, 10, 11, 12]
    assert [e["id"] for e in Store(db_path).history(include_archive=True)] == list(range(1, 13))
    code, out, _ = cli("history", "--db", db_path, "-n", "0")
    assert code == 0 and "edit 8" in out and "edit 7" not in out
    code, out, _ = cli("history", "--db", db_path, "-n", "0", "--all")
    assert code == 0 and all(f"edit {n}\n" in out for n in range(1, 13))
    assert out.index("#1 ") < out.index("#12 ")
    code, out, _ = cli("history", "--db", db_path, "--all", "--json")
    assert [e["id"] for e in orjson.loads(out)][-1] == 12


def test_ids_keep_counting_and_the_size_stays_flat(db_path, keep_five):
    store = Store(db_path)
    for n in range(1, 8):
        edit(store, n)
    size = db_path.stat().st_size
    for n in range(8, 60):
        edit(store, n)
    assert journal_ids(db_path) == [55, 56, 57, 58, 59]
    assert db_path.stat().st_size < size * 1.05


def test_old_entries_move_even_below_the_count(db_path):
    store = Store(db_path)
    for n in range(1, 5):
        edit(store, n)
    data = orjson.loads(db_path.read_bytes())
    long_ago = (datetime.now().astimezone() - timedelta(days=archive.KEEP_DAYS + 5)).isoformat()
    for key in ("1", "2", "3"):
        data["journal"][key]["when"] = long_ago
    db_path.write_bytes(orjson.dumps(data))
    edit(Store(db_path), 5)
    assert journal_ids(db_path) == [4, 5]
    assert [e["id"] for e in Store(db_path).history(include_archive=True)] == [1, 2, 3, 4, 5]


def test_the_newest_entry_always_stays(db_path):
    store = Store(db_path)
    edit(store, 1)
    data = orjson.loads(db_path.read_bytes())
    data["journal"]["1"]["when"] = "2001-01-01T00:00:00+00:00"
    db_path.write_bytes(orjson.dumps(data))
    # nothing else written: the old newest entry stays until a newer one exists
    assert [e["id"] for e in Store(db_path).history()] == [1]
    edit(Store(db_path), 2)
    assert journal_ids(db_path) == [2]


def test_another_store_still_follows_across_the_move(db_path, keep_five):
    mine, theirs = Store(db_path), Store(db_path)
    edit(mine, 1)
    since = theirs.last_journal_id()
    for n in range(2, 5):
        edit(mine, n)
    changes, last = theirs.changes_since(since)
    assert last == 4 and len(changes) == 3


def test_a_write_killed_after_the_archive_append_loses_and_repeats_nothing(db_path, keep_five, monkeypatch):
    store = Store(db_path)
    for n in range(1, 7):
        edit(store, n)  # entry 1 archived
    real = store.db.storage.write

    def killed(data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.db.storage, "write", killed)
    with pytest.raises(StoreError):
        edit(store, 7)  # entry 2 appended to the archive, then the rename never happens
    monkeypatch.setattr(store.db.storage, "write", real)
    assert journal_ids(db_path) == [2, 3, 4, 5, 6]
    entries = Store(db_path).history(include_archive=True)
    assert [e["id"] for e in entries] == [1, 2, 3, 4, 5, 6]
    edit(Store(db_path), 7)
    entries = Store(db_path).history(include_archive=True)
    assert [(e["id"], e["action"]) for e in entries] == [(n, f"edit {n}") for n in range(1, 8)]


def test_a_torn_archive_line_is_skipped_and_the_next_entries_still_read(db_path, keep_five):
    store = Store(db_path)
    for n in range(1, 7):
        edit(store, n)
    path = archive.archive_path(db_path)
    with path.open("ab") as fh:
        fh.write(b'{"id": 99, "who": "kil')  # a writer killed mid-append
    for n in range(7, 9):
        edit(store, n)
    assert [e["id"] for e in Store(db_path).history(include_archive=True)] == list(range(1, 9))


def test_the_archive_follows_a_symlinked_database(tmp_path, keep_five):
    target = tmp_path / "shared" / "db.json"
    target.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(target)
    store = Store(link)
    for n in range(1, 8):
        edit(store, n)
    assert (tmp_path / "shared" / "db.json.archive").exists()
    assert not (tmp_path / "link.json.archive").exists()


def test_an_imports_records_are_kept_whole_in_the_archive_only(db_path, monkeypatch, cli):
    monkeypatch.setattr(archive, "RECORDS_IN_DATABASE", 3)
    follower = Store(db_path)
    edit(Store(db_path), 1)
    since = follower.last_journal_id()
    big = Store(db_path).apply([PutDevice(Device(f"FOC{n}")) for n in range(2, 7)], "import")
    assert big is not None and len(big["changes"]) == 5  # the caller gets the whole entry
    stored = orjson.loads(db_path.read_bytes())["journal"]["2"]
    assert stored["changes"] == [] and stored["archived_changes"] == 5
    assert follower.changes_since(since) is None  # its records are not replayed: reload
    assert set(Store(db_path).load().devices) == {"FOC1", "FOC2", "FOC3", "FOC4", "FOC5", "FOC6"}
    (whole,) = [e for e in Store(db_path).history(include_archive=True) if e["id"] == 2]
    assert len(whole["changes"]) == 5
    code, out, _ = cli("history", "--db", db_path)
    assert code == 0 and "5 records kept in the archive" in out
    code, out, _ = cli("history", "--db", db_path, "--all")
    assert code == 0 and "5 devices added" in out


def test_an_imports_whole_entry_survives_its_move_to_the_archive(db_path, monkeypatch, keep_five):
    monkeypatch.setattr(archive, "RECORDS_IN_DATABASE", 3)
    Store(db_path).apply([PutDevice(Device(f"FOC{n}")) for n in range(2, 7)], "import")
    store = Store(db_path)
    for n in range(1, 10):
        edit(store, n)  # the import's short entry moves to the archive after its whole one
    assert 1 not in journal_ids(db_path)
    (whole,) = [e for e in Store(db_path).history(include_archive=True) if e["id"] == 1]
    assert len(whole["changes"]) == 5
