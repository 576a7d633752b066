"""The database file (issue 11): symlinks followed, non-regular and read-only files
refused, the umask respected and a shared file's mode and group kept, a newer schema
refused and never rewritten, a killed writer's temp files cleaned at the next open; and
``-o`` outputs atomic and never the database."""

from __future__ import annotations

import os
import stat

import orjson
import pytest

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.domain.model import Device
from smartnet_tui.store import storage
from smartnet_tui.store.db import SCHEMA_VERSION, Store, StoreError


def put(serial: str, **kw) -> PutDevice:
    return PutDevice(Device(serial, **kw))


@pytest.fixture
def umask002():
    old = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(old)


# ------------------------------------------------------------------ symlinks
def test_a_symlinked_database_is_written_through_the_link(tmp_path):
    real_dir = tmp_path / "shared"
    real_dir.mkdir()
    target = real_dir / "smartnet.json"
    Store(target).apply([put("A")], "seed")
    link = tmp_path / "home" / "smartnet.json"
    link.parent.mkdir()
    link.symlink_to(target)
    s = Store(link)
    s.apply([put("B")], "through the link")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert set(Store(target).load().devices) == {"A", "B"}
    assert (real_dir / "smartnet.json.lock").exists()
    assert not (link.parent / "smartnet.json.lock").exists()


def test_a_dangling_symlink_creates_its_target(tmp_path):
    target = tmp_path / "data" / "smartnet.json"
    target.parent.mkdir()
    link = tmp_path / "smartnet.json"
    link.symlink_to(target)
    Store(link).apply([put("A")], "new")
    assert link.is_symlink() and set(Store(target).load().devices) == {"A"}


# ------------------------------------------------------------------ not a regular file
@pytest.mark.timeout(10)
def test_a_fifo_is_refused_without_hanging(tmp_path, cli):
    fifo = tmp_path / "db.json"
    os.mkfifo(fifo)
    with pytest.raises(StoreError, match="is a FIFO"):
        Store(fifo)
    code, out, err = cli("--db", fifo, "lookup", "X")
    assert code == 2 and "is a FIFO (named pipe), not a database file" in err
    assert len(err.strip().splitlines()) == 1 and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_character_device_is_refused_not_replaced(cli, tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("devices:\n  - serial: A\n")
    code, out, err = cli("--db", "/dev/null", "import", src)
    assert code == 2 and "is a character device, not a database file" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


# ------------------------------------------------------------------ permissions
def test_a_read_only_database_is_refused_not_replaced(tmp_path):
    db = tmp_path / "db.json"
    Store(db).apply([put("A")], "seed")
    os.chmod(db, 0o444)
    before, ino = db.read_bytes(), db.stat().st_ino
    s = Store(db)
    assert set(s.load().devices) == {"A"}  # reading is fine
    with pytest.raises(StoreError, match="read-only"):
        s.apply([put("B")], "write")
    assert db.read_bytes() == before and db.stat().st_ino == ino
    assert stat.S_IMODE(db.stat().st_mode) == 0o444


def test_new_files_respect_the_umask(tmp_path, umask002):
    db = tmp_path / "new" / "db.json"
    s = Store(db)
    s.apply([put("A")], "create")
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in db.parent.iterdir()}
    assert modes == {"db.json": 0o664, "db.json.lock": 0o664}


def test_a_write_keeps_the_mode_and_group_of_a_shared_database(tmp_path, umask002):
    db = tmp_path / "db.json"
    Store(db).apply([put("A")], "seed")
    os.chmod(db, 0o660)
    # another group than the one a new file gets (root may pick any)
    groups = [4242] if os.getuid() == 0 else [g for g in os.getgroups() if g != db.stat().st_gid]
    if not groups:
        pytest.skip("needs membership of a second group")
    os.chown(db, -1, groups[0])
    Store(db).apply([put("B")], "second")
    assert stat.S_IMODE(db.stat().st_mode) == 0o660
    assert db.stat().st_gid == groups[0]


# ------------------------------------------------------------------ schema
def test_a_newer_schema_is_refused_and_never_rewritten(tmp_path, cli):
    db = tmp_path / "db.json"
    Store(db).apply([put("A")], "seed")
    data = orjson.loads(db.read_bytes())
    data["meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    data["devices"]["1"]["future_field"] = "kept"
    db.write_bytes(orjson.dumps(data))
    before = db.read_bytes()
    with pytest.raises(StoreError, match="newer smartnet"):
        Store(db).load()
    with pytest.raises(StoreError, match="newer smartnet"):
        Store(db).apply([put("B")], "write")
    src = tmp_path / "b.yaml"
    src.write_text("devices:\n  - serial: B\n")
    code, _, err = cli("--db", db, "import", src)
    assert code == 2 and f"database schema {SCHEMA_VERSION + 1}" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_every_write_records_the_schema(tmp_path):
    db = tmp_path / "db.json"
    Store(db).apply([put("A")], "seed")
    assert orjson.loads(db.read_bytes())["meta"]["1"] == {"schema": SCHEMA_VERSION}


# ------------------------------------------------------------------ temp files
def test_a_killed_writers_temp_file_is_removed_at_the_next_open(tmp_path):
    db = tmp_path / "db.json"
    Store(db).apply([put("A")], "seed")
    left = db.parent / (storage.temp_prefix(db) + "killed")
    left.write_bytes(b'{"half')
    Store(db)
    assert not left.exists()


def test_a_temp_file_in_flight_is_kept_while_the_lock_is_held(tmp_path):
    db = tmp_path / "db.json"
    writer = Store(db)
    writer.apply([put("A")], "seed")
    flight = db.parent / (storage.temp_prefix(db) + "in-flight")
    with writer.lock:
        flight.write_bytes(b"{")
        Store(db)  # another process opening now must not remove it
        assert flight.exists()
    writer.apply([put("B")], "next write cleans it")
    assert not flight.exists()


# ------------------------------------------------------------------ outputs
@pytest.fixture
def seeded_db(tmp_path):
    db = tmp_path / "db.json"
    Store(db).apply([put("A", hostname="alpha")], "seed")
    return db


@pytest.mark.parametrize("command", [["export"], ["export", "--json"], ["report"]])
def test_an_output_onto_the_database_is_refused(tmp_path, cli, seeded_db, command):
    before = seeded_db.read_bytes()
    link = tmp_path / "link.json"
    link.symlink_to(seeded_db)
    for target in (seeded_db, link, tmp_path / "." / "db.json"):
        code, out, err = cli("--db", seeded_db, *command, "-o", target)
        assert code == 2, err
        assert err.count("\n") == 1 and "is the database" in err
        assert seeded_db.read_bytes() == before


def test_an_output_is_written_whole_through_a_rename(tmp_path, cli, seeded_db, monkeypatch):
    out_file = tmp_path / "export.yaml"
    out_file.write_text("previous\n")
    os.chmod(out_file, 0o640)
    renamed = []
    real = os.replace

    def spy(src, dst):
        renamed.append(os.path.basename(src))
        return real(src, dst)

    monkeypatch.setattr(storage.os, "replace", spy)
    code, _, err = cli("--db", seeded_db, "export", "-o", out_file)
    assert code == 0, err
    assert "serial: A" in out_file.read_text()
    assert renamed and renamed[0].startswith(".smartnet-out-")
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o640


def test_a_failed_output_leaves_the_previous_file(tmp_path, cli, seeded_db, monkeypatch):
    out_file = tmp_path / "export.yaml"
    out_file.write_text("previous\n")

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", full)
    code, _, err = cli("--db", seeded_db, "export", "-o", out_file)
    assert code == 2 and "No space left on device" in err
    assert out_file.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".smartnet-out-")] == []


def test_dash_is_stdout(cli, seeded_db, tmp_path):
    code, out, _ = cli("--db", seeded_db, "export", "-o", "-")
    assert code == 0 and "serial: A" in out
    assert not (tmp_path / "-").exists()


# ------------------------------------------------------------------ malformed contents
@pytest.mark.parametrize("mangle,command", [
    (lambda d: d.update(journal={"x": {}}), ["history"]),
    (lambda d: d.update(journal={"1": "not an entry"}), ["history"]),
    (lambda d: d.update(devices=["not", "a", "table"]), ["export"]),
    (lambda d: d.update(devices={"1": {"no": "serial"}}), ["report"]),
    (lambda d: d["meta"]["1"].update(schema="two"), ["export"]),
])
def test_a_malformed_database_is_one_line_never_a_traceback(tmp_path, cli, mangle, command):
    db = tmp_path / "db.json"
    Store(db).apply([put("A")], "seed")
    data = orjson.loads(db.read_bytes())
    mangle(data)
    db.write_bytes(orjson.dumps(data))
    before = db.read_bytes()
    code, out, err = cli("--db", db, *command)
    assert code == 2, (out, err)
    assert err.startswith("smartnet: error: ") and err.count("\n") == 1
    assert "malformed" in err and "internal error" not in err
    src = tmp_path / "b.yaml"
    src.write_text("devices:\n  - serial: B\n")
    code, _, err = cli("--db", db, "import", src)
    assert code in (0, 2) and "internal error" not in err and "Traceback" not in err
    if code == 2:
        assert db.read_bytes() == before


def test_a_lock_that_cannot_be_taken_is_one_line(tmp_path, cli, monkeypatch):
    """An admin outside the group cannot create or open the lock file: one line, exit 2,
    nothing written (not an internal error)."""
    from filelock import FileLock

    db = tmp_path / "db.json"
    Store(db).apply([put("A")], "seed")
    before = db.read_bytes()

    def denied(self, *a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(FileLock, "acquire", denied)
    src = tmp_path / "b.yaml"
    src.write_text("devices:\n  - serial: B\n")
    code, _, err = cli("--db", db, "import", src)
    assert code == 2 and "cannot take the database lock (Permission denied)" in err
    assert err.count("\n") == 1 and db.read_bytes() == before
