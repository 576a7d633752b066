"""Domain objects: devices, contracts and their lines, EoX rows, and the in-memory estate.

Records are immutable; an edit replaces a record in the :class:`Estate`, whose indexes
(lines by serial, devices by pid) are what every lookup goes through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from smartnet_tui.domain.quotes import Quote
from smartnet_tui.domain.serials import normalise_serial as _normalise_serial
from smartnet_tui.domain.service_levels import ServiceLevel, normalise_service_level

DEVICE_STATUSES = ("active", "spare", "decommissioned")
CRITICALITIES = ("critical", "high", "normal", "low")
CONTRACT_STATUSES = ("active", "cancelled")
LINE_STATUSES = ("active", "terminated")
# A renewal's triage states, in the order work moves through them (the default first).
TRIAGE_STATES = ("to review", "quote requested", "quote received", "PO raised", "ordered", "do not renew")
# Older data files kept one triage per contract with these states; they map onto the new ones.
LEGACY_TRIAGE_STATES = {"renew": "quote requested", "co-term": "to review"}
# What a data file's contract-level `triage.state` may say (the new states and the old ones).
CONTRACT_TRIAGE_STATES = (*TRIAGE_STATES, *LEGACY_TRIAGE_STATES)

# Every ordering and rank, defined once: most urgent first. The *_RANK dicts give a sort key.
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}
COVERAGE_ORDER = ("lapsed", "uncovered", "expiring", "covered")
COVERAGE_RANK = {s: i for i, s in enumerate(COVERAGE_ORDER)}
# A renewal's status (issue order), then a cancelled contract's `renewal`.
RENEWAL_ORDER = ("expired", "due", "review", "ok", "renewed", "not needed", "cancelled")
RENEWAL_RANK = {s: i for i, s in enumerate(RENEWAL_ORDER)}
# The statuses that still need a decision (the worklist without --all).
OPEN_RENEWAL_STATUSES = ("expired", "due", "review")
# A line's disposition in a renewal, in the order the rules decide it.
DISPOSITIONS = ("renewed", "drop", "replace", "blocked", "renew")



def normalise_serial(value: str) -> str:
    """Serials are matched after NFKC, without invisible characters, trimmed and
    upper-cased (:mod:`smartnet_tui.domain.serials`)."""
    return _normalise_serial(value)


@dataclass(frozen=True, slots=True)
class Device:
    serial: str
    pid: str | None = None
    hostname: str | None = None
    site: str | None = None
    status: str = "active"
    criticality: str = "normal"
    tags: tuple[str, ...] = ()
    notes: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class EoX:
    pid: str
    end_of_sale: date | None = None
    end_of_sw_maintenance: date | None = None
    end_of_contract_renewal: date | None = None
    last_date_of_support: date | None = None
    # Cisco's EndOfSvcAttachDate: after it, the pid can no longer be added to a contract.
    end_of_service_attach: date | None = None
    # Cisco's suggested replacement (EOXMigrationDetails: MigrationProductId, and the
    # MigrationProductName that is sometimes its only name) and when Cisco last updated
    # the record (UpdatedTimeStamp).
    migration_pid: str | None = None
    migration_name: str | None = None
    updated: date | None = None
    extra: Mapping[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class LineSpec:
    """A contract line as written: fields left out take the contract's values."""

    serial: str
    start: date | None = None
    end: date | None = None
    service_level: str | None = None
    sku: str | None = None
    annual_cost: float | None = None
    status: str = "active"
    extra: Mapping[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class TriageEvent:
    """One change of a renewal's triage state: when (ISO timestamp), by whom, to what."""

    at: str
    user: str
    state: str


@dataclass(frozen=True, slots=True)
class Triage:
    """Where the work on a renewal stands.

    A contract's ``renewal_triage`` holds one per renewal, keyed by the renewal's ``end``.
    A contract's ``triage`` (``end`` None) is the single contract-level triage older data
    files keep: it applies to the contract's most urgent open renewal (see
    :func:`smartnet_tui.domain.renewals.resolve_triage`).
    """

    state: str
    owner: str | None = None
    note: str | None = None
    updated: str | None = None  # ISO timestamp of the last edit
    end: date | None = None  # the renewal's end; None for a contract-level (legacy) triage
    history: tuple[TriageEvent, ...] = ()


DEFAULT_TRIAGE = Triage("to review")


@dataclass(frozen=True, slots=True)
class Contract:
    number: str
    service_level: str | None = None
    start: date | None = None
    end: date | None = None
    status: str = "active"
    reseller: str | None = None
    annual_cost: float | None = None
    currency: str | None = None
    lines: tuple[LineSpec, ...] = ()
    triage: Triage | None = None  # contract-level, as older data files keep it
    extra: Mapping[str, object] = field(default_factory=dict, hash=False)
    renewal_triage: tuple[Triage, ...] = ()  # one per renewal (each with its ``end``)

    @property
    def level(self) -> ServiceLevel | None:
        return normalise_service_level(self.service_level) if self.service_level else None

    def triage_for(self, end: date) -> Triage | None:
        """The triage recorded for the renewal ending ``end``, if any."""
        for t in self.renewal_triage:
            if t.end == end:
                return t
        return None


@dataclass(slots=True, eq=True, unsafe_hash=True)
class Line:
    """An effective contract line: the line's own fields over its contract's.

    Derived by the estate from a contract and never edited (edit the contract instead). Not
    frozen only because frozen dataclasses are five times slower to build, and the estate
    builds one per line (200k at scale) on every load.
    """

    contract: str
    index: int
    serial: str
    start: date | None
    end: date
    service_level: ServiceLevel | None
    sku: str | None
    annual_cost: float | None
    terminated: bool
    cancelled: bool  # the contract is cancelled
    # Derived, stored for the engine's hot loops:
    counts: bool  # neither terminated nor cancelled: every rule ignores the others
    begins: date  # start, or date.min for a line with no start (covers from ever)

    def covers(self, day: date) -> bool:
        return self.begins <= day <= self.end


def effective_lines(contract: Contract) -> tuple[Line, ...]:
    level = contract.service_level
    cancelled = contract.status == "cancelled"
    out = []
    for i, spec in enumerate(contract.lines):
        end = spec.end or contract.end
        if end is None:  # validated away on import; skip rather than crash on odd data
            continue
        text = spec.service_level or level
        start = spec.start or contract.start
        terminated = spec.status == "terminated"
        out.append(
            Line(
                contract=contract.number,
                index=i,
                serial=spec.serial,
                start=start,
                end=end,
                service_level=normalise_service_level(text) if text else None,
                sku=spec.sku,
                annual_cost=spec.annual_cost,
                terminated=terminated,
                cancelled=cancelled,
                counts=not (terminated or cancelled),
                begins=start or date.min,
            )
        )
    return tuple(out)


class Coverage(NamedTuple):
    """A serial's coverage today (a named tuple: built for every serial on a recompute)."""

    status: str  # covered | expiring | lapsed | uncovered
    coverage_end: date | None
    days_left: int | None
    next_start: date | None
    contracts: tuple[str, ...]

    @property
    def covered_today(self) -> bool:
        return self.status in ("covered", "expiring")


@dataclass(slots=True, eq=True, unsafe_hash=True)
class RenewalLine:
    """One line of a renewal and what to do with it (docs/rules.md, "Disposition").

    Derived by the engine and never edited; not frozen for the same reason as :class:`Line`
    (one is built per contract line on every recompute).
    """

    contract: str
    index: int  # the line's position in its contract's ``lines``
    serial: str
    end: date
    disposition: str  # renewed | drop | replace | blocked | renew
    device: Device | None  # None: not in the inventory
    renewed_by: str | None  # `renewed`: the contract of the line covering end + 1 furthest
    renewed_until: date | None  # `renewed`: that line's end
    last_date_to_renew: date | None  # the pid's end of contract renewal, when known
    last_date_of_support: date | None  # the pid's, when known
    deadline: date | None  # `renew`: the earlier of end and the last date to renew
    annual_cost: Decimal | None  # own cost, else the contract's shared equally; to the cent
    estimated: bool  # the cost is a share of the contract's

    @property
    def hostname(self) -> str | None:
        return self.device.hostname if self.device is not None else None

    @property
    def pid(self) -> str | None:
        return self.device.pid if self.device is not None else None

    @property
    def criticality(self) -> str | None:
        return self.device.criticality if self.device is not None else None

    @property
    def device_status(self) -> str | None:
        return self.device.status if self.device is not None else None

    @property
    def active(self) -> bool:
        return self.device is not None and self.device.status == "active"

    @property
    def max_end(self) -> date | None:
        """On a `renew` line, the pid's last date of support: a term cannot run past it."""
        return self.last_date_of_support if self.disposition == "renew" else None

    @property
    def reason(self) -> str | None:
        """Why this disposition, in words (null for a plain `renew`)."""
        d = self.disposition
        if d == "renewed":
            return f"renewed by {self.renewed_by} until {self.renewed_until}"
        if d == "drop":
            return self.device.status if self.device is not None else "not in the inventory"
        if d == "replace":
            return f"{self.pid} last date of support {self.last_date_of_support}"
        if d == "blocked":
            return f"{self.pid} last date to renew {self.last_date_to_renew} has passed"
        parts = []
        ecr = self.last_date_to_renew
        if ecr is not None and ecr < self.end:
            parts.append(f"order by {ecr}, last date to renew for {self.pid}")
        if self.last_date_of_support is not None:
            parts.append(f"support ends {self.last_date_of_support}")
        return "; ".join(parts) or None


@dataclass(frozen=True, slots=True)
class Renewal:
    """A contract's lines (not terminated) that end on the same date: one renewal decision.

    Identified by ``(contract, end)``. ``days_left`` and ``due_date`` always come from
    ``deadline``, whatever the status.
    """

    contract: str
    end: date
    deadline: date
    deadline_reason: str  # "end" | "last date to renew"
    due_date: date
    days_left: int
    status: str  # expired | due | review | ok | renewed | not needed
    triage: Triage  # resolved: recorded, else the legacy contract triage, else "to review"
    service_level: str | None  # the normalised code (the contract's, else its lines' one)
    reseller: str | None
    currency: str | None
    annual_cost: Decimal | None  # sum of the lines' known costs; None when none is known
    lines: tuple[RenewalLine, ...]
    successors: frozenset[str] = frozenset()  # other contracts that renew lines of this one

    @property
    def key(self) -> tuple[str, date]:
        return (self.contract, self.end)

    @property
    def state(self) -> str:
        return self.triage.state

    @property
    def lines_end_text(self) -> str:
        """``2 lines end 2027-03-31``: the renewal told as part of its contract."""
        k = len(self.lines)
        return f"{k} line{'s' * (k != 1)} end{'s' * (k == 1)} {self.end}"

    @property
    def counts(self) -> dict[str, int]:
        """Lines per disposition, every disposition present (zero when none)."""
        out = dict.fromkeys(DISPOSITIONS, 0)
        for ln in self.lines:
            out[ln.disposition] += 1
        return out

    @property
    def sort_key(self) -> tuple[int, date, str, date]:
        """Worklist order: status, then deadline, then contract number (then end)."""
        return (RENEWAL_RANK[self.status], self.deadline, self.contract, self.end)


@dataclass(frozen=True, slots=True)
class ContractStatus:
    """A contract's renewal picture: ``renewal`` is the most urgent of its renewals.

    ``end`` is the contract's: the latest end of its lines not terminated, else its own.
    ``renewal_end``, ``deadline`` and ``days_left`` are the most urgent renewal's
    (``days_left`` from its deadline), which may end before the contract (a line with its
    own earlier end). A cancelled contract, or one with no line to renew, has no renewals:
    ``renewal_end`` and ``deadline`` are None and ``days_left`` counts to ``end``.
    """

    number: str
    end: date | None
    days_left: int | None
    renewal: str  # expired | due | review | ok | renewed | not needed | cancelled
    serials: tuple[str, ...]
    annual_cost: Decimal | None  # sum of the lines' costs, each to the cent; None if none known
    renewals: tuple[Renewal, ...] = ()  # in worklist order
    deadline: date | None = None  # the most urgent renewal's
    renewal_end: date | None = None  # the most urgent renewal's end (<= end)

    @property
    def first(self) -> Renewal | None:
        """The contract's first renewal in worklist order (what `triage` without --end sets)."""
        return self.renewals[0] if self.renewals else None

    @property
    def early(self) -> Renewal | None:
        """The most urgent renewal when it ends before the contract (part of it), else None."""
        first = self.first
        return first if first is not None and first.end != self.end else None

    def renewal_ending(self, end: date) -> Renewal | None:
        for r in self.renewals:
            if r.end == end:
                return r
        return None


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    severity: str
    subject: str
    message: str
    subject_type: str = "serial"  # serial | contract | service_level
    days_left: int | None = None
    related: tuple[str, ...] = ()  # for coterm: the member contracts
    reason: str = ""  # the message without its subject's name, for a table beside the subject

    @property
    def sort_key(self) -> tuple[int, int, str, str, str]:
        dl = self.days_left if self.days_left is not None else 1 << 30
        return (SEVERITY_RANK[self.severity], dl, self.kind, self.subject, self.message)

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "subject": self.subject,
            "message": self.message,
        }


class Estate:
    """Every record in memory, with the indexes lookups go through."""

    def __init__(
        self,
        devices: Iterable[Device] = (),
        contracts: Iterable[Contract] = (),
        eox: Iterable[EoX] = (),
        quotes: Iterable[Quote] = (),
    ) -> None:
        self.devices: dict[str, Device] = {}
        self.quotes: dict[str, Quote] = {q.name: q for q in quotes}  # partner quotes, by name
        self.contracts: dict[str, Contract] = {}
        self.eox: dict[str, EoX] = {}
        self.lines_by_serial: dict[str, list[Line]] = {}
        self.lines_by_contract: dict[str, tuple[Line, ...]] = {}
        self.devices_by_pid: dict[str, set[str]] = {}
        for d in devices:
            self.put_device(d)
        for c in contracts:
            self.put_contract(c)
        for e in eox:
            self.eox[e.pid] = e

    # -- queries -------------------------------------------------------------
    def serials(self) -> set[str]:
        """Every serial the estate knows: the inventory and every contract line."""
        return self.devices.keys() | self.lines_by_serial.keys()

    def lines_for(self, serial: str) -> list[Line]:
        return self.lines_by_serial.get(serial, [])

    def eox_for(self, serial: str) -> EoX | None:
        dev = self.devices.get(serial)
        return self.eox.get(dev.pid) if dev and dev.pid else None

    def contracts_of(self, serials: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for s in serials:
            out.update(line.contract for line in self.lines_by_serial.get(s, ()))
        return out

    # -- edits: each returns the serials whose derived state may have changed --
    def put_device(self, device: Device) -> set[str]:
        old = self.devices.get(device.serial)
        if old is not None and old.pid:
            self.devices_by_pid.get(old.pid, set()).discard(device.serial)
        self.devices[device.serial] = device
        if device.pid:
            self.devices_by_pid.setdefault(device.pid, set()).add(device.serial)
        return {device.serial}

    def remove_device(self, serial: str) -> set[str]:
        old = self.devices.pop(serial, None)
        if old is not None and old.pid:
            self.devices_by_pid.get(old.pid, set()).discard(serial)
        return {serial}

    def put_contract(self, contract: Contract) -> set[str]:
        affected = self._drop_lines(contract.number)
        self.contracts[contract.number] = contract
        lines = effective_lines(contract)
        self.lines_by_contract[contract.number] = lines
        index = self.lines_by_serial
        for line in lines:
            bucket = index.get(line.serial)
            if bucket is None:
                index[line.serial] = [line]
            else:
                bucket.append(line)
            affected.add(line.serial)
        return affected

    def remove_contract(self, number: str) -> set[str]:
        affected = self._drop_lines(number)
        self.contracts.pop(number, None)
        return affected

    def put_eox(self, eox: EoX) -> set[str]:
        self.eox[eox.pid] = eox
        return set(self.devices_by_pid.get(eox.pid, ()))

    def remove_eox(self, pid: str) -> set[str]:
        self.eox.pop(pid, None)
        return set(self.devices_by_pid.get(pid, ()))

    def put_quote(self, quote: Quote) -> set[str]:
        """Keep a partner quote (replacing the one of that name); its serials are touched."""
        old = self.quotes.get(quote.name)
        self.quotes[quote.name] = quote
        return {q.serial for q in quote.lines} | ({q.serial for q in old.lines} if old else set())

    def remove_quote(self, name: str) -> set[str]:
        old = self.quotes.pop(name, None)
        return {q.serial for q in old.lines} if old else set()

    def _drop_lines(self, number: str) -> set[str]:
        old = self.lines_by_contract.pop(number, ())
        affected = {line.serial for line in old}
        for serial in affected:
            bucket = [ln for ln in self.lines_by_serial.get(serial, ()) if ln.contract != number]
            if bucket:
                self.lines_by_serial[serial] = bucket
            else:
                self.lines_by_serial.pop(serial, None)
        return affected
