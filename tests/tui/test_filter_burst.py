"""Keys that arrive together with the filter's slash (a paste, a lagging SSH link that
bunches keystrokes) are never run as commands: `u` undid the last edit, `s` opened the
status dialog, before the filter line had the focus."""

from __future__ import annotations

from dataclasses import replace

from textual import events

from smartnet_tui.domain.changes import PutDevice
from smartnet_tui.tui.screens.tables import FilterInput, InventoryScreen

from .conftest import wait_loaded, wait_until


async def test_keys_bunched_with_the_slash_do_not_run_as_commands(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        dev = app.estate.devices["FOC0005EEEE"]
        assert app.submit([PutDevice(replace(dev, status="spare"))], "status", undo=False)
        assert await wait_until(pilot, lambda: not app.sync.writes_pending)
        undo_before = len(app.undo_stack)
        for key, char in (("slash", "/"), ("u", "u"), ("s", "s"), ("a", "a")):
            app.post_message(events.Key(key, char))  # one read of the terminal: no turn between
        await pilot.pause(0.2)
        assert isinstance(app.screen, InventoryScreen)  # no dialog opened
        assert app.screen.query_one(FilterInput).has_focus
        assert len(app.undo_stack) == undo_before  # nothing undone
        assert app.estate.devices["FOC0005EEEE"].status == "spare"
