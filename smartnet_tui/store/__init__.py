"""The store: TinyDB persistence, locking, the change journal and the importers.

Never imports Textual.
"""

from smartnet_tui.store.db import ConflictError, Store, StoreError, default_db_path

__all__ = ["ConflictError", "Store", "StoreError", "default_db_path"]
