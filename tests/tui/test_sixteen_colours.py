"""16 colours (TERM=xterm, PuTTY's default): colours are the terminal's own ANSI colours,
never RGB values the terminal would round to other ones (red came out magenta, yellow
bright red, the palette's highlighted entry vanished)."""

from __future__ import annotations

from .conftest import wait_loaded, wait_until


def _segments(app):
    return [seg for strip in app.screen._compositor.render_strips() for seg in strip]


async def test_severities_are_the_terminals_red_and_yellow(monkeypatch, settings):
    from smartnet_tui.tui.app import SmartnetApp

    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = SmartnetApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert app.theme == "ansi-dark"
        # the cause of the wrong colours: Textual's filter that turns ANSI colours into a
        # terminal theme's RGB (which a 16-colour terminal then rounds to other colours)
        from textual.filter import ANSIToTruecolor

        assert not any(isinstance(f, ANSIToTruecolor) for f in app.get_line_filters())
        segs = _segments(app)
        # (the cursor row is black on white: the other rows say the severity's colour)
        colours = {s.style.color.number for s in segs if s.text.strip() == "high"}
        assert 1 in colours and 5 not in colours, colours  # red, never magenta
        await pilot.press("2")
        await pilot.pause()
        segs = _segments(app)
        colours = {s.style.color.number for s in segs if s.text.strip() == "due"}
        assert 1 in colours, colours  # a renewal due: red, as the header counts it


async def test_the_palettes_highlighted_entry_stands_out(monkeypatch, settings):
    from smartnet_tui.tui.app import SmartnetApp

    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = SmartnetApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("colon")
        assert await wait_until(pilot, lambda: any(
            "Go to Contracts" in s.text for s in _segments(app)))
        await pilot.press("down")
        await pilot.pause()
        segs = _segments(app)

        def look(label: str):
            s = next(s for s in segs if label in s.text)
            return (s.style.reverse, s.style.bgcolor, s.style.color)

        shown = {label: look(label) for label in ("Go to Inventory", "Go to Contracts",
                                                  "Go to Alerts")}
        highlighted = [label for label, st in shown.items() if st != shown["Go to Alerts"]]
        assert len(highlighted) == 1, shown  # one entry looks different from the others
