"""Readers of every input format and the planning of an import (no Textual).

The store persists; this package turns files and API answers into planned changes and
writes a confirmed plan through the store (one locked, journaled write).
"""
