"""Recording a renewal as a new contract keeps what each serial's line said."""

from datetime import date

from smartnet_tui.domain import edits
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Contract, Device, Estate, LineSpec

TODAY = date(2026, 12, 1)


def test_a_new_contract_keeps_each_lines_level_sku_and_cost():
    estate = Estate(
        [Device("A", criticality="critical"), Device("B")],
        [Contract("C1", end=date(2026, 12, 20), currency="USD", lines=(
            LineSpec("A", service_level="SNTP", sku="CON-SNTP-X", annual_cost=100.0),
            LineSpec("B", service_level="SNT", annual_cost=50.0),
            LineSpec("B", end=date(2026, 6, 30), service_level="SW", annual_cost=1.0),
        ))],
    )
    (put,) = edits.renew(Analysis(estate, Policy(TODAY)), "C1", date(2027, 12, 20), new_number="C2")
    new = put.contract
    assert (new.number, new.start, new.end, new.currency) == ("C2", date(2026, 12, 21),
                                                               date(2027, 12, 20), "USD")
    by_serial = {ln.serial: ln for ln in new.lines}
    assert sorted(by_serial) == ["A", "B"]
    assert (by_serial["A"].service_level, by_serial["A"].sku, by_serial["A"].annual_cost) == \
        ("SNTP", "CON-SNTP-X", 100.0)
    # B's current line (ending with the contract), not its earlier one
    assert (by_serial["B"].service_level, by_serial["B"].annual_cost) == ("SNT", 50.0)
    assert all(ln.start is None and ln.end is None for ln in new.lines)  # the contract's dates

    # after C1 ends, the critical device is still on a 4-hour level: no service_level alert
    estate.put_contract(new)
    later = Analysis(estate, Policy(date(2026, 12, 25)))
    assert not [a for a in later.alerts() if a.kind == "service_level"]
