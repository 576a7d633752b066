"""Readers of every input format and the planning of an import (no Textual, no writes).

The store persists; this package turns files and API answers into planned changes."""
