"""Pause the cyclic garbage collector while building many acyclic objects.

Loading 200,000 contract lines allocates about a million small objects (records, dicts,
tuples); each allocation burst triggers collections that walk the whole growing heap
again and again, which doubles load, import and recompute times. Nothing built in these
sections forms reference cycles, and reference counting still frees everything;
collection resumes afterwards. Nestable.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_allocation() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
