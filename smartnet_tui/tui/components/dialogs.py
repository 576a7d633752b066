"""Modal dialogs: pick one of a few values, fill a small form, confirm."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 64; max-width: 100%; height: auto; max-height: 100%;
    border: round $accent; background: $surface; padding: 0 1;
}}
{name} .title {{ text-style: bold; width: 100%; }}
{name} .help {{ color: $text-muted; width: 100%; }}
{name} .error {{ color: $error; width: 100%; height: auto; }}
"""


class ChoiceModal(ModalScreen[str | None]):
    """Pick one value with the arrow keys (or j/k) and enter; escape cancels."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceModal") + """
    ChoiceModal OptionList, ChoiceModal OptionList:focus { height: auto; max-height: 12; border: none; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("j", "down", "Down", show=False, id="dialog.down"),
        Binding("k", "up", "Up", show=False, id="dialog.up"),
    ]

    def __init__(self, title: str, options: Sequence[str], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield OptionList(*[Option(Text(o + ("  (current)" if o == self.current else "")), id=o)
                               for o in self.options], id="choices")
            yield Static(Text("enter: choose   escape: cancel"), classes="help")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        if self.current in self.options:
            ol.highlighted = self.options.index(self.current)
        else:
            ol.highlighted = 0
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: Sequence[str] | None = None  # a Select when given ("" means none)


class FormModal(ModalScreen[dict[str, str] | None]):
    """A few labelled inputs. Enter on the last field (or ctrl+s) saves; escape cancels.

    ``validate`` gets the values and returns an error message (or None to accept): the
    dialog stays open with the message, so nothing typed is lost.
    """

    DEFAULT_CSS = DIALOG_CSS.format(name="FormModal") + """
    FormModal Label { color: $text-muted; margin-top: 0; }
    FormModal Input { height: 1; border: none; padding: 0 1; background: $boost; }
    FormModal Input:focus { background: $primary 30%; border: none; }
    FormModal Select { height: auto; }
    FormModal SelectCurrent { border: none; height: 1; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Save", id="dialog.save"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        validate: Callable[[dict[str, str]], str | None] | None = None,
        help: str = "tab: next field   enter on the last field or ctrl+s: save   escape: cancel",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.validate = validate
        self.help_text = help

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            for f in self.fields:
                yield Label(Text(f.label))
                if f.choices is not None:
                    opts = [(Text(c or "(none)"), c) for c in f.choices]
                    yield Select(opts, value=f.value if f.value in f.choices else f.choices[0],
                                 allow_blank=False, id=f"f-{f.name}", compact=True,
                                 type_to_search=False)  # j/k move (on_key), not search
                else:
                    yield Input(f.value, placeholder=f.placeholder, id=f"f-{f.name}")
            yield Static("", classes="error", id="error")
            yield Static(Text(self.help_text), classes="help")

    def on_mount(self) -> None:
        if getattr(self.app, "ascii", False):  # --ascii: the dropdowns' arrows too
            for arrow in self.query("Select .down-arrow"):
                if isinstance(arrow, Static):
                    arrow.update("v")
            for arrow in self.query("Select .up-arrow"):
                if isinstance(arrow, Static):
                    arrow.update("^")
        first = self.query(f"#f-{self.fields[0].name}").first()
        first.focus()

    def values(self) -> dict[str, str]:
        out = {}
        for f in self.fields:
            w = self.query_one(f"#f-{f.name}")
            if isinstance(w, Select):
                out[f.name] = str(w.value)
            elif isinstance(w, Input):
                out[f.name] = w.value
        return out

    def on_key(self, event: events.Key) -> None:
        """``j``/``k`` in a dropdown, as in every list of the app (``?`` lists them for
        dialogs): on a closed dropdown they open it, in the open list they move. In a text
        field they are letters (the Input takes them before they get here)."""
        if event.key not in ("j", "k"):
            return
        focused = self.focused
        if isinstance(focused, OptionList) and isinstance(focused.parent, Select):
            if event.key == "j":
                focused.action_cursor_down()
            else:
                focused.action_cursor_up()
        elif isinstance(focused, Select):
            focused.action_show_overlay()
        else:
            return
        event.stop()
        event.prevent_default()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        last = self.fields[-1].name
        if event.input.id == f"f-{last}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        values = self.values()
        if self.validate is not None:
            error = self.validate(values)
            if error:
                self.query_one("#error", Static).update(Text(error))
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """y to confirm, n or escape to cancel."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmModal")
    BINDINGS = [
        Binding("y", "yes", "Yes", id="dialog.yes"),
        Binding("n,escape", "no", "No", id="dialog.no"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield Static(Text(self.message))
            yield Static(Text("y: yes   n or escape: no"), classes="help")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)
