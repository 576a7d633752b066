"""What the app shows first: every alert and the header's counts, as the engine computed
them for one database file and one policy.

The store keeps the newest one beside the database (``store/snapshot.py``), keyed to the
file's identity and the policy: when the app starts on the same, unchanged file on the same
day, the Alerts screen shows these alerts at once, while the estate is read and analysed
again; the engine's own results then replace them. Nothing is decided from a snapshot:
it is only ever shown, and only while it is exactly what the engine would compute.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartnet_tui.domain.engine import Analysis, Summary
from smartnet_tui.domain.model import Alert


@dataclass(frozen=True, slots=True)
class Snapshot:
    alerts: tuple[Alert, ...]  # in the engine's order: most severe, then fewest days left
    summary: Summary

    @classmethod
    def of(cls, analysis: Analysis) -> Snapshot:
        """The snapshot of ``analysis`` (call where nothing edits it meanwhile)."""
        return cls(tuple(analysis.alerts()), analysis.summary())
