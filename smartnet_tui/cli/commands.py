"""The CLI commands. Each reads the store, asks the engine, and prints."""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

from smartnet_tui.cli import json_views
from smartnet_tui.cli.fetch_command import cmd_fetch
from smartnet_tui.config import Settings
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import OPEN_RENEWAL_STATUSES, normalise_serial
from smartnet_tui.imports.diff import describe_records, summary_line
from smartnet_tui.imports.planner import change_lines, import_files, orphans_line, outcome_line
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.store.export import export_data, to_yaml
from smartnet_tui.store.outputs import atomic_output

EXIT_OK, EXIT_NOT_COVERED, EXIT_ERROR, EXIT_UNKNOWN_SERIAL = 0, 1, 2, 3


def run(command: str, args: argparse.Namespace, settings: Settings) -> int:
    handler = {
        "import": cmd_import,
        "lookup": cmd_lookup,
        "report": cmd_report,
        "check": cmd_check,
        "export": cmd_export,
        "history": cmd_history,
        "fetch": cmd_fetch,
    }[command]
    return handler(args, settings)


def _policy(settings: Settings) -> Policy:
    return Policy(settings.reference_date(), settings.due_days, settings.review_days)


def _store(settings: Settings, must_exist: bool = True) -> Store:
    if must_exist and not settings.db_path.exists():
        raise StoreError(
            f"{settings.db_path}: no database yet (import some data with `smartnet import FILE`, "
            "or try `smartnet --demo`)"
        )
    return Store(settings.db_path)


def _dump_json(obj: Any, out: IO[str] | None = None) -> None:
    out = out or sys.stdout  # looked up now: stdout may have been redirected since import
    out.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode() + "\n")


@contextmanager
def _output(path: Path | None, settings: Settings) -> Iterator[IO[str]]:
    """stdout for no -o or `-o -`; else FILE written atomically, never the database."""
    with atomic_output(path, protect=(settings.db_path,)) as out:
        yield out


# ------------------------------------------------------------------ import
class _Progress:
    """A plain-text progress line on stderr, only when stderr is a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.shown = False
        self.last = 0.0

    def __call__(self, file: str, rows: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and (total is None or rows < total):
            return
        self.last = now
        name = Path(file).name
        if total:
            frac = min(rows / total, 1.0)
            bar = "#" * int(frac * 30)
            text = f"\rimporting {name} [{bar:<30}] {frac:4.0%} {rows:,} rows"
        else:
            text = f"\rimporting {name}: {rows:,} rows"
        self.stream.write(text)
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings, must_exist=False)
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    try:
        result = import_files(
            store, args.files, replace_all=args.replace, order=settings.date_order,
            dry_run=args.dry_run, add_devices=getattr(args, "add_devices", False),
            sheet=getattr(args, "sheet", None), progress=progress, today=settings.reference_date(),
        )
    finally:
        if progress is not None:
            progress.done()
    for w in result.warnings:
        print(f"smartnet: warning: {w}", file=sys.stderr)
    if result.errors:
        for e in result.errors:
            print(f"smartnet: error: {e}", file=sys.stderr)
        n = len(result.errors)
        print(f"smartnet: {n} error{'s' * (n != 1)}: nothing was imported, the database is unchanged",
              file=sys.stderr)
        return EXIT_ERROR
    print(outcome_line(result, dry_run=args.dry_run))
    for line in change_lines(result):
        print(f"  {line}")
    if result.orphans:
        print(orphans_line(result.orphans, "--add-devices"))
    return EXIT_OK


# ------------------------------------------------------------------ lookup
def cmd_lookup(args: argparse.Namespace, settings: Settings) -> int:
    serial = normalise_serial(args.serial)
    if not serial:
        raise StoreError("lookup needs a serial")
    store = _store(settings)
    analysis = Analysis(store.load_for_serial(serial), _policy(settings))
    data = json_views.lookup_json(analysis, serial)
    found = data["in_inventory"] or data["lines"]
    if not found and (module := store.find_module(serial)) is not None:
        # A module folded under its chassis by an export: its support is the chassis's.
        chassis, record = module
        analysis = Analysis(store.load_for_serial(chassis), _policy(settings))
        data = json_views.lookup_json(analysis, chassis)
        data["serial"] = serial
        data["module_of"] = {"chassis": chassis, "pid": record.get("pid")}
        found = True
    if args.json:
        _dump_json(data)
    else:
        _print_lookup(data, analysis)
    if not found:
        return EXIT_UNKNOWN_SERIAL
    status = data["coverage"]["status"]
    return EXIT_OK if status in ("covered", "expiring") else EXIT_NOT_COVERED


def _print_lookup(data: dict[str, Any], analysis: Analysis) -> None:
    serial = data["serial"]
    dev = data["device"]
    if data.get("module_of"):
        mod = data["module_of"]
        print(f"{serial}: a module ({mod['pid'] or 'unknown pid'}) of chassis {mod['chassis']}, "
              "covered with it:")
        serial = mod["chassis"]
    elif not data["in_inventory"] and not data["lines"]:
        print(f"{serial}: UNKNOWN - not in the inventory and on no contract line")
        return
    if dev:
        parts = [dev["hostname"] or "", dev["pid"] or "", dev["site"] or "",
                 f"{dev['status']}/{dev['criticality']}"]
        print(f"{serial}  " + "  ".join(p for p in parts if p))
    else:
        print(f"{serial}  (not in the inventory)")
    cov = data["coverage"]
    status = cov["status"]
    if status in ("covered", "expiring"):
        contracts = ", ".join(cov["contracts"])
        levels = sorted({ln["service_level"] or "?" for ln in data["lines"] if ln["covers_today"]})
        head = "COVERED" if status == "covered" else "EXPIRING"
        print(f"{head} until {cov['coverage_end']} ({cov['days_left']} days left) "
              f"by {contracts} [{', '.join(levels)}]")
    elif status == "lapsed":
        print(f"LAPSED since {cov['coverage_end']} ({-cov['days_left']} days ago)")
    elif data["lines"]:
        print("NOT COVERED - no active contract line covers today")
    else:
        print("NOT COVERED - never on a contract line")
    if cov["next_start"]:
        print(f"next line starts {cov['next_start']}")
    if data["lines"]:
        print("lines:")
        for ln in data["lines"]:
            mark = "covers today" if ln["covers_today"] else ln["status"] if ln["status"] != "active" else ""
            print(f"  {ln['contract']:<14} {ln['service_level'] or '-':<6} "
                  f"{ln['start'] or '…':>10} → {ln['end']}  {mark}".rstrip())
    if data["alerts"]:
        print("alerts:")
        for a in data["alerts"]:
            print(f"  {a['severity']:<8} {a['kind']:<16} {a['message']}")


# ------------------------------------------------------------------ report
WORKLIST_COLUMNS = [
    "contract", "renewal", "contract_end", "days_left", "service_level", "reseller",
    "serial", "pid", "hostname", "site", "device_status", "line_end", "recommendation",
]


def _analysis(settings: Settings) -> Analysis:
    return Analysis(_store(settings).load(), _policy(settings))


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    analysis = _analysis(settings)
    with _output(args.output, settings) as out:
        if args.fmt == "json":
            _dump_json(json_views.report_json(analysis), out)
        elif args.fmt == "csv":
            w = csv.DictWriter(out, fieldnames=WORKLIST_COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(worklist_rows(analysis, args.all))
        elif args.fmt == "markdown":
            out.write(markdown_report(analysis, args.all))
        else:
            out.write(plain_report(analysis))
    return EXIT_OK


def _recommendation(analysis: Analysis, serial: str, renewal: str) -> str:
    dev = analysis.estate.devices.get(serial)
    if renewal == "renewed":
        return "renewed"
    if dev is None:
        return "check: not in inventory"
    if dev.status != "active":
        return f"drop: {dev.status}"
    eox = analysis.estate.eox_for(serial)
    today = analysis.policy.today
    if eox and eox.end_of_contract_renewal and eox.end_of_contract_renewal < today:
        return "refresh: past end of contract renewal"
    if eox and eox.last_date_of_support and eox.last_date_of_support < today:
        return "refresh: past last date of support"
    return "renew"


def worklist_rows(analysis: Analysis, everything: bool = False) -> list[dict[str, Any]]:
    rows = []
    estate = analysis.estate
    for c in json_views.contracts_by_urgency(analysis):
        st = analysis.contract_status[c.number]
        if not everything and st.renewal not in OPEN_RENEWAL_STATUSES:
            continue
        for ln in sorted(estate.lines_by_contract.get(c.number, ()), key=lambda x: x.serial):
            if ln.terminated:
                continue
            dev = estate.devices.get(ln.serial)
            rows.append({
                "contract": c.number,
                "renewal": st.renewal,
                "contract_end": st.end.isoformat() if st.end else "",
                "days_left": st.days_left,
                "service_level": ln.service_level.code if ln.service_level else "",
                "reseller": c.reseller or "",
                "serial": ln.serial,
                "pid": dev.pid if dev and dev.pid else "",
                "hostname": dev.hostname if dev and dev.hostname else "",
                "site": dev.site if dev and dev.site else "",
                "device_status": dev.status if dev else "not in inventory",
                "line_end": ln.end.isoformat(),
                "recommendation": _recommendation(analysis, ln.serial, st.renewal),
            })
    return rows


def _md(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def markdown_report(analysis: Analysis, everything: bool = False) -> str:
    p = analysis.policy
    out = [f"# SMARTnet renewal worklist, {p.today}", ""]
    out.append(f"Due: ends within {p.due_days} days. Review: within {p.review_days} days.")
    out.append("")
    out.append("| Contract | Renewal | End | Days left | Level | Serials | Annual cost | Reseller |")
    out.append("|---|---|---|--:|---|--:|--:|---|")
    chosen = []
    for c in json_views.contracts_by_urgency(analysis):
        st = analysis.contract_status[c.number]
        if not everything and st.renewal not in OPEN_RENEWAL_STATUSES:
            continue
        chosen.append(c)
        cost = f"{st.annual_cost:,.2f} {c.currency or ''}".strip() if st.annual_cost is not None else ""
        out.append(f"| {_md(c.number)} | {st.renewal} | {st.end or ''} | {st.days_left if st.days_left is not None else ''} "
                   f"| {_md(c.level.code if c.level else '')} | {len(st.serials)} | {cost} | {_md(c.reseller)} |")
    rows = worklist_rows(analysis, everything)
    for c in chosen:
        mine = [r for r in rows if r["contract"] == c.number]
        out += ["", f"## {_md(c.number)}", ""]
        if not mine:
            out.append("No active lines.")
            continue
        out.append("| Serial | PID | Hostname | Site | Status | Line end | Recommendation |")
        out.append("|---|---|---|---|---|---|---|")
        for r in mine:
            out.append(f"| {_md(r['serial'])} | {_md(r['pid'])} | {_md(r['hostname'])} | {_md(r['site'])} "
                       f"| {r['device_status']} | {r['line_end']} | {r['recommendation']} |")
    out.append("")
    return "\n".join(out)


def plain_report(analysis: Analysis) -> str:
    s = analysis.summary()
    p = analysis.policy
    lines = [
        f"smartnet report for {p.today}: {len(analysis.estate.devices)} devices, "
        f"{len(analysis.estate.contracts)} contracts",
        f"due {s.due}  review {s.review}  lapsed {s.lapsed}  uncovered {s.uncovered}  "
        f"wasted {s.wasted}  at stake {s.cost_text()}",
        "",
        "contracts (most urgent first):",
    ]
    for c in json_views.contracts_by_urgency(analysis):
        st = analysis.contract_status[c.number]
        dl = f"{st.days_left:>5}d" if st.days_left is not None else "     -"
        lines.append(f"  {c.number:<14} {st.renewal:<9} {st.end or '-'!s:<10} {dl}  "
                     f"{(c.level.code if c.level else '-'):<6} {len(st.serials):>4} serial{'s' * (len(st.serials) != 1)}  {c.reseller or ''}")
    alerts = analysis.alerts()
    lines += ["", f"alerts ({len(alerts)}):"]
    for a in alerts:
        lines.append(f"  {a.severity:<8} {a.kind:<16} {a.subject:<16} {a.message}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ check
def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    analysis = _analysis(settings)
    due = sum(1 for st in analysis.contract_status.values() if st.renewal == "due")
    review = sum(1 for st in analysis.contract_status.values() if st.renewal == "review")
    expired = sum(1 for st in analysis.contract_status.values() if st.renewal == "expired")
    not_covered: Counter[bool] = Counter()
    for serial, dev in analysis.estate.devices.items():
        if dev.status == "active" and not analysis.coverage[serial].covered_today:
            not_covered[dev.criticality == "critical"] += 1
    crit, other = not_covered[True], not_covered[False]
    perf = (f"due={due};;;0 review={review};;;0 expired={expired};;;0 "
            f"not_covered={crit + other};;;0 critical_not_covered={crit};;;0 "
            f"devices={len(analysis.estate.devices)};;;0 contracts={len(analysis.estate.contracts)};;;0")
    if crit:
        state, code = "CRITICAL", 2
        text = f"{crit} active critical device{'s' * (crit != 1)} not covered"
        if other:
            text += f", {other} other active not covered"
    elif due or other:
        state, code = "WARNING", 1
        parts = []
        if due:
            parts.append(f"{due} contract{'s' * (due != 1)} due within {settings.due_days} days")
        if other:
            parts.append(f"{other} active device{'s' * (other != 1)} not covered")
        text = ", ".join(parts)
    else:
        state, code = "OK", 0
        text = f"{len(analysis.estate.devices)} devices covered or not active, no contract due"
        if review:
            text += f", {review} in review"
    print(f"SMARTNET {state} - {text} | {perf}")
    return code


# ------------------------------------------------------------------ export
def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    data = export_data(_store(settings).raw())
    with _output(args.output, settings) as out:
        if args.json:
            _dump_json(data, out)
        else:
            out.write(to_yaml(data))
    return EXIT_OK


# ------------------------------------------------------------------ history
def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    entries = _store(settings).history(args.limit if args.limit > 0 else None)
    if args.json:
        _dump_json(entries)
        return EXIT_OK
    if not entries:
        print("no changes recorded yet")
    for e in entries:
        detail = e.get("detail", {})
        files = detail.get("files")
        extra = f" {' '.join(files)}" if files else ""
        print(f"#{e['id']}  {e['when']}  {e['who']}  {e['action']}{extra}")
        if detail.get("changed"):
            print(f"    {summary_line(detail['changed'])}")
        for line in describe_records(e.get("changes", ()), limit=12):
            print(f"    {line}")
    return EXIT_OK
