"""Generate a synthetic estate of N devices and M contract lines in the data format.

    python benchmarks/generate.py --devices 50000 --lines 200000 -o /tmp/estate.json

Deterministic for a seed. Lines are spread over contracts of a few hundred lines each,
with a mix of renewals (adjacent lines), lapsed and future lines, spares, decommissioned
devices, orphans and EoX rows, so every rule of the engine does real work.
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
            "criticality": rnd.choice(["critical", "high", "normal", "normal", "normal", "low"]),
        })
    contracts = []
    n_contracts = max(1, lines // lines_per_contract)
    made = 0
    for c in range(n_contracts):
        start = TODAY - timedelta(days=rnd.randint(30, 1400))
        end = start + timedelta(days=rnd.choice([365, 730, 1095]))
        count = lines_per_contract if c < n_contracts - 1 else lines - made
        c_lines = []
        for _ in range(count):
            if rnd.random() < 0.02:
                serial = f"ORPH{rnd.randint(0, 10**7):08d}"
            else:
                serial = serials[rnd.randrange(devices)]
            ln: dict[str, Any] = {"serial": serial}
            r = rnd.random()
            if r < 0.2:
                s2 = start + timedelta(days=rnd.randint(0, 200))
                ln["start"] = s2.isoformat()
                ln["end"] = (s2 + timedelta(days=365)).isoformat()
            elif r < 0.22:
                ln["status"] = "terminated"
            c_lines.append(ln)
        made += count
        contracts.append({
            "number": f"{90000000 + c:010d}",
            "service_level": rnd.choice(LEVELS),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "status": "cancelled" if rnd.random() < 0.02 else "active",
            "reseller": rnd.choice(["Acme Networks", "NetPartner Ltd", "Globex"]),
            "annual_cost": round(rnd.uniform(5_000, 400_000), 2),
            "currency": "USD",
            "lines": c_lines,
        })
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
