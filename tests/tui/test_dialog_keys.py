"""Dialogs: j/k move in a dropdown as ? says (the triage dialog's state), and stay letters
in a text field."""

from __future__ import annotations

from .conftest import wait_loaded, wait_until


async def test_j_and_k_move_in_the_triage_dialogs_state_dropdown(app):
    from textual.widgets import Input, Select

    from smartnet_tui.tui.components.dialogs import FormModal

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("t")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        dialog = app.screen
        state = dialog.query_one("#f-state", Select)
        before = state.value
        assert dialog.focused is state
        await pilot.press("j")  # opens the list
        await pilot.pause()
        assert state.expanded
        await pilot.press("j", "enter")  # the next state
        await pilot.pause()
        assert not state.expanded
        options = [v for _, v in state._options]
        assert options.index(state.value) == options.index(before) + 1
        await pilot.press("k", "k", "enter")  # and back
        await pilot.pause()
        assert state.value == before
        await pilot.press("tab")
        await pilot.press("j", "k")  # letters in the owner field
        await pilot.pause()
        assert dialog.query_one("#f-owner", Input).value.endswith("jk")
