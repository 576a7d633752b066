"""``smartnet --demo`` removes its throw-away database when the SSH link drops (SIGHUP) or
it is terminated (SIGTERM): a real process on a pseudo-terminal, as a user runs it."""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a POSIX pty")


def _start_demo(tmp_path: Path) -> tuple[int, int]:
    """The demo on a pty, once it shows its first screen: (pid, the pty's master fd)."""
    import pty

    env = dict(os.environ, TMPDIR=str(tmp_path), TERM="xterm", COLUMNS="80", LINES="24")
    env.pop("SMARTNET_DB", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, as `smartnet --demo`
        os.execvpe(sys.executable, [sys.executable, "-m", "smartnet_tui", "--demo"], env)
    seen = b""
    deadline = time.monotonic() + 60  # a loaded machine: 2 cores, many suites
    while b"alerts" not in seen:
        assert time.monotonic() < deadline, f"the demo did not start: {seen[-500:]!r}"
        if select.select([fd], [], [], 0.5)[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return pid, fd


def _wait(pid: int, timeout: float = 40) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("the demo did not end")


def _demo_dirs(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob("smartnet-demo-*"))


@pytest.mark.timeout(150)
@pytest.mark.parametrize("how", ["link dropped", "SIGHUP", "SIGTERM"])
def test_the_demo_removes_its_database_when_killed(tmp_path, how):
    pid, fd = _start_demo(tmp_path)
    assert [p.name for d in _demo_dirs(tmp_path) for p in d.glob("*.json")] == ["demo.json"]
    if how == "link dropped":  # the terminal goes away: the kernel sends SIGHUP
        os.close(fd)
        fd = -1
    else:
        os.kill(pid, getattr(signal, how))
    try:
        status = _wait(pid)
    finally:
        if fd >= 0:
            os.close(fd)
    assert _demo_dirs(tmp_path) == [], "the demo's database was left behind"
    assert os.WIFEXITED(status)
