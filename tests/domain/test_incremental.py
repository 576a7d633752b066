"""Incremental refresh equals a full recompute, after any sequence of edits.

A seeded random walk over a small estate (few serials, pids and contract numbers, so
edits collide constantly) applies edits with ``apply_changes`` and refreshes the
analysis with only what they touched; after every step the result must equal a fresh
``Analysis`` of the same estate, and the estate's indexes must equal those of an estate
built from scratch from the same records. Undo (``inverse``) is checked on the way.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from helpers import TODAY

from smartnet_tui.domain.changes import (
    DeleteContract,
    DeleteDevice,
    DeleteEoX,
    PutContract,
    PutDevice,
    PutEoX,
    apply_changes,
    inverse,
)
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import (
    CONTRACT_TRIAGE_STATES,
    CRITICALITIES,
    DEVICE_STATUSES,
    TRIAGE_STATES,
    Contract,
    Device,
    EoX,
    Estate,
    LineSpec,
    Triage,
)

SERIALS = [f"S{i}" for i in range(8)]
PIDS = ["P0", "P1", "P2", "P3"]
NUMBERS = [f"N{i}" for i in range(7)]
LEVELS = [None, "SNT", "SNTP", "24x7x4", "S2P", "SW", "SNC", "OSP", "Gold"]
# offsets around the rule boundaries (due 60, review 120, 30 for high) and beyond
OFFSETS = [-400, -121, -61, -31, -2, -1, 0, 1, 2, 29, 30, 31, 59, 60, 61, 62, 119, 120, 121, 122, 400]


def _day(rng: random.Random, today: date) -> date:
    if rng.random() < 0.7:
        return today + timedelta(days=rng.choice(OFFSETS))
    return today + timedelta(days=rng.randint(-200, 300))


def rand_device(rng: random.Random, today: date) -> Device:
    return Device(
        serial=rng.choice(SERIALS),
        pid=rng.choice(PIDS + [None]),
        hostname=rng.choice([None, "h1", "h2"]),
        status=rng.choices(DEVICE_STATUSES, weights=[6, 2, 2])[0],
        criticality=rng.choice(CRITICALITIES),
    )


def rand_eox(rng: random.Random, today: date) -> EoX:
    def maybe():
        return _day(rng, today) if rng.random() < 0.6 else None

    return EoX(pid=rng.choice(PIDS), end_of_sale=maybe(), end_of_contract_renewal=maybe(),
               last_date_of_support=maybe(), end_of_service_attach=maybe())


def rand_contract(rng: random.Random, today: date) -> Contract:
    c_start = _day(rng, today) - timedelta(days=rng.randint(0, 400)) if rng.random() < 0.8 else None
    c_end = _day(rng, today) if rng.random() < 0.85 else None
    lines = []
    for _ in range(rng.randint(0, 5)):
        end = None if (c_end is not None and rng.random() < 0.6) else _day(rng, today)
        start = None
        r = rng.random()
        if r < 0.3:
            base = end or c_end
            start = base - timedelta(days=rng.choice([0, 1, 30, 200, 365]))
        elif r < 0.4:
            start = _day(rng, today)
            if start > (end or c_end):
                start = end or c_end
        lines.append(LineSpec(
            serial=rng.choice(SERIALS + ["ORPHAN1", "ORPHAN2"]),
            start=start,
            end=end,
            service_level=rng.choice(LEVELS) if rng.random() < 0.3 else None,
            status="terminated" if rng.random() < 0.15 else "active",
            annual_cost=rng.choice([None, 100.0, 250.5]),
        ))
    if not lines and c_end is None:
        c_end = _day(rng, today)
    # triage per renewal (issue 8) on some of its ends, and now and then an old
    # contract-level triage: both move severities and add will_lapse/unconfirmed alerts
    ends = sorted({ln.end or c_end for ln in lines if (ln.end or c_end) is not None})
    renewal_triage = tuple(
        Triage(rng.choice(TRIAGE_STATES), end=e) for e in ends if rng.random() < 0.5
    )
    legacy = Triage(rng.choice(CONTRACT_TRIAGE_STATES)) if rng.random() < 0.2 else None
    return Contract(
        reseller=rng.choice([None, "Acme", "Globex"]),
        currency=rng.choice([None, "GBP", "USD"]),
        renewal_triage=renewal_triage,
        triage=legacy,
        number=rng.choice(NUMBERS),
        service_level=rng.choice(LEVELS),
        start=c_start if (c_start is None or c_end is None or c_start <= c_end) else None,
        end=c_end,
        status="cancelled" if rng.random() < 0.12 else "active",
        annual_cost=rng.choice([None, None, 1000.0]),
        lines=tuple(lines),
    )


def tweak_contract(rng: random.Random, c: Contract) -> Contract:
    """A small edit of an existing contract: the kind that moves a rule across a boundary."""
    one = timedelta(days=rng.choice([-1, 1]))
    what = rng.choice(["end", "line_end", "line_status", "status", "level", "drop_line", "same",
                       "triage"])
    if what == "triage":
        end = c.end or next((ln.end for ln in c.lines if ln.end), None)
        if end is not None:
            return replace(c, renewal_triage=(Triage(rng.choice(TRIAGE_STATES), end=end),))
    if what == "end" and c.end is not None:
        new_end = c.end + one
        if c.start is None or c.start <= new_end:
            return replace(c, end=new_end)
    if what == "line_end" and c.lines:
        i = rng.randrange(len(c.lines))
        ln = c.lines[i]
        if ln.end is not None and (ln.start is None or ln.start <= ln.end + one):
            lines = list(c.lines)
            lines[i] = replace(ln, end=ln.end + one)
            return replace(c, lines=tuple(lines))
    if what == "line_status" and c.lines:
        i = rng.randrange(len(c.lines))
        lines = list(c.lines)
        lines[i] = replace(lines[i], status="active" if lines[i].status == "terminated" else "terminated")
        return replace(c, lines=tuple(lines))
    if what == "status":
        return replace(c, status="active" if c.status == "cancelled" else "cancelled")
    if what == "level":
        return replace(c, service_level=rng.choice(LEVELS))
    if what == "drop_line" and c.lines and (c.end is not None or len(c.lines) > 1):
        i = rng.randrange(len(c.lines))
        return replace(c, lines=c.lines[:i] + c.lines[i + 1:])
    return c  # unchanged: a re-save


def rand_change(rng: random.Random, estate: Estate, today: date):
    kind = rng.choices(
        ["put_device", "del_device", "put_contract", "del_contract", "put_eox", "del_eox", "tweak"],
        weights=[4, 1, 6, 2, 2, 1, 5],
    )[0]
    if kind == "tweak":
        if estate.contracts:
            return PutContract(tweak_contract(rng, estate.contracts[rng.choice(sorted(estate.contracts))]))
        kind = "put_contract"
    if kind == "put_device":
        return PutDevice(rand_device(rng, today))
    if kind == "del_device":
        return DeleteDevice(rng.choice(sorted(estate.devices) or SERIALS))
    if kind == "put_contract":
        return PutContract(rand_contract(rng, today))
    if kind == "del_contract":
        return DeleteContract(rng.choice(sorted(estate.contracts) or NUMBERS))
    if kind == "put_eox":
        return PutEoX(rand_eox(rng, today))
    return DeleteEoX(rng.choice(sorted(estate.eox) or PIDS))


def rebuilt(estate: Estate) -> Estate:
    """The same records, indexed from scratch."""
    return Estate(list(estate.devices.values()), list(estate.contracts.values()), list(estate.eox.values()))


def assert_same_analysis(inc: Analysis, full: Analysis, where: str) -> None:
    assert inc.coverage == full.coverage, f"coverage differs {where}"
    assert inc.contract_status == full.contract_status, f"contract status differs {where}"
    assert inc.serial_alerts.keys() == full.serial_alerts.keys(), f"alerted serials differ {where}"
    for s, lst in full.serial_alerts.items():
        assert inc.serial_alerts[s] == lst, f"alerts of {s} differ {where}"
    assert inc.contract_alerts == full.contract_alerts, f"contract alerts differ {where}"
    assert inc.coterm == full.coterm, f"coterm differs {where}"
    assert inc.alerts() == full.alerts(), f"sorted alerts differ {where}"
    assert inc.summary() == full.summary(), f"summary differs {where}"


def assert_same_indexes(estate: Estate, fresh: Estate, where: str) -> None:
    def by_serial(e: Estate):
        return {s: Counter(lst) for s, lst in e.lines_by_serial.items() if lst}

    assert by_serial(estate) == by_serial(fresh), f"lines_by_serial differs {where}"
    assert {n: Counter(v) for n, v in estate.lines_by_contract.items()} == {
        n: Counter(v) for n, v in fresh.lines_by_contract.items()}, f"lines_by_contract differs {where}"
    assert {p: s for p, s in estate.devices_by_pid.items() if s} == {
        p: s for p, s in fresh.devices_by_pid.items() if s}, f"devices_by_pid differs {where}"
    assert estate.serials() == fresh.serials()


def records(estate: Estate):
    return dict(estate.devices), dict(estate.contracts), dict(estate.eox)


POLICIES = [
    Policy(TODAY),
    Policy(TODAY, due_days=30, review_days=90),
    Policy(date(2028, 2, 29)),
    Policy(TODAY, due_days=0, review_days=0),
]


@pytest.mark.parametrize("seed", range(40))
def test_incremental_refresh_equals_full_recompute(seed):
    rng = random.Random(seed)
    policy = POLICIES[seed % len(POLICIES)]
    today = policy.today
    estate = Estate()
    for _ in range(rng.randint(0, 6)):
        apply_changes(estate, [rand_change(rng, estate, today)])
    analysis = Analysis(estate, policy)
    assert_same_analysis(analysis, Analysis(estate, policy), f"(seed {seed}, initial)")

    for step in range(120):
        batch = [rand_change(rng, estate, today) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        before = records(estate)
        undo = inverse(estate, batch)
        serials, contracts = apply_changes(estate, batch)
        if rng.random() < 0.1:  # refreshing more than was touched is harmless
            serials = set(serials) | set(rng.sample(SERIALS, 2))
            contracts = set(contracts) | {rng.choice(NUMBERS)}
        analysis.refresh(serials, contracts)
        where = f"(seed {seed}, step {step}, {batch!r})"
        assert_same_analysis(analysis, Analysis(estate, policy), where)
        fresh_estate = rebuilt(estate)
        assert_same_indexes(estate, fresh_estate, where)
        # an estate indexed from scratch (lines in another order) gives the same answers
        assert_same_analysis(analysis, Analysis(fresh_estate, policy), where + " vs rebuilt estate")

        if rng.random() < 0.15:  # undo now and then, through the same incremental path
            s2, c2 = apply_changes(estate, undo)
            analysis.refresh(s2, c2)
            assert records(estate) == before, f"undo did not restore the records {where}"
            assert_same_analysis(analysis, Analysis(estate, policy), where + " after undo")


def test_refresh_with_nothing_changes_nothing():
    rng = random.Random(99)
    estate = Estate()
    for _ in range(30):
        apply_changes(estate, [rand_change(rng, estate, TODAY)])
    a = Analysis(estate, Policy(TODAY))
    expected = Analysis(estate, Policy(TODAY))
    a.refresh()
    assert_same_analysis(a, expected, "(empty refresh)")


def test_a_renewal_elsewhere_refreshes_the_old_contract():
    old = Contract("OLD", "SNTP", date(2026, 1, 1), date(2026, 12, 20), lines=(LineSpec("A"),))
    estate = Estate([Device("A")], [old])
    a = Analysis(estate, Policy(TODAY))
    assert a.contract_status["OLD"].renewal == "due"
    new = Contract("NEW", "SNTP", date(2026, 12, 21), date(2027, 12, 20), lines=(LineSpec("A"),))
    a.refresh(*apply_changes(estate, [PutContract(new)]))
    assert a.contract_status["OLD"].renewal == "renewed"
    a.refresh(*apply_changes(estate, [DeleteContract("NEW")]))
    assert a.contract_status["OLD"].renewal == "due"


def test_an_eox_edit_refreshes_devices_and_their_contracts():
    c = Contract("C", "SNTP", date(2026, 1, 1), date(2026, 12, 20), lines=(LineSpec("A"),))
    estate = Estate([Device("A", pid="P")], [c])
    a = Analysis(estate, Policy(TODAY))
    # the last date to renew has passed: the line is blocked (issue 8)
    a.refresh(*apply_changes(estate, [PutEoX(EoX("P", end_of_contract_renewal=date(2026, 1, 1),
                                                  last_date_of_support=date(2027, 6, 1)))]))
    assert {x.kind for x in a.alerts()} == {"expiring", "renewal_blocked"}
    # support ended before the line's end: the line is replace, nothing to renew
    a.refresh(*apply_changes(estate, [PutEoX(EoX("P", end_of_contract_renewal=date(2026, 1, 1),
                                                  last_date_of_support=date(2026, 6, 1)))]))
    assert {x.kind for x in a.alerts()} == {"end_of_support", "beyond_ldos"}
    assert a.contract_status["C"].renewal == "not needed"
    a.refresh(*apply_changes(estate, [DeleteEoX("P")]))
    assert {x.kind for x in a.alerts()} == {"expiring"}


def test_changing_a_devices_pid_moves_it_between_eox_rows():
    estate = Estate([Device("A", pid="OLD")], [], [EoX("OLD", last_date_of_support=date(2020, 1, 1)),
                                                  EoX("NEW", last_date_of_support=date(2020, 1, 1))])
    a = Analysis(estate, Policy(TODAY))
    a.refresh(*apply_changes(estate, [PutDevice(Device("A", pid="NEW"))]))
    assert estate.devices_by_pid.get("OLD", set()) == set()
    assert estate.devices_by_pid["NEW"] == {"A"}
    a.refresh(*apply_changes(estate, [PutEoX(EoX("OLD"))]))  # must not touch A any more
    assert any(x.kind == "end_of_support" for x in a.alerts())
    assert_same_analysis(a, Analysis(estate, Policy(TODAY)), "(pid move)")


def test_alerts_do_not_depend_on_the_order_lines_were_indexed():
    """Two contracts cover a serial past its LDOS with the same end: after re-saving the
    first one (a TUI edit), the alerts must read as a fresh load of the same records."""
    c1 = Contract("C1", "SNTP", date(2026, 11, 1), date(2028, 1, 5), lines=(LineSpec("S"),))
    c2 = Contract("C2", "SNTP", date(2026, 11, 1), date(2028, 1, 5), lines=(LineSpec("S"),))
    estate = Estate([Device("S", pid="P")], [c1, c2], [EoX("P", last_date_of_support=date(2027, 6, 19))])
    a = Analysis(estate, Policy(TODAY))
    edited = Contract("C1", "SNTP", date(2026, 11, 1), date(2028, 1, 5), reseller="Acme",
                      lines=(LineSpec("S"),))
    a.refresh(*apply_changes(estate, [PutContract(edited)]))
    assert_same_analysis(a, Analysis(rebuilt(estate), Policy(TODAY)), "(re-saved C1)")
