"""The database stays a TinyDB file: stock TinyDB reads what the store writes."""

from datetime import date
from pathlib import Path

from tinydb import Query, TinyDB

from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.model import Contract, Device, LineSpec
from smartnet_tui.store import Store


def test_stock_tinydb_reads_the_store(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = Store(path)
    store.apply(
        [
            PutDevice(Device("FOC1", pid="C9300-48P", site="NO")),
            PutDevice(Device("FOC2", status="spare")),
            PutContract(Contract("0093425688", end=date(2027, 1, 31), lines=(LineSpec("FOC1"),))),
        ],
        "test",
    )
    db = TinyDB(path)
    devices = db.table("devices")
    assert {d["serial"] for d in devices.all()} == {"FOC1", "FOC2"}
    assert devices.get(Query().serial == "FOC1")["site"] == "NO"
    (contract,) = db.table("contracts").all()
    assert contract["number"] == "0093425688"
    assert contract["lines"] == [{"serial": "FOC1", "status": "active"}]
    (entry,) = db.table("journal").all()
    assert entry["action"] == "test" and len(entry["changes"]) == 3


def test_document_ids_follow_the_file_not_a_cached_counter(tmp_path: Path) -> None:
    """Two store objects on one file (two processes) never reuse a document id."""
    path = tmp_path / "db.json"
    a, b = Store(path), Store(path)
    a.apply([PutDevice(Device("A"))], "a")
    b.apply([PutDevice(Device("B"))], "b")
    a.apply([PutDevice(Device("C"))], "a")
    ids = [doc.doc_id for doc in TinyDB(path).table("devices").all()]
    assert sorted(ids) == [1, 2, 3]
    assert set(Store(path).load().devices) == {"A", "B", "C"}
