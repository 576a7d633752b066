"""A real SSH session (issue 11): smartnet in the terminal an admin gets through ``ssh -tt``.

The test starts its own sshd on a free loopback port with throwaway host and user keys and
a temporary config (key login only, root allowed for this test, no PAM, pid file in the
test's directory), logs in from inside tmux, runs the installed ``smartnet`` with
``TERM=xterm`` on a copy of the demo database, looks up a serial, sets the device's status,
and reads what the remote screen shows (capture-pane) and what the database now holds.
Every step polls for what it expects, with a deadline. Skipped only when sshd is not
installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smartnet_tui.imports.demo import make_demo_db

SERIAL = "FOC2116N19Z"  # a WS-C3850-48P in the demo estate, active
TIMEOUT = 30.0


def _sshd() -> str | None:
    found = shutil.which("sshd")
    if found:
        return found
    for candidate in ("/usr/sbin/sshd", "/usr/local/sbin/sshd"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


SSHD = _sshd()

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(SSHD is None, reason="OpenSSH's server (sshd) is not installed "
                       "(.ci/run installs openssh-server)"),
    pytest.mark.skipif(shutil.which("tmux") is None or shutil.which("ssh") is None,
                       reason="tmux and the ssh client are needed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(predicate, what: str, timeout: float = TIMEOUT):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)  # polling interval, not a wait for something to happen
    raise AssertionError(f"timed out waiting for {what}")


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
                   check=True, capture_output=True)


@pytest.fixture
def sshd(tmp_path):
    """A throwaway sshd on 127.0.0.1: yields (port, user, private key)."""
    d = tmp_path / "ssh"
    d.mkdir()
    _keygen(d / "host_key")
    _keygen(d / "user_key")
    (d / "authorized_keys").write_text((d / "user_key.pub").read_text())
    port = _free_port()
    user = pwd.getpwuid(os.geteuid()).pw_name  # not $USER: the suite sets that
    config = d / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}",
        "ListenAddress 127.0.0.1",
        f"HostKey {d / 'host_key'}",
        f"PidFile {d / 'sshd.pid'}",
        f"AuthorizedKeysFile {d / 'authorized_keys'}",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",  # key only; this throwaway server alone
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PermitUserEnvironment no",
        "LogLevel ERROR",
        "",
    ]))
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # its privilege separation dir
    log = d / "sshd.log"
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL,
                            stderr=log.open("w"))

    def listening() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"sshd exited {proc.returncode}: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    try:
        _wait(listening, "sshd to listen")
        yield port, user, d / "user_key"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Tmux:
    def __init__(self, socket_name: str) -> None:
        self.socket = socket_name

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=False).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "ssh")

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", "ssh", *keys)

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        last = [""]

        def shown() -> str | None:
            last[0] = self.screen()
            if "SSH-EXIT=" in last[0] and not any("SSH-EXIT" in t for t in texts):
                raise AssertionError(f"the ssh session ended:\n{last[0]}")
            return last[0] if all(t in last[0] for t in texts) else None

        try:
            return _wait(shown, repr(texts), timeout)
        except AssertionError:
            raise AssertionError(f"{texts!r} not on the remote screen:\n{last[0]}") from None


def _smartnet_command() -> list[str]:
    """The smartnet of the interpreter running the tests (its venv's script), by absolute path."""
    script = Path(sys.executable).parent / "smartnet"
    if script.exists():
        return [str(script.absolute())]
    return [sys.executable, "-m", "smartnet_tui"]


def test_lookup_and_edit_over_a_real_ssh_session(sshd, tmp_path):
    port, user, key = sshd
    db = tmp_path / "estate.json"
    shutil.copyfile(make_demo_db(), db)
    remote = shlex.join(["env", "TERM=xterm", "LANG=C.UTF-8", "USER=ssh-admin",
                         f"SMARTNET_KEYMAP={tmp_path / 'none.toml'}",
                         f"XDG_CONFIG_HOME={tmp_path / 'cfg'}",
                         *_smartnet_command(), "--db", str(db), "--today", "2026-12-01"])
    ssh = shlex.join(["ssh", "-tt", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no",
                      "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                      "-o", "LogLevel=ERROR", "-i", str(key), "-p", str(port),
                      f"{user}@127.0.0.1", remote])
    tmux = Tmux(f"smartnet-ssh-{os.getpid()}-{tmp_path.name}")
    try:
        tmux.run("-f", "/dev/null", "new-session", "-d", "-s", "ssh", "-x", "80", "-y", "24",
                 f"{ssh}; echo SSH-EXIT=$?; sleep 600")
        tmux.wait_for("2026-12-01", "alerts", "Severity")

        # look up a serial from anywhere
        tmux.send(":")
        tmux.wait_for("Search")
        tmux.send(SERIAL.lower())
        tmux.wait_for(f"device  {SERIAL}  lon-dc1-acc-23", "covered until 2027-07-31")
        tmux.send("Enter")
        tmux.wait_for(f"device {SERIAL}")

        # set its status: s, down to "spare", enter
        tmux.send("s")
        tmux.wait_for("spare", "decommissioned")
        tmux.send("Down")
        tmux.send("Enter")
        screen = tmux.wait_for("saved", "spare")
        assert "Traceback" not in screen

        def stored_status() -> str | None:
            raw = json.loads(db.read_text(encoding="utf-8"))
            for doc in raw["devices"].values():
                if doc.get("serial") == SERIAL:
                    return str(doc.get("status"))
            return None

        _wait(lambda: stored_status() == "spare", "the database to hold the edit")
        journal = json.loads(db.read_text(encoding="utf-8"))["journal"]
        last = max(journal.values(), key=lambda e: int(e["id"]))
        assert str(last["action"]).startswith("tui"), last  # written by the app, journaled

        tmux.send("q")
        screen = tmux.wait_for("SSH-EXIT=0")
        assert "Traceback" not in screen
    finally:
        tmux.run("kill-server")
