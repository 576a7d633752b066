"""What you type into the filter is on screen (the input once sat under the footer)."""

from textual.widgets import Footer

from smartnet_tui.tui.screens.tables import FilterInput

from .conftest import wait_loaded


async def test_the_filter_input_shows_what_is_typed_above_the_footer(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1", "slash", *"acc")
        await pilot.pause()
        box = app.screen.query_one(FilterInput)
        footer = app.screen.query_one(Footer)
        assert box.region.height == 1 and not box.region.overlaps(footer.region)
        rows = [strip.text for strip in app.screen._compositor.render_strips()]
        assert rows[box.region.y].strip() == "acc"
