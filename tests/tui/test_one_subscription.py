"""Every screen that follows the data hears each change once: Textual runs BaseScreen's
on_mount as well as the screen's own, and the screens that also called it were subscribed
twice (every change recomputed and redrawn two times)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from smartnet_tui.domain.changes import PutDevice

from .conftest import count_data_changes, wait_loaded, wait_until

SIZE = (120, 40)


async def open_device(app, pilot):
    app.open_device("FOC0005EEEE")


async def open_contract(app, pilot):
    app.open_contract("1000")


async def open_history(app, pilot):
    app.action_history()


async def open_timeline(app, pilot):
    await pilot.press("5")


async def open_worklist_item(app, pilot):
    await pilot.press("4")
    await pilot.pause()
    await pilot.press("enter")


@pytest.mark.parametrize("opener", [open_device, open_contract, open_history, open_timeline,
                                    open_worklist_item])
async def test_a_change_reaches_each_screen_once(app, opener):
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        first = app.screen
        await opener(app, pilot)
        assert await wait_until(pilot, lambda: app.screen is not first)
        await pilot.pause()
        screen = app.screen
        subscribers = [s for s in app.data_signal._subscriptions if s is screen]
        assert len(subscribers) <= 1
        calls = count_data_changes(screen)
        dev = app.estate.devices["FOC0005EEEE"]
        assert app.submit([PutDevice(replace(dev, hostname="once-sw"))], "rename")
        assert await wait_until(pilot, lambda: bool(calls))
        await pilot.pause()
        assert len(calls) == 1, type(screen).__name__
