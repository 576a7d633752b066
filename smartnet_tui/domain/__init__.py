"""The pure domain: model, dates, service levels, the coverage engine and alerts.

Nothing here does I/O or imports Textual; the store, the CLI and the TUI all call it.
"""

from smartnet_tui.domain.dates import DateOrder, parse_date
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import (
    Alert,
    Contract,
    ContractStatus,
    Coverage,
    Device,
    EoX,
    Estate,
    Line,
)
from smartnet_tui.domain.service_levels import ServiceLevel, normalise_service_level

__all__ = [
    "Alert",
    "Analysis",
    "Contract",
    "ContractStatus",
    "Coverage",
    "DateOrder",
    "Device",
    "EoX",
    "Estate",
    "Line",
    "Policy",
    "ServiceLevel",
    "normalise_service_level",
    "parse_date",
]
