"""Planning a renewal's money: co-terming onto one end date, and multi-year terms.

Pure functions over an :class:`~smartnet_tui.domain.engine.Analysis` (docs/planning.md):

- :func:`coterm_plan`: the ``renew`` lines of one service level moved onto one target date,
  each priced by days (or months), kept, shortened for a credit, or capped at its end of
  support; expired lines show their back-billed gap and a reinstatement fee;
- :func:`term_plan`: each ``renew`` line's term options (1, 3, 5 years ...) from its new
  start, cut at its end of support, priced as yearly renewals (with a compounding uplift)
  against one prepaid term (with a discount).

Money is :class:`~decimal.Decimal`: each figure is computed exactly, then rounded half-up to
the cent once; totals are sums of the rounded figures, per currency, never across
currencies; an unknown cost is ``None`` (JSON ``null``), never zero.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import OPEN_RENEWAL_STATUSES, Line, Renewal, RenewalLine
from smartnet_tui.domain.renewals import money
from smartnet_tui.domain.service_levels import normalise_service_level

ONE_DAY = timedelta(days=1)
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
DAYS_A_YEAR = Decimal(365)
UNKNOWN_CURRENCY = "unknown"  # the key of lines whose contract has no currency
PRORATIONS = ("days", "months")
ACTIONS = ("extend", "capped", "keep", "shorten")
PROPOSAL_REASON = ("proposed: the latest current end in the group "
                   "(the cheapest target that shortens nothing)")


class PlanError(ValueError):
    """A plan that cannot be made as asked (the message says why, in one line)."""


# --------------------------------------------------------------------------- calendar
def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, held at the month's last day (Jan 31 + 1 month: Feb 28),
    as ``dateutil``'s ``relativedelta(months=...)`` does (ten times faster: a term plan
    calls this for every option of every line)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def whole_months(start: date, stop: date) -> int:
    """The most whole months m with ``start`` + m months not past ``stop`` (0 if none)."""
    if stop <= start:
        return 0
    m = (stop.year - start.year) * 12 + stop.month - start.month
    while m > 0 and add_months(start, m) > stop:
        m -= 1
    while add_months(start, m + 1) <= stop:
        m += 1
    return m


def days_in_month(day: date) -> int:
    first = day.replace(day=1)
    return (add_months(first, 1) - first).days


def currency_key(currency: str | None) -> str:
    return currency if currency else UNKNOWN_CURRENCY


# --------------------------------------------------------------------------- proration
def prorate_days(annual: Decimal, end: date, target: date) -> Decimal:
    """``annual`` x (target - end) / 365, exact (not rounded)."""
    return annual * (target - end).days / DAYS_A_YEAR


def prorate_months(annual: Decimal, end: date, target: date) -> Decimal:
    """Whole months from ``end`` + 1 (end + 1 plus m months not past ``target`` + 1) at
    annual / 12 each, plus the r remaining days at annual / 12 / (days of the calendar month
    in which they begin); exact (not rounded)."""
    start = end + ONE_DAY
    stop = target + ONE_DAY
    if stop <= start:
        return Decimal(0)
    m = whole_months(start, stop)
    rest_from = add_months(start, m)
    r = (stop - rest_from).days
    monthly = annual / 12
    return monthly * m + monthly * r / days_in_month(rest_from)


def prorate(annual: Decimal, end: date, target: date, method: str = "days") -> Decimal:
    """The cost of moving a line's end from ``end`` to ``target`` (exact, not rounded)."""
    if method == "months":
        return prorate_months(annual, end, target)
    if method == "days":
        return prorate_days(annual, end, target)
    raise PlanError(f"proration must be one of {', '.join(PRORATIONS)} (not {method!r})")


def _pct(value: Decimal | int | str, what: str) -> Decimal:
    pct = Decimal(value) if not isinstance(value, Decimal) else value
    if not pct.is_finite() or pct < 0:
        raise PlanError(f"{what} must be a percentage of zero or more (not {value})")
    return pct


# --------------------------------------------------------------------------- co-term
@dataclass(frozen=True, slots=True)
class CotermLine:
    contract: str
    serial: str
    pid: str | None
    hostname: str | None
    currency: str | None
    reseller: str | None
    end: date  # the line's current end
    target: date  # where it ends after the co-term (its max_end when capped; its end when kept)
    action: str  # extend | capped | keep | shorten
    days: int  # target - end (0 when kept; negative when shortened)
    annual_cost: Decimal | None
    estimated: bool
    prorated_cost: Decimal | None
    credit: Decimal | None
    back_billed: Decimal | None
    reinstatement_fee: Decimal | None
    expired: bool  # the line ended before today (its gap is back-billed)
    max_end: date | None

    @property
    def currency_key(self) -> str:
        return currency_key(self.currency)


@dataclass(frozen=True, slots=True)
class CotermTotals:
    prorated_cost: Decimal = ZERO
    credit: Decimal = ZERO
    back_billed: Decimal = ZERO
    reinstatement_fee: Decimal = ZERO
    annual_cost: Decimal = ZERO
    lines_without_cost: int = 0


@dataclass(frozen=True, slots=True)
class CotermPlan:
    level: str  # the normalised service-level code
    reseller: str | None  # the filters, as given
    currency: str | None
    target: date | None  # None only when no line matches and no target was given
    proposed: bool  # the target was proposed by the planner (no --to)
    proration: str
    allow_credit: bool
    reinstatement: Decimal  # the reinstatement fee percentage
    today: date
    lines: tuple[CotermLine, ...]
    totals: dict[str, CotermTotals]  # by currency (``unknown`` for none)
    after: dict[str, Decimal]  # annual cost renewing on the target, by currency

    @property
    def reason(self) -> str:
        if self.target is None:
            return "no line to renew: nothing to propose"
        return PROPOSAL_REASON if self.proposed else "given"


def line_level(analysis: Analysis, rl: RenewalLine) -> str | None:
    """The normalised service-level code of a renewal line (its own over its contract's)."""
    for ln in analysis.estate.lines_by_contract.get(rl.contract, ()):
        if ln.index == rl.index:
            return ln.service_level.code if ln.service_level is not None else None
    return None


def _levels_by_line(analysis: Analysis, contracts: Iterable[str]) -> dict[tuple[str, int], str | None]:
    out: dict[tuple[str, int], str | None] = {}
    for number in set(contracts):
        lines: Sequence[Line] = analysis.estate.lines_by_contract.get(number, ())
        for ln in lines:
            out[(number, ln.index)] = ln.service_level.code if ln.service_level is not None else None
    return out


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def coterm_candidates(
    analysis: Analysis, level: str, reseller: str | None = None, currency: str | None = None
) -> list[tuple[Renewal, RenewalLine]]:
    """The ``renew`` lines at this service level (any spelling; the line's own level over its
    contract's), of renewals of any status, with the filters (matched ignoring case), ordered
    by end, then contract, then serial."""
    code = normalise_service_level(level).code
    renewals = [r for r in analysis.renewals()
                if (reseller is None or _same(r.reseller, reseller))
                and (currency is None or _same(r.currency, currency))]
    levels = _levels_by_line(analysis, (r.contract for r in renewals))
    out = [(r, rl) for r in renewals for rl in r.lines
           if rl.disposition == "renew" and levels.get((rl.contract, rl.index)) == code]
    out.sort(key=lambda p: (p[1].end, p[1].contract, p[1].serial, p[1].index))
    return out


def propose_target(lines: Iterable[RenewalLine]) -> date | None:
    """The latest current end of the lines: the cheapest target that shortens nothing."""
    return max((rl.end for rl in lines), default=None)


def coterm_line(
    rl: RenewalLine,
    renewal: Renewal,
    target: date,
    today: date,
    proration: str = "days",
    allow_credit: bool = False,
    reinstatement: Decimal = Decimal(0),
) -> CotermLine:
    """One ``renew`` line moved onto ``target`` (docs/planning.md, "Co-term")."""
    annual = rl.annual_cost
    known = annual is not None
    end = rl.end
    max_end = rl.max_end
    expired = end < today
    credit: Decimal | None = ZERO if known else None
    back: Decimal | None = ZERO if known else None
    if end >= target:
        line_target = end
        days = 0
        cost: Decimal | None = ZERO if known else None
        action = "keep"
        if allow_credit and end > target:
            action = "shorten"
            line_target = target
            days = (target - end).days
            if annual is not None:
                credit = money(annual * (end - target).days / DAYS_A_YEAR)
    else:
        line_target = target
        action = "extend"
        if max_end is not None and target > max_end:
            line_target = max_end
            action = "capped"
        days = (line_target - end).days
        cost = money(prorate(annual, end, line_target, proration)) if annual is not None else None
        if expired and annual is not None:
            back = money(prorate(annual, end, min(today, line_target), proration))
    fee: Decimal | None = None
    if cost is not None:
        fee = money(cost * reinstatement / HUNDRED) if expired and action != "keep" else ZERO
    return CotermLine(
        contract=rl.contract,
        serial=rl.serial,
        pid=rl.pid,
        hostname=rl.hostname,
        currency=renewal.currency,
        reseller=renewal.reseller,
        end=end,
        target=line_target,
        action=action,
        days=days,
        annual_cost=annual,
        estimated=rl.estimated if known else False,
        prorated_cost=cost,
        credit=credit,
        back_billed=back,
        reinstatement_fee=fee,
        expired=expired,
        max_end=max_end,
    )


def coterm_totals(lines: Iterable[CotermLine]) -> tuple[dict[str, CotermTotals], dict[str, Decimal]]:
    """Totals per currency (sums of the rounded line figures; 0.00 when nothing is in them)
    and ``after``: the annual cost of the lines renewing on the target (extend, capped, keep;
    known costs), per currency."""
    sums: dict[str, list[Any]] = {}
    after: dict[str, Decimal] = {}
    for ln in lines:
        cur = ln.currency_key
        s = sums.setdefault(cur, [ZERO, ZERO, ZERO, ZERO, ZERO, 0])
        after.setdefault(cur, ZERO)
        if ln.annual_cost is None:
            s[5] += 1
            continue
        for i, v in enumerate((ln.prorated_cost, ln.credit, ln.back_billed, ln.reinstatement_fee,
                               ln.annual_cost)):
            if v is not None:
                s[i] += v
        if ln.action in ("extend", "capped", "keep"):
            after[cur] += ln.annual_cost
    totals = {cur: CotermTotals(*sums[cur]) for cur in sorted(sums)}
    return totals, {cur: after[cur] for cur in sorted(after)}


def coterm_plan(
    analysis: Analysis,
    level: str,
    target: date | None = None,
    *,
    reseller: str | None = None,
    currency: str | None = None,
    proration: str = "days",
    allow_credit: bool = False,
    reinstatement: Decimal | int | str = 0,
    candidates: Sequence[tuple[Renewal, RenewalLine]] | None = None,
) -> CotermPlan:
    """The co-term plan of the ``renew`` lines at ``level`` onto ``target``; without a
    target, onto the latest current end of those lines (the cheapest target that shortens
    nothing). ``candidates``: :func:`coterm_candidates` of the same arguments, when kept
    (the app's planner keeps them while only the date changes)."""
    if proration not in PRORATIONS:
        raise PlanError(f"proration must be one of {', '.join(PRORATIONS)} (not {proration!r})")
    pct = _pct(reinstatement, "the reinstatement fee")
    if not level.strip():
        raise PlanError("a service level is needed (SNT, SNTP, OS, ...)")
    code = normalise_service_level(level).code
    today = analysis.policy.today
    pairs = candidates if candidates is not None else coterm_candidates(analysis, level, reseller, currency)
    proposed = target is None
    if target is None:
        target = propose_target(rl for _, rl in pairs)
    lines: tuple[CotermLine, ...] = ()
    if target is not None:
        lines = tuple(coterm_line(rl, r, target, today, proration, allow_credit, pct)
                      for r, rl in pairs)
    totals, after = coterm_totals(lines)
    return CotermPlan(code, reseller, currency, target, proposed, proration, allow_credit, pct,
                      today, lines, totals, after)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def coterm_line_json(ln: CotermLine) -> dict[str, Any]:
    return {
        "contract": ln.contract,
        "serial": ln.serial,
        "pid": ln.pid,
        "end": ln.end.isoformat(),
        "target": ln.target.isoformat(),
        "action": ln.action,
        "days": ln.days,
        "annual_cost": ln.annual_cost,
        "estimated": ln.estimated,
        "prorated_cost": ln.prorated_cost,
        "credit": ln.credit,
        "back_billed": ln.back_billed,
        "reinstatement_fee": ln.reinstatement_fee,
    }


def coterm_json(plan: CotermPlan) -> dict[str, Any]:
    """``smartnet plan coterm --json`` (docs/cli.md); amounts stay Decimal (JSON numbers)."""
    return {
        "level": plan.level,
        "target": _iso(plan.target),
        "target_reason": plan.reason,
        "proration": plan.proration,
        "lines": [coterm_line_json(ln) for ln in plan.lines],
        "totals": {
            cur: {
                "prorated_cost": t.prorated_cost,
                "credit": t.credit,
                "back_billed": t.back_billed,
                "reinstatement_fee": t.reinstatement_fee,
                "annual_cost": t.annual_cost,
                "lines_without_cost": t.lines_without_cost,
            }
            for cur, t in plan.totals.items()
        },
        "after": dict(plan.after),
    }


# --------------------------------------------------------------------------- terms
DEFAULT_YEARS = (1, 3, 5)
MAX_YEARS = 10


@dataclass(frozen=True, slots=True)
class TermOption:
    years: int
    end: date  # start + years - 1 day, cut at max_end
    months: int  # whole months from start to end + 1 day, rounded down
    capped: bool
    yearly: Decimal | None  # the sum of the yearly renewals (uplift compounding)
    prepaid: Decimal | None  # one prepaid term (discount, no uplift)

    @property
    def cheaper(self) -> str | None:
        return cheaper(self.yearly, self.prepaid)


@dataclass(frozen=True, slots=True)
class TermLine:
    contract: str
    serial: str
    pid: str | None
    hostname: str | None
    currency: str | None
    end: date  # the current end
    start: date  # the new term's start: end + 1 day
    max_end: date | None
    annual_cost: Decimal | None
    estimated: bool
    options: tuple[TermOption, ...]

    @property
    def currency_key(self) -> str:
        return currency_key(self.currency)


@dataclass(frozen=True, slots=True)
class TermTotal:
    yearly: Decimal = ZERO
    prepaid: Decimal = ZERO
    lines_without_cost: int = 0

    @property
    def cheaper(self) -> str:
        return cheaper(self.yearly, self.prepaid) or "same"


@dataclass(frozen=True, slots=True)
class TermPlan:
    uplift: Decimal  # yearly price increase, percent
    discount: Decimal  # prepaid discount, percent
    years: tuple[int, ...]
    lines: tuple[TermLine, ...]
    totals: dict[str, dict[int, TermTotal]]  # currency -> years -> totals


def cheaper(yearly: Decimal | None, prepaid: Decimal | None) -> str | None:
    """Which costs less: ``yearly``, ``prepaid`` or ``same`` (None when either is unknown)."""
    if yearly is None or prepaid is None:
        return None
    if prepaid < yearly:
        return "prepaid"
    if yearly < prepaid:
        return "yearly"
    return "same"


def term_end(start: date, years: int) -> date:
    """The last day of a term of ``years`` from ``start`` (Feb 29 + 1 year: Feb 28)."""
    return add_months(start, 12 * years) - ONE_DAY


def term_prices(annual: Decimal, months: int, uplift: Decimal, discount: Decimal
                ) -> tuple[Decimal, Decimal]:
    """(yearly, prepaid) for ``months`` of cover, each rounded to the cent once.

    Year k of yearly renewals costs annual x (1 + uplift)^(k-1); a last, partial year costs
    months/12 of that year's price. Prepaid: annual x months/12 x (1 - discount), no uplift.
    """
    full, rest = divmod(months, 12)
    growth = 1 + uplift / HUNDRED
    yearly = sum((annual * growth ** k for k in range(full)), Decimal(0))
    if rest:
        yearly += annual * growth ** full * rest / 12
    prepaid = annual * months / 12 * (1 - discount / HUNDRED)
    return money(yearly), money(prepaid)


def term_option(rl: RenewalLine, years: int, uplift: Decimal, discount: Decimal) -> TermOption:
    start = rl.end + ONE_DAY
    end = term_end(start, years)
    capped = False
    max_end = rl.max_end
    if max_end is not None and end > max_end:
        end, capped = max_end, True
    months = whole_months(start, end + ONE_DAY)
    yearly = prepaid = None
    if rl.annual_cost is not None:
        yearly, prepaid = term_prices(rl.annual_cost, months, uplift, discount)
    return TermOption(years, end, months, capped, yearly, prepaid)


def term_lines(analysis: Analysis, contracts: Sequence[str] = ()) -> list[tuple[Renewal, RenewalLine]]:
    """The ``renew`` lines of the worklist (expired, due, review) or, when contracts are
    named, of every renewal of those contracts, in worklist order."""
    if contracts:
        out: list[tuple[Renewal, RenewalLine]] = []
        for number in dict.fromkeys(contracts):
            if number not in analysis.estate.contracts:
                raise PlanError(f"contract {number} is not in the database")
            st = analysis.contract_status.get(number)
            for r in st.renewals if st is not None else ():
                out.extend((r, rl) for rl in r.lines if rl.disposition == "renew")
        return out
    return [(r, rl) for r in analysis.renewals() if r.status in OPEN_RENEWAL_STATUSES
            for rl in r.lines if rl.disposition == "renew"]


def term_plan(
    analysis: Analysis,
    contracts: Sequence[str] = (),
    years: Sequence[int] = DEFAULT_YEARS,
    uplift: Decimal | int | str = 0,
    discount: Decimal | int | str = 0,
) -> TermPlan:
    """Each ``renew`` line's term options and the totals per currency per term."""
    up = _pct(uplift, "the uplift")
    disc = _pct(discount, "the discount")
    if disc > HUNDRED:
        raise PlanError(f"the discount cannot be more than 100% (not {discount})")
    terms = tuple(dict.fromkeys(years))
    if not terms:
        raise PlanError("at least one term is needed (--years 1,3,5)")
    for y in terms:
        if not 1 <= y <= MAX_YEARS:
            raise PlanError(f"a term is 1 to {MAX_YEARS} years (not {y})")
    lines = []
    totals: dict[str, dict[int, list[Any]]] = {}
    for r, rl in term_lines(analysis, contracts):
        options = tuple(term_option(rl, y, up, disc) for y in terms)
        tl = TermLine(rl.contract, rl.serial, rl.pid, rl.hostname, r.currency, rl.end,
                      rl.end + ONE_DAY, rl.max_end, rl.annual_cost,
                      rl.estimated if rl.annual_cost is not None else False, options)
        lines.append(tl)
        by_term = totals.setdefault(tl.currency_key, {y: [ZERO, ZERO, 0] for y in terms})
        for opt in options:
            t = by_term[opt.years]
            if opt.yearly is None or opt.prepaid is None:
                t[2] += 1
            else:
                t[0] += opt.yearly
                t[1] += opt.prepaid
    out = {cur: {y: TermTotal(*v) for y, v in totals[cur].items()} for cur in sorted(totals)}
    return TermPlan(up, disc, terms, tuple(lines), out)


def term_json(plan: TermPlan) -> dict[str, Any]:
    """``smartnet plan term --json`` (docs/cli.md); amounts stay Decimal (JSON numbers)."""
    return {
        "uplift": plan.uplift,
        "discount": plan.discount,
        "lines": [
            {
                "contract": tl.contract,
                "serial": tl.serial,
                "pid": tl.pid,
                "start": tl.start.isoformat(),
                "annual_cost": tl.annual_cost,
                "estimated": tl.estimated,
                "options": [
                    {
                        "years": o.years,
                        "end": o.end.isoformat(),
                        "months": o.months,
                        "capped": o.capped,
                        "yearly": o.yearly,
                        "prepaid": o.prepaid,
                    }
                    for o in tl.options
                ],
            }
            for tl in plan.lines
        ],
        "totals": {
            cur: {
                str(y): {
                    "yearly": t.yearly,
                    "prepaid": t.prepaid,
                    "cheaper": t.cheaper,
                    "lines_without_cost": t.lines_without_cost,
                }
                for y, t in by_term.items()
            }
            for cur, by_term in plan.totals.items()
        },
    }
