"""Strict date parsing for the formats admins and Cisco exports write.

Accepted: ISO ``2026-07-31``; ``31-Jul-2026`` (any case); ``Jul 31, 2026``; numeric
``07/31/2026`` (``/``, ``.`` or ``-``) whose order follows a setting, month first by
default. A value the order makes impossible (``31/07/2026`` month first) is an error,
never silently swapped. Excel serial day numbers are accepted where a caller allows them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum


class DateOrder(StrEnum):
    MDY = "mdy"
    DMY = "dmy"


class DateError(ValueError):
    """A value that is not a date in any accepted format."""


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$")
_DMONY = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,4})[- ](\d{4})$")
_MONDY = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")
_EXCEL_SERIAL = re.compile(r"^\d{4,6}(?:\.0+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)

_LONG_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}


def _month(name: str) -> int | None:
    low = name.lower()
    return _MONTHS.get(low) or _LONG_MONTHS.get(low)


def _make(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(f"{raw!r} is not a valid date ({exc})") from None


def parse_date(
    value: object,
    order: DateOrder = DateOrder.MDY,
    *,
    allow_excel_serial: bool = False,
) -> date:
    """Parse one date value; raise DateError with a message naming the value."""
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and allow_excel_serial:
        return _excel(float(value), str(value))
    if not isinstance(value, str):
        raise DateError(f"{value!r} is not a date")
    raw = value.strip()
    if m := _ISO.match(raw):
        return _make(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _DMONY.match(raw):
        month = _month(m[2])
        if month is None:
            raise DateError(f"{raw!r}: unknown month {m[2]!r}")
        return _make(int(m[3]), month, int(m[1]), raw)
    if m := _MONDY.match(raw):
        month = _month(m[1])
        if month is None:
            raise DateError(f"{raw!r}: unknown month {m[1]!r}")
        return _make(int(m[3]), month, int(m[2]), raw)
    if m := _NUMERIC.match(raw):
        a, b, year = int(m[1]), int(m[3]), int(m[4])
        month, day = (a, b) if order is DateOrder.MDY else (b, a)
        if not 1 <= month <= 12:
            hint = "day first, use --date-order dmy" if order is DateOrder.MDY else "month first, use --date-order mdy"
            raise DateError(
                f"{raw!r} has no month {month} in {order.value} order (if it is {hint})"
            )
        return _make(year, month, day, raw)
    if allow_excel_serial and _EXCEL_SERIAL.match(raw):
        return _excel(float(raw), raw)
    raise DateError(
        f"{raw!r} is not a date (use YYYY-MM-DD, DD-Mon-YYYY, Mon DD, YYYY or MM/DD/YYYY)"
    )


def _excel(serial: float, raw: str) -> date:
    if not 1 <= serial < 2958466:
        raise DateError(f"{raw!r} is not an Excel date serial")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None
