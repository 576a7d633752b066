"""The header line of counts and the mode line (screens, "N of M", filter, sort)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from rich.text import Text
from textual.widgets import Static

from smartnet_tui.domain.engine import Summary
from smartnet_tui.tui.table_sources import clean

MODES = (("inventory", "1", "Inventory"), ("contracts", "2", "Contracts"), ("alerts", "3", "Alerts"))


def _amount(v: Decimal | float, short: bool) -> str:
    size = abs(float(v))
    if short and size >= 1_000_000:
        return f"{v / 1_000_000:.1f}M"
    if short and size >= 10_000:
        return f"{v / 1000:.0f}k"
    return f"{v:,.0f}"


def money_text(amounts: Mapping[str, Decimal | float] | Decimal | float | None,
               short: bool = False) -> str:
    """Money at stake by currency, never summed across currencies: ``USD 29,810 GBP 430``."""
    if not amounts:
        return "0"
    if isinstance(amounts, (int, float, Decimal)):
        return _amount(amounts, short)
    return " ".join(f"{clean(cur)} {_amount(amt, short)}".strip() for cur, amt in amounts.items())


class SummaryBar(Static):
    """Today's counts and the reference date: the first line of every screen."""

    DEFAULT_CSS = """
    SummaryBar { height: 1; background: $panel; color: $text; }
    """

    _last: tuple[str, Summary | None, str] | None = None

    def on_resize(self) -> None:
        if self._last is not None:
            self.show(*self._last)

    def show(self, today: str, summary: Summary | None, note: str = "") -> None:
        self._last = (today, summary, note)
        t = Text(no_wrap=True, overflow="ellipsis")
        if self.size.width >= 96:
            t.append(" smartnet ", style="bold reverse")
        t.append(f" {today} ", style="bold reverse")
        if summary is None:
            t.append(" " + (note or "loading..."), style="italic")
            self.update(t)
            return

        wide = self.size.width >= 100

        def count(label: str, short: str, n: int, style: str) -> None:
            t.append(" ")
            t.append(label if wide else short)
            t.append(f" {n}", style=style if n else "")

        count("due", "due", summary.due, "bold red")
        count("review", "rev", summary.review, "bold yellow")
        count("lapsed", "lapsed", summary.lapsed, "bold red")
        count("uncovered", "uncov", summary.uncovered, "bold red")
        count("wasted", "wasted", summary.wasted, "bold yellow")
        t.append("  at stake " if wide else " | ")
        money = money_text(summary.cost_at_stake)
        if not wide and self.size.width and t.cell_len + len(money) > self.size.width:
            money = money_text(summary.cost_at_stake, short=True)
        t.append(money, style="bold")
        if note:
            t.append(f"  {note}", style="italic")
        self.update(t)


class ModeBar(Static):
    """Which screen is shown, and what the table holds."""

    DEFAULT_CSS = """
    ModeBar { height: 1; color: $text-muted; }
    """

    def show(self, mode: str, info: str = "", title: str | None = None) -> None:
        t = Text(no_wrap=True, overflow="ellipsis")
        if title is not None:
            t.append(f" {clean(title)}", style="bold")
        else:
            for name, key, label in MODES:
                if name == mode:
                    t.append(f" {key} {label} ", style="bold reverse")
                else:
                    t.append(f" {key} {label} ")
        if info:
            t.append("  ")
            t.append(clean(info))
        self.update(t)
