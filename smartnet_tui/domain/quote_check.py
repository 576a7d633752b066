"""A partner's quote checked line by line against the estate (issue 10; docs/cli.md,
"quote").

:func:`check_quote` matches every quote line to the estate's line it renews and lists the
findings, each with ``kind``, ``severity``, ``serial``, ``contract`` and ``message``:

==================  ==========================  ==============================================
kind                severity                    when
==================  ==========================  ==============================================
``quoted_renewed``  high                        the matched line is already renewed (the
                                                serial is covered after its end by another line)
``quoted_inactive`` high                        the device is spare or decommissioned, or the
                                                serial is on lines but not in the inventory
``missing``         critical (critical device)  a ``renew`` line of an active device, in an open
                    else high                   renewal of a quoted contract, is not quoted
``past_support``    high                        the quoted end is after the pid's last date of
                                                support
``blocked``         high                        the pid's last date to renew has passed
``gap``             high                        the quoted start is after the current end + 1
``overlap``         medium                      the quoted start is on or before the current end
``off_target``      medium                      with a target: a matched ``renew`` line's quoted
                                                end is not the target (cut at its ``max_end``)
``level_down``      medium (high for critical)  the quoted level is lower than the line's own
``price_up``        medium                      the quoted yearly price is more than the allowed
                                                increase above the line's annual cost
``unknown``         low                         a serial or contract the database does not hold
==================  ==========================  ==============================================

Matching: a quote line goes to the estate's line of the same contract (compared on its
digits: exports drop leading zeros) and serial; else to the serial's ``renew`` line that
ends soonest. Findings are never stored: they are computed from the stored quote lines and
the current analysis, so they follow every change of the estate.

Pure: no I/O, no clock (``today`` is the analysis's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from smartnet_tui.domain.changes import Change, PutContract
from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import (
    OPEN_RENEWAL_STATUSES,
    SEVERITY_RANK,
    Estate,
    Line,
    Renewal,
    RenewalLine,
    Triage,
    TriageEvent,
)
from smartnet_tui.domain.quotes import Quote, QuoteLine
from smartnet_tui.domain.service_levels import level_rank, normalise_service_level
from smartnet_tui.domain.worklist import pin_legacy_triage

FINDING_KINDS = (
    "quoted_renewed", "quoted_inactive", "missing", "past_support", "blocked", "gap",
    "overlap", "off_target", "level_down", "price_up", "unknown",
)
DEFAULT_MAX_INCREASE = Decimal(10)  # percent
UNKNOWN_CURRENCY = "unknown"  # the totals key of lines without a currency
RECEIVED = "quote received"
# a renewal still at one of these moves to `quote received` when a quote for it arrives
BEFORE_RECEIVED = ("to review", "quote requested")
CENT = Decimal("0.01")
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    severity: str
    serial: str
    contract: str | None  # the estate's contract number as stored (else as quoted)
    message: str
    where: str | None = None  # the quote line it is about (None for `missing`)
    renewal: tuple[str, date] | None = None  # the renewal it concerns, when matched

    @property
    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (SEVERITY_RANK[self.severity], self.serial, self.kind, self.contract or "",
                self.message)

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "severity": self.severity, "serial": self.serial,
                "contract": self.contract, "message": self.message}


@dataclass(frozen=True, slots=True)
class QuoteCheck:
    """What a check found: the findings (most severe first, then by serial), the quote's
    totals per currency, and which renewal line each quote line matched."""

    lines: int
    totals: dict[str, Decimal]
    findings: tuple[Finding, ...]
    matched: tuple[RenewalLine | None, ...]  # per quote line, in quote order
    renewals: tuple[tuple[str, date], ...] = field(default=())  # the renewals quoted, keys

    @property
    def worst(self) -> str | None:
        return self.findings[0].severity if self.findings else None

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("critical", "high", "medium", "low"), 0)
        for f in self.findings:
            out[f.severity] = out.get(f.severity, 0) + 1
        return out

    @property
    def serious(self) -> bool:
        """A finding of severity high or worse (the check's exit code 1)."""
        return any(SEVERITY_RANK[f.severity] <= SEVERITY_RANK["high"] for f in self.findings)


# --------------------------------------------------------------------------- helpers
def contract_key(number: str) -> str:
    """A contract number compared on its digits (0093425688 is 93425688); a number without
    digits is compared as written, ignoring case and spaces."""
    digits = re.sub(r"\D", "", number)
    if digits:
        return digits.lstrip("0") or "0"
    return " ".join(number.split()).casefold()


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` + 1 day, rounded down (a term's months)."""
    after = end + ONE_DAY if end != date.max else end
    delta = relativedelta(after, start)
    return delta.years * 12 + delta.months


def yearly_price(q: QuoteLine) -> Decimal | None:
    """The quoted line's price for a year: Extended Net Price x 12 / Duration (months),
    the months between its start and end when the quote gives no duration; to the cent."""
    if q.net_price is None:
        return None
    months = q.months
    if months is None and q.start is not None and q.end is not None and q.end >= q.start:
        months = months_between(q.start, q.end)
    if not months:
        return None
    return money(q.net_price * 12 / months)


def quote_totals(lines: Iterable[QuoteLine]) -> dict[str, Decimal]:
    """Extended Net Price summed per currency (each figure to the cent first); lines without
    a currency under ``unknown``; currencies in alphabetical order."""
    out: dict[str, Decimal] = {}
    for q in lines:
        if q.net_price is None:
            continue
        cur = (q.currency or "").strip().upper() or UNKNOWN_CURRENCY
        out[cur] = out.get(cur, Decimal("0.00")) + money(q.net_price)
    return dict(sorted(out.items()))


def _amount(currency: str | None, value: Decimal) -> str:
    return f"{currency + ' ' if currency else ''}{value:,.2f}"


class _Index:
    """Lookups into the analysis for one check, built only for what the quote names: the
    renewal lines of a quoted serial (through the contracts it is on, each contract's lines
    indexed once) and stored contracts by their digits (built on the first number that is
    not stored as quoted). A check costs the size of the quote, not of the estate."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._by_contract: dict[str, dict[str, list[RenewalLine]]] = {}
        self._digits: dict[str, list[str]] | None = None

    def _contract_lines(self, number: str) -> dict[str, list[RenewalLine]]:
        lines = self._by_contract.get(number)
        if lines is None:
            lines = self._by_contract[number] = {}
            st = self.analysis.contract_status.get(number)
            for r in st.renewals if st is not None else ():
                for rl in r.lines:
                    lines.setdefault(rl.serial, []).append(rl)
        return lines

    def lines_of(self, serial: str) -> list[RenewalLine]:
        """Every renewal line of ``serial``, in any contract."""
        out: list[RenewalLine] = []
        for number in sorted({ln.contract for ln in self.analysis.estate.lines_for(serial)}):
            out.extend(self._contract_lines(number).get(serial, ()))
        return out

    def renewal(self, key: tuple[str, date]) -> Renewal | None:
        return self.analysis.renewal(*key)

    def renewals_of(self, number: str) -> tuple[Renewal, ...]:
        st = self.analysis.contract_status.get(number)
        return st.renewals if st is not None else ()

    def contracts_for(self, quoted: str | None) -> list[str]:
        """The stored contract numbers a quoted one means (the exact spelling first)."""
        if not quoted or not quoted.strip():
            return []
        text = quoted.strip()
        if self._digits is None:
            if text in self.analysis.estate.contracts and re.fullmatch(r"[1-9][0-9]*", text):
                return [text]  # stored as quoted, and no zeros to drop: no other spelling
            self._digits = {}
            for number in sorted(self.analysis.estate.contracts):
                self._digits.setdefault(contract_key(number), []).append(number)
        found = self._digits.get(contract_key(text), [])
        return [n for n in found if n == text] + [n for n in found if n != text]


def match_line(index: _Index, serial: str, contracts: Sequence[str]) -> RenewalLine | None:
    """The estate's line a quote line renews: same contract and serial (its ``renew`` line
    ending soonest, else its latest); else the serial's ``renew`` line ending soonest; else
    (no ``renew`` line) the serial's line ending last."""
    lines = index.lines_of(serial)
    if not lines:
        return None
    same = [rl for rl in lines if rl.contract in contracts]
    pool = same or lines
    renew = sorted((rl for rl in pool if rl.disposition == "renew"),
                   key=lambda rl: (rl.end, rl.contract, rl.index))
    if renew:
        return renew[0]
    if same:
        return max(same, key=lambda rl: (rl.end, rl.contract, rl.index))
    return max(lines, key=lambda rl: (rl.end, rl.contract, rl.index))


def _estate_line(estate: Estate, rl: RenewalLine) -> Line | None:
    for line in estate.lines_by_contract.get(rl.contract, ()):
        if line.index == rl.index:
            return line
    return None


def target_end(rl: RenewalLine, target: date) -> date:
    """The co-term target cut at the line's ``max_end`` (its pid's last date of support)."""
    cap = rl.max_end
    return min(target, cap) if cap is not None else target


def _pct(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"
    return text.removesuffix(".0")


# --------------------------------------------------------------------------- the check
def check_quote(
    lines: Sequence[QuoteLine],
    analysis: Analysis,
    *,
    target: date | None = None,
    max_increase: Decimal = DEFAULT_MAX_INCREASE,
) -> QuoteCheck:
    """Every finding of a quote against the estate as ``analysis`` sees it (today is the
    analysis's date). ``target``: the co-term target end (``--to``); ``max_increase``: the
    yearly price increase allowed, in percent."""
    estate = analysis.estate
    today = analysis.policy.today
    index = _Index(analysis)
    findings: list[Finding] = []
    matched: list[RenewalLine | None] = []
    quoted_contracts: set[str] = set()
    taken: set[tuple[str, int, date]] = set()
    renewals: dict[tuple[str, date], None] = {}

    def add(kind: str, severity: str, serial: str, contract: str | None, message: str,
            q: QuoteLine | None, rl: RenewalLine | None) -> None:
        findings.append(Finding(kind, severity, serial, contract, message,
                                q.where if q is not None else None,
                                (rl.contract, rl.end) if rl is not None else None))

    for q in lines:
        serial = q.serial
        contracts = index.contracts_for(q.contract)
        quoted_contracts.update(contracts)
        stored_contract = contracts[0] if contracts else (q.contract or None)
        device = estate.devices.get(serial)
        if device is None and serial not in estate.lines_by_serial:
            add("unknown", "low", serial, stored_contract,
                f"{serial} is not in the database (neither in the inventory nor on a contract)",
                q, None)
            matched.append(None)
            continue
        if q.contract and not contracts:
            add("unknown", "low", serial, q.contract,
                f"contract {q.contract} is not in the database", q, None)
        rl = match_line(index, serial, contracts)
        matched.append(rl)
        if rl is not None:
            taken.add((rl.contract, rl.index, rl.end))
            renewals[(rl.contract, rl.end)] = None
        contract = rl.contract if rl is not None else stored_contract
        critical = device is not None and device.criticality == "critical"
        # -- what the device is
        if rl is not None and rl.disposition == "renewed":
            add("quoted_renewed", "high", serial, contract,
                f"{serial}: the line ending {rl.end} is already renewed by {rl.renewed_by} "
                f"until {rl.renewed_until}", q, rl)
        if device is None:
            add("quoted_inactive", "high", serial, contract,
                f"{serial} is on a contract but not in the inventory", q, rl)
        elif device.status in ("spare", "decommissioned"):
            add("quoted_inactive", "high", serial, contract,
                f"{serial} is {device.status}", q, rl)
        # -- its product's life
        pid = device.pid if device is not None and device.pid else q.pid
        eox = estate.eox.get(pid) if pid else None
        if eox is not None:
            ldos = eox.last_date_of_support
            if q.end is not None and ldos is not None and q.end > ldos:
                add("past_support", "high", serial, contract,
                    f"{serial}: quoted to {q.end}, after {pid}'s last date of support {ldos}",
                    q, rl)
            ecr = eox.end_of_contract_renewal
            if ecr is not None and ecr < today:
                add("blocked", "high", serial, contract,
                    f"{serial}: {pid}'s last date to renew {ecr} has passed", q, rl)
        if rl is None:
            continue
        # -- the dates against the line it renews
        if q.start is not None:
            after = rl.end + ONE_DAY if rl.end != date.max else rl.end
            if q.start > after:
                gap = (q.start - after).days
                add("gap", "high", serial, contract,
                    f"{serial}: quoted from {q.start}, but the line ends {rl.end}: "
                    f"{gap} day{'s' * (gap != 1)} without support", q, rl)
            elif q.start < after:
                overlap = (rl.end - q.start).days + 1
                add("overlap", "medium", serial, contract,
                    f"{serial}: quoted from {q.start}, but the line runs until {rl.end}: "
                    f"{overlap} day{'s' * (overlap != 1)} paid twice", q, rl)
        if target is not None and rl.disposition == "renew" and q.end is not None:
            want = target_end(rl, target)
            if q.end != want:
                why = "" if want == target else f" (the target {target} cut at end of support)"
                add("off_target", "medium", serial, contract,
                    f"{serial}: quoted to {q.end}, not {want}{why}", q, rl)
        # -- the service level
        line = _estate_line(estate, rl)
        current = line.service_level if line is not None else None
        quoted_text = q.level_text
        if current is not None and quoted_text:
            quoted = normalise_service_level(quoted_text)
            cur_rank, new_rank = level_rank(current), level_rank(quoted)
            if cur_rank is not None and new_rank is not None and new_rank > cur_rank:
                add("level_down", "high" if critical else "medium", serial, contract,
                    f"{serial}: quoted {quoted.label}, below its current {current.label}", q, rl)
        # -- the price
        renewal = index.renewal((rl.contract, rl.end))
        yearly = yearly_price(q)
        annual = rl.annual_cost
        cur = (renewal.currency or "").strip().upper() if renewal is not None else ""
        qcur = (q.currency or "").strip().upper()
        if yearly is not None and annual is not None and cur and cur == qcur:
            limit = annual * (1 + max_increase / 100)
            if yearly > limit:
                if annual > 0:
                    rise = f"{_pct((yearly - annual) * 100 / annual)}% above"
                else:
                    rise = "above"
                add("price_up", "medium", serial, contract,
                    f"{serial}: quoted {_amount(cur, yearly)} a year, {rise} its current "
                    f"{_amount(cur, annual)} (more than {_pct(max_increase)}%)", q, rl)

    # -- renew lines of the quoted contracts that the quote leaves out
    for renewal in (r for number in sorted(quoted_contracts) for r in index.renewals_of(number)):
        if renewal.status not in OPEN_RENEWAL_STATUSES:
            continue
        for rl in renewal.lines:
            if rl.disposition != "renew" or not rl.active:
                continue
            if (rl.contract, rl.index, rl.end) in taken:
                continue
            critical = rl.criticality == "critical"
            name = f" ({rl.hostname})" if rl.hostname else ""
            add("missing", "critical" if critical else "high", rl.serial, rl.contract,
                f"{rl.serial}{name}: its line ending {rl.end} is to renew but is not in the "
                "quote", None, rl)
    findings.sort(key=lambda f: f.sort_key)
    return QuoteCheck(
        lines=len(lines),
        totals=quote_totals(lines),
        findings=tuple(findings),
        matched=tuple(matched),
        renewals=tuple(renewals),
    )


# --------------------------------------------------------------------------- views
def totals_text(totals: dict[str, Decimal]) -> str:
    """``USD 12,000.00, EUR 300.00``: never summed across currencies."""
    return ", ".join(_amount(cur, amt) for cur, amt in totals.items()) or "no prices"


def summary_line(result: QuoteCheck, files: Sequence[str]) -> str:
    """``quote.csv: 12 lines, USD 12,000.00; 5 findings (1 critical, 3 high, 1 medium,
    0 low)``: the first line of ``smartnet quote check``."""
    n = result.lines
    head = f"{', '.join(files)}: {n} line{'s' * (n != 1)}, {totals_text(result.totals)}"
    k = len(result.findings)
    if not k:
        return f"{head}; no findings"
    counts = ", ".join(f"{v} {s}" for s, v in result.counts().items())
    return f"{head}; {k} finding{'s' * (k != 1)} ({counts})"


def check_json(result: QuoteCheck, files: Sequence[str]) -> dict[str, object]:
    """``{quote: {files, lines, total: {CURRENCY: amount}}, findings: [...]}`` (amounts are
    Decimals to the cent: the writer makes them JSON numbers)."""
    return {
        "quote": {"files": list(files), "lines": result.lines, "total": dict(result.totals)},
        "findings": [f.as_dict() for f in result.findings],
    }


def findings_for_renewal(result: QuoteCheck, key: tuple[str, date]) -> list[Finding]:
    """The findings about one renewal's lines (the Worklist shows them with its quote)."""
    return [f for f in result.findings if f.renewal == key]


def quotes_for_renewal(
    quotes: Iterable[Quote], analysis: Analysis, key: tuple[str, date]
) -> list[tuple[Quote, QuoteCheck]]:
    """The stored quotes with a line on renewal ``key`` (by name), each with its check."""
    out = []
    for quote in sorted(quotes, key=lambda q: q.name):
        result = check_quote(quote.lines, analysis)
        if key in result.renewals:
            out.append((quote, result))
    return out


# --------------------------------------------------------------------------- triage
def renewals_to_receive(analysis: Analysis, result: QuoteCheck) -> list[Renewal]:
    """The renewals a quote moves to ``quote received``: those it quotes that are still at
    ``to review`` or ``quote requested`` and need a decision (not renewed, not needed)."""
    out = []
    for number, end in result.renewals:
        r = analysis.renewal(number, end)
        if r is not None and r.status not in ("renewed", "not needed") \
                and r.triage.state in BEFORE_RECEIVED:
            out.append(r)
    return out


def quote_received_changes(
    analysis: Analysis, result: QuoteCheck, *, user: str, at: str
) -> list[Change]:
    """The changes that move each quoted renewal still at ``to review`` or ``quote
    requested`` to ``quote received`` (recorded in its history with ``user`` and ``at``).
    A later state is left alone, and so is a renewal that needs nothing (renewed, not
    needed). One change per contract."""
    by_contract: dict[str, list[Renewal]] = {}
    for r in renewals_to_receive(analysis, result):
        by_contract.setdefault(r.contract, []).append(r)
    changes: list[Change] = []
    for number in sorted(by_contract):
        contract = pin_legacy_triage(analysis, analysis.estate.contracts[number])
        kept = {t.end: t for t in contract.renewal_triage if t.end is not None}
        for r in by_contract[number]:
            current = kept.get(r.end) or r.triage
            kept[r.end] = Triage(RECEIVED, current.owner, current.note, at, r.end,
                                 (*current.history, TriageEvent(at, user, RECEIVED)))
        triages = tuple(kept[e] for e in sorted(kept))
        changes.append(PutContract(replace(contract, renewal_triage=triages)))
    return changes
