"""Planning an import and writing it: the one path the CLI, the app's import dialog and
its file watch all take.

All or nothing: the files are read and validated (:func:`~smartnet_tui.imports.parse.parse_files`);
if any has an error, nothing is written. Otherwise the changes are planned against what
is stored (:func:`plan_changes`) and written in one locked, atomic, journaled store write.
Exports describe *lines of contracts* (a :class:`LineSet` per contract number) rather
than whole contracts: the planner merges them into what is stored, so the contract keeps
what the export does not carry (reseller, cost, triage).

The words a user reads about an import (what was read, what would change, the serials
not in the inventory) are written here once, for the CLI and the dialog alike.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from smartnet_tui.domain.changes import (
    Change,
    DeleteContract,
    DeleteDevice,
    DeleteEoX,
    PutContract,
    PutDevice,
    PutEoX,
)
from smartnet_tui.domain.dates import DateOrder
from smartnet_tui.domain.model import Contract, Device, EoX, Estate, LineSpec
from smartnet_tui.domain.service_levels import normalise_service_level
from smartnet_tui.gcpause import bulk_allocation
from smartnet_tui.imports.cisco_api import resolve as resolve_api_answers
from smartnet_tui.imports.diff import change_counts, describe_changes, describe_records, summary_line
from smartnet_tui.imports.parse import parse_files
from smartnet_tui.imports.parsed import TOP_KEYS, LineSet, Parsed, Problem, Progress
from smartnet_tui.store.db import Stamp, Store


# ------------------------------------------------------------------------ changes
def plan_changes(
    estate: Estate, parsed: Parsed, replace_all: bool = False, add_devices: bool = False
) -> list[Change]:
    """Upsert by key; with ``replace_all`` also delete what the files do not hold.

    A contract's triage (set in the app, not in source files) survives a re-import unless
    the file gives one. Records already stored as given produce no change. Exports'
    line sets are merged into the stored contract (see :class:`LineSet`); lifecycle dates
    from export columns fill in the pid's EoX row; ``add_devices`` adds the serials of
    exports that the inventory does not know yet. ``replace_all`` deletes only from the
    tables the files describe whole (a data file: all; a contract-line export: contracts;
    an inventory table: devices).
    """
    resolve_api_answers(estate, parsed)  # Cisco coverage without a contract, pids by serial
    changes: list[Change] = []
    for serial, dev in parsed.devices.items():
        if estate.devices.get(serial) != dev:
            changes.append(PutDevice(dev))
    added: set[str] = set()
    if add_devices:
        for serial, (pid, hostname, site) in parsed.new_devices.items():
            if serial not in estate.devices and serial not in parsed.devices:
                changes.append(PutDevice(Device(serial, pid, hostname, site)))
                added.add(serial)
    for number, c in parsed.contracts.items():
        old = estate.contracts.get(number)
        if old is not None and c.triage is None and old.triage is not None:
            c = replace(c, triage=old.triage)
        if old is not None and not c.renewal_triage and old.renewal_triage:
            c = replace(c, renewal_triage=old.renewal_triage)  # kept, as the triage is
        if old != c:
            changes.append(PutContract(c))
    by_digits: dict[str, list[str]] | None = None
    matched: set[str] = set()
    for number, ls in parsed.line_sets.items():
        old = estate.contracts.get(number)
        if old is None and number not in parsed.contracts:
            # Exports spell one contract 0093425688 (Service Contract Center), 93425688
            # (the API) or as a number cell in Excel: match a stored one on its digits.
            if by_digits is None:
                by_digits = {}
                for n in estate.contracts:
                    by_digits.setdefault(n.lstrip("0"), []).append(n)
            same = by_digits.get(number.lstrip("0"), [])
            if len(same) == 1 and same[0] not in parsed.line_sets and same[0] not in parsed.contracts:
                old = estate.contracts[same[0]]
                ls = replace(ls, number=old.number)
                matched.add(old.number)
        c = merge_line_set(old, ls)
        if old != c:
            changes.append(PutContract(c))
    for pid, e in parsed.eox.items():
        if estate.eox.get(pid) != e:
            changes.append(PutEoX(e))
    for pid, dates in parsed.eox_updates.items():
        if pid in parsed.eox:
            continue
        old_e = estate.eox.get(pid)
        given: dict[str, Any] = dict(dates)  # lifecycle date fields of EoX, by name
        new_e = replace(old_e, **given) if old_e is not None else EoX(pid, **given)
        if new_e != old_e:
            changes.append(PutEoX(new_e))
    if replace_all:
        whole = set(TOP_KEYS) if parsed.whole_tables is None else parsed.whole_tables
        if "devices" in whole:
            changes.extend(DeleteDevice(s) for s in estate.devices
                           if s not in parsed.devices and s not in added)
        if "contracts" in whole:
            changes.extend(DeleteContract(n) for n in estate.contracts
                           if n not in parsed.contracts and n not in parsed.line_sets
                           and n not in matched)
        if "eox" in whole:
            changes.extend(DeleteEoX(p) for p in estate.eox
                           if p not in parsed.eox and p not in parsed.eox_updates)
    return changes


def merge_line_set(old: Contract | None, ls: LineSet) -> Contract:
    """The contract after an export's lines: new, or the stored one with these lines."""
    if old is None:
        return Contract(number=ls.number, service_level=ls.service_level, lines=ls.lines,
                        reseller=ls.reseller, currency=ls.currency)
    if ls.merge:
        given = {ln.serial: ln for ln in ls.lines}
        lines: list[LineSpec] = []
        for ln in old.lines:
            new = given.pop(ln.serial, None)
            if new is None:
                lines.append(ln)
            else:  # what the answer does not say (a start, a SKU) stays as it was
                lines.append(replace(
                    new, start=new.start or ln.start, sku=new.sku or ln.sku,
                    annual_cost=new.annual_cost if new.annual_cost is not None else ln.annual_cost,
                    service_level=new.service_level or ln.service_level,
                    extra={**ln.extra, **new.extra}))
        lines.extend(given.values())
        level = old.service_level or ls.service_level
    else:
        lines = list(ls.lines)
        level = ls.service_level or old.service_level
        if level != old.service_level and old.service_level and level and _same_level(old.service_level, level):
            level = old.service_level  # SNTP as the admin wrote it and SNTC-24X7X4 are one level
    return replace(old, lines=tuple(lines), service_level=level,
                   reseller=ls.reseller or old.reseller, currency=ls.currency or old.currency)


def _same_level(a: str, b: str) -> bool:
    la, lb = normalise_service_level(a), normalise_service_level(b)
    return la.known and lb.known and la.code == lb.code


def orphan_serials(estate: Estate, parsed: Parsed) -> list[str]:
    """Serials on the imported lines that the inventory does not hold (and the files do
    not add): what --add-devices would add."""
    devices, listed = estate.devices, parsed.devices
    out: dict[str, None] = {}  # in the files' order (no sort of 200k serials)
    for ls in parsed.line_sets.values():
        for ln in ls.lines:
            if ln.serial not in devices and ln.serial not in listed:
                out[ln.serial] = None
    return list(out)


@dataclass
class ImportResult:
    parsed: Parsed
    changes: list[Change]
    entry: dict[str, Any] | None  # the journal entry written, None if nothing was written
    before: Estate | None = None  # the estate the changes were planned against
    orphans: list[str] = field(default_factory=list)  # serials not in the inventory
    summary: dict[str, Any] = field(default_factory=dict)  # what the journal records

    @property
    def errors(self) -> list[Problem]:
        return self.parsed.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.parsed.warnings


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    replace_all: bool = False,
    order: DateOrder = DateOrder.MDY,
    dry_run: bool = False,
    action: str = "import",
    add_devices: bool = False,
    sheet: str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Parse, validate and (unless there is any error, or dry_run) write in one go.

    The files are read without the lock; the changes are planned under it, against the
    database as it is then, and written before it is released: whatever another process
    saved meanwhile (a triage, another import's lines) is planned around, never reverted.
    """
    parsed = parse_files(paths, order, sheet=sheet, progress=progress, today=today)
    if parsed.errors:
        return ImportResult(parsed, [], None)
    if dry_run:
        return _plan(store, paths, parsed, replace_all, add_devices, sheet)
    with store.locked():
        result = _plan(store, paths, parsed, replace_all, add_devices, sheet)
        if result.changes:
            with bulk_allocation():
                result.entry = store.apply(result.changes, action + (" --replace" if replace_all else ""),
                                           result.summary)
    return result


# More keys named than this: the whole estate. Measured at 100,000 devices / 300,000 lines
# (the whole estate 1.4-1.9 s): only the records named took 0.06 s for one device, 0.29 s
# for 20,000, 0.64 s for all 100,000 devices, 0.88 s for 300 of the 750 contracts; for the
# whole estate named (a re-import) 1.6-1.9 s, no gain left.
PARTIAL_PLAN_MAX_KEYS = 50_000


def estate_for_plan(store: Store, parsed: Parsed, replace_all: bool = False) -> Estate:
    """What ``plan_changes(estate, parsed)`` (and the words about its changes, its
    orphans) needs of the database: only the records the files name when that is the
    same plan, else the whole estate.

    The plan looks records up by the keys the files give (a device, a contract, an EoX
    row; a line's serial in the inventory, for orphans and --add-devices), except in
    two places, both served by key too: a contract an export spells without its leading
    zeros is matched on its digits (the stored numbers with those digits are loaded),
    and a Cisco coverage status without a contract updates the latest stored line of its
    serial (every contract listing the serial is loaded, whole). ``--replace`` deletes
    what the files do not name: it needs everything, as does a file the store cannot
    read by line (``Store.load_records`` says None). tests/imports/test_partial_plan.py
    plans imports both ways and compares."""
    if replace_all:
        return store.load()
    devices = parsed.devices.keys() | parsed.new_devices.keys() | parsed.serial_pids.keys()
    devices |= parsed.coverage_status.keys()
    for ls in parsed.line_sets.values():
        devices.update(ln.serial for ln in ls.lines)
    contracts = parsed.contracts.keys() | parsed.line_sets.keys()
    digits = {n.lstrip("0") for n in parsed.line_sets if n not in parsed.contracts}
    eox = parsed.eox.keys() | parsed.eox_updates.keys()
    on_lines = set(parsed.coverage_status)
    if len(devices) + len(contracts) + len(digits) + len(eox) + len(on_lines) > PARTIAL_PLAN_MAX_KEYS:
        return store.load()  # most of the estate: the whole of it costs no more
    estate = store.load_records(devices, contracts, eox, contract_digits=digits,
                                serials_on_lines=on_lines)
    return estate if estate is not None else store.load()


def _plan(store: Store, paths: Sequence[Path], parsed: Parsed, replace_all: bool,
          add_devices: bool, sheet: str | None) -> ImportResult:
    """The changes ``parsed`` makes to the database as stored now (writes nothing)."""
    with bulk_allocation():
        estate = estate_for_plan(store, parsed, replace_all)
        changes = plan_changes(estate, parsed, replace_all, add_devices)
        orphans = [] if add_devices else orphan_serials(estate, parsed)
    detail: dict[str, Any] = {
        "files": [str(p) for p in paths],
        "formats": {str(p): parsed.formats.get(str(p), "?") for p in paths},
        "replace": replace_all,
        "add_devices": add_devices,
        "counts": parsed.counts(),
        "changed": change_counts(estate, changes),
    }
    if sheet:
        detail["sheet"] = sheet
    if orphans:
        detail["not_in_inventory"] = len(orphans)
    return ImportResult(parsed, changes, None, estate, orphans, detail)


# ------------------------------------------------------------------------ a previewed plan
FileStamp = tuple[int, int, int] | None


def source_stamps(paths: Sequence[Path]) -> dict[str, FileStamp]:
    """(mtime, size, inode) of each source file: a preview is valid while they hold."""
    out: dict[str, FileStamp] = {}
    for p in paths:
        try:
            st = os.stat(p)
            out[str(p)] = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            out[str(p)] = None
    return out


@dataclass
class ImportPlan:
    """A dry run of an import: what would be written, and against which database state."""

    paths: list[Path]
    replace_all: bool
    add_devices: bool
    result: ImportResult
    stamp: Stamp | None  # the database file's stamp taken before the plan read it
    action_name: str = "import"
    note: str = ""  # why this preview is shown (again)
    sources: dict[str, FileStamp] = field(default_factory=dict)  # the files' stamps, before

    @property
    def action(self) -> str:
        return self.action_name + (" --replace" if self.replace_all else "")


def plan_import(
    store: Store,
    paths: Sequence[Path],
    replace_all: bool,
    add_devices: bool,
    order: DateOrder,
    today: date,
    progress: Progress | None = None,
    action: str = "import",
) -> ImportPlan:
    """Parse, validate and plan (blocking). Writes nothing."""
    sources = source_stamps(paths)
    stamp = store.stamp()
    result = import_files(store, paths, replace_all=replace_all, order=order, dry_run=True,
                          add_devices=add_devices, progress=progress, today=today)
    return ImportPlan(list(paths), replace_all, add_devices, result, stamp, action,
                      sources=sources)


def write_import(
    store: Store, plan: ImportPlan, order: DateOrder, today: date
) -> tuple[dict[str, Any] | None, ImportPlan | None]:
    """Write a confirmed plan (blocking), deciding under the lock.

    Returns ``(entry, None)``: written (``entry`` None when the database already held
    it all), or ``(None, new_plan)``: the database or a source file changed since the
    preview and the plan made again (under the lock) differs, so it must be confirmed
    again. Raises StoreError.
    """
    with store.locked():
        db_same = store.stamp() == plan.stamp
        files_same = not plan.sources or source_stamps(plan.paths) == plan.sources
        if db_same and files_same:
            if not plan.result.changes:
                return None, None
            return store.apply(plan.result.changes, plan.action, plan.result.summary), None
        new = plan_import(store, plan.paths, plan.replace_all, plan.add_devices, order, today,
                          action=plan.action_name)
        if new.result.errors or new.result.changes != plan.result.changes:
            new.note = ("The database changed since the preview (another writer): "
                        "this is the import planned again." if files_same else
                        "A file changed since the preview: this is the import planned again.")
            return None, new
        if not new.result.changes:
            return None, None
        return store.apply(new.result.changes, new.action, new.result.summary), None


# ------------------------------------------------------------------------ in words
def read_line(parsed: Parsed) -> str:
    """'read 4 devices, 2 contracts (10 lines), 0 EoX rows from csv': what the files hold."""
    counts = parsed.counts()
    lines = f" ({counts['lines']:,} lines)" if parsed.line_sets else ""
    out = (f"read {counts['devices']:,} devices, {counts['contracts']:,} contracts{lines}, "
           f"{counts['eox']:,} EoX rows")
    formats = sorted(set(parsed.formats.values()) - {"yaml", "json"})
    if formats:
        out += f" from {', '.join(formats)}"
    modules = sum(st.get("modules", 0) for st in parsed.stats.values())
    if modules:
        out += (f"; {modules:,} module{'s' * (modules != 1)} folded under "
                f"{'their chassis' if modules != 1 else 'its chassis'}")
    return out


def changed_line(result: ImportResult) -> str:
    """'3 lines added, 1 end date moved' (or 'no changes'): what the plan changes."""
    return summary_line(result.summary.get("changed", {}))


def outcome_line(result: ImportResult, dry_run: bool) -> str:
    """One line: what was read and what it changes (or would change)."""
    read = read_line(result.parsed)
    if dry_run:
        return (f"dry run: {read}; would change: {changed_line(result)}" if result.changes
                else f"dry run: {read}; nothing would change")
    if result.entry is None:
        return f"{read}; the database already holds exactly this"
    return f"{read}; changed (journal entry {result.entry['id']}): {changed_line(result)}"


def change_lines(result: ImportResult, limit: int = 50) -> list[str]:
    """Every change of the import described, one line each ('+ 2 devices added: ...')."""
    if result.entry is not None:  # the journal entry holds every record as stored
        return describe_records(result.entry["changes"], limit)
    if result.before is None:  # nothing was planned (the files have errors)
        return []
    return describe_changes(result.before, result.changes, limit)


def orphans_line(orphans: Sequence[str], add_option: str) -> str:
    """The serials on imported lines that the inventory does not hold, and the option
    (``--add-devices``, ``'Add devices'``) that adds them."""
    n = len(orphans)
    names = ", ".join(orphans[:5]) + (", ..." if n > 5 else "")
    return (f"{n:,} serial{'s' * (n != 1)} on these lines {'are' if n != 1 else 'is'} not in "
            f"the inventory ({names}): they show as orphans; {add_option} adds them")
