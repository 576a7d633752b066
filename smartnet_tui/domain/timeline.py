"""The months ahead: renewals ending and devices reaching their last dates, month by month.

A month counts the renewals ending in it (from today on) whose status is not ``renewed`` or
``not needed``, with their annual cost per currency, and the active devices whose pid
reaches its last date to renew or its last date of support in it (from today on).
Renewals already past their end are one ``overdue`` entry before the months.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import Renewal
from smartnet_tui.domain.planning import add_months, currency_key

DEFAULT_MONTHS = 24
MAX_MONTHS = 240
CLOSED_STATUSES = ("renewed", "not needed")


@dataclass(frozen=True, slots=True)
class TimelineDevice:
    serial: str
    hostname: str | None
    pid: str | None
    criticality: str
    day: date
    what: str  # "last date to renew" | "last date of support"


@dataclass(frozen=True, slots=True)
class Month:
    month: str  # YYYY-MM, or "overdue"
    first: date | None  # the month's first day (None for overdue)
    renewals: tuple[Renewal, ...] = ()
    annual_cost: dict[str, Decimal | None] = field(default_factory=dict)
    last_date_to_renew: tuple[TimelineDevice, ...] = ()
    last_date_of_support: tuple[TimelineDevice, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.renewals or self.last_date_to_renew or self.last_date_of_support)


@dataclass(frozen=True, slots=True)
class Timeline:
    today: date
    overdue: Month
    months: tuple[Month, ...]


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def costs_by_currency(renewals: Iterable[Renewal]) -> dict[str, Decimal | None]:
    """The renewals' annual costs per currency: the sum of the known ones, None for a
    currency none of whose renewals has a known cost."""
    out: dict[str, Decimal | None] = {}
    for r in renewals:
        cur = currency_key(r.currency)
        if r.annual_cost is None:
            out.setdefault(cur, None)
        else:
            prev = out.get(cur)
            out[cur] = r.annual_cost if prev is None else prev + r.annual_cost
    return {cur: out[cur] for cur in sorted(out)}


def timeline(analysis: Analysis, months: int = DEFAULT_MONTHS) -> Timeline:
    """The timeline from today's month for ``months`` months."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be 1 to {MAX_MONTHS} (not {months})")
    today = analysis.policy.today
    start = today.replace(day=1)
    firsts = [add_months(start, i) for i in range(months)]
    stop = add_months(start, months)
    by_month: dict[str, list[Renewal]] = {}
    overdue: list[Renewal] = []
    for r in analysis.renewals():
        if r.status in CLOSED_STATUSES:
            continue
        if r.end < today:
            overdue.append(r)
        elif r.end < stop:
            by_month.setdefault(month_key(r.end), []).append(r)
    ldr: dict[str, list[TimelineDevice]] = {}
    ldos: dict[str, list[TimelineDevice]] = {}
    estate = analysis.estate
    for pid, serials in estate.devices_by_pid.items():
        eox = estate.eox.get(pid)
        if eox is None:
            continue
        for day, what, into in ((eox.end_of_contract_renewal, "last date to renew", ldr),
                                (eox.last_date_of_support, "last date of support", ldos)):
            if day is None or not today <= day < stop:
                continue
            for serial in serials:
                d = estate.devices.get(serial)
                if d is not None and d.status == "active":
                    into.setdefault(month_key(day), []).append(
                        TimelineDevice(serial, d.hostname, pid, d.criticality, day, what))
    out = []
    for first in firsts:
        key = month_key(first)
        rs = tuple(by_month.get(key, ()))
        out.append(Month(
            key, first, rs, costs_by_currency(rs),
            tuple(sorted(ldr.get(key, ()), key=lambda d: (d.day, d.serial))),
            tuple(sorted(ldos.get(key, ()), key=lambda d: (d.day, d.serial))),
        ))
    over = Month("overdue", None, tuple(overdue), costs_by_currency(overdue))
    return Timeline(today, over, tuple(out))


def timeline_json(t: Timeline) -> dict[str, Any]:
    """``smartnet timeline --json`` (docs/cli.md); amounts stay Decimal (JSON numbers)."""
    return {
        "today": t.today.isoformat(),
        "overdue": {"renewals": len(t.overdue.renewals), "annual_cost": dict(t.overdue.annual_cost)},
        "months": [
            {
                "month": m.month,
                "renewals": len(m.renewals),
                "annual_cost": dict(m.annual_cost),
                "last_date_to_renew": len(m.last_date_to_renew),
                "last_date_of_support": len(m.last_date_of_support),
            }
            for m in t.months
        ],
    }
