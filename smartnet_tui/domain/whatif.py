"""What-if scenarios: retire devices, drop contracts or lines, and see what would change.

A :class:`Scenario` is a set of edits. :func:`scenario_changes` turns it into the same
changes an edit would write (a retired device is ``decommissioned``; a renewal whose every
``renew`` line is dropped is triaged ``do not renew``); :func:`whatif` applies them to a
*copy* of the estate and runs the same :class:`~smartnet_tui.domain.engine.Analysis` on it,
then compares: the devices that would lose coverage, the alerts added and removed, and the
annual renewal cost per currency. The estate it is given is never changed.

Dropping a line means not renewing it: it keeps its dates (it still covers until its end).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from smartnet_tui.domain.changes import Change, PutContract, PutDevice, apply_changes
from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import (
    CRITICALITIES,
    SEVERITY_RANK,
    Alert,
    Estate,
    Renewal,
    Triage,
    TriageEvent,
    normalise_serial,
)
from smartnet_tui.domain.planning import CotermPlan, PlanError, coterm_plan, currency_key
from smartnet_tui.domain.worklist import pin_legacy_triage

RETIRED_STATUS = "decommissioned"
DO_NOT_RENEW = "do not renew"
_CRIT_RANK = {c: i for i, c in enumerate(CRITICALITIES)}

LineKey = tuple[str, int]  # (contract number, line index)
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Scenario:
    """The edits of a what-if: serials to retire, contracts or lines to drop."""

    retire: tuple[str, ...] = ()
    drop: tuple[tuple[str, str | None], ...] = ()  # (contract, serial or None: every line)
    # a co-term target: (service level, target date, reseller or None, currency or None);
    # its prorated cost is money added (it changes no record)
    coterm: tuple[str, date, str | None, str | None] | None = None

    @property
    def empty(self) -> bool:
        return not self.retire and not self.drop and self.coterm is None

    def with_coterm(self, level: str, target: date, reseller: str | None = None,
                    currency: str | None = None) -> Scenario:
        return replace(self, coterm=(level, target, reseller, currency))

    def with_retired(self, serial: str) -> Scenario:
        return replace(self, retire=tuple(dict.fromkeys((*self.retire, serial))))

    def with_dropped(self, contract: str, serial: str | None = None) -> Scenario:
        return replace(self, drop=tuple(dict.fromkeys((*self.drop, (contract, serial)))))


def parse_drop(text: str) -> tuple[str, str | None]:
    """``CONTRACT`` or ``CONTRACT:SERIAL`` as typed."""
    number, sep, serial = text.strip().partition(":")
    number, serial = number.strip(), serial.strip()
    if not number or (sep and not serial):
        raise PlanError(f"--drop takes CONTRACT or CONTRACT:SERIAL (not {text!r})")
    return number, serial or None


def copy_estate(estate: Estate) -> Estate:
    """A new estate holding the same (immutable) records and derived lines, with its own
    indexes: edits to it leave ``estate`` as it was. Every index is copied one level deep
    (a serial's list of lines, a pid's set of serials), which is all an edit changes."""
    new = Estate.__new__(Estate)
    for name, value in vars(estate).items():
        if isinstance(value, dict):
            value = {k: list(v) if isinstance(v, list) else set(v) if isinstance(v, set) else v
                     for k, v in value.items()}
        setattr(new, name, value)
    return new


def scenario_analysis(analysis: Analysis, changes: Sequence[Change]) -> Analysis:
    """The analysis of a copy of ``analysis``'s estate with ``changes`` applied: the engine's
    own incremental refresh of what they touch, on copies of its results (the records and
    derived lines are shared, so its caches stay valid); ``analysis`` is not changed. Equal
    to a full :class:`Analysis` of the edited estate (tests/domain/test_planning_whatif.py)."""
    estate = copy_estate(analysis.estate)
    out = copy.copy(analysis)
    for f in fields(analysis):
        value = getattr(analysis, f.name)
        if isinstance(value, dict):
            setattr(out, f.name, dict(value))
        elif isinstance(value, list):
            setattr(out, f.name, list(value))
    out.estate = estate
    serials, contracts = apply_changes(estate, changes)
    out.refresh(serials=serials, contracts=contracts)
    return out


def dropped_lines(analysis: Analysis, scenario: Scenario) -> set[LineKey]:
    """The lines the scenario drops (not terminated), checked against the estate."""
    estate = analysis.estate
    out: set[LineKey] = set()
    for number, serial in scenario.drop:
        if number not in estate.contracts:
            raise PlanError(f"--drop {number}: contract {number} is not in the database")
        lines = [ln for ln in estate.lines_by_contract.get(number, ()) if not ln.terminated]
        if serial is not None:
            key = normalise_serial(serial)
            lines = [ln for ln in lines if ln.serial == key]
            if not lines:
                raise PlanError(f"--drop {number}:{serial}: contract {number} has no line "
                                f"for serial {serial}")
        out.update((ln.contract, ln.index) for ln in lines)
    return out


def scenario_changes(
    analysis: Analysis, scenario: Scenario, *, user: str = "", at: str = ""
) -> list[Change]:
    """The scenario as the changes ``apply`` would write: each retired device
    ``decommissioned``; each renewal whose every ``renew`` line is dropped triaged
    ``do not renew`` (its history records the change with ``user`` and ``at``)."""
    estate = analysis.estate
    changes: list[Change] = []
    for serial in scenario.retire:
        key = normalise_serial(serial)
        device = estate.devices.get(key)
        if device is None:
            raise PlanError(f"--retire {serial}: serial {serial} is not in the inventory")
        if device.status != RETIRED_STATUS:
            changes.append(PutDevice(replace(device, status=RETIRED_STATUS)))
    dropped = dropped_lines(analysis, scenario)
    by_contract: dict[str, list[Renewal]] = {}
    for r in analysis.renewals():
        renew = [(rl.contract, rl.index) for rl in r.lines if rl.disposition == "renew"]
        if renew and all(k in dropped for k in renew) and r.triage.state != DO_NOT_RENEW:
            by_contract.setdefault(r.contract, []).append(r)
    for number, renewals in sorted(by_contract.items()):
        contract = pin_legacy_triage(analysis, estate.contracts[number])
        kept = {t.end: t for t in contract.renewal_triage if t.end is not None}
        for r in renewals:
            cur = r.triage
            history = (*cur.history, TriageEvent(at, user, DO_NOT_RENEW))
            kept[r.end] = Triage(DO_NOT_RENEW, cur.owner, cur.note, at or cur.updated, r.end, history)
        changes.append(PutContract(replace(contract, renewal_triage=tuple(kept[e] for e in sorted(kept)))))
    return changes


@dataclass(frozen=True, slots=True)
class LosingCoverage:
    serial: str
    hostname: str | None
    criticality: str
    covered_until: date


@dataclass(frozen=True, slots=True)
class AlertKey:
    kind: str
    severity: str
    subject: str


@dataclass(frozen=True, slots=True)
class CostChange:
    amount: Decimal | None  # None when no changed line's cost is known
    lines_without_cost: int


@dataclass(frozen=True, slots=True)
class WhatIf:
    scenario: Scenario
    changes: tuple[Change, ...]
    analysis: Analysis  # the scenario's analysis (of the copy)
    dropped: frozenset[LineKey]
    losing_coverage: tuple[LosingCoverage, ...]
    alerts_added: tuple[AlertKey, ...]
    alerts_removed: tuple[AlertKey, ...]
    annual_cost_change: dict[str, CostChange]
    coterm: CotermPlan | None = None  # the co-term target's plan, on the scenario's estate


def renewing_costs(analysis: Analysis, dropped: Iterable[LineKey] = (),
                   contracts: Iterable[str] | None = None) -> dict[LineKey, tuple[str, Decimal | None]]:
    """The lines that would be renewed (disposition ``renew``, not dropped) with their
    currency and annual cost: the money the estate's renewals will ask for each year
    (``contracts``: only theirs)."""
    skip = set(dropped)
    out: dict[LineKey, tuple[str, Decimal | None]] = {}
    if contracts is None:
        renewals: Iterable[Renewal] = analysis.renewals()
    else:
        statuses = analysis.contract_status
        renewals = [r for n in contracts if (st := statuses.get(n)) is not None for r in st.renewals]
    for r in renewals:
        for rl in r.lines:
            key = (rl.contract, rl.index)
            if rl.disposition == "renew" and key not in skip:
                out[key] = (currency_key(r.currency), rl.annual_cost)
    return out


def _alert_keys(alerts: Iterable[Alert]) -> Counter[AlertKey]:
    return Counter(AlertKey(a.kind, a.severity, a.subject) for a in alerts)


def _moved(before: Mapping[K, V], after: Mapping[K, V]) -> list[K]:
    """The keys whose value is not the very same object in both (the engine's refresh
    replaces what it recomputes and keeps the rest)."""
    return [k for k in before.keys() | after.keys() if before.get(k) is not after.get(k)]


def alert_changes(before: Analysis, after: Analysis) -> tuple[Counter[AlertKey], Counter[AlertKey]]:
    """(added, removed): the alerts of ``after`` that ``before`` has not, and the reverse,
    compared by kind, severity and subject; only where the refresh recomputed."""
    old: list[Alert] = []
    new: list[Alert] = []
    for table_b, table_a in ((before.serial_alerts, after.serial_alerts),
                             (before.contract_alerts, after.contract_alerts)):
        for k in _moved(table_b, table_a):
            old.extend(table_b.get(k, ()))
            new.extend(table_a.get(k, ()))
    for group in _moved(before.coterm, after.coterm):
        if (a := before.coterm.get(group)) is not None:
            old.append(a)
        if (a := after.coterm.get(group)) is not None:
            new.append(a)
    b, a_ = _alert_keys(old), _alert_keys(new)
    return a_ - b, b - a_


def _alert_order(a: AlertKey) -> tuple[int, str, str]:
    return (SEVERITY_RANK.get(a.severity, 99), a.kind, a.subject)


def whatif(analysis: Analysis, scenario: Scenario, *, user: str = "", at: str = "") -> WhatIf:
    """What the scenario would change, computed on a copy (``analysis`` is not touched)."""
    changes = scenario_changes(analysis, scenario, user=user, at=at)
    dropped = frozenset(dropped_lines(analysis, scenario))
    after = scenario_analysis(analysis, changes)
    estate = after.estate

    # devices losing coverage: a dropped line that would have been renewed, of an active
    # device, not continued by another line on the day after its end
    until: dict[str, date] = {}
    for r in after.renewals():
        for rl in r.lines:
            if (rl.contract, rl.index) in dropped and rl.disposition == "renew" and rl.active:
                if rl.serial not in until or rl.end > until[rl.serial]:
                    until[rl.serial] = rl.end
    losing = []
    for serial, end in until.items():
        device = estate.devices[serial]
        losing.append(LosingCoverage(serial, device.hostname, device.criticality, end))
    losing.sort(key=lambda d: (_CRIT_RANK.get(d.criticality, 99), d.covered_until, d.serial))

    plus, minus = alert_changes(analysis, after)
    added = sorted(plus.elements(), key=_alert_order)
    removed = sorted(minus.elements(), key=_alert_order)

    moved = set(_moved(analysis.contract_status, after.contract_status))
    moved.update(c for c, _ in dropped)
    before_cost = renewing_costs(analysis, contracts=moved)
    after_cost = renewing_costs(after, dropped, contracts=moved)
    sums: dict[str, list[Any]] = {}
    for key in before_cost.keys() | after_cost.keys():
        cur_b, cost_b = before_cost.get(key, ("", None))
        cur_a, cost_a = after_cost.get(key, ("", None))
        if key in before_cost and key in after_cost and cost_a == cost_b:
            continue
        cur = cur_b if key in before_cost else cur_a
        s = sums.setdefault(cur, [None, 0])
        cost = cost_b if key in before_cost else cost_a
        if cost is None:
            s[1] += 1
            continue
        delta = -cost if key in before_cost else cost
        s[0] = delta if s[0] is None else s[0] + delta
    cost_change = {cur: CostChange(v[0], v[1]) for cur, v in sorted(sums.items())}
    plan = None
    if scenario.coterm is not None:
        level, target, reseller, currency = scenario.coterm
        plan = coterm_plan(after, level, target, reseller=reseller, currency=currency)
    return WhatIf(scenario, tuple(changes), after, dropped, tuple(losing), tuple(added),
                  tuple(removed), cost_change, plan)


def whatif_json(w: WhatIf) -> dict[str, Any]:
    """``smartnet plan whatif --json`` (docs/cli.md); amounts stay Decimal (JSON numbers)."""
    return {
        "retire": list(w.scenario.retire),
        "drop": [f"{c}:{s}" if s else c for c, s in w.scenario.drop],
        "losing_coverage": [
            {"serial": d.serial, "hostname": d.hostname, "criticality": d.criticality,
             "covered_until": d.covered_until.isoformat()}
            for d in w.losing_coverage
        ],
        "alerts_added": [{"kind": a.kind, "severity": a.severity, "subject": a.subject}
                         for a in w.alerts_added],
        "alerts_removed": [{"kind": a.kind, "severity": a.severity, "subject": a.subject}
                           for a in w.alerts_removed],
        "annual_cost_change": {cur: c.amount for cur, c in w.annual_cost_change.items()},
        "lines_without_cost": {cur: c.lines_without_cost for cur, c in w.annual_cost_change.items()},
    }


def losing_by_criticality(w: WhatIf) -> dict[str, list[LosingCoverage]]:
    """The devices losing coverage grouped by criticality, most critical first."""
    out: dict[str, list[LosingCoverage]] = {}
    for d in w.losing_coverage:
        out.setdefault(d.criticality, []).append(d)
    return out


def summary_lines(w: WhatIf, limit: int = 10) -> Sequence[str]:
    """The what-if in words (the CLI's text output and the app's summary)."""
    out = []
    if w.losing_coverage:
        out.append(f"{len(w.losing_coverage)} active device(s) would lose coverage:")
        for crit, devices in losing_by_criticality(w).items():
            names = ", ".join(f"{d.hostname or d.serial} ({d.serial}) until {d.covered_until}"
                              for d in devices[:limit])
            more = f" and {len(devices) - limit} more" if len(devices) > limit else ""
            out.append(f"  {crit}: {names}{more}")
    else:
        out.append("No active device would lose coverage.")
    if w.annual_cost_change:
        parts = []
        for cur, c in w.annual_cost_change.items():
            amount = "unknown" if c.amount is None else f"{c.amount:+,.2f}"
            extra = f" ({c.lines_without_cost} line(s) without cost)" if c.lines_without_cost else ""
            parts.append(f"{cur} {amount}{extra}")
        out.append("Annual renewal cost change: " + " · ".join(parts))
    else:
        out.append("Annual renewal cost change: none")
    if w.coterm is not None and w.coterm.target is not None:
        p = w.coterm
        money = " · ".join(f"{cur} +{t.prorated_cost:,.2f}" for cur, t in p.totals.items()) or "nothing"
        out.append(f"Co-term {p.level} onto {p.target}: {len(p.lines)} line(s), prorated cost "
                   f"added {money}")
    out.append(f"Alerts: {len(w.alerts_added)} added, {len(w.alerts_removed)} removed")
    return out
