"""The worklist (issue 8): items in order, their JSON keys, and the triage edit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from helpers import TODAY, analyse, con, days, dev, eox, ln

from smartnet_tui.domain.changes import apply_changes
from smartnet_tui.domain.edits import EditError, renew
from smartnet_tui.domain.model import Triage, TriageEvent
from smartnet_tui.domain.worklist import (
    count_by_state,
    pin_legacy_triage,
    renewal_json,
    set_renewal_triage,
    triage_state,
    worklist,
)

ITEM_KEYS = ["contract", "end", "deadline", "deadline_reason", "due_date", "days_left", "status",
             "state", "owner", "note", "service_level", "reseller", "currency", "annual_cost",
             "counts", "lines"]
LINE_KEYS = ["serial", "hostname", "pid", "criticality", "disposition", "reason", "renewed_by",
             "max_end", "annual_cost"]


def estate():
    devices = [dev(s) for s in ("A", "B", "C", "D", "E", "F", "G")] + [dev("Z", status="spare")]
    contracts = [
        con("OK1", ln("A"), end=days(300)),
        con("DUE2", ln("B"), end=days(40)),
        con("DUE1", ln("C"), end=days(40)),  # same deadline: contract number decides
        con("EXP", ln("D"), end=days(-3)),
        con("REV", ln("E"), end=days(90)),
        con("SOON", ln("F"), end=days(10)),
        con("OLD", ln("G"), end=days(5)),
        con("NEW", ln("G"), start=days(6), end=days(370)),
        con("SPARE", ln("Z"), end=days(20)),
        con("CAN", ln("A"), end=days(20), status="cancelled"),
    ]
    return analyse(devices, contracts)


def test_worklist_order_and_all():
    a = estate()
    assert [(r.contract, r.status) for r in worklist(a)] == [
        ("EXP", "expired"), ("SOON", "due"), ("DUE1", "due"), ("DUE2", "due"), ("REV", "review")]
    assert [(r.contract, r.status) for r in worklist(a, everything=True)] == [
        ("EXP", "expired"), ("SOON", "due"), ("DUE1", "due"), ("DUE2", "due"), ("REV", "review"),
        ("OK1", "ok"), ("NEW", "ok"), ("OLD", "renewed"), ("SPARE", "not needed")]


def test_count_by_state_lists_every_state():
    c = con("C1", ln("A"), end=days(40), renewal_triage=(Triage("ordered", end=days(40)),))
    a = analyse([dev("A"), dev("B")], [c, con("C2", ln("B"), end=days(50))])
    assert count_by_state(worklist(a)) == {"to review": 1, "quote requested": 0, "quote received": 0,
                                           "PO raised": 0, "ordered": 1, "do not renew": 0}


def test_item_json_has_every_documented_key():
    c = con("C1", ln("A", annual_cost=100.005), ln("B"), ln("GONE"), ln("OLDP"), end=days(50),
            service_level="24x7x4", reseller="Acme", currency="GBP")
    devices = [dev("A", pid="P1", hostname="core1", criticality="critical"),
               dev("B", pid="P1"), dev("OLDP", pid="P0")]
    eoxes = [eox("P1", end_of_contract_renewal=days(30), last_date_of_support=days(1000)),
             eox("P0", last_date_of_support=days(-1))]
    a = analyse(devices, [c], eoxes)
    (item,) = [renewal_json(r) for r in worklist(a)]
    assert list(item) == ITEM_KEYS
    assert item == {
        "contract": "C1", "end": str(days(50)), "deadline": str(days(30)),
        "deadline_reason": "last date to renew", "due_date": str(days(-30)), "days_left": 30,
        "status": "due", "state": "to review", "owner": None, "note": None,
        "service_level": "SNTP", "reseller": "Acme", "currency": "GBP",
        "annual_cost": Decimal("100.01"),
        "counts": {"renew": 2, "renewed": 0, "drop": 1, "replace": 1, "blocked": 0},
        "lines": item["lines"],
    }
    assert [list(x) for x in item["lines"]] == [LINE_KEYS] * 4
    first, _, gone, oldp = item["lines"]
    assert first == {"serial": "A", "hostname": "core1", "pid": "P1", "criticality": "critical",
                     "disposition": "renew",
                     "reason": f"order by {days(30)}, last date to renew for P1; support ends {days(1000)}",
                     "renewed_by": None, "max_end": str(days(1000)), "annual_cost": Decimal("100.01")}
    assert (gone["disposition"], gone["reason"], gone["criticality"], gone["max_end"]) == (
        "drop", "not in the inventory", None, None)
    assert (oldp["disposition"], oldp["max_end"], oldp["annual_cost"]) == ("replace", None, None)


# ------------------------------------------------------------------ triage edit
AT = "2026-12-01T09:30:00+00:00"


def apply(a, changes):
    a.refresh(*apply_changes(a.estate, changes))


def test_set_triage_records_the_state_change_with_user_and_time():
    a = analyse([dev("A")], [con("C1", ln("A"), end=days(40))])
    apply(a, set_renewal_triage(a, "C1", "quote requested", owner="ana", note="asked Acme",
                                user="ana", at=AT))
    t = worklist(a)[0].triage
    assert (t.state, t.owner, t.note, t.end) == ("quote requested", "ana", "asked Acme", days(40))
    assert t.history == (TriageEvent(AT, "ana", "quote requested"),)
    # owner/note None keeps them; the same state adds no history; "" clears
    apply(a, set_renewal_triage(a, "C1", "QUOTE  requested", note="", user="bob", at="later"))
    t = worklist(a)[0].triage
    assert (t.state, t.owner, t.note, len(t.history)) == ("quote requested", "ana", None, 1)
    apply(a, set_renewal_triage(a, "C1", "po raised", end=days(40), user="bob", at="t3"))
    t = worklist(a)[0].triage
    assert t.state == "PO raised" and [e.state for e in t.history] == ["quote requested", "PO raised"]


def test_set_triage_without_end_takes_the_first_renewal_in_worklist_order():
    c = con("C1", ln("A", end=days(200)), ln("B", end=days(20)), end=days(200))
    a = analyse([dev("A"), dev("B")], [c])
    (change,) = set_renewal_triage(a, "C1", "ordered", user="u", at=AT)
    assert [(t.end, t.state) for t in change.contract.renewal_triage] == [(days(20), "ordered")]


def test_set_triage_moves_a_legacy_contract_triage_onto_its_renewal():
    c = con("C1", ln("A", end=days(20)), ln("B"), end=days(200),
            triage=Triage("renew", "ana", "co-term with X", "2026-01-01T00:00:00+00:00"))
    a = analyse([dev("A"), dev("B")], [c])
    assert [r.triage.state for r in a.contract_status["C1"].renewals] == ["quote requested", "to review"]
    (change,) = set_renewal_triage(a, "C1", "do not renew", end=days(200), user="u", at=AT)
    new = change.contract
    assert new.triage is None
    assert [(t.end, t.state, t.note) for t in new.renewal_triage] == [
        (days(20), "quote requested", "co-term with X"), (days(200), "do not renew", None)]


def test_a_moved_end_starts_at_to_review_once_the_legacy_triage_is_pinned():
    c = con("C1", ln("A"), end=days(30), triage=Triage("renew", "ana", "asked Acme"))
    a = analyse([dev("A")], [c])
    pinned = pin_legacy_triage(a, c)
    assert pinned.triage is None
    assert [(t.end, t.state, t.note) for t in pinned.renewal_triage] == [
        (days(30), "quote requested", "asked Acme")]
    # the contract extended by a year (what recording a renewal does): a new renewal
    extended = replace(pinned, end=days(395))
    a = analyse([dev("A")], [extended])
    assert [(r.end, r.triage.state) for r in a.contract_status["C1"].renewals] == [
        (days(395), "to review")]


@pytest.mark.parametrize(
    "number, end, state, message",
    [("NOPE", None, "ordered", "contract NOPE is not in the database"),
     ("C1", None, "maybe", "triage state must be one of to review, quote requested"),
     ("C1", date(2030, 1, 1), "ordered", f"contract C1 has no renewal ending 2030-01-01 (its renewals end {days(40)})"),
     ("CAN", None, "ordered", "contract CAN is cancelled: it has no renewal to triage")],
)
def test_set_triage_errors(number, end, state, message):
    a = analyse([dev("A")], [con("C1", ln("A"), end=days(40)),
                             con("CAN", ln("A"), end=days(40), status="cancelled")])
    with pytest.raises(EditError) as err:
        set_renewal_triage(a, number, state, end=end, user="u", at=AT)
    assert message in str(err.value)


def test_triage_state_accepts_any_case():
    assert triage_state("PO RAISED") == "PO raised"
    assert triage_state(" do   not renew ") == "do not renew"


def test_reference_date():
    assert TODAY == date(2026, 12, 1)


def test_extending_the_most_urgent_renewal_moves_its_lines_alone_and_starts_at_to_review():
    # edits.renew extends the contract's most urgent renewal: a firewall line ending before
    # its contract moves alone, and an old contract-level triage stays with the old end
    c = con("C1", ln("FW", end=days(30)), ln("SW"), end=days(200),
            triage=Triage("renew", "ana", "asked Acme"))
    a = analyse([dev("FW"), dev("SW")], [c])
    (change,) = renew(a, "C1", days(395))
    assert change.contract.end == days(200)
    assert [x.end for x in change.contract.lines] == [days(395), None]
    apply(a, [change])
    assert [(r.end, r.state) for r in a.contract_status["C1"].renewals] == [
        (days(200), "to review"), (days(395), "to review")]
    assert [(t.end, t.state, t.note) for t in change.contract.renewal_triage] == [
        (days(30), "quote requested", "asked Acme")]
