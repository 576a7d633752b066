"""What an edit was based on: the records a dialog showed when it opened.

An edit dialog stays open while other writers' changes arrive (the app follows the file
every half second). Its save must be checked against the records the user *saw*, not
against the ones in memory when they pressed save: those may already hold a colleague's
change, and checking against them would overwrite it without a word. ``Seen`` keeps those
records (by natural key, ``None`` for a record that did not exist) and turns them into the
``expect=`` of ``Store.apply``: changes that would restore them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from smartnet_tui.domain.changes import (
    Change,
    DeleteContract,
    DeleteDevice,
    DeleteEoX,
    DeleteQuote,
    PutContract,
    PutDevice,
    PutEoX,
    PutQuote,
    inverse,
)
from smartnet_tui.domain.model import Contract, Device, Estate

Key = tuple[str, str]  # ("device", serial) or ("contract", number), ...


def change_key(ch: Change) -> Key:
    """The record a change puts or deletes."""
    match ch:
        case PutDevice(device):
            return ("device", device.serial)
        case DeleteDevice(serial):
            return ("device", serial)
        case PutContract(contract):
            return ("contract", contract.number)
        case DeleteContract(number):
            return ("contract", number)
        case PutEoX(eox):
            return ("eox", eox.pid)
        case DeleteEoX(pid):
            return ("eox", pid)
        case PutQuote(quote):
            return ("quote", quote.name)
        case DeleteQuote(name):
            return ("quote", name)
    raise TypeError(f"not a change: {ch!r}")  # pragma: no cover - exhaustive above


@dataclass(frozen=True)
class Seen:
    """The devices and contracts as a dialog showed them (``None``: not there)."""

    devices: Mapping[str, Device | None] = field(default_factory=dict)
    contracts: Mapping[str, Contract | None] = field(default_factory=dict)

    @classmethod
    def of(cls, estate: Estate, *, serials: Iterable[str] = (),
           contracts: Iterable[str] = ()) -> Seen:
        """Capture these records now (the estate's objects are replaced, never mutated,
        by an edit: keeping the references is a snapshot)."""
        return cls({s: estate.devices.get(s) for s in serials},
                   {n: estate.contracts.get(n) for n in contracts})

    def _restore(self, key: Key) -> Change | None:
        """The change that puts back the record as seen; None when it was not captured."""
        kind, name = key
        if kind == "device" and name in self.devices:
            dev = self.devices[name]
            return PutDevice(dev) if dev is not None else DeleteDevice(name)
        if kind == "contract" and name in self.contracts:
            con = self.contracts[name]
            return PutContract(con) if con is not None else DeleteContract(name)
        return None

    def expected(self, estate: Estate, changes: Iterable[Change]) -> list[Change]:
        """What ``changes`` are based on, for ``Store.apply(expect=...)``: each captured
        record as seen, every other one as it is in ``estate`` now."""
        out: list[Change] = []
        done: set[Key] = set()
        for ch in changes:
            key = change_key(ch)
            if key in done:
                continue
            done.add(key)
            restore = self._restore(key)
            out.extend([restore] if restore is not None else inverse(estate, [ch]))
        return out

    def changed_in(self, estate: Estate) -> list[Key]:
        """The captured records that ``estate`` holds differently now (a colleague's change
        followed while the dialog was open)."""
        keys: list[Key] = [("device", s) for s, d in self.devices.items()
                           if estate.devices.get(s) != d]
        keys += [("contract", n) for n, c in self.contracts.items()
                 if estate.contracts.get(n) != c]
        return keys
