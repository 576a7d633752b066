"""An edit made in the app over a record another process changed a moment ago is refused
and the screen shows the other writer's version (nothing is silently overwritten)."""

from dataclasses import replace

import pytest

from smartnet_tui.domain.changes import PutContract, PutDevice
from smartnet_tui.domain.model import Triage
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


# ---------------------------------------------------------------- two admins, one dialog
# Admin B (the app under test) opens a dialog; admin A (a second Store on the same file)
# saves the same record while it is open; B saves. A's change must survive, B is told who
# changed it, and B's screen shows A's version.

def colleague_writes(db, monkeypatch, change, action):
    """Admin A's save, under their own name (the journal's ``who``)."""
    monkeypatch.setenv("SUDO_USER", "alice")
    try:
        Store(db).apply([change], action)
    finally:
        monkeypatch.delenv("SUDO_USER")


def conflict_notices(app):
    return [str(n.message) for n in app._notifications if "changed by another process" in
            str(n.message)]


async def open_triage(pilot, number):
    from smartnet_tui.tui.components.dialogs import FormModal

    app = pilot.app
    app.open_contract(number)
    await pilot.pause()
    await pilot.press("t")
    assert isinstance(app.screen, FormModal)


@pytest.mark.parametrize("followed", [True, False], ids=["followed", "not-yet-followed"])
async def test_triage_saved_over_a_colleagues_triage_keeps_theirs(app, filled_db, monkeypatch,
                                                                  followed):
    """``t``: A saves owner and note while B's dialog is open; B's save is refused."""
    from smartnet_tui.tui.components.dialogs import FormModal
    from smartnet_tui.tui.screens.detail import ContractScreen

    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await open_triage(pilot, "2000")
        c = Store(filled_db).load().contracts["2000"]
        theirs = replace(c, triage=Triage("quote requested", "alice", "quote Q-77 from Acme"))
        colleague_writes(filled_db, monkeypatch, PutContract(theirs), "tui: triage 2000 -> quote")
        if followed:  # B's app follows the file while the dialog is open
            assert await wait_until(pilot, lambda: app.estate.contracts["2000"].triage is not None)
        app.screen.query_one("#f-state").value = "do not renew"
        app.screen.query_one("#f-note").value = "replaced by C9300"
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, FormModal)

        assert await wait_until(pilot, lambda: bool(conflict_notices(app)))
        await wait_until(pilot, lambda: app.sync.writes_pending == 0 and not app._refreshing)
        stored = Store(filled_db).load().contracts["2000"]
        assert stored.triage == theirs.triage  # the colleague's note survives
        assert Store(filled_db).history()[-1]["who"] == "alice"
        notice = conflict_notices(app)[-1]
        assert "\n" not in notice
        assert "contract 2000 was changed by another process (alice" in notice
        assert "triage 2000 -> quote" in notice and "not saved" in notice
        # B's screen shows A's version, and there is nothing of B's to undo
        assert await wait_until(pilot, lambda: app.estate.contracts["2000"].triage == theirs.triage)
        assert isinstance(app.screen, ContractScreen)
        assert await wait_until(
            pilot, lambda: "quote Q-77 from Acme" in str(app.screen.query_one("#info").render()))
        assert "replaced by C9300" not in str(app.screen.query_one("#info").render())
        assert not app.undo_stack


@pytest.mark.parametrize("followed", [True, False], ids=["followed", "not-yet-followed"])
async def test_status_saved_over_a_colleagues_status_keeps_theirs(app, filled_db, monkeypatch,
                                                                  followed):
    """``s``: A sets spare while B's choice is open on active; B picks decommissioned."""
    from smartnet_tui.tui.components.dialogs import ChoiceModal

    serial = "FOC0005EEEE"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        app.open_device(serial)
        await pilot.pause()
        await pilot.press("s")
        assert isinstance(app.screen, ChoiceModal)
        dev = Store(filled_db).load().devices[serial]
        colleague_writes(filled_db, monkeypatch, PutDevice(replace(dev, status="spare")),
                         f"tui: {serial} status active -> spare")
        if followed:
            assert await wait_until(pilot, lambda: app.estate.devices[serial].status == "spare")
        await pilot.press("j", "j", "enter")  # active, spare, decommissioned
        assert not isinstance(app.screen, ChoiceModal)

        assert await wait_until(pilot, lambda: bool(conflict_notices(app)))
        await wait_until(pilot, lambda: app.sync.writes_pending == 0 and not app._refreshing)
        assert Store(filled_db).load().devices[serial].status == "spare"
        journal = Store(filled_db).history()
        assert journal[-1]["action"] == f"tui: {serial} status active -> spare"
        assert not any("decommissioned" in e["action"] for e in journal)
        notice = conflict_notices(app)[-1]
        assert f"device {serial} was changed by another process (alice" in notice
        titles = [str(n.title) for n in app._notifications]
        assert f"not saved: {serial} status active -> decommissioned" in titles
        assert await wait_until(pilot, lambda: app.estate.devices[serial].status == "spare")
        assert await wait_until(
            pilot, lambda: "spare" in str(app.screen.query_one("#info").render()))
        assert not app.undo_stack


async def test_a_dialog_saves_when_nobody_else_changed_the_record(app, filled_db, monkeypatch):
    """A colleague's write to another record is no conflict: B's save goes through."""
    serial = "FOC0005EEEE"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        app.open_device(serial)
        await pilot.pause()
        await pilot.press("s")
        other = Store(filled_db).load().devices["FOC0003CCCC"]
        colleague_writes(filled_db, monkeypatch, PutDevice(replace(other, notes="rma")), "cron")
        await pilot.press("j", "enter")  # spare
        await wait_until(pilot, lambda: app.sync.writes_pending == 0 and not app._refreshing)
        stored = Store(filled_db).load()
        assert (stored.devices[serial].status, stored.devices["FOC0003CCCC"].notes) == ("spare", "rma")
        assert Store(filled_db).history()[-1]["action"] == f"tui: {serial} status active -> spare"
        assert not conflict_notices(app)
