"""Read every source file, whatever its format, into one validated :class:`Parsed`.

The format is chosen by content first, the extension second (``sources.detect_format``):
the YAML/JSON data format (``data_format``); CSV and XLSX exports (``tabular``:
contract-line exports, installed-base sheets, inventory and EoX tables); Cisco API JSON
(``cisco_api``: SN2INFO, EoX). Every problem is collected with its file, record path or
row, and line; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from smartnet_tui.domain.dates import DateOrder
from smartnet_tui.domain.serials import serial_problem
from smartnet_tui.gcpause import bulk_allocation
from smartnet_tui.imports import cisco_api, tabular
from smartnet_tui.imports.data_format import parse_document
from smartnet_tui.imports.parsed import TOP_KEYS, Parsed, Problem, Progress
from smartnet_tui.imports.sources import SourceError, detect_format, parse_source


def parse_files(
    paths: Sequence[Path],
    order: DateOrder = DateOrder.MDY,
    *,
    sheet: str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> Parsed:
    """Validate every file, whatever its format (chosen by content, then extension).

    ``sheet``: the XLSX sheet to read (default the first). ``progress(file, rows, total)``
    is called every few thousand rows of a table. ``today`` decides whether an SN2INFO
    line Cisco calls not covered has expired (end passed) or was terminated.
    """

    today = today or date.today()
    parsed = Parsed(whole_tables=set())
    with bulk_allocation():
        for path in paths:
            _parse_one(parsed, path, order, sheet, progress, today)
        _check_serials(parsed)
    return parsed


def _check_serials(parsed: Parsed) -> None:
    """Every serial read, whatever the reader, must be printable once normalised
    (``normalise_serial`` removed what is invisible): one error per bad serial."""
    def where(w: str | None) -> tuple[str, str]:
        file, _, path = (w or "").partition(":")
        return file, path

    found: list[tuple[str, tuple[str, str]]] = []
    for serial in parsed.devices:
        if not serial.isprintable():
            found.append((serial, where(parsed._seen.get(("devices", serial)))))
    for ls in parsed.line_sets.values():
        found.extend((ln.serial, where(ls.where)) for ln in ls.lines if not ln.serial.isprintable())
    for number, c in parsed.contracts.items():
        found.extend((ln.serial, where(parsed._seen.get(("contracts", number))))
                     for ln in c.lines if not ln.serial.isprintable())
    for serial, (file, path) in dict(found).items():
        parsed.errors.append(Problem(file, path, serial_problem(serial) or "serial not printable"))


def _parse_one(parsed: Parsed, path: Path, order: DateOrder, sheet: str | None,
               progress: Progress | None, today: date) -> None:
    name = str(path)
    parsed.files.append(name)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        parsed.errors.append(Problem(name, "", "no such file"))
        return
    except IsADirectoryError:
        parsed.errors.append(Problem(name, "", "is a directory, not a file"))
        return
    except OSError as exc:
        parsed.errors.append(Problem(name, "", f"cannot read ({exc.strerror})"))
        return
    try:
        fmt = detect_format(path, data[:8192])
    except SourceError as exc:
        parsed.errors.append(Problem(name, exc.path, str(exc), exc.line))
        return
    if fmt in ("csv", "xlsx"):
        parsed.formats[name] = fmt
        tabular.read_tabular(parsed, path, fmt, data if fmt == "csv" else None, order, sheet, progress)
        return
    try:
        doc = parse_source(fmt, data)
    except SourceError as exc:
        parsed.formats[name] = fmt
        parsed.errors.append(Problem(name, exc.path, str(exc), exc.line))
        return
    kind = cisco_api.api_kind(doc) if fmt == "json" else None
    if kind == "sn2info":
        parsed.formats[name] = "sn2info json"
        cisco_api.parse_sn2info(parsed, name, doc, order, today)
    elif kind == "eox":
        parsed.formats[name] = "eox api json"
        cisco_api.parse_eox_api(parsed, name, doc, order, today)
    else:
        parsed.formats[name] = fmt
        parse_document(parsed, name, doc, order)
        if parsed.whole_tables is not None:  # a data file describes the whole estate
            parsed.whole_tables.update(TOP_KEYS)
