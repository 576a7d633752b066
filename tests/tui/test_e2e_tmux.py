"""End to end in a real terminal: tmux runs smartnet at 80x24 with TERM=xterm.

Keys go in with send-keys, the screen comes back with capture-pane, and every step polls
for the text it expects (with a timeout) instead of sleeping a fixed time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import make_db

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

TIMEOUT = 20.0


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.target = "smartnet"

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                             check=False)
        return out.stdout

    def start(self, command: str) -> None:
        self.run("-f", "/dev/null", "new-session", "-d", "-s", self.target, "-x", "80", "-y", "24",
                 command)

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.target, *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.target)

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(t in screen for t in texts):
                return screen
            time.sleep(0.05)  # polling interval, not a wait for something to happen
        raise AssertionError(f"{texts!r} not on screen after {timeout}s:\n{screen}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", self.target],
                              capture_output=True, check=False).returncode == 0

    def kill(self) -> None:
        self.run("kill-server")


@pytest.fixture
def tmux(tmp_path):
    t = Tmux(f"smartnet-e2e-{os.getpid()}-{tmp_path.name}")
    yield t
    t.kill()


def test_switch_screens_lookup_and_follow_another_process(tmux, tmp_path):
    db = make_db(tmp_path)
    env = (f"env TERM=xterm SMARTNET_KEYMAP={tmp_path / 'none.toml'} "
           f"PYTHONPATH={Path(__file__).resolve().parents[2]}")
    cmd = f"{sys.executable} -m smartnet_tui --db {db} --today 2026-12-01"
    tmux.start(f"{env} {cmd}")
    tmux.wait_for("2026-12-01", "8 alerts", "lapsed")

    tmux.send("1")
    tmux.wait_for("7 devices", "acc-sw-06", "lab-[bold]-sw")
    tmux.send("2")
    tmux.wait_for("4 contracts", "quote requested")
    tmux.send("3")
    tmux.wait_for("8 alerts")

    # look up a serial from anywhere
    tmux.send(":")
    tmux.wait_for("Search")
    tmux.send("foc0006")
    tmux.wait_for("acc-sw-06", "covered until 2027-08-31")
    tmux.send("Enter")
    tmux.wait_for("device FOC0006FFFF", "COVERED until 2027-08-31 (273 days left) by 3000",
                  "no alerts")

    # another process changes the device: the open screen follows
    change = tmp_path / "change.yaml"
    change.write_text(
        "devices:\n"
        "  - serial: FOC0006FFFF\n"
        "    hostname: renamed-by-cron\n"
        "    pid: C9200-24P\n"
        "    site: NYC\n"
        "    status: decommissioned\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "smartnet_tui", "import", str(change), "--db", str(db)],
        capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert result.returncode == 0, result.stderr
    tmux.wait_for("renamed-by-cron", "decommissioned", "inactive_covered", timeout=10)
    tmux.send("Escape")
    tmux.wait_for("9 alerts", "wasted 2")

    tmux.send("q")
    deadline = time.monotonic() + TIMEOUT
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not tmux.alive()


def _wait_gone(tmux: Tmux, text: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while text in tmux.screen():
        assert time.monotonic() < deadline, f"{text!r} still on screen:\n{tmux.screen()}"
        time.sleep(0.05)  # polling interval


def _start_command(tmp_path: Path, db: Path, extra_env: str = "") -> str:
    env = (f"env TERM=xterm {extra_env} SMARTNET_KEYMAP={tmp_path / 'none.toml'} "
           f"PYTHONPATH={Path(__file__).resolve().parents[2]}")
    # the interpreter running the suite: this test is the start-up check on each Python
    return (f"{env} {sys.executable} -m smartnet_tui --db {db} --today 2026-12-01; "
            "echo EXIT=$?; sleep 600")


def test_the_app_starts_and_every_input_opens_on_this_python(tmux, tmp_path):
    """Python 3.12/3.13 with Textual 8.2.8 once died at start (ScreenStackError from the
    tables' filter Input): start for real, open every screen's filter and the dialogs
    with an Input, quit with 0 and no traceback."""
    db = make_db(tmp_path)
    tmux.start(_start_command(tmp_path, db))
    tmux.wait_for("2026-12-01", "8 alerts")
    for key, shown in (("1", "7 devices"), ("2", "4 contracts"), ("3", "8 alerts")):
        tmux.send(key)
        tmux.wait_for(shown)
        tmux.send("/")
        tmux.wait_for("filter (escape clears)")
        tmux.send("zz")
        tmux.wait_for("filter: zz")
        tmux.send("Escape")
        _wait_gone(tmux, "filter: zz")  # else the next key joins the escape (alt+key)
    tmux.send("2")
    tmux.wait_for("4 contracts")
    tmux.send("t")  # triage: a form of Inputs
    tmux.wait_for("escape: cancel")
    tmux.send("Escape")
    _wait_gone(tmux, "escape: cancel")
    tmux.send("i")  # import: a path Input
    tmux.wait_for("enter: preview")
    tmux.send("Escape")
    _wait_gone(tmux, "enter: preview")
    tmux.send("q")
    screen = tmux.wait_for("EXIT=0")
    assert "Traceback" not in screen and "Error" not in screen


def test_no_color_in_xterm_draws_in_the_terminals_own_colours(tmux, tmp_path):
    """NO_COLOR=1 TERM=xterm: every colour the terminal is sent is its default (SGR 39/49)."""
    import re

    db = make_db(tmp_path)
    tmux.start(_start_command(tmp_path, db, "NO_COLOR=1"))
    tmux.wait_for("2026-12-01", "8 alerts")
    tmux.send("1")
    tmux.wait_for("7 devices")
    screen = tmux.run("capture-pane", "-e", "-p", "-t", tmux.target)
    colours = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", screen):
        codes = [int(c) for c in params.split(";") if c]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c in (38, 48):  # extended colour: 38;5;N or 38;2;R;G;B
                colours.add(tuple(codes[i:i + (3 if codes[i + 1:i + 2] == [5] else 5)]))
                i += 3 if codes[i + 1:i + 2] == [5] else 5
                continue
            if 30 <= c <= 37 or 40 <= c <= 47 or 90 <= c <= 97 or 100 <= c <= 107:
                colours.add((c,))
            i += 1
    assert not colours, f"explicit colours sent under NO_COLOR: {sorted(colours)}"
    assert "FOC0001AAAA" in screen  # (the cursor row's reverse video: tests/tui/test_no_color.py)
    tmux.send("q")
    tmux.wait_for("EXIT=0")
