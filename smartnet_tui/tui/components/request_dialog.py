"""``e`` on the Worklist: write the renewal request for the partner (issue 10), the same
file ``smartnet request`` writes (:mod:`smartnet_tui.store.request_file`).

:func:`open_request_dialog` asks for the file (its extension picks the format: ``.xlsx``,
``.csv`` or ``.md`` for the Markdown summary), an optional co-term target and optional
contracts (blank: the worklist's expired, due and in-review renewals). The rows are
computed on the event loop from the app's one analysis; the file is written on a worker
thread, whole or not at all and never over the database, and a toast says what was
written (or why not).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from smartnet_tui.domain.partner_request import RequestError, RequestRow, request_rows
from smartnet_tui.store.db import StoreError
from smartnet_tui.store.request_file import output_format, request_summary, write_request
from smartnet_tui.tui.components.dialogs import Field, FormModal

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


def open_request_dialog(app: Any, contracts: str = "") -> None:
    """Ask for the request's file and options, then write it (``app`` is the SmartnetApp)."""
    today: date = app.today()

    def validate(values: dict[str, str]) -> str | None:
        spec = parse_spec(values)
        if isinstance(spec, str):
            return spec
        if app.analysis is not None:
            try:
                request_rows(app.analysis, spec.contracts, spec.target)
            except RequestError as exc:
                return str(exc)
        return None

    def done(values: dict[str, str] | None) -> None:
        if values is None:
            return
        spec = parse_spec(values)
        if isinstance(spec, str) or app.analysis is None:
            return
        try:
            rows = request_rows(app.analysis, spec.contracts, spec.target)
        except RequestError as exc:
            app.notify(str(exc), severity="error")
            return
        _write(app, rows, spec, today)

    fields = [
        Field("file", "File (.xlsx, .csv, or .md for an email summary)", default_path(today)),
        Field("target", "Co-term target end (YYYY-MM-DD; blank: each line's end + 1 year)", "",
              placeholder="YYYY-MM-DD"),
        Field("contracts", "Contracts (blank: the worklist's expired, due and in-review renewals)",
              contracts),
    ]
    app.push_screen(FormModal("Write the renewal request for the partner", fields, validate), done)


def _write(app: Any, rows: list[RequestRow], spec: RequestSpec, today: date) -> None:
    """Write on a thread (``asyncio.to_thread``), report on the event loop."""
    protect = (app.settings.db_path,) if getattr(app, "settings", None) is not None else ()
    fmt = output_format(None, spec.path)

    async def job() -> None:
        try:
            await asyncio.to_thread(write_request, rows, fmt, spec.path, today, spec.target,
                                    protect)
        except StoreError as exc:
            app.notify(str(exc), title="Request not written", severity="error", markup=False)
            return
        app.notify(f"{spec.path}: {request_summary(rows)}", title="Request written",
                   markup=False)

    app.run_worker(job(), name="request", group="request", exclusive=True, exit_on_error=False)
