"""Domain objects as the CLI's JSON interface (documented in docs/cli.md; keep stable)."""

from __future__ import annotations

from datetime import date
from typing import Any

from smartnet_tui.domain.dates import iso
from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import RENEWAL_RANK, Contract, Coverage, Device, Line


def device_json(d: Device) -> dict[str, Any]:
    return {
        "serial": d.serial,
        "hostname": d.hostname,
        "pid": d.pid,
        "site": d.site,
        "status": d.status,
        "criticality": d.criticality,
        "tags": list(d.tags),
        "notes": d.notes,
    }


def coverage_json(c: Coverage) -> dict[str, Any]:
    return {
        "status": c.status,
        "coverage_end": iso(c.coverage_end),
        "days_left": c.days_left,
        "next_start": iso(c.next_start),
        "contracts": list(c.contracts),
    }


def _line_state(ln: Line) -> str:
    return "cancelled" if ln.cancelled else "terminated" if ln.terminated else "active"


def line_json(ln: Line, today: date) -> dict[str, Any]:
    return {
        "contract": ln.contract,
        "service_level": ln.service_level.code if ln.service_level else None,
        "start": iso(ln.start),
        "end": iso(ln.end),
        "covers_today": ln.counts and ln.covers(today),
        "status": _line_state(ln),
        "sku": ln.sku,
    }


def lookup_json(analysis: Analysis, serial: str) -> dict[str, Any]:
    estate, today = analysis.estate, analysis.policy.today
    device = estate.devices.get(serial)
    lines = sorted(estate.lines_for(serial), key=lambda ln: (ln.end, ln.contract))
    cov = analysis.coverage.get(serial)
    return {
        "serial": serial,
        "in_inventory": device is not None,
        "device": device_json(device) if device else None,
        "coverage": coverage_json(cov) if cov else None,
        "lines": [line_json(ln, today) for ln in lines],
        "alerts": [a.as_dict() for a in analysis.alerts_for_serial(serial)],
    }


def contract_json(analysis: Analysis, c: Contract) -> dict[str, Any]:
    st = analysis.contract_status[c.number]
    level = c.level
    return {
        "number": c.number,
        "service_level": level.code if level else None,
        "start": iso(c.start or min((ln.start for ln in analysis.estate.lines_by_contract.get(c.number, ())
                                      if ln.start), default=None)),
        "end": iso(st.end),
        "days_left": st.days_left,
        "renewal": st.renewal,
        "serials": list(st.serials),
        "annual_cost": st.annual_cost,
        "currency": c.currency,
        "reseller": c.reseller,
        # the triage of its most urgent renewal (what `smartnet triage` without --end sets)
        "triage": (st.renewals[0].triage.state if st.renewals
                   else c.triage.state if c.triage else None),
    }


def contracts_by_urgency(analysis: Analysis) -> list[Contract]:
    """Most urgent first: by renewal status (the domain's order), then days left, then number."""

    def key(c: Contract) -> tuple[int, int, str]:
        st = analysis.contract_status[c.number]
        days_left = st.days_left if st.days_left is not None else 1 << 30
        return (RENEWAL_RANK[st.renewal], days_left, c.number)

    return sorted(analysis.estate.contracts.values(), key=key)


def report_json(analysis: Analysis) -> dict[str, Any]:
    estate, policy = analysis.estate, analysis.policy
    devices = []
    for serial in sorted(estate.devices):
        d = device_json(estate.devices[serial])
        d["coverage"] = coverage_json(analysis.coverage[serial])
        devices.append(d)
    return {
        "today": policy.today.isoformat(),
        "due_days": policy.due_days,
        "review_days": policy.review_days,
        "devices": devices,
        "contracts": [contract_json(analysis, c) for c in contracts_by_urgency(analysis)],
        "alerts": [a.as_dict() for a in analysis.alerts()],
    }
