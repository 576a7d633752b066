"""Edits as values: the store persists them, the estate applies them, undo inverts them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from smartnet_tui.domain.model import Contract, Device, EoX, Estate
from smartnet_tui.domain.quotes import Quote


@dataclass(frozen=True, slots=True)
class PutDevice:
    device: Device


@dataclass(frozen=True, slots=True)
class DeleteDevice:
    serial: str


@dataclass(frozen=True, slots=True)
class PutContract:
    contract: Contract


@dataclass(frozen=True, slots=True)
class DeleteContract:
    number: str


@dataclass(frozen=True, slots=True)
class PutEoX:
    eox: EoX


@dataclass(frozen=True, slots=True)
class DeleteEoX:
    pid: str


@dataclass(frozen=True, slots=True)
class PutQuote:
    quote: Quote


@dataclass(frozen=True, slots=True)
class DeleteQuote:
    name: str


Change = (PutDevice | DeleteDevice | PutContract | DeleteContract | PutEoX | DeleteEoX
          | PutQuote | DeleteQuote)


def apply_changes(estate: Estate, changes: Iterable[Change]) -> tuple[set[str], set[str]]:
    """Apply changes to the estate; return the serials and contracts they touched."""
    serials: set[str] = set()
    contracts: set[str] = set()
    for ch in changes:
        match ch:
            case PutDevice(device):
                serials |= estate.put_device(device)
            case DeleteDevice(serial):
                serials |= estate.remove_device(serial)
            case PutContract(contract):
                serials |= estate.put_contract(contract)
                contracts.add(contract.number)
            case DeleteContract(number):
                serials |= estate.remove_contract(number)
                contracts.add(number)
            case PutEoX(eox):
                serials |= estate.put_eox(eox)
            case DeleteEoX(pid):
                serials |= estate.remove_eox(pid)
            case PutQuote(quote):
                serials |= estate.put_quote(quote)
            case DeleteQuote(name):
                serials |= estate.remove_quote(name)
    return serials, contracts


def inverse(estate: Estate, changes: Iterable[Change]) -> list[Change]:
    """The changes that undo ``changes``, computed from the estate *before* they apply."""
    out: list[Change] = []
    for ch in changes:
        match ch:
            case PutDevice(device):
                old = estate.devices.get(device.serial)
                out.append(PutDevice(old) if old else DeleteDevice(device.serial))
            case DeleteDevice(serial):
                old = estate.devices.get(serial)
                if old:
                    out.append(PutDevice(old))
            case PutContract(contract):
                old_c = estate.contracts.get(contract.number)
                out.append(PutContract(old_c) if old_c else DeleteContract(contract.number))
            case DeleteContract(number):
                old_c = estate.contracts.get(number)
                if old_c:
                    out.append(PutContract(old_c))
            case PutEoX(eox):
                old_e = estate.eox.get(eox.pid)
                out.append(PutEoX(old_e) if old_e else DeleteEoX(eox.pid))
            case DeleteEoX(pid):
                old_e = estate.eox.get(pid)
                if old_e:
                    out.append(PutEoX(old_e))
            case PutQuote(quote):
                old_q = estate.quotes.get(quote.name)
                out.append(PutQuote(old_q) if old_q else DeleteQuote(quote.name))
            case DeleteQuote(name):
                old_q = estate.quotes.get(name)
                if old_q:
                    out.append(PutQuote(old_q))
    out.reverse()
    return out
