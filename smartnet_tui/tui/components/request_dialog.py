"""``e`` on the Worklist: write the renewal request for the partner (issue 10), the same
file ``smartnet request`` writes (:mod:`smartnet_tui.store.request_file`).

:func:`open_request_dialog` asks for the file (its extension picks the format: ``.xlsx``,
``.csv`` or ``.md`` for the Markdown summary), an optional co-term target and optional
contracts (blank: the worklist's expired, due and in-review renewals). The rows are
computed on the event loop from the app's one analysis; the file is written on a worker
thread, whole or not at all and never over the database; the dialog closes once it is
written (a toast says what) and stays open, with what was typed, when it cannot be.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import Static

from smartnet_tui.domain.partner_request import RequestError, RequestRow, request_rows
from smartnet_tui.store.db import StoreError
from smartnet_tui.store.request_file import output_format, request_summary, write_request
from smartnet_tui.tui.components.dialogs import Field, FormModal
from smartnet_tui.tui.screens.base import flash

FORMAT_SUFFIXES = (".xlsx", ".csv", ".md", ".markdown")


@dataclass(frozen=True)
class RequestSpec:
    path: Path
    target: date | None
    contracts: tuple[str, ...]


def default_path(today: date) -> str:
    return f"smartnet-request-{today.isoformat()}.xlsx"


def parse_spec(values: dict[str, str]) -> RequestSpec | str:
    """The dialog's values as a request, or the message to show."""
    raw = values.get("file", "").strip()
    if not raw:
        return "give a file name (.xlsx, .csv or .md)"
    path = Path(os.path.expanduser(raw))
    if path.suffix.lower() not in FORMAT_SUFFIXES:
        return f"{raw}: the file name must end in .xlsx, .csv or .md (it picks the format)"
    target: date | None = None
    text = values.get("target", "").strip()
    if text:
        try:
            target = date.fromisoformat(text)
        except ValueError:
            return f"{text!r} is not a date (YYYY-MM-DD)"
    contracts = tuple(c for c in values.get("contracts", "").replace(",", " ").split() if c)
    return RequestSpec(path, target, contracts)


NOTHING_TO_REQUEST = ("nothing to request: no renewal is expired, due or in review "
                      "(a on the Worklist lists them all; name contracts to request them)")


class RequestModal(FormModal):
    """The request's form: ``ctrl+s`` (or ``enter`` on the last field) writes the file on a
    thread; the dialog closes only once it is written. A write error (a missing folder, no
    permission) is shown in the dialog, with everything typed kept."""

    def __init__(self, app: Any, fields: list[Field], today: date) -> None:
        super().__init__("Write the renewal request for the partner", fields, self._check)
        self.sapp = app
        self.today = today
        self.writing = False

    def _check(self, values: dict[str, str]) -> str | None:
        spec = parse_spec(values)
        if isinstance(spec, str):
            return spec
        if self.sapp.analysis is not None:
            try:
                rows = request_rows(self.sapp.analysis, spec.contracts, spec.target)
            except RequestError as exc:
                return str(exc)
            if not rows:
                return NOTHING_TO_REQUEST
        return None

    def action_save(self) -> None:
        values = self.values()
        error = self._check(values)
        if error:
            self.query_one("#error", Static).update(Text(error))
            return
        spec = parse_spec(values)
        if isinstance(spec, str) or self.sapp.analysis is None or self.writing:
            return
        rows = request_rows(self.sapp.analysis, spec.contracts, spec.target)
        self.writing = True
        self.query_one("#error", Static).update(Text(f"writing {spec.path}..."))
        self.run_worker(self._write(rows, spec, values), name="request", group="request",
                        exclusive=True, exit_on_error=False)

    async def _write(self, rows: list[RequestRow], spec: RequestSpec,
                     values: dict[str, str]) -> None:
        app = self.sapp
        protect = (app.settings.db_path,) if getattr(app, "settings", None) is not None else ()
        fmt = output_format(None, spec.path)
        try:
            await asyncio.to_thread(write_request, rows, fmt, spec.path, self.today,
                                    spec.target, protect)
        except (StoreError, OSError) as exc:
            self.writing = False
            self.query_one("#error", Static).update(Text(f"not written: {exc}"))
            return
        app.notify(f"{spec.path}: {request_summary(rows)}", title="Request written",
                   markup=False)
        self.dismiss(values)


def open_request_dialog(app: Any, contracts: str = "") -> None:
    """Ask for the request's file and options, then write it (``app`` is the SmartnetApp).
    With nothing to request (an empty worklist, no contract named), say so instead."""
    today: date = app.today()
    if not contracts and app.analysis is not None and not request_rows(app.analysis):
        flash(app, NOTHING_TO_REQUEST, style="bold yellow")
        return
    fields = [
        Field("file", "File (.xlsx, .csv, or .md: an email summary)", default_path(today)),
        Field("target", "Co-term end (blank: each line's end + 1 year)", "",
              placeholder="YYYY-MM-DD"),
        Field("contracts", "Contracts (blank: the worklist)", contracts,
              placeholder="its expired, due and in-review renewals"),
    ]
    app.push_screen(RequestModal(app, fields, today))
