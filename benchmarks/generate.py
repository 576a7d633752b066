"""Generate a synthetic estate of N devices and M contract lines in the data format.

    python benchmarks/generate.py --devices 50000 --lines 200000 -o estate.json

Deterministic for a seed: families of yearly contract terms over a few hundred serials
each (history, current, due and lapsed terms), spares, decommissioned devices, orphans,
duplicates, terminated lines, lines with their own end and EoX rows, so every rule of the
engine does real work.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

PIDS = ["C9300-48P", "C9300-24T", "C9500-24Y4C", "N9K-C93180YC-FX", "ISR4451-X/K9",
        "ASR1001-X", "WS-C3850-48P", "WS-C2960X-48FPD-L", "C9120AXI-E", "FPR2130-NGFW-K9"]
LEVELS = ["SNT", "SNTP", "SNTE", "OSP", "S2P", "CON-SNTP-C93004PA", "8x5xNBD onsite", "SW"]
SITES = [f"SITE-{i:03d}" for i in range(120)]
TODAY = date(2026, 12, 1)


def generate(devices: int, lines: int, seed: int = 7, lines_per_contract: int = 400) -> dict[str, Any]:
    """Contracts come in families of consecutive yearly terms over the same serials (the
    way an estate accumulates history): most lines have ended, the newest term is current,
    some families lapsed, some are due. A few percent of lines are orphans, duplicates,
    terminated or carry their own dates."""
    rnd = random.Random(seed)
    serials = [f"FOC{i:08d}" for i in range(devices)]
    devs = []
    for s in serials:
        r = rnd.random()
        devs.append({
            "serial": s,
            "pid": rnd.choice(PIDS),
            "hostname": f"sw-{s[-6:].lower()}",
            "site": rnd.choice(SITES),
            "status": "spare" if r < 0.03 else "decommissioned" if r < 0.05 else "active",
            "criticality": rnd.choices(["critical", "high", "normal", "low"], [2, 8, 80, 10])[0],
        })
    terms = max(1, round(lines / max(devices, 1)))
    per_family = max(1, lines_per_contract)
    contracts = []
    made = 0
    pos = 0
    family = 0
    while made < lines:
        members = serials[pos:pos + per_family] or rnd.sample(serials, min(per_family, devices))
        pos += per_family
        level = rnd.choice(LEVELS)
        # the newest term ends between 200 days ago and 900 days ahead
        last_end = TODAY + timedelta(days=rnd.randint(-200, 900))
        for t in range(terms):
            if made >= lines:
                break
            end = last_end - timedelta(days=365 * (terms - 1 - t))
            start = end - timedelta(days=364)
            c_lines = []
            for serial in members[: lines - made]:
                r = rnd.random()
                if r < 0.01:
                    serial = f"ORPH{rnd.randint(0, 10**7):08d}"
                ln: dict[str, Any] = {"serial": serial}
                if r > 0.99:
                    ln["status"] = "terminated"
                elif r > 0.97:
                    ln["end"] = (end - timedelta(days=rnd.randint(1, 200))).isoformat()
                c_lines.append(ln)
            made += len(c_lines)
            contracts.append({
                "number": f"{90000000 + family * 10 + t:010d}",
                "service_level": level,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "status": "cancelled" if rnd.random() < 0.01 else "active",
                "reseller": rnd.choice(["Acme Networks", "NetPartner Ltd", "Globex"]),
                "annual_cost": round(rnd.uniform(5_000, 400_000), 2),
                "currency": "USD",
                "lines": c_lines,
            })
        family += 1
    # a sprinkling of duplicates: serials also on another family's current term
    # (never twice on one contract: the importer refuses a serial listed twice there)
    for c in rnd.sample(contracts, max(1, len(contracts) // 50)):
        on = {ln["serial"] for ln in c["lines"]}
        extra = [s for s in (rnd.choice(serials) for _ in range(5)) if s not in on]
        c["lines"].extend({"serial": s} for s in dict.fromkeys(extra))
    eox = [
        {"pid": "WS-C3850-48P", "end_of_sale": "2022-10-30", "end_of_contract_renewal": "2026-10-30",
         "last_date_of_support": "2027-10-31"},
        {"pid": "WS-C2960X-48FPD-L", "end_of_sale": "2022-10-30", "end_of_contract_renewal": "2025-10-30",
         "last_date_of_support": "2026-10-31"},
    ]
    return {"devices": devs, "contracts": contracts, "eox": eox}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=50_000)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", type=Path, required=True)
    a = ap.parse_args()
    a.output.write_bytes(orjson.dumps(generate(a.devices, a.lines, a.seed)))


if __name__ == "__main__":
    main()
