"""The one JSON writer of every ``--json`` output and JSON export.

Amounts are :class:`~decimal.Decimal` (rounded half-up to the cent once, by the domain) and
are written as JSON numbers with their exact digits: ``1250.00``, never ``1250.0`` nor a
float's ``2.9199999``, nor a string.
"""

from __future__ import annotations

from decimal import Decimal

import orjson


def _default(value: object) -> object:
    if isinstance(value, Decimal) and value.is_finite():
        return orjson.Fragment(format(value, "f").encode())  # 1E+1 -> 10, digits kept
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_text(obj: object) -> str:
    """``obj`` as indented JSON, Decimal amounts as numbers with their exact digits."""
    return orjson.dumps(obj, default=_default, option=orjson.OPT_INDENT_2).decode()
