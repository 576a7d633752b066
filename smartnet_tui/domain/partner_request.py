"""The renewal request to the partner (issue 10): one row per line of the worklist's
renewals, with the action the partner should take, in Cisco's vocabulary.

- ``renew`` (a ``renew`` line): Requested End Date is the co-term target when one is
  given, else the line's end + 1 year, cut at its ``max_end`` (the pid's last date of
  support);
- ``terminate`` (``drop``, ``replace``, ``blocked``), with the reason;
- ``no action`` (``renewed``), naming the new contract.

A renewal triaged ``do not renew`` is not requested: its ``renew`` lines become
``terminate`` with the reason ``do not renew (triage)`` (:func:`line_action`, what the
request and the partner sheet both follow); the dispositions themselves do not change.

``smartnet request`` writes the rows as CSV, XLSX or a Markdown summary; the app's
Worklist (``e``) writes the same. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import OPEN_RENEWAL_STATUSES, Renewal, RenewalLine
from smartnet_tui.domain.quote_check import contract_key

REQUEST_COLUMNS = (
    "Contract Number", "Instance Number", "Serial Number", "Product ID", "Service Level",
    "Service SKU", "Site", "Line Start", "Line End", "Quantity", "Requested Action",
    "Requested End Date", "Reason",
)
DATE_COLUMNS = ("Line Start", "Line End", "Requested End Date")
RENEW, TERMINATE, NO_ACTION = "renew", "terminate", "no action"
ACTIONS = (RENEW, TERMINATE, NO_ACTION)
ACTION_OF = {"renew": RENEW, "drop": TERMINATE, "replace": TERMINATE, "blocked": TERMINATE,
             "renewed": NO_ACTION}


DO_NOT_RENEW = "do not renew"  # the triage state that declines a renewal
DECLINED_REASON = "do not renew (triage)"


def declined(r: Renewal, rl: RenewalLine) -> bool:
    """A ``renew`` line of a renewal triaged ``do not renew``: not to be renewed."""
    return rl.disposition == "renew" and r.state == DO_NOT_RENEW


def line_action(r: Renewal, rl: RenewalLine) -> str:
    """What the partner should do with a line of a renewal: its disposition's action,
    except that the ``renew`` lines of a renewal triaged ``do not renew`` are terminated."""
    return TERMINATE if declined(r, rl) else ACTION_OF[rl.disposition]


def line_reason(r: Renewal, rl: RenewalLine) -> str | None:
    """The line's reason as the partner should read it (``do not renew (triage)`` for a
    declined ``renew`` line)."""
    return DECLINED_REASON if declined(r, rl) else rl.reason


class RequestError(ValueError):
    """A contract named for the request that the database does not hold (one line)."""


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One line of the request, with what the Markdown summary needs beside the columns."""

    contract: str
    instance: str | None
    serial: str
    pid: str | None
    service_level: str | None
    sku: str | None
    site: str | None
    start: date | None
    end: date
    quantity: int
    action: str  # renew | terminate | no action
    requested_end: date | None  # renew only
    reason: str | None
    hostname: str | None = None
    criticality: str | None = None
    annual_cost: Decimal | None = None
    currency: str | None = None
    device_status: str | None = None  # the inventory's; None: not in the inventory

    @property
    def loses_support(self) -> bool:
        """A line to terminate of an active device: support that matters ends with it (a
        spare or decommissioned device, or a serial not in the inventory, is a drop)."""
        return self.action == TERMINATE and self.device_status == "active"

    def cells(self) -> dict[str, str | int | date | None]:
        """The row by column name: dates as dates (the writer formats them), text as text."""
        return dict(zip(REQUEST_COLUMNS, (
            self.contract, self.instance, self.serial, self.pid, self.service_level,
            self.sku, self.site, self.start, self.end, self.quantity, self.action,
            self.requested_end, self.reason,
        ), strict=True))


def requested_end(rl: RenewalLine, target: date | None) -> date:
    """The end to ask for a ``renew`` line: the target, else its end + 1 year (29 February
    gives 28 February), cut at its ``max_end``."""
    if target is not None:
        want = target
    else:
        try:
            want = rl.end + relativedelta(years=1)
        except (OverflowError, ValueError):
            want = date.max
    cap = rl.max_end
    return min(want, cap) if cap is not None else want


def _reason(r: Renewal, rl: RenewalLine, action: str, want: date | None) -> str | None:
    if action != RENEW:
        return line_reason(r, rl)
    parts = [rl.reason] if rl.reason else []
    if want is not None and rl.max_end is not None and want == rl.max_end:
        parts.append(f"cut at {rl.pid}'s last date of support")
    return "; ".join(parts) or None


def renewals_for_request(analysis: Analysis, contracts: Sequence[str] = ()) -> list[Renewal]:
    """The worklist's open renewals (expired, due, review), or with ``contracts``, every
    renewal of those contracts (numbers compared on their digits), in worklist order."""
    items = analysis.renewals()
    if not contracts:
        return [r for r in items if r.status in OPEN_RENEWAL_STATUSES]
    by_key: dict[str, list[str]] = {}
    for number in analysis.estate.contracts:
        by_key.setdefault(contract_key(number), []).append(number)
    wanted: set[str] = set()
    for text in contracts:
        found = [n for n in by_key.get(contract_key(text), []) if n == text.strip()] or \
            by_key.get(contract_key(text), [])
        if not found:
            raise RequestError(f"contract {text} is not in the database")
        wanted.update(found)
    return [r for r in items if r.contract in wanted]


def request_rows(
    analysis: Analysis, contracts: Sequence[str] = (), target: date | None = None
) -> list[RequestRow]:
    """Every line of the renewals to request, in worklist order, then as the contract
    lists them."""
    estate = analysis.estate
    rows = []
    for r in renewals_for_request(analysis, contracts):
        contract = estate.contracts[r.contract]
        lines = {ln.index: ln for ln in estate.lines_by_contract.get(r.contract, ())}
        for rl in sorted(r.lines, key=lambda x: x.index):
            line = lines.get(rl.index)
            spec = contract.lines[rl.index] if rl.index < len(contract.lines) else None
            extra = spec.extra if spec is not None else {}
            action = line_action(r, rl)
            want = requested_end(rl, target) if action == RENEW else None
            device = rl.device
            pid = rl.pid or _text(extra.get("pid"))
            site = (device.site if device is not None else None) or _text(extra.get("site"))
            level = line.service_level.code if line is not None and line.service_level else None
            rows.append(RequestRow(
                contract=r.contract,
                instance=_text(extra.get("instance")),
                serial=rl.serial,
                pid=pid,
                service_level=level,
                sku=line.sku if line is not None else None,
                site=site,
                start=line.start if line is not None else None,
                end=rl.end,
                quantity=1,
                action=action,
                requested_end=want,
                reason=_reason(r, rl, action, want),
                hostname=rl.hostname,
                criticality=rl.criticality,
                annual_cost=rl.annual_cost,
                currency=r.currency,
                device_status=device.status if device is not None else None,
            ))
    return rows


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# --------------------------------------------------------------------------- markdown
def _md(value: object) -> str:
    """A Markdown table cell: pipes escaped, one line."""
    if value is None:
        return ""
    return " ".join(str(value).split()).replace("|", "\\|")


def markdown_summary(rows: Sequence[RequestRow], today: date, target: date | None = None) -> str:
    """A short summary for an email: lines per action, the devices that will lose support,
    and the annual cost of what is to be renewed per currency."""
    counts = dict.fromkeys(ACTIONS, 0)
    for row in rows:
        counts[row.action] += 1
    contracts = sorted({row.contract for row in rows})
    out = [f"# SMARTnet renewal request, {today}", ""]
    if not rows:
        out += ["Nothing to renew, terminate or confirm: no line is expired, due or in review.", ""]
        return "\n".join(out)
    n = len(rows)
    out.append(f"{n} line{'s' * (n != 1)} on {len(contracts)} contract"
               f"{'s' * (len(contracts) != 1)} ({', '.join(contracts)}):")
    out.append("")
    for action in ACTIONS:
        out.append(f"- {action}: {counts[action]}")
    out.append("")
    if target is not None:
        out += [f"Requested end date for the lines to renew: {target} (co-term), cut at each "
                "product's last date of support.", ""]
    losing = [row for row in rows if row.loses_support]
    out.append("## Devices that will lose support")
    out.append("")
    if losing:
        out.append("| Serial | Hostname | Product ID | Criticality | Contract | Support ends | Reason |")
        out.append("|---|---|---|---|---|---|---|")
        for row in sorted(losing, key=lambda x: (x.end, x.serial)):
            out.append("| " + " | ".join(_md(v) for v in (
                row.serial, row.hostname, row.pid, row.criticality, row.contract, row.end,
                row.reason)) + " |")
    else:
        out.append("None: every active device is renewed or already covered.")
    out.append("")
    out.append("## Annual cost of the lines to renew")
    out.append("")
    totals: dict[str, Decimal] = {}
    unknown = 0
    for row in rows:
        if row.action != RENEW:
            continue
        if row.annual_cost is None:
            unknown += 1
            continue
        cur = row.currency or "unknown"
        totals[cur] = totals.get(cur, Decimal("0.00")) + row.annual_cost
    if totals:
        for cur in sorted(totals):
            out.append(f"- {cur}: {totals[cur]:,.2f}")
    else:
        out.append("- no known cost")
    if unknown:
        out.append(f"- {unknown} line{'s' * (unknown != 1)} without a known cost")
    out.append("")
    return "\n".join(out)
