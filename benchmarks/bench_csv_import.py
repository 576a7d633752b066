"""CSV import against reading the same file with the csv module.

    python benchmarks/bench_csv_import.py [--lines 200000] [--repeat 5]

Writes a Service Contract Center style line export (semicolon-separated, BOM, DD-Mon-YYYY
dates, ~1% terminated lines, a few module rows under their chassis, an unknown column)
of N lines to a temporary directory, then times, in this one process, the median of
``--repeat`` runs of:

- baseline: ``list(csv.DictReader(open(file, encoding="utf-8-sig"), delimiter=";"))``
- parse:    ``parse_files([file])`` (read, sniff, map columns, validate, build objects)
- plan:     parse + ``plan_changes`` against an empty database (what ``--dry-run`` does
            before printing)
- import:   the whole ``import_files`` into a fresh database file, the locked atomic
            write and its journal entry included
- reimport: the same file again into that database (nothing changes; load + compare)

and prints the ratios to the baseline. Budget (issue 4: the import "finishes within twice
the time"): the whole import <= 2x baseline; exit status 1 when over.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smartnet_tui.domain.model import Estate  # noqa: E402
from smartnet_tui.imports.parse import parse_files  # noqa: E402
from smartnet_tui.imports.planner import import_files, plan_changes  # noqa: E402
from smartnet_tui.store.db import Store  # noqa: E402

HEADER = ["SERIAL NUMBER / PAK NUMBER", "PRODUCT NUMBER", "PRODUCT DESCRIPTION", "INSTANCE NUMBER",
          "PARENT INSTANCE NUMBER", "CONTRACT NUMBER", "SERVICE LEVEL", "BEGIN DATE", "END DATE",
          "SITE NAME", "Contract Line Status", "QUANTITY"]
PIDS = ["C9300-48P-A", "C9300-24T-E", "C9500-24Y4C-A", "N9K-C93180YC-FX", "ISR4451-X/K9"]
LEVELS = ["SNTC-24X7X4", "SNTC-8X5XNBD", "SMARTNET 24X7X4", "SNTC-8X5X4"]


def _dmy(d: date) -> str:
    return d.strftime("%d-%b-%Y").upper()


def write_export(path: Path, lines: int, seed: int = 4) -> None:
    rnd = random.Random(seed)
    per_contract = 400
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Cisco Service Contract Center - contract lines"])
        w.writerow([])
        w.writerow(HEADER)
        inst = 100000
        for i in range(lines):
            c = i // per_contract
            start = date(2025, 1, 1) + timedelta(days=(c * 7) % 365)
            end = start + timedelta(days=364)
            inst += 1
            status = "TERMINATED" if rnd.random() < 0.01 else "ACTIVE"
            w.writerow([f"FOC{i:08d}", PIDS[i % 5], "Catalyst switch", inst, "", f"{90000000 + c:010d}",
                        LEVELS[c % 4], _dmy(start), _dmy(end), f"SITE-{c % 120:03d}", status, 1])
            if i % 500 == 0:  # a module under that chassis
                w.writerow(["", "C9300-NM-8X", "Network module", inst + 500000, inst, f"{90000000 + c:010d}",
                            LEVELS[c % 4], _dmy(start), _dmy(end), f"SITE-{c % 120:03d}", status, 1])


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smartnet-bench-"))
    try:
        src = tmp / "cscc-lines.csv"
        write_export(src, args.lines)
        size = src.stat().st_size

        def baseline() -> None:
            with src.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh, delimiter=";"))
            assert rows

        def parse() -> None:
            p = parse_files([src])
            assert not p.errors, p.errors[:3]

        def plan() -> None:
            p = parse_files([src])
            assert not p.errors
            assert plan_changes(Estate(), p)

        runs = iter(range(10**6))

        def full_import() -> None:
            db = tmp / f"db{next(runs)}.json"
            res = import_files(Store(db), [src])
            assert res.entry is not None

        reimport_db = tmp / "re.json"
        import_files(Store(reimport_db), [src])

        def reimport() -> None:
            res = import_files(Store(reimport_db), [src])
            assert res.entry is None and not res.changes

        b = median_time(baseline, args.repeat)
        results = [
            ("csv.DictReader baseline", b),
            ("parse + validate", median_time(parse, args.repeat)),
            ("parse + validate + plan", median_time(plan, args.repeat)),
            ("full import incl. write", median_time(full_import, max(1, args.repeat // 2))),
            ("re-import, nothing changes", median_time(reimport, max(1, args.repeat // 2))),
        ]
        print(f"{args.lines:,} lines, {size / 1e6:.1f} MB, median of {args.repeat} runs "
              f"(Python {sys.version.split()[0]})")
        for name, t in results:
            print(f"  {name:<28} {t:7.3f} s   {t / b:5.2f}x baseline")
        # The budget is for the import to finish: the full import, write included.
        ratio = results[3][1] / b
        print(f"budget: full import <= 2.00x baseline: {'OK' if ratio <= 2 else 'OVER'} ({ratio:.2f}x)")
        return 0 if ratio <= 2 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
