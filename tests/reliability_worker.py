"""Processes the reliability tests start, kill and race (not a test module).

    python tests/reliability_worker.py churn DB WORKDIR ACKS STEPS
        Alternate imports (odd steps) and checked edits (even steps); each sets the notes
        of every device to "step N", N counting the database's journal entries after the
        seed. After each acknowledged write, appends N to ACKS.
    python tests/reliability_worker.py editor DB START LOG NAME OPS SERIAL...
        Wait for START to exist, then OPS times: read a device, add the tag NAME-i and save
        it checked against what was read (Store.apply expect=). Logs "acked SERIAL TAG" or
        "refused SERIAL TAG MESSAGE" (what the user is told) to LOG.
    python tests/reliability_worker.py cli START ARG...
        Wait for START to exist, then run the CLI (smartnet_tui.cli.main) with ARG...
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():  # a condition, polled: the parent starts everyone at once
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} never appeared")
        time.sleep(0.002)


def device_yaml(serials: list[str], notes: str) -> str:
    return "devices:\n" + "".join(
        f"  - serial: {s}\n    hostname: host-{s.lower()}\n    site: LON\n    notes: \"{notes}\"\n"
        for s in serials)


def churn(db: str, workdir: str, acks: str, steps: str) -> None:
    from smartnet_tui.domain.changes import PutDevice, inverse
    from smartnet_tui.imports.planner import import_files
    from smartnet_tui.store.db import Store

    store = Store(db)
    serials = sorted(store.load().devices)
    base = len(store.history()) - 1  # steps already made (the seed is entry 1)
    with open(acks, "a", buffering=1) as ack:
        for step in range(base + 1, base + int(steps) + 1):
            notes = f"step {step}"
            if step % 2:
                src = Path(workdir) / f"step{step}.yaml"
                src.write_text(device_yaml(serials, notes))
                res = import_files(store, [src], action="import")
                assert res.entry is not None and not res.errors, res.errors
            else:
                seen = store.load()
                changes = [PutDevice(replace(seen.devices[s], notes=notes)) for s in serials]
                assert store.apply(changes, "edit", expect=inverse(seen, changes)) is not None
            ack.write(f"{step}\n")


def editor(db: str, start: str, log: str, name: str, ops: str, *serials: str) -> None:
    from smartnet_tui.domain.changes import PutDevice, inverse
    from smartnet_tui.store.db import ConflictError, Store

    store = Store(db)
    wait_for(Path(start))
    with open(log, "a", buffering=1) as out:
        for i in range(int(ops)):
            serial = serials[i % len(serials)]
            tag = f"{name}-{i}"
            seen = store.load()
            dev = seen.devices[serial]
            changes = [PutDevice(replace(dev, tags=(*dev.tags, tag)))]
            try:
                store.apply(changes, f"tag {tag}", expect=inverse(seen, changes))
            except ConflictError as exc:
                out.write(f"refused {serial} {tag} {exc}\n")
            else:
                out.write(f"acked {serial} {tag}\n")


def cli(start: str, *argv: str) -> int:
    from smartnet_tui.cli import main

    wait_for(Path(start))
    return main(list(argv))


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    os.environ.setdefault("USER", "worker")
    if mode == "churn":
        churn(*args)
    elif mode == "editor":
        editor(*args)
    elif mode == "cli":
        sys.exit(cli(*args))
    else:
        raise SystemExit(f"unknown mode {mode}")
