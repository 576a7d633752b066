"""The command palette (``:`` or ctrl+p): look up a serial, hostname or contract; jump.

Matching is a plain substring search over in-memory indexes built when the palette opens
(fuzzy matching every keystroke over 50,000 devices would be slow); hits are capped.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from smartnet_tui.tui.components.actions import add_device
from smartnet_tui.tui.table_sources import clean

if TYPE_CHECKING:
    from smartnet_tui.tui.app import SmartnetApp

MAX_HITS = 30
SCREENS = (
    ("inventory", "Inventory", "every device with its coverage, PID, site and contracts"),
    ("contracts", "Contracts", "every contract by urgency: end date, renewal, annual cost, triage"),
    ("alerts", "Alerts", "what needs action today, most severe first"),
    ("worklist", "Worklist", "the renewals to decide, most urgent first, with their triage"),
)

# The palette's border and search icon: Textual draws them in black, which a 16-colour
# terminal (the ansi-dark theme) shows black on black. The theme's accent instead, in
# every theme. The app adds this to its CSS.
PALETTE_CSS = """
CommandPalette #--input { border: hkey $accent; }
CommandPalette CommandList { border-bottom: hkey $accent; }
CommandPalette SearchIcon { color: $accent; }
App.-ascii CommandPalette #--input { border: ascii $accent; }
App.-ascii CommandPalette #--input.--list-visible { border-bottom: none; }
App.-ascii CommandList { border-bottom: ascii $accent; }
"""


# What the palette offers besides the screens (label, app action, help).
ACTIONS = (
    ("History", "history", "the change journal: who changed what, when (H)"),
    ("Import files", "import", "import export files, with a preview before writing (i)"),
    ("Fetch from Cisco", "fetch",
     "coverage and EoX from Cisco's Support APIs, with a preview before writing (F)"),
    ("Reload the database", "reload", "re-read the database now (ctrl+r)"),
    ("Undo the last edit", "undo", "undo the last edit made in this session (u)"),
    ("Help: every key", "help", "every key of every screen, and how to remap them (?)"),
    ("Quit", "quit", "quit smartnet once pending saves are written (q)"),
)


def looks_like_serial(text: str) -> bool:
    """One word of letters and digits (dashes allowed), at least 4 long: worth offering to add."""
    word = text.strip()
    return (len(word) >= 4 and " " not in word and any(c.isdigit() for c in word)
            and all(c.isalnum() or c in "-_/" for c in word))


def _score(needle: str, hay: str) -> float:
    if hay == needle:
        return 1.0
    if hay.startswith(needle):
        return 0.9
    return 0.6


def _nothing() -> None:
    """A hit that only informs."""


class LookupProvider(Provider):
    """Devices (serial or hostname), contract lines, contracts and screens."""

    async def startup(self) -> None:
        app: SmartnetApp = self.app  # type: ignore[assignment]
        a = app.analysis
        self._devices: list[tuple[str, str]] = []
        self._orphans: list[str] = []
        self._contracts: list[str] = []
        if a is None:
            return
        estate = a.estate
        self._devices = [(s, (d.hostname or "").lower()) for s, d in estate.devices.items()]
        self._orphans = [s for s in estate.lines_by_serial if s not in estate.devices]
        self._contracts = list(estate.contracts)

    async def discover(self) -> Hits:
        """With nothing typed: where to go and what to do (each with its own help)."""
        app: SmartnetApp = self.app  # type: ignore[assignment]
        for mode, label, what in SCREENS:
            yield DiscoveryHit(f"Go to {label}", partial(app.switch_mode, mode), help=what)
        for label, action, what in ACTIONS:
            yield DiscoveryHit(label, partial(app.run_action, action), help=what)

    async def search(self, query: str) -> Hits:
        app: SmartnetApp = self.app  # type: ignore[assignment]
        q = query.strip()
        if not q:
            return
        lower, upper = q.lower(), q.upper()
        for mode, label, what in SCREENS:
            if lower in f"go to {label.lower()}" or lower in label.lower():
                yield Hit(0.95, Text(f"Go to {label}"), partial(app.switch_mode, mode),
                          text=f"Go to {label}", help=what)
        for label, action, what in ACTIONS:
            if lower in label.lower():
                yield Hit(0.9, Text(label), partial(app.run_action, action), text=label, help=what)
        a = app.analysis
        if a is None:  # said, rather than "no matches" for a serial that exists
            note = f"{q}: still loading the database, ask again in a moment"
            yield Hit(0.1, Text(note, style="italic"), _nothing, text=note)
            return
        estate = a.estate
        n = 0
        for serial, host in self._devices:
            if upper in serial:
                score = _score(upper, serial)
            elif host and lower in host:
                score = _score(lower, host) - 0.05
            else:
                continue
            yield self._device_hit(serial, score)
            n += 1
            if n >= MAX_HITS:
                break
        m = 0
        for serial in self._orphans:
            if upper in serial:
                yield self._device_hit(serial, _score(upper, serial) - 0.1)
                m += 1
                if m >= 10:
                    break
        # contract lines of the serials that match exactly: where is it covered?
        if n < 5:
            for line in estate.lines_by_serial.get(upper, ())[:10]:
                st = a.contract_status.get(line.contract)
                hit_label = Text()
                hit_label.append("line  ", style="dim")
                hit_label.append(clean(line.serial), style="bold")
                hit_label.append(f" on contract {clean(line.contract)}, ends {line.end}")
                yield Hit(0.8, hit_label, partial(app.open_contract, line.contract),
                          text=f"line {line.serial} {line.contract}",
                          help=f"contract {st.renewal if st else ''}".strip())
        k = 0
        for number in self._contracts:
            if upper in number.upper():
                st = a.contract_status.get(number)
                hit_label = Text()
                hit_label.append("contract  ", style="dim")
                hit_label.append(clean(number), style="bold")
                if st is not None:
                    hit_label.append(f"  {st.renewal}, ends {st.end}")
                    if (early := st.early) is not None:  # the renewal is part of it
                        hit_label.append(f" ({early.lines_end_text})")
                yield Hit(_score(upper, number.upper()) - 0.02, hit_label,
                          partial(app.open_contract, number), text=f"contract {number}",
                          help=f"{len(st.serials) if st else 0} serials")
                k += 1
                if k >= 10:
                    break
        if n == 0 and m == 0 and k == 0 and looks_like_serial(q):
            yield self._unknown_hit(q)

    def _unknown_hit(self, query: str) -> Hit:
        """A serial nobody knows: say so, and offer to add it to the inventory."""
        app: SmartnetApp = self.app  # type: ignore[assignment]
        serial = clean(query.strip().upper())
        label = Text()
        label.append("unknown  ", style="dim")
        label.append(serial, style="bold")
        label.append("  is in neither the inventory nor any contract", style="yellow")
        return Hit(0.5, label, partial(add_device, app, serial), text=f"add device {serial}",
                   help=f"enter: add {serial} to the inventory as a device")

    def _device_hit(self, serial: str, score: float) -> Hit:
        app: SmartnetApp = self.app  # type: ignore[assignment]
        a = app.analysis
        assert a is not None  # hits exist only once the data is loaded
        d = a.estate.devices.get(serial)
        cov = a.coverage.get(serial)
        label = Text()
        label.append("device  " if d else "serial  ", style="dim")
        label.append(clean(serial), style="bold")
        if d is not None and d.hostname:
            label.append(f"  {clean(d.hostname)}")
        if d is None:
            label.append("  (only on contract lines)", style="yellow")
        help_ = ""
        if cov is not None:
            if cov.status in ("covered", "expiring"):
                help_ = f"{cov.status} until {cov.coverage_end} by {', '.join(cov.contracts)}"
            elif cov.status == "lapsed":
                help_ = f"lapsed since {cov.coverage_end}"
            else:
                help_ = "never covered"
        return Hit(score, label, partial(app.open_device, serial), text=f"{serial}",
                   help=clean(help_))
