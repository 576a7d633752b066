"""Two processes writing one database at the same time lose nothing.

Each process writes its own records ~50 times (through Store.apply, and through
`smartnet import`), both starting together; afterwards every record is there and the
journal has one entry per write with unique ids.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson

from smartnet_tui.store.db import Store

WRITES = 50

APPLY_WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from smartnet_tui.domain.changes import PutDevice, PutContract
    from smartnet_tui.domain.model import Contract, Device, LineSpec
    from datetime import date
    from smartnet_tui.store.db import Store

    db, prefix, go, n = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    store = Store(db)
    (go.parent / f"ready-{prefix}").touch()
    while not go.exists():
        time.sleep(0.001)
    for i in range(n):
        serial = f"{prefix}{i:03d}"
        changes = [PutDevice(Device(serial, hostname=prefix))]
        if i % 10 == 0:  # now and then a contract too, and an edit of an earlier record
            changes.append(PutContract(Contract(f"{prefix}-C{i}", end=date(2027, 1, 31),
                                                lines=(LineSpec(serial),))))
        if i and i % 7 == 0:
            changes.append(PutDevice(Device(f"{prefix}{i - 1:03d}", hostname=prefix + "-edited")))
        store.load()  # a reader's view goes stale while the other process writes
        assert store.apply(changes, f"{prefix} write {i}") is not None
""")

IMPORT_WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from smartnet_tui.cli import main

    db, prefix, go, n, srcdir = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
    files = []
    for i in range(n):
        p = srcdir / f"{prefix}-{i}.yaml"
        p.write_text(f"devices:\\n  - serial: {prefix}{i:03d}\\n    site: {prefix}\\n")
        files.append(p)
    (go.parent / f"ready-{prefix}").touch()
    while not go.exists():
        time.sleep(0.001)
    for p in files:
        code = main(["import", str(p), "--db", db])
        if code != 0:
            sys.exit(f"import {p} exited {code}")
""")


def run_two(tmp_path: Path, code: str, extra=()) -> None:
    db = tmp_path / "shared.json"
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(db), prefix, str(go), str(WRITES), *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for prefix in ("AAA", "BBB")
    ]
    # both at the start line (imports done, store open) before either writes
    ready = [tmp_path / f"ready-{prefix}" for prefix in ("AAA", "BBB")]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for p in procs), procs[0].communicate()[1]
        time.sleep(0.01)
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err


def check_nothing_lost(db: Path, writes_per_process: int) -> dict:
    store = Store(db)
    estate = store.load()
    expected = {f"{p}{i:03d}" for p in ("AAA", "BBB") for i in range(WRITES)}
    assert set(estate.devices) == expected
    journal = store.history()
    ids = [e["id"] for e in journal]
    assert len(ids) == len(set(ids)) == 2 * writes_per_process
    assert sorted(ids) == list(range(1, 2 * writes_per_process + 1))
    raw = orjson.loads(db.read_bytes())  # the TinyDB document ids are unique too
    assert len(raw["devices"]) == len(expected)
    return {"estate": estate, "journal": journal}


def test_two_processes_applying_changes_lose_nothing(tmp_path):
    run_two(tmp_path, APPLY_WORKER)
    got = check_nothing_lost(tmp_path / "shared.json", WRITES)
    estate = got["estate"]
    for p in ("AAA", "BBB"):
        assert {n for n in estate.contracts if n.startswith(p)} == {f"{p}-C{i}" for i in range(0, WRITES, 10)}
        for i in range(WRITES):
            edited = (i + 1) % 7 == 0 and i + 1 < WRITES
            assert estate.devices[f"{p}{i:03d}"].hostname == (p + "-edited" if edited else p)
    # each process's own entries are in its own order
    for p in ("AAA", "BBB"):
        mine = [e["action"] for e in got["journal"] if e["action"].startswith(p)]
        assert mine == [f"{p} write {i}" for i in range(WRITES)]
    assert not list(tmp_path.glob(".smartnet-tmp-*"))


def test_two_processes_importing_lose_nothing(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    run_two(tmp_path, IMPORT_WORKER, extra=(str(src),))
    got = check_nothing_lost(tmp_path / "shared.json", WRITES)
    for serial, d in got["estate"].devices.items():
        assert d.site == serial[:3]
