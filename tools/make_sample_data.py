#!/usr/bin/env python3
"""Generate the bundled sample estate in ``sample_data/``.

Writes three files, the same every run (fixed random seed, no dependency on today):

* ``estate.yaml``: ``devices`` and ``contracts``, the file ``smartnet --demo`` imports;
* ``estate.json``: exactly the same devices and contracts as JSON (the JSON twin);
* ``eox.json``: ``eox``, the end-of-life rows of the PIDs in the estate that have one.

The estate is built to tell a story on the demo date, 2026-12-01: most devices are
covered and fine, and every kind of alert appears a handful of times (see the comments
on each contract in ``estate.yaml``). Change the story here, never the generated files.

Usage: python tools/make_sample_data.py [OUTPUT_DIR]   (default: sample_data/)
"""

from __future__ import annotations

import json
import random
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml

SEED = 20261201
DEMO_TODAY = "2026-12-01"

rng = random.Random(SEED)

# --------------------------------------------------------------------------- products
# Serial number prefixes (Cisco factory codes) and the range of manufacturing years
# (the two-digit year code is year - 1996) for each PID.
PRODUCTS: dict[str, tuple[tuple[str, ...], tuple[int, int]]] = {
    "C9300-48P": (("FOC", "FJC"), (2019, 2024)),
    "C9300-24T": (("FOC", "FJC"), (2019, 2024)),
    "C9500-24Y4C": (("FDO",), (2020, 2023)),
    "N9K-C93180YC-FX": (("FDO",), (2019, 2022)),
    "N9K-C9336C-FX2": (("FDO",), (2020, 2023)),
    "ISR4451-X/K9": (("FDO", "FJC"), (2017, 2020)),
    "ISR4331/K9": (("FDO", "FJC"), (2017, 2021)),
    "ASR1001-X": (("FXS",), (2018, 2021)),
    "WS-C3850-48P": (("FOC",), (2015, 2018)),
    "WS-C2960X-48FPD-L": (("FOC", "FJC"), (2016, 2019)),
    "C9120AXI-E": (("FJC", "FOC"), (2020, 2025)),
    "AIR-CAP2702I-E-K9": (("FXS", "FJC"), (2015, 2017)),
    "FPR2130-NGFW-K9": (("JAE",), (2018, 2021)),
    "C9200L-24P-4G": (("JAE",), (2020, 2025)),
}

# Rough annual SNT (8x5xNBD) price per unit in USD, after the usual partner discount.
SNT_USD = {
    "C9300-48P": 640, "C9300-24T": 410, "C9500-24Y4C": 2650, "N9K-C93180YC-FX": 1780,
    "N9K-C9336C-FX2": 3150, "ISR4451-X/K9": 1420, "ISR4331/K9": 390, "ASR1001-X": 2480,
    "WS-C3850-48P": 560, "WS-C2960X-48FPD-L": 280, "C9120AXI-E": 52,
    "AIR-CAP2702I-E-K9": 38, "FPR2130-NGFW-K9": 1150, "C9200L-24P-4G": 150,
}
LEVEL_FACTOR = {"SNT": 1.0, "SNTE": 1.3, "SNTP": 1.6, "S2P": 2.6, "OS": 1.5, "OSP": 2.2,
                "SW": 0.35}
FX = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79}

_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_used_serials: set[str] = set()


def make_serial(pid: str) -> str:
    """A real-looking Cisco serial: factory code, year code, week, four characters."""
    prefixes, (first, last) = PRODUCTS[pid]
    while True:
        year = rng.randint(first, last) - 1996
        week = rng.randint(1, 52)
        tail = (rng.choice(_LETTERS) + rng.choice("0123456789")
                + rng.choice(_ALNUM) + rng.choice(_ALNUM))
        serial = f"{rng.choice(prefixes)}{year:02d}{week:02d}{tail}"
        if serial not in _used_serials:
            _used_serials.add(serial)
            return serial


def sku(code: str, pid: str) -> str:
    """A Cisco-style service SKU: CON-<level>-<PID squeezed to eight characters>."""
    return f"CON-{code}-{re.sub(r'[^A-Z0-9]', '', pid.upper())[:8]}"


def unit_cost(code: str, pid: str, currency: str) -> float:
    return SNT_USD[pid] * LEVEL_FACTOR[code] * FX[currency]


# --------------------------------------------------------------------------- devices
devices: list[dict[str, Any]] = []


def device(
    site: str,
    hostname: str | None,
    pid: str,
    *,
    criticality: str = "normal",
    status: str = "active",
    tags: tuple[str, ...] = (),
    notes: str | None = None,
) -> dict[str, Any]:
    rec: dict[str, Any] = {"serial": make_serial(pid), "pid": pid}
    if hostname:
        rec["hostname"] = hostname
    rec["site"] = site
    if status != "active":
        rec["status"] = status
    if criticality != "normal":
        rec["criticality"] = criticality
    if tags:
        rec["tags"] = list(tags)
    if notes:
        rec["notes"] = notes
    devices.append(rec)
    return rec


def fleet(
    site: str, prefix: str, pid: str, first: int, last: int,
    criticality: str = "normal", tags: tuple[str, ...] = (), **kw: Any,
) -> list[dict[str, Any]]:
    """Devices prefix-<first>..prefix-<last>, numbered with two digits."""
    return [
        device(site, f"{prefix}-{i:02d}", pid, criticality=criticality, tags=tags, **kw)
        for i in range(first, last + 1)
    ]


def serials(recs: list[dict[str, Any]]) -> list[str]:
    return [r["serial"] for r in recs]


# LON-DC1: London data centre, spine/leaf fabric, campus floors and a lab.
lon_core = fleet("LON-DC1", "lon-dc1-core", "C9500-24Y4C", 1, 2, "critical", ("dc", "core"))
lon_spine = fleet("LON-DC1", "lon-dc1-spine", "N9K-C9336C-FX2", 1, 4, "critical", ("dc", "fabric"))
lon_leaf = fleet("LON-DC1", "lon-dc1-leaf", "N9K-C93180YC-FX", 1, 16, "high", ("dc", "fabric"))
lon_wan = fleet("LON-DC1", "lon-dc1-wan", "ASR1001-X", 1, 2, "critical", ("wan",))
lon_fw = fleet("LON-DC1", "lon-dc1-fw", "FPR2130-NGFW-K9", 1, 2, "critical", ("security", "pci"))
lon_oob = fleet("LON-DC1", "lon-dc1-oob", "C9300-24T", 1, 2, "normal", ("dc", "oob"))
lon_acc = fleet("LON-DC1", "lon-dc1-acc", "C9300-48P", 1, 20, "normal", ("access",))
# acc-07 was replaced under RMA; the contract still lists the failed unit's serial.
lon_rma_old = make_serial("C9300-48P")
lon_acc[6]["serial"] = make_serial("C9300-48P")
lon_acc[6]["notes"] = (
    f"RMA replacement for {lon_rma_old} (SR 694512387, 2026-10-14); "
    "contract 204418837 still lists the old serial"
)
lon_legacy = fleet("LON-DC1", "lon-dc1-acc", "WS-C3850-48P", 21, 24, "normal", ("access", "legacy"))
lon_legacy[0]["notes"] = "Refresh to C9300-48P planned for Q2 2027 (PRJ-2231)"
lon_gone = device("LON-DC1", "lon-dc1-acc-25", "WS-C3850-48P", status="decommissioned",
                  tags=("access", "legacy"), notes="Removed in the 4th-floor refit, 2025-11")
lon_ap = fleet("LON-DC1", "lon-dc1-ap", "C9120AXI-E", 1, 16, "low", ("wifi",))
lon_spares = [
    device("LON-DC1", None, "C9300-48P", status="spare", tags=("spare",),
           notes="Cold spare, cage B rack 12"),
    device("LON-DC1", None, "C9300-48P", status="spare", tags=("spare",),
           notes="Cold spare, cage B rack 12"),
]
lab_sw = device("LON-DC1", "lab-[bold]-sw01", "C9300-24T", criticality="low", tags=("lab",),
                notes="Lab switch; the name really has brackets in it (imported from the old CMDB)")
lab_rtr = device("LON-DC1", "lon-lab-rtr-01", "ISR4331/K9", criticality="low", tags=("lab",),
                 notes="Console on OOB port 12; old rack label reads [/x] (ignore it)")
lab_fw = device("LON-DC1", "lon-lab-fw-01", "FPR2130-NGFW-K9", criticality="low", tags=("lab",))

# NYC-HQ: head office, collapsed core, WAN edge, firewalls, floors and Wi-Fi.
nyc_core = fleet("NYC-HQ", "nyc-hq-core", "C9500-24Y4C", 1, 2, "critical", ("core",))
nyc_wan = fleet("NYC-HQ", "nyc-hq-wan", "ISR4451-X/K9", 1, 2, "critical", ("wan",))
nyc_fw = fleet("NYC-HQ", "nyc-hq-fw", "FPR2130-NGFW-K9", 1, 2, "critical", ("security",))
nyc_acc = fleet("NYC-HQ", "nyc-hq-acc", "C9300-48P", 1, 30, "normal", ("access",))
nyc_acc_small = fleet("NYC-HQ", "nyc-hq-acc", "C9200L-24P-4G", 31, 38, "normal", ("access",))
nyc_floor = fleet("NYC-HQ", "nyc-hq-flr", "WS-C2960X-48FPD-L", 1, 6, "normal", ("access", "legacy"))
nyc_floor_gone = [
    device("NYC-HQ", f"nyc-hq-flr-{i:02d}", "WS-C2960X-48FPD-L", status="decommissioned",
           tags=("access", "legacy"), notes=note)
    for i, note in (
        (7, "Floor 14 refit, powered off 2026-09-18; still on contract 92451877"),
        (8, "Floor 14 refit, powered off 2026-09-18; still on contract 92451877"),
        (9, "Floor 12 refit 2026-05; line terminated on 92451877"),
    )
]
nyc_ap = fleet("NYC-HQ", "nyc-hq-ap", "C9120AXI-E", 1, 28, "low", ("wifi",))
nyc_ap_new = fleet("NYC-HQ", "nyc-hq-ap", "C9120AXI-E", 29, 31, "low", ("wifi",),
                   notes="Installed 2026-11 for the 15th floor; add at the next renewal")
# The 2960-X that was removed from the inventory but is still on the contract.
nyc_orphan = make_serial("WS-C2960X-48FPD-L")

# FRA-DC2: Frankfurt data centre.
fra_core = fleet("FRA-DC2", "fra-dc2-core", "C9500-24Y4C", 1, 2, "critical", ("dc", "core"))
fra_spine = fleet("FRA-DC2", "fra-dc2-spine", "N9K-C9336C-FX2", 1, 2, "critical", ("dc", "fabric"))
fra_leaf = fleet("FRA-DC2", "fra-dc2-leaf", "N9K-C93180YC-FX", 1, 12, "high", ("dc", "fabric"))
fra_wan = fleet("FRA-DC2", "fra-dc2-wan", "ASR1001-X", 1, 2, "critical", ("wan",))
fra_fw = fleet("FRA-DC2", "fra-dc2-fw", "FPR2130-NGFW-K9", 1, 2, "critical", ("security", "pci"))
fra_acc = fleet("FRA-DC2", "fra-dc2-acc", "C9300-24T", 1, 14, "normal", ("access",))
fra_acc[2]["notes"] = "Büro 3. OG, Raum 3.14"
fra_ap = fleet("FRA-DC2", "fra-dc2-ap", "C9120AXI-E", 1, 8, "low", ("wifi",))
fra_spare = device("FRA-DC2", None, "N9K-C93180YC-FX", status="spare", tags=("spare", "fabric"),
                   notes="Hot spare for the leaf pairs")

# SIN-OFF: Singapore office. The renewal quote left four devices off.
sin_rtr = fleet("SIN-OFF", "sin-off-rtr", "ISR4331/K9", 1, 2, "critical", ("wan",))
sin_fw = fleet("SIN-OFF", "sin-off-fw", "FPR2130-NGFW-K9", 1, 1, "high", ("security",))
sin_acc = fleet("SIN-OFF", "sin-off-acc", "C9300-24T", 1, 8, "normal", ("access",))
sin_acc_small = fleet("SIN-OFF", "sin-off-acc", "C9200L-24P-4G", 9, 14, "normal", ("access",))
sin_ap = fleet("SIN-OFF", "sin-off-ap", "C9120AXI-E", 1, 12, "low", ("wifi",))
sin_ap_old = fleet("SIN-OFF", "sin-off-ap", "AIR-CAP2702I-E-K9", 13, 14, criticality="low",
                   tags=("wifi", "legacy"))
sin_spare = device("SIN-OFF", None, "C9200L-24P-4G", status="spare", tags=("spare",))
sin_left_off = [sin_rtr[1], sin_acc[3], *sin_ap_old]

# NO: the Oslo office (the site code is literally NO, which YAML 1.1 reads as false).
no_rtr = device("NO", "no-rtr-01", "ISR4331/K9", criticality="critical", tags=("wan",))
no_fw = device("NO", "no-fw-01", "FPR2130-NGFW-K9", criticality="high", tags=("security",))
no_acc = fleet("NO", "no-acc", "C9300-48P", 1, 10, "normal", ("access",))
no_ap = fleet("NO", "no-ap", "C9120AXI-E", 1, 14, "low", ("wifi",))
no_spare = device("NO", None, "ISR4331/K9", status="spare", tags=("spare",))

# Branches: Manchester and Boston.
man_rtr = device("MAN-BR", "man-br-rtr-01", "ISR4331/K9", criticality="high",
                 tags=("wan", "branch"))
man_acc = fleet("MAN-BR", "man-br-acc", "C9200L-24P-4G", 1, 12, "normal", ("access", "branch"))
man_ap = fleet("MAN-BR", "man-br-ap", "C9120AXI-E", 1, 16, "low", ("wifi", "branch"))
man_new = device("MAN-BR", "man-br-acc-13", "C9200L-24P-4G", tags=("access", "branch"),
                 notes="Installed 2026-11-18 (CHG0041877), not yet on a contract")
bos_rtr = device("BOS-BR", "bos-br-rtr-01", "ISR4331/K9", criticality="high",
                 tags=("wan", "branch"))
bos_acc = fleet("BOS-BR", "bos-br-acc", "C9200L-24P-4G", 1, 10, "normal", ("access", "branch"))
bos_legacy = fleet("BOS-BR", "bos-br-acc", "WS-C2960X-48FPD-L", 11, 12, "normal",
                   ("access", "branch", "legacy"))
bos_ap = fleet("BOS-BR", "bos-br-ap", "C9120AXI-E", 1, 14, "low", ("wifi", "branch"))

PID_OF = {d["serial"]: d["pid"] for d in devices}
PID_OF[lon_rma_old] = "C9300-48P"
PID_OF[nyc_orphan] = "WS-C2960X-48FPD-L"

# --------------------------------------------------------------------------- contracts
contracts: list[dict[str, Any]] = []
comments: dict[str, str] = {}


def total(serial_list: list[str], code: str, currency: str, factor: float = 1.0) -> float:
    """Annual cost of these serials at this level, rounded to ten like a partner quote."""
    value = sum(unit_cost(code, PID_OF[s], currency) for s in serial_list) * factor
    return float(round(value, -1))


def contract(number: str, comment: str, **fields: Any) -> dict[str, Any]:
    rec = {"number": number, **fields}
    contracts.append(rec)
    comments[number] = comment
    return rec


def lines_for(recs: list[dict[str, Any]], code: str, **over: Any) -> list[dict[str, Any]]:
    return [{"serial": r["serial"], "sku": sku(code, r["pid"]), **over} for r in recs]


# 0093425688 -- London DC fabric, SNTP (core at S2P); the firewall lines end earlier.
# ok; the two OOB switches are also on 204418837 (duplicate).
lon_dc_scope = lon_spine + lon_leaf + lon_wan + lon_oob
lon_dc_lines = (
    lines_for(lon_core, "S2P", service_level="S2P")
    + lines_for(lon_dc_scope, "SNTP")
    + lines_for(lon_fw, "SNTP", service_level=sku("SNTP", "FPR2130-NGFW-K9"), end="31-Mar-2027")
)
contract(
    "0093425688",
    "London DC fabric: SNTP, core at S2P, firewall lines co-termed to 31-Mar-2027. "
    "The OOB switches are also on 204418837 (duplicate).",
    service_level="SNTP",
    start="2024-07-01",
    end="2027-06-30",
    status="active",
    reseller="Computacenter",
    annual_cost=(total(serials(lon_core), "S2P", "GBP")
                 + total(serials(lon_dc_scope + lon_fw), "SNTP", "GBP")),
    currency="GBP",
    lines=lon_dc_lines,
)

# 204418837 -- London campus, SNT. APs added mid-term with their own start; still lists
# the RMA'd switch (orphan), covers two cold spares, and the 3850s past their LDoS.
lon_campus_acc = [dict(r) for r in lon_acc]
lon_campus_acc[6] = {"serial": lon_rma_old, "pid": "C9300-48P"}
lon_campus_lines = (
    lines_for(lon_campus_acc + lon_oob, "SNT")
    + lines_for(lon_legacy, "SNT")
    + lines_for(lon_ap, "SNT", start="2025-03-01")
    + lines_for(lon_spares, "SNT")
)
contract(
    "204418837",
    "London campus: SNT to 31-Jul-2027. APs added 2025-03-01. Still lists the RMA'd acc-07 "
    "serial (orphan), covers two cold spares and the WS-C3850s past their last date of support.",
    service_level="SNT",
    start="01-Aug-2024",
    end="31-Jul-2027",
    status="active",
    reseller="Computacenter",
    annual_cost=total([ln["serial"] for ln in lon_campus_lines], "SNT", "GBP"),
    currency="GBP",
    lines=lon_campus_lines,
)

# 206004518 -- London lab, software support only; due within 30 days.
lab_scope = [lab_rtr, lab_fw]
contract(
    "206004518",
    "London lab: software support only, due in 19 days; triaged 'do not renew' (the lab "
    "kit goes unsupported: will lapse). lab-[bold]-sw01 was never added.",
    service_level="SW",
    start="2025-12-21",
    end="2026-12-20",
    status="active",
    reseller="Computacenter",
    annual_cost=total(serials(lab_scope), "SW", "GBP"),
    currency="GBP",
    serials=serials(lab_scope),
    # the single contract-level triage older files keep: it applies to the contract's
    # most urgent open renewal (the one ending 2026-12-20)
    triage={"state": "do not renew", "owner": "priya",
            "note": "Lab budget cut for 2027; the lab runs unsupported"},
)

# 92451876 -- NYC core/WAN/security, onsite 24x7x4, ends in 14 days: renew now.
nyc_core_scope = nyc_core + nyc_wan + nyc_fw
contract(
    "92451876",
    "NYC core, WAN and firewalls: OSP, ends 2026-12-15 (due in 14 days, not renewed yet).",
    service_level="OSP",
    start="2023-12-16",
    end="2026-12-15",
    status="active",
    reseller="CDW",
    annual_cost=total(serials(nyc_core_scope), "OSP", "USD"),
    currency="USD",
    lines=lines_for(nyc_core_scope, "OSP"),
)

# 92451877 -- NYC access: review. Covers the 2960-X (past end of contract renewal),
# two decommissioned 2960-X, one terminated line, the APs moved over from 92110348,
# and a serial no longer in the inventory.
nyc_access_lines = (
    lines_for(nyc_acc + nyc_acc_small, "SNT")
    + lines_for(nyc_floor, "SNT")
    + lines_for(nyc_floor_gone[:2], "SNT")
    + lines_for(nyc_floor_gone[2:], "SNT", status="terminated")
    + [{"serial": nyc_orphan, "sku": sku("SNT", "WS-C2960X-48FPD-L")}]
    + lines_for(nyc_ap, "SNT", start="2026-04-01")
)
contract(
    "92451877",
    "NYC access and Wi-Fi: SNT, ends 2027-03-15 (review). WS-C2960X past end of contract "
    "renewal (renewal blocked); two decommissioned 2960-X still covered, one line "
    "terminated; one serial not in the inventory (orphan). APs moved from 92110348 on 2026-04-01.",
    service_level="SNT",
    start="2024-03-16",
    end="2027-03-15",
    status="active",
    reseller="CDW",
    annual_cost=total(
        [ln["serial"] for ln in nyc_access_lines if ln.get("status") != "terminated"], "SNT", "USD"
    ),
    currency="USD",
    lines=nyc_access_lines,
)

# 92110348 -- the old NYC Wi-Fi contract, cancelled when the APs moved to 92451877.
contract(
    "92110348",
    "Old NYC Wi-Fi contract, cancelled 2026-03-31 when the APs moved to 92451877.",
    service_level="SNT",
    start="2023-07-01",
    end="2027-06-30",
    status="cancelled",
    reseller="CDW",
    annual_cost=total(serials(nyc_ap), "SNT", "USD"),
    currency="USD",
    serials=serials(nyc_ap),
)

# 93017245 -- branches, due in 45 days; nyc-hq-acc-12 was added here by mistake.
branch_scope = [man_rtr, *man_acc, *man_ap, bos_rtr, *bos_acc, *bos_legacy, *bos_ap, nyc_acc[11]]
contract(
    "93017245",
    "Branches (MAN-BR, BOS-BR): SMARTnet 8x5xNBD, ends 15-Jan-2027 (due in 45 days). "
    "BOS-BR 2960-X past end of contract renewal; nyc-hq-acc-12 is also on 92451877 (duplicate).",
    service_level="SMARTNET 8X5XNBD",
    start="2024-01-16",
    end="15-Jan-2027",
    status="active",
    reseller="CDW",
    annual_cost=total(serials(branch_scope), "SNT", "USD"),
    currency="USD",
    serials=serials(branch_scope),
)

# 201884530 / 207319004 -- Frankfurt DC, renewed: the new contract starts the day after.
fra_dc_scope = fra_core + fra_spine + fra_leaf + fra_wan + fra_acc + fra_ap + [fra_spare]
contract(
    "201884530",
    "Frankfurt DC: 24x7x4 (SNTP), ends 2026-12-31; renewed by 207319004 from 2027-01-01.",
    service_level="24x7x4",
    start="2024-01-01",
    end="2026-12-31",
    status="active",
    reseller="Computacenter",
    annual_cost=total(serials(fra_dc_scope), "SNTP", "EUR"),
    currency="EUR",
    serials=serials(fra_dc_scope),
)
contract(
    "207319004",
    "Frankfurt DC renewal of 201884530: SNTP, 2027-01-01 to 2028-12-31.",
    service_level="SNTP",
    start="2027-01-01",
    end="2028-12-31",
    status="active",
    reseller="Computacenter",
    annual_cost=total(serials(fra_dc_scope), "SNTP", "EUR", factor=0.96),  # multi-year discount
    currency="EUR",
    serials=serials(fra_dc_scope),
)

# 208812077 -- Frankfurt firewalls on next-business-day support: critical devices too slow.
contract(
    "208812077",
    "Frankfurt firewalls: CX Level 2 8x5xNBD, too slow for critical devices.",
    service_level="CX LEVEL 2 8X5XNBD",
    start="2024-10-01",
    end="2027-09-30",
    status="active",
    reseller="Computacenter",
    annual_cost=total(serials(fra_fw), "SNT", "EUR"),
    currency="EUR",
    serials=serials(fra_fw),
)

# 88120455 / 88120991 -- Singapore: expired, and the replacement left four devices off.
sin_all = sin_rtr + sin_fw + sin_acc + sin_acc_small + sin_ap + sin_ap_old
sin_renewed = [d for d in sin_all if d not in sin_left_off]
contract(
    "88120455",
    "Singapore office: expired 2026-10-31. The replacement 88120991 left sin-off-rtr-02, "
    "sin-off-acc-04 and the two AIR-CAP2702I off (lapsed).",
    service_level="8x5xNBD onsite",
    start="2023-11-01",
    end="2026-10-31",
    status="active",
    reseller="NTT Data",
    annual_cost=total(serials(sin_all), "OS", "USD"),
    currency="USD",
    serials=serials(sin_all),
    # triage per renewal (its end), with the history of its states
    renewal_triage=[{
        "end": "2026-10-31", "state": "ordered", "owner": "wei",
        "note": "PO 4500187342 for the devices left off; new contract number awaited",
        "updated": "2026-11-24T09:12:00+08:00",
        "history": [
            {"at": "2026-11-02T10:04:00+08:00", "user": "wei", "state": "quote requested"},
            {"at": "2026-11-09T16:30:00+08:00", "user": "wei", "state": "quote received"},
            {"at": "2026-11-24T09:12:00+08:00", "user": "wei", "state": "ordered"},
        ],
    }],
)
contract(
    "88120991",
    "Singapore office replacement: 8x5xNBD onsite from 01-Nov-2026 to 31-Oct-2027; "
    "sin-off-rtr-01 is critical but only next-business-day.",
    service_level="8x5xNBD onsite",
    start="01-Nov-2026",
    end="31-Oct-2027",
    status="active",
    reseller="NTT Data",
    annual_cost=total(serials(sin_renewed), "OS", "USD"),
    currency="USD",
    serials=serials(sin_renewed),
)

# 204420115 -- the removed London acc-25, still under its own small contract: nothing to
# renew (not needed), and money spent on a decommissioned switch.
contract(
    "204420115",
    "London 4th-floor switch lon-dc1-acc-25, removed in the 2025-11 refit: its own SNT "
    "contract to 31-Jan-2027 covers only it (nothing to renew: not needed).",
    service_level="SNT",
    start="2024-02-01",
    end="2027-01-31",
    status="active",
    reseller="Computacenter",
    annual_cost=total([lon_gone["serial"]], "SNT", "GBP"),
    currency="GBP",
    serials=[lon_gone["serial"]],
)

# 204419902 -- Oslo: SNT with the router and firewall upgraded to SNTE, priced per line.
no_lines = []
for r in [no_rtr, no_fw, *no_acc, *no_ap]:
    code = "SNTE" if r in (no_rtr, no_fw) else "SNT"
    line = {"serial": r["serial"], "sku": sku(code, r["pid"])}
    if code == "SNTE":
        line["service_level"] = sku(code, r["pid"])
    line["annual_cost"] = round(unit_cost(code, r["pid"], "EUR"), 2)
    no_lines.append(line)
contract(
    "204419902",
    "Oslo (site NO): SNT, router and firewall lines at SNTE; priced per line, no contract "
    "total. Ends 2027-02-28 (review).",
    service_level="SNT",
    start="2024-03-01",
    end="2027-02-28",
    status="active",
    reseller="Computacenter",
    currency="EUR",
    lines=no_lines,
)

# --------------------------------------------------------------------------- EoX
# Only PIDs with an end-of-life announcement have a row (as the EoX API answers).
eox = [
    {"pid": "AIR-CAP2702I-E-K9", "end_of_sale": "2019-04-30", "end_of_sw_maintenance": "2020-04-29",
     "end_of_contract_renewal": "2023-01-25", "last_date_of_support": "2024-04-30"},
    {"pid": "WS-C3850-48P", "end_of_sale": "2020-10-30", "end_of_sw_maintenance": "2021-10-30",
     "end_of_contract_renewal": "2025-01-28", "last_date_of_support": "2025-10-31"},
    {"pid": "WS-C2960X-48FPD-L", "end_of_sale": "2022-10-31", "end_of_sw_maintenance": "2023-10-31",
     "end_of_contract_renewal": "2026-07-30", "last_date_of_support": "2027-10-31"},
    {"pid": "FPR2130-NGFW-K9", "end_of_sale": "2023-08-29", "end_of_sw_maintenance": "2024-08-28",
     "end_of_contract_renewal": "2027-05-25", "last_date_of_support": "2028-08-31"},
    {"pid": "ISR4451-X/K9", "end_of_sale": "2023-11-07", "end_of_sw_maintenance": "2024-11-06",
     "end_of_contract_renewal": "2027-08-04", "last_date_of_support": "2028-11-30"},
    {"pid": "ISR4331/K9", "end_of_sale": "2023-11-07", "end_of_sw_maintenance": "2024-11-06",
     "end_of_contract_renewal": "2027-08-04", "last_date_of_support": "2028-11-30"},
]

# --------------------------------------------------------------------------- output
for c in contracts:
    if "annual_cost" in c:
        c["annual_cost"] = round(float(c["annual_cost"]), 2)

YAML_HEADER = f"""\
# smartnet sample estate: {len(devices)} devices over 7 sites and {len(contracts)} contracts.
# Generated by tools/make_sample_data.py (edit that, not this file); its JSON twin is
# estate.json and the end-of-life rows are in eox.json.
# `smartnet --demo` imports this file with today fixed at {DEMO_TODAY}.
# Every scalar is quoted so that YAML 1.1 cannot turn the site NO into false or strip the
# leading zeros of contract 0093425688.
"""


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"unexpected scalar {value!r}")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _emit_mapping(rec: dict[str, Any], indent: int, out: list[str]) -> None:
    """One list item: '- key: value' then the other keys aligned under it."""
    pad = " " * indent
    for i, (key, value) in enumerate(rec.items()):
        lead = f"{pad}- " if i == 0 else f"{pad}  "
        if key == "tags":
            out.append(f"{lead}{key}: [{', '.join(_scalar(v) for v in value)}]")
        elif isinstance(value, list):
            out.append(f"{lead}{key}:")
            for item in value:
                if isinstance(item, dict):
                    _emit_mapping(item, indent + 4, out)
                else:
                    out.append(f"{pad}    - {_scalar(item)}")
        else:
            out.append(f"{lead}{key}: {_scalar(value)}")


def render_yaml() -> str:
    out = [YAML_HEADER.rstrip("\n"), "", "devices:"]
    for d in devices:
        _emit_mapping(d, 2, out)
    out += ["", "contracts:"]
    for c in contracts:
        wrapped = textwrap.wrap(comments[c["number"]], 86, break_on_hyphens=False)
        out.extend(f"  # {ln}" for ln in wrapped)
        _emit_mapping(c, 2, out)
    return "\n".join(out) + "\n"


def _stringify(value: Any) -> Any:
    """What a YAML BaseLoader gives back for value: every scalar a string."""
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    return _scalar(value) if isinstance(value, float) else str(value)


def main(argv: list[str]) -> int:
    default = Path(__file__).resolve().parent.parent / "sample_data"
    out_dir = Path(argv[1]) if len(argv) > 1 else default
    out_dir.mkdir(parents=True, exist_ok=True)
    estate = {"devices": devices, "contracts": contracts}
    text = render_yaml()
    # The YAML must read back as exactly the JSON twin (as strings, the way the app loads it).
    loaded = yaml.load(text, Loader=yaml.BaseLoader)
    if loaded != _stringify(estate):
        raise SystemExit("estate.yaml does not read back as estate.json")
    (out_dir / "estate.yaml").write_text(text, encoding="utf-8")
    (out_dir / "estate.json").write_text(
        json.dumps(estate, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "eox.json").write_text(
        json.dumps({"eox": eox}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(devices)} devices, {len(contracts)} contracts and {len(eox)} EoX rows"
          f" to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
