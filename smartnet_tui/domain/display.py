"""Text made harmless for where it is shown: a terminal, or a spreadsheet.

Stored text (hostnames, notes, resellers, file names, journal entries) comes from files
and people. Printed raw, ``\\x1b]0;...\\x07`` retitles the admin's terminal, ``\\x1b[2J``
clears it, and U+202E turns the rest of a line around so that a serial reads as another.
A CSV or XLSX cell starting with ``=`` is run as a formula by a spreadsheet.

- :func:`inert`: every C0 and C1 control character, DEL, bidi control and line or
  paragraph separator written as a visible escape (``\\x1b``, ``\\u202e``), the rest kept.
  The CLI's plain output and every value the app shows go through it; ``--json`` does not
  (JSON's own escaping is exact).
- :func:`spreadsheet_cell`: a CSV/XLSX cell with its C0 controls (but tab, line feed and
  carriage return), DEL and C1 controls escaped as :func:`inert` does (no real value holds
  them: the importers refuse them; XLSX cannot hold them at all), bidi controls and line
  breaks kept (right-to-left text, multi-line fields); to a terminal (``terminal=True``)
  the whole :func:`inert`. Then the convention spreadsheets document for text that must
  not be a formula: a leading ``'`` on a text cell starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return. Every CSV and XLSX writer calls it on each cell.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

# Bidi controls: marks, embeddings/overrides, isolates (Unicode's Bidi_Control property),
# and the line/paragraph separators that break a line where a terminal shows none.
_BIDI_AND_SEPARATORS = (
    0x061C,  # ARABIC LETTER MARK
    0x200E, 0x200F,  # LRM, RLM
    0x2028, 0x2029,  # LINE/PARAGRAPH SEPARATOR
    *range(0x202A, 0x202F),  # LRE, RLE, PDF, LRO, RLO
    *range(0x2066, 0x206A),  # LRI, RLI, FSI, PDI
)


_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def _escape(code: int) -> str:
    if code in _NAMED:
        return _NAMED[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_ESCAPES: dict[int, str] = {
    code: _escape(code)
    for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_AND_SEPARATORS)
}
_UNSAFE = frozenset(chr(c) for c in _ESCAPES)


def inert(value: object, keep: str = "") -> str:
    """``value`` as text a terminal shows literally: controls and bidi controls escaped.

    ``keep`` names control characters to leave as they are (``"\\n"`` for text that is
    already laid out in lines). None is the empty string. Applying it twice changes
    nothing more (the escapes are printable). A backslash is kept as it is.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():  # the common case, no copy
        return text
    if _UNSAFE.isdisjoint(text):
        return text
    table = _ESCAPES if not keep else {c: e for c, e in _ESCAPES.items() if chr(c) not in keep}
    return text.translate(table)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


# A cell keeps tab, line feed, carriage return and the bidi controls and separators.
_CELL_ESCAPES: dict[int, str] = {
    c: e for c, e in _ESCAPES.items() if c not in (0x09, 0x0A, 0x0D, *_BIDI_AND_SEPARATORS)
}


def spreadsheet_cell(value: T, terminal: bool = False) -> T | str:
    """A CSV/XLSX cell that is inert: C0 controls other than tab, line feed and carriage
    return, DEL and C1 controls escaped as by :func:`inert` (everything :func:`inert`
    escapes when ``terminal``: the CSV is shown on a terminal, where a line break in a cell
    would pass for a row and U+202E would turn a line around), and text starting with
    ``=``, ``+``, ``-``, ``@``, tab or CR given a leading ``'`` so that a spreadsheet will
    not run it. Numbers, dates and other text are unchanged."""
    if not isinstance(value, str):
        return value
    if terminal:
        text = inert(value)
    elif value.isascii() and value.isprintable():
        text = value
    else:
        text = value.translate(_CELL_ESCAPES)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def spreadsheet_row(row: Mapping[str, T], terminal: bool = False) -> dict[str, T | str]:
    """:func:`spreadsheet_cell` on every value of a CSV row (a ``DictWriter`` row)."""
    return {k: spreadsheet_cell(v, terminal) for k, v in row.items()}
