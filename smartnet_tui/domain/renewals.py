"""Renewals: a contract's lines grouped by end date, each line's disposition, the deadline,
the status, the money and the triage (docs/rules.md, "Renewals").

Pure functions over an :class:`Estate`; the engine calls :func:`contract_renewals` for every
contract it refreshes, and everything else reads the result from the analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from smartnet_tui.domain.model import (
    DEFAULT_TRIAGE,
    LEGACY_TRIAGE_STATES,
    OPEN_RENEWAL_STATUSES,
    RENEWAL_RANK,
    Contract,
    Estate,
    Line,
    Renewal,
    RenewalLine,
    Triage,
)

ONE_DAY = timedelta(days=1)
CENT = Decimal("0.01")
LAST_DATE_TO_RENEW = "last date to renew"
END = "end"


def plus_days(day: date, n: int) -> date:
    """``day + n`` days, held at the calendar's ends instead of overflowing."""
    try:
        return day + timedelta(days=n)
    except OverflowError:
        return date.max if n > 0 else date.min


def money(value: float | int | Decimal) -> Decimal:
    """An amount rounded half-up to the cent (a float is read as the text it prints as)."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- money
def line_costs(contract: Contract, lines: Sequence[Line]) -> dict[int, tuple[Decimal | None, bool]]:
    """Each line's annual cost by line index, with whether it is an estimate.

    A line's own ``annual_cost``; else the contract's ``annual_cost`` shared equally among
    its lines that are not terminated, rounded to the cent (an estimate); else unknown.
    """
    live = [ln for ln in lines if not ln.terminated]
    share: Decimal | None = None
    if contract.annual_cost is not None and live:
        share = money(Decimal(str(contract.annual_cost)) / len(live))
    out: dict[int, tuple[Decimal | None, bool]] = {}
    for ln in live:
        if ln.annual_cost is not None:
            out[ln.index] = (money(ln.annual_cost), False)
        else:
            out[ln.index] = (share, share is not None)
    return out


def sum_known(costs: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the known amounts; None when none is known (never 0 for unknown)."""
    known = [c for c in costs if c is not None]
    return sum(known, Decimal("0.00")) if known else None


# --------------------------------------------------------------------------- dispositions
def renewing_line(estate: Estate, line: Line) -> Line | None:
    """The line (any contract, this one included) covering the day after ``line`` ends that
    reaches furthest; None when the serial is not covered then."""
    if line.end == date.max:
        return None
    after = line.end + ONE_DAY
    best: Line | None = None
    for other in estate.lines_by_serial.get(line.serial, ()):
        if other is line or not other.counts:
            continue
        if other.contract == line.contract and other.index == line.index:
            continue
        if other.begins <= after <= other.end and (
            best is None or (other.end, other.contract) > (best.end, best.contract)
        ):
            best = other
    return best


def line_disposition(
    estate: Estate,
    line: Line,
    today: date,
    cost: tuple[Decimal | None, bool] = (None, False),
) -> RenewalLine:
    """What to do with one line at its end, decided in the documented order."""
    device = estate.devices.get(line.serial)
    pid = device.pid if device is not None else None
    eox = estate.eox.get(pid) if pid else None
    ldos = eox.last_date_of_support if eox else None
    ecr = eox.end_of_contract_renewal if eox else None
    renewed_by: str | None = None
    max_end: date | None = None
    deadline: date | None = None
    reason: str | None
    successor = renewing_line(estate, line)
    if successor is not None:
        disposition = "renewed"
        renewed_by = successor.contract
        reason = f"renewed by {successor.contract} until {successor.end}"
    elif device is None:
        disposition, reason = "drop", "not in the inventory"
    elif device.status != "active":
        disposition, reason = "drop", device.status
    elif ldos is not None and ldos <= line.end:
        disposition, reason = "replace", f"{pid} last date of support {ldos}"
    elif ecr is not None and ecr < today:
        disposition, reason = "blocked", f"{pid} last date to renew {ecr} has passed"
    else:
        disposition = "renew"
        max_end = ldos
        deadline = line.end
        parts = []
        if ecr is not None and ecr < line.end:
            deadline = ecr
            parts.append(f"order by {ecr}, last date to renew for {pid}")
        if ldos is not None:
            parts.append(f"support ends {ldos}")
        reason = "; ".join(parts) or None
    return RenewalLine(
        contract=line.contract,
        index=line.index,
        serial=line.serial,
        hostname=device.hostname if device is not None else None,
        pid=pid,
        criticality=device.criticality if device is not None else None,
        device_status=device.status if device is not None else None,
        end=line.end,
        disposition=disposition,
        reason=reason,
        renewed_by=renewed_by,
        max_end=max_end,
        deadline=deadline,
        annual_cost=cost[0],
        estimated=cost[1],
    )


# --------------------------------------------------------------------------- status
def renewal_status(
    dispositions: Sequence[str], days_left: int, due_days: int, review_days: int
) -> str:
    """The status of a renewal from its lines' dispositions and its days left."""
    if "renew" not in dispositions and "blocked" not in dispositions:
        if "renewed" in dispositions:
            return "renewed"
        return "not needed"  # every line is drop or replace
    if days_left < 0:
        return "expired"
    if days_left <= due_days:
        return "due"
    if days_left <= review_days:
        return "review"
    return "ok"


def resolve_triage(contract: Contract, ordered: Sequence[tuple[date, str]]) -> dict[date, Triage]:
    """Each renewal's triage, by end, for renewals given in worklist order as (end, status).

    A renewal's recorded triage wins. A contract-level triage (older data files) applies to
    the contract's first open renewal in worklist order (expired, due, review, ok) that has
    none recorded, with the old states mapped (``renew`` -> ``quote requested``,
    ``co-term`` -> ``to review``, the note kept). Every other renewal is ``to review``.
    """
    out: dict[date, Triage] = {}
    legacy = contract.triage
    for end, status in ordered:
        own = contract.triage_for(end)
        if own is not None:
            out[end] = own
        elif legacy is not None and status in (*OPEN_RENEWAL_STATUSES, "ok"):
            out[end] = legacy_to_renewal(legacy, end)
            legacy = None
        else:
            out[end] = Triage(DEFAULT_TRIAGE.state, end=end)
    return out


def legacy_to_renewal(legacy: Triage, end: date) -> Triage:
    state = LEGACY_TRIAGE_STATES.get(legacy.state, legacy.state)
    return Triage(state, legacy.owner, legacy.note, legacy.updated, end, legacy.history)


# --------------------------------------------------------------------------- renewals
def contract_renewals(
    estate: Estate,
    contract: Contract,
    today: date,
    due_days: int,
    review_days: int,
) -> tuple[Renewal, ...]:
    """A contract's renewals in worklist order (none for a cancelled contract)."""
    if contract.status == "cancelled":
        return ()
    lines = estate.lines_by_contract.get(contract.number, ())
    groups: dict[date, list[Line]] = {}
    for ln in lines:
        if not ln.terminated:
            groups.setdefault(ln.end, []).append(ln)
    if not groups:
        return ()
    costs = line_costs(contract, lines)
    level = contract.level
    drafts = []
    for end in sorted(groups):
        rlines = tuple(
            line_disposition(estate, ln, today, costs.get(ln.index, (None, False)))
            for ln in groups[end]
        )
        deadlines = [rl.deadline for rl in rlines if rl.deadline is not None]
        deadline = min(deadlines) if deadlines else end
        days_left = (deadline - today).days
        status = renewal_status([rl.disposition for rl in rlines], days_left, due_days, review_days)
        code = level.code if level is not None else _common_level(groups[end])
        drafts.append((end, deadline, days_left, status, code, rlines))
    drafts.sort(key=lambda d: (RENEWAL_RANK[d[3]], d[1], d[0]))
    triage = resolve_triage(contract, [(d[0], d[3]) for d in drafts])
    return tuple(
        Renewal(
            contract=contract.number,
            end=end,
            deadline=deadline,
            deadline_reason=LAST_DATE_TO_RENEW if deadline < end else END,
            due_date=plus_days(deadline, -due_days),
            days_left=days_left,
            status=status,
            triage=triage[end],
            service_level=code,
            reseller=contract.reseller,
            currency=contract.currency,
            annual_cost=sum_known(rl.annual_cost for rl in rlines),
            lines=rlines,
        )
        for end, deadline, days_left, status, code, rlines in drafts
    )


def _common_level(lines: Sequence[Line]) -> str | None:
    codes = {ln.service_level.code if ln.service_level else None for ln in lines}
    return codes.pop() if len(codes) == 1 else None
