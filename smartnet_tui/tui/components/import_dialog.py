"""``i``: import files from inside the app, with a preview of what changes.

The dialog takes file paths (space-separated, shell-quoted, ``~`` expanded) and the two
options of ``smartnet import`` (``--replace``, ``--add-devices``). Enter reads, validates
and plans the import on the app's I/O thread (a dry run: nothing is written); errors are
listed in the dialog. A plan with changes opens the preview: the change counts and every
change described, and nothing is written until it is confirmed. The write is one locked,
atomic store write with one journal entry ("tui: import"), as on the command line.

If another process wrote the database between the preview and the confirmation, the
import is planned again against what is stored now; when that plan differs, it is shown
again for confirmation instead of being written. Planning, writing and the words that
describe an import are :mod:`smartnet_tui.imports.planner`'s, shared with the CLI.
"""

from __future__ import annotations

import shlex
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from smartnet_tui.domain.dates import DateOrder
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.tui.table_sources import clean

# The importers (the planner, the readers of every format: PyYAML...) are imported in the
# functions that plan and describe an import: the app loads this module for the dialog's
# keys, before its first screen.
if TYPE_CHECKING:
    from smartnet_tui.imports.parsed import Progress
    from smartnet_tui.imports.planner import ImportPlan, ImportResult

__all__ = ["ImportDialog", "ImportPreview", "Toggle", "plan_import", "split_paths"]

MAX_ERRORS_SHOWN = 1000  # beyond this, a count (smartnet import --dry-run lists them all)
ACTION = "tui: import"
PROGRESS_EVERY_S = 0.2  # how often the dialog shows the rows read so far


class ImportHost(Protocol):
    """What the dialogs need of the app: plan on its I/O thread, write a confirmed plan."""

    async def plan_import(self, paths: list[Path], replace_all: bool, add_devices: bool,
                          progress: Progress | None = None) -> ImportPlan: ...

    def confirm_import(self, plan: ImportPlan) -> None: ...


def split_paths(text: str) -> list[Path]:
    """Paths as a shell would split them (quotes for spaces), ``~`` expanded.

    Raises ValueError with a message for the user."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"cannot read the file list: {exc}") from None
    if not words:
        raise ValueError("give at least one file")
    return [Path(w).expanduser() for w in words]


def plan_import(
    store: Store,
    paths: list[Path],
    replace_all: bool,
    add_devices: bool,
    order: DateOrder,
    today: date,
    progress: Progress | None = None,
) -> ImportPlan:
    """The dialog's dry run (blocking; on the I/O thread): journaled as "tui: import"."""
    from smartnet_tui.imports.planner import plan_import as _plan_import  # (see the imports at the top)

    return _plan_import(store, paths, replace_all, add_devices, order, today, progress,
                        action=ACTION)


def text_line(text: str, ascii_only: bool) -> str:
    """A line of stored text made inert, in ASCII when the terminal asks for it."""
    text = clean(text)
    if ascii_only:
        text = text.replace("→", "->").replace("…", "...")
    return text


def preview_text(plan: ImportPlan, ascii_only: bool = False) -> Text:
    """The described changes, orphans and warnings of a plan (literal text, no markup)."""
    from smartnet_tui.imports.planner import change_lines, orphans_line  # (see the imports at the top)

    r = plan.result
    t = Text()
    for line in change_lines(r):
        t.append(text_line(line, ascii_only) + "\n")
    if r.orphans:
        t.append(text_line(orphans_line(r.orphans, "'Add devices'"), ascii_only) + "\n",
                 style="yellow")
    if r.warnings:
        t.append(f"{len(r.warnings):,} warning{'s' * (len(r.warnings) != 1)}:\n", style="bold")
        for w in r.warnings[:MAX_ERRORS_SHOWN]:
            t.append("  " + text_line(str(w), ascii_only) + "\n")
        if len(r.warnings) > MAX_ERRORS_SHOWN:
            t.append(f"  ... and {len(r.warnings) - MAX_ERRORS_SHOWN:,} more\n")
    t.rstrip()
    return t


def errors_text(plan: ImportPlan, ascii_only: bool = False) -> Text:
    errors = plan.result.errors
    n = len(errors)
    t = Text(f"{n:,} error{'s' * (n != 1)}: nothing imported, the database is unchanged\n",
             style="bold")
    for e in errors[:MAX_ERRORS_SHOWN]:
        t.append(text_line(str(e), ascii_only) + "\n")
    if n > MAX_ERRORS_SHOWN:
        t.append(f"... and {n - MAX_ERRORS_SHOWN:,} more (smartnet import --dry-run lists them all)\n")
    t.rstrip()
    return t


# ------------------------------------------------------------------ widgets
_BOX_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 78; max-width: 100%; border: round $accent; background: $surface; padding: 0 1;
}}
{name}.-ascii > Vertical {{ border: ascii $accent; }}
{name} .title {{ text-style: bold; width: 100%; }}
{name} .help {{ color: $text-muted; width: 100%; }}
"""


class Toggle(Static, can_focus=True):
    """An option: ``[x] label``; space toggles it (ASCII, readable in any colour depth)."""

    DEFAULT_CSS = """
    Toggle { height: 1; width: 100%; padding: 0 1 0 0; }
    Toggle:focus { background: $primary 30%; text-style: bold; }
    """
    BINDINGS = [Binding("space", "switch", "Toggle an option", show=False, id="import.toggle")]

    value: reactive[bool] = reactive(False)

    def __init__(self, label: str, value: bool = False, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.set_reactive(Toggle.value, value)

    def render(self) -> Text:
        # the ">" shows where the focus is even without colours (TERM=xterm, NO_COLOR)
        return Text(f"{'>' if self.has_focus else ' '}[{'x' if self.value else ' '}] {self.label}")

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_switch(self) -> None:
        self.value = not self.value


class ImportDialog(ModalScreen[None]):
    """Files and options; enter plans the import and shows its preview or its errors."""

    DEFAULT_CSS = _BOX_CSS.format(name="ImportDialog") + """
    ImportDialog > Vertical { height: auto; max-height: 100%; }
    ImportDialog Label { color: $text-muted; }
    ImportDialog Input { height: 1; border: none; padding: 0 1; background: $boost; }
    ImportDialog Input:focus { background: $primary 30%; border: none; }
    ImportDialog #status-box { height: auto; max-height: 12; }
    ImportDialog #status { height: auto; }
    ImportDialog #status.-error { color: $error; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="import.close", tooltip="Close without importing"),
        Binding("enter,ctrl+s", "preview", "Preview", id="import.preview",
                tooltip="Read the files and show what would change (writes nothing)"),
    ]

    def __init__(self, paths: str = "", replace_all: bool = False, add_devices: bool = False) -> None:
        super().__init__()
        self.initial = (paths, replace_all, add_devices)
        self.busy = False
        self._rows_read: tuple[str, int, int | None] | None = None  # set by the I/O thread

    def compose(self) -> ComposeResult:
        paths, replace_all, add_devices = self.initial
        with Vertical():
            yield Static(Text("Import files"), classes="title")
            yield Label(Text("Files: CSV, XLSX, YAML or JSON; space-separated, "
                             "quote a path with spaces"))
            yield Input(paths, placeholder="~/exports/contracts.csv inventory.xlsx", id="paths")
            yield Toggle("Replace: also delete what these files no longer hold", replace_all,
                         id="replace")
            yield Toggle("Add devices: add serials the inventory does not have", add_devices,
                         id="add-devices")
            with VerticalScroll(id="status-box"):
                yield Static("", id="status")
            yield Static(Text("enter: preview   tab: next   space: toggle   escape: close"),
                         classes="help")

    def on_mount(self) -> None:
        if getattr(self.app, "ascii", False):
            self.add_class("-ascii")
        self.query_one("#paths", Input).focus()
        self.set_interval(PROGRESS_EVERY_S, self._show_progress)

    def values(self) -> tuple[str, bool, bool]:
        return (self.query_one("#paths", Input).value,
                self.query_one("#replace", Toggle).value,
                self.query_one("#add-devices", Toggle).value)

    def show(self, text: Text | str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(text if isinstance(text, Text) else Text(text))
        status.set_class(error, "-error")
        self.query_one("#status-box", VerticalScroll).scroll_home(animate=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_preview()

    def action_preview(self) -> None:
        if self.busy:
            return
        text, replace_all, add_devices = self.values()
        try:
            paths = split_paths(text)
        except ValueError as exc:
            self.show(str(exc), error=True)
            return
        remember = getattr(self.app, "remember_import", None)
        if remember is not None:
            remember(text, replace_all, add_devices)
        self.busy = True
        self._rows_read = None
        self.show("reading " + ", ".join(p.name or str(p) for p in paths) + "...")
        self.run_worker(self._plan(paths, replace_all, add_devices), group="import-plan",
                        exclusive=True)

    def progress(self, file: str, rows: int, total: int | None) -> None:
        """From the I/O thread: rows read so far. Only records them (one assignment, never
        a call into the event loop, which may be waiting for this thread on quit); a timer
        on the loop shows them."""
        self._rows_read = (file, rows, total)

    def _show_progress(self) -> None:
        read = self._rows_read
        if read is None or not self.busy:
            return
        file, rows, total = read
        of = f" of {total:,}" if total else ""
        self.show(f"reading {Path(file).name}: {rows:,}{of} rows...")

    async def _plan(self, paths: list[Path], replace_all: bool, add_devices: bool) -> None:
        from smartnet_tui.imports.planner import read_line  # (see the imports at the top)

        try:
            host = cast(ImportHost, self.app)
            plan = await host.plan_import(paths, replace_all, add_devices, self.progress)
        except StoreError as exc:
            self.busy = False
            self.show(f"cannot read the database: {exc}", error=True)
            return
        except Exception as exc:  # a file the readers choke on: say so, keep the app up
            self.busy = False
            self.show(f"cannot import: {exc!r} (nothing written)", error=True)
            return
        self.busy = False
        ascii_only = bool(getattr(self.app, "ascii", False))
        if plan.result.errors:
            self.show(errors_text(plan, ascii_only), error=True)
            return
        if not plan.result.changes:
            t = Text(f"{read_line(plan.result.parsed)}.\nNothing to import: the database "
                     "already holds exactly this.")
            extra = preview_text(plan, ascii_only)
            if extra.plain:
                t.append("\n")
                t.append_text(extra)
            self.show(t)
            return
        self.show("")
        self.app.push_screen(ImportPreview(plan), callback=self._previewed)

    def _previewed(self, confirmed: bool | None) -> None:
        if confirmed:  # the preview started the write
            self.dismiss(None)
            return
        self.show("Not imported. Change the files or options and press enter, "
                  "or escape to close.")

    def action_close(self) -> None:
        self.dismiss(None)


class ChangesPreview(ModalScreen[bool]):
    """What a planned write would change (an import's, a fetch's): nothing is written until
    ``confirm``; a second confirm before the screen is gone writes nothing more. Subclasses
    give their bindings (ids of their own), the lines naming the source, the changes' text
    and the write itself."""

    PREVIEW_TITLE = "Preview"

    def __init__(self) -> None:
        super().__init__()
        self.confirmed = False

    def source_lines(self, ascii_only: bool) -> ComposeResult:
        """The widgets between the note and the summary (the files, the source, ...)."""
        yield from ()

    def changes_text(self, ascii_only: bool) -> Text:
        raise NotImplementedError  # every preview lists its own changes

    def write(self) -> None:
        raise NotImplementedError  # every preview writes its own plan

    def compose_preview(self, note: str | None, result: ImportResult) -> ComposeResult:
        from smartnet_tui.imports.planner import changed_line, read_line  # (see the imports at the top)

        ascii_only = bool(getattr(self.app, "ascii", False))
        with Vertical():
            yield Static(Text(f"{self.PREVIEW_TITLE}: nothing is written until you confirm"),
                         classes="title")
            if note:
                yield Static(Text(note), id="note")
            yield from self.source_lines(ascii_only)
            yield Static(Text(text_line(read_line(result.parsed), ascii_only)), id="read")
            yield Static(Text("would change: " + changed_line(result)), id="summary")
            with VerticalScroll(id="changes"):
                yield Static(self.changes_text(ascii_only), id="changes-text")
            yield Static(Text(f"enter or y: import {len(result.changes):,} changes   "
                              "escape or n: back   j/k: scroll"), classes="help")

    def on_mount(self) -> None:
        if getattr(self.app, "ascii", False):
            self.add_class("-ascii")
        self.query_one("#changes", VerticalScroll).focus()

    def action_confirm(self) -> None:
        if self.confirmed:  # a second y before the screen is gone: write once
            return
        self.confirmed = True
        self.write()
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)

    def action_down(self) -> None:
        self.query_one("#changes", VerticalScroll).scroll_down(animate=False)

    def action_up(self) -> None:
        self.query_one("#changes", VerticalScroll).scroll_up(animate=False)

    def action_page_down(self) -> None:
        self.query_one("#changes", VerticalScroll).scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.query_one("#changes", VerticalScroll).scroll_page_up(animate=False)


class ImportPreview(ChangesPreview):
    """What an import would change; enter or y writes it, escape or n goes back."""

    DEFAULT_CSS = _BOX_CSS.format(name="ImportPreview") + """
    ImportPreview > Vertical { height: 100%; }
    ImportPreview #summary { text-style: bold; width: 100%; }
    ImportPreview #note { color: $warning; width: 100%; }
    ImportPreview #changes { height: 1fr; border-top: solid $panel-lighten-2; }
    ImportPreview.-ascii #changes { border-top: ascii $panel-lighten-2; }
    """
    BINDINGS = [
        Binding("enter,y", "confirm", "Import", id="import.confirm",
                tooltip="Write these changes (one journal entry)"),
        Binding("escape,n", "back", "Cancel", id="import.cancel",
                tooltip="Write nothing, back to the import dialog"),
        Binding("j,down", "down", "Down", show=False, id="import.down"),
        Binding("k,up", "up", "Up", show=False, id="import.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="import.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="import.page_up"),
    ]

    PREVIEW_TITLE = "Import preview"

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        yield from self.compose_preview(self.plan.note, self.plan.result)

    def source_lines(self, ascii_only: bool) -> ComposeResult:
        plan = self.plan
        r = plan.result
        files = ", ".join(f"{p} ({r.parsed.formats.get(str(p), '?')})" for p in plan.paths)
        options = [o for o, on in (("replace", plan.replace_all),
                                   ("add devices", plan.add_devices)) if on]
        yield Static(Text(text_line(f"files: {files}", ascii_only)
                          + (f"; options: {', '.join(options)}" if options else "")),
                     id="files")

    def changes_text(self, ascii_only: bool) -> Text:
        return preview_text(self.plan, ascii_only)

    def write(self) -> None:
        cast(ImportHost, self.app).confirm_import(self.plan)
