"""A fetch from Cisco's Support APIs is an import: the answers go through the readers of
saved answers (:mod:`cisco_api`), the same all-or-nothing plan and the same write as a
file import, in one journal entry that names the source.

Nothing here talks to the network: :mod:`cisco_fetch` brings the answers; this plans
and writes them. The CLI (``smartnet fetch``) and the app use the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from smartnet_tui.domain.dates import DateOrder
from smartnet_tui.domain.model import Estate, normalise_serial
from smartnet_tui.gcpause import bulk_allocation
from smartnet_tui.imports import cisco_api
from smartnet_tui.imports.cisco_fetch import Answer
from smartnet_tui.imports.diff import change_counts
from smartnet_tui.imports.parsed import Parsed, Problem
from smartnet_tui.imports.planner import (
    ImportResult,
    estate_for_plan,
    orphan_serials,
    plan_changes,
)
from smartnet_tui.imports.sources import SourceError, check_strings
from smartnet_tui.store.db import Stamp, Store

ACTION = "fetch"
FORMATS = {"sn2info": "cisco sn2info api", "eox": "cisco eox api"}


def serials_to_fetch(estate: Estate, given: Sequence[str]) -> list[str]:
    """The serials named (normalised, each once), or every device in the inventory."""
    if given:
        return list(dict.fromkeys(s for s in (normalise_serial(x) for x in given) if s))
    return list(estate.devices)


def source_label(base_url: str, coverage: bool, eox: bool, serials: int) -> str:
    apis = " and ".join(n for n, on in (("SN2INFO coverage", coverage), ("EoX", eox)) if on)
    return f"Cisco Support APIs at {base_url}: {apis} of {serials:,} serial{'s' * (serials != 1)}"


def parse_answers(answers: Sequence[Answer], order: DateOrder, today: date) -> Parsed:
    """Every answer read like a saved answer file named after its call."""
    parsed = Parsed(whole_tables=set())
    with bulk_allocation():
        for a in answers:
            parsed.files.append(a.name)
            parsed.formats[a.name] = FORMATS[a.kind]
            try:  # the same field checks as a saved answer read from a file
                check_strings(a.doc)
            except SourceError as exc:
                parsed.errors.append(Problem(a.name, exc.path, str(exc)))
                continue
            if a.kind == "sn2info":
                cisco_api.parse_sn2info(parsed, a.name, a.doc, order, today)
            else:
                cisco_api.parse_eox_api(parsed, a.name, a.doc, order, today)
    return parsed


@dataclass
class FetchPlan:
    """Fetched answers planned against the database (a dry run), for confirmation."""

    answers: list[Answer]
    source: str
    add_devices: bool
    result: ImportResult
    stamp: Stamp | None  # the database file's stamp taken before the plan read it
    note: str = ""

    action: str = ACTION


def plan_fetch(store: Store, answers: Sequence[Answer], *, source: str, add_devices: bool,
               order: DateOrder, today: date, detail: dict[str, Any] | None = None) -> FetchPlan:
    """Read and plan the answers (writes nothing)."""
    stamp = store.stamp()
    parsed = parse_answers(answers, order, today)
    if parsed.errors:
        return FetchPlan(list(answers), source, add_devices, ImportResult(parsed, [], None), stamp)
    with bulk_allocation():
        estate = estate_for_plan(store, parsed)  # only the records the answers name
        changes = plan_changes(estate, parsed, False, add_devices)
        orphans = [] if add_devices else orphan_serials(estate, parsed)
    summary: dict[str, Any] = {
        "files": [source],  # what `smartnet history` shows after the action
        "source": source,
        **(detail or {}),
        "formats": sorted({FORMATS[a.kind] for a in answers}),
        "add_devices": add_devices,
        "counts": parsed.counts(),
        "changed": change_counts(estate, changes),
    }
    if orphans:
        summary["not_in_inventory"] = len(orphans)
    result = ImportResult(parsed, changes, None, estate, orphans, summary)
    return FetchPlan(list(answers), source, add_devices, result, stamp)


def write_fetch(store: Store, plan: FetchPlan, order: DateOrder, today: date
                ) -> tuple[dict[str, Any] | None, FetchPlan | None]:
    """Write a confirmed plan: ``(entry, None)`` written (``entry`` None when there was
    nothing to change), or ``(None, new_plan)`` when another writer changed the database
    since the preview and the plan is different now (confirm it again)."""
    for _ in range(3):
        if not plan.result.changes:
            return None, None
        with store.locked():  # re-entrant: Store.apply takes it again (a bounded wait, said)
            if store.stamp() == plan.stamp:
                with bulk_allocation():
                    entry = store.apply(plan.result.changes, plan.action, plan.result.summary)
                plan.result.entry = entry
                return entry, None
        detail = {k: v for k, v in plan.result.summary.items()
                  if k not in ("files", "source", "formats", "add_devices", "counts", "changed",
                               "not_in_inventory")}
        new = plan_fetch(store, plan.answers, source=plan.source, add_devices=plan.add_devices,
                         order=order, today=today, detail=detail)
        new.action = plan.action
        if new.result.errors or new.result.changes != plan.result.changes:
            new.note = ("The database changed since the preview (another writer): "
                        "this is the fetch planned again.")
            return None, new
        plan = new
    return None, plan
