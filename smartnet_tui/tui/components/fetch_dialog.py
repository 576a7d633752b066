"""Fetch from Cisco's Support APIs inside the app, with progress, then the preview to
confirm, as for a file import (issue 13).

The dialog takes serials (empty: every device of the inventory) and three toggles:
coverage (SN2INFO), EoX, add devices. Enter downloads on a worker thread (the network
never blocks the screen, nor the app's I/O thread that writes and follows the journal),
showing the calls made so far; the answers are then planned on the I/O thread (a dry run:
:func:`~smartnet_tui.imports.fetch_import.plan_fetch`, the CLI's) and the preview shows
what would change; nothing is written until it is confirmed, in one journal entry
("tui: fetch"). A network or API failure is one line in the dialog and writes nothing.

What the app provides (the wiring): ``sync`` (its I/O line), ``settings``, ``today()``,
``estate``, ``request_refresh()`` and ``after_write()``; a key and a palette entry push
``FetchDialog()``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from smartnet_tui.domain.model import normalise_serial
from smartnet_tui.store.db import StoreError
from smartnet_tui.tui.components.import_dialog import MAX_ERRORS_SHOWN, ChangesPreview, Toggle, text_line

# The fetch (httpx) and the importers are imported in the functions that fetch, plan and
# write: the app loads this module for the dialog's keys, before its first screen.
if TYPE_CHECKING:
    from smartnet_tui.imports.cisco_fetch import Answer
    from smartnet_tui.imports.fetch_import import FetchPlan

ACTION = "tui: fetch"
PROGRESS_EVERY_S = 0.2

_BOX_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 78; max-width: 100%; border: round $accent; background: $surface; padding: 0 1;
}}
{name}.-ascii > Vertical {{ border: ascii $accent; }}
{name} .title {{ text-style: bold; width: 100%; }}
{name} .help {{ color: $text-muted; width: 100%; }}
"""


def plan_lines(plan: FetchPlan, ascii_only: bool = False) -> Text:
    """The described changes, orphans and warnings (Cisco's, quoted) of a fetch plan."""
    from smartnet_tui.imports.planner import change_lines, orphans_line  # (see the imports at the top)

    r = plan.result
    t = Text()
    for line in change_lines(r):
        t.append(text_line(line, ascii_only) + "\n")
    if r.orphans:
        t.append(text_line(orphans_line(r.orphans, "'Add devices'"), ascii_only) + "\n", style="yellow")
    if r.warnings:
        t.append(f"{len(r.warnings):,} warning{'s' * (len(r.warnings) != 1)}:\n", style="bold")
        for w in r.warnings[:MAX_ERRORS_SHOWN]:
            t.append("  " + text_line(str(w), ascii_only) + "\n")
    t.rstrip()
    return t


class FetchDialog(ModalScreen[None]):
    """Serials and options; enter fetches, plans and shows the preview or the failure."""

    DEFAULT_CSS = _BOX_CSS.format(name="FetchDialog") + """
    FetchDialog > Vertical { height: auto; max-height: 100%; }
    FetchDialog Label { color: $text-muted; }
    FetchDialog Input { height: 1; border: none; padding: 0 1; background: $boost; }
    FetchDialog Input:focus { background: $primary 30%; border: none; }
    FetchDialog #status-box { height: auto; max-height: 12; }
    FetchDialog #status { height: auto; }
    FetchDialog #status.-error { color: $error; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="fetch.close", tooltip="Close without fetching"),
        Binding("enter,ctrl+s", "fetch", "Fetch", id="fetch.start",
                tooltip="Ask Cisco, then show what would change (writes nothing yet)"),
    ]

    def __init__(self, serials: str = "", coverage: bool = True, eox: bool = True,
                 add_devices: bool = False) -> None:
        super().__init__()
        self.initial = (serials, coverage, eox, add_devices)
        self.busy = False
        self._calls: tuple[int, int, str] | None = None  # set by the download thread

    def compose(self) -> ComposeResult:
        serials, coverage, eox, add_devices = self.initial
        with Vertical():
            yield Static(Text("Fetch from Cisco's Support APIs"), classes="title")
            yield Label(Text("Serials, space-separated (empty: every device of the inventory)"))
            yield Input(serials, placeholder="FOC1234X0AB FDO2144Z2EF", id="serials")
            yield Toggle("Coverage: contract lines (SN2INFO)", coverage, id="coverage")
            yield Toggle("EoX: end-of-life dates by serial", eox, id="eox")
            yield Toggle("Add devices: add serials the inventory does not have", add_devices,
                         id="add-devices")
            with VerticalScroll(id="status-box"):
                yield Static("", id="status")
            yield Static(Text("enter: fetch   tab: next   space: toggle   escape: close"),
                         classes="help")

    def on_mount(self) -> None:
        if getattr(self.app, "ascii", False):
            self.add_class("-ascii")
        self.query_one("#serials", Input).focus()
        self.set_interval(PROGRESS_EVERY_S, self._show_progress)

    def show(self, text: Text | str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(text if isinstance(text, Text) else Text(text))
        status.set_class(error, "-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_fetch()

    def action_fetch(self) -> None:
        if self.busy:
            return
        words = self.query_one("#serials", Input).value.replace(",", " ").split()
        coverage = self.query_one("#coverage", Toggle).value
        eox = self.query_one("#eox", Toggle).value
        add_devices = self.query_one("#add-devices", Toggle).value
        if not (coverage or eox):
            self.show("choose coverage, EoX or both", error=True)
            return
        estate = getattr(self.app, "estate", None)
        serials = (list(dict.fromkeys(normalise_serial(w) for w in words)) if words
                   else list(estate.devices) if estate is not None else [])
        if not serials:
            self.show("nothing to ask Cisco about: the inventory holds no devices; "
                      "type serials", error=True)
            return
        self.busy = True
        self._calls = None
        self.show(f"asking Cisco about {len(serials):,} serial{'s' * (len(serials) != 1)}...")
        self.run_worker(self._fetch(serials, coverage, eox, add_devices), group="fetch",
                        exclusive=True)

    def progress(self, done: int, total: int, what: str) -> None:
        """From the download thread: only records (a timer on the loop shows it)."""
        self._calls = (done, total, what)

    def _show_progress(self) -> None:
        calls = self._calls
        if calls is None or not self.busy:
            return
        done, total, what = calls
        width = 20
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.show(f"fetching from Cisco [{bar}] {done}/{total} calls ({what})")

    def _download(self, serials: list[str], coverage: bool, eox: bool
                  ) -> tuple[list[Answer], int, str]:
        from smartnet_tui.imports.cisco_fetch import (  # (see the imports at the top)
            CiscoClient,
            api_urls,
            load_credentials,
        )

        base_url, token_url = api_urls()
        with CiscoClient(load_credentials(), base_url=base_url, token_url=token_url) as client:
            answers = client.fetch(serials, coverage=coverage, eox=eox, progress=self.progress)
            return answers, client.calls, base_url

    async def _fetch(self, serials: list[str], coverage: bool, eox: bool, add_devices: bool) -> None:
        from smartnet_tui.imports.cisco_fetch import FetchError  # (see the imports at the top)
        from smartnet_tui.imports.fetch_import import plan_fetch, source_label  # (see the imports at the top)
        from smartnet_tui.imports.planner import read_line  # (see the imports at the top)

        app: Any = self.app
        try:
            answers, calls, base_url = await asyncio.to_thread(self._download, serials, coverage, eox)
        except FetchError as exc:
            self.busy = False
            self.show(f"{exc}; nothing imported, the database is unchanged", error=True)
            return
        except Exception as exc:  # noqa: BLE001 - keep the app up, say what happened
            self.busy = False
            self.show(f"cannot fetch: {exc!r} (nothing written)", error=True)
            return
        source = source_label(base_url, coverage, eox, len(serials))
        detail = {"base_url": base_url, "apis": [n for n, on in (("sn2info", coverage), ("eox", eox)) if on],
                  "serials": len(serials), "calls": calls}
        order, today = app.settings.date_order, app.today()
        try:
            fut = app.sync.read(lambda store: plan_fetch(store, answers, source=source,
                                                         add_devices=add_devices, order=order,
                                                         today=today, detail=detail))
            plan: FetchPlan = await asyncio.wrap_future(fut)
        except StoreError as exc:
            self.busy = False
            self.show(f"cannot read the database: {exc}", error=True)
            return
        finally:
            app.request_refresh("catch_up")
        self.busy = False
        plan.action = ACTION
        ascii_only = bool(getattr(app, "ascii", False))
        r = plan.result
        if r.errors:
            n = len(r.errors)
            t = Text(f"{n:,} error{'s' * (n != 1)} in Cisco's answers: nothing imported, "
                     "the database is unchanged\n", style="bold")
            for e in r.errors[:MAX_ERRORS_SHOWN]:
                t.append(text_line(str(e), ascii_only) + "\n")
            t.rstrip()
            self.show(t, error=True)
            return
        if not r.changes:
            t = Text(f"{read_line(r.parsed)}.\nNothing to import: the database already holds "
                     "exactly this.")
            extra = plan_lines(plan, ascii_only)
            if extra.plain:
                t.append("\n")
                t.append_text(extra)
            self.show(t)
            return
        self.show("")
        self.app.push_screen(FetchPreview(plan), callback=self._previewed)

    def _previewed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.dismiss(None)
            return
        self.show("Not imported. Press enter to fetch again, or escape to close.")

    def action_close(self) -> None:
        self.dismiss(None)


class FetchPreview(ChangesPreview):
    """What a fetch would change; enter or y writes it, escape or n goes back."""

    DEFAULT_CSS = _BOX_CSS.format(name="FetchPreview") + """
    FetchPreview > Vertical { height: 100%; }
    FetchPreview #summary { text-style: bold; width: 100%; }
    FetchPreview #note { color: $warning; width: 100%; }
    FetchPreview #changes { height: 1fr; border-top: solid $panel-lighten-2; }
    FetchPreview.-ascii #changes { border-top: ascii $panel-lighten-2; }
    """
    BINDINGS = [
        Binding("enter,y", "confirm", "Import", id="fetch.confirm",
                tooltip="Write these changes (one journal entry)"),
        Binding("escape,n", "back", "Cancel", id="fetch.cancel", tooltip="Write nothing"),
        Binding("j,down", "down", "Down", show=False, id="fetch.down"),
        Binding("k,up", "up", "Up", show=False, id="fetch.up"),
    ]

    PREVIEW_TITLE = "Fetch preview"

    def __init__(self, plan: FetchPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        yield from self.compose_preview(self.plan.note, self.plan.result)

    def source_lines(self, ascii_only: bool) -> ComposeResult:
        yield Static(Text(text_line(self.plan.source, ascii_only)), id="source")

    def changes_text(self, ascii_only: bool) -> Text:
        return plan_lines(self.plan, ascii_only)

    def write(self) -> None:
        from smartnet_tui.imports.fetch_import import write_fetch  # (see the imports at the top)

        app: Any = self.app
        plan = self.plan
        order, today = app.settings.date_order, app.today()
        fut = app.sync.write(lambda store: write_fetch(store, plan, order, today))
        app.run_worker(_written(app, plan, fut), group="write")


async def _written(app: Any, plan: FetchPlan, fut: Any) -> None:
    """Tell how the write went; the screens follow the journal as for any writer."""
    from smartnet_tui.imports.planner import changed_line  # (see the imports at the top)

    try:
        entry, replanned = await asyncio.wrap_future(fut)
    except StoreError as exc:
        app.notify(str(exc), title="not imported (nothing written)", severity="error",
                   timeout=10, markup=False)
        app.after_write()
        return
    if replanned is not None:
        if replanned.result.errors or not replanned.result.changes:
            app.notify("the database changed since the preview: nothing imported, fetch again",
                       title="fetch", markup=False)
        else:
            replanned.action = ACTION
            app.push_screen(FetchPreview(replanned))
    elif entry is None:
        app.notify("no changes: the database already holds exactly this", title="fetch")
    else:
        n = len(entry["changes"])
        app.notify(f"{n:,} change{'s' * (n != 1)} imported from Cisco: {changed_line(plan.result)}",
                   title="fetch", markup=False)
    app.after_write()
