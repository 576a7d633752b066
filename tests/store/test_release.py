"""Store.release(): the app keeps the estate, not the documents beside it; a released
store still follows other writers and still refuses an edit based on an old version."""

from __future__ import annotations

import pytest

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.domain.model import Device
from smartnet_tui.store.db import ConflictError, Store


def test_a_released_store_reads_again_and_still_sees_other_writers(db_path):
    mine, theirs = Store(db_path), Store(db_path)
    mine.apply([PutDevice(Device("FOC1", hostname="a"))], "seed")
    assert set(mine.load().devices) == {"FOC1"}
    mine.release()
    assert not mine.holds_documents
    assert not mine.changed_on_disk()
    theirs.apply([PutDevice(Device("FOC2"))], "theirs")
    assert mine.changed_on_disk()
    changes, last = mine.changes_since(1)
    assert last == 2 and changes == [PutDevice(Device("FOC2"))]


def test_a_released_store_refuses_an_edit_based_on_an_old_version(db_path):
    mine, theirs = Store(db_path), Store(db_path)
    old = Device("FOC1", hostname="a")
    mine.apply([PutDevice(old)], "seed")
    mine.release()
    theirs.apply([PutDevice(Device("FOC1", hostname="theirs"))], "theirs")
    with pytest.raises(ConflictError):
        mine.apply([PutDevice(Device("FOC1", hostname="mine"))], "edit", expect=[PutDevice(old)])
    assert Store(db_path).load().devices["FOC1"].hostname == "theirs"
    mine.release()
    mine.apply([PutDevice(Device("FOC1", hostname="mine"))], "edit",
               expect=[PutDevice(Device("FOC1", hostname="theirs"))])
    assert Store(db_path).load().devices["FOC1"].hostname == "mine"


def test_the_apps_load_keeps_the_estate_and_not_the_documents(db_path):
    from datetime import date

    from smartnet_tui.domain.engine import Policy
    from smartnet_tui.tui.sync import load

    store = Store(db_path)
    store.apply([PutDevice(Device("FOC1")), PutDevice(Device("FOC2"))], "seed")
    loaded = load(store, Policy(date(2026, 12, 1)), lambda _text: None)
    assert set(loaded.estate.devices) == {"FOC1", "FOC2"}
    assert not store.holds_documents
