"""Core benchmarks at scale: import, lookup, full recompute, one-serial recompute.

    python benchmarks/bench_core.py [--devices 50000] [--lines 200000] [--repeat 7]

Every figure is a median over repeats, and the lookup is reported as a ratio against a
baseline measured in the same run on the same files (machines here are noisy):
- lookup: a fresh `python -m smartnet_tui lookup SERIAL --json` process, against a fresh
  Python that only parses the database file with orjson. Budget: ratio < 2.
- full recompute: `Analysis(estate, policy)` over the whole estate. Budget: < 0.5 s.
- one-serial recompute: a device edit applied to the estate and `Analysis.refresh` for
  that serial (everything that depends on it). Budget: < 1 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

from smartnet_tui.domain.changes import PutDevice, apply_changes  # noqa: E402
from smartnet_tui.domain.engine import Analysis, Policy  # noqa: E402
from smartnet_tui.imports.planner import import_files  # noqa: E402
from smartnet_tui.store.db import Store  # noqa: E402

TODAY = date(2026, 12, 1)


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_proc(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--devices", type=int, default=50_000)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smartnet-bench-"))
    src = tmp / "estate.json"
    src.write_bytes(orjson.dumps(generate(a.devices, a.lines)))
    print(f"estate: {a.devices} devices, {a.lines} lines; source {src.stat().st_size / 1e6:.1f} MB")

    # import into a fresh database (parse, validate, plan, one atomic write)
    import_times = []
    for i in range(3):
        db = tmp / f"import{i}.json"
        t0 = time.perf_counter()
        res = import_files(Store(db), [src])
        import_times.append(time.perf_counter() - t0)
        assert not res.errors, res.errors[:3]
    db = tmp / "import0.json"
    print(f"import:            median {statistics.median(import_times):7.3f} s  (3 runs)  "
          f"db {db.stat().st_size / 1e6:.1f} MB")

    store = Store(db)
    load = median_time(lambda: Store(db).load(), 3)
    print(f"load estate:       median {load:7.3f} s")
    estate = store.load()
    policy = Policy(TODAY)

    full = median_time(lambda: Analysis(estate, policy), a.repeat)
    print(f"full recompute:    median {full:7.3f} s  (budget 0.5 s)")

    analysis = Analysis(estate, policy)
    rnd = random.Random(1)
    serials = rnd.sample(sorted(estate.devices), 500)
    inc = []
    for s in serials:
        dev = estate.devices[s]
        new = replace(dev, status="spare" if dev.status == "active" else "active")
        t0 = time.perf_counter()
        touched, contracts = apply_changes(estate, [PutDevice(new)])
        analysis.refresh(touched, contracts)
        inc.append(time.perf_counter() - t0)
    print(f"one-serial edit:   median {statistics.median(inc) * 1e3:7.3f} ms  "
          f"p95 {sorted(inc)[int(len(inc) * 0.95)] * 1e3:.3f} ms  (budget 1 ms, 500 edits)")

    # lookup vs parse-only baseline, interleaved, fresh processes
    serial = serials[0]
    env = dict(os.environ, SMARTNET_TODAY=TODAY.isoformat())
    base_cmd = [sys.executable, "-c",
                "import orjson,sys; orjson.loads(open(sys.argv[1],'rb').read())", str(db)]
    look_cmd = [sys.executable, "-m", "smartnet_tui", "lookup", serial, "--json", "--db", str(db)]
    os.environ.update(env)
    base, look = [], []
    for _ in range(a.repeat):
        base.append(run_proc(base_cmd))
        look.append(run_proc(look_cmd))
    b, lk = statistics.median(base), statistics.median(look)
    print(f"parse baseline:    median {b:7.3f} s  (fresh python + orjson.loads of the db)")
    print(f"lookup:            median {lk:7.3f} s  ratio {lk / b:.2f}x  (budget < 2x)")


if __name__ == "__main__":
    main()
