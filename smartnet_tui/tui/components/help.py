"""``?``: every key, with what it does, as remapped by the user's keymap."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from smartnet_tui.tui.help_data import binding_groups

_NAMES = {
    "question_mark": "?", "colon": ":", "slash": "/", "less_than_sign": "<",
    "greater_than_sign": ">", "escape": "esc", "backspace": "bksp", "pagedown": "pgdn",
    "pageup": "pgup",
}


def key_label(keys: str) -> str:
    return ",".join(_NAMES.get(k, k) for k in keys.split(","))


def help_text(keymap: dict[str, str] | None = None) -> Text:
    keymap = keymap or {}
    t = Text()
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
            t.append(f"  {keys:<16}", style="bold")
            t.append(f"{b.description}")
            if b.tooltip:
                t.append(f": {b.tooltip}", style="dim")
            t.append(f"  [{b.id}]\n" if b.id else "\n", style="dim")
    t.append("\nRemap keys in ~/.config/smartnet/keymap.toml (or $SMARTNET_KEYMAP): "
             'a [keymap] table of binding id = "keys".', style="dim")
    return t


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 100; max-width: 100%; height: 100%; border: round $accent;
        background: $surface; }
    HelpScreen VerticalScroll { height: 1fr; padding: 0 1; }
    HelpScreen .help { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j,down", "down", "Down", show=False, id="help.down"),
        Binding("k,up", "up", "Up", show=False, id="help.up"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Keys  (j/k scroll, escape closes)", style="bold"), classes="help")
            with VerticalScroll():
                yield Static(help_text(dict(getattr(self.app, "_keymap", {}) or {})), id="help-text")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down(animate=False)

    def action_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up(animate=False)
