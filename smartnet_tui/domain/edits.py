"""Edits the TUI makes, as domain changes (pure: no Textual, no I/O).

Each function returns the list of changes for :meth:`Store.apply` and
:func:`apply_changes`, or raises :class:`EditError` with a message for the user.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from smartnet_tui.domain.changes import (
    Change,
    DeleteContract,
    DeleteDevice,
    DeleteEoX,
    PutContract,
    PutDevice,
    PutEoX,
)
from smartnet_tui.domain.dates import DateError, DateOrder, parse_date
from smartnet_tui.domain.engine import Analysis
from smartnet_tui.domain.model import (
    CRITICALITIES,
    DEVICE_STATUSES,
    TRIAGE_STATES,
    Contract,
    Device,
    Estate,
    LineSpec,
    Triage,
    normalise_serial,
)
from smartnet_tui.domain.money import AmountError, parse_amount
from smartnet_tui.domain.renewals import pin_contract_triage
from smartnet_tui.domain.serials import one_line_message


class EditError(ValueError):
    """An edit that cannot be made, with a message for the user."""


def check_one_line(field: str, text: str | None) -> None:
    """Refuse an owner or note holding a control character, a line break, a tab or a bidi
    control (:func:`~smartnet_tui.domain.serials.one_line_message`): every way in (the CLI,
    the app's dialogs, data files) builds its edit with this check or checks the same rule."""
    msg = one_line_message(text) if text else None
    if msg is not None:
        raise EditError(f"{field} {msg}")


def _device(estate: Estate, serial: str) -> Device:
    d = estate.devices.get(serial)
    if d is None:
        raise EditError(f"{serial} is not in the inventory")
    return d


def _contract(estate: Estate, number: str) -> Contract:
    c = estate.contracts.get(number)
    if c is None:
        raise EditError(f"contract {number} is not in the database")
    return c


def set_device_status(estate: Estate, serial: str, status: str) -> list[Change]:
    if status not in DEVICE_STATUSES:
        raise EditError(f"status must be one of {', '.join(DEVICE_STATUSES)}")
    return [PutDevice(replace(_device(estate, serial), status=status))]


def set_device_criticality(estate: Estate, serial: str, criticality: str) -> list[Change]:
    if criticality not in CRITICALITIES:
        raise EditError(f"criticality must be one of {', '.join(CRITICALITIES)}")
    return [PutDevice(replace(_device(estate, serial), criticality=criticality))]


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def set_triage(
    estate: Estate, number: str, state: str | None, owner: str = "", note: str = ""
) -> list[Change]:
    c = _contract(estate, number)
    if state is None or state == "":
        return [PutContract(replace(c, triage=None))]
    if state not in TRIAGE_STATES:
        raise EditError(f"triage state must be one of {', '.join(TRIAGE_STATES)}")
    check_one_line("owner", owner)
    check_one_line("note", note)
    triage = Triage(state, owner.strip() or None, note.strip() or None, now_iso())
    return [PutContract(replace(c, triage=triage))]


def parse_day(text: str, what: str, order: DateOrder = DateOrder.MDY) -> date:
    try:
        return parse_date(text.strip(), order)
    except DateError as exc:
        raise EditError(f"{what}: {exc}") from None


def default_renewal_end(end: date | None, today: date) -> date:
    return (end or today) + relativedelta(years=1)


def renew(
    analysis: Analysis,
    number: str,
    new_end: date,
    new_number: str = "",
    start: date | None = None,
) -> list[Change]:
    """Record a renewal: extend this contract to ``new_end``, or, with ``new_number``, a
    new contract covering its serials from the day after its end (``start``)."""
    estate = analysis.estate
    c = _contract(estate, number)
    st = analysis.contract_status.get(number)
    # the most urgent renewal's end (a line with its own earlier end moves alone)
    old_end = (st.renewal_end or st.end) if st is not None else c.end
    new_number = new_number.strip()
    if old_end is not None and new_end <= old_end:
        raise EditError(f"the new end must be after the current end {old_end}")
    if not new_number:
        # Extend the renewal ending old_end (the most urgent one): its own-dated lines, and
        # the contract's end only when its undated lines are in it (a firewall line ending
        # before its contract moves alone). An old contract-level triage stays with the
        # renewal it was for, so the moved end starts at "to review" (issue 8).
        c = pin_contract_triage(c, st.renewals if st is not None else ())
        lines = tuple(
            replace(ln, end=new_end) if ln.status != "terminated" and ln.end == old_end else ln
            for ln in c.lines
        )
        end = new_end if c.end is None or c.end == old_end else c.end
        return [PutContract(replace(c, end=end, lines=lines, status="active"))]
    if new_number in estate.contracts:
        raise EditError(f"contract {new_number} already exists")
    serials = st.serials if st is not None else tuple(ln.serial for ln in c.lines)
    if not serials:
        raise EditError(f"contract {number} has no active lines to renew")
    begin = start or ((old_end + timedelta(days=1)) if old_end else analysis.policy.today)
    if new_end < begin:
        raise EditError(f"the new end {new_end} is before the new start {begin}")
    # Each serial keeps what its line said (level, SKU, cost: exports often give levels
    # only per line); dates come from the new contract.
    latest: dict[str, LineSpec] = {}
    for ln in c.lines:
        if ln.status == "terminated":
            continue
        prev = latest.get(ln.serial)
        if prev is None or (ln.end or c.end or date.min) >= (prev.end or c.end or date.min):
            latest[ln.serial] = ln
    new = Contract(
        number=new_number,
        service_level=c.service_level,
        start=begin,
        end=new_end,
        reseller=c.reseller,
        annual_cost=c.annual_cost,
        currency=c.currency,
        lines=tuple(
            LineSpec(serial=s, service_level=latest[s].service_level, sku=latest[s].sku,
                     annual_cost=latest[s].annual_cost) if s in latest else LineSpec(serial=s)
            for s in serials
        ),
    )
    return [PutContract(new)]


def set_contract_cancelled(estate: Estate, number: str, cancelled: bool) -> list[Change]:
    c = _contract(estate, number)
    return [PutContract(replace(c, status="cancelled" if cancelled else "active"))]


def set_line_terminated(estate: Estate, number: str, index: int, terminated: bool) -> list[Change]:
    c = _contract(estate, number)
    if not 0 <= index < len(c.lines):
        raise EditError(f"contract {number} has no line {index}")
    lines = list(c.lines)
    lines[index] = replace(lines[index], status="terminated" if terminated else "active")
    return [PutContract(replace(c, lines=tuple(lines)))]


def add_device(
    estate: Estate,
    serial: str,
    hostname: str = "",
    pid: str = "",
    site: str = "",
    status: str = "active",
    criticality: str = "normal",
) -> list[Change]:
    serial = normalise_serial(serial)
    if not serial:
        raise EditError("a serial is required")
    if serial in estate.devices:
        raise EditError(f"{serial} is already in the inventory")
    if status not in DEVICE_STATUSES:
        raise EditError(f"status must be one of {', '.join(DEVICE_STATUSES)}")
    if criticality not in CRITICALITIES:
        raise EditError(f"criticality must be one of {', '.join(CRITICALITIES)}")
    return [PutDevice(Device(
        serial=serial, hostname=hostname.strip() or None, pid=pid.strip() or None,
        site=site.strip() or None, status=status, criticality=criticality,
    ))]


def add_contract(
    estate: Estate,
    number: str,
    end: date,
    serials: str = "",
    service_level: str = "",
    start: date | None = None,
    reseller: str = "",
    annual_cost: str = "",
) -> list[Change]:
    number = number.strip()
    if not number:
        raise EditError("a contract number is required")
    if number in estate.contracts:
        raise EditError(f"contract {number} already exists")
    if start is not None and end < start:
        raise EditError(f"the end {end} is before the start {start}")
    cost = None
    if annual_cost.strip():
        try:
            cost = parse_amount(annual_cost)
        except AmountError as exc:
            raise EditError(f"annual cost: {exc}") from None
    seen: dict[str, None] = {}
    for s in serials.replace(",", " ").split():
        seen.setdefault(normalise_serial(s), None)
    return [PutContract(Contract(
        number=number, service_level=service_level.strip() or None, start=start, end=end,
        reseller=reseller.strip() or None, annual_cost=cost,
        lines=tuple(LineSpec(serial=s) for s in seen),
    ))]


def still_applied(estate: Estate, changes: list[Change]) -> bool:
    """Whether the estate still holds what these changes wrote (safe to undo them)."""
    for ch in changes:
        match ch:
            case PutDevice(device):
                if estate.devices.get(device.serial) != device:
                    return False
            case PutContract(contract):
                if estate.contracts.get(contract.number) != contract:
                    return False
            case PutEoX(eox):
                if estate.eox.get(eox.pid) != eox:
                    return False
            case DeleteDevice(serial):
                if serial in estate.devices:
                    return False
            case DeleteContract(number):
                if number in estate.contracts:
                    return False
            case DeleteEoX(pid):
                if pid in estate.eox:
                    return False
    return True
