"""The header line of counts and the mode line (screens, "N of M", filter, sort)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from smartnet_tui.domain.engine import Summary
from smartnet_tui.tui.table_sources import clean

MODES = (("inventory", "1", "Inventory"), ("contracts", "2", "Contracts"), ("alerts", "3", "Alerts"),
         ("worklist", "4", "Worklist"))


def _amount(v: Decimal | float, short: bool) -> str:
    size = abs(float(v))
    if short and size >= 1_000_000:
        return f"{v / 1_000_000:.1f}M"
    if short and size >= 10_000:
        return f"{v / 1000:.0f}k"
    # whole units, rounded half up (Decimal's own formatting would round half to even)
    return f"{Decimal(str(v)).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def money_text(amounts: Mapping[str, Decimal | float] | Decimal | float | None,
               short: bool = False) -> str:
    """Money at stake by currency, never summed across currencies: ``USD 29,810 GBP 430``."""
    if not amounts:
        return "0"
    if isinstance(amounts, (int, float, Decimal)):
        return _amount(amounts, short)
    return " ".join(f"{clean(cur)} {_amount(amt, short)}".strip() for cur, amt in amounts.items())


STAKE_LABEL = "at stake"
STAKE_WHAT = "(due and review renewals, yearly)"


class SummaryBar(Static):
    """Today's counts and the reference date: the first line of every screen.

    The counts read in words (``due 3  review 3  lapsed 4  uncovered 6  wasted 6``) and the
    money says what it is: the annual cost of the renewals due and in review, by currency
    (never summed across currencies). When it all does not fit on one line (80 columns),
    the money goes to a second line rather than being cut or abbreviated into riddles.
    """

    DEFAULT_CSS = """
    SummaryBar { height: auto; max-height: 2; background: $panel; color: $text; }
    """

    _last: tuple[str, Summary | None, str] | None = None

    def on_resize(self) -> None:
        if self._last is not None:
            self.show(*self._last)

    def show(self, today: str, summary: Summary | None, note: str = "") -> None:
        self._last = (today, summary, note)
        width = self.size.width or 80
        t = Text(no_wrap=True, overflow="ellipsis")
        if width >= 110:
            t.append(" smartnet ", style="bold reverse")
        t.append(f" {today} ", style="bold reverse")
        if summary is None:
            t.append(" " + (note or "loading..."), style="italic")
            self.update(t)
            return
        for label, n, style in (
            ("due", summary.due, "bold red"),
            ("review", summary.review, "bold yellow"),
            ("lapsed", summary.lapsed, "bold red"),
            ("uncovered", summary.uncovered, "bold red"),
            ("wasted", summary.wasted, "bold yellow"),
        ):
            t.append(f"  {label} ")
            t.append(str(n), style=style if n else "")
        money = Text()
        money.append(f"{STAKE_LABEL} ", style="")
        if summary.cost_at_stake:
            for i, (cur, amount) in enumerate(summary.cost_at_stake.items()):
                money.append("  " if i else "")
                money.append(f"{clean(cur)} {_amount(amount, False)}".strip(), style="bold")
        else:
            money.append("nothing", style="dim")
        tail = Text(f" {STAKE_WHAT}", style="dim")
        if note:
            tail.append(f"  {note}", style="italic")
        one_line = t.cell_len + 3 + money.cell_len + tail.cell_len
        if one_line <= width:
            t.append("   ")
            t.append_text(money)
            t.append_text(tail)
        elif t.cell_len + 3 + money.cell_len <= width:
            t.append("   ")
            t.append_text(money)
            if note and t.cell_len + 2 + Text(note).cell_len <= width:
                t.append(f"  {note}", style="italic")
            elif note:  # on a line of its own, never cut: "building the estate..." must show
                t.append("\n ")
                t.append(note, style="italic")
        else:
            t.append("\n ")
            t.append_text(money)
            if 1 + money.cell_len + tail.cell_len <= width:
                t.append_text(tail)
            elif note:
                t.append(f"  {note}", style="italic")
        self.update(t)


FLASH_SECONDS = 5.0


class ModeBar(Static):
    """Which screen is shown, and what the table holds; and, for a few seconds, the latest
    short message (an edit saved, a key that does nothing here, a colleague's change).

    Short messages go here rather than into a toast, so that nothing covers the row just
    edited. When the line is too narrow for both, the message wins over the screen tabs.
    """

    DEFAULT_CSS = """
    ModeBar { height: 1; color: $text-muted; }
    """

    _args: tuple[str, str, str | None] = ("", "", None)
    _flash: Text | None = None
    _flash_timer: Timer | None = None

    def show(self, mode: str, info: str = "", title: str | None = None) -> None:
        self._args = (mode, info, title)
        self._render_line()

    def flash(self, text: str, style: str = "bold", seconds: float = FLASH_SECONDS) -> None:
        """Show ``text`` at the end of the line for ``seconds``."""
        self._flash = Text(clean(text), style=style)
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(seconds, self._clear_flash, name="flash")
        self._render_line()

    @property
    def flash_text(self) -> str:
        return self._flash.plain if self._flash is not None else ""

    def _clear_flash(self) -> None:
        self._flash = None
        self._flash_timer = None
        self._render_line()

    def on_resize(self) -> None:
        self._render_line()

    def _render_line(self) -> None:
        mode, info, title = self._args
        width = self.size.width or 80
        t = self._line(mode, info, title, compact=False)
        if t.cell_len > width:  # the filter and counts win over the other screens' tabs
            t = self._line(mode, info, title, compact=True)
        flash = self._flash
        if flash is not None:
            if t.cell_len + 2 + flash.cell_len > width:
                t = self._line(mode, "", title, compact=True)
            t.append("  ")
            t.append_text(elide_middle(flash, width - t.cell_len))
        self.update(t)

    @staticmethod
    def _line(mode: str, info: str, title: str | None, compact: bool) -> Text:
        t = Text(no_wrap=True, overflow="ellipsis")
        if title is not None:
            t.append(f" {clean(title)}", style="bold")
        else:
            for name, key, label in MODES:
                if name == mode:
                    t.append(f" {key} {label} ", style="bold reverse")
                elif not compact:
                    t.append(f" {key} {label} ")
        if info:
            t.append("  ")
            t.append(clean(info))
        return t


def elide_middle(text: Text, width: int) -> Text:
    """``text`` in ``width`` cells, cut in the middle (``saved: triage 8812… -> ordered``):
    the end of a message (the new value) is what matters most, then its start."""
    if text.cell_len <= width or width < 5:
        return text
    plain = text.plain
    tail = max(width * 3 // 5, width - 20)
    head = width - 1 - tail
    return Text(plain[:head] + "…" + plain[len(plain) - tail:], style=text.style)


# Toasts (errors, imports: the messages that stay a toast) at the top right, one line of
# padding less: over the header, not over the table's rows. The app adds this to its CSS.
TOAST_CSS = """
ToastRack { dock: top; align: right top; margin-bottom: 0; }
Toast { padding: 0 1; margin-top: 0; margin-bottom: 1; }
"""
