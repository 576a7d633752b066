"""``smartnet lookup X...``: is this serial, hostname or contract covered, and until when?

Each argument is tried, in order, as a serial (in the inventory or on a contract line), as
the serial of a module an export folded under its chassis, as a device's hostname (any
case; a short name matches a fully qualified one), then as a contract number (compared
on its digits without leading zeros, as imports match ``0093425688`` and ``93425688``).

One argument answers in full (a serial's coverage, lines and alerts; a contract's renewal
status and its lines); several answer one line each (at most :data:`MAX_QUERIES`).
Exit code: 0 covered, 1 not covered, 3 unknown; with several arguments, the highest of
theirs. A serial or a single-device hostname answers ``--json`` with the serial's keys
(docs/cli.md); a contract with ``{contract, renewals, lines, alerts}``.

A single argument loads only the records it needs (a serial's own lines, a contract and
the lines of its serials), so that a lookup stays fast on a large estate; several
arguments load the estate once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from smartnet_tui.cli import json_views
from smartnet_tui.cli.json_out import json_text
from smartnet_tui.config import Settings
from smartnet_tui.domain.display import inert
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Estate, normalise_serial
from smartnet_tui.domain.numbers import match_contracts
from smartnet_tui.domain.worklist import renewal_json
from smartnet_tui.store import converters as cv
from smartnet_tui.store.db import Store, StoreError

HELP = ("is this serial, hostname or contract covered, and until when? "
        "(exit 0 covered, 1 not, 3 unknown; several: the highest)")
MAX_QUERIES = 1000
EXIT_COVERED, EXIT_NOT_COVERED, EXIT_UNKNOWN = 0, 1, 3


def add_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("queries", nargs="+", metavar="SERIAL|HOSTNAME|CONTRACT",
                    help=f"what to look up (at most {MAX_QUERIES} at a time)")
    sp.add_argument("--json", action="store_true",
                    help="machine-readable output (several arguments: an array)")


# ------------------------------------------------------------------------ matching
def hostname_key(text: str) -> str:
    return text.strip().casefold()


def _short(host: str) -> str:
    return host.split(".", 1)[0]


def match_hostnames(query: str, hostnames: Iterable[tuple[str, str]]) -> list[str]:
    """Serials whose hostname is ``query`` (any case); else whose short name (before the
    first dot) is the query's short name."""
    key = hostname_key(query)
    if not key:
        return []
    pairs = [(serial, hostname_key(h)) for serial, h in hostnames if h]
    exact = sorted(s for s, h in pairs if h == key)
    if exact:
        return exact
    short = _short(key)
    return sorted(s for s, h in pairs if _short(h) == short)


# ------------------------------------------------------------------------ sources
class _Source(Protocol):
    """Where answers come from: a partial load per query, or one whole estate."""

    policy: Policy

    def serial(self, serial: str) -> Analysis | None: ...
    def module(self, serial: str) -> tuple[str, dict[str, Any]] | None: ...
    def hostnames(self) -> Iterable[tuple[str, str]]: ...
    def contract_numbers(self) -> Iterable[str]: ...
    def contract(self, number: str) -> Analysis: ...


class _Partial:
    """One query: only the records it needs, read from the stored documents."""

    def __init__(self, store: Store, policy: Policy) -> None:
        self.store, self.policy = store, policy

    def serial(self, serial: str) -> Analysis | None:
        estate = self.store.load_for_serial(serial)
        if serial not in estate.devices and not estate.lines_for(serial):
            return None
        return Analysis(estate, self.policy)

    def module(self, serial: str) -> tuple[str, dict[str, Any]] | None:
        return self.store.find_module(serial)

    def hostnames(self) -> Iterable[tuple[str, str]]:
        for d in self.store.raw().get("devices", {}).values():
            host = d.get("hostname")
            if isinstance(host, str):
                yield d["serial"], host

    def contract_numbers(self) -> Iterable[str]:
        return [c["number"] for c in self.store.raw().get("contracts", {}).values()]

    def contract(self, number: str) -> Analysis:
        """The contract, the devices of its serials, every contract with a line of one of
        them (a renewal is `renewed` by another contract's line) and their pids' EoX."""
        raw = self.store.raw()
        docs = list(raw.get("contracts", {}).values())
        target = next(c for c in docs if c["number"] == number)
        serials = {ln["serial"] for ln in target.get("lines", ())}
        try:
            contracts = [cv.contract_from_doc(c) for c in docs
                         if c is target or any(ln["serial"] in serials for ln in c.get("lines", ()))]
            devices = [cv.device_from_doc(d) for d in raw.get("devices", {}).values()
                       if d["serial"] in serials]
            pids = {d.pid for d in devices if d.pid}
            eox = [cv.eox_from_doc(e) for e in raw.get("eox", {}).values() if e["pid"] in pids]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.store.path}: database record is malformed ({exc!r})") from None
        return Analysis(Estate(devices, contracts, eox), self.policy)


class _Whole:
    """Many queries: the estate loaded and analysed once."""

    def __init__(self, store: Store, policy: Policy) -> None:
        self.store, self.policy = store, policy
        self.analysis = Analysis(store.load(), policy)
        self._modules: dict[str, tuple[str, dict[str, Any]]] | None = None

    def serial(self, serial: str) -> Analysis | None:
        estate = self.analysis.estate
        known = serial in estate.devices or bool(estate.lines_for(serial))
        return self.analysis if known else None

    def module(self, serial: str) -> tuple[str, dict[str, Any]] | None:
        if self._modules is None:
            self._modules = {}
            for c in self.store.raw().get("contracts", {}).values():
                for ln in c.get("lines", ()):
                    for mod in (ln.get("extra") or {}).get("modules", ()):
                        if isinstance(mod, dict) and isinstance(mod.get("serial"), str):
                            self._modules.setdefault(mod["serial"], (ln["serial"], mod))
        return self._modules.get(serial)

    def hostnames(self) -> Iterable[tuple[str, str]]:
        return [(s, d.hostname) for s, d in self.analysis.estate.devices.items() if d.hostname]

    def contract_numbers(self) -> Iterable[str]:
        return self.analysis.estate.contracts.keys()

    def contract(self, number: str) -> Analysis:
        return self.analysis


# ------------------------------------------------------------------------ answers
@dataclass
class Answer:
    query: str
    code: int
    data: Any  # the --json value
    lines: list[str] = field(default_factory=list)  # the full text (one argument)
    line: str = ""  # the one-line text (several arguments)


def _days(n: int) -> str:
    return f"{n} day{'s' * (abs(n) != 1)}"


def serial_answer(query: str, analysis: Analysis, serial: str,
                  module: tuple[str, dict[str, Any]] | None = None) -> Answer:
    """A serial's coverage (``module``: the serial is a module of that chassis)."""
    if module is not None:
        chassis, record = module
        data = json_views.lookup_json(analysis, chassis)
        data["serial"] = serial
        data["module_of"] = {"chassis": chassis, "pid": record.get("pid")}
    else:
        data = json_views.lookup_json(analysis, serial)
    status = data["coverage"]["status"] if data["coverage"] else "uncovered"
    code = EXIT_COVERED if status in ("covered", "expiring") else EXIT_NOT_COVERED
    lines = serial_lines(data)
    return Answer(query, code, data, lines, _serial_one_line(data, lines))


def unknown_answer(query: str, policy: Policy) -> Answer:
    serial = normalise_serial(query)
    data = json_views.lookup_json(Analysis(Estate(), policy), serial)
    text = (f"{inert(query.strip())}: UNKNOWN - no serial in the inventory or on a contract "
            "line, no hostname and no contract number is that")
    return Answer(query, EXIT_UNKNOWN, data, [text], "UNKNOWN - not a known serial, hostname or contract")


def _coverage_text(data: dict[str, Any]) -> str:
    cov = data["coverage"]
    status = cov["status"] if cov else "uncovered"
    if status in ("covered", "expiring"):
        contracts = ", ".join(inert(c) for c in cov["contracts"])
        levels = sorted({ln["service_level"] or "?" for ln in data["lines"] if ln["covers_today"]})
        head = "COVERED" if status == "covered" else "EXPIRING"
        return (f"{head} until {cov['coverage_end']} ({cov['days_left']} days left) "
                f"by {contracts} [{', '.join(inert(v) for v in levels)}]")
    if status == "lapsed":
        return f"LAPSED since {cov['coverage_end']} ({_days(-cov['days_left'])} ago)"
    if data["lines"]:
        return "NOT COVERED - no active contract line covers today"
    return "NOT COVERED - never on a contract line"


def _device_words(dev: dict[str, Any] | None) -> str:
    if not dev:
        return "(not in the inventory)"
    parts = [inert(dev["hostname"]), inert(dev["pid"]), inert(dev["site"]),
             f"{dev['status']}/{dev['criticality']}"]
    return "  ".join(p for p in parts if p)


def serial_lines(data: dict[str, Any]) -> list[str]:
    serial = inert(data["serial"])
    out: list[str] = []
    if data.get("module_of"):
        mod = data["module_of"]
        out.append(f"{serial}: a module ({inert(mod['pid']) or 'unknown pid'}) of chassis "
                   f"{inert(mod['chassis'])}, covered with it:")
        serial = inert(mod["chassis"])
    out.append(f"{serial}  {_device_words(data['device'])}")
    out.append(_coverage_text(data))
    cov = data["coverage"]
    if cov and cov["next_start"]:
        out.append(f"next line starts {cov['next_start']}")
    if data["lines"]:
        out.append("lines:")
        for ln in data["lines"]:
            mark = "covers today" if ln["covers_today"] else ln["status"] if ln["status"] != "active" else ""
            out.append(f"  {inert(ln['contract']):<14} {inert(ln['service_level']) or '-':<6} "
                       f"{ln['start'] or '…':>10} → {ln['end']}  {mark}".rstrip())
    if data["alerts"]:
        out.append("alerts:")
        for a in data["alerts"]:
            out.append(f"  {a['severity']:<8} {a['kind']:<16} {inert(a['message'])}")
    return out


def _serial_one_line(data: dict[str, Any], lines: list[str]) -> str:
    who = inert(data["serial"])
    dev = data["device"]
    if data.get("module_of"):
        who += f" (module of {inert(data['module_of']['chassis'])})"
    elif dev and dev["hostname"]:
        who += f" {inert(dev['hostname'])}"
    return f"{_coverage_text(data)}; {who}"


def contract_answer(query: str, analysis: Analysis, number: str) -> Answer:
    estate, today = analysis.estate, analysis.policy.today
    c = estate.contracts[number]
    st = analysis.contract_status[number]
    lines = sorted(estate.lines_by_contract.get(number, ()), key=lambda ln: (ln.serial, ln.index))
    disposition = {(rl.serial, rl.end): rl.disposition for r in st.renewals for rl in r.lines}
    rows = []
    for ln in lines:
        dev = estate.devices.get(ln.serial)
        row = {
            "serial": ln.serial,
            "hostname": dev.hostname if dev else None,
            "pid": dev.pid if dev else None,
            "site": dev.site if dev else None,
            "device_status": dev.status if dev else None,
            **json_views.line_json(ln, today),
            "disposition": disposition.get((ln.serial, ln.end)),
        }
        del row["contract"]
        rows.append(row)
    data = {
        "contract": json_views.contract_json(analysis, c),
        "renewals": [renewal_json(r) for r in st.renewals],
        "lines": rows,
        "alerts": [a.as_dict() for a in analysis.alerts_for_contract(number)],
    }
    covers = any(ln.counts and ln.covers(today) for ln in lines)
    code = EXIT_COVERED if covers else EXIT_NOT_COVERED
    return Answer(query, code, data, _contract_lines(data, st.renewal),
                  _contract_one_line(data, st.renewal, covers))


def _renewal_words(status: str, end: str | None, days_left: int | None) -> str:
    if status == "cancelled":
        return f"CANCELLED (lines ended {end})" if end else "CANCELLED"
    if status == "not needed":
        return "NOTHING TO RENEW (every line is dropped, replaced or terminated)"
    if days_left is None:
        return status.upper()
    when = f"ended {end} ({_days(-days_left)} ago)" if days_left < 0 else f"ends {end} ({_days(days_left)} left)"
    return f"{status.upper()}: {when}"


def _contract_lines(data: dict[str, Any], renewal: str) -> list[str]:
    c = data["contract"]
    cost = (f"{c['annual_cost']:,.2f} {inert(c['currency']) or 'unknown'}/year"
            if c["annual_cost"] is not None else "")
    head = [f"contract {inert(c['number'])}", inert(c["service_level"]), inert(c["reseller"]), cost]
    out = ["  ".join(p for p in head if p)]
    out.append(f"renewal {_renewal_words(renewal, c['end'], c['days_left'])}")
    for r in data["renewals"]:
        lines = sum(r["counts"].values())
        out.append(f"  {r['end']}  {r['status']:<10} {_days(r['days_left']):>9} left  "
                   f"{lines} line{'s' * (lines != 1)}  triage: {inert(r['state'])}")
    out.append(f"lines ({len(data['lines'])}):")
    for ln in data["lines"]:
        what = " ".join(inert(p) for p in (ln["hostname"], ln["pid"], ln["site"]) if p) or "(not in the inventory)"
        mark = "covers today" if ln["covers_today"] else ln["status"] if ln["status"] != "active" else ""
        if ln["disposition"]:
            mark = f"{mark}, {ln['disposition']}" if mark else ln["disposition"]
        out.append(f"  {inert(ln['serial']):<14} {what:<32} {ln['start'] or '…':>10} → {ln['end']}  "
                   f"{mark}".rstrip())
    if data["alerts"]:
        out.append("alerts:")
        for a in data["alerts"]:
            out.append(f"  {a['severity']:<8} {a['kind']:<16} {inert(a['message'])}")
    return out


def _contract_one_line(data: dict[str, Any], renewal: str, covers: bool) -> str:
    c = data["contract"]
    n = len(data["lines"])
    return (f"contract {inert(c['number'])} {_renewal_words(renewal, c['end'], c['days_left'])}; "
            f"{n} line{'s' * (n != 1)}{'' if covers else ', none covers today'}")


def several_answer(query: str, match: str, answers: list[Answer]) -> Answer:
    """A hostname several devices share (a stack), or digits several contracts share."""
    code = max(a.code for a in answers)
    data = {"query": query, "match": match, "answers": [a.data for a in answers]}
    lines = [f"{inert(query.strip())}: {len(answers)} {'devices' if match == 'hostname' else 'contracts'} match"]
    for a in answers:
        lines += [""] + a.lines
    one = f"{len(answers)} matches: " + " | ".join(a.line for a in answers)
    return Answer(query, code, data, lines, one)


def answer(query: str, source: _Source) -> Answer:
    serial = normalise_serial(query)
    analysis = source.serial(serial)
    if analysis is not None:
        return serial_answer(query, analysis, serial)
    module = source.module(serial)
    if module is not None:
        chassis_analysis = source.serial(module[0])
        if chassis_analysis is not None:
            return serial_answer(query, chassis_analysis, serial, module)
    for match, found, build in (
        ("hostname", match_hostnames(query, source.hostnames()), _by_serial(source)),
        ("contract", match_contracts(query, source.contract_numbers()), _by_contract(source)),
    ):
        if found:
            answers = [build(query, key) for key in found]
            return answers[0] if len(answers) == 1 else several_answer(query, match, answers)
    return unknown_answer(query, source.policy)


def _by_serial(source: _Source) -> Callable[[str, str], Answer]:
    def build(query: str, serial: str) -> Answer:
        analysis = source.serial(serial)
        assert analysis is not None  # a device of the inventory
        return serial_answer(query, analysis, serial)
    return build


def _by_contract(source: _Source) -> Callable[[str, str], Answer]:
    def build(query: str, number: str) -> Answer:
        return contract_answer(query, source.contract(number), number)
    return build


# ------------------------------------------------------------------------ the command
def _dump(obj: Any) -> None:
    # a contract's renewals carry Decimal amounts: numbers with their exact digits
    sys.stdout.write(json_text(obj) + "\n")


def cmd_lookup(args: argparse.Namespace, settings: Settings) -> int:
    queries: list[str] = list(args.queries)
    if len(queries) > MAX_QUERIES:
        raise StoreError(f"lookup takes at most {MAX_QUERIES} serials, hostnames or contracts at a "
                         f"time (got {len(queries):,}); for the whole estate use `smartnet report --json`")
    for i, q in enumerate(queries, 1):
        if not normalise_serial(q):
            which = "" if len(queries) == 1 else f" (argument {i})"
            raise StoreError(f"lookup needs a serial, a hostname or a contract number{which}, got an empty one")
    if not settings.db_path.exists():
        raise StoreError(f"{settings.db_path}: no database yet (import some data with "
                         "`smartnet import FILE`, or try `smartnet --demo`)")
    store = Store(settings.db_path)
    policy = Policy(settings.reference_date(), settings.due_days, settings.review_days)
    if len(queries) == 1:
        a = answer(queries[0], _Partial(store, policy))
        if args.json:
            _dump(a.data)
        else:
            sys.stdout.write("\n".join(a.lines) + "\n")
        return a.code
    source = _Whole(store, policy)
    answers = [answer(q, source) for q in queries]
    if args.json:
        _dump([a.data for a in answers])
    else:
        width = min(max(len(inert(q.strip())) for q in queries), 24)
        for a in answers:
            sys.stdout.write(f"{inert(a.query.strip()):<{width}}  {a.line}\n")
    return max(a.code for a in answers)
