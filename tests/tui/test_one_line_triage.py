"""The app's triage dialog refuses an owner or note that is not one line of plain text
(a pasted line break or bidi control): said in the dialog, which stays open, nothing
written (the same rule as `smartnet triage` and data files)."""

import pytest

from smartnet_tui.store.db import Store

from .conftest import wait_loaded


@pytest.mark.parametrize(("field", "text", "said"), [
    ("note", "ok\n2000  OK", "note holds a line break"),
    ("owner", "\u202eana", "owner holds a bidi control"),
])
async def test_the_triage_dialog_refuses_text_that_is_not_one_line(app, filled_db, field, text,
                                                                   said):
    from smartnet_tui.tui.components.dialogs import FormModal

    before = filled_db.read_bytes()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        app.open_contract("2000")
        await pilot.pause()
        await pilot.press("t")
        assert isinstance(app.screen, FormModal)
        app.screen.query_one(f"#f-{field}").value = text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)  # kept open, with what was typed
        assert said in str(app.screen.query_one("#error").render())
    assert filled_db.read_bytes() == before
    assert Store(filled_db).load().contracts["2000"].renewal_triage == ()
