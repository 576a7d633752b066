"""Writes decided under the lock (issue 11): an import plans against the database as it
is once the lock is held, so what another writer saved meanwhile is planned around, never
reverted; a confirmed preview is planned again when the database or a file changed; an
edit is checked against the version it was based on (``Store.apply(expect=...)``)."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import D

from smartnet_tui.domain.changes import PutContract, PutDevice, inverse
from smartnet_tui.domain.dates import DateOrder
from smartnet_tui.domain.model import Contract, Device, LineSpec, Triage
from smartnet_tui.imports import planner
from smartnet_tui.store.db import ConflictError, Store

TODAY = D("2026-11-01")


def seed(db: Path) -> None:
    lines = tuple(LineSpec(s, D("2026-01-01"), D("2027-01-31"), "SNTC-24X7X4") for s in ("S1", "S2", "S3"))
    Store(db).apply([PutContract(Contract("93425688", "SNTC-24X7X4", lines=lines))]
                    + [PutDevice(Device(s)) for s in ("S1", "S2", "S3")], "seed")


def sn2info(path: Path, serial: str, end: str) -> Path:
    rec = {"sr_no": serial, "service_contract_number": "93425688", "is_covered": "YES",
           "covered_product_line_end_date": end, "parent_sr_no": "", "sr_no_owner": "YES",
           "service_line_descr": "SNTC-24X7X4 x", "warranty_end_date": "", "id": "1",
           "orderable_pid_list": [], "base_pid_list": []}
    path.write_text(json.dumps({"pagination_response_record": {"total_records": 1, "page_index": 1,
                                                               "last_index": 1, "page_records": 1},
                                "serial_numbers": [rec]}))
    return path


def set_triage(db: Path, state: str, refused: list[str] | None = None) -> None:
    """An edit as the app saves it: based on the record as read, checked against it under
    the lock; when refused (another writer changed it), the user redoes it."""
    s = Store(db)
    while True:
        seen = s.load()
        change = [PutContract(replace(seen.contracts["93425688"], triage=Triage(state, "alice")))]
        try:
            s.apply(change, "triage", expect=inverse(seen, change))
            return
        except ConflictError as exc:
            if refused is None:
                raise
            refused.append(str(exc))


def while_planning(monkeypatch, other) -> list[threading.Thread]:
    """Run ``other`` in a thread the moment the (first) import plans, and give it half a
    second to finish or block on the lock before the import goes on."""
    real = planner.plan_changes
    started: list[threading.Thread] = []

    def hooked(*a, **k):
        out = real(*a, **k)
        if not started:
            t = threading.Thread(target=other)
            started.append(t)
            t.start()
            t.join(0.5)  # done (unlocked planning, the old bug) or waiting for our lock
        return out

    monkeypatch.setattr(planner, "plan_changes", hooked)
    return started


def test_triage_saved_while_an_import_plans_is_not_reverted(tmp_path, monkeypatch):
    db = tmp_path / "db.json"
    seed(db)
    refused: list[str] = []
    threads = while_planning(monkeypatch, lambda: set_triage(db, "quoted", refused))
    res = planner.import_files(Store(db), [sn2info(tmp_path / "a.json", "S1", "2028-01-31")],
                               today=TODAY)
    assert res.entry is not None
    threads[0].join(30)
    c = Store(db).load().contracts["93425688"]
    assert c.triage is not None and c.triage.state == "quoted"
    assert {ln.serial: ln.end for ln in c.lines}["S1"] == D("2028-01-31")
    # the editor read before the import wrote: its first save was refused, and said why
    assert all("changed by another process" in m for m in refused)


def test_two_sn2info_merges_do_not_revert_each_other(tmp_path, monkeypatch):
    db = tmp_path / "db.json"
    seed(db)
    second = sn2info(tmp_path / "b.json", "S2", "2029-01-31")
    threads = while_planning(monkeypatch, lambda: planner.import_files(Store(db), [second], today=TODAY))
    planner.import_files(Store(db), [sn2info(tmp_path / "a.json", "S1", "2028-01-31")], today=TODAY)
    threads[0].join(30)
    ends = {ln.serial: ln.end for ln in Store(db).load().contracts["93425688"].lines}
    assert ends == {"S1": D("2028-01-31"), "S2": D("2029-01-31"), "S3": D("2027-01-31")}


# ------------------------------------------------------------------ a confirmed preview
def test_a_preview_is_planned_again_when_the_database_changed(tmp_path):
    db = tmp_path / "db.json"
    seed(db)
    store = Store(db)
    src = sn2info(tmp_path / "a.json", "S1", "2028-01-31")
    plan = planner.plan_import(store, [src], False, False, DateOrder.MDY, TODAY)
    set_triage(db, "ordered")  # another admin, between the preview and the confirmation
    entry, again = planner.write_import(store, plan, DateOrder.MDY, TODAY)
    assert entry is None and again is not None and "database changed" in again.note
    entry, again = planner.write_import(store, again, DateOrder.MDY, TODAY)
    assert entry is not None and again is None
    c = Store(db).load().contracts["93425688"]
    assert c.triage is not None and c.triage.state == "ordered"  # kept, not reverted


def test_a_preview_is_planned_again_when_the_file_changed(tmp_path):
    db = tmp_path / "db.json"
    seed(db)
    store = Store(db)
    src = sn2info(tmp_path / "a.json", "S1", "2028-01-31")
    plan = planner.plan_import(store, [src], False, False, DateOrder.MDY, TODAY)
    sn2info(src, "S1", "2030-01-31")  # the file was saved again after the preview
    entry, again = planner.write_import(store, plan, DateOrder.MDY, TODAY)
    assert entry is None and again is not None and "file changed" in again.note
    planner.write_import(store, again, DateOrder.MDY, TODAY)
    ends = {ln.serial: ln.end for ln in Store(db).load().contracts["93425688"].lines}
    assert ends["S1"] == D("2030-01-31")


def test_an_unchanged_preview_is_written_as_previewed(tmp_path):
    db = tmp_path / "db.json"
    seed(db)
    store = Store(db)
    plan = planner.plan_import(store, [sn2info(tmp_path / "a.json", "S1", "2028-01-31")], False,
                               False, DateOrder.MDY, TODAY)
    entry, again = planner.write_import(store, plan, DateOrder.MDY, TODAY)
    assert again is None and entry is not None and entry["id"] == 2


# ------------------------------------------------------------------ edits
def test_an_edit_is_checked_against_the_version_the_user_saw(tmp_path):
    """Admin B opens a dialog (the record as shown is captured), admin A saves, B saves:
    B's save is refused and says so; A's change stays."""
    db = tmp_path / "db.json"
    seed(db)
    b = Store(db)
    seen = b.load()  # what B's dialog shows
    c_seen = seen.contracts["93425688"]
    set_triage(db, "quoted")  # A saves meanwhile, from another process
    b_change = [PutContract(replace(c_seen, triage=Triage("do not renew", "bob")))]
    with pytest.raises(ConflictError, match="changed by another process"):
        b.apply(b_change, "triage", expect=inverse(seen, b_change))
    with pytest.raises(ConflictError):
        b.apply(b_change, "triage", expect=[PutContract(c_seen)])
    assert Store(db).load().contracts["93425688"].triage.state == "quoted"
    # based on what is stored now, it goes through
    now = b.load()
    change = [PutContract(replace(now.contracts["93425688"], triage=Triage("do not renew", "bob")))]
    assert b.apply(change, "triage", expect=inverse(now, change)) is not None


def test_an_edit_of_a_record_an_older_version_wrote_is_not_a_false_conflict(tmp_path):
    """A stored document without the keys a newer version writes (defaulted when read)
    is the record the user saw: saving an edit of it is not refused."""
    import orjson

    db = tmp_path / "db.json"
    seed(db)
    data = orjson.loads(db.read_bytes())
    doc = next(d for d in data["devices"].values() if d["serial"] == "S1")
    for k in ("tags", "status", "criticality", "extra"):
        doc.pop(k, None)
    db.write_bytes(orjson.dumps(data))
    s = Store(db)
    seen = s.load()
    change = [PutDevice(replace(seen.devices["S1"], notes="checked"))]
    assert s.apply(change, "edit", expect=inverse(seen, change)) is not None
    assert Store(db).load().devices["S1"].notes == "checked"
