"""Concurrent writers (issue 11): CLI imports and store-level editors (separate
processes) change the same records at the same time, for a fixed number of operations.
Every acknowledged write is present at the end; every refused one told its user
(ConflictError); nothing else happened.

Editors add a tag to a device, based on what they read and checked against it under the
lock (as the app's dialogs save). Imports are Cisco SN2INFO answers, each moving the end
of one serial's line on the same contract (merged into it, planned under the lock).
``SMARTNET_LONG_TESTS=1`` runs more editors, operations and imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import reliability_worker as worker
from helpers import D

from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.model import Contract, Device, LineSpec
from smartnet_tui.store.db import Store

LONG = os.environ.get("SMARTNET_LONG_TESTS") == "1"
EDITORS, OPS, IMPORTS = (4, 100, 16) if LONG else (3, 40, 6)
SERIALS = [f"FOC{i:04d}" for i in range(max(IMPORTS, 6))]
WORKER = Path(worker.__file__)
NUMBER = "93425688"


def sn2info(path: Path, serial: str, end: str) -> Path:
    rec = {"sr_no": serial, "service_contract_number": NUMBER, "is_covered": "YES",
           "covered_product_line_end_date": end, "parent_sr_no": "", "sr_no_owner": "YES",
           "service_line_descr": "SNTC-24X7X4 x", "warranty_end_date": "", "id": "1",
           "orderable_pid_list": [], "base_pid_list": [{"base_pid": "C9300-48P"}]}
    path.write_text(json.dumps({"pagination_response_record": {"total_records": 1, "page_index": 1,
                                                               "last_index": 1, "page_records": 1},
                                "serial_numbers": [rec]}))
    return path


@pytest.mark.timeout(900 if LONG else 120)
def test_concurrent_imports_and_editors_lose_no_acknowledged_write(tmp_path):
    db = tmp_path / "smartnet.json"
    lines = tuple(LineSpec(s, D("2026-01-01"), D("2027-01-31"), "SNTC-24X7X4") for s in SERIALS)
    Store(db).apply([PutContract(Contract(NUMBER, "SNTC-24X7X4", lines=lines))]
                    + [PutDevice(Device(s)) for s in SERIALS], "seed")
    start = tmp_path / "start"
    env = {**os.environ, "SMARTNET_TODAY": "2026-11-01"}
    procs: list[tuple[str, subprocess.Popen[bytes]]] = []
    logs = []
    for e in range(EDITORS):
        log = tmp_path / f"editor{e}.log"
        logs.append(log)
        # every editor edits the same two devices, which the imports also touch (their pid)
        mine = SERIALS[:2]
        procs.append(("editor", subprocess.Popen(
            [sys.executable, str(WORKER), "editor", str(db), str(start), str(log), f"ed{e}", str(OPS),
             *mine], env=env, stderr=subprocess.PIPE)))
    ends = {}
    for i in range(IMPORTS):
        serial = SERIALS[i]
        end = f"{2028 + i}-06-30"
        ends[serial] = end
        src = sn2info(tmp_path / f"answer{i}.json", serial, end)
        procs.append((serial, subprocess.Popen(
            [sys.executable, str(WORKER), "cli", str(start), "--db", str(db), "import", str(src)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    start.touch()  # everyone starts now
    results = {}
    for name, p in procs:
        out, err = p.communicate(timeout=600)
        assert b"Traceback" not in err, err.decode()
        results.setdefault(name, []).append((p.returncode, out or b"", err))

    # every import was acknowledged (exit 0) or refused with a one-line reason
    imported = {s for s in ends if results[s][0][0] == 0}
    for s in set(ends) - imported:
        code, _, err = results[s][0]
        assert code == 2 and err.decode().startswith("smartnet: error:"), err
    for code, _, err in results["editor"]:
        assert code == 0, err.decode()

    store = Store(db)
    estate = store.load()
    line_end = {ln.serial: ln.end for ln in estate.contracts[NUMBER].lines}
    for s in imported:
        assert str(line_end[s]) == ends[s], (s, line_end[s])
    for s in set(SERIALS) - imported:
        assert line_end[s] == D("2027-01-31")

    acked, refused = [], []
    for log in logs:
        for entry in log.read_text().splitlines():
            kind, serial, tag, *msg = entry.split(" ", 3)
            (acked if kind == "acked" else refused).append((serial, tag))
            if kind == "refused":
                assert "changed by another process" in msg[0]
    assert len(acked) + len(refused) == EDITORS * OPS  # each one acknowledged or told
    for serial, tag in acked:
        assert tag in estate.devices[serial].tags, (serial, tag)
    for serial, tag in refused:
        assert tag not in estate.devices[serial].tags, (serial, tag)
    # the journal holds exactly the acknowledged writes (imports that changed nothing add none)
    tag_entries = [e for e in store.history() if e["action"].startswith("tag ")]
    assert len(tag_entries) == len(acked)
    print(f"\nconcurrency figures: editors {EDITORS} x {OPS} ops: {len(acked)} acknowledged, "
          f"{len(refused)} refused and told; imports {IMPORTS}: {len(imported)} acknowledged")
    assert acked and imported
