"""A partner's renewal quote as records: its lines as the partner wrote them.

A :class:`Quote` is stored under its ``name`` (``smartnet quote import FILE --name NAME``)
and kept with the estate; its findings are never stored, they are computed from these
lines and the current analysis (:mod:`smartnet_tui.domain.quote_check`), so they follow
every change of the estate.

Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One line of a partner's quote, as written (serial normalised, dates parsed,
    amounts exact). ``where`` says where it was read (``quote.csv: row 7``)."""

    where: str
    serial: str
    contract: str | None = None
    pid: str | None = None
    service_level: str | None = None  # the Service Level column, as written
    sku: str | None = None  # the Service SKU column, as written
    start: date | None = None
    end: date | None = None
    months: int | None = None  # Duration (months), when the quote gives it
    quantity: int | None = None
    unit_list_price: Decimal | None = None
    net_price: Decimal | None = None  # Extended Net Price: the line's price for its term
    currency: str | None = None

    @property
    def level_text(self) -> str | None:
        """What the quote says the service level is: its Service Level, else its SKU."""
        return self.service_level or self.sku


@dataclass(frozen=True, slots=True)
class Quote:
    """A stored quote: its name, the files it was read from, when it was imported (an ISO
    timestamp, set by the caller: the domain reads no clock) and its lines."""

    name: str
    files: tuple[str, ...]
    lines: tuple[QuoteLine, ...]
    imported: str | None = None
