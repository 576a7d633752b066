"""Amounts as admins and exports write them: ``12,000.50``, ``$1200``, ``€ 99``.

One grammar for every reader (contract costs, quote prices): digits with an optional ``.``
and decimals, thousands optionally grouped by commas in the exact ``1,234,567.89`` shape,
an optional currency symbol in front. Anything else (``12,5``, ``1.234,56``, ``1_000``,
``1e3``) is ambiguous and refused rather than guessed. An amount is at most
:data:`MAX_AMOUNT` so that every figure and every total stays exact to the cent.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

#: The largest amount accepted (a trillion less a cent): larger is a typing slip, and
#: sums of such figures still quantize to the cent within Decimal's 28 digits.
MAX_AMOUNT = Decimal("999999999999.99")
_PLAIN = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


class AmountError(ValueError):
    """Not an amount (or not a finite, non-negative one)."""


def parse_decimal(value: object, what: str = "amount", kind: str = "cost") -> Decimal:
    """The exact amount written in ``value`` (a cell's text or number); AmountError naming
    the value otherwise: not the grammar above, negative, or over :data:`MAX_AMOUNT`."""
    if isinstance(value, bool):
        raise AmountError(f"{value!r} is not an {what}")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise AmountError(f"{value!r} is not an {what}")
        amount = Decimal(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError(f"{value!r} is not an {what}")
        amount = value
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", " ")
        text = text[1:].strip() if text[:1] in ("$", "€", "£", "¥") else text
        if _PLAIN.fullmatch(text) is None and _GROUPED.fullmatch(text) is None:
            if text.startswith("-"):
                raise AmountError(f"{value.strip()!r} is not an {what} (a {kind} is a number "
                                  "of zero or more)")
            raise AmountError(f"{value.strip()!r} is not an {what} (write digits with '.' "
                              "for decimals, e.g. 1234.50 or 1,234.50; other separators are "
                              "ambiguous)")
        amount = Decimal(text.replace(",", ""))
    else:
        raise AmountError(f"{value!r} is not an {what}")
    shown = value.strip() if isinstance(value, str) else value
    if amount < 0:
        raise AmountError(f"{shown!r} is not an {what} (a {kind} is a number of zero or more)")
    if amount > MAX_AMOUNT:
        raise AmountError(f"{shown!r} is too large for an {what} (at most 999,999,999,999.99)")
    return amount


def parse_amount(value: object) -> float:
    """A finite amount of zero or more as the model stores it; AmountError naming the value
    otherwise (see :func:`parse_decimal`)."""
    return float(parse_decimal(value))


#: The largest percentage accepted (an uplift, discount, reinstatement fee or increase):
#: beyond it a figure is a typing slip, and priced sums stay exact to the cent.
MAX_PERCENT = Decimal(1000)
_PERCENT = re.compile(r"\d+(?:\.\d+)?|\.\d+")


def parse_percent(value: str) -> Decimal:
    """A percentage from 0 to :data:`MAX_PERCENT` as typed (``5``, ``3.5``, ``5%``);
    AmountError naming the value otherwise."""
    text = value.strip().removesuffix("%").strip()
    if _PERCENT.fullmatch(text) is None:
        if text.startswith("-") and _PERCENT.fullmatch(text[1:]):
            raise AmountError(f"{value!r}: a percentage of zero or more is needed")
        raise AmountError(f"{value!r} is not a percentage (digits with '.' for decimals, e.g. 3.5)")
    pct = Decimal(text)
    if pct > MAX_PERCENT:
        raise AmountError(f"{value!r} is too large a percentage (at most {MAX_PERCENT})")
    return pct


_CURRENCY = re.compile(r"[A-Z]{3}")


def parse_currency(value: str) -> str | None:
    """A currency code as written (``usd``, `` EUR ``) upper-cased: three letters A-Z;
    None for an empty cell (unknown); AmountError naming the value otherwise (``US$``)."""
    text = value.strip().upper()
    if not text:
        return None
    if _CURRENCY.fullmatch(text) is None:
        raise AmountError(f"{value.strip()!r} is not a currency code (three letters, e.g. USD)")
    return text
