"""The app's database core without Textual: one thread, jobs in order, a close that never
waits, writes counted until done, and the undo stack."""

from __future__ import annotations

import threading
from concurrent.futures import CancelledError
from dataclasses import replace

import pytest

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.domain.engine import Policy
from smartnet_tui.domain.model import Device
from smartnet_tui.store.db import ConflictError, Store
from smartnet_tui.tui.sync import SerialRunner, Sync, UndoItem, UndoStack

from .conftest import TODAY


def test_jobs_run_one_at_a_time_in_the_order_submitted():
    runner = SerialRunner()
    seen: list[int] = []
    futures = [runner.submit(seen.append, i) for i in range(50)]
    for f in futures:
        f.result(timeout=5)
    assert seen == list(range(50))
    runner.close()


def test_close_never_waits_for_a_blocked_job_and_cancels_the_queued_ones():
    runner = SerialRunner()
    gate, entered = threading.Event(), threading.Event()

    def blocked() -> str:
        entered.set()
        gate.wait(10)
        return "done"

    running = runner.submit(blocked)
    queued = runner.submit(lambda: "never")
    assert entered.wait(5)
    runner.close()  # returns at once although a job is blocked
    assert runner.submit(lambda: "late").cancelled()
    gate.set()
    assert running.result(timeout=5) == "done"
    with pytest.raises(CancelledError):
        queued.result(timeout=5)


def test_a_failing_job_reports_its_error_and_the_next_one_runs():
    runner = SerialRunner()
    bad = runner.submit(lambda: 1 / 0)
    good = runner.submit(lambda: "ok")
    with pytest.raises(ZeroDivisionError):
        bad.result(timeout=5)
    assert good.result(timeout=5) == "ok"
    runner.close()


def test_load_then_writes_are_counted_until_done(filled_db):
    sync = Sync(lambda: Store(filled_db))
    notes: list[str] = []
    loaded = sync.load(Policy(TODAY), notes.append).result(timeout=10)
    assert notes[0] == "reading the database..."
    assert "FOC0001AAAA" in loaded.estate.devices
    assert loaded.journal_id == Store(filled_db).last_journal_id()

    gate = threading.Event()
    blocker = sync.run(gate.wait, 10)
    dev = loaded.estate.devices["FOC0001AAAA"]
    edit = [PutDevice(replace(dev, site="PAR"))]
    saved = sync.apply(edit, "test: move", [PutDevice(dev)])
    assert sync.writes_pending == 1  # acknowledged before it runs
    gate.set()
    blocker.result(timeout=5)
    entry = saved.result(timeout=5)
    assert entry is not None and entry["action"] == "test: move"
    assert sync.writes_pending == 0
    assert Store(filled_db).load().devices["FOC0001AAAA"].site == "PAR"

    # a write based on a stale record fails, and is no longer pending either
    stale = sync.apply([PutDevice(replace(dev, site="NYC"))], "test: stale", [PutDevice(dev)])
    with pytest.raises(ConflictError):
        stale.result(timeout=5)
    assert sync.writes_pending == 0
    changes, last = sync.changes_since(loaded.journal_id).result(timeout=5)
    assert last == entry["id"] and changes == edit
    assert sync.read(lambda store: store.history(1)).result(timeout=5)[0]["id"] == last
    sync.close()


def test_undo_stack_keeps_the_newest_and_forgets_a_failed_edit():
    stack = UndoStack(limit=3)
    items = [UndoItem(f"e{i}", [PutDevice(Device(f"S{i}"))], []) for i in range(5)]
    for item in items:
        stack.push(item)
    assert [i.label for i in stack.items] == ["e2", "e3", "e4"]
    stack.forget(items[3].forward)  # not the newest: kept
    assert len(stack) == 3
    stack.forget(items[4].forward)
    assert stack.top() is items[3]
