"""``smartnet plan coterm|term|whatif``: planning a renewal's money (docs/planning.md).

- ``plan coterm LEVEL [--reseller R] [--currency C] [--to DATE] [--proration days|months]
  [--allow-credit] [--reinstatement PCT] [--json]``: the ``renew`` lines of one service
  level moved onto one end date, each priced; without ``--to`` the planner proposes the
  latest current end of those lines (the cheapest target that shortens nothing) and says so.
- ``plan term [CONTRACT...] [--years 1,3,5] [--uplift PCT] [--discount PCT] [--json]``:
  each ``renew`` line's term options, yearly renewals against one prepaid term.
- ``plan whatif [--retire SERIAL]... [--drop CONTRACT[:SERIAL]]... [--json]``: what a
  scenario would change; writes nothing.

The rules are the domain's (:mod:`smartnet_tui.domain.planning`,
:mod:`smartnet_tui.domain.whatif`); a mistake is one line and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from smartnet_tui.cli.quote_command import dump_json
from smartnet_tui.cli.request_command import iso_date
from smartnet_tui.config import Settings
from smartnet_tui.domain.display import inert
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.money import AmountError, parse_percent
from smartnet_tui.domain.numbers import contract_number
from smartnet_tui.domain.planning import (
    DEFAULT_YEARS,
    PRORATIONS,
    CotermPlan,
    PlanError,
    TermPlan,
    coterm_json,
    coterm_plan,
    term_json,
    term_plan,
)
from smartnet_tui.domain.service_levels import LEVELS, normalise_service_level
from smartnet_tui.domain.whatif import Scenario, parse_drop, summary_lines, whatif, whatif_json
from smartnet_tui.store.db import Store, StoreError

EXIT_OK, EXIT_ERROR = 0, 2

HELP = ("plan renewals: co-term a service level onto one end date, compare multi-year "
        "terms, or see what retiring devices or dropping contracts would change")


def percent(value: str) -> Decimal:
    """A percentage of zero or more as typed (``5``, ``3.5``, ``5%``)."""
    try:  # the one percentage grammar and bound (0 to 1000) of every command
        return parse_percent(value)
    except AmountError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def year_list(value: str) -> tuple[int, ...]:
    """``1,3,5``: term lengths in whole years."""
    out = []
    for part in value.split(","):
        try:
            n = int(part.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{value!r}: terms are whole years separated by commas (1,3,5)") from None
        if not 1 <= n <= 10:
            raise argparse.ArgumentTypeError(f"{value!r}: a term is 1 to 10 years")
        out.append(n)
    return tuple(dict.fromkeys(out))


def add_arguments(
    sp: argparse.ArgumentParser,
    common: Callable[[argparse.ArgumentParser], None],
    check_values: bool = True,
) -> None:
    """The ``plan`` actions as sub-commands of ``sp`` (each with the common options)."""
    sub = sp.add_subparsers(dest="plan_command", metavar="ACTION", parser_class=type(sp))
    sub.required = True

    def action(name: str, help: str) -> argparse.ArgumentParser:
        extra: dict[str, Any] = {"command": f"plan {name}"} if hasattr(sp, "command") else {}
        p: argparse.ArgumentParser = sub.add_parser(
            name, help=help, description=help, add_help=check_values, **extra)
        common(p)
        return p

    def typed(kind: Callable[[str], Any]) -> Callable[[str], Any]:
        return kind if check_values else str

    p = action("coterm", "move the lines to renew of one service level onto one end date, "
               "each priced (prorated, credited, capped at end of support, back-billed)")
    p.add_argument("level", metavar="LEVEL", help="service level, any spelling (SNT, 8x5xNBD, ...)")
    p.add_argument("--reseller", metavar="R", help="only renewals with this reseller")
    p.add_argument("--currency", metavar="C", help="only renewals in this currency")
    p.add_argument("--to", type=typed(iso_date), metavar="YYYY-MM-DD",
                   help="the target end date (default: the latest current end of the lines, "
                   "the cheapest target that shortens nothing)")
    p.add_argument("--proration", choices=PRORATIONS if check_values else None, default="days",
                   help="price the extension by days (annual x days / 365, the default) or by "
                   "months (whole months at annual / 12, the rest by the days of its month)")
    p.add_argument("--allow-credit", action="store_true",
                   help="shorten lines ending after the target, for a credit (default: keep them)")
    p.add_argument("--reinstatement", type=typed(percent), default=Decimal(0), metavar="PCT",
                   help="reinstatement fee of an expired line, percent of its prorated cost "
                   "(default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = action("term", "each line to renew priced over multi-year terms: yearly renewals "
               "(with a yearly increase) against one prepaid term (with a discount)")
    p.add_argument("contracts", nargs="*", metavar="CONTRACT",
                   help="every renewal of these contracts (default: the worklist's expired, due "
                   "and in-review renewals)")
    p.add_argument("--years", type=typed(year_list), default=DEFAULT_YEARS, metavar="1,3,5",
                   help="term lengths in years (default 1,3,5)")
    p.add_argument("--uplift", type=typed(percent), default=Decimal(0), metavar="PCT",
                   help="yearly price increase of yearly renewals, compounding (default 0)")
    p.add_argument("--discount", type=typed(percent), default=Decimal(0), metavar="PCT",
                   help="discount on a prepaid term (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = action("whatif", "what retiring devices or dropping contracts or lines would change "
               "(coverage, alerts, annual cost); writes nothing")
    p.add_argument("--retire", action="append", default=[], metavar="SERIAL",
                   help="retire this device (repeatable)")
    p.add_argument("--drop", action="append", default=[], metavar="CONTRACT[:SERIAL]",
                   help="do not renew this contract, or only its line for SERIAL (repeatable)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def load_analysis(settings: Settings) -> Analysis:
    if not settings.db_path.exists():
        raise StoreError(f"{settings.db_path}: no database yet (import some data with "
                         "`smartnet import FILE`, or try `smartnet --demo`)")
    policy = Policy(settings.reference_date(), settings.due_days, settings.review_days)
    return Analysis(Store(settings.db_path).load(), policy)


def cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    analysis = load_analysis(settings)
    try:
        if args.plan_command == "coterm":
            return _coterm(args, analysis)
        if args.plan_command == "term":
            return _term(args, analysis)
        return _whatif(args, analysis)
    except PlanError as exc:
        print(f"smartnet: error: {inert(exc)}", file=sys.stderr)
        return EXIT_ERROR


# --------------------------------------------------------------------------- text
def amount(value: Decimal | None) -> str:
    return "unknown" if value is None else f"{value:,.2f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    """Columns padded to their widest cell; ``right``: columns aligned right (amounts)."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    out = []
    for row in (header, *rows):
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=False))]
        out.append("  ".join(cells).rstrip())
    return out


def coterm_text(plan: CotermPlan) -> list[str]:
    scope = "".join((f" with {plan.reseller}" if plan.reseller else "",
                     f" in {plan.currency}" if plan.currency else ""))
    if plan.target is None:
        return [f"No line to renew at service level {plan.level}{scope}."]
    out = [f"Co-term {plan.level}{scope} onto {plan.target} ({plan.reason}); "
           f"proration by {plan.proration}"
           + (f"; reinstatement fee {plan.reinstatement}%" if plan.reinstatement else "")]
    if not plan.lines:
        out.append(f"No line to renew at service level {plan.level}{scope}.")
        return out
    rows = []
    for ln in plan.lines:
        rows.append((ln.contract, ln.serial, ln.pid or "", str(ln.end), str(ln.target), ln.action,
                     str(ln.days), amount(ln.annual_cost) + ("*" if ln.estimated else ""),
                     amount(ln.prorated_cost), amount(ln.credit), amount(ln.back_billed)))
    out.extend(table(("CONTRACT", "SERIAL", "PID", "END", "TARGET", "ACTION", "DAYS", "ANNUAL",
                      "PRORATED", "CREDIT", "BACK-BILLED"), rows, right=(6, 7, 8, 9, 10)))
    if any(ln.estimated for ln in plan.lines):
        out.append("* a share of its contract's annual cost (an estimate)")
    for cur, t in plan.totals.items():
        missing = f" ({t.lines_without_cost} line(s) without cost)" if t.lines_without_cost else ""
        out.append(f"Total {cur}: prorated {amount(t.prorated_cost)} · credit {amount(t.credit)}"
                   f" · back-billed {amount(t.back_billed)} · reinstatement "
                   f"{amount(t.reinstatement_fee)} · annual {amount(t.annual_cost)}{missing}")
    for cur, a in plan.after.items():
        out.append(f"After the co-term, {cur}: {amount(a)} a year renewing on {plan.target}")
    return out


def term_text(plan: TermPlan) -> list[str]:
    out = [f"Terms {', '.join(str(y) for y in plan.years)} year(s): yearly renewals with "
           f"{plan.uplift}% increase a year against prepaid with {plan.discount}% discount"]
    if not plan.lines:
        out.append("No line to renew.")
        return out
    rows = []
    for tl in plan.lines:
        for o in tl.options:
            rows.append((tl.contract, tl.serial, tl.pid or "", str(tl.start), str(o.years),
                         str(o.end) + (" (capped)" if o.capped else ""), str(o.months),
                         amount(o.yearly), amount(o.prepaid), o.cheaper or ""))
    out.extend(table(("CONTRACT", "SERIAL", "PID", "START", "YEARS", "END", "MONTHS", "YEARLY",
                      "PREPAID", "CHEAPER"), rows, right=(4, 6, 7, 8)))
    for cur, by_term in plan.totals.items():
        for y, t in by_term.items():
            missing = f" ({t.lines_without_cost} line(s) without cost)" if t.lines_without_cost else ""
            out.append(f"Total {cur} {y} year(s): yearly {amount(t.yearly)} · prepaid "
                       f"{amount(t.prepaid)} · cheaper: {t.cheaper}{missing}")
    return out


# --------------------------------------------------------------------------- actions
def _print(lines: Sequence[str]) -> None:
    for line in lines:
        print(inert(line))


def _known_level(text: str, analysis: Analysis) -> None:
    """A level that is neither a known code (any spelling) nor one of the data's is a
    mistake (a typo would otherwise plan nothing and exit 0): PlanError listing them."""
    level = normalise_service_level(text)
    ours = {ln.service_level.code for lines in analysis.estate.lines_by_contract.values()
            for ln in lines if ln.service_level is not None}
    if not text.strip() or level.known or level.code in ours:
        return
    extra = sorted(ours - set(LEVELS))
    raise PlanError(f"plan coterm: unknown service level {text.strip()!r}; known levels: "
                    + ", ".join([*LEVELS, *extra]))


def _coterm(args: argparse.Namespace, analysis: Analysis) -> int:
    _known_level(args.level, analysis)
    today = analysis.policy.today
    if args.to is not None and args.to < today:
        raise PlanError(f"plan coterm: the target {args.to} is before today ({today}): a "
                        "co-term target is a future end date")
    plan = coterm_plan(analysis, args.level, args.to, reseller=args.reseller,
                       currency=args.currency, proration=args.proration,
                       allow_credit=args.allow_credit, reinstatement=args.reinstatement)
    if args.json:
        dump_json(coterm_json(plan))
    else:
        _print(coterm_text(plan))
    return EXIT_OK


def _term(args: argparse.Namespace, analysis: Analysis) -> int:
    plan = term_plan(analysis, args.contracts, args.years, args.uplift, args.discount)
    if args.json:
        dump_json(term_json(plan))
    else:
        _print(term_text(plan))
    return EXIT_OK


def _whatif(args: argparse.Namespace, analysis: Analysis) -> int:
    scenario = Scenario(tuple(args.retire), tuple(  # a contract as typed, else by its digits
        (contract_number(n, analysis.estate.contracts), s) for n, s in map(parse_drop, args.drop)))
    result = whatif(analysis, scenario)
    if args.json:
        dump_json(whatif_json(result))
        return EXIT_OK
    if scenario.empty:
        print("An empty scenario changes nothing (use --retire SERIAL or --drop CONTRACT[:SERIAL]).")
        return EXIT_OK
    out = list(summary_lines(result))
    for title, alerts in (("added", result.alerts_added), ("removed", result.alerts_removed)):
        for a in alerts:
            out.append(f"  {title}: {a.severity} {a.kind} {a.subject}")
    out.append("Nothing was written.")
    _print(out)
    return EXIT_OK
