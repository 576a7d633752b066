"""Renewals: a contract's lines grouped by end date, each line's disposition, the deadline,
the status, the money and the triage (docs/rules.md, "Renewals").

Pure functions over an :class:`Estate`; the engine calls :func:`contract_renewals` for every
contract it refreshes, and everything else reads the result from the analysis.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
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
    end = line.end
    if end == date.max:
        return None
    after = end + ONE_DAY
    best: Line | None = None
    for other in estate.lines_by_serial.get(line.serial, ()):
        if other.end >= after and other.begins <= after and other.counts and other is not line:
            if best is None or other.end > best.end or (
                other.end == best.end and other.contract > best.contract
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
    eox = estate.eox.get(device.pid) if device is not None and device.pid else None
    ldos = eox.last_date_of_support if eox is not None else None
    ecr = eox.end_of_contract_renewal if eox is not None else None
    end = line.end
    deadline: date | None = None
    successor = None
    if end != date.max:  # renewing_line(), inlined: this runs for every line on a recompute
        after = end + ONE_DAY
        for other in estate.lines_by_serial.get(line.serial, ()):
            if other.end >= after and other.begins <= after and other.counts and other is not line:
                if successor is None or other.end > successor.end or (
                    other.end == successor.end and other.contract > successor.contract
                ):
                    successor = other
    if successor is not None:
        return RenewalLine(line.contract, line.index, line.serial, end, "renewed", device,
                           successor.contract, successor.end, ecr, ldos, None, *cost)
    if device is None or device.status != "active":
        disposition = "drop"
    elif ldos is not None and ldos <= end:
        disposition = "replace"
    elif ecr is not None and ecr < today:
        disposition = "blocked"
    else:
        disposition = "renew"
        deadline = ecr if ecr is not None and ecr < end else end
    return RenewalLine(line.contract, line.index, line.serial, end, disposition, device,
                       None, None, ecr, ldos, deadline, *cost)


# --------------------------------------------------------------------------- status
def renewal_status(
    dispositions: Collection[str], days_left: int, due_days: int, review_days: int
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
    the contract's first open renewal in worklist order (expired, due, review, ok), with
    the old states mapped (``renew`` -> ``quote requested``, ``co-term`` -> ``to review``,
    the note kept), as long as no renewal of the contract has a triage recorded (once one
    has, the contract-level one is history: re-importing an old file cannot put it back on
    another renewal). Every other renewal is ``to review``.
    """
    out: dict[date, Triage] = {}
    legacy = contract.triage if not contract.renewal_triage else None
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


def pin_contract_triage(contract: Contract, renewals: Sequence[Renewal]) -> Contract:
    """The contract with its contract-level triage (older data files) moved onto the
    renewal it applies to (see :func:`resolve_triage`; ``renewals``: the contract's, in
    worklist order), so that it stays with that renewal. An edit that moves the contract's
    end (a renewal recorded by extending the contract) pins it first: the new renewal then
    starts at ``to review``, as it must, instead of inheriting the old triage."""
    if contract.triage is None:
        return contract
    kept = {t.end: t for t in contract.renewal_triage if t.end is not None}
    for r in renewals if not kept else ():
        if r.status in (*OPEN_RENEWAL_STATUSES, "ok"):
            kept[r.end] = legacy_to_renewal(contract.triage, r.end)
            break
    triages = tuple(kept[e] for e in sorted(kept))
    return replace(contract, triage=None, renewal_triage=triages)


# --------------------------------------------------------------------------- renewals
def renewal_groups(lines: Sequence[Line]) -> tuple[tuple[date, tuple[Line, ...]], ...]:
    """A contract's lines that are not terminated, grouped by end, earliest end first."""
    groups: dict[date, list[Line]] = {}
    for ln in lines:
        if not ln.terminated:
            groups.setdefault(ln.end, []).append(ln)
    return tuple((end, tuple(groups[end])) for end in sorted(groups))


def contract_renewals(
    estate: Estate,
    contract: Contract,
    today: date,
    due_days: int,
    review_days: int,
    *,
    groups: tuple[tuple[date, tuple[Line, ...]], ...] | None = None,
    costs: Mapping[int, tuple[Decimal | None, bool]] | None = None,
    previous: Mapping[date, Renewal] | None = None,
    dirty: Collection[str] = (),
    dirty_ends: Collection[date] = (),
) -> tuple[Renewal, ...]:
    """A contract's renewals in worklist order (none for a cancelled contract).

    ``groups`` and ``costs`` (from :func:`renewal_groups` and :func:`line_costs`) may be
    passed when cached. ``previous``: this same contract record's renewals from the last
    computation, by end; then only the lines whose serial is in ``dirty`` (in the renewals
    ending on ``dirty_ends``) are decided again, and a renewal with none of them is reused
    as it was. This holds because a line's disposition depends only on its contract record
    and on what is indexed under its serial: its other lines, its device, its pid's EoX.
    """
    if contract.status == "cancelled":
        return ()
    if groups is None:
        groups = renewal_groups(estate.lines_by_contract.get(contract.number, ()))
    if not groups:
        return ()
    if costs is None:
        costs = line_costs(contract, estate.lines_by_contract.get(contract.number, ()))
    level = contract.level
    no_cost: tuple[Decimal | None, bool] = (None, False)
    drafts: list[tuple[date, date, int, str, str | None, tuple[RenewalLine, ...], Renewal | None,
                       Decimal | None, frozenset[str]]] = []
    for end, group in groups:
        prev = previous.get(end) if previous is not None else None
        if prev is not None and end not in dirty_ends:
            drafts.append((end, prev.deadline, prev.days_left, prev.status, prev.service_level,
                           prev.lines, prev, prev.annual_cost, prev.successors))
            continue
        if prev is not None and len(prev.lines) == len(group):
            redo = list(prev.lines)
            for i, ln in enumerate(group):
                if ln.serial in dirty:
                    redo[i] = line_disposition(estate, ln, today, costs.get(ln.index, no_cost))
            rlines = tuple(redo)
        else:
            rlines = tuple(
                line_disposition(estate, ln, today, costs.get(ln.index, no_cost)) for ln in group
            )
        # one pass for everything the renewal sums up from its lines
        deadline = end
        dispositions = set()
        total = Decimal("0.00")
        any_cost = False
        renewing: set[str] = set()
        for rl in rlines:
            dispositions.add(rl.disposition)
            if rl.deadline is not None and rl.deadline < deadline:
                deadline = rl.deadline
            if rl.annual_cost is not None:
                total += rl.annual_cost
                any_cost = True
            if rl.renewed_by is not None and rl.renewed_by != contract.number:
                renewing.add(rl.renewed_by)
        days_left = (deadline - today).days
        status = renewal_status(dispositions, days_left, due_days, review_days)
        code = level.code if level is not None else _common_level(group)
        drafts.append((end, deadline, days_left, status, code, rlines, None,
                       total if any_cost else None, frozenset(renewing)))
    drafts.sort(key=lambda d: (RENEWAL_RANK[d[3]], d[1], d[0]))
    triage = resolve_triage(contract, [(d[0], d[3]) for d in drafts])
    out = []
    for end, deadline, days_left, status, code, rlines, prev, cost, successors in drafts:
        if prev is not None and prev.triage == triage[end]:
            out.append(prev)
            continue
        out.append(Renewal(
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
            annual_cost=cost,
            lines=rlines,
            successors=successors,
        ))
    return tuple(out)


def _common_level(lines: Sequence[Line]) -> str | None:
    codes = {ln.service_level.code if ln.service_level else None for ln in lines}
    return codes.pop() if len(codes) == 1 else None
