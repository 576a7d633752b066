"""A writer that finds the database lock held says so once and gives up after a bounded
wait (SMARTNET_LOCK_TIMEOUT); an output file made read-only is refused like the database
(reviewer's findings: a writer waited forever, silently; ``-o`` replaced a 0444 file)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TODAY_ARG

from smartnet_tui.imports.demo import sample_dir

LOCK_WAIT_NOTICE = "waiting for the database lock (held by another writer)..."
HOLD = ("import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
        "lock.acquire(); print('held', flush=True); sys.stdin.read()")


@pytest.fixture
def sample_db(cli, db_path) -> Path:
    code, _, err = cli("import", sample_dir() / "estate.yaml", "--db", db_path)
    assert code == 0, err
    return db_path


@pytest.fixture
def held(sample_db):
    """Another process holds the database lock until the test closes its stdin."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(sample_db) + ".lock"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    yield holder
    if holder.stdin is not None and not holder.stdin.closed:
        holder.stdin.close()
    holder.wait(timeout=10)


def test_a_writer_gives_up_after_the_bounded_wait_and_says_why(cli, sample_db, held, monkeypatch):
    monkeypatch.setenv("SMARTNET_LOCK_TIMEOUT", "1.5")
    before = sample_db.read_bytes()
    code, out, err = cli("triage", "92451876", "ordered", "--db", sample_db, "--today", TODAY_ARG)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"smartnet: {LOCK_WAIT_NOTICE}"
    assert len(lines) == 2 and lines[1].startswith("smartnet: error: ")
    assert "locked by another smartnet for over 1.5 s" in lines[1]
    assert "SMARTNET_LOCK_TIMEOUT" in lines[1]
    assert sample_db.read_bytes() == before


def test_a_waiting_writer_says_so_once_then_writes_when_the_lock_is_free(sample_db, held):
    env = {**os.environ, "SMARTNET_LOCK_TIMEOUT": "60"}
    writer = subprocess.Popen(
        [sys.executable, "-m", "smartnet_tui", "triage", "92451876", "ordered", "--db",
         str(sample_db), "--today", TODAY_ARG],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert writer.stderr is not None
    first = writer.stderr.readline()  # the condition: the writer is waiting, and said so
    assert first == f"smartnet: {LOCK_WAIT_NOTICE}\n"
    assert held.stdin is not None
    held.stdin.close()  # the other writer is done
    out, rest = writer.communicate(timeout=30)
    assert writer.returncode == 0, rest
    assert rest == ""  # said once
    assert "to review -> ordered" in out


def test_a_bad_lock_timeout_is_one_line(cli, sample_db, monkeypatch):
    monkeypatch.setenv("SMARTNET_LOCK_TIMEOUT", "soon")
    code, _, err = cli("triage", "92451876", "ordered", "--db", sample_db, "--today", TODAY_ARG)
    assert code == 2
    assert err.count("\n") == 1 and "SMARTNET_LOCK_TIMEOUT='soon' is not a number" in err


@pytest.mark.parametrize("command", [["export"], ["report"], ["report", "--csv"],
                                     ["report", "--xlsx"], ["request", "--csv"]])
def test_an_output_made_read_only_is_refused_not_replaced(cli, sample_db, tmp_path, command):
    target = tmp_path / "frozen.out"
    target.write_text("kept\n")
    os.chmod(target, 0o444)
    ino = target.stat().st_ino
    code, out, err = cli(*command, "-o", target, "--db", sample_db, "--today", TODAY_ARG)
    assert code == 2, out
    assert err.count("\n") == 1 and "is read-only" in err
    assert target.read_text() == "kept\n" and target.stat().st_ino == ino
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
