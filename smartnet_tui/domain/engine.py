"""The coverage engine: coverage per serial, renewal status per contract, and alerts.

One source of truth: the CLI, the reports and the TUI all read an :class:`Analysis`.
It computes everything once and then refreshes incrementally for the serials and
contracts an edit touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from smartnet_tui.gcpause import bulk_allocation
from smartnet_tui.domain.model import (
    Alert,
    Contract,
    ContractStatus,
    Coverage,
    Device,
    EoX,
    Estate,
    Line,
)

ONE_DAY = timedelta(days=1)
_CRIT_SEVERITY = {"critical": "critical", "high": "high"}


@dataclass(frozen=True, slots=True)
class Policy:
    today: date
    due_days: int = 60
    review_days: int = 120


# --------------------------------------------------------------------------- coverage
def covering_lines(lines: Sequence[Line], day: date) -> list[Line]:
    """The lines that count and cover ``day``."""
    return [ln for ln in lines if ln.counts and ln.begins <= day <= ln.end]


def compute_coverage(lines: Sequence[Line], today: date, due_days: int) -> Coverage:
    """Coverage of one serial from its lines (any contract, any status)."""
    return scan_coverage(lines, today, due_days)[0]


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


def renewal_bucket(days_left: int, policy: Policy) -> str:
    if days_left < 0:
        return "expired"
    if days_left <= policy.due_days:
        return "due"
    if days_left <= policy.review_days:
        return "review"
    return "ok"


def contract_annual_cost(contract: Contract, lines: Sequence[Line]) -> float | None:
    if contract.annual_cost is not None:
        return contract.annual_cost
    costs = [ln.annual_cost for ln in lines if not ln.terminated and ln.annual_cost is not None]
    return round(sum(costs), 2) if costs else None


@dataclass(frozen=True, slots=True)
class ContractFacts:
    """What a contract's status needs from its own lines alone (cached per lines tuple)."""

    contract: Contract
    lines: tuple[Line, ...]
    end: date | None
    serials: tuple[str, ...]
    annual_cost: float | None
    has_live: bool


def contract_facts(estate: Estate, contract: Contract) -> ContractFacts:
    lines = estate.lines_by_contract.get(contract.number, ())
    live = [ln for ln in lines if not ln.terminated]
    return ContractFacts(
        contract,
        lines,
        contract_end(contract, lines),
        tuple(sorted({ln.serial for ln in live})),
        contract_annual_cost(contract, lines),
        bool(live),
    )


def compute_contract_status(
    estate: Estate, contract: Contract, policy: Policy, facts: ContractFacts | None = None
) -> ContractStatus:
    if facts is None:
        facts = contract_facts(estate, contract)
    end, serials, cost = facts.end, facts.serials, facts.annual_cost
    if contract.status == "cancelled":
        days = (end - policy.today).days if end else None
        return ContractStatus(contract.number, end, days, "cancelled", serials, cost)
    if end is None:
        return ContractStatus(contract.number, None, None, "ok", serials, cost)
    days_left = (end - policy.today).days
    renewal = renewal_bucket(days_left, policy)
    if renewal in ("expired", "due", "review") and facts.has_live and end < date.max:
        after = end + ONE_DAY
        if all(_covered_elsewhere(estate, s, contract.number, after) for s in serials):
            renewal = "renewed"
    return ContractStatus(contract.number, end, days_left, renewal, serials, cost)


def _covered_elsewhere(estate: Estate, serial: str, number: str, day: date) -> bool:
    return any(
        ln.contract != number and ln.counts and ln.covers(day)
        for ln in estate.lines_by_serial.get(serial, ())
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
    active = device is not None and device.status == "active"
    name = _device_name(serial, device)

    if active and coverage.status == "lapsed":
        out.append(_serial_alert(
            name, "lapsed", _CRIT_SEVERITY.get(device.criticality, "medium"), serial,
            f"coverage lapsed on {coverage.coverage_end} ({-coverage.days_left} days ago)",
            days_left=coverage.days_left,
        ))
    elif active and coverage.status == "uncovered":
        extra = f"; a line starts {coverage.next_start}" if coverage.next_start else ""
        out.append(_serial_alert(
            name, "uncovered", _CRIT_SEVERITY.get(device.criticality, "medium"), serial,
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
    if len({ln.contract for ln in covering}) >= 2:
        out.append(_serial_alert(
            name, "duplicate", "medium", serial,
            f"covered twice today, by {', '.join(coverage.contracts)}",
            days_left=coverage.days_left,
        ))
    ldos = eox.last_date_of_support if eox else None
    if active and ldos is not None and ldos < today:
        out.append(_serial_alert(
            name, "end_of_support", "high", serial,
            f"{device.pid} passed its last date of support on {ldos}",
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
    if active and device.criticality == "critical" and covering:
        if not any(ln.service_level is not None and ln.service_level.fast_response for ln in covering):
            levels = ", ".join(sorted({str(ln.service_level or "no level") for ln in covering}))
            out.append(_serial_alert(
                name, "service_level", "medium", serial,
                f"critical device covered at {levels}, slower than 4-hour response",
                days_left=coverage.days_left,
            ))
    return out


def contract_alerts(
    estate: Estate, contract: Contract, status: ContractStatus, policy: Policy
) -> list[Alert]:
    out: list[Alert] = []
    n = contract.number
    count = len(status.serials)
    if status.renewal == "due":
        out.append(Alert(
            "expiring", "high" if status.days_left <= 30 else "medium", n,
            f"contract {n} ends {status.end} (in {status.days_left} days), {count} serial{'s' * (count != 1)}: renew now",
            subject_type="contract", days_left=status.days_left,
            reason=f"ends {status.end} (in {status.days_left} days), {count} serial{'s' * (count != 1)}: renew now",
        ))
    elif status.renewal == "review":
        out.append(Alert(
            "review", "low", n,
            f"contract {n} ends {status.end} (in {status.days_left} days): review with the partner",
            subject_type="contract", days_left=status.days_left,
            reason=f"ends {status.end} (in {status.days_left} days): review with the partner",
        ))
    if status.renewal in ("due", "review"):
        blocked = []
        for serial in status.serials:
            eox = estate.eox_for(serial)
            if eox and eox.end_of_contract_renewal and eox.end_of_contract_renewal < policy.today:
                blocked.append(serial)
        if blocked:
            pids = sorted({estate.devices[s].pid for s in blocked})
            reason = (f"{len(blocked)} device{'s' * (len(blocked) != 1)} ({', '.join(pids)}) "
                      f"{'are' if len(blocked) != 1 else 'is'} past end of contract renewal: "
                      "plan the refresh")
            out.append(Alert(
                "renewal_blocked", "high", n, f"contract {n}: {reason}",
                subject_type="contract", days_left=status.days_left, reason=reason,
            ))
    return out


def coterm_alerts(estate: Estate, statuses: dict[str, ContractStatus]) -> dict[str, Alert]:
    groups: dict[str, list[tuple[str, date]]] = {}
    for number, st in statuses.items():
        if st.renewal not in ("ok", "review", "due") or st.end is None:
            continue
        level = estate.contracts[number].level
        if level is None:
            continue
        groups.setdefault(level.code, []).append((number, st.end))
    out = {}
    for code, members in groups.items():
        if len({end for _, end in members}) < 2:
            continue
        members.sort(key=lambda m: (m[1], m[0]))
        listing = ", ".join(f"{num} ({end})" for num, end in members)
        reason = (f"{len(members)} {code} contracts end on different dates: {listing}; "
                  "co-term them onto one end date")
        out[code] = Alert(
            "coterm", "info", code, reason,
            subject_type="service_level",
            related=tuple(num for num, _ in members),
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
    due: int
    review: int
    lapsed: int
    uncovered: int
    wasted: int
    cost_at_stake: dict[str, float]  # annual cost of due and review contracts, by currency
    alerts: int
    critical: int

    def cost_text(self) -> str:
        """``GBP 430.00 · USD 29,810.00``: money at stake, never summed across currencies."""
        if not self.cost_at_stake:
            return "0"
        return " · ".join(f"{cur} {amt:,.2f}".strip() for cur, amt in self.cost_at_stake.items())


@dataclass
class Analysis:
    """Everything the engine derives from an estate for one policy (date and windows)."""

    estate: Estate
    policy: Policy
    coverage: dict[str, Coverage] = field(default_factory=dict)
    contract_status: dict[str, ContractStatus] = field(default_factory=dict)
    serial_alerts: dict[str, list[Alert]] = field(default_factory=dict)
    contract_alerts: dict[str, list[Alert]] = field(default_factory=dict)
    coterm: dict[str, Alert] = field(default_factory=dict)
    _sorted: list[Alert] | None = None
    _facts: dict[str, ContractFacts] = field(default_factory=dict)
    # what co-term grouping reads of each contract, to know when to redo the groups
    _coterm_keys: dict[str, tuple] = field(default_factory=dict)

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
        self._coterm_keys.clear()
        self._refresh_serials(self.estate.serials())
        self._refresh_contracts(self.estate.contracts.keys())
        self.coterm = coterm_alerts(self.estate, self.contract_status)
        self._sorted = None

    def refresh(self, serials: Iterable[str] = (), contracts: Iterable[str] = ()) -> None:
        """Recompute what depends on these serials and contracts after an edit.

        A serial's lines may change the renewal status of every contract that covers it,
        so those contracts are refreshed too; co-term groups are cheap and redone whole.
        """
        serials = set(serials)
        numbers = set(contracts) | self.estate.contracts_of(serials)
        self._refresh_serials(serials)
        if self._refresh_contracts(numbers):
            self.coterm = coterm_alerts(self.estate, self.contract_status)
        self._sorted = None

    def with_policy(self, policy: Policy) -> Analysis:
        return Analysis(self.estate, policy)

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
                and len(cov.contracts) == 1
            ):
                # the common case, an active non-critical device covered by one contract
                # and with no EoX row, has nothing to say: skip the rules
                alerts_of.pop(s, None)
                continue
            alerts = serial_alerts(s, device, lines, cov, eox, policy, covering)
            if alerts:
                alerts_of[s] = alerts
            else:
                alerts_of.pop(s, None)

    def _refresh_contracts(self, numbers: Iterable[str]) -> bool:
        """Recompute these contracts; True if what co-term grouping reads has moved."""
        estate, policy = self.estate, self.policy
        moved = False
        for n in list(numbers):
            contract = estate.contracts.get(n)
            if contract is None:
                self.contract_status.pop(n, None)
                self.contract_alerts.pop(n, None)
                self._facts.pop(n, None)
                moved |= self._coterm_keys.pop(n, None) is not None
                continue
            lines = estate.lines_by_contract.get(n, ())
            facts = self._facts.get(n)
            if facts is None or facts.lines is not lines or facts.contract is not contract:
                facts = self._facts[n] = contract_facts(estate, contract)
            st = compute_contract_status(estate, contract, policy, facts)
            self.contract_status[n] = st
            key = (st.renewal, st.end, contract.service_level)
            if self._coterm_keys.get(n) != key:
                self._coterm_keys[n] = key
                moved = True
            alerts = contract_alerts(estate, contract, st, policy)
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
            out.sort(key=lambda a: a.sort_key)
            self._sorted = out
        return self._sorted

    def alerts_for_serial(self, serial: str) -> list[Alert]:
        return sorted(self.serial_alerts.get(serial, ()), key=lambda a: a.sort_key)

    def alerts_for_contract(self, number: str) -> list[Alert]:
        out = list(self.contract_alerts.get(number, ()))
        contract = self.estate.contracts.get(number)
        if contract is not None and contract.level is not None:
            co = self.coterm.get(contract.level.code)
            if co is not None and number in co.related:
                out.append(co)
        return sorted(out, key=lambda a: a.sort_key)

    def summary(self) -> Summary:
        due = review = 0
        at_stake: dict[str, float] = {}
        for number, st in self.contract_status.items():
            if st.renewal in ("due", "review"):
                if st.renewal == "due":
                    due += 1
                else:
                    review += 1
                if st.annual_cost:
                    cur = self.estate.contracts[number].currency or ""
                    at_stake[cur] = round(at_stake.get(cur, 0.0) + st.annual_cost, 2)
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
        total += len(self.coterm)
        return Summary(due, review, lapsed, uncovered, wasted, dict(sorted(at_stake.items())), total, critical)
