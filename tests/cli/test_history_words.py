"""``smartnet history`` after ``smartnet triage`` says what changed in words: the renewal,
then state, owner and note, only what changed, never a Python dict or a cut value."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import TODAY_ARG

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.domain.display import inert
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.store.db import Store


@pytest.fixture
def run(cli, db_path: Path):
    code, _, err = cli("import", sample_dir() / "estate.yaml", sample_dir() / "eox.json",
                       "--db", db_path)
    assert code == 0, err

    def _run(*argv):
        return cli(*argv, "--db", db_path, "--today", TODAY_ARG)
    return _run


def last_change_lines(run) -> list[str]:
    code, out, err = run("history", "-n", "1")
    assert code == 0, err
    return [ln.strip() for ln in out.splitlines() if ln.startswith("    ")]


def test_history_after_triage_names_each_changed_field(run):
    # 88120455's renewal ending 2026-10-31 is `ordered`, owner wei, with a note (sample data)
    code, _, err = run("triage", "88120455", "--end", "2026-10-31", "PO", "raised", "--owner", "ana")
    assert code == 0, err
    assert last_change_lines(run) == [
        "~ contract 88120455: renewal ending 2026-10-31: state ordered → PO raised, owner wei → ana"]

    code, _, err = run("triage", "88120455", "--end", "2026-10-31", "PO raised", "--owner", "",
                       "--note", "PO 4500187342 sent")
    assert code == 0, err
    assert last_change_lines(run) == [
        "~ contract 88120455: renewal ending 2026-10-31: owner cleared (was ana), note changed"]


def test_history_of_a_first_triage_gives_its_state_owner_and_whole_note(run):
    note = "Q-2291 requested from NTT Data for all 12 lines, 3-year term asked as an option"
    code, _, err = run("triage", "92451876", "quote requested", "--owner", "ana", "--note", note)
    assert code == 0, err
    assert last_change_lines(run) == [
        f'~ contract 92451876: renewal ending 2026-12-15: state quote requested, owner ana, '
        f'note "{note}"']


def test_history_shows_stored_text_inert(run, db_path):
    """Triage refuses control characters now; a journal written before (or by hand) may hold
    them: the history shows them escaped, once, and still names the field."""
    store = Store(db_path)
    device = store.load().devices["FDO2516E3NL"]
    store.apply([PutDevice(dataclasses.replace(device, notes="evil\x1b[2Jnote"))], action="edit")
    store.close()
    [line] = last_change_lines(run)
    assert line.startswith("~ device FDO2516E3NL: notes ")
    assert "\x1b" not in line and line.endswith(inert("evil\x1b[2Jnote"))
