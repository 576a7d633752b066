"""Amounts as admins and exports write them: ``12,000.50``, ``$1200``, ``€ 99``."""

from __future__ import annotations

import math


class AmountError(ValueError):
    """Not an amount (or not a finite, non-negative one)."""


def parse_amount(value: object) -> float:
    """A finite amount of zero or more; raise AmountError naming the value otherwise."""
    if isinstance(value, bool):
        raise AmountError(f"{value!r} is not an amount")
    if isinstance(value, (int, float)):
        amount = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").lstrip("$€£").strip()
        try:
            amount = float(text)
        except ValueError:
            raise AmountError(f"{value!r} is not an amount") from None
    else:
        raise AmountError(f"{value!r} is not an amount")
    if not math.isfinite(amount) or amount < 0:
        raise AmountError(f"{value!r} is not an amount (a cost is a number of zero or more)")
    return amount
