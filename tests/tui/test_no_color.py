"""NO_COLOR (issue 11): the app stays readable in the terminal's own colours.

Textual's monochrome filter once turned the ANSI theme's default colours into #000000:
black text on a black background. These tests read what is rendered (the segments the
terminal gets), not the theme's name.
"""

from __future__ import annotations

from rich.segment import Segment

from smartnet_tui.tui.app import SmartnetApp

from .conftest import wait_loaded

SIZE = (100, 30)


def _segments(app) -> list[list[Segment]]:
    """The screen as the terminal gets it: each line's segments (Textual applies its
    colour filters, NO_COLOR's among them, as it renders each widget's lines)."""
    return [list(strip) for strip in app.screen._compositor.render_strips()]


def _text_cells(lines: list[list[Segment]]):
    for line in lines:
        for seg in line:
            if seg.text.strip() and seg.style is not None:
                yield seg


async def test_no_color_text_is_never_the_colour_of_its_background(monkeypatch, settings):
    monkeypatch.setenv("NO_COLOR", "1")
    app = SmartnetApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        lines = _segments(app)
        text = "\n".join("".join(s.text for s in line) for line in lines)
        assert "FOC0007GGGG" in text or "alerts" in text
        cells = list(_text_cells(lines))
        assert cells
        for seg in cells:
            fg, bg = seg.style.color, seg.style.bgcolor
            # the terminal's defaults (or none at all): never black on black
            assert fg is None or fg.is_default, (seg.text, seg.style)
            assert bg is None or bg.is_default, (seg.text, seg.style)


async def test_no_color_shows_the_selected_row_in_reverse(monkeypatch, settings):
    monkeypatch.setenv("NO_COLOR", "1")
    app = SmartnetApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        await pilot.pause()
        table = app.screen.query_one("RecordTable")
        key = table.cursor_key
        assert key
        lines = _segments(app)
        row = next(line for line in lines if key in "".join(s.text for s in line))
        cell = next(s for s in row if key in s.text)  # the row's own text, not the scrollbar
        assert cell.style is not None and cell.style.reverse, f"{key} is not in reverse video"
        other = next(line for line in lines
                     if "".join(s.text for s in line).startswith("FOC") and key not in
                     "".join(s.text for s in line))
        assert not any(s.style is not None and s.style.reverse for s in other if s.text.strip())


async def test_with_colours_the_theme_still_colours(settings):
    app = SmartnetApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        cells = list(_text_cells(_segments(app)))
        assert any(s.style.color is not None and not s.style.color.is_default for s in cells)


async def test_no_color_marks_the_highlighted_choice_of_a_dialog(monkeypatch, settings):
    """Textual draws an option's reverse video by swapping colours, which NO_COLOR drops:
    the highlighted choice must still stand out (underlined), the others not."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = SmartnetApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("s")  # the device status dialog: active (current), spare, ...
        await pilot.pause()
        lines = _segments(app)

        def cell(text: str) -> Segment:  # the option's own segment, inside the dialog's border
            return next(s for line in lines if any(x.text == "│" for x in line)
                        for s in line if s.text.strip() == text)

        assert cell("active  (current)").style.underline
        assert not cell("spare").style.underline
        await pilot.press("down")
        await pilot.pause()
        lines = _segments(app)
        assert cell("spare").style.underline
        assert not cell("active  (current)").style.underline
