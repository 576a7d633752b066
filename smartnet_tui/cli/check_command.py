"""``smartnet check``: a monitoring plugin in the Nagios / Monitoring Plugins convention.

One status line ``SMARTNET STATE - text | perfdata``, then the long output (the devices and
contracts behind the state, at most :data:`LONG_LIMIT` of each group), and the exit code
0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Performance data follows the Monitoring Plugins
development guidelines: ``label=value[UOM];[warn];[crit];[min];[max]``, thresholds in
their range format (``0``: alert above 0; ``@0:60``: alert from 0 to 60 inclusive).

The rules (docs/cli.md, "check"), worst first:

- UNKNOWN: no database, an empty one (no device and no contract: nothing to vouch for), a
  mistake on the command line, or the check running longer than ``-t`` seconds.
- CRITICAL: an active critical device is not covered; with ``-c DAYS``, a renewal still
  to decide ends (or must be ordered) within DAYS days.
- WARNING: a renewal still to decide ends within ``-w`` days (default: the due window,
  ``--due-days``); an active device is not covered; with ``--max-age DAYS``, the last
  import (or fetch) is older than DAYS days, or none is recorded.
- OK otherwise.
"""

from __future__ import annotations

import argparse
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from types import FrameType
from typing import Any

from smartnet_tui import __version__
from smartnet_tui.config import Settings
from smartnet_tui.domain.display import inert
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Device
from smartnet_tui.store.db import Store, StoreError

HELP = ("monitoring check, Nagios plugin convention "
        "(exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; see docs/cli.md)")
OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
STATE_NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}
LONG_LIMIT = 20  # devices or contracts listed per group in the long output
DEFAULT_TIMEOUT_S = 30
# Renewal statuses that still need a decision whatever their days left ("ok" is only far off).
UNDECIDED = ("expired", "due", "review", "ok")
# A renewal triaged so is decided: its `expiring`/`review` alert is only `info` (the
# engine's rule), so no warning for it. What such a decision can still hide is warned of
# through the alerts below (a device it leaves without support, an order not recorded).
DECIDED_TRIAGE = ("do not renew", "ordered")
# Alerts about a renewal that need someone whatever the day windows: a device that will
# lapse because its renewal is marked `do not renew`, an ordered renewal whose new contract
# is not in the data near its end, lines of active devices that can no longer be renewed.
ATTENTION_KINDS = ("will_lapse", "unconfirmed", "renewal_blocked")


def _positive_days(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: days cannot be negative")
    return n


def _seconds(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of seconds") from None
    if n <= 0:
        raise argparse.ArgumentTypeError(f"{value!r}: the timeout must be at least 1 second")
    return n


def add_arguments(sp: argparse.ArgumentParser, check_values: bool = True) -> None:
    days = _positive_days if check_values else str
    sp.add_argument("-w", "--warning", type=days, metavar="DAYS",
                    help="WARNING when a renewal still to decide ends within DAYS days "
                    "(default: --due-days)")
    sp.add_argument("-c", "--critical", type=days, metavar="DAYS",
                    help="CRITICAL when a renewal still to decide ends within DAYS days "
                    "(default: none)")
    sp.add_argument("--max-age", type=days, metavar="DAYS",
                    help="WARNING when the last import or fetch is more than DAYS days old "
                    "(default: not checked)")
    sp.add_argument("-t", "--timeout", type=_seconds if check_values else str,
                    default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                    help=f"UNKNOWN after SECONDS seconds (default {DEFAULT_TIMEOUT_S})")
    if check_values:
        sp.add_argument("-V", "--version", action="version",
                        version=f"smartnet check {__version__}")


# ------------------------------------------------------------------------ timeout
class CheckTimeout(BaseException):
    """Not an Exception: no broad ``except Exception`` on the way may swallow it."""


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Raise CheckTimeout in the main thread after ``seconds`` (where SIGALRM exists)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise CheckTimeout

    try:
        previous = signal.signal(signal.SIGALRM, expire)
    except ValueError:  # not the main thread: no timer (the caller has its own)
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------------ freshness
IMPORT_WORDS = ("import", "fetch")


def last_import(raw: dict[str, dict[str, Any]]) -> datetime | None:
    """When the newest journal entry of an import or a fetch (CLI, app, file watch, demo)
    was written; None when the journal holds none."""
    newest: datetime | None = None
    for entry in (raw.get("journal") or {}).values():
        if not isinstance(entry, dict):
            continue
        words = str(entry.get("action", "")).replace(":", " ").split()
        if not any(w in IMPORT_WORDS for w in words):
            continue
        try:
            when = datetime.fromisoformat(str(entry.get("when")))
        except ValueError:
            continue
        if newest is None or when > newest:
            newest = when
    return newest


# ------------------------------------------------------------------------ the verdict
@dataclass
class Finding:
    """One group of the long output: a headline and the records behind it."""

    state: int
    summary: str  # for the status line
    heading: str  # for the long output
    items: list[str] = field(default_factory=list)


@dataclass
class Perf:
    label: str
    value: int
    warn: str = ""
    crit: str = ""
    min: int | None = 0
    max: int | None = None

    def __str__(self) -> str:
        fields = [self.warn, self.crit, "" if self.min is None else str(self.min),
                  "" if self.max is None else str(self.max)]
        return f"{self.label}={self.value};" + ";".join(fields)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _device_text(serial: str, dev: Device, analysis: Analysis) -> str:
    cov = analysis.coverage[serial]
    name = " ".join(inert(p) for p in (dev.hostname, dev.pid, dev.site) if p)
    if cov.status == "lapsed":
        why = f"lapsed since {cov.coverage_end}"
    elif cov.next_start is not None:
        why = f"not covered until {cov.next_start}"
    else:
        why = "never covered"
    return f"{inert(serial)}{'  ' + name if name else ''}: {why} ({dev.criticality})"


def evaluate(analysis: Analysis, warn_days: int, crit_days: int | None,
             age_days: int | None, max_age: int | None, imported: date | None
             ) -> tuple[int, list[Finding], list[Perf]]:
    """The state, the findings behind it (worst first) and the performance data."""
    estate = analysis.estate
    statuses = analysis.contract_status.values()
    n_contracts = len(estate.contracts)
    active = [(s, d) for s, d in estate.devices.items() if d.status == "active"]
    crit_devices = [(s, d) for s, d in active if d.criticality == "critical"]
    down = [(s, d) for s, d in active if not analysis.coverage[s].covered_today]
    down_crit = [(s, d) for s, d in down if d.criticality == "critical"]
    down_other = [(s, d) for s, d in down if d.criticality != "critical"]

    # Each contract's soonest renewal still to decide that has not ended yet.
    ahead: list[tuple[int, str, Any]] = []
    for st in statuses:
        pending = [r for r in st.renewals if r.status in UNDECIDED and r.days_left >= 0
                   and r.triage.state not in DECIDED_TRIAGE]
        if pending:
            r = min(pending, key=lambda r: (r.days_left, r.end))
            ahead.append((r.days_left, st.number, r))
    ahead.sort(key=lambda t: (t[0], t[1]))
    in_warn = [t for t in ahead if t[0] <= warn_days]
    in_crit = [t for t in ahead if crit_days is not None and t[0] <= crit_days]
    in_warn_only = [t for t in in_warn if t not in in_crit]

    def renewal_text(t: tuple[int, str, Any]) -> str:
        days, number, r = t
        by = f"order by {r.deadline}" if r.deadline_reason != "end" else f"ends {r.end}"
        parts = [f"{by} ({_plural(days, 'day')} left)", _plural(len(r.lines), "line"),
                 inert(r.service_level), inert(r.reseller), f"triage: {inert(r.triage.state)}"]
        return f"{inert(number)}: " + ", ".join(p for p in parts if p)

    findings: list[Finding] = []
    if down_crit:
        findings.append(Finding(
            CRITICAL, f"{_plural(len(down_crit), 'active critical device')} not covered",
            "active critical devices not covered",
            [_device_text(s, d, analysis) for s, d in down_crit]))
    if in_crit:
        findings.append(Finding(
            CRITICAL, f"{_plural(len(in_crit), 'contract')} to renew within {crit_days} days",
            f"contracts to renew within {crit_days} days (-c)",
            [renewal_text(t) for t in in_crit]))
    if in_warn_only:
        window = f"within {warn_days} days" if not in_crit else f"within {warn_days} days (more than {crit_days})"
        findings.append(Finding(
            WARNING, f"{_plural(len(in_warn_only), 'contract')} due {window}",
            f"contracts due {window}", [renewal_text(t) for t in in_warn_only]))
    attention = [a for a in analysis.alerts() if a.kind in ATTENTION_KINDS
                 and a.severity != "info"]
    if attention:
        findings.append(Finding(
            WARNING, f"{_plural(len(attention), 'renewal alert')} "
            f"({', '.join(sorted({a.kind for a in attention}))})",
            "renewal alerts (will_lapse, unconfirmed, renewal_blocked)",
            [f"{a.severity:<6} {a.kind}: {inert(a.message)}" for a in attention]))
    if down_other:
        findings.append(Finding(
            WARNING, f"{_plural(len(down_other), 'active device')} not covered"
            + (" (not critical)" if down_crit else ""),
            "active devices not covered", [_device_text(s, d, analysis) for s, d in down_other]))
    if max_age is not None:
        if imported is None:
            findings.append(Finding(WARNING, "no import recorded",
                                    f"no import or fetch is recorded in the journal (--max-age {max_age})"))
        elif age_days is not None and age_days > max_age:
            findings.append(Finding(
                WARNING, f"data {age_days} days old",
                f"the last import or fetch was on {imported}, {age_days} days ago "
                f"(--max-age {max_age}): import fresh exports"))

    state = max((f.state for f in findings), default=OK)
    renewal_counts = {k: 0 for k in ("due", "review", "expired")}
    for st in statuses:
        if st.renewal in renewal_counts:
            renewal_counts[st.renewal] += 1
    warn_range = f"@0:{warn_days}"
    crit_range = f"@0:{crit_days}" if crit_days is not None else ""
    perf = [
        Perf("due", len(in_warn), warn="0", crit="0" if crit_days is not None and crit_days >= warn_days else "",
             max=n_contracts),
        Perf("review", renewal_counts["review"], max=n_contracts),
        Perf("expired", renewal_counts["expired"], max=n_contracts),
        Perf("not_covered", len(down), warn="0", max=len(active)),
        Perf("critical_not_covered", len(down_crit), crit="0", max=len(crit_devices)),
        Perf("devices", len(estate.devices)),
        Perf("contracts", n_contracts),
    ]
    if crit_days is not None:
        perf.insert(1, Perf("due_critical", len(in_crit), crit="0", max=n_contracts))
    if ahead:
        perf.append(Perf("next_renewal_days", ahead[0][0], warn=warn_range, crit=crit_range))
    if age_days is not None:
        perf.append(Perf("data_age_days", age_days, warn=str(max_age) if max_age is not None else ""))
    return state, findings, perf


def status_text(state: int, findings: Sequence[Finding], analysis: Analysis) -> str:
    if findings:
        return ", ".join(f.summary for f in findings)
    n = len(analysis.estate.devices)
    review = sum(1 for st in analysis.contract_status.values() if st.renewal == "review")
    text = f"{_plural(n, 'device')} covered or not active, no contract due"
    return text + (f", {review} in review" if review else "")


def long_output(findings: Sequence[Finding]) -> list[str]:
    out: list[str] = []
    for f in findings:
        shown = f.items[:LONG_LIMIT]
        out.append(f"{f.heading} ({len(f.items)}):" if f.items else f.heading)
        out += [f"  {item}" for item in shown]
        if len(f.items) > len(shown):
            out.append(f"  ... and {len(f.items) - len(shown)} more")
    return out


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with _deadline(args.timeout):
            return _check(args, settings)
    except CheckTimeout:
        print(f"SMARTNET UNKNOWN - the check did not finish within {args.timeout} s (-t)")
        return UNKNOWN


def _check(args: argparse.Namespace, settings: Settings) -> int:
    warn_days = settings.due_days if args.warning is None else args.warning
    crit_days = args.critical
    if crit_days is not None and crit_days > warn_days:
        raise StoreError(f"-c {crit_days} must not be more than -w {warn_days} "
                         "(the critical window lies inside the warning one)")
    if not settings.db_path.exists():
        raise StoreError(f"{settings.db_path}: no database yet (import some data with "
                         "`smartnet import FILE`)")
    store = Store(settings.db_path)
    raw = store.raw()
    estate = store.load()
    if not estate.devices and not estate.contracts:
        print("SMARTNET UNKNOWN - the database holds no device and no contract: nothing to "
              "check (import the inventory and the contracts) | devices=0;;;0; contracts=0;;;0;")
        return UNKNOWN
    today = settings.reference_date()
    analysis = Analysis(estate, Policy(today, settings.due_days, settings.review_days))
    when = last_import(raw)
    imported = when.date() if when is not None else None
    age = max((today - imported).days, 0) if imported is not None else None
    state, findings, perf = evaluate(analysis, warn_days, crit_days, age, args.max_age, imported)
    first = f"SMARTNET {STATE_NAMES[state]} - {status_text(state, findings, analysis)}"
    print(f"{first} | {' '.join(str(p) for p in perf)}")
    for line in long_output(findings):
        print(line)
    return state
