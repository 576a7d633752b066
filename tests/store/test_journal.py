"""The journal as other processes follow it: Store.last_journal_id / Store.changes_since,
and an unreadable database reported once per change of the file, not at every poll."""

from __future__ import annotations

import os

import pytest
from helpers import D

from smartnet_tui.domain.changes import DeleteDevice, PutContract, PutDevice, PutEoX
from smartnet_tui.domain.model import Contract, Device, EoX
from smartnet_tui.store import journal
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.store.journal import change_to_record_parts, record_to_change


@pytest.mark.parametrize(
    "change",
    [
        PutDevice(Device("A", hostname="a")),
        DeleteDevice("A"),
        PutContract(Contract("C1", end=D("2027-01-31"))),
        PutEoX(EoX("WS-C1", last_date_of_support=D("2030-01-31"))),
    ],
)
def test_a_change_round_trips_through_its_journal_record(change):
    table, key, after = change_to_record_parts(change)
    assert record_to_change(table, key, after) == change


def test_a_database_never_written_has_journal_id_zero(db_path):
    store = Store(db_path)
    assert store.last_journal_id() == 0
    assert store.changes_since(0) == ([], 0)


def test_changes_since_returns_what_another_store_wrote(db_path):
    mine = Store(db_path)
    mine.apply([PutDevice(Device("A"))], "seed")
    since = mine.last_journal_id()
    assert since == 1
    other = Store(db_path)
    other.apply([PutDevice(Device("B", hostname="b"))], "b")
    other.apply([DeleteDevice("A")], "c")
    assert mine.changes_since(since) == (
        [PutDevice(Device("B", hostname="b")), DeleteDevice("A")], 3)
    assert mine.last_journal_id() == 3
    assert mine.changes_since(3) == ([], 3)


def test_changes_since_refuses_a_journal_that_does_not_continue(db_path, tmp_path):
    store = Store(db_path)
    store.apply([PutDevice(Device("A"))], "a")
    assert store.changes_since(5) is None  # the file is older than what we knew: replaced
    replaced = Store(tmp_path / "other.json")
    replaced.apply([PutDevice(Device("Z"))], "z")
    os.replace(tmp_path / "other.json", db_path)
    assert store.changes_since(0) == ([PutDevice(Device("Z"))], 1)


def test_changes_since_gives_up_beyond_max_replay(db_path, monkeypatch):
    store = Store(db_path)
    monkeypatch.setattr(journal, "MAX_REPLAY", 2)
    store.apply([PutDevice(Device(s)) for s in "ABC"], "three")
    assert store.changes_since(0) is None
    monkeypatch.setattr(journal, "MAX_REPLAY", 3)
    assert store.changes_since(0) == ([PutDevice(Device(s)) for s in "ABC"], 1)


def test_an_unreadable_database_is_not_a_change_at_every_poll(db_path):
    store = Store(db_path)
    store.apply([PutDevice(Device("A"))], "a")
    db_path.write_text("{ not json")
    assert store.changed_on_disk()
    with pytest.raises(StoreError):
        store.raw()
    # the failed read recorded the file's stamp: the next polls see nothing new
    assert not store.changed_on_disk()
    assert not store.changed_on_disk()
    # and a later fix of the file is seen, and read
    fixed = Store(db_path.with_name("fixed.json"))
    fixed.apply([PutDevice(Device("B"))], "b")
    os.replace(fixed.path, db_path)
    assert store.changed_on_disk()
    assert set(store.load().devices) == {"B"}
    assert not store.changed_on_disk()
