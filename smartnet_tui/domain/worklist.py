"""The worklist: one item per renewal, most urgent first, and its JSON shape (issue 8), and
the triage edit that moves an item through its states.

- :func:`worklist` lists the renewals (a :class:`Renewal` is the item);
- :func:`renewal_json` is an item as ``smartnet worklist --json`` prints it;
- :func:`set_renewal_triage` builds the change that sets a renewal's state, owner and note,
  recording the state change in its history.

Pure: no I/O. Money stays :class:`~decimal.Decimal` (rounded to the cent) in the JSON view:
the writer serialises it as a JSON number (for orjson: ``default=`` returning
``orjson.Fragment(str(value))`` for a Decimal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from smartnet_tui.domain.changes import Change, PutContract
from smartnet_tui.domain.edits import EditError, check_one_line
from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import (
    OPEN_RENEWAL_STATUSES,
    TRIAGE_STATES,
    Contract,
    Renewal,
    RenewalLine,
    Triage,
    TriageEvent,
)
from smartnet_tui.domain.renewals import pin_contract_triage

DISPOSITION_KEYS = ("renew", "renewed", "drop", "replace", "blocked")  # `counts` key order


def worklist(analysis: Analysis, everything: bool = False) -> list[Renewal]:
    """The renewals that are expired, due or in review (``everything``: every renewal), most
    urgent first: status (expired, due, review, ok, renewed, not needed), then deadline,
    then contract number."""
    items = analysis.renewals()
    if everything:
        return items
    return [r for r in items if r.status in OPEN_RENEWAL_STATUSES]


def count_by_state(items: Iterable[Renewal]) -> dict[str, int]:
    """How many items are in each triage state, every state present, in TRIAGE_STATES order
    (the Worklist header)."""
    out = dict.fromkeys(TRIAGE_STATES, 0)
    for r in items:
        out[r.triage.state] = out.get(r.triage.state, 0) + 1
    return out


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def line_json(ln: RenewalLine) -> dict[str, Any]:
    return {
        "serial": ln.serial,
        "hostname": ln.hostname,
        "pid": ln.pid,
        "criticality": ln.criticality,
        "disposition": ln.disposition,
        "reason": ln.reason,
        "renewed_by": ln.renewed_by,
        "max_end": _iso(ln.max_end),
        "annual_cost": ln.annual_cost,
    }


def renewal_json(r: Renewal) -> dict[str, Any]:
    """A worklist item with the documented keys (docs/cli.md, ``worklist --json``)."""
    counts = r.counts
    return {
        "contract": r.contract,
        "end": r.end.isoformat(),
        "deadline": r.deadline.isoformat(),
        "deadline_reason": r.deadline_reason,
        "due_date": r.due_date.isoformat(),
        "days_left": r.days_left,
        "status": r.status,
        "state": r.triage.state,
        "owner": r.triage.owner,
        "note": r.triage.note,
        "service_level": r.service_level,
        "reseller": r.reseller,
        "currency": r.currency,
        "annual_cost": r.annual_cost,
        "counts": {k: counts[k] for k in DISPOSITION_KEYS},
        "lines": [line_json(ln) for ln in r.lines],
    }


def history_json(t: Triage) -> list[dict[str, str]]:
    return [{"at": ev.at, "user": ev.user, "state": ev.state} for ev in t.history]


# --------------------------------------------------------------------------- triage
def triage_state(text: str) -> str:
    """A triage state as typed (any case, spaces trimmed): one of TRIAGE_STATES."""
    wanted = " ".join(text.split()).casefold()
    for state in TRIAGE_STATES:
        if state.casefold() == wanted:
            return state
    raise EditError(f"triage state must be one of {', '.join(TRIAGE_STATES)} (not {text!r})")


def target_renewal(analysis: Analysis, number: str, end: date | None = None) -> Renewal:
    """The renewal ``(number, end)``; without ``end``, the contract's first in worklist order."""
    contract = analysis.estate.contracts.get(number)
    if contract is None:
        raise EditError(f"contract {number} is not in the database")
    st = analysis.contract_status.get(number)
    renewals = st.renewals if st is not None else ()
    if not renewals:
        why = "is cancelled" if contract.status == "cancelled" else "has no line to renew"
        raise EditError(f"contract {number} {why}: it has no renewal to triage")
    if end is None:
        return renewals[0]
    for r in renewals:
        if r.end == end:
            return r
    ends = ", ".join(sorted(r.end.isoformat() for r in renewals))
    raise EditError(f"contract {number} has no renewal ending {end} (its renewals end {ends})")


def set_renewal_triage(
    analysis: Analysis,
    number: str,
    state: str,
    *,
    end: date | None = None,
    owner: str | None = None,
    note: str | None = None,
    user: str,
    at: str,
) -> list[Change]:
    """The change that sets the triage of renewal ``(number, end)`` (``end`` None: the
    contract's first renewal in worklist order).

    ``state`` is any spelling :func:`triage_state` accepts. ``owner``/``note``: None keeps
    the current value, an empty text clears it. A change of state is added to the history
    with ``user`` and ``at`` (an ISO timestamp, passed in: the domain reads no clock).
    A contract-level triage from an older data file is moved onto the renewal it applied to
    in the same change, so the contract's triage lives per renewal from then on.
    """
    state = triage_state(state)
    check_one_line("owner", owner)
    check_one_line("note", note)
    renewal = target_renewal(analysis, number, end)
    contract = analysis.estate.contracts[number]
    current = renewal.triage
    history = current.history
    if state != current.state:
        history = (*history, TriageEvent(at, user, state))
    new = Triage(
        state,
        current.owner if owner is None else (owner.strip() or None),
        current.note if note is None else (note.strip() or None),
        at,
        renewal.end,
        history,
    )
    contract = pin_legacy_triage(analysis, contract)
    kept = {t.end: t for t in contract.renewal_triage if t.end is not None}
    kept[renewal.end] = new
    triages = tuple(kept[e] for e in sorted(kept))
    return [PutContract(replace(contract, renewal_triage=triages))]


def pin_legacy_triage(analysis: Analysis, contract: Contract) -> Contract:
    """The contract with its contract-level triage (older data files) moved onto the renewal
    it applies to today, so that it stays with that renewal (see
    :func:`~smartnet_tui.domain.renewals.pin_contract_triage`)."""
    st = analysis.contract_status.get(contract.number)
    return pin_contract_triage(contract, st.renewals if st is not None else ())
