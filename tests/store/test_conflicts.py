"""An edit based on a record that another process has changed since is refused, not
written over their change (two admins on one jump host lose nothing)."""

from dataclasses import replace
from pathlib import Path

import pytest

from smartnet_tui.domain.changes import PutContract, PutDevice, inverse
from smartnet_tui.domain.model import Device
from smartnet_tui.imports.demo import DEMO_FILES, sample_dir
from smartnet_tui.imports.planner import import_files
from smartnet_tui.store import ConflictError, Store
from smartnet_tui.store import converters as cv

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


@pytest.mark.parametrize("files", [
    [sample_dir() / "estate.yaml", sample_dir() / "eox.json"],
    [EXPORTS / "cscc_lines.csv", EXPORTS / "installed_base.xlsx", EXPORTS / "sn2info.json",
     EXPORTS / "eox.json"],
], ids=["sample data", "cisco exports"])
def test_stored_records_round_trip_exactly(tmp_path: Path, files) -> None:
    """The conflict check compares stored documents with the app's records: they must
    convert back to the very same documents, or every edit would be a false conflict."""
    store = Store(tmp_path / "db.json")
    for f in files:  # one at a time: exports may describe the same contracts
        result = import_files(store, [f], add_devices=True)
        assert not result.errors, result.errors
    raw = store.raw()
    for doc in raw["devices"].values():
        assert cv.device_to_doc(cv.device_from_doc(doc)) == doc
    for doc in raw["contracts"].values():
        assert cv.contract_to_doc(cv.contract_from_doc(doc)) == doc
    for doc in raw["eox"].values():
        assert cv.eox_to_doc(cv.eox_from_doc(doc)) == doc


def test_an_edit_over_a_change_made_elsewhere_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    Store(path).apply([PutDevice(Device("FOC1", hostname="core-1"))], "setup")
    mine = Store(path)  # the app
    estate = mine.load()
    Store(path).apply([PutDevice(Device("FOC1", hostname="core-1", status="spare"))], "cron")

    edit = [PutDevice(replace(estate.devices["FOC1"], criticality="critical"))]
    with pytest.raises(ConflictError, match="device FOC1 was changed by another process"):
        mine.apply(edit, "tui: criticality", expect=inverse(estate, edit))
    stored = Store(path).load().devices["FOC1"]
    assert stored.status == "spare" and stored.criticality == "normal"
    assert [e["action"] for e in Store(path).history()] == ["setup", "cron"]


def test_an_edit_on_an_unchanged_record_is_written(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    import_files(Store(path), [sample_dir() / f for f in DEMO_FILES])
    mine = Store(path)
    estate = mine.load()
    # another process changes a different record: no conflict for ours
    other = Store(path)
    dev = next(iter(estate.devices.values()))
    other.apply([PutDevice(replace(dev, notes="seen by cron"))], "cron")
    contract = estate.contracts["92451876"]
    edit = [PutContract(replace(contract, reseller="New Partner"))]
    assert mine.apply(edit, "tui: reseller", expect=inverse(estate, edit)) is not None
    after = Store(path).load()
    assert after.contracts["92451876"].reseller == "New Partner"
    assert after.devices[dev.serial].notes == "seen by cron"
