"""Shared builders for the domain, store and CLI tests (plain functions, no fixtures).

Imported as ``helpers``: tests/conftest.py puts this directory on sys.path.
"""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from pathlib import Path

from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Contract, Device, EoX, Estate, LineSpec

TODAY = date(2026, 12, 1)


def D(text: str) -> date:
    """An ISO date."""
    return date.fromisoformat(text)


def days(n: int, base: date = TODAY) -> date:
    """The date n days after ``base`` (TODAY by default)."""
    return base + timedelta(days=n)


def dev(serial: str, **kw) -> Device:
    return Device(serial=serial, **kw)


def ln(serial: str, start: date | None = None, end: date | None = None, **kw) -> LineSpec:
    return LineSpec(serial=serial, start=start, end=end, **kw)


def con(number: str, *lines: LineSpec, **kw) -> Contract:
    return Contract(number=number, lines=tuple(lines), **kw)


def eox(pid: str, **kw) -> EoX:
    return EoX(pid=pid, **kw)


def analyse(devices=(), contracts=(), eoxes=(), today: date = TODAY,
            due_days: int = 60, review_days: int = 120) -> Analysis:
    return Analysis(Estate(devices, contracts, eoxes), Policy(today, due_days, review_days))


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def kinds(alerts) -> list[tuple[str, str, str]]:
    """(kind, severity, subject) of each alert, in order."""
    return [(a.kind, a.severity, a.subject) for a in alerts]
