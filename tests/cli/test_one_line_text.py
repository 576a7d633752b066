"""A triage owner or note is one line of plain text (reviewer's finding: a note holding
line breaks forged worklist entries). Refused at every way in (the CLI, the app's edit
builder, data files); and what is already stored is printed inert, one entry per item."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import TODAY_ARG

from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.edits import EditError
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Contract, Device, LineSpec, Triage
from smartnet_tui.domain.worklist import set_renewal_triage
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.store.db import Store

FORGED = "ok\n\n206004518  OK  deadline 2099-01-01"
HOSTILE = [FORGED, "a\rb", "tab\there", "\x1b]0;pwned\x07", "\u202eevil", "x\x85y", "a\u2028b"]


@pytest.fixture
def sample_db(cli, db_path):
    code, _, err = cli("import", sample_dir() / "estate.yaml", "--db", db_path)
    assert code == 0, err
    return db_path


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("option", ["--note", "--owner"])
def test_triage_refuses_a_note_or_owner_that_is_not_one_line(cli, sample_db, option, text):
    before = sample_db.read_bytes()
    code, out, err = cli("triage", "92451876", "ordered", option, text, "--db", sample_db,
                         "--today", TODAY_ARG)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("smartnet: error: triage: "), err
    assert option[2:] in lines[0] and "one line of plain text" in lines[0]
    assert sample_db.read_bytes() == before


def test_triage_keeps_printable_text(cli, sample_db):
    code, _, err = cli("triage", "92451876", "ordered", "--owner", "Zoë → NOC", "--note",
                       "PO 4711 | ok", "--db", sample_db, "--today", TODAY_ARG)
    assert code == 0, err


def test_the_edit_builder_refuses_it_for_every_caller(sample_db):
    analysis = Analysis(Store(sample_db).load(), Policy(today=date(2026, 12, 1)))
    with pytest.raises(EditError, match="note holds a line break"):
        set_renewal_triage(analysis, "92451876", "ordered", note=FORGED, user="u", at="t")
    with pytest.raises(EditError, match="owner holds a bidi control"):
        set_renewal_triage(analysis, "92451876", "ordered", owner="\u202eana", user="u", at="t")


@pytest.mark.parametrize("key", ["triage", "renewal_triage"])
def test_a_data_file_with_a_multi_line_note_is_refused(cli, db_path, write_yaml, key):
    triage = ('{state: ordered, note: "ok\\n206004518  OK"}' if key == "triage" else
              '[{end: 2027-06-30, state: ordered, note: "ok\\n206004518  OK"}]')
    src = write_yaml(f"""
        contracts:
          - number: "5"
            end: 2027-06-30
            {key}: {triage}
        """)
    code, out, err = cli("import", src, "--db", db_path)
    assert code == 2, out
    assert "note" in err and "line break" in err
    assert not db_path.exists() or "206004518" not in db_path.read_text()


@pytest.fixture
def stored_forgery(tmp_path):
    """A note with line breaks as an older smartnet could store it (through the store)."""
    db = tmp_path / "h.json"
    store = Store(db)
    store.apply([
        PutDevice(Device("EVIL1", hostname="core")),
        PutContract(Contract("92451876", service_level="SNT", end=date(2026, 12, 20),
                             reseller="Acme | Co\nX", lines=(LineSpec("EVIL1"),),
                             renewal_triage=(Triage("ordered", "bob\n| 1 |", FORGED,
                                                    end=date(2026, 12, 20)),))),
    ], action="fixture")
    store.close()
    return db


def test_plain_worklist_shows_a_stored_multi_line_note_on_its_line(cli, stored_forgery):
    code, out, err = cli("worklist", "--db", stored_forgery, "--today", TODAY_ARG)
    assert code == 0, err
    assert not any(line.startswith("206004518") for line in out.splitlines())
    assert "  note: ok\\n\\n206004518  OK  deadline 2099-01-01" in out.splitlines()


def test_markdown_worklist_keeps_each_row_whole(cli, stored_forgery):
    code, out, err = cli("worklist", "--markdown", "--db", stored_forgery, "--today", TODAY_ARG)
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.startswith("| 92451876 "))
    assert "bob\\n\\| 1 \\|" in row
    assert all(line.count("|") - line.count("\\|") in (0, 11, 9) for line in out.splitlines()
               if line.startswith("|")), out


@pytest.mark.parametrize("fmt", [[], ["--markdown"]])
def test_report_shows_a_stored_multi_line_text_on_its_line(cli, stored_forgery, fmt):
    code, out, err = cli("report", *fmt, "--db", stored_forgery, "--today", TODAY_ARG)
    assert code == 0, err
    assert "Acme \\| Co\\nX" in out if fmt else "Acme | Co\\nX" in out
    assert not any(line == "X" or line.startswith("X ") for line in out.splitlines()), out


def test_the_contract_level_triage_edit_refuses_it_too(sample_db):
    from smartnet_tui.domain import edits

    estate = Store(sample_db).load()
    with pytest.raises(EditError, match="owner holds a tab"):
        edits.set_triage(estate, "92451876", "ordered", "a\tb", "")
    with pytest.raises(EditError, match="note holds a line break"):
        edits.set_triage(estate, "92451876", "ordered", "ana", FORGED)
