"""Settings shared by the CLI and the TUI (no I/O, no Textual)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from smartnet_tui.domain.dates import DateOrder

DEMO_TODAY = date(2026, 12, 1)


@dataclass(frozen=True)
class Settings:
    db_path: Path
    today: date | None = None  # None: the local date, rolling over at midnight
    due_days: int = 60
    review_days: int = 120
    date_order: DateOrder = DateOrder.MDY
    demo: bool = False
    watch: tuple[Path, ...] = field(default=())
    mouse: bool = True
    ascii: bool = False

    def reference_date(self) -> date:
        return self.today or date.today()
