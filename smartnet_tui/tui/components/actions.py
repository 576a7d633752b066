"""Edit flows: open the dialog, validate, build the changes, hand them to the app.

The keys of the device and contract edits are bound here once, with one binding id each,
and used by both the tables and the detail screens: a keymap remaps them everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from textual.binding import Binding

from smartnet_tui.domain import edits
from smartnet_tui.domain.basis import Seen
from smartnet_tui.domain.changes import Change, PutContract
from smartnet_tui.domain.edits import EditError, check_one_line
from smartnet_tui.domain.model import CRITICALITIES, DEVICE_STATUSES, TRIAGE_STATES, Estate
from smartnet_tui.domain.worklist import set_renewal_triage, triage_state
from smartnet_tui.store.db import current_user
from smartnet_tui.tui.components.dialogs import ChoiceModal, ConfirmModal, Field, FormModal
from smartnet_tui.tui.table_sources import fmt_date

if TYPE_CHECKING:
    from smartnet_tui.tui.app import SmartnetApp

DEVICE_STATUS = Binding("s", "status", "Status", id="device.status",
                        tooltip="Change the device's status (active, spare, decommissioned)")
DEVICE_CRITICALITY = Binding("c", "criticality", "Criticality", id="device.criticality",
                             tooltip="Change the device's criticality")
CONTRACT_TRIAGE = Binding("t", "triage", "Triage", id="contract.triage",
                          tooltip="Set the triage state, owner and note")
CONTRACT_RENEW = Binding("r", "renew", "Renew", id="contract.renew",
                         tooltip="Record a renewal: a new end date, or a new contract")
CONTRACT_CANCEL = Binding("x", "cancel", "Cancel", show=False, id="contract.cancel",
                          tooltip="Cancel the contract (or reactivate a cancelled one)")


def validator(build: Callable[[dict[str, str]], object]) -> Callable[[dict[str, str]], str | None]:
    """A form's check: the message of the EditError ``build`` raises, or None."""

    def validate(values: dict[str, str]) -> str | None:
        try:
            build(values)
        except edits.EditError as exc:
            return str(exc)
        return None

    return validate


def _submit(app: SmartnetApp, build: Callable[[], list[Change]], label: str,
            seen: Seen | None = None) -> None:
    """Build and submit an edit; ``seen``: the records the dialog showed when it opened,
    what the save is checked against (a colleague's change since is never overwritten)."""
    try:
        changes = build()
    except edits.EditError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    app.submit(changes, label, seen=seen)


def _estate(app: SmartnetApp) -> Estate:
    """The estate as it is when a dialog closes (a reload may have replaced it since)."""
    assert app.estate is not None  # dialogs open only once the data is loaded
    return app.estate


def _edit_device_choice(app: SmartnetApp, serial: str, field: str, title: str,
                        choices: tuple[str, ...],
                        setter: Callable[[Estate, str, str], list[Change]]) -> None:
    """Pick one of ``choices`` for a device field; save only a real change."""
    if app.estate is None or serial not in app.estate.devices:
        app.notify(f"{serial} is not in the inventory", severity="warning", markup=False)
        return
    current = getattr(app.estate.devices[serial], field)
    seen = Seen.of(app.estate, serials=[serial])

    def done(value: str | None) -> None:
        if value and value != current:
            _submit(app, lambda: setter(_estate(app), serial, value),
                    f"{serial} {field} {current} -> {value}", seen)

    app.push_screen(ChoiceModal(f"{title} of {serial}", choices, current), done)


def edit_device_status(app: SmartnetApp, serial: str) -> None:
    _edit_device_choice(app, serial, "status", "Status", DEVICE_STATUSES, edits.set_device_status)


def edit_device_criticality(app: SmartnetApp, serial: str) -> None:
    _edit_device_choice(app, serial, "criticality", "Criticality", CRITICALITIES,
                        edits.set_device_criticality)


def edit_triage(app: SmartnetApp, number: str) -> None:
    """`t` on a contract: the triage of its first renewal in worklist order (triage belongs
    to a renewal; a contract-level triage of an older data file applies to that renewal)."""
    if app.analysis is None or number not in app.analysis.estate.contracts:
        return
    status = app.analysis.contract_status.get(number)
    first = status.renewals[0] if status is not None and status.renewals else None
    if first is None:
        app.notify(f"contract {number} has no renewal to triage (cancelled, or every line "
                   "terminated)", severity="warning", markup=False)
        return
    edit_renewal_triage(app, (number, first.end))


# ------------------------------------------------------------------ the triage dialog
def edit_renewal_triage(app: SmartnetApp, key: tuple[str, date]) -> None:
    """Open the triage dialog of renewal ``key`` and save what is chosen.

    The contract record shown when the dialog opens is what the edit is based on: if it
    changed since (another admin's triage followed in meanwhile), nothing is saved and the
    user is told; and the write itself is checked against it under the database lock
    (``Store.apply``'s ``expect``, through the app's submit), so a change another process
    wrote but the app has not followed yet is not overwritten either.
    """
    analysis = app.analysis
    number, end = key
    renewal = analysis.renewal(number, end) if analysis is not None else None
    if analysis is None or renewal is None:
        app.notify(f"contract {number} has no renewal ending {end} any more", severity="warning",
                   markup=False)
        return
    shown = analysis.estate.contracts[number]
    tr = renewal.triage
    fields = [
        Field("state", "State", tr.state, choices=TRIAGE_STATES),
        Field("owner", "Owner (empty: nobody)", tr.owner or "", "who works on it"),
        Field("note", "Note (empty: none)", tr.note or "", "quote number, decision, ..."),
    ]

    def build(values: dict[str, str]) -> list[Change]:
        # built on the data as it is now; the write is checked against ``shown`` (what the
        # dialog showed) under the lock, so a colleague's triage since is never overwritten
        a = app.analysis
        if a is None:
            raise EditError("the data is not loaded")
        at = datetime.now().astimezone().isoformat(timespec="seconds")
        return set_renewal_triage(a, number, triage_state(values["state"]), end=end,
                                  owner=values["owner"], note=values["note"],
                                  user=current_user(), at=at)

    def validate(values: dict[str, str]) -> str | None:
        try:
            triage_state(values["state"])
            check_one_line("owner", values["owner"])  # said in the dialog, kept open
            check_one_line("note", values["note"])
        except EditError as exc:
            return str(exc)
        return None

    def done(values: dict[str, str] | None) -> None:
        if values is None:
            return
        try:
            changes = build(values)
        except EditError as exc:
            app.notify(str(exc), title="not saved", severity="error", timeout=10, markup=False)
            return
        put = changes[0]
        new = put.contract.triage_for(end) if isinstance(put, PutContract) else None
        if new is not None and (new.state, new.owner, new.note) == (tr.state, tr.owner, tr.note):
            return  # nothing changed: nothing to save or undo
        app.submit(changes, f"triage {number} ending {end} -> {values['state']}",
                   seen=Seen({}, {number: shown}))

    app.push_screen(FormModal(f"Triage {number}, renewal ending {end}", fields, validate), done)


def renew_contract(app: SmartnetApp, number: str) -> None:
    a = app.analysis
    if a is None or number not in a.estate.contracts:
        return
    st = a.contract_status.get(number)
    end = (st.renewal_end or st.end) if st else None  # what renew() extends
    proposal = edits.default_renewal_end(end, a.policy.today)
    seen = Seen.of(a.estate, contracts=[number])
    order = app.settings.date_order

    def parse(values: dict[str, str]) -> list[Change]:
        new_end = edits.parse_day(values["end"], "new end", order)
        start = edits.parse_day(values["start"], "start", order) if values["start"].strip() else None
        return edits.renew(a, number, new_end, values["number"], start)

    fields = [
        Field("end", "New end date", fmt_date(proposal), "YYYY-MM-DD"),
        Field("number", "New contract number (empty: extend this contract)", "", "optional"),
        Field("start", "Start of the new contract (empty: the day after the end)", "", "optional"),
    ]

    def done(values: dict[str, str] | None) -> None:
        if values is None:
            return
        what = f"renew {number}" + (f" as {values['number'].strip()}" if values["number"].strip() else "")
        _submit(app, lambda: parse(values), f"{what} to {values['end'].strip()}", seen)

    app.push_screen(FormModal(f"Renew contract {number} (ends {fmt_date(end) or '?'})", fields,
                              validator(parse)), done)


def cancel_contract(app: SmartnetApp, number: str) -> None:
    if app.estate is None or number not in app.estate.contracts:
        return
    cancelled = app.estate.contracts[number].status == "cancelled"
    seen = Seen.of(app.estate, contracts=[number])
    if cancelled:
        title, msg = f"Reactivate contract {number}?", "It will count for coverage and alerts again."
    else:
        title = f"Cancel contract {number}?"
        msg = "Its lines stop counting for coverage: devices it covers may lapse. (u undoes it.)"

    def done(yes: bool | None) -> None:
        if yes:
            _submit(app, lambda: edits.set_contract_cancelled(_estate(app), number, not cancelled),
                    f"{'reactivate' if cancelled else 'cancel'} {number}", seen)

    app.push_screen(ConfirmModal(title, msg), done)


def terminate_line(app: SmartnetApp, number: str, index: int) -> None:
    if app.estate is None or number not in app.estate.contracts:
        return
    c = app.estate.contracts[number]
    if not 0 <= index < len(c.lines):
        return
    spec = c.lines[index]
    terminated = spec.status == "terminated"
    verb = "Reactivate" if terminated else "Terminate"
    seen = Seen.of(app.estate, contracts=[number])

    def done(yes: bool | None) -> None:
        if yes:
            _submit(app, lambda: edits.set_line_terminated(_estate(app), number, index, not terminated),
                    f"{verb.lower()} line {spec.serial} of {number}", seen)

    app.push_screen(ConfirmModal(f"{verb} the line for {spec.serial} on contract {number}?",
                                 "A terminated line no longer covers the device."), done)


def add_device(app: SmartnetApp, serial: str = "") -> None:
    """The add-a-device form (``serial`` filled in, e.g. from the palette's unknown serial)."""
    if app.estate is None:
        return
    fields = [
        Field("serial", "Serial", serial, "required"),
        Field("hostname", "Hostname"),
        Field("pid", "PID", "", "e.g. C9300-48P"),
        Field("site", "Site"),
        Field("status", "Status", "active", choices=DEVICE_STATUSES),
        Field("criticality", "Criticality", "normal", choices=CRITICALITIES),
    ]

    def build(v: dict[str, str]) -> list[Change]:
        return edits.add_device(_estate(app), v["serial"], v["hostname"], v["pid"], v["site"],
                                v["status"], v["criticality"])

    def done(v: dict[str, str] | None) -> None:
        if v is not None:
            _submit(app, lambda: build(v), f"add device {v['serial'].strip().upper()}")

    app.push_screen(FormModal("Add a device", fields, validator(build)), done)


def add_contract(app: SmartnetApp) -> None:
    if app.estate is None:
        return
    order = app.settings.date_order
    fields = [
        Field("number", "Contract number", "", "required"),
        Field("service_level", "Service level", "", "SNTP, 24x7x4, CON-SNT-..."),
        Field("start", "Start", "", "YYYY-MM-DD (optional)"),
        Field("end", "End", "", "YYYY-MM-DD (required)"),
        Field("reseller", "Reseller"),
        Field("annual_cost", "Annual cost"),
        Field("serials", "Serials (space or comma separated)"),
    ]

    def build(v: dict[str, str]) -> list[Change]:
        if not v["end"].strip():
            raise edits.EditError("an end date is required")
        end = edits.parse_day(v["end"], "end", order)
        start = edits.parse_day(v["start"], "start", order) if v["start"].strip() else None
        return edits.add_contract(_estate(app), v["number"], end, v["serials"], v["service_level"],
                                  start, v["reseller"], v["annual_cost"])

    def done(v: dict[str, str] | None) -> None:
        if v is not None:
            _submit(app, lambda: build(v), f"add contract {v['number'].strip()}")

    app.push_screen(FormModal("Add a contract", fields, validator(build)), done)
