"""Run the real app (``smartnet`` with the given arguments) with an event-loop stall meter.

    python -m benchmarks.tui_probe STALL_LOG -- [smartnet arguments...]

A task on the app's event loop sleeps 10 ms at a time and measures how late it wakes: a
late tick is the UI frozen for that long. Every tick later than 5 ms is appended to
STALL_LOG as ``<wall clock> <lateness in s>``; the harness (benchmarks/run.py) takes the
worst one in each window it measures. Nothing else about the app is changed.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

TICK = 0.01


def install(log_path: str) -> None:
    from smartnet_tui.tui.app import SmartnetApp

    original = SmartnetApp.on_mount
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - lives as long as the app

    async def ticker() -> None:
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(TICK)
            late = time.perf_counter() - t0 - TICK
            if late > 0.005:
                log.write(f"{time.time():.4f} {late:.4f}\n")

    def on_mount(self: Any) -> Any:
        self._bench_ticker = asyncio.get_running_loop().create_task(ticker())
        return original(self)

    SmartnetApp.on_mount = on_mount  # type: ignore[method-assign]


def main() -> int:
    args = sys.argv[1:]
    log_path = args[0]
    rest = args[2:] if len(args) > 1 and args[1] == "--" else args[1:]
    install(log_path)
    from smartnet_tui.cli import main as smartnet_main

    return smartnet_main(rest)


if __name__ == "__main__":
    raise SystemExit(main())
