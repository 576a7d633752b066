"""``?``: every key, with what it does, as remapped by the user's keymap."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from smartnet_tui.tui.help_data import HELP_BINDINGS, binding_groups

_NAMES = {
    "question_mark": "?", "colon": ":", "slash": "/", "less_than_sign": "<",
    "greater_than_sign": ">", "escape": "esc", "backspace": "bksp", "pagedown": "pgdn",
    "pageup": "pgup",
}


def key_label(keys: str) -> str:
    return ",".join(_NAMES.get(k, k) for k in keys.split(","))


KEY_WIDTH = 14
_CONSOLE = Console(width=200, color_system=None)  # only to wrap text (no output)


def help_text(keymap: dict[str, str] | None = None, width: int = 98) -> Text:
    """Every key by group, ``width`` cells wide: the keys in their own column and what they
    do wrapped beside them, the binding id at the end of its description (a wrapped line
    starts under the description, never at column 1)."""
    keymap = keymap or {}
    indent = 2 + KEY_WIDTH + 1
    wrap_at = max(width - indent, 20)
    t = Text(no_wrap=True, overflow="crop")
    for i, (group, bindings) in enumerate(binding_groups()):
        if i:
            t.append("\n")
        t.append(f"{group}\n", style="bold underline")
        seen = set()
        for b in bindings:
            if b.id in seen:
                continue
            seen.add(b.id)
            keys = key_label(keymap.get(b.id, b.key) if b.id else b.key)
            what = Text(b.description)
            if b.tooltip:
                what.append(f": {b.tooltip}", style="dim")
            if b.id:
                what.append(f"  [{b.id}]", style="dim")
            if len(keys) > KEY_WIDTH:  # a long remap: the keys on their own line
                t.append(f"  {keys}\n", style="bold")
                keys = ""
            t.append(f"  {keys:<{KEY_WIDTH}} ", style="bold")
            for n, line in enumerate(what.wrap(_CONSOLE, wrap_at)):
                if n:
                    t.append(" " * indent)
                t.append_text(line)
                t.append("\n")
    t.append("\n")
    t.append_text(Text("Remap keys in ~/.config/smartnet/keymap.toml (or $SMARTNET_KEYMAP): "
                       'a [keymap] table of binding id = "keys".', style="dim"))
    return t


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 100; max-width: 100%; height: 100%; border: round $accent;
        background: $surface; }
    HelpScreen VerticalScroll { height: 1fr; padding: 0 1; }
    HelpScreen .help { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [*HELP_BINDINGS]  # listed under Help by ? itself

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Keys  (j/k, space, g/G scroll; escape closes)", style="bold"),
                         classes="help")
            with VerticalScroll():
                yield Static(help_text(self._keymap()), id="help-text")

    def _keymap(self) -> dict[str, str]:
        return dict(getattr(self.app, "_keymap", {}) or {})

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def on_resize(self) -> None:
        """Wrap the descriptions to the width there is (80 columns: under themselves)."""
        box = self.query_one(VerticalScroll)
        # less its padding and the vertical scrollbar (always there: help is long)
        width = box.size.width - 2 - box.styles.scrollbar_size_vertical
        if width > 0:
            self.query_one("#help-text", Static).update(help_text(self._keymap(), width))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down(animate=False)

    def action_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up(animate=False)

    def action_page_down(self) -> None:
        self.query_one(VerticalScroll).scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.query_one(VerticalScroll).scroll_page_up(animate=False)

    def action_top(self) -> None:
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one(VerticalScroll).scroll_end(animate=False)
