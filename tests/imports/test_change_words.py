"""What a change says in the history (`H`, ``smartnet history``) and in import previews:
nested values (a renewal's triage, a quote's lines, EoX fields) in words, field by field,
only what changed, whole, never a Python dict or a value cut mid-field."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from smartnet_tui.domain.changes import PutContract, PutEoX
from smartnet_tui.domain.model import Contract, EoX, Estate, LineSpec, Triage, TriageEvent
from smartnet_tui.imports.diff import describe_changes, describe_records

NOTE = "PO 4500187342 for the devices left off; new contract number awaited"
EV1 = {"at": "2026-11-02T10:04:00+08:00", "user": "wei", "state": "quote requested"}
EV2 = {"at": "2026-11-24T09:12:00+08:00", "user": "wei", "state": "ordered"}
EV3 = {"at": "2026-11-29T23:19:55+00:00", "user": "ana", "state": "PO raised"}


def contract(**fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"number": "88120455", "service_level": "OS", "end": "2026-10-31",
                           "status": "active", "lines": [{"serial": "FOC1"}]}
    doc.update(fields)
    return doc


def rt(end: str = "2026-10-31", **fields: Any) -> dict[str, Any]:
    return {"end": end, **fields}


def words(table: str, key: str, before: Any, after: Any) -> list[str]:
    return describe_records([{"table": table, "key": key, "before": before, "after": after}])


CONTRACT_CASES = [
    pytest.param(  # the reviewer's case: the owner change was hidden by truncation
        [rt(state="ordered", owner="wei", updated="2026-11-24T09:12:00+08:00", history=[EV1, EV2])],
        [rt(state="PO raised", owner="ana", note=NOTE, updated="2026-11-29T23:19:55+00:00",
            history=[EV1, EV2, EV3])],
        ["~ contract 88120455: renewal ending 2026-10-31: state ordered → PO raised, "
         "owner wei → ana, note set"],
        id="state-owner-note-set"),
    pytest.param(  # a new triage: its state, owner and whole note
        [],
        [rt("2026-12-15", state="quote requested", owner="ana", note=NOTE, history=[EV1])],
        [f'~ contract 88120455: renewal ending 2026-12-15: state quote requested, owner ana, '
         f'note "{NOTE}"'],
        id="new-triage"),
    pytest.param(  # a new triage with nothing but its state
        None, [rt(state="ordered")],
        ["~ contract 88120455: renewal ending 2026-10-31: state ordered"],
        id="new-triage-from-no-field"),
    pytest.param(
        [rt(state="PO raised", owner="ana", note="old")],
        [rt(state="PO raised", note="new")],
        ["~ contract 88120455: renewal ending 2026-10-31: owner cleared (was ana), note changed"],
        id="owner-cleared-note-changed"),
    pytest.param(
        [rt(state="quote requested", owner="ana", note="Q-1")],
        [rt(state="ordered", owner="ana")],
        ["~ contract 88120455: renewal ending 2026-10-31: state quote requested → ordered, "
         "note cleared"],
        id="state-note-cleared"),
    pytest.param(
        [rt(state="to review")], [rt(state="to review", owner="li")],
        ["~ contract 88120455: renewal ending 2026-10-31: owner li"],
        id="owner-given"),
    pytest.param(  # only bookkeeping changed (a history event, the update time): no news
        [rt(state="ordered", updated="2026-11-01", history=[EV1])],
        [rt(state="ordered", updated="2026-11-02", history=[EV1, EV2])],
        [],
        id="history-only"),
    pytest.param(  # two renewals of one contract: only the changed one is named
        [rt("2026-10-31", state="ordered"), rt("2027-03-31", state="to review")],
        [rt("2026-10-31", state="ordered"), rt("2027-03-31", state="do not renew", owner="wei")],
        ["~ contract 88120455: renewal ending 2027-03-31: state to review → do not renew, owner wei"],
        id="second-renewal"),
    pytest.param(
        [rt("2026-10-31", state="ordered"), rt("2027-03-31", state="PO raised")],
        [rt("2026-10-31", state="quote received")],
        ["~ contract 88120455: renewal ending 2026-10-31: state ordered → quote received; "
         "renewal ending 2027-03-31: triage removed (was PO raised)"],
        id="one-changed-one-removed"),
]


@pytest.mark.parametrize(("before", "after", "expected"), CONTRACT_CASES)
def test_renewal_triage_in_words(before, after, expected):
    b = contract() if before is None else contract(renewal_triage=before)
    got = words("contracts", "88120455", b, contract(renewal_triage=after))
    assert got == expected
    assert not any(c in line for line in got for c in "{}[]'")  # never a Python repr


LEGACY_CASES = [
    (None, {"state": "renew", "owner": "wei"},
     "~ contract 88120455: triage: state renew, owner wei"),
    ({"state": "renew", "owner": "wei"}, {"state": "co-term", "owner": "wei", "note": "align"},
     "~ contract 88120455: triage: state renew → co-term, note set"),
    ({"state": "renew", "owner": "wei"}, None,
     "~ contract 88120455: triage removed (was renew)"),
]


@pytest.mark.parametrize(("before", "after", "expected"), LEGACY_CASES)
def test_a_data_files_contract_triage_in_words(before, after, expected):
    assert words("contracts", "88120455", contract(triage=before), contract(triage=after)) == [expected]


@pytest.mark.parametrize(("before_rt", "after_rt", "expected"), [
    # the app's `t` on a contract whose data file kept one triage: it becomes the renewal's,
    # so only the owner changed (not "a new triage" plus "triage removed")
    ([], [rt("2026-12-20", state="quote requested", owner="bo", note="co-term")],
     "~ contract 88120455: renewal ending 2026-12-20: owner ana → bo"),
    ([rt("2026-10-31", state="ordered")],
     [rt("2026-10-31", state="ordered"), rt("2027-10-31", state="PO raised", owner="ana",
                                            note="co-term")],
     "~ contract 88120455: renewal ending 2027-10-31: state quote requested → PO raised"),
    # the contract-level triage dropped with no renewal taking it: said removed
    ([rt("2026-10-31", state="ordered")], [rt("2026-10-31", state="PO raised")],
     "~ contract 88120455: triage removed (was quote requested); "
     "renewal ending 2026-10-31: state ordered → PO raised"),
])
def test_a_contract_triage_taken_over_by_a_renewal_reads_as_that_renewals_change(
        before_rt, after_rt, expected):
    legacy = {"state": "quote requested", "owner": "ana", "note": "co-term"}
    b = contract(triage=legacy, renewal_triage=before_rt)
    a = contract(renewal_triage=after_rt)
    assert words("contracts", "88120455", b, a) == [expected]


def qline(serial: str, row: int, price: str = "1000") -> dict[str, Any]:
    return {"where": f"quote.csv: row {row}", "serial": serial, "contract": "93425688",
            "start": "2027-01-01", "end": "2027-12-31", "net_price": price, "currency": "USD"}


QUOTE_CASES = [
    ({"files": ["a.csv"], "lines": [qline("A", 5), qline("B", 6, "1250"), qline("C", 7)]},
     {"files": ["b.csv"], "lines": [qline("A", 9), qline("B", 8, "1300"), qline("D", 7)]},
     ["~ quote Q1: files a.csv → b.csv; lines: 1 added (D), 1 removed (C), 1 changed (B)"]),
    # the same lines read from other rows (an XLSX of the same quote): no change of lines
    ({"files": ["a.csv"], "lines": [qline("A", 5), qline("B", 6)]},
     {"files": ["a.xlsx"], "lines": [qline("B", 2), qline("A", 3)]},
     ["~ quote Q1: files a.csv → a.xlsx"]),
]


@pytest.mark.parametrize(("before", "after", "expected"), QUOTE_CASES)
def test_a_replaced_quote_says_which_lines_changed(before, after, expected):
    b, a = {"name": "Q1", **before}, {"name": "Q1", **after}
    assert words("quotes", "Q1", b, a) == expected


MIGRATION = "Catalyst 9200L 48-port PoE+, 8x mGig, 40x1G, 4x10G uplink switch, Network Essentials"


@pytest.mark.parametrize(("before", "after", "expected"), [
    ({"end_of_sale": "2022-10-31"},
     {"end_of_sale": "2022-10-31", "migration_pid": "C9200L-48PXG-4X-E", "migration_name": MIGRATION},
     f"~ EoX row WS-C2960X-48FPD-L: migration name (none) → {MIGRATION}; "
     f"migration pid (none) → C9200L-48PXG-4X-E"),
    ({"end_of_service_attach": "2026-10-31", "migration_name": MIGRATION},
     {"end_of_service_attach": "2027-01-31", "migration_name": MIGRATION + " (DNA)"},
     f"~ EoX row WS-C2960X-48FPD-L: end of service attach 2026-10-31 → 2027-01-31; "
     f"migration name {MIGRATION} → {MIGRATION} (DNA)"),
    ({"extra": {"bulletin": "EOL10555"}}, {"extra": {"bulletin": "EOL10600"}},
     "~ EoX row WS-C2960X-48FPD-L: extra bulletin EOL10555 → EOL10600"),
])
def test_eox_fields_are_shown_whole(before, after, expected):
    pid = "WS-C2960X-48FPD-L"
    assert words("eox", pid, {"pid": pid, **before}, {"pid": pid, **after}) == [expected]


def test_a_pasted_essay_is_cut_saying_so_not_mid_field_at_40():
    essay = "x" * 500
    [line] = words("devices", "FOC1", {"serial": "FOC1", "notes": "short"},
                   {"serial": "FOC1", "notes": essay})
    assert line == f"~ device FOC1: notes short → {'x' * 199}…"


def test_the_import_preview_of_a_data_file_says_the_triage_in_words():
    """A data file changing a renewal's triage: the dry run / preview names each change."""
    old = Contract("88120455", "OS", date(2023, 11, 1), date(2026, 10, 31),
                   lines=(LineSpec("FOC1"),),
                   renewal_triage=(Triage("ordered", owner="wei", end=date(2026, 10, 31),
                                          history=(TriageEvent("2026-11-24", "wei", "ordered"),)),))
    new = dataclasses.replace(old, renewal_triage=(
        Triage("PO raised", owner="ana", note=NOTE, end=date(2026, 10, 31),
               history=(TriageEvent("2026-11-24", "wei", "ordered"),
                        TriageEvent("2026-11-29", "ana", "PO raised"))),
        Triage("quote requested", owner="li", end=date(2027, 10, 31))))
    got = describe_changes(Estate(contracts=[old]), [PutContract(new)])
    assert got == ["~ contract 88120455: renewal ending 2026-10-31: state ordered → PO raised, "
                   "owner wei → ana, note set; "
                   "renewal ending 2027-10-31: state quote requested, owner li"]


def test_eox_preview_with_a_migration():
    old = EoX("ISR4331/K9", end_of_sale=date(2023, 5, 8))
    new = dataclasses.replace(old, migration_pid="ISR4321/K9-RF", migration_name=MIGRATION)
    got = describe_changes(Estate(eox=[old]), [PutEoX(new)])
    assert got == [f"~ EoX row ISR4331/K9: migration name (none) → {MIGRATION}; "
                   f"migration pid (none) → ISR4321/K9-RF"]
