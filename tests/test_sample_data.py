"""The bundled sample estate: valid, the same in YAML and JSON, and showing every alert
kind (renewal_blocked included) on the demo date."""

import subprocess
import sys
from pathlib import Path

from smartnet_tui.config import DEMO_TODAY
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.imports.planner import import_files
from smartnet_tui.store import Store
from smartnet_tui.store.export import export_data

ROOT = Path(__file__).resolve().parents[1]
KINDS = {"expiring", "review", "lapsed", "uncovered", "inactive_covered", "orphan", "duplicate",
         "end_of_support", "beyond_ldos", "service_level", "coterm", "renewal_blocked",
         "will_lapse", "unconfirmed"}


def _import(tmp_path: Path, name: str) -> Store:
    store = Store(tmp_path / f"{name}.db.json")
    result = import_files(store, [sample_dir() / name, sample_dir() / "eox.json"])
    assert not result.errors and not result.warnings, (result.errors, result.warnings)
    return store


def test_yaml_and_json_twins_hold_the_same_estate(tmp_path: Path) -> None:
    from_yaml = export_data(_import(tmp_path, "estate.yaml").raw())
    from_json = export_data(_import(tmp_path, "estate.json").raw())
    assert from_yaml == from_json


def test_every_alert_kind_shows_on_the_demo_date(tmp_path: Path) -> None:
    analysis = Analysis(_import(tmp_path, "estate.yaml").load(), Policy(DEMO_TODAY))
    assert {a.kind for a in analysis.alerts()} == KINDS
    renewals = {st.renewal for st in analysis.contract_status.values()}
    assert renewals == {"expired", "due", "review", "ok", "renewed", "not needed", "cancelled"}
    assert {r.status for r in analysis.renewals()} == {
        "expired", "due", "review", "ok", "renewed", "not needed"}
    # what the planning issue needs: a co-term group, a renew line capped by its end of
    # support, and a lapsed renew line (its end has passed)
    assert any(a.kind == "coterm" for a in analysis.alerts())
    lines = [ln for r in analysis.renewals() for ln in r.lines if ln.disposition == "renew"]
    assert any(ln.max_end is not None for ln in lines)
    assert any(ln.end < DEMO_TODAY for ln in lines)
    # triage as older files keep it (per contract) and per renewal, with its history
    triaged = {(r.contract, r.state, len(r.triage.history)) for r in analysis.renewals()
               if r.state != "to review"}
    assert triaged == {("206004518", "do not renew", 0), ("88120455", "ordered", 3)}
    # every disposition shows too
    assert {ln.disposition for r in analysis.renewals() for ln in r.lines} == {
        "renewed", "drop", "replace", "blocked", "renew"}


def test_the_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_sample_data.py"), str(tmp_path)],
                   check=True, capture_output=True)
    for name in ("estate.yaml", "estate.json", "eox.json"):
        assert (tmp_path / name).read_bytes() == (ROOT / "sample_data" / name).read_bytes(), name
