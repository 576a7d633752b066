"""An edit made in the app over a record another process changed a moment ago is refused
and the screen shows the other writer's version (nothing is silently overwritten)."""

from dataclasses import replace

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.store.db import Store

from .conftest import wait_loaded, wait_until

SERIAL = "FOC0001AAAA"


async def test_an_edit_over_another_writers_change_is_not_saved(app, filled_db):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        dev = app.estate.devices[SERIAL]
        # another admin's write lands, and before the app's poll notices it, an edit
        # based on the old record is submitted (same event-loop turn: deterministic)
        Store(filled_db).apply([PutDevice(replace(dev, notes="moved to rack 4"))], "cron")
        assert app.submit([PutDevice(replace(dev, status="spare"))], "status spare")

        assert await wait_until(pilot, lambda: app.estate.devices[SERIAL].notes == "moved to rack 4")
        assert app.estate.devices[SERIAL].status == "active"
        stored = Store(filled_db).load().devices[SERIAL]
        assert (stored.status, stored.notes) == ("active", "moved to rack 4")
        assert [e["action"] for e in Store(filled_db).history()][-1] == "cron"
        assert any("changed by another process" in str(n.message) for n in app._notifications)
