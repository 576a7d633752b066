"""The engine's alert order: a sort a slice at a time and merged is exactly one stable sort
(ties between equal sort keys keep their order), at every size around a slice."""

from __future__ import annotations

import random

import pytest

from smartnet_tui.domain import engine
from smartnet_tui.domain.model import SEVERITY_ORDER, Alert


def alerts(n: int, seed: int) -> list[Alert]:
    rnd = random.Random(seed)
    return [Alert(rnd.choice(["expiring", "lapsed", "orphan"]), rnd.choice(SEVERITY_ORDER),
                  f"S{rnd.randrange(50)}", f"m{i}" if rnd.random() < 0.5 else "m",
                  days_left=rnd.choice([None, -3, 0, 7, 30]))
            for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 7, engine.SORT_SLICE - 1, engine.SORT_SLICE,
                               engine.SORT_SLICE + 1, 3 * engine.SORT_SLICE + 17])
def test_sliced_sort_is_one_stable_sort(n):
    given = alerts(n, n)
    # equal keys abound (same kind, subject, severity, days and message "m")
    assert engine._sorted_by_key(given) == sorted(given, key=lambda a: a.sort_key)
    got = engine._sorted_by_key(given)
    assert [id(a) for a in got] == [id(a) for a in sorted(given, key=lambda a: a.sort_key)]
