"""Text made harmless for where it is shown: a terminal, or a spreadsheet.

Stored text (hostnames, notes, resellers, file names, journal entries) comes from files
and people. Printed raw, ``\\x1b]0;...\\x07`` retitles the admin's terminal, ``\\x1b[2J``
clears it, and U+202E turns the rest of a line around so that a serial reads as another.
A CSV or XLSX cell starting with ``=`` is run as a formula by a spreadsheet.

- :func:`inert`: every C0 and C1 control character, DEL, bidi control and line or
  paragraph separator written as a visible escape (``\\x1b``, ``\\u202e``), the rest kept.
  The CLI's plain output and every value the app shows go through it; ``--json`` does not
  (JSON's own escaping is exact).
- :func:`spreadsheet_cell`: the convention spreadsheets document for text that must not
  be a formula: a leading ``'`` on a text cell starting with ``=``, ``+``, ``-``, ``@``,
  tab or carriage return. Every CSV and XLSX writer calls it on each cell.

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


def spreadsheet_cell(value: T) -> T | str:
    """A CSV/XLSX cell a spreadsheet will not run: text starting with ``=``, ``+``, ``-``,
    ``@``, tab or CR gets a leading ``'``. Numbers, dates and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_row(row: Mapping[str, T]) -> dict[str, T | str]:
    """:func:`spreadsheet_cell` on every value of a CSV row (a ``DictWriter`` row)."""
    return {k: spreadsheet_cell(v) for k, v in row.items()}
