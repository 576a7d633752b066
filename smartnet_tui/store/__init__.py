"""The store: persistence only. TinyDB file storage (atomic writes), the cross-process
lock, the change journal, and the converters between stored documents and domain objects.

Never imports Textual, nor the importers (``smartnet_tui.imports`` builds on the store).
"""

from smartnet_tui.store.db import ConflictError, Store, StoreError, default_db_path

__all__ = ["ConflictError", "Store", "StoreError", "default_db_path"]
