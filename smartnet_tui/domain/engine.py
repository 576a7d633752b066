"""The coverage engine: coverage per serial, renewal status per contract, and alerts.

One source of truth: the CLI, the reports and the TUI all read an :class:`Analysis`.
It computes everything once and then refreshes incrementally for the serials and
contracts an edit touched.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from smartnet_tui.domain.model import (
    SEVERITY_ORDER,
    SEVERITY_RANK,
    Alert,
    Contract,
    ContractStatus,
    Coverage,
    Device,
    EoX,
    Estate,
    Line,
    Renewal,
    RenewalLine,
)
from smartnet_tui.domain.renewals import (
    LAST_DATE_TO_RENEW,
    contract_renewals,
    line_costs,
    money,
    plus_days,
    renewal_groups,
    sum_known,
)
from smartnet_tui.gcpause import bulk_allocation

ONE_DAY = timedelta(days=1)
_CRIT_SEVERITY = {"critical": "critical", "high": "high"}
DUPLICATE_DAYS = 30  # an overlap this long or longer is paying twice
UNCONFIRMED_DAYS = 7  # an ordered renewal not in the data this close to its end
TRIAGE_SHIFT_DAYS = 14  # triage lowers expiring/review only while more days are left
SLOWED_TRIAGE_STATES = ("quote requested", "quote received", "PO raised")
UNCONFIRMED_TRIAGE_STATES = ("PO raised", "ordered")


@dataclass(frozen=True, slots=True)
class Policy:
    today: date
    due_days: int = 60
    review_days: int = 120


# --------------------------------------------------------------------------- coverage
def covering_lines(lines: Sequence[Line], day: date) -> list[Line]:
    """The lines that count and cover ``day``."""
    return [ln for ln in lines if ln.counts and ln.begins <= day <= ln.end]


def scan_coverage(lines: Sequence[Line], today: date, due_days: int) -> tuple[Coverage, list[Line]]:
    """Coverage of one serial and the lines that cover it today, in one pass over its lines
    (this runs for every serial of the estate on a full recompute)."""
    covering: list[Line] = []
    future: list[Line] = []
    next_start = last_ended = end = None
    for ln in lines:
        if not ln.counts:
            continue
        if ln.begins > today:
            future.append(ln)
            if next_start is None or ln.begins < next_start:
                next_start = ln.begins
        elif ln.end < today:
            if last_ended is None or ln.end > last_ended:
                last_ended = ln.end
        else:
            covering.append(ln)
            if end is None or ln.end > end:
                end = ln.end
    if end is not None:
        if future:
            # Extend through an unbroken chain: a line starting on or before the day
            # after the current end continues the coverage. Only lines starting after
            # today can extend it (the others cover today or have ended).
            if len(future) > 1:
                future.sort(key=_start_key)
            for ln in future:
                if ln.end <= end:
                    continue
                if end == date.max or ln.begins > end + ONE_DAY:
                    break
                end = ln.end
        days_left = (end - today).days
        contracts = (covering[0].contract,) if len(covering) == 1 \
            else tuple(sorted({ln.contract for ln in covering}))
        status = "expiring" if days_left <= due_days else "covered"
        return Coverage(status, end, days_left, next_start, contracts), covering
    if last_ended is not None:
        return Coverage("lapsed", last_ended, (last_ended - today).days, next_start, ()), covering
    return Coverage("uncovered", None, None, next_start, ()), covering


def _start_key(line: Line) -> date:
    return line.begins


# --------------------------------------------------------------------------- contracts
def contract_end(contract: Contract, lines: Sequence[Line]) -> date | None:
    """The latest end of the lines that are not terminated, else the contract's own end."""
    return max((ln.end for ln in lines if not ln.terminated), default=contract.end)


def contract_annual_cost(contract: Contract, lines: Sequence[Line],
                         costs: Mapping[int, tuple[Decimal | None, bool]] | None = None,
                         ) -> Decimal | None:
    """The sum of the lines' annual costs, each rounded half-up to the cent once
    (:func:`line_costs`: the worklist's figures), None when none is known; a contract
    with a cost but no line left to share it keeps its own cost, to the cent."""
    if costs is None:
        costs = line_costs(contract, lines)
    total = sum_known(c for c, _ in costs.values())
    if total is None and contract.annual_cost is not None and not costs:
        return money(contract.annual_cost)
    return total


@dataclass(frozen=True, slots=True)
class ContractFacts:
    """What a contract's status needs from its own lines alone (cached per lines tuple)."""

    contract: Contract
    lines: tuple[Line, ...]
    end: date | None
    serials: tuple[str, ...]
    annual_cost: Decimal | None
    groups: tuple[tuple[date, tuple[Line, ...]], ...]  # lines not terminated, by end
    costs: dict[int, tuple[Decimal | None, bool]]  # each line's annual cost, by index


def contract_facts(estate: Estate, contract: Contract) -> ContractFacts:
    lines = estate.lines_by_contract.get(contract.number, ())
    live = [ln for ln in lines if not ln.terminated]
    costs = line_costs(contract, lines)
    return ContractFacts(
        contract,
        lines,
        contract_end(contract, lines),
        tuple(sorted({ln.serial for ln in live})),
        contract_annual_cost(contract, lines, costs),
        renewal_groups(lines),
        costs,
    )


def compute_contract_status(
    estate: Estate,
    contract: Contract,
    policy: Policy,
    facts: ContractFacts | None = None,
    previous: Mapping[date, Renewal] | None = None,
    dirty: Collection[str] = (),
    dirty_ends: Collection[date] = (),
) -> ContractStatus:
    """A contract's renewals and its ``renewal``: the most urgent of them, ``cancelled`` for
    a cancelled contract, ``not needed`` when no line is left to renew. ``previous``,
    ``dirty`` and ``dirty_ends``: see :func:`contract_renewals` (only for this same contract
    record)."""
    if facts is None:
        facts = contract_facts(estate, contract)
    end, serials, cost = facts.end, facts.serials, facts.annual_cost
    days = (end - policy.today).days if end else None
    if contract.status == "cancelled":
        return ContractStatus(contract.number, end, days, "cancelled", serials, cost)
    renewals = contract_renewals(
        estate, contract, policy.today, policy.due_days, policy.review_days,
        groups=facts.groups, costs=facts.costs, previous=previous, dirty=dirty,
        dirty_ends=dirty_ends,
    )
    if not renewals:
        return ContractStatus(contract.number, end, days, "not needed", serials, cost)
    first = renewals[0]
    return ContractStatus(
        contract.number, end, first.days_left, first.status, serials, cost,
        renewals, first.deadline, first.end,
    )


# --------------------------------------------------------------------------- alerts
def serial_alerts(
    serial: str,
    device: Device | None,
    lines: Sequence[Line],
    coverage: Coverage,
    eox: EoX | None,
    policy: Policy,
    covering: list[Line] | None = None,
) -> list[Alert]:
    """Every alert whose subject is this serial."""
    today = policy.today
    out: list[Alert] = []
    if covering is None:
        covering = covering_lines(lines, today)
    active = device if device is not None and device.status == "active" else None
    name = _device_name(serial, device)

    if active and coverage.status == "lapsed":
        out.append(_serial_alert(
            name, "lapsed", _CRIT_SEVERITY.get(active.criticality, "medium"), serial,
            f"coverage lapsed on {coverage.coverage_end} ({-(coverage.days_left or 0)} days ago)",
            days_left=coverage.days_left,
        ))
    elif active and coverage.status == "uncovered":
        extra = f"; a line starts {coverage.next_start}" if coverage.next_start else ""
        attach = eox.end_of_service_attach if eox else None
        if attach is not None and attach < today:
            extra += (f"; {active.pid} passed its end of service attach on {attach}: "
                      "it can no longer be added to a contract")
        out.append(_serial_alert(
            name, "uncovered", _CRIT_SEVERITY.get(active.criticality, "medium"), serial,
            f"active device on no active contract line{extra}",
        ))
    if device is not None and device.status in ("spare", "decommissioned") and covering:
        out.append(_serial_alert(
            name, "inactive_covered", "medium" if device.status == "decommissioned" else "low", serial,
            f"{device.status} but covered today by {', '.join(coverage.contracts)} "
            f"(coverage runs to {coverage.coverage_end})",
            days_left=coverage.days_left,
        ))
    if device is None and covering:
        out.append(_serial_alert(
            serial, "orphan", "medium", serial,
            f"covered by {', '.join(coverage.contracts)} but not in the inventory",
            days_left=coverage.days_left,
        ))
    overlaps = duplicate_overlaps(lines, today, plus_days(today, policy.review_days))
    if overlaps:
        out.append(_serial_alert(
            name, "duplicate", "medium", serial,
            "; ".join(_overlap_text(*ov) for ov in overlaps),
            days_left=max((overlaps[0][0] - today).days, 0),
        ))
    ldos = eox.last_date_of_support if eox else None
    if active and ldos is not None and ldos < today:
        out.append(_serial_alert(
            name, "end_of_support", "high", serial,
            f"{active.pid} passed its last date of support on {ldos}",
            days_left=(ldos - today).days,
        ))
    if device is not None and ldos is not None:
        beyond = [ln for ln in covering if ln.end > ldos]
        if beyond:
            ln = max(beyond, key=lambda x: (x.end, x.contract))
            out.append(_serial_alert(
                name, "beyond_ldos", "medium", serial,
                f"{ln.contract} covers until {ln.end}, past {device.pid} "
                f"last date of support {ldos}",
                days_left=(ldos - today).days,
            ))
    if active and active.criticality == "critical" and covering:
        if not any(ln.service_level is not None and ln.service_level.fast_response for ln in covering):
            levels = ", ".join(sorted({str(ln.service_level or "no level") for ln in covering}))
            out.append(_serial_alert(
                name, "service_level", "medium", serial,
                f"critical device covered at {levels}, slower than 4-hour response",
                days_left=coverage.days_left,
            ))
    return out


def duplicate_overlaps(
    lines: Sequence[Line], today: date, horizon: date
) -> list[tuple[date, date, str, str]]:
    """(start, end, contract, contract) of every overlap of 30 days or more (inclusive)
    between lines of two different contracts that runs today or starts by ``horizon``."""
    live = [ln for ln in lines if ln.counts and ln.end >= today and ln.begins <= horizon]
    found: set[tuple[date, date, str, str]] = set()
    for i, a in enumerate(live):
        for b in live[i + 1:]:
            if a.contract == b.contract:
                continue
            start, end = max(a.begins, b.begins), min(a.end, b.end)
            if start > horizon or end < today or (end - start).days + 1 < DUPLICATE_DAYS:
                continue
            first, second = sorted((a.contract, b.contract))
            found.add((start, end, first, second))
    return sorted(found)


def _overlap_text(start: date, end: date, first: str, second: str) -> str:
    if start == date.min:
        return f"covered twice until {end}, by {first} and {second}"
    days = (end - start).days + 1
    return f"covered twice from {start} to {end} ({days} days), by {first} and {second}"


def _lower(severity: str) -> str:
    return SEVERITY_ORDER[min(SEVERITY_RANK[severity] + 1, len(SEVERITY_ORDER) - 1)]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _names(lines: Sequence[RenewalLine], limit: int = 5) -> str:
    names = [f"{ln.hostname} ({ln.serial})" if ln.hostname else ln.serial for ln in lines]
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def renewal_alerts(renewal: Renewal, policy: Policy, whole: bool = True) -> list[Alert]:
    """The alerts about one renewal: expiring/review (shifted by triage), unconfirmed and
    renewal_blocked about the contract, will_lapse about each device it leaves uncovered.

    ``whole``: the renewal is the contract's only one. When it is not, expiring/review
    name the lines that end (``contract 0093425688: 2 lines end 2027-03-31 (in 120
    days)``), not the contract, whose end is later."""
    r, today = renewal, policy.today
    n, state, end = r.contract, r.state, r.end
    out: list[Alert] = []
    renew = [ln for ln in r.lines if ln.disposition == "renew"]
    if r.status in ("due", "review"):
        if r.status == "due":
            kind, severity, action = "expiring", ("high" if r.days_left <= 30 else "medium"), "renew now"
        else:
            kind, severity, action = "review", "low", "review with the partner"
        if state in SLOWED_TRIAGE_STATES and r.days_left > TRIAGE_SHIFT_DAYS:
            severity = _lower(severity)
        if state == "ordered":
            severity, action = "info", "ordered: record the new contract when it arrives"
        elif state == "do not renew":
            severity, action = "info", "marked do not renew"
        elif state != "to review":
            action = f"{action} ({state})"
        when = f"ends {end}" if whole else r.lines_end_text
        if r.deadline_reason == LAST_DATE_TO_RENEW:
            pids = sorted({ln.pid or ln.serial for ln in renew if ln.deadline == r.deadline})
            when += f", order by {r.deadline}, last date to renew for {', '.join(pids)}"
        if renew and not whole and len(renew) == len(r.lines):
            reason = f"{when} (in {r.days_left} days): {action}"
        elif renew:
            reason = f"{when} (in {r.days_left} days), {_plural(len(renew), 'line')} to renew: {action}"
        else:  # every line left is blocked: renewal_blocked says which
            reason = f"{when} (in {r.days_left} days), no line can be renewed any more: plan the refresh"
        out.append(Alert(kind, severity, n, f"contract {n}{' ' if whole else ': '}{reason}",
                         subject_type="contract", days_left=r.days_left, reason=reason))
    if state in UNCONFIRMED_TRIAGE_STATES and renew and (end - today).days <= UNCONFIRMED_DAYS:
        gap = (end - today).days
        when = f"ended {end} ({-gap} days ago)" if gap < 0 else f"ends {end} (in {gap} days)"
        reason = (f"{state} but {_plural(len(renew), 'line')} still not renewed in the data; "
                  f"{when}: record the new contract")
        out.append(Alert("unconfirmed", "high", n, f"contract {n}: {reason}",
                         subject_type="contract", days_left=r.days_left, reason=reason))
    blocked = [ln for ln in r.lines if ln.disposition == "blocked" and ln.active]
    if blocked and today <= end:
        why = ", ".join(sorted({ln.reason or "" for ln in blocked}))
        reason = (f"{_plural(len(blocked), 'device')} can no longer be renewed ({why}): "
                  f"{_names(blocked)}; support ends {end}: plan the refresh")
        out.append(Alert("renewal_blocked", "high", n, f"contract {n}: {reason}",
                         subject_type="contract", days_left=(end - today).days, reason=reason))
    if state == "do not renew" and r.days_left <= policy.review_days and today <= end:
        for ln in r.lines:
            if ln.active and ln.disposition != "renewed":
                name = f"{ln.hostname} ({ln.serial})" if ln.hostname else ln.serial
                reason = (f"contract {n} is marked do not renew and nothing covers it after "
                          f"{end}: support ends then")
                out.append(Alert(
                    "will_lapse", "high" if ln.criticality in ("critical", "high") else "medium",
                    ln.serial,
                    f"{name}: {reason}", days_left=(end - today).days, reason=reason,
                ))
    return out


def contract_alerts(status: ContractStatus, policy: Policy) -> list[Alert]:
    """Every alert of a contract's renewals."""
    whole = len(status.renewals) == 1
    return [a for r in status.renewals for a in renewal_alerts(r, policy, whole)]


CotermKey = tuple[str, str, str]  # (level code, reseller, currency)


CotermFacts = tuple[tuple[tuple[str, date, str, str, str], ...], frozenset[str]]


def coterm_facts(status: ContractStatus) -> CotermFacts:
    """What co-term grouping reads of one contract: its candidate renewals as (level, end,
    reseller, currency, contract) and the other contracts its lines renew or are renewed by
    (only the first half: the other half is the other contract's)."""
    members = []
    links: frozenset[str] = frozenset()
    for r in status.renewals:
        if r.status in ("ok", "review", "due") and r.service_level is not None:
            members.append((r.service_level, r.end, r.reseller or "", r.currency or "", r.contract))
        links |= r.successors
    return tuple(members), links


def coterm_alerts(facts: Mapping[str, CotermFacts]) -> dict[CotermKey, Alert]:
    """One info alert per (service level, reseller, currency) whose renewals in ok, review
    or due end on different dates, leaving out contracts whose lines renew one another.

    ``facts``: :func:`coterm_facts` of every contract, by number."""
    linked: dict[str, set[str]] = {}
    groups: dict[CotermKey, list[tuple[date, str]]] = {}
    for number, (members, links) in facts.items():
        for other in links:
            linked.setdefault(number, set()).add(other)
            linked.setdefault(other, set()).add(number)
        for code, end, reseller, currency, number in members:
            groups.setdefault((code, reseller, currency), []).append((end, number))
    out: dict[CotermKey, Alert] = {}
    for key, group in groups.items():
        numbers = {num for _, num in group}
        kept = [(end, num) for end, num in group if not (linked.get(num, set()) & numbers)]
        if len({end for end, _ in kept}) < 2:
            continue
        kept.sort()
        code, reseller, currency = key
        listing = ", ".join(f"{num} ({end})" for end, num in kept)
        scope = "".join((f" with {reseller}" if reseller else "", f" in {currency}" if currency else ""))
        reason = (f"{len(kept)} {code} renewals{scope} end on different dates: {listing}; "
                  "co-term them onto one end date")
        out[key] = Alert(
            "coterm", "info", code, reason,
            subject_type="service_level",
            related=tuple(dict.fromkeys(num for _, num in kept)),
            reason=reason,
        )
    return out


def _serial_alert(
    name: str, kind: str, severity: str, serial: str, reason: str, days_left: int | None = None
) -> Alert:
    return Alert(kind, severity, serial, f"{name}: {reason}", days_left=days_left, reason=reason)


def _device_name(serial: str, device: Device | None) -> str:
    if device is not None and device.hostname:
        return f"{device.hostname} ({serial})"
    return serial


# --------------------------------------------------------------------------- analysis
@dataclass(frozen=True, slots=True)
class Summary:
    due: int  # renewals due
    review: int  # renewals in review
    lapsed: int
    uncovered: int
    wasted: int
    cost_at_stake: dict[str, Decimal]  # annual cost of due and review renewals, by currency
    alerts: int
    critical: int

    def cost_text(self) -> str:
        """``GBP 430.00 · USD 29,810.00``: money at stake, never summed across currencies."""
        if not self.cost_at_stake:
            return "0"
        return " · ".join(f"{cur or 'unknown'} {amt:,.2f}"  # no currency: said, as timeline
                          for cur, amt in self.cost_at_stake.items())


SORT_SLICE = 4000  # alerts per slice of a sort (see _sorted_by_key)


def _sorted_by_key(alerts: list[Alert]) -> list[Alert]:
    """``sorted(alerts, key=sort_key)``, a slice at a time and merged: the same order (both
    are stable), but one sort of 47,000 alerts (100k devices) held the interpreter lock
    for about 0.1 s in one call, and the app's screen froze as long while its I/O thread
    loaded; the merge lets the event loop in between."""
    key = _alert_sort_key
    if len(alerts) <= SORT_SLICE:
        return sorted(alerts, key=key)
    slices = [sorted(alerts[i:i + SORT_SLICE], key=key) for i in range(0, len(alerts), SORT_SLICE)]
    return list(heapq.merge(*slices, key=key))


def _alert_sort_key(a: Alert) -> tuple[int, int, str, str, str]:
    return a.sort_key


@dataclass
class Analysis:
    """Everything the engine derives from an estate for one policy (date and windows)."""

    estate: Estate
    policy: Policy
    coverage: dict[str, Coverage] = field(default_factory=dict)
    contract_status: dict[str, ContractStatus] = field(default_factory=dict)
    serial_alerts: dict[str, list[Alert]] = field(default_factory=dict)
    # alerts of each contract's renewals (will_lapse ones are about a serial)
    contract_alerts: dict[str, list[Alert]] = field(default_factory=dict)
    coterm: dict[CotermKey, Alert] = field(default_factory=dict)
    _sorted: list[Alert] | None = None
    _facts: dict[str, ContractFacts] = field(default_factory=dict)
    # what co-term grouping reads of each contract, to know when to redo the groups
    _coterm_keys: dict[str, CotermFacts] = field(default_factory=dict)
    # each contract's renewals with their alerts, to reuse those of an unchanged renewal
    _renewal_alerts: dict[str, dict[date, tuple[Renewal, bool, list[Alert]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.recompute()

    # -- computation -----------------------------------------------------------
    def recompute(self) -> None:
        with bulk_allocation():
            self._recompute()

    def _recompute(self) -> None:
        self.coverage.clear()
        self.serial_alerts.clear()
        self.contract_status.clear()
        self.contract_alerts.clear()
        self._renewal_alerts.clear()
        self._coterm_keys.clear()
        self._refresh_serials(self.estate.serials())
        self._refresh_contracts(self.estate.contracts.keys())
        self.coterm = coterm_alerts(self._coterm_keys)
        self._sorted = None

    def refresh(self, serials: Iterable[str] = (), contracts: Iterable[str] = ()) -> None:
        """Recompute what depends on these serials and contracts after an edit.

        A serial's lines, device and EoX decide the dispositions of every contract line on
        it, so the contracts with a line on it are refreshed too; co-term groups are redone
        whole when what they read has moved.
        """
        serials = set(serials)
        numbers = set(contracts)
        others = self.estate.contracts_of(serials) - numbers
        self._refresh_serials(serials)
        moved = self._refresh_contracts(numbers)
        # contracts whose own record did not change: redo only their lines on these serials
        moved |= self._refresh_contracts(others, dirty=serials)
        if moved:
            self.coterm = coterm_alerts(self._coterm_keys)
        self._sorted = None

    def _refresh_serials(self, serials: Iterable[str]) -> None:
        estate, policy = self.estate, self.policy
        today, due = policy.today, policy.due_days
        devices, by_serial, eoxs = estate.devices, estate.lines_by_serial, estate.eox
        coverage, alerts_of = self.coverage, self.serial_alerts
        for s in serials:
            device = devices.get(s)
            lines = by_serial.get(s, ())
            if device is None and not lines:
                coverage.pop(s, None)
                alerts_of.pop(s, None)
                continue
            cov, covering = scan_coverage(lines, today, due)
            coverage[s] = cov
            eox = eoxs.get(device.pid) if device is not None and device.pid else None
            if (
                eox is None
                and device is not None
                and device.status == "active"
                and device.criticality != "critical"
                and covering
                and _one_live_contract(lines, today)
            ):
                # the common case, an active non-critical device covered today, whose lines
                # still running are all of one contract (no duplicate possible) and with no
                # EoX row, has nothing to say: skip the rules
                alerts_of.pop(s, None)
                continue
            alerts = serial_alerts(s, device, lines, cov, eox, policy, covering)
            if alerts:
                alerts_of[s] = alerts
            else:
                alerts_of.pop(s, None)

    def _refresh_contracts(self, numbers: Iterable[str], dirty: set[str] | None = None) -> bool:
        """Recompute these contracts; True if what co-term grouping reads has moved.

        ``dirty``: the serials that changed, when the contracts' own records did not: the
        dispositions of their other lines are kept (a contract whose record did change
        anyway is recomputed whole)."""
        estate, policy = self.estate, self.policy
        moved = False
        for n in list(numbers):
            contract = estate.contracts.get(n)
            if contract is None:
                self.contract_status.pop(n, None)
                self.contract_alerts.pop(n, None)
                self._renewal_alerts.pop(n, None)
                self._facts.pop(n, None)
                moved |= self._coterm_keys.pop(n, None) is not None
                continue
            lines = estate.lines_by_contract.get(n, ())
            facts = self._facts.get(n)
            previous: dict[date, Renewal] | None = None
            dirty_ends: set[date] = set()
            if facts is None or facts.lines is not lines or facts.contract is not contract:
                facts = self._facts[n] = contract_facts(estate, contract)
            elif dirty is not None and (old := self.contract_status.get(n)) is not None:
                previous = {r.end: r for r in old.renewals}
                by_serial = estate.lines_by_serial
                dirty_ends = {ln.end for s in dirty for ln in by_serial.get(s, ()) if ln.contract == n}
            st = compute_contract_status(
                estate, contract, policy, facts, previous, dirty or (), dirty_ends
            )
            self.contract_status[n] = st
            key = coterm_facts(st)
            if self._coterm_keys.get(n) != key:
                self._coterm_keys[n] = key
                moved = True
            # a renewal reused as it was keeps its alerts
            cached = self._renewal_alerts.get(n, {})
            fresh: dict[date, tuple[Renewal, bool, list[Alert]]] = {}
            alerts = []
            whole = len(st.renewals) == 1  # the alerts say so: part of a contract or all of it
            for r in st.renewals:
                hit = cached.get(r.end)
                mine = hit[2] if hit is not None and hit[0] is r and hit[1] == whole \
                    else renewal_alerts(r, policy, whole)
                fresh[r.end] = (r, whole, mine)
                alerts.extend(mine)
            if fresh:
                self._renewal_alerts[n] = fresh
            else:
                self._renewal_alerts.pop(n, None)
            if alerts:
                self.contract_alerts[n] = alerts
            else:
                self.contract_alerts.pop(n, None)
        return moved

    # -- queries -----------------------------------------------------------------
    def alerts(self) -> list[Alert]:
        """Every alert, most severe first (then fewest days left)."""
        if self._sorted is None:
            out: list[Alert] = [a for lst in self.serial_alerts.values() for a in lst]
            out.extend(a for lst in self.contract_alerts.values() for a in lst)
            out.extend(self.coterm.values())
            self._sorted = _sorted_by_key(out)
        return self._sorted

    def alerts_for_serial(self, serial: str) -> list[Alert]:
        """The alerts about this serial (will_lapse included)."""
        out = list(self.serial_alerts.get(serial, ()))
        for number in sorted(self.estate.contracts_of((serial,))):
            out.extend(a for a in self.contract_alerts.get(number, ()) if a.subject == serial
                       and a.subject_type == "serial")
        return sorted(out, key=lambda a: a.sort_key)

    def alerts_for_contract(self, number: str) -> list[Alert]:
        """The alerts of this contract's renewals and of the co-term groups it is in."""
        out = list(self.contract_alerts.get(number, ()))
        out.extend(co for co in self.coterm.values() if number in co.related)
        return sorted(out, key=lambda a: a.sort_key)

    def renewals(self) -> list[Renewal]:
        """Every renewal of every contract, in worklist order."""
        out = [r for st in self.contract_status.values() for r in st.renewals]
        out.sort(key=lambda r: r.sort_key)
        return out

    def renewal(self, number: str, end: date) -> Renewal | None:
        st = self.contract_status.get(number)
        return st.renewal_ending(end) if st is not None else None

    def summary(self) -> Summary:
        due = review = 0
        at_stake: dict[str, list[Decimal | None]] = {}
        for st in self.contract_status.values():
            for r in st.renewals:
                if r.status in ("due", "review"):
                    if r.status == "due":
                        due += 1
                    else:
                        review += 1
                    at_stake.setdefault(r.currency or "", []).append(r.annual_cost)
        lapsed = uncovered = wasted = 0
        critical = 0
        total = 0
        for lst in self.serial_alerts.values():
            for a in lst:
                total += 1
                critical += a.severity == "critical"
                if a.kind == "lapsed":
                    lapsed += 1
                elif a.kind == "uncovered":
                    uncovered += 1
                elif a.kind == "inactive_covered":
                    wasted += 1
        for lst in self.contract_alerts.values():
            total += len(lst)
            critical += sum(a.severity == "critical" for a in lst)
        total += len(self.coterm)
        cost = {cur: amount for cur, costs in sorted(at_stake.items())
                if (amount := sum_known(costs)) is not None}
        return Summary(due, review, lapsed, uncovered, wasted, cost, total, critical)


def _one_live_contract(lines: Sequence[Line], today: date) -> bool:
    """Whether the lines that count and have not ended are all of one contract (then no
    overlap of two contracts, a duplicate, is possible)."""
    first = None
    for ln in lines:
        if ln.end >= today and ln.counts:
            if first is None:
                first = ln.contract
            elif ln.contract != first:
                return False
    return True
