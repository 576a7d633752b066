"""What every reader produces and every planner consumes: the validated contents of the
source files (:class:`Parsed`), the problems found in them (:class:`Problem`), and the
lines an export gives one contract (:class:`LineSet`).

One module both sides import, so that readers (data format, tables, Cisco API answers)
and the planner never import each other for a type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from smartnet_tui.domain.model import Contract, Device, EoX, LineSpec
from smartnet_tui.domain.numbers import contract_digits

TOP_KEYS = ("devices", "contracts", "eox")

Progress = Callable[[str, int, int | None], None]
"""``progress(file, rows_read, total_rows_or_None)``, called every few thousand rows."""


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    path: str  # record path: contracts[2].lines[5].end ('' for the whole file)
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class LineSet:
    """The lines an export gives one contract.

    ``merge`` False (a contract-line export): these are the contract's lines, a line the
    export no longer lists is dropped. ``merge`` True (an SN2INFO answer about some
    serials): each line replaces the contract's line of that serial, others stay.
    """

    number: str
    lines: tuple[LineSpec, ...]
    service_level: str | None  # the level every line has, if they agree
    merge: bool
    where: str
    reseller: str | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class CoverageStatus:
    """An SN2INFO coverage or owner status: Cisco's coverage of a serial without a contract
    number; which stored line it updates is decided when planning (``cisco_api.resolve``)."""

    serial: str
    covered: str  # YES or NO
    end: date | None
    status: str  # the line status it means: active or terminated
    extra: dict[str, Any]
    file: str
    path: str


@dataclass
class Parsed:
    """What the source files hold, validated."""

    devices: dict[str, Device] = field(default_factory=dict)
    contracts: dict[str, Contract] = field(default_factory=dict)
    eox: dict[str, EoX] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # where each key was first seen, for duplicate messages
    _seen: dict[tuple[str, str], str] = field(default_factory=dict)
    # contract digits -> (number as first spelled, where), for other_spelling
    _digits: dict[str, tuple[str, str]] = field(default_factory=dict)
    # from exports and API answers
    line_sets: dict[str, LineSet] = field(default_factory=dict)
    # serial -> (pid, hostname, site) of serials on exported lines, for --add-devices
    new_devices: dict[str, tuple[str | None, str | None, str | None]] = field(default_factory=dict)
    eox_updates: dict[str, dict[str, date]] = field(default_factory=dict)  # pid -> dates given
    # tables the files describe whole (what --replace may delete from); None: all of them
    whole_tables: set[str] | None = None
    formats: dict[str, str] = field(default_factory=dict)  # file -> format
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)  # file -> counts
    # from Cisco API answers, settled against what is stored when planning (cisco_api.resolve)
    coverage_status: dict[str, CoverageStatus] = field(default_factory=dict)
    serial_pids: dict[str, tuple[str, str]] = field(default_factory=dict)  # serial -> (pid, where)
    answered: set[str] = field(default_factory=set)  # serials an API answer is about

    def stats_for(self, file: str) -> dict[str, Any]:
        return self.stats.setdefault(file, {})

    def add_line_set(
        self, number: str, lines: tuple[LineSpec, ...], service_level: str | None, *,
        merge: bool, file: str, path: str, reseller: str | None = None, currency: str | None = None,
    ) -> None:
        where = f"{file}:{path}"
        old = self.line_sets.get(number)
        if not merge:
            clash = self.other_spelling(number, where)
            if clash is not None:
                self.errors.append(Problem(file, path, clash))
                return
        if old is not None and old.merge and merge:  # SN2INFO answers saved in batches
            by_serial = {ln.serial: ln for ln in old.lines}
            by_serial.update((ln.serial, ln) for ln in lines)
            level = old.service_level if old.service_level == service_level else None
            self.line_sets[number] = replace(old, lines=tuple(by_serial.values()), service_level=level)
            return
        first = self._seen.get(("contracts", number))
        if first is not None:
            self.errors.append(Problem(file, path, f"duplicate contract {number!r} (also at {first}); "
                                       "import one source per contract"))
            return
        self._seen[("contracts", number)] = where
        self.line_sets[number] = LineSet(number, lines, service_level, merge, where, reseller, currency)
        if not merge and self.whole_tables is not None:
            self.whole_tables.add("contracts")

    def counts(self) -> dict[str, int]:
        """What the files hold (before comparing with the database)."""
        return {
            "devices": len(self.devices.keys() | self.answered),
            "contracts": len(self.contracts.keys() | self.line_sets.keys()),
            "lines": sum(len(c.lines) for c in self.contracts.values())
            + sum(len(s.lines) for s in self.line_sets.values()),
            "eox": len(self.eox.keys() | self.eox_updates.keys()),
        }

    def other_spelling(self, number: str, where: str) -> str | None:
        """The error when another spelling of contract ``number`` with the same digits
        (``555`` and ``0555``) is already in this import (contract numbers are compared on
        their digits when matched with the database, so both would be one contract); else
        None, and ``number`` is remembered as seen at ``where``."""
        digits = contract_digits(number)
        if not digits:
            return None
        first = self._digits.setdefault(digits, (number, where))
        if first[0] == number:
            return None
        return (f"contract {number!r} is contract {first[0]!r} (at {first[1]}) written another "
                "way (the same digits): spell it one way in one import")

    def add(self, table: str, key: str, obj: Any, where: str) -> bool:
        first = self._seen.get((table, key))
        if first is not None:
            return False
        self._seen[(table, key)] = where
        getattr(self, table)[key] = obj
        return True

    def first_seen(self, table: str, key: str) -> str:
        return self._seen[(table, key)]


