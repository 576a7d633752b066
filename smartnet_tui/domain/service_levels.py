"""Cisco SMARTnet service levels, normalised from the many ways they are spelled.

``CON-SNTP-C93004PA``, ``SNTP``, ``24x7x4``, ``SMARTNET 24X7X4`` and ``SNTC-24X7X4`` all
mean SNTP (24x7, 4-hour response, parts only). An unknown spelling is kept as written and
flagged ``known=False``: the caller reports it as a warning, never a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    code: str  # Cisco's code (SNTP ...) or, when unknown, the text as written
    hours: str | None  # "8x5", "24x7", "8x7"; None for software only or unknown
    response: str | None  # "NBD", "NCD", "4h", "2h"; None for software only or unknown
    onsite: bool
    known: bool = True

    @property
    def fast_response(self) -> bool:
        """Four-hour response or better (NBD, NCD and software only are not)."""
        return self.response in ("4h", "2h")

    @property
    def label(self) -> str:
        if not self.known:
            return self.code
        if self.code == "SW":
            return "SW software only"
        resp = self.response.removesuffix("h") if self.response else ""
        return f"{self.code} {'onsite ' if self.onsite else ''}{self.hours}x{resp}"

    def __str__(self) -> str:
        return self.code


LEVELS: dict[str, ServiceLevel] = {
    "SNT": ServiceLevel("SNT", "8x5", "NBD", False),
    "SNTE": ServiceLevel("SNTE", "8x5", "4h", False),
    "SNTP": ServiceLevel("SNTP", "24x7", "4h", False),
    "S2P": ServiceLevel("S2P", "24x7", "2h", False),
    "SNC": ServiceLevel("SNC", "8x7", "NCD", False),
    "SW": ServiceLevel("SW", None, None, False),
    "OS": ServiceLevel("OS", "8x5", "NBD", True),
    "OSE": ServiceLevel("OSE", "8x5", "4h", True),
    "OSP": ServiceLevel("OSP", "24x7", "4h", True),
    "PREM": ServiceLevel("PREM", "24x7", "2h", True),
}

# (hours, response, onsite) -> code
_BY_TERMS = {(lv.hours, lv.response, lv.onsite): code for code, lv in LEVELS.items() if lv.hours}

_SKU = re.compile(r"^CON-(?:\d)?([A-Z0-9]+)-")
_TERMS = re.compile(r"(8|24)\s*X\s*(5|7)\s*X\s*(NBD|NCD|4|2)(?:\s*H(?:OURS?|R)?)?(?![0-9])")
_ONSITE = re.compile(r"\b(ON[- ]?SITE|OS)\b")
_SOFTWARE = re.compile(r"\b(SOFTWARE|SW)\b")


@lru_cache(maxsize=4096)
def normalise_service_level(text: str) -> ServiceLevel:
    """Map any spelling to a ServiceLevel; unknown spellings come back with known=False."""
    raw = text.strip()
    up = " ".join(raw.upper().split())
    if up in LEVELS:
        return LEVELS[up]
    if m := _SKU.match(up):
        code = m[1]
        if code in LEVELS:
            return LEVELS[code]
        if code.startswith("SNTC") or code == "SSSNT":
            pass  # SNTC SKUs name terms after the code (CON-SNTC-...): fall through
        else:
            return ServiceLevel(raw, None, None, False, known=False)
    if m := _TERMS.search(up):
        hours = f"{m[1]}x{m[2]}"
        response = m[3] if m[3] in ("NBD", "NCD") else f"{m[3]}h"
        onsite = bool(_ONSITE.search(up))
        code = _BY_TERMS.get((hours, response, onsite))
        if code:
            return LEVELS[code]
        return ServiceLevel(raw, None, None, False, known=False)
    if _SOFTWARE.search(up) and not _ONSITE.search(up):
        return LEVELS["SW"]
    return ServiceLevel(raw, None, None, False, known=False)


# Service levels compared (issue 10, a quote's `level_down`): by response first, then hours,
# then onsite before not; lower tuples are better. Unknown spellings are not compared.
RESPONSE_ORDER = ("2h", "4h", "NCD", "NBD", None)  # None: software only
HOURS_ORDER = ("24x7", "8x7", "8x5", None)


def level_rank(level: ServiceLevel | None) -> tuple[int, int, int] | None:
    """A sort key, best service first; None for an unknown level (not comparable)."""
    if level is None or not level.known:
        return None
    return (RESPONSE_ORDER.index(level.response), HOURS_ORDER.index(level.hours),
            0 if level.onsite else 1)
