"""What the screens show, computed from the engine: rows, sort keys and search text.

Pure Python (no Textual), so the benchmarks can time it alone. Every value that comes
from data goes through :func:`clean`: control characters never reach the terminal, and
the table widget draws cells as literal text (never markup).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rich.cells import cell_len

from smartnet_tui.domain.display import inert
from smartnet_tui.domain.engine import Analysis, Summary
from smartnet_tui.domain.model import (
    COVERAGE_RANK,
    RENEWAL_RANK,
    SEVERITY_RANK,
    Alert,
    Contract,
    ContractStatus,
    Coverage,
    Line,
    Triage,
)

# A cell: the text to show and a style name (None: the row's style).
Cell = tuple[str, str | None]

_LAST = 1 << 40
MEASURE_ROWS = 3000  # rows measured for the column widths of a new source


def clean(value: object) -> str:
    """A data value as one line of printable text: control and bidi characters shown as
    escapes (``\\x1b``, ``\\u202e``, the CLI's :func:`~smartnet_tui.domain.display.inert`),
    never markup."""
    return inert(value)


def fmt_date(d: date | None) -> str:
    return d.isoformat() if d is not None else ""


def fmt_days(n: int | None) -> str:
    return "" if n is None else str(n)


def fmt_money(v: float | Decimal | None, currency: str | None = None) -> str:
    """Whole units with thousands separators, after the currency when it is known:
    ``USD 22,970`` (amounts in different currencies are never one unit)."""
    if v is None:
        return ""
    whole = Decimal(str(v)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    amount = f"{whole:,}"
    return f"{clean(currency)} {amount}" if currency else amount


COVERAGE_STYLE = {"covered": "good", "expiring": "warn", "lapsed": "bad", "uncovered": "bad"}
RENEWAL_STYLE = {
    # as the header counts them: due in red, review in yellow (never the green of ok)
    "expired": "bad", "due": "bad", "review": "warn", "ok": "good", "renewed": "good",
    "cancelled": "dim",
}
SEVERITY_STYLE = {"critical": "critical", "high": "bad", "medium": "warn", "low": "note", "info": "dim"}
STATUS_STYLE = {"active": None, "spare": "note", "decommissioned": "dim"}


@dataclass(frozen=True, slots=True)
class Column:
    """A table column.

    ``width`` is the most it grows to for its content (longer values are cut with an
    ellipsis); ``min`` the least it shrinks to before columns are dropped (default: its
    content width, i.e. it never shrinks). ``flex``: the descriptive column, which takes the
    width left over. ``drop``: 0 never; otherwise the higher, the sooner it leaves the
    screen as the terminal narrows (it is still reached by scrolling right with ``l``).
    ``sep``: the cell is a list split by this; when cut, whole items are kept with a ``+N``.
    """

    key: str
    label: str
    width: int
    align: str = "left"  # left | right | split (first word left, the rest right)
    flex: bool = False
    min: int = 0
    drop: int = 0
    sep: str | None = None


def layout_columns(columns: Sequence[Column], natural: Sequence[int], avail: int,
                   fixed: int = 0, offset: int = 0) -> tuple[list[tuple[int, int]], bool]:
    """Which columns to show, in order, and how wide, in ``avail`` cells.

    ``natural``: each column's content width (label included), capped by its ``width``.
    The first ``fixed`` columns always show, first. Of the others, the ``offset`` first
    (in display order: the columns that fit, then the dropped ones) are scrolled out to the
    left. Whole values come before more columns: columns are dropped, least important
    first, until every column fits at its natural width (the flex column at its minimum);
    only then do shrinkable columns shrink (to their ``min``), and if even that is too wide
    columns are cut from the right. Spare width brings columns up to their natural width,
    most important first; what is left goes to the flex column (up to its ``width``: a
    hostname column does not push the others to the far right of a wide terminal). Returns the (index, width)
    pairs and whether columns remain hidden on the right.
    """
    n = len(columns)
    order = _display_order(columns, natural, avail, fixed)
    cands = list(range(min(fixed, n))) + order[offset:]
    mins = {i: _min_width(columns[i], natural[i]) for i in cands}
    kept = _drop(columns, natural, avail, fixed, cands)
    hidden_right = len(kept) < len(cands)

    def need(ix: list[int]) -> int:
        return sum(mins[i] for i in ix) + max(len(ix) - 1, 0)

    while need(kept) > avail and len(kept) > 1 and kept[-1] >= fixed:
        kept.pop()  # nothing left to drop: the rest is reached by scrolling
        hidden_right = True
    widths = {i: mins[i] for i in kept}
    spare = avail - need(kept)
    for i in sorted(kept, key=lambda i: (columns[i].drop, i)):
        if spare <= 0:
            break
        grow = min(spare, natural[i] - widths[i])
        if grow > 0:
            widths[i] += grow
            spare -= grow
    flex = [i for i in kept if columns[i].flex]
    if spare > 0 and flex:  # the descriptive column takes the rest, up to its width
        f = flex[0]
        widths[f] += max(min(spare, columns[f].width - widths[f]), 0)
    return [(i, widths[i]) for i in kept], hidden_right


def _min_width(col: Column, natural: int) -> int:
    return min(col.min, natural) if col.min else natural


def _drop(columns: Sequence[Column], natural: Sequence[int], avail: int, fixed: int,
          cands: list[int]) -> list[int]:
    """``cands`` less the least important columns, until the rest fit whole."""
    kept = list(cands)

    def width(i: int) -> int:
        return _min_width(columns[i], natural[i]) if columns[i].flex else natural[i]

    while sum(width(i) for i in kept) + max(len(kept) - 1, 0) > avail:
        droppable = [i for i in kept if i >= fixed and columns[i].drop]
        if not droppable:
            break
        kept.remove(max(droppable, key=lambda i: (columns[i].drop, kept.index(i))))
    return kept


def _display_order(columns: Sequence[Column], natural: Sequence[int], avail: int,
                   fixed: int) -> list[int]:
    """The scrolling columns in display order: those that fit unscrolled, then the dropped
    ones (in their own order), so that ``l`` brings the dropped ones in."""
    rest = list(range(fixed, len(columns)))
    kept = set(_drop(columns, natural, avail, fixed, list(range(len(columns)))))
    return [i for i in rest if i in kept] + [i for i in rest if i not in kept]


# ---------------------------------------------------------------------------------- sources
class Source(ABC):
    """Rows of one table: keys, their cells, a search text and a sort value per column."""

    columns: Sequence[Column] = ()
    default_sort: int = 0
    noun: str = "rows"
    fixed: int = 1  # the key column(s): always shown, at the left

    def __init__(self, analysis: Analysis | None) -> None:
        self.analysis = analysis
        self._search: dict[str, str] = {}
        # the last sorted view and what it was sorted for (column, reverse, view_state()),
        # and the rows changed since (to be placed again)
        self._sorted: tuple[tuple[Any, ...], list[str]] | None = None
        self._dirty: set[str] = set()
        # the column widths of the first rows of a prepared view: (those keys, widths)
        self._first_widths: tuple[list[str], list[int]] | None = None

    def has_rows(self) -> bool:
        """Whether there is anything to show yet (an analysis, by default)."""
        return self.analysis is not None

    def loaded(self) -> Analysis:
        """The analysis, for rows and sorts (only asked for once there is one)."""
        assert self.analysis is not None
        return self.analysis

    @abstractmethod
    def keys(self) -> list[str]:
        ...

    @abstractmethod
    def cells(self, key: str) -> Sequence[Cell]:
        ...

    def sort_value(self, column: int) -> Callable[[str], Any]:
        """By the column's text; sources override it for dates and numbers."""
        return lambda key: self.cells(key)[column][0]

    @abstractmethod
    def exists(self, key: str) -> bool:
        ...

    def search_text(self, key: str) -> str:
        text = self._search.get(key)
        if text is None:
            text = "\t".join(c[0] for c in self.cells(key)).lower()
            self._search[key] = text
        return text

    def invalidate(self, keys: set[str] | None = None) -> None:
        """These rows changed (None: any row may have): their cells, search text and place
        in the sort are computed again. The engine recomputes only the serials and contracts
        an edit touched, and a row's sort value is made of its own record and results, so
        the other rows keep their order: only these are placed again."""
        self._first_widths = None
        if keys is None:
            self._sorted = None
            self._dirty.clear()
            self._search.clear()
        else:
            if self._sorted is not None:
                self._dirty |= keys
            for k in keys:
                self._search.pop(k, None)

    def view_state(self) -> tuple[Any, ...]:
        """What decides the rows besides the sort and the filter text (none by default)."""
        return ()

    def in_order(self, column: int, reverse: bool) -> bool:
        """Whether :meth:`keys` come in this sort already (no need to sort them)."""
        return False

    def sorted_keys(self, column: int, reverse: bool) -> list[str]:
        """Every row's key in this sort: the last one computed is kept (until an edit), so
        a view prepared off the event loop costs a copy when a screen first shows it."""
        state = (column, reverse, self.view_state())
        cached = self._sorted
        dirty, self._dirty = self._dirty, set()
        if cached is not None and cached[0] == state and dirty:
            placed = self._placed(cached[1], dirty, column, reverse)
            cached = self._sorted = (state, placed) if placed is not None else None
        if cached is None or cached[0] != state:
            keys = self.keys()
            if not self.in_order(column, reverse):
                keys.sort(key=self.sort_value(column), reverse=reverse)
            cached = self._sorted = (state, keys)
        return list(cached[1])  # the caller's: the table may hold it, the cache stays

    def _placed(self, keys: list[str], dirty: set[str], column: int,
                reverse: bool) -> list[str] | None:
        """``keys`` (sorted) with the ``dirty`` rows taken out and those still there put
        back where the sort puts them now (an edit: 100,000 keys sorted again took 40 ms of
        each edit). None: sort everything (a reversed sort, or so many rows changed that
        putting each back costs more than a sort)."""
        if reverse or len(dirty) > 64 + len(keys) // 200:
            return None
        value = self.sort_value(column)
        kept = [k for k in keys if k not in dirty]
        for k in sorted((k for k in dirty if self.exists(k)), key=value):
            insort(kept, k, key=value)  # every sort value ends with the key: one place
        return kept

    def prepare(self) -> Source:
        """Compute the first view now (the default order and the column widths of its first
        rows). The app does it in its I/O thread while loading, for every table: a table
        shown first then only draws (at 100,000 devices, sorting and measuring them froze
        the screen for a quarter of a second on the event loop)."""
        keys = self.sorted_keys(self.default_sort, False)
        first = keys[:MEASURE_ROWS]
        widths = [0] * len(self.columns)
        measure(self, first, widths)
        self._first_widths = (first, widths)
        return self

    def widths_for(self, keys: Sequence[str]) -> list[int] | None:
        """The prepared column widths when ``keys`` start with the rows they were measured
        on (None: measure them)."""
        prepared = self._first_widths
        if prepared is None:
            return None
        first, widths = prepared
        if len(widths) != len(self.columns) or list(keys[:MEASURE_ROWS]) != first:
            return None
        return list(widths)

    def view(self, needle: str, column: int, reverse: bool, base: list[str] | None = None) -> list[str]:
        """Keys shown for a filter and a sort: filter in Python, the table gets the result."""
        if not self.has_rows():
            return []
        keys = self.sorted_keys(column, reverse) if base is None else base
        needle = needle.strip().lower()
        if needle:
            search = self.search_text
            terms = needle.split()
            if len(terms) == 1:
                keys = [k for k in keys if needle in search(k)]
            else:
                keys = [k for k in keys if all(t in search(k) for t in terms)]
        return keys


def measure(source: Source, keys: Iterable[str], content: list[int]) -> None:
    """Widen ``content`` (each column's widest value, in cells) to these rows' values."""
    cells_of = source.cells
    for key in keys:
        for i, (text, _style) in enumerate(cells_of(key)):
            n = cell_len(text)
            if n > content[i]:
                content[i] = n


def _none_last(v: object) -> tuple[int, object]:
    return (1, 0) if v is None or v == "" else (0, v)


class DeviceSource(Source):
    noun = "devices"
    # At 80 columns: serial, hostname, coverage, PID, site and contracts; Until, Days,
    # Status and Crit leave the screen first (l brings them back).
    columns = (
        Column("serial", "Serial", 20),
        Column("hostname", "Hostname", 40, flex=True, min=12),
        Column("coverage", "Coverage", 10),
        Column("end", "Until", 10, drop=2),
        Column("days", "Days", 6, "right", drop=3),
        Column("status", "Status", 14, drop=4, min=6),
        Column("criticality", "Crit", 8, drop=5),
        Column("pid", "PID", 20),
        Column("site", "Site", 14, min=7),
        Column("contracts", "Contracts", 32, min=10, sep=" "),
    )

    def keys(self) -> list[str]:
        return list(self.analysis.estate.devices) if self.analysis else []

    def exists(self, key: str) -> bool:
        return self.analysis is not None and key in self.analysis.estate.devices

    def cells(self, key: str) -> Sequence[Cell]:
        a = self.loaded()
        d = a.estate.devices.get(key)
        cov = a.coverage.get(key)
        if d is None:
            return ((key, None),) + (("", None),) * 9
        status = cov.status if cov else "uncovered"
        cstyle = COVERAGE_STYLE[status] if d.status == "active" else "dim"
        return (
            (clean(d.serial), None),
            (clean(d.hostname), None),
            (status, cstyle),
            (fmt_date(cov.coverage_end) if cov else "", cstyle),
            (fmt_days(cov.days_left) if cov else "", cstyle),
            (d.status, STATUS_STYLE.get(d.status)),
            (d.criticality, "bad" if d.criticality == "critical" else None),
            (clean(d.pid), None),
            (clean(d.site), None),
            (clean(" ".join(cov.contracts)) if cov else "", None),
        )

    def sort_value(self, column: int) -> Callable[[str], Any]:
        a = self.loaded()
        devs, covs = a.estate.devices, a.coverage
        name = self.columns[column].key
        if name == "serial":
            return lambda k: k
        if name in ("hostname", "pid", "site", "status", "criticality"):
            return lambda k: (_none_last((getattr(devs[k], name) or "").lower()), k)
        if name == "coverage":
            return lambda k: (COVERAGE_RANK[covs[k].status] if k in covs else COVERAGE_RANK["uncovered"], _days(covs.get(k)), k)
        if name in ("end", "days"):
            return lambda k: (_days(covs.get(k)), k)
        return lambda k: (_none_last(" ".join(covs[k].contracts) if k in covs else ""), k)


def _days(cov: Coverage | None) -> int:
    return cov.days_left if cov is not None and cov.days_left is not None else _LAST


class ContractSource(Source):
    noun = "contracts"
    # At 80 columns: number, end, renewal, annual (with its currency), triage, owner and
    # reseller; Days, Level and Serials leave the screen first (l brings them back).
    columns = (
        Column("number", "Contract", 16),
        Column("level", "Level", 8, drop=3),
        Column("end", "End", 10),
        Column("days", "Days", 6, "right", drop=2),
        Column("renewal", "Renewal", 10),
        Column("serials", "Serials", 7, "right", drop=4),
        Column("cost", "Annual", 16, "split"),
        Column("triage", "Triage", 15, min=9),
        Column("owner", "Owner", 12, min=5, drop=1),
        Column("reseller", "Reseller", 30, flex=True, min=14),
    )

    def keys(self) -> list[str]:
        return list(self.analysis.estate.contracts) if self.analysis else []

    def exists(self, key: str) -> bool:
        return self.analysis is not None and key in self.analysis.estate.contracts

    def cells(self, key: str) -> Sequence[Cell]:
        a = self.loaded()
        c = a.estate.contracts.get(key)
        st = a.contract_status.get(key)
        if c is None or st is None:
            return ((key, None),) + (("", None),) * 9
        level = c.level
        rstyle = RENEWAL_STYLE.get(st.renewal)
        tr = shown_triage(c, st)
        # a renewal still to decide with no triage recorded is "to review" (as the Worklist
        # says), dimmed; a renewed, cancelled or not needed contract has nothing to triage
        to_decide = st.first is not None and st.renewal in ("expired", "due", "review", "ok")
        state = tr.state if tr else ("to review" if to_decide else "")
        return (
            (clean(c.number), None),
            (clean(level.code) if level else "", None),
            (fmt_date(st.end), rstyle),
            (fmt_days(st.days_left), rstyle),
            (st.renewal, rstyle),
            (str(len(st.serials)), None),
            (fmt_money(st.annual_cost, c.currency), None),
            (clean(state), "dim" if state == "to review" else "note" if state else None),
            (clean(tr.owner) if tr else "", None),
            (clean(c.reseller), None),
        )

    def sort_value(self, column: int) -> Callable[[str], Any]:
        a = self.loaded()
        cons, sts = a.estate.contracts, a.contract_status
        name = self.columns[column].key

        def days(k: str) -> int:
            st = sts.get(k)
            return st.days_left if st is not None and st.days_left is not None else _LAST

        def level(k: str) -> str | None:
            lv = cons[k].level
            return lv.code if lv is not None else None

        def triage(k: str) -> str | None:
            tr = shown_triage(cons[k], sts.get(k))
            return tr.state if tr is not None else None

        if name == "number":
            return lambda k: k
        if name == "level":
            return lambda k: (_none_last(level(k)), k)
        if name in ("end", "days"):
            return lambda k: (days(k), k)
        if name == "renewal":  # urgency: the default order
            return lambda k: (RENEWAL_RANK.get(sts[k].renewal, 9) if k in sts else 9, days(k), k)
        if name == "serials":
            return lambda k: (len(sts[k].serials) if k in sts else 0, k)
        if name == "cost":  # within each currency (never one unit across currencies)
            def cost(k: str) -> tuple[Any, ...]:
                amount = sts[k].annual_cost if k in sts else None
                if amount is None:
                    return (1, "", 0, k)
                return (0, (cons[k].currency or "").upper(), amount, k)
            return cost
        if name == "triage":
            return lambda k: (_none_last(triage(k)), k)
        if name == "owner":
            def owner(k: str) -> str:
                tr = shown_triage(cons[k], sts.get(k))
                return (tr.owner or "").lower() if tr is not None else ""
            return lambda k: (_none_last(owner(k)), k)
        return lambda k: (_none_last((cons[k].reseller or "").lower()), k)

    default_sort = 4  # renewal: by urgency


def shown_triage(contract: Contract, status: ContractStatus | None) -> Triage | None:
    """The triage a contract's row shows: the one recorded for its first renewal (worklist
    order), else the contract-level one older data keep."""
    first = status.first if status is not None else None
    if first is not None:
        recorded = contract.triage_for(first.end)
        if recorded is not None:
            return recorded
    return contract.triage


def alert_key(a: Alert) -> str:
    return f"{a.kind}\x1f{a.subject}"


class AlertSource(Source):
    noun = "alerts"
    # The subject (serial, contract, level) is the key column; at 80 columns Kind leaves
    # first so that the reason reads (the screen also shows it whole under the table).
    columns = (
        Column("severity", "Severity", 9),
        Column("subject", "Subject", 20),
        Column("kind", "Kind", 16, drop=2),
        Column("days", "Days", 6, "right", drop=1),
        Column("message", "Reason", 400, flex=True, min=40),
    )
    fixed = 2

    def __init__(self, analysis: Analysis | None, shown: Sequence[Alert] = ()) -> None:
        super().__init__(analysis)
        self._shown = shown  # without an analysis: these (a snapshot's, while loading)
        self._by_key: dict[str, Alert] = {}
        self._order: dict[str, int] = {}
        self.min_severity: str | None = None  # show this severity and worse
        self.kind: str | None = None  # show only this kind
        self._rebuild()

    def _rebuild(self) -> None:
        alerts = self.analysis.alerts() if self.analysis else self._shown
        by_key: dict[str, Alert] = {}
        for a in alerts:
            k = alert_key(a)
            if k in by_key:  # a contract's next renewal of the same kind, a level's next
                n = 2        # co-term group: a row each (one key hid the others)
                while f"{k}\x1f{n}" in by_key:
                    n += 1
                k = f"{k}\x1f{n}"
            by_key[k] = a
        self._by_key = by_key
        self._order = {k: i for i, k in enumerate(by_key)}

    def invalidate(self, keys: set[str] | None = None) -> None:
        super().invalidate(None)  # alerts come and go with any edit: cheap to redo
        self._rebuild()

    def has_rows(self) -> bool:
        return self.analysis is not None or bool(self._shown)

    def alert(self, key: str) -> Alert | None:
        return self._by_key.get(key)

    def keys(self) -> list[str]:
        keys = list(self._by_key)
        if self.min_severity is not None:
            limit = SEVERITY_RANK[self.min_severity]
            keys = [k for k in keys if SEVERITY_RANK[self._by_key[k].severity] <= limit]
        if self.kind is not None:
            keys = [k for k in keys if self._by_key[k].kind == self.kind]
        return keys

    def kinds(self) -> list[str]:
        return sorted({a.kind for a in self._by_key.values()})

    def view_state(self) -> tuple[Any, ...]:
        return (self.min_severity, self.kind)

    def in_order(self, column: int, reverse: bool) -> bool:
        return not reverse and self.columns[column].key == "severity"  # the engine's order

    def exists(self, key: str) -> bool:
        return key in self._by_key

    def cells(self, key: str) -> Sequence[Cell]:
        a = self._by_key.get(key)
        if a is None:
            return (("", None),) * 5
        sev = SEVERITY_STYLE.get(a.severity)
        return (
            (a.severity, sev),
            (clean(a.subject), None),
            (a.kind, None),
            (fmt_days(a.days_left), None),
            (clean(a.reason or a.message), None),
        )

    def sort_value(self, column: int) -> Callable[[str], Any]:
        order, by_key = self._order, self._by_key
        name = self.columns[column].key
        if name == "severity":  # the engine's order: most severe, then fewest days left
            return order.__getitem__
        if name == "days":
            return lambda k: (by_key[k].days_left if by_key[k].days_left is not None else _LAST, order[k])
        return lambda k: (getattr(by_key[k], name), order[k])


class PreparedViews:
    """Every table's source with its first view computed (:meth:`Source.prepare`) and the
    header's counts, made in the app's I/O thread right after the engine ran, for the
    event loop to take over instead of computing them (at 100,000 devices: 47,000 alerts
    indexed, 100,000 devices and their contracts sorted, the first rows measured).

    They are handed out only while the analysis is the one they were computed from and
    unchanged since: every edit, another writer's change followed or a scenario's refresh
    makes the engine sort its alerts anew (``Analysis.alerts`` returns a new list), and the
    screens then build their views as before."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.alerts = analysis.alerts()  # what an unchanged analysis returns again
        self.summary = analysis.summary()
        self.sources: dict[type[Source], Source] = {
            kind: kind(analysis).prepare() for kind in (DeviceSource, ContractSource, AlertSource)}

    def current(self, analysis: Analysis | None) -> bool:
        """Whether ``analysis`` is the one these were computed from, as it was then."""
        return analysis is self.analysis and analysis.alerts() is self.alerts

    def source(self, kind: type[Source], analysis: Analysis | None) -> Source | None:
        """The prepared source of ``kind`` if it still shows ``analysis`` as it is now."""
        return self.sources.get(kind) if self.current(analysis) else None

    def summary_for(self, analysis: Analysis | None) -> Summary | None:
        """The header's counts of ``analysis`` if it is still as it was computed."""
        return self.summary if self.current(analysis) else None


# ---------------------------------------------------------------------------------- details
def line_state(line: Line, today: date) -> tuple[str, str | None]:
    if line.cancelled:
        return "cancelled", "dim"
    if line.terminated:
        return "terminated", "dim"
    if line.covers(today):
        return "covers today", "good"
    if line.end < today:
        return "ended", "bad"
    return "future", "note"


def coverage_verdict(analysis: Analysis, serial: str) -> tuple[str, str]:
    """One glanceable sentence about a serial's coverage, and its style."""
    cov = analysis.coverage.get(serial)
    if cov is None:
        return f"{serial}: unknown serial (no device, no contract line)", "dim"
    by = f" by {', '.join(cov.contracts)}" if cov.contracts else ""
    nxt = f"; a line starts {cov.next_start}" if cov.next_start else ""
    if cov.status in ("covered", "expiring"):
        word = "COVERED" if cov.status == "covered" else "EXPIRING"
        return (f"{word} until {cov.coverage_end} ({cov.days_left} days left){by}{nxt}",
                COVERAGE_STYLE[cov.status])
    if cov.status == "lapsed":
        return f"LAPSED since {cov.coverage_end} ({-(cov.days_left or 0)} days ago){nxt}", "bad"
    return f"NEVER COVERED{nxt}", "bad"
