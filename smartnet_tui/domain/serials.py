"""Serial numbers as one key, however a file or a user spelled them, and the text a field
may hold.

A serial is matched after NFKC normalisation (fullwidth ``ＦＤＯ１２３`` is ``FDO123``),
with zero-width and bidirectional-control characters removed (they are invisible, so
two serials that look the same would be different devices), trimmed and upper-cased.
Every reader and every lookup goes through :func:`normalise_serial`.

Fields read from files must not hold control characters (NUL, escape, C1 controls...):
they are never part of real data, and reach terminals and spreadsheets as code.
:func:`control_char` finds the first one.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters and bidi controls: invisible, removed from serials.
INVISIBLE = (
    "\u00ad"  # soft hyphen
    "\u061c"  # Arabic letter mark
    "\u180e"  # Mongolian vowel separator
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
    "\ufeff"  # zero-width no-break space (BOM)
)
_DROP = str.maketrans("", "", INVISIBLE)

# C0 controls other than tab, line feed and carriage return; DEL; C1 controls; lone
# surrogates (a JSON escape such as \ud800 makes one: not text, and no file can store it).
# (Bidi controls may be part of right-to-left text: kept in fields, escaped on output,
# removed from serials.)
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def normalise_serial(value: str) -> str:
    """The key a serial is stored and looked up by."""
    if value.isascii():  # the common case, and nothing to normalise but case and spaces
        return value.strip().upper()
    return unicodedata.normalize("NFKC", value).translate(_DROP).strip().upper()


def serial_problem(serial: str) -> str | None:
    """Why a (normalised) serial cannot be a key, or None."""
    if not serial.isprintable():
        bad = next(ch for ch in serial if not ch.isprintable())
        return f"serial {serial!r} holds a character that is not printable (U+{ord(bad):04X})"
    return None


def control_char(text: str) -> str | None:
    """The first control character in ``text``, as ``U+001B``; None
    when there is none. Tab, line feed and carriage return are allowed."""
    m = CONTROL_CHARS.search(text)
    return None if m is None else f"U+{ord(m.group()):04X}"


# A one-line text typed by a person (a triage owner or note): no control character at
# all (tab and line breaks would let a note forge the next line of a plain listing), no
# DEL, no C1 control, no bidi control and no line/paragraph separator.
LINE_CONTROL_CHARS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


def one_line_message(text: str) -> str | None:
    """Why ``text`` cannot be a one-line field (owner, note), or None."""
    m = LINE_CONTROL_CHARS.search(text)
    if m is None:
        return None
    ch = m.group()
    kind = ("a line break" if ch in "\n\r\u2028\u2029" else "a tab" if ch == "\t"
            else "a bidi control" if ch > "\x9f" else "a control character")
    return f"holds {kind} (U+{ord(ch):04X}): it must be one line of plain text"


def has_control_char(text: str) -> bool:
    return CONTROL_CHARS.search(text) is not None


def control_char_message(text: str) -> str | None:
    """The one-line reason a field is refused, or None."""
    found = control_char(text)
    if found is None:
        return None
    if found == "U+0000":
        return "holds a NUL byte (U+0000): a UTF-16 file without a byte-order mark, or binary data?"
    if "U+D800" <= found <= "U+DFFF":
        return f"holds a lone surrogate ({found}), which is not text"
    return f"holds a control character ({found}), which no real value contains"
