"""``smartnet timeline [--months 24] [--ascii] [--json]``: the months ahead, month by month:
the renewals ending (count and annual cost per currency, not those renewed or not needed),
and the active devices reaching their last date to renew and their last date of support,
drawn as bars. Renewals already past their end come first, as ``overdue``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from decimal import Decimal

from smartnet_tui.cli.plan_command import load_analysis
from smartnet_tui.cli.quote_command import dump_json
from smartnet_tui.config import Settings
from smartnet_tui.domain.display import inert
from smartnet_tui.domain.timeline import DEFAULT_MONTHS, MAX_MONTHS, Month, Timeline, timeline, timeline_json

EXIT_OK = 0
BAR_WIDTH = 24

HELP = ("the months ahead: renewals ending, devices reaching their last date to renew and "
        "of support, month by month")


def months_count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= n <= MAX_MONTHS:
        raise argparse.ArgumentTypeError(f"{value!r}: months must be 1 to {MAX_MONTHS}")
    return n


def add_arguments(sp: argparse.ArgumentParser, check_values: bool = True) -> None:
    sp.add_argument("--months", type=months_count if check_values else str, default=DEFAULT_MONTHS,
                    metavar="N", help=f"how many months, from this one (default {DEFAULT_MONTHS})")
    # SUPPRESS: `smartnet --ascii timeline` (the top-level flag) is not reset by the default
    sp.add_argument("--ascii", action="store_true", default=argparse.SUPPRESS,
                    help="draw the bars with # instead of block characters")
    sp.add_argument("--json", action="store_true", help="machine-readable output")


def cost_text(costs: dict[str, Decimal | None]) -> str:
    return " · ".join(f"{cur} {'unknown' if a is None else f'{a:,.2f}'}" for cur, a in costs.items())


def bar(n: int, most: int, ascii_only: bool = False, width: int = BAR_WIDTH) -> str:
    """A bar of ``n`` against ``most`` (at least one cell when n > 0)."""
    if n <= 0 or most <= 0:
        return ""
    cells = max(1, round(n * width / most))
    return ("#" if ascii_only else "█") * cells


def timeline_text(t: Timeline, ascii_only: bool = False) -> list[str]:
    rows: Sequence[Month] = (t.overdue, *t.months) if t.overdue.renewals else t.months
    most = max((len(m.renewals) for m in rows), default=0)
    out = [f"Renewals ending month by month from {t.today} (not renewed or not needed), and "
           "active devices reaching their last date to renew (LDR) and of support (LDoS)"]
    width = max(len(str(most)), 1)
    for m in rows:
        b = bar(len(m.renewals), most, ascii_only).ljust(BAR_WIDTH)
        dates = " " * len("  LDR   0  LDoS   0")  # overdue: no device dates, columns kept
        if m.first is not None:
            dates = f"  LDR {len(m.last_date_to_renew):>3}  LDoS {len(m.last_date_of_support):>3}"
        out.append(f"{m.month:<8} {len(m.renewals):>{width}} {b}{dates}  {cost_text(m.annual_cost)}".rstrip())
    return out


def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    t = timeline(load_analysis(settings), args.months)
    if args.json:
        dump_json(timeline_json(t))
        return EXIT_OK
    for line in timeline_text(t, getattr(args, "ascii", False) or settings.ascii):
        print(inert(line))
    return EXIT_OK
