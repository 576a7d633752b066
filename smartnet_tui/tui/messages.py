"""Messages of the app (Message classes only)."""

from __future__ import annotations

from textual.message import Message

from smartnet_tui.domain.snapshot import Snapshot
from smartnet_tui.tui.sync import Touched
from smartnet_tui.tui.table_sources import Source


class DataChanged(Message, bubble=False):
    """The engine's results changed; ``touched`` None means all of them.

    Published to every open screen through ``SmartnetApp.data_signal``."""

    def __init__(self, touched: Touched | None) -> None:
        super().__init__()
        self.touched = touched


class LoadProgress(Message, bubble=False):
    """A step of the first load, posted from the I/O thread (never blocks it)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LoadProgress)  # only the latest step counts


class SnapshotFound(Message, bubble=False):
    """The alerts snapshot of the file being loaded (posted from the I/O thread): what the
    Alerts screen shows until the engine's own results arrive."""

    def __init__(self, snapshot: Snapshot, source: Source) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.source = source  # the Alerts table's source over it, its first view made
