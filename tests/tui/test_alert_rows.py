"""Every alert of the engine is a row of the Alerts screen: a contract with two renewals due
(lines ending on two dates) has two `expiring` alerts about the same contract, and both show
(a row key of kind and subject alone hid all but one)."""

from __future__ import annotations

from datetime import date

from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.model import Contract, Device, LineSpec
from smartnet_tui.store.db import Store
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.widgets.bars import ModeBar
from smartnet_tui.tui.widgets.record_table import RecordTable

from .conftest import TODAY, wait_loaded


async def test_two_renewals_of_one_contract_are_two_rows(tmp_path):
    db = tmp_path / "db.json"
    store = Store(db)
    store.apply([
        PutDevice(Device("FOC1", "C9300-48P")),
        PutDevice(Device("FOC2", "C9300-48P")),
        PutContract(Contract("7000", service_level="SNTP", lines=(
            LineSpec("FOC1", start=date(2026, 1, 1), end=date(2026, 12, 10)),
            LineSpec("FOC2", start=date(2026, 1, 1), end=date(2027, 1, 15))))),
    ], "test")
    store.close()
    app = SmartnetApp(Settings(db_path=db, today=TODAY))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        expiring = [a for a in app.analysis.alerts() if a.kind == "expiring"]
        assert len(expiring) == 2 and {a.subject for a in expiring} == {"7000"}
        table = app.screen.query_one("#table", RecordTable)
        shown = [app.screen.source.alert(k) for k in table.keys]
        assert sorted(shown, key=lambda a: a.sort_key) == app.analysis.alerts()
        assert f"{len(app.analysis.alerts())} alerts" in str(app.screen.query_one(ModeBar).render())
        text = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert "2026-12-10" in text and "2027-01-15" in text
