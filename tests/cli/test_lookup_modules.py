"""A module's serial (folded under its chassis by an export import) answers with the
chassis's coverage: that is what Cisco will look at when the module fails."""

import json
from pathlib import Path

from helpers import TODAY_ARG

from smartnet_tui.cli import main

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


def test_lookup_of_a_module_follows_its_chassis(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "db.json")
    assert main(["import", str(EXPORTS / "cscc_lines.csv"), "--db", db]) == 0
    capsys.readouterr()
    code = main(["lookup", "foc2301m1ab", "--json", "--db", db, "--today", TODAY_ARG])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["serial"] == "FOC2301M1AB"
    assert data["module_of"] == {"chassis": "FOC2301A0AA", "pid": "C9300-NM-2Q"}
    assert data["coverage"]["status"] == "covered"
    assert data["coverage"]["contracts"] == ["0093425688"]

    assert main(["lookup", "FOC2301M1AB", "--db", db, "--today", TODAY_ARG]) == 0
    out = capsys.readouterr().out
    assert out.startswith("FOC2301M1AB: a module (C9300-NM-2Q) of chassis FOC2301A0AA")
    assert "COVERED until 2027-01-31" in out


def test_an_unknown_serial_is_still_unknown(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "db.json")
    assert main(["import", str(EXPORTS / "cscc_lines.csv"), "--db", db]) == 0
    assert main(["lookup", "NOPE123", "--db", db]) == 3


def test_history_refuses_a_negative_count(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "db.json")
    assert main(["import", str(EXPORTS / "cscc_lines.csv"), "--db", db]) == 0
    capsys.readouterr()
    assert main(["history", "-n", "-5", "--db", db]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot be negative" in err[0]


def test_a_module_among_several_lookups_answers_with_its_chassis(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "db.json")
    assert main(["import", str(EXPORTS / "cscc_lines.csv"), "--db", db, "-q"]) == 0
    capsys.readouterr()
    code = main(["lookup", "foc2301m1ab", "NOSUCH", "--db", db, "--today", TODAY_ARG])
    first, second = capsys.readouterr().out.splitlines()
    assert code == 3
    assert first.startswith("foc2301m1ab  COVERED until 2027-01-31")
    assert "FOC2301M1AB (module of FOC2301A0AA)" in first
    assert second.startswith("NOSUCH       UNKNOWN")
