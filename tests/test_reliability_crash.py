"""Crashes (issue 11): a writer killed with SIGKILL at random moments during imports and
edits leaves a database that is readable and equal to the state before or after the
interrupted write; the temp files a kill leaves are removed at the next open.

A short run (KILLS kills) always runs; ``SMARTNET_LONG_TESTS=1`` runs LONG_KILLS.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import reliability_worker as worker

from smartnet_tui.store import storage
from smartnet_tui.store.db import Store

LONG = os.environ.get("SMARTNET_LONG_TESTS") == "1"
KILLS = 300 if LONG else 12
DEVICES = 400  # a write takes a few milliseconds: kills land inside writes too
RESEED_EVERY = 10  # kills per database (each step journals every device: the file grows)
WORKER = Path(worker.__file__)


def seed(db: Path, workdir: Path) -> list[str]:
    serials = [f"FDO{i:05d}" for i in range(DEVICES)]
    src = workdir / "seed.yaml"
    src.write_text(worker.device_yaml(serials, "step 0"))
    from smartnet_tui.imports.planner import import_files

    assert import_files(Store(db), [src]).entry is not None
    return serials


def expected_state_ok(db: Path, serials: list[str], acked: int) -> int:
    """The database is readable and exactly the state after k steps, k the last
    acknowledged step or the one after it; returns k."""
    store = Store(db)  # opening it cleans a killed writer's temp files
    estate = store.load()
    history = store.history()
    k = len(history) - 1  # entry 1 is the seed
    assert k in (acked, acked + 1), (k, acked)
    assert [e["id"] for e in history] == list(range(1, k + 2))
    assert sorted(estate.devices) == serials
    notes = {d.notes for d in estate.devices.values()}
    assert notes == {f"step {k}"}, notes
    host = {d.hostname for d in estate.devices.values() if d.hostname != f"host-{d.serial.lower()}"}
    assert not host
    return k


@pytest.mark.timeout(3600 if LONG else 120)
def test_sigkill_during_imports_and_edits_never_loses_the_database(tmp_path):
    rnd = random.Random(int(os.environ.get("SMARTNET_CRASH_SEED", "11")))
    db = tmp_path / "db0" / "smartnet.json"
    db.parent.mkdir()
    serials = seed(db, tmp_path)
    figures = {"kills": 0, "state_after_the_write": 0, "state_before_the_write": 0,
               "temp_files_left_and_cleaned": 0, "writes_acknowledged": 0}
    for n in range(KILLS):
        if n and not n % RESEED_EVERY:  # the journal grows with every step: start afresh
            db = tmp_path / f"db{n}" / "smartnet.json"
            db.parent.mkdir()
            serials = seed(db, tmp_path)
        acks = tmp_path / "acks"
        acks.write_text("")
        before = len(Store(db).history()) - 1
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), "churn", str(db), str(tmp_path), str(acks), "100000"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # wait for the first acknowledged write (a condition), then kill at a random moment
        deadline = time.monotonic() + 60
        while not acks.read_text() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        time.sleep(rnd.uniform(0, 0.25))  # the random moment of the kill (not a wait)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
        figures["kills"] += 1
        left = list(db.parent.glob(storage.temp_prefix(db) + "*"))
        steps = [int(x) for x in acks.read_text().split()]
        acked = steps[-1] if steps else before
        k = expected_state_ok(db, serials, acked)
        figures["writes_acknowledged"] += len(steps)
        figures["state_after_the_write" if k == acked + 1 else "state_before_the_write"] += 1
        figures["temp_files_left_and_cleaned"] += len(left)
        assert not list(db.parent.glob(storage.temp_prefix(db) + "*")), "temp files not cleaned"
    print(f"\ncrash figures: {figures}")
    assert figures["kills"] == KILLS
