"""The quote check's rules (issue 10), table-driven on one small estate, today 2026-12-01.

The estate: contract 0093425688 (SNTP, USD, lines ending 2026-12-31: due) covering a clean
switch, a critical one, a spare, a decommissioned one, a serial not in the inventory, a
pid whose support ends 2027-06-30 and a pid whose last date to renew has passed; and
REN1, whose line on 88120455 (ended 2026-10-31) is renewed by 88120991 until 2027-10-31.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from helpers import TODAY, D, analyse, con, dev, eox, ln

from smartnet_tui.domain.changes import apply_changes
from smartnet_tui.domain.model import Triage
from smartnet_tui.domain.partner_request import request_rows, requested_end
from smartnet_tui.domain.quote_check import (
    check_json,
    check_quote,
    contract_key,
    months_between,
    quote_received_changes,
    summary_line,
    yearly_price,
)
from smartnet_tui.domain.quotes import QuoteLine
from smartnet_tui.domain.service_levels import level_rank, normalise_service_level

END = D("2026-12-31")
C = "0093425688"


def estate(**kw):
    devices = [
        dev("CLEAN1", pid="C9300-24T", criticality="normal"),
        dev("CRIT1", pid="C9300-24T", criticality="critical", hostname="core-1"),
        dev("SPARE1", pid="C9300-24T", status="spare"),
        dev("DECOM1", pid="C9300-24T", status="decommissioned"),
        dev("LDOS1", pid="OLD-PID"),
        dev("BLK1", pid="BLK-PID"),
        dev("REN1", pid="C9300-24T"),
    ]
    lines = [ln(s, annual_cost=1000.0) for s in
             ("CLEAN1", "CRIT1", "SPARE1", "DECOM1", "ORPHAN1", "LDOS1", "BLK1")]
    contracts = [
        con(C, *lines, start=D("2026-01-01"), end=END, service_level="SNTP", currency="USD",
            reseller="Acme"),
        con("88120455", ln("REN1"), start=D("2025-11-01"), end=D("2026-10-31"),
            service_level="SNTP", currency="USD"),
        con("88120991", ln("REN1"), start=D("2026-11-01"), end=D("2027-10-31"),
            service_level="SNTP", currency="USD"),
    ]
    eoxes = [
        eox("OLD-PID", last_date_of_support=D("2027-06-30"), end_of_contract_renewal=D("2027-03-01")),
        eox("BLK-PID", last_date_of_support=D("2029-01-31"), end_of_contract_renewal=D("2026-11-15")),
    ]
    return analyse(devices, contracts, eoxes, **kw)


NEXT_START, NEXT_END = D("2027-01-01"), D("2027-12-31")


def q(serial: str, contract: str | None = "93425688", start: date | None = NEXT_START,
      end: date | None = NEXT_END, level: str | None = "SNTP", net: str | None = "1000",
      currency: str | None = "USD", months: int | None = None, pid: str | None = None,
      sku: str | None = None) -> QuoteLine:
    return QuoteLine(where=f"quote.csv: {serial}", serial=serial, contract=contract, pid=pid,
                     service_level=level, sku=sku, start=start, end=end, months=months,
                     net_price=Decimal(net) if net is not None else None, currency=currency)


def found(lines, *, kind=None, serial=None, **kw):
    """(kind, severity, serial, contract) of the findings, filtered."""
    result = check_quote(lines, estate(), **kw)
    return [(f.kind, f.severity, f.serial, f.contract) for f in result.findings
            if (kind is None or f.kind == kind) and (serial is None or f.serial == serial)]


# ------------------------------------------------------------------ one rule per row
RULES = [
    # (why, quote lines, check options, kind, expected (severity, serial, contract) of that kind)
    ("a clean line has no finding", [q("CLEAN1")], {}, None, []),
    ("renewed line quoted again", [q("REN1", "88120455", start=D("2026-11-01"), end=D("2027-10-31"))],
     {}, "quoted_renewed", [("high", "REN1", "88120455")]),
    ("spare quoted", [q("SPARE1")], {}, "quoted_inactive", [("high", "SPARE1", C)]),
    ("decommissioned quoted", [q("DECOM1")], {}, "quoted_inactive", [("high", "DECOM1", C)]),
    ("on a line, not in the inventory", [q("ORPHAN1")], {}, "quoted_inactive",
     [("high", "ORPHAN1", C)]),
    ("an active device is not inactive", [q("CLEAN1")], {}, "quoted_inactive", []),
    ("critical device left out", [q("CLEAN1"), q("LDOS1", end=D("2027-06-30"))], {}, "missing",
     [("critical", "CRIT1", C)]),
    ("normal device left out", [q("CLEAN1"), q("CRIT1")], {}, "missing", [("high", "LDOS1", C)]),
    ("spare, blocked and orphan lines are not missing", [q("CLEAN1"), q("CRIT1"),
     q("LDOS1", end=D("2027-06-30"))], {}, "missing", []),
    ("quoted past the last date of support", [q("LDOS1", end=D("2027-07-01"))], {}, "past_support",
     [("high", "LDOS1", C)]),
    ("quoted up to the last date of support", [q("LDOS1", end=D("2027-06-30"))], {}, "past_support",
     []),
    ("last date to renew passed", [q("BLK1")], {}, "blocked", [("high", "BLK1", C)]),
    ("last date to renew still ahead", [q("LDOS1", end=D("2027-06-30"))], {}, "blocked", []),
    ("starts two days after the end + 1", [q("CLEAN1", start=D("2027-01-03"))], {}, "gap",
     [("high", "CLEAN1", C)]),
    ("starts one day late", [q("CLEAN1", start=D("2027-01-02"))], {}, "gap", [("high", "CLEAN1", C)]),
    ("starts on end + 1", [q("CLEAN1", start=D("2027-01-01"))], {}, "gap", []),
    ("starts on the end", [q("CLEAN1", start=END)], {}, "overlap", [("medium", "CLEAN1", C)]),
    ("starts on end + 1: no overlap", [q("CLEAN1")], {}, "overlap", []),
    ("with --to, another end", [q("CLEAN1")], {"target": D("2027-06-30")}, "off_target",
     [("medium", "CLEAN1", C)]),
    ("with --to, the target", [q("CLEAN1", end=D("2027-06-30"))], {"target": D("2027-06-30")},
     "off_target", []),
    ("target cut at max_end: the cut date is on target",
     [q("LDOS1", end=D("2027-06-30"))], {"target": D("2027-09-30")}, "off_target", []),
    ("target cut at max_end: the uncut target is off",
     [q("LDOS1", end=D("2027-09-30"))], {"target": D("2027-09-30")}, "off_target",
     [("medium", "LDOS1", C)]),
    ("off_target only for renew lines", [q("SPARE1")], {"target": D("2027-06-30")}, "off_target", []),
    ("no target, no off_target", [q("CLEAN1", end=D("2027-06-30"))], {}, "off_target", []),
    ("8x5xNBD below 24x7x4", [q("CLEAN1", level="SNT")], {}, "level_down",
     [("medium", "CLEAN1", C)]),
    ("same response, fewer hours", [q("CLEAN1", level="8x5x4")], {}, "level_down",
     [("medium", "CLEAN1", C)]),
    ("critical device: high", [q("CRIT1", level="SNT")], {}, "level_down", [("high", "CRIT1", C)]),
    ("a SKU says the level when no level column", [q("CLEAN1", level=None, sku="CON-SNT-C9300")],
     {}, "level_down", [("medium", "CLEAN1", C)]),
    ("onsite is better, not lower", [q("CLEAN1", level="OSP")], {}, "level_down", []),
    ("2 h is better", [q("CLEAN1", level="S2P")], {}, "level_down", []),
    ("unknown spelling not compared", [q("CLEAN1", level="Gold Care")], {}, "level_down", []),
    ("11% more a year", [q("CLEAN1", net="1110.01")], {}, "price_up", [("medium", "CLEAN1", C)]),
    ("exactly 10% more", [q("CLEAN1", net="1100")], {}, "price_up", []),
    ("--max-increase 15", [q("CLEAN1", net="1110.01")], {"max_increase": Decimal(15)}, "price_up", []),
    ("two years, 24 months written", [q("CLEAN1", net="2400", months=24)], {}, "price_up",
     [("medium", "CLEAN1", C)]),
    ("two years, duration from the dates", [q("CLEAN1", net="2400", end=D("2028-12-31"))], {},
     "price_up", [("medium", "CLEAN1", C)]),
    ("two years at the same yearly price", [q("CLEAN1", net="2000", end=D("2028-12-31"))], {},
     "price_up", []),
    ("another currency is not compared", [q("CLEAN1", net="5000", currency="EUR")], {}, "price_up", []),
    ("unknown serial: unknown only", [q("NOPE1", pid="BLK-PID")], {}, None,
     [("unknown", "low", "NOPE1", C)]),
    ("unknown contract of a known serial", [q("CLEAN1", contract="55555")], {}, "unknown",
     [("low", "CLEAN1", "55555")]),
]


@pytest.mark.parametrize(("why", "lines", "opts", "kind", "expected"), RULES, ids=[r[0] for r in RULES])
def test_rule(why, lines, opts, kind, expected):
    serials = {x.serial for x in lines}
    got = [f for f in found(lines, kind=kind, **opts) if kind is not None or f[2] in serials]
    if kind is not None:
        got = [f[1:] for f in got]
    assert got == expected


def test_a_clean_line_really_is_clean_whatever_the_kind():
    assert found([q("CLEAN1")], serial="CLEAN1") == []


# ------------------------------------------------------------------ matching
def test_contract_numbers_compare_on_their_digits():
    assert contract_key("0093425688") == contract_key("93425688") == contract_key(" 93425688 ")
    assert contract_key("0093425688") != contract_key("93425689")
    # the finding names the contract as stored, not as quoted
    assert found([q("SPARE1", contract="93425688")], kind="quoted_inactive") == [
        ("quoted_inactive", "high", "SPARE1", C)]


def _two_lines(**kw):
    """S1 on K1 (ends 2026-12-31) and on K2 (2027-03-01 to 2027-06-30): both `renew`."""
    return analyse(
        [dev("S1", pid="C9300-24T")],
        [con("K1", ln("S1"), start=D("2026-01-01"), end=END, service_level="SNTP"),
         con("K2", ln("S1"), start=D("2027-03-01"), end=D("2027-06-30"), service_level="SNTP")],
        **kw)


def test_by_serial_alone_to_the_renew_line_ending_soonest():
    a = _two_lines()
    result = check_quote([q("S1", contract=None)], a)
    assert (result.matched[0].contract, result.matched[0].end) == ("K1", END)
    assert result.findings == ()  # from end + 1 of K1's line: no gap, no overlap


def test_by_contract_and_serial_first():
    a = _two_lines()
    result = check_quote([q("S1", contract="K2")], a)
    assert result.matched[0].contract == "K2"
    assert [(f.kind, f.contract) for f in result.findings] == [("overlap", "K2")]


def test_the_quotes_pid_only_for_a_serial_not_in_the_inventory():
    # CLEAN1's inventory pid has no EoX: the quote's pid (past support) is not used
    assert found([q("CLEAN1", pid="OLD-PID", end=D("2028-01-31"))], kind="past_support") == []
    # ORPHAN1 is on a line but not in the inventory: the quote's pid is all there is
    assert found([q("ORPHAN1", pid="OLD-PID", end=D("2028-01-31"))], kind="past_support") == [
        ("past_support", "high", "ORPHAN1", C)]


def test_missing_only_for_open_renewals_of_quoted_contracts():
    # nothing of 0093425688 quoted: its lines are not missing
    assert found([q("REN1", "88120455", start=D("2026-11-01"))], kind="missing") == []
    # the renewal is ok (ends in 2027-12, outside review): nothing missing
    later = estate(today=D("2026-06-01"), review_days=120)
    result = check_quote([q("CLEAN1")], later)
    assert [f.kind for f in result.findings if f.kind == "missing"] == []


# ------------------------------------------------------------------ output
def test_findings_sorted_by_severity_then_serial():
    lines = [q("SPARE1", level="SNT"), q("NOPE1"), q("CLEAN1", start=END), q("BLK1")]
    result = check_quote(lines, estate())
    keys = [(f.severity, f.serial) for f in result.findings]
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    assert keys == sorted(keys, key=lambda k: (order[k[0]], k[1]))
    assert keys[0] == ("critical", "CRIT1") and keys[-1] == ("low", "NOPE1")


def test_json_shape_and_totals_per_currency():
    lines = [q("CLEAN1", net="1000.005"), q("CRIT1", net="999.99"), q("SPARE1", net="10", currency="EUR"),
             q("LDOS1", net=None, end=D("2027-06-30")), q("BLK1", net="5", currency=None)]
    result = check_quote(lines, estate())
    doc = check_json(result, ["quote.csv"])
    assert doc["quote"] == {"files": ["quote.csv"], "lines": 5,
                            "total": {"EUR": Decimal("10.00"), "USD": Decimal("2000.00"),
                                      "unknown": Decimal("5.00")}}
    assert set(doc["findings"][0]) == {"kind", "severity", "serial", "contract", "message"}


def test_summary_line():
    result = check_quote([q("CLEAN1"), q("SPARE1")], estate())
    line = summary_line(result, ["quote.csv"])
    assert line.startswith("quote.csv: 2 lines, USD 2,000.00; ")
    assert "critical" in line and "high" in line
    assert summary_line(check_quote([], estate()), ["q.csv"]) == "q.csv: 0 lines, no prices; no findings"


def test_serious_means_high_or_worse():
    assert not check_quote([q("CLEAN1", start=END), q("NOPE1")], _two_lines()).serious  # medium, low
    assert check_quote([q("SPARE1")], estate()).serious


# ------------------------------------------------------------------ money and levels
@pytest.mark.parametrize(("start", "end", "months"), [
    ("2027-01-01", "2027-12-31", 12),
    ("2027-01-01", "2028-12-31", 24),
    ("2027-01-15", "2027-04-14", 3),
    ("2027-01-15", "2027-04-13", 2),  # 2 months and 30 days: rounded down
    ("2027-01-31", "2027-02-27", 1),  # a month from 31 January ends on 28 February
    ("2027-01-31", "2027-02-26", 0),
])
def test_months_between(start, end, months):
    assert months_between(D(start), D(end)) == months


def test_yearly_price_rounds_half_up_once():
    assert yearly_price(q("X", net="1000.00", months=36)) == Decimal("333.33")
    assert yearly_price(q("X", net="100.01", months=24)) == Decimal("50.01")  # 50.005 -> 50.01
    assert yearly_price(q("X", net="100", start=None, months=None)) is None
    assert yearly_price(q("X", net=None)) is None


def test_service_level_ranking():
    rank = [level_rank(normalise_service_level(x)) for x in ("PREM", "S2P", "OSP", "SNTP", "SNTE", "SNC", "OS", "SNT", "SW")]
    assert rank == sorted(rank)
    assert level_rank(normalise_service_level("Gold Care")) is None


# ------------------------------------------------------------------ quote received
def test_a_quote_moves_to_review_and_quote_requested_to_quote_received_only():
    a = estate()
    result = check_quote([q("CLEAN1"), q("REN1", "88120455")], a)
    changes = quote_received_changes(a, result, user="ana", at="2026-12-01T10:00:00+00:00")
    assert [c.contract.number for c in changes] == [C]  # REN1's renewal is renewed: untouched
    apply_changes(a.estate, changes)
    a.refresh(contracts=[C])
    r = a.renewal(C, END)
    assert r.triage.state == "quote received"
    assert [(e.user, e.state) for e in r.triage.history] == [("ana", "quote received")]


@pytest.mark.parametrize(("state", "moves"), [
    ("to review", True), ("quote requested", True), ("quote received", False), ("PO raised", False),
    ("ordered", False), ("do not renew", False),
])
def test_a_later_state_is_left_alone(state, moves):
    base = estate()
    contract = base.estate.contracts[C]
    from dataclasses import replace
    a = analyse(list(base.estate.devices.values()),
                [replace(contract, renewal_triage=(Triage(state, end=END),)),
                 *(c for n, c in base.estate.contracts.items() if n != C)],
                list(base.estate.eox.values()))
    result = check_quote([q("CLEAN1")], a)
    assert bool(quote_received_changes(a, result, user="u", at="t")) is moves


# ------------------------------------------------------------------ the request's dates
def test_requested_end_rules():
    a = estate()
    rows = {r.serial: r for r in request_rows(a)}
    assert rows["CLEAN1"].action == "renew" and rows["CLEAN1"].requested_end == D("2027-12-31")
    assert rows["LDOS1"].requested_end == D("2027-06-30")  # cut at the last date of support
    assert "cut at OLD-PID's last date of support" in rows["LDOS1"].reason
    for s in ("SPARE1", "DECOM1", "ORPHAN1", "BLK1"):
        assert rows[s].action == "terminate" and rows[s].requested_end is None and rows[s].reason
    rows = {r.serial: r for r in request_rows(a, target=D("2027-03-31"))}
    assert rows["CLEAN1"].requested_end == D("2027-03-31")
    assert rows["LDOS1"].requested_end == D("2027-03-31")
    # every renewal of the contracts named, spelled without the zeros
    rows = {r.serial: r for r in request_rows(a, ["88120455"])}
    assert rows["REN1"].action == "no action" and "88120991" in rows["REN1"].reason
    assert rows["REN1"].requested_end is None


def test_end_plus_one_year_from_29_february():
    a = analyse([dev("S", pid="P")], [con("K", ln("S"), start=D("2027-03-01"), end=D("2028-02-29"))],
                today=D("2027-12-01"))
    (rl,) = a.renewal("K", D("2028-02-29")).lines
    assert requested_end(rl, None) == D("2029-02-28")


def test_reference_date_is_the_suites():
    assert TODAY == D("2026-12-01")


# ------------------------------------------------------------------ quotes as changes
def test_a_quote_is_a_change_the_estate_applies_and_undo_inverts():
    from smartnet_tui.domain.changes import DeleteQuote, PutQuote, inverse
    from smartnet_tui.domain.quotes import Quote

    a = estate()
    first = Quote("acme", ("q.csv",), (q("CLEAN1"),))
    assert inverse(a.estate, [PutQuote(first)]) == [DeleteQuote("acme")]
    serials, _ = apply_changes(a.estate, [PutQuote(first)])
    assert serials == {"CLEAN1"} and a.estate.quotes["acme"] == first
    second = Quote("acme", ("q2.csv",), (q("CRIT1"),))
    assert inverse(a.estate, [PutQuote(second)]) == [PutQuote(first)]
    serials, _ = apply_changes(a.estate, [PutQuote(second)])
    assert serials == {"CLEAN1", "CRIT1"} and a.estate.quotes["acme"] == second
    apply_changes(a.estate, [DeleteQuote("acme")])
    assert a.estate.quotes == {}
