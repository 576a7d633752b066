"""TUI fixtures: a small estate built through the store, a fixed date, a quiet config."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from smartnet_tui.config import Settings
from smartnet_tui.domain.changes import PutContract, PutDevice, PutEoX
from smartnet_tui.domain.model import Contract, Device, EoX, Estate, LineSpec, Triage
from smartnet_tui.store.db import Store

TODAY = date(2026, 12, 1)


def estate_changes() -> list:
    d = Device
    return [
        PutDevice(d("FOC0001AAAA", pid="C9300-48P", hostname="core-sw-01", site="LON",
                    criticality="critical")),
        PutDevice(d("FOC0002BBBB", pid="C9300-48P", hostname="lab-[bold]-sw", site="LON")),
        PutDevice(d("FOC0003CCCC", pid="ISR4331/K9", hostname="edge-rtr-01", site="PAR",
                    criticality="high")),
        PutDevice(d("FOC0004DDDD", pid="C9200-24P", hostname="spare-sw-04", site="PAR",
                    status="spare")),
        PutDevice(d("FOC0005EEEE", pid="C9200-24P", hostname="acc-sw-05", site="NYC")),
        PutDevice(d("FOC0006FFFF", pid="C9200-24P", hostname="acc-sw-06", site="NYC",
                    notes="rack 4 [/x] (old)")),
        PutDevice(d("FOC0007GGGG", pid="WS-C3850-48P", hostname="old-sw-07", site="NYC")),
        PutContract(Contract("1000", service_level="SNTP", start=date(2025, 12, 21),
                             end=date(2026, 12, 20), reseller="Acme [red]Net", annual_cost=12000.0,
                             lines=(LineSpec("FOC0001AAAA"), LineSpec("FOC0002BBBB")),
                             triage=Triage("quote requested", "ana", "[/x] ask for co-term"))),
        PutContract(Contract("2000", service_level="SNT", start=date(2025, 11, 1),
                             end=date(2026, 10, 31), lines=(LineSpec("FOC0003CCCC"),))),
        PutContract(Contract("3000", service_level="SNT", start=date(2026, 9, 1),
                             end=date(2027, 8, 31), reseller="Globex", annual_cost=3000.0,
                             lines=(LineSpec("FOC0004DDDD"), LineSpec("FOC0006FFFF"),
                                    LineSpec("ORPHAN9999"), LineSpec("FOC0007GGGG")))),
        PutContract(Contract("4000", service_level="SNTP", start=date(2026, 3, 16),
                             end=date(2027, 3, 15), reseller="Acme", annual_cost=5000.0,
                             lines=(LineSpec("FOC0007GGGG"),))),
        PutEoX(EoX("WS-C3850-48P", last_date_of_support=date(2025, 10, 31))),
    ]


class SlowStore(Store):
    """A store whose load (the estate's build) blocks until the test opens the gate: a huge
    file, made deterministic."""

    def __init__(self, path, gate: threading.Event) -> None:
        super().__init__(path)
        self.gate = gate
        self.entered = threading.Event()

    def load(self) -> Estate:
        self.entered.set()
        self.gate.wait(30)
        return super().load()


def make_db(directory: Path) -> Path:
    path = directory / "smartnet.json"
    store = Store(path)
    store.apply(estate_changes(), action="test fixture")
    store.close()
    return path


@pytest.fixture(autouse=True)
def _quiet_env(monkeypatch, tmp_path_factory):
    """No user keymap, no inherited NO_COLOR/db settings."""
    cfg = tmp_path_factory.mktemp("cfg")
    monkeypatch.setenv("SMARTNET_KEYMAP", str(cfg / "keymap.toml"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    # A fixed colour depth: the app picks its theme from it (16 colours: ansi-dark).
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("SMARTNET_DB", raising=False)
    monkeypatch.delenv("SMARTNET_TODAY", raising=False)


@pytest.fixture
def filled_db(tmp_path) -> Path:
    """A database file holding the fixture estate (``tests/conftest.py``'s ``filled_db`` is a
    path where no database exists yet)."""
    return make_db(tmp_path)


@pytest.fixture
def settings(filled_db) -> Settings:
    return Settings(db_path=filled_db, today=TODAY)


@pytest.fixture
def app(settings):
    """A non-running app on the fixture database (tests enter ``app.run_test``)."""
    from smartnet_tui.tui.app import SmartnetApp

    return SmartnetApp(settings)


async def wait_loaded(pilot) -> None:
    """Wait until the first load finished and the screen caught up."""
    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.analysis is not None or app.load_error:
            break
    await pilot.pause()


async def wait_until(pilot, predicate, tries: int = 1500) -> bool:
    """Poll a condition between event-loop turns (no fixed sleeps)."""
    for _ in range(tries):
        if predicate():
            return True
        await pilot.pause(0.01)
        await pilot.app.workers.wait_for_complete()
    return predicate()


def count_data_changes(screen) -> list:
    """The changes of the data ``screen`` handles from now on (its ``data_changed`` calls)."""
    calls: list = []
    original = screen.data_changed

    def counted(touched):
        calls.append(touched)
        original(touched)

    screen.data_changed = counted
    return calls
