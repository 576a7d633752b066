"""``smartnet worklist`` and ``smartnet triage`` (issue 8).

- ``worklist [--json | --csv | --markdown] [--all]``: one item per renewal (a contract's
  lines ending on one date) that is expired, due or in review (``--all``: every renewal),
  most urgent first, as the domain orders them (:func:`smartnet_tui.domain.worklist.worklist`).
  JSON is :func:`~smartnet_tui.domain.worklist.renewal_json` per item, amounts as numbers
  with their two decimals; text is inert; CSV cells are made safe for a spreadsheet.
- ``triage CONTRACT [--end DATE] STATE [--owner NAME] [--note TEXT]``: set a renewal's
  state (and owner, note), decided under the database lock against the database as it is,
  written with one journal entry (as the app's ``t`` does). Without ``--end``: the
  contract's first renewal in worklist order. A mistake is one line, exit 2, nothing written.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from smartnet_tui.cli.json_out import json_text
from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import PutContract
from smartnet_tui.domain.dates import DateError, parse_date
from smartnet_tui.domain.display import inert, spreadsheet_row
from smartnet_tui.domain.edits import EditError
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import TRIAGE_STATES, Renewal, RenewalLine
from smartnet_tui.domain.numbers import match_contracts
from smartnet_tui.domain.partner_request import DECLINED_REASON, declined, line_action, line_reason
from smartnet_tui.domain.worklist import (
    DISPOSITION_KEYS,
    renewal_json,
    set_renewal_triage,
    target_renewal,
    worklist,
)
from smartnet_tui.store.db import Store, StoreError, current_user

EXIT_OK, EXIT_ERROR = 0, 2

WORKLIST_HELP = ("the renewals to decide, most urgent first: expired, due and in review "
                 "(--all: every renewal), with their lines' dispositions")
TRIAGE_HELP = ("set a renewal's triage state (and owner, note): "
               + ", ".join(TRIAGE_STATES))

# `worklist --csv`: one row per item (the JSON's keys without its lines, counts flattened).
CSV_COLUMNS = (
    "contract", "end", "deadline", "deadline_reason", "due_date", "days_left", "status",
    "state", "owner", "note", "service_level", "reseller", "currency", "annual_cost",
    *DISPOSITION_KEYS,
)


def add_worklist_arguments(sp: argparse.ArgumentParser) -> None:
    fmt = sp.add_mutually_exclusive_group()
    fmt.add_argument("--json", dest="fmt", action="store_const", const="json",
                     help="every item with its lines (keys in docs/cli.md)")
    fmt.add_argument("--csv", dest="fmt", action="store_const", const="csv",
                     help="a row per item, its line counts by disposition")
    fmt.add_argument("--markdown", dest="fmt", action="store_const", const="markdown",
                     help="a summary table, then each item's lines")
    sp.add_argument("--all", action="store_true",
                    help="every renewal, also ok, renewed and not needed")


def add_triage_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("contract", metavar="CONTRACT", help="contract number")
    sp.add_argument("state", nargs="+", metavar="STATE",
                    help=f"one of: {', '.join(TRIAGE_STATES)} (any case; quotes optional)")
    sp.add_argument("--end", metavar="DATE",
                    help="the renewal ending on this date, as dates are written elsewhere "
                    "(2027-03-31, 31-Mar-2027; numeric in the --date-order) (default: the "
                    "contract's first renewal in worklist order)")
    sp.add_argument("--owner", metavar="NAME", help="who works on it (empty text clears it)")
    sp.add_argument("--note", metavar="TEXT", help="quote number, decision... (empty clears it)")


def _policy(settings: Settings) -> Policy:
    return Policy(settings.reference_date(), settings.due_days, settings.review_days)


def _require_db(settings: Settings) -> None:
    if not settings.db_path.exists():
        raise StoreError(f"{settings.db_path}: no database yet (import some data with "
                         "`smartnet import FILE`, or try `smartnet --demo`)")


# ------------------------------------------------------------------ worklist
def cmd_worklist(args: argparse.Namespace, settings: Settings) -> int:
    _require_db(settings)
    analysis = Analysis(Store(settings.db_path).load(), _policy(settings))
    items = worklist(analysis, everything=args.all)
    out = sys.stdout
    if args.fmt == "json":
        out.write(json_text([renewal_json(r) for r in items]) + "\n")
    elif args.fmt == "csv":
        write_csv(items, out)
    elif args.fmt == "markdown":
        out.write(inert(markdown_worklist(items, analysis, args.all), keep="\n"))
    else:
        out.write(inert(plain_worklist(items, analysis, args.all), keep="\n"))
    return EXIT_OK


def csv_row(r: Renewal) -> dict[str, Any]:
    item = renewal_json(r)
    row = {k: item[k] for k in CSV_COLUMNS if k in item}
    row.update(item["counts"])
    return {k: ("" if v is None else v) for k, v in row.items()}


def write_csv(items: Sequence[Renewal], out: IO[str]) -> None:
    w = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    w.writeheader()
    # a cell a spreadsheet would run as a formula gets a leading '
    tty = out.isatty()  # to a terminal, line breaks and tabs in cells escaped too
    w.writerows(spreadsheet_row(csv_row(r), tty) for r in items)


def money_text(amount: Decimal | None, currency: str | None) -> str:
    """``USD 10,220.08``; ``unknown`` when no cost is known (never 0)."""
    if amount is None:
        return "cost unknown"
    return f"{currency or 'unknown'} {amount:,.2f}"  # no currency: 'unknown', as everywhere


def days_text(days: int) -> str:
    if days == 0:
        return "today"
    if days < 0:
        return f"{-days} day{'s' * (days != -1)} ago"
    return f"in {days} day{'s' * (days != 1)}"


def counts_text(r: Renewal) -> str:
    counts = r.counts
    return ", ".join(f"{counts[k]} {k}" for k in DISPOSITION_KEYS if counts[k])


def _scope(everything: bool) -> str:
    return "every renewal" if everything else "expired, due and in review"


def plain_worklist(items: Sequence[Renewal], analysis: Analysis, everything: bool) -> str:
    """A block per item, each line within 80 columns for usual values."""
    p = analysis.policy
    n = len(items)
    out = [f"smartnet worklist for {p.today}: {n} renewal{'s' * (n != 1)} ({_scope(everything)})"]
    if not items:
        out.append("nothing to decide" + ("" if everything else " (--all lists every renewal)"))
        return "\n".join(out) + "\n"
    for r in items:
        deadline = f"{r.deadline_reason} {r.deadline}" if r.deadline_reason != "end" \
            else f"deadline {r.deadline}"
        # every stored text escaped on its own: a line break in a note must not start a
        # line of its own (the whole text is only made inert with its layout's newlines kept)
        owner = f", owner {inert(r.triage.owner)}" if r.triage.owner else ""
        out.append("")
        out.append(f"{inert(r.contract)}  {r.status.upper()}  {deadline} ({days_text(r.days_left)})")
        out.append(f"  {r.state}{owner}")
        level = inert(r.service_level) or "level unknown"
        out.append(f"  ends {r.end}, {level}, {money_text(r.annual_cost, r.currency)} a year"
                   + (f", {inert(r.reseller)}" if r.reseller else ""))
        out.append(f"  lines: {counts_text(r) or 'none'}")
        if r.triage.note:
            out.append(f"  note: {inert(r.triage.note)}")
    return "\n".join(out) + "\n"


def _md(value: object) -> str:
    return inert(value).replace("|", "\\|")  # escaped: a line break cannot end a row


def markdown_worklist(items: Sequence[Renewal], analysis: Analysis, everything: bool) -> str:
    p = analysis.policy
    out = [f"# SMARTnet renewal worklist, {p.today}", "",
           f"{len(items)} renewals ({_scope(everything)}). Due: deadline within {p.due_days} "
           f"days. Review: within {p.review_days} days.", ""]
    out.append("| Contract | End | Deadline | Days left | Status | State | Owner | Level "
               "| Annual cost | Lines |")
    out.append("|---|---|---|--:|---|---|---|---|--:|---|")
    for r in items:
        cost = money_text(r.annual_cost, r.currency) if r.annual_cost is not None else ""
        out.append(f"| {_md(r.contract)} | {r.end} | {r.deadline} | {r.days_left} | {r.status} "
                   f"| {_md(r.state)} | {_md(r.triage.owner)} | {_md(r.service_level)} | {cost} "
                   f"| {counts_text(r)} |")
    for r in items:
        out += ["", f"## {_md(r.contract)}, ending {r.end}", ""]
        reason = f" ({r.deadline_reason})" if r.deadline_reason != "end" else ""
        out.append(f"{r.status}, deadline {r.deadline}{reason}, {r.state}"
                   + (f", owner {_md(r.triage.owner)}" if r.triage.owner else ""))
        if r.triage.note:
            out.append(f"Note: {_md(r.triage.note)}")
        out.append("")
        out.append("| Serial | Hostname | PID | Criticality | Disposition | Reason | Max end "
                   "| Annual cost |")
        out.append("|---|---|---|---|---|---|---|--:|")
        for ln in r.lines:
            cost = f"{ln.annual_cost:,.2f}" if ln.annual_cost is not None else ""
            out.append(f"| {_md(ln.serial)} | {_md(ln.hostname)} | {_md(ln.pid)} "
                       f"| {_md(ln.criticality)} | {ln.disposition} | {_md(ln.reason)} "
                       f"| {ln.max_end or ''} | {cost} |")
    out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------ triage
def _fail(message: str) -> int:
    print(f"smartnet: error: {inert(message)}", file=sys.stderr)
    return EXIT_ERROR


def cmd_triage(args: argparse.Namespace, settings: Settings) -> int:
    _require_db(settings)
    number = str(args.contract).strip()
    state = " ".join(args.state)
    end: date | None = None
    if args.end is not None:
        try:  # the same date rules as everywhere (31-Mar-2027, the settings' date order)
            end = parse_date(args.end, settings.date_order)
        except DateError as exc:
            return _fail(f"triage --end: {exc}")
    store = Store(settings.db_path)
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    user = current_user()
    with store.locked():  # decided against the database as it is while nobody else writes
        analysis = Analysis(store.load(), _policy(settings))
        # as typed, else by its digits (exports drop leading zeros: 93425688 is 0093425688)
        found = match_contracts(number, analysis.estate.contracts)
        if len(found) > 1:
            return _fail(f"triage: contract {number} could be {', '.join(found)}: type it in full")
        number = found[0] if found else number
        try:
            renewal = target_renewal(analysis, number, end)
            changes = set_renewal_triage(analysis, number, state, end=renewal.end,
                                         owner=args.owner, note=args.note, user=user, at=at)
        except EditError as exc:
            return _fail(f"triage: {exc}")
        before = renewal.triage
        after = analysis.estate.contracts[number]
        new = changes[0]
        assert isinstance(new, PutContract)
        triage = new.contract.triage_for(renewal.end)
        assert triage is not None
        what = f"triage {number} ending {renewal.end}"
        if (before.state, before.owner, before.note) == (triage.state, triage.owner, triage.note):
            print(inert(f"{what}: unchanged ({_triage_text(triage.state, triage.owner)})"))
            return EXIT_OK
        # the record as it was read under this lock: a write by anyone else is refused
        entry = store.apply(changes, f"{what}: {before.state} -> {triage.state}",
                            detail={"contract": number, "end": renewal.end.isoformat(),
                                    "state": triage.state},
                            expect=[PutContract(after)])
    written = f" (journal #{entry['id']})" if entry is not None else ""
    print(inert(f"{what}: {before.state} -> {_triage_text(triage.state, triage.owner)}"
                f"{written}"))
    return EXIT_OK


def _triage_text(state: str, owner: str | None) -> str:
    return state + (f", owner {owner}" if owner else "")


# ------------------------------------------------------------------ the partner sheet
# `report --csv/--xlsx/--markdown`: a row per line of the worklist's renewals, by
# disposition, from the domain's renewals (one source of truth with `worklist`).
PARTNER_COLUMNS = (
    "contract", "renewal", "contract_end", "days_left", "deadline", "service_level",
    "reseller", "serial", "pid", "hostname", "site", "device_status", "line_end",
    "disposition", "reason", "renewed_by", "max_end", "recommendation",
)
PARTNER_DATE_COLUMNS = ("contract_end", "deadline", "line_end", "max_end")
# Within a renewal: what to quote first, then what not to renew and why.
DISPOSITION_ORDER = {d: i for i, d in enumerate(("renew", "blocked", "replace", "drop", "renewed"))}


def recommendation(r: Renewal, ln: RenewalLine) -> str:
    """What the partner should do with a line: only a ``renew`` line of a renewal not
    triaged ``do not renew`` says ``renew`` (:func:`~smartnet_tui.domain.partner_request.line_action`)."""
    d = ln.disposition
    if declined(r, ln):
        return DECLINED_REASON
    if d == "renew":
        return "renew"
    if d == "renewed":
        return f"no action: renewed by {ln.renewed_by} until {ln.renewed_until}"
    if d == "drop":
        return f"drop: {ln.reason}"
    if d == "replace":
        return f"do not renew: replace ({ln.pid} last date of support {ln.last_date_of_support})"
    return (f"do not renew: cannot be renewed ({ln.pid} last date to renew "
            f"{ln.last_date_to_renew} has passed); replace")


def partner_lines(r: Renewal) -> list[RenewalLine]:
    """The lines to quote first (``renew``, unless declined by triage), then the others."""
    return sorted(r.lines, key=lambda ln: (line_action(r, ln) != "renew",
                                           DISPOSITION_ORDER[ln.disposition], ln.serial, ln.index))


def partner_rows(analysis: Analysis, everything: bool = False) -> list[dict[str, Any]]:
    """The partner sheet's rows: the renewals of the worklist (``everything``: all), most
    urgent first, each renewal's lines by disposition (renew first)."""
    rows = []
    for r in worklist(analysis, everything=everything):
        for ln in partner_lines(r):
            dev = ln.device
            rows.append({
                "contract": r.contract,
                "renewal": r.status,
                "contract_end": r.end.isoformat(),
                "days_left": r.days_left,
                "deadline": r.deadline.isoformat(),
                "service_level": r.service_level or "",
                "reseller": r.reseller or "",
                "serial": ln.serial,
                "pid": (dev.pid or "") if dev else "",
                "hostname": (dev.hostname or "") if dev else "",
                "site": (dev.site or "") if dev else "",
                "device_status": dev.status if dev else "not in inventory",
                "line_end": ln.end.isoformat(),
                "disposition": ln.disposition,
                "reason": ln.reason or "",
                "renewed_by": ln.renewed_by or "",
                "max_end": ln.max_end.isoformat() if ln.max_end else "",
                "recommendation": recommendation(r, ln),
            })
    return rows


def _to_renew(r: Renewal) -> list[RenewalLine]:
    return [ln for ln in partner_lines(r) if line_action(r, ln) == "renew"]


def partner_markdown(analysis: Analysis, everything: bool = False) -> str:
    """The partner sheet in Markdown: a table of the renewals, then per renewal the lines
    to renew (with the latest end a term may reach) and, apart, those not to renew."""
    p = analysis.policy
    items = worklist(analysis, everything=everything)
    out = [f"# SMARTnet renewal worklist, {p.today}", ""]
    out.append(f"Due: deadline within {p.due_days} days. Review: within {p.review_days} days. "
               "Only the lines under \"Renew\" are to be quoted.")
    out.append("")
    out.append("| Contract | Renewal | End | Days left | Deadline | Level | To renew | Lines "
               "| Annual cost | Reseller |")
    out.append("|---|---|---|--:|---|---|--:|--:|--:|---|")
    for r in items:
        cost = money_text(r.annual_cost, r.currency) if r.annual_cost is not None else ""
        out.append(f"| {_md(r.contract)} | {r.status} | {r.end} | {r.days_left} | {r.deadline} "
                   f"| {_md(r.service_level)} | {len(_to_renew(r))} | {len(r.lines)} | {cost} "
                   f"| {_md(r.reseller)} |")
    for r in items:
        out += ["", f"## {_md(r.contract)}, ending {r.end}", ""]
        reason = " (last date to renew)" if r.deadline_reason != "end" else ""
        out.append(f"{r.status}, deadline {r.deadline}{reason}.")
        lines = partner_lines(r)
        renew = _to_renew(r)
        other = [ln for ln in lines if ln not in renew]
        out += ["", f"### Renew ({len(renew)})", ""]
        if renew:
            out.append("| Serial | PID | Hostname | Site | Line end | Max end |")
            out.append("|---|---|---|---|---|---|")
            for ln in renew:
                dev = ln.device
                out.append(f"| {_md(ln.serial)} | {_md(ln.pid)} | {_md(ln.hostname)} "
                           f"| {_md(dev.site if dev else '')} | {ln.end} | {ln.max_end or ''} |")
        else:
            out.append("No line to renew.")
        if other:
            out += ["", f"### Not to renew ({len(other)})", ""]
            out.append("| Serial | PID | Hostname | Disposition | Why |")
            out.append("|---|---|---|---|---|")
            for ln in other:
                out.append(f"| {_md(ln.serial)} | {_md(ln.pid)} | {_md(ln.hostname)} "
                           f"| {ln.disposition} | {_md(line_reason(r, ln))} |")
    out.append("")
    return "\n".join(out)
