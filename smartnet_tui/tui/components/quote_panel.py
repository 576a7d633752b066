"""A renewal's partner quotes and their findings, for the Worklist (issue 10).

:class:`QuotePanel` shows, for one renewal ``(contract, end)``, each stored quote with a
line on it (name, file, when imported, its lines and price on this renewal) and the
findings about this renewal's lines, most severe first. Findings are never stored: the
panel asks the domain (:mod:`smartnet_tui.domain.quote_check`) again whenever the app's
data changes, so they follow every edit, import and other admin's write.

:class:`QuoteScreen` is the panel on its own screen (``escape`` closes it), for a key on
a Worklist item. :func:`quote_view` is the plain text, without Textual, that both show.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from smartnet_tui.domain.display import inert
from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.quote_check import (
    check_quote,
    findings_for_renewal,
    money,
    totals_text,
)
from smartnet_tui.domain.quotes import Quote

if TYPE_CHECKING:
    from smartnet_tui.tui.messages import DataChanged

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
NO_QUOTE = "No quote yet for this renewal (smartnet quote import FILE --name NAME)."

RenewalKey = tuple[str, date]


def quote_view(quotes: Iterable[Quote], analysis: Analysis, key: RenewalKey,
               empty: str | None = NO_QUOTE) -> list[tuple[str, str]]:
    """(style, text) lines: each quote on renewal ``key``, then the findings about it;
    ``empty`` (None: nothing) when no quote has a line on it."""
    out: list[tuple[str, str]] = []
    for quote in sorted(quotes, key=lambda q: q.name):
        result = check_quote(quote.lines, analysis)
        if key not in result.renewals:
            continue
        mine = [q for q, rl in zip(quote.lines, result.matched, strict=True)
                if rl is not None and (rl.contract, rl.end) == key]
        totals: dict[str, Decimal] = {}
        for q in mine:
            if q.net_price is not None:
                cur = q.currency or "unknown"
                totals[cur] = totals.get(cur, Decimal("0.00")) + money(q.net_price)
        files = ", ".join(quote.files)
        when = f", imported {quote.imported}" if quote.imported else ""
        out.append(("bold", f"Quote {quote.name} ({files}{when})"))
        n = len(mine)
        out.append(("", f"  {n} line{'s' * (n != 1)} on this renewal, {totals_text(totals)}"))
        findings = findings_for_renewal(result, key)
        if not findings:
            out.append(("green", "  no findings"))
        for f in findings:
            out.append((SEVERITY_STYLE.get(f.severity, ""),
                        f"  {f.severity:<8} {f.kind:<15} {f.message}"))
    if not out and empty is not None:
        out.append(("dim", empty))
    return out


def quote_summary(quotes: Iterable[Quote], analysis: Analysis, key: RenewalKey,
                  hint: str = "") -> list[tuple[str, str]]:
    """One (style, text) line per quote on renewal ``key``, for a screen with little room:
    ``quote acme: 9 lines, USD 9,750.00; findings 1 critical, 5 high, 3 medium`` in the
    colour of the worst finding, then ``hint`` (e.g. ``(f: findings)``)."""
    out: list[tuple[str, str]] = []
    for quote in sorted(quotes, key=lambda q: q.name):
        result = check_quote(quote.lines, analysis)
        if key not in result.renewals:
            continue
        mine = [q for q, rl in zip(quote.lines, result.matched, strict=True)
                if rl is not None and (rl.contract, rl.end) == key]
        totals: dict[str, Decimal] = {}
        for q in mine:
            if q.net_price is not None:
                cur = q.currency or "unknown"
                totals[cur] = totals.get(cur, Decimal("0.00")) + money(q.net_price)
        findings = findings_for_renewal(result, key)
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        n = len(mine)
        text = f"quote {quote.name}: {n} line{'s' * (n != 1)}, {totals_text(totals)}; "
        if findings:
            text += "findings " + ", ".join(f"{c} {sev}" for sev, c in counts.items())
            style = SEVERITY_STYLE.get(findings[0].severity, "")
        else:
            text += "no findings"
            style = "green"
        out.append((style, text + (f"  {hint}" if hint else "")))
    return out


class QuotePanel(Static):
    """The quotes and findings of one renewal, recomputed whenever the data changes.

    ``empty``: what to say when no quote has a line on the renewal; None hides the panel
    then (the Worklist item's screen shows it only when there is a quote)."""

    DEFAULT_CSS = """
    QuotePanel { height: auto; padding: 0 1; border-top: solid $panel-lighten-2; }
    """

    def __init__(self, key: RenewalKey | None = None, *, empty: str | None = NO_QUOTE,
                 limit: int | None = None, more: str = "", compact: bool = False,
                 **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.key = key
        self.empty = empty
        self.compact = compact  # one summary line per quote (``more``: how to see the rest)
        self.limit = limit  # lines shown at most (then a line saying how many more)
        self.more = more  # how to see them all, e.g. "f: every finding"

    def on_mount(self) -> None:
        signal = getattr(self.app, "data_signal", None)
        if signal is not None:
            signal.subscribe(self, self._on_data)
        self.render_quote()

    def _on_data(self, message: DataChanged) -> None:
        self.render_quote()

    def show(self, key: RenewalKey | None) -> None:
        """Show the quotes of another renewal (None: nothing)."""
        self.key = key
        self.render_quote()

    def render_quote(self) -> None:
        analysis: Analysis | None = getattr(self.app, "analysis", None)
        if self.key is None or analysis is None:
            lines: list[tuple[str, str]] = []
        elif self.compact:
            lines = quote_summary(analysis.estate.quotes.values(), analysis, self.key, self.more)
        else:
            lines = quote_view(analysis.estate.quotes.values(), analysis, self.key, self.empty)
        if self.limit is not None and len(lines) > self.limit:
            hidden = len(lines) - (self.limit - 1)
            lines = [*lines[:self.limit - 1],
                     ("dim", f"  ... {hidden} more line{'s' * (hidden != 1)}"
                             f"{' (' + self.more + ')' if self.more else ''}")]
        text = Text(no_wrap=self.compact, overflow="ellipsis" if self.compact else None)
        for i, (style, line) in enumerate(lines):
            if i:
                text.append("\n")
            text.append(inert(line), style=style)  # Text, never markup: stored text is data
        self.update(text)
        self.display = bool(lines)


class QuoteScreen(ModalScreen[None]):
    """A renewal's quotes and findings on their own screen; escape closes it."""

    DEFAULT_CSS = """
    QuoteScreen { align: center middle; }
    QuoteScreen > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    QuoteScreen .title { text-style: bold; }
    QuoteScreen .help { color: $text-muted; }
    QuoteScreen VerticalScroll { height: auto; max-height: 20; }
    QuoteScreen QuotePanel { border-top: none; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close", id="quote.close")]

    def __init__(self, key: RenewalKey) -> None:
        super().__init__()
        self.key = key

    def compose(self) -> ComposeResult:
        contract, end = self.key
        with Vertical():
            yield Static(Text(f"Quotes for {inert(contract)}, renewal ending {end}"), classes="title")
            with VerticalScroll():
                yield QuotePanel(self.key, id="quote-panel")
            yield Static(Text("escape: close"), classes="help")

    def action_close(self) -> None:
        self.dismiss(None)
