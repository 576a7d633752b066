"""TUI benchmarks at scale: start to first screen, filter keystroke, edit latency.

    python benchmarks/bench_tui.py                      # 50,000 devices / 200,000 lines
    python benchmarks/bench_tui.py --devices 5000 --lines 20000
    python benchmarks/bench_tui.py --db PATH            # reuse an imported database

The app runs headless (``App.run_test``) at 80x24. Besides wall times it records the
longest stall of the event loop (a 10 ms ticker that measures its own lateness): that is
what a user feels as a frozen screen.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from smartnet_tui.config import Settings  # noqa: E402
from smartnet_tui.imports.planner import import_files  # noqa: E402
from smartnet_tui.store.db import Store  # noqa: E402

TODAY = date(2026, 12, 1)


class StallMeter:
    """Ticks every 10 ms on the event loop; the worst lateness is the longest freeze."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(0.01)
            late = time.perf_counter() - t0 - 0.01
            self.worst = max(self.worst, late)

    def start(self) -> None:
        self.worst = 0.0
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> float:
        if self._task:
            self._task.cancel()
        return self.worst


def make_db(devices: int, lines: int) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="smartnet-bench-tui-"))
    src = tmp / "estate.json"
    src.write_bytes(orjson.dumps(generate(devices, lines)))
    db = tmp / "db.json"
    t0 = time.perf_counter()
    res = import_files(Store(db), [src])
    assert not res.errors, res.errors[:3]
    print(f"setup: imported {devices:,} devices / {lines:,} lines in "
          f"{time.perf_counter() - t0:.1f} s ({db.stat().st_size / 1e6:.0f} MB database)")
    return db


async def bench(db: Path) -> None:
    from smartnet_tui.domain.edits import set_device_status
    from smartnet_tui.tui.app import SmartnetApp

    meter = StallMeter()
    t_start = time.perf_counter()
    app = SmartnetApp(Settings(db_path=db, today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        t_first_paint = time.perf_counter()
        meter.start()
        while app.analysis is None and app.load_error is None:
            await pilot.pause(0.02)
        await pilot.pause()
        t_data = time.perf_counter()
        stall_load = meter.stop()
        assert app.load_error is None, app.load_error
        phases = app.last_load.phases if app.last_load else {}
        print(f"start to first screen (app drawn, 'loading'):  {t_first_paint - t_start:6.3f} s")
        print(f"start to data on screen (Alerts, counts):      {t_data - t_start:6.3f} s   "
              f"[read {phases.get('read', 0):.2f} s, estate {phases.get('estate', 0):.2f} s, "
              f"engine {phases.get('analysis', 0):.2f} s, in a thread]")
        print(f"  longest UI stall while loading:              {stall_load * 1000:6.0f} ms")
        print(f"  estate: {len(app.estate.devices):,} devices, "
              f"{sum(len(v) for v in app.estate.lines_by_contract.values()):,} lines, "
              f"{len(app.analysis.alerts()):,} alerts")

        # switch to the inventory (first build of its view: sort 50k keys; the filter's
        # search text is then built a slice per event-loop turn)
        from smartnet_tui.tui.screens.tables import ContractsScreen, InventoryScreen

        for key, cls in (("1", InventoryScreen), ("2", ContractsScreen)):
            meter.start()
            t0 = time.perf_counter()
            await pilot.press(key)
            while not (isinstance(app.screen, cls) and app.screen.table.keys):
                await pilot.pause(0.005)
            shown = time.perf_counter() - t0
            await pilot.pause(1.0)  # let the background slices run, and measure them
            print(f"switch to {cls.__name__[:-6]} (first time, shown):   {shown:6.3f} s, "
                  f"longest UI stall in the next second {meter.stop() * 1000:4.0f} ms")
        await pilot.press("1")
        await pilot.pause()

        # baseline: what one pilot key press costs on a cheap key (cursor down)
        base = []
        for _ in range(10):
            t0 = time.perf_counter()
            await pilot.press("j")
            base.append(time.perf_counter() - t0)
        print(f"cursor down (j), for comparison:               median {statistics.median(base) * 1000:5.0f} ms")

        # filter keystrokes: "/" then type; each press is processed and the screen redrawn
        await pilot.press("slash")
        times = []
        meter.start()
        for ch in "foc000012":
            t0 = time.perf_counter()
            await pilot.press(ch)
            times.append(time.perf_counter() - t0)
        stall_filter = meter.stop()
        shown = len(app.screen.table.keys)
        print(f"filter keystroke (inventory, 9 keys):         first {times[0] * 1000:5.0f} ms, "
              f"median {statistics.median(times) * 1000:5.0f} ms, max {max(times) * 1000:5.0f} ms "
              f"({shown} rows left)")
        print(f"  longest UI stall while filtering:            {stall_filter * 1000:6.0f} ms")
        t0 = time.perf_counter()
        await pilot.press("escape")
        print(f"clear filter (all rows back):                  {(time.perf_counter() - t0) * 1000:6.0f} ms")
        # a broad filter from scratch (every row's search text already cached)
        await pilot.press("slash")
        t0 = time.perf_counter()
        await pilot.press("s")
        print(f"filter keystroke matching most rows ('s'):     {(time.perf_counter() - t0) * 1000:6.0f} ms "
              f"({len(app.screen.table.keys):,} rows)")
        await pilot.press("escape")

        # edits: memory + engine + every screen, then the write in the background
        serials = list(app.estate.devices)[1000:1010]
        edit_times, save_times = [], []
        meter.start()
        for serial in serials:
            dev = app.estate.devices[serial]
            status = "spare" if dev.status != "spare" else "active"
            changes = set_device_status(app.estate, serial, status)
            t0 = time.perf_counter()
            app.submit(changes, f"bench {serial}")
            await pilot.pause()
            edit_times.append(time.perf_counter() - t0)
            while app.sync.writes_pending:
                await pilot.pause(0.01)
            save_times.append(time.perf_counter() - t0)
        stall_edit = meter.stop()
        print(f"edit latency (to screens updated):             median {statistics.median(edit_times) * 1000:5.0f} ms, "
              f"max {max(edit_times) * 1000:5.0f} ms")
        print(f"edit saved (atomic write of the database):     median {statistics.median(save_times):5.2f} s, "
              f"in the background")
        print(f"  longest UI stall while editing and saving:   {stall_edit * 1000:6.0f} ms")
        t0 = time.perf_counter()
        await pilot.press("u")
        await pilot.pause()
        print(f"undo (to screens updated):                     {(time.perf_counter() - t0) * 1000:6.0f} ms")
        while app.sync.writes_pending:
            await pilot.pause(0.01)

        # another process writes: reload and recompute
        other = Store(db)
        new_name = f"bench-renamed-{time.time_ns()}"
        dev = other.load().devices[serials[0]]
        t0 = time.perf_counter()
        other.apply([__import__("smartnet_tui.domain.changes", fromlist=["PutDevice"]).PutDevice(
            replace(dev, hostname=new_name))], "bench other process")
        t_write = time.perf_counter() - t0
        meter.start()
        while app.estate.devices[serials[0]].hostname != new_name:
            await pilot.pause(0.02)
        stall_reload = meter.stop()
        print(f"another process's write shown (live reload):   {time.perf_counter() - t0:6.2f} s "
              f"(its own write {t_write:.2f} s)")
        print(f"  longest UI stall while reloading:            {stall_reload * 1000:6.0f} ms")
        await pilot.press("q")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--devices", type=int, default=50_000)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--db", type=Path, help="an already imported database (copied first)")
    a = ap.parse_args()
    if a.db:
        import shutil

        tmp = Path(tempfile.mkdtemp(prefix="smartnet-bench-tui-"))
        db = tmp / "db.json"
        shutil.copy(a.db, db)
    else:
        db = make_db(a.devices, a.lines)
    asyncio.run(bench(db))


if __name__ == "__main__":
    main()
