"""What an edit dialog's save is checked against: the records it showed when it opened
(``Seen``), not the ones in memory at save time, which may hold a colleague's change."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from smartnet_tui.domain.basis import Seen
from smartnet_tui.domain.changes import (
    DeleteContract,
    DeleteDevice,
    PutContract,
    PutDevice,
    apply_changes,
)
from smartnet_tui.domain.model import Contract, Device, Estate, LineSpec
from smartnet_tui.store import ConflictError, Store


def estate() -> Estate:
    e = Estate()
    apply_changes(e, [PutDevice(Device("FOC1", hostname="core-1")),
                      PutContract(Contract("1000", end=date(2026, 12, 20),
                                           lines=(LineSpec("FOC1"),)))])
    return e


def test_a_captured_record_is_expected_as_seen_even_after_memory_moved_on() -> None:
    e = estate()
    seen = Seen.of(e, serials=["FOC1"])
    shown = e.devices["FOC1"]
    apply_changes(e, [PutDevice(replace(shown, status="spare"))])  # a colleague's, followed
    edit = [PutDevice(replace(e.devices["FOC1"], status="decommissioned"))]
    assert seen.expected(e, edit) == [PutDevice(shown)]
    assert seen.changed_in(e) == [("device", "FOC1")]


@pytest.mark.parametrize(("edit", "expected"), [
    # not captured: as in memory now (the new contract must still not exist)
    ([PutContract(Contract("1001", end=date(2027, 12, 20)))], [DeleteContract("1001")]),
    # captured as absent (a serial typed in the palette): must still be absent
    ([PutDevice(Device("NEW1"))], [DeleteDevice("NEW1")]),
    # one expectation per record, however many changes put it
    ([PutDevice(Device("FOC1", site="LON")), PutDevice(Device("FOC1", site="PAR"))],
     [PutDevice(Device("FOC1", hostname="core-1"))]),
], ids=["uncaptured", "captured-absent", "once-per-record"])
def test_expected_records(edit, expected) -> None:
    e = estate()
    seen = Seen.of(e, serials=["FOC1", "NEW1"])
    assert seen.expected(e, edit) == expected
    assert seen.changed_in(e) == []


def test_the_store_refuses_and_names_who_changed_the_record(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "db.json"
    Store(path).apply([PutDevice(Device("FOC1", hostname="core-1"))], "setup")
    mine = Store(path)
    e = mine.load()
    seen = Seen.of(e, serials=["FOC1"])
    monkeypatch.setenv("SUDO_USER", "alice")
    Store(path).apply([PutDevice(Device("FOC1", hostname="core-1", status="spare"))],
                      "tui: FOC1 status active -> spare")
    monkeypatch.setenv("SUDO_USER", "bob")
    edit = [PutDevice(Device("FOC1", hostname="core-1", status="decommissioned"))]
    with pytest.raises(ConflictError) as err:
        mine.apply(edit, "tui: FOC1 status active -> decommissioned", expect=seen.expected(e, edit))
    msg = str(err.value)
    assert "\n" not in msg
    assert "device FOC1 was changed by another process (alice at " in msg
    assert ": FOC1 status active -> spare) since: not saved" in msg
    assert Store(path).load().devices["FOC1"].status == "spare"
    assert Store(path).history()[-1]["who"] == "alice"
