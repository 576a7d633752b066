"""The app's database work, without Textual: load, follow other writers, serialised writes,
and the session's undo stack.

Every job runs on ONE daemon thread, in the order it was submitted, so writes never
overtake each other and a read queued after a write sees it. Nothing here waits for the
event loop: results come back as ``concurrent.futures.Future`` objects (the app awaits them
with ``asyncio.wrap_future``) and progress goes through a callable the app makes
non-blocking (``post_message``). Closing never joins the thread: a load still reading a
large file is abandoned, and the daemon thread does not keep the process alive. Writes are
counted from the moment they are submitted, so a quit can wait for exactly those.
"""

from __future__ import annotations

import gc
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from smartnet_tui.domain.changes import Change
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Estate
from smartnet_tui.domain.snapshot import Snapshot
from smartnet_tui.gcpause import bulk_allocation
from smartnet_tui.store import snapshot
from smartnet_tui.store.db import Store
from smartnet_tui.tui.table_sources import AlertSource, PreparedViews, Source

T = TypeVar("T")

UNDO_LIMIT = 50


@dataclass(frozen=True)
class Touched:
    """What an edit or a replay of other writers touched."""

    serials: frozenset[str] = frozenset()
    contracts: frozenset[str] = frozenset()


@dataclass
class Loaded:
    """A whole read of the database, ready to install."""

    estate: Estate
    analysis: Analysis
    journal_id: int
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    # the alerts snapshot of this analysis and its key (None: the file changed while it
    # was read, so the snapshot would not match it): saved for the next start
    snapshot: Snapshot | None = None
    snapshot_key: str | None = None
    # the tables' first views (sorted, measured) made here, off the event loop
    views: PreparedViews | None = None


@dataclass
class UndoItem:
    label: str
    forward: list[Change]
    backward: list[Change]


class UndoStack:
    """The edits of this session, newest last, at most ``UNDO_LIMIT``."""

    def __init__(self, limit: int = UNDO_LIMIT) -> None:
        self.items: list[UndoItem] = []
        self.limit = limit

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def push(self, item: UndoItem) -> None:
        self.items.append(item)
        del self.items[: -self.limit]

    def top(self) -> UndoItem | None:
        return self.items[-1] if self.items else None

    def pop(self) -> UndoItem:
        return self.items.pop()

    def forget(self, forward: Sequence[Change]) -> None:
        """Drop the newest item if it is this edit (its write failed: nothing to undo)."""
        if self.items and self.items[-1].forward == list(forward):
            self.items.pop()


class SerialRunner:
    """One daemon thread that runs jobs in submission order."""

    def __init__(self, name: str = "smartnet-io") -> None:
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue())
        self._closed = False
        self.busy = False  # a job is running (a hang-up waits a moment for it)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        fut: Future[T] = Future()
        if self._closed:
            fut.cancel()
            return fut
        self._jobs.put((fut, lambda: fn(*args)))
        return fut

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fut, call = job
            if self._closed or not fut.set_running_or_notify_cancel():
                fut.cancel()
                continue
            self.busy = True
            try:
                result = call()
            except BaseException as exc:  # noqa: BLE001 - handed to whoever awaits it
                fut.set_exception(exc)
            else:
                fut.set_result(result)
            finally:
                self.busy = False

    def close(self) -> None:
        """Stop taking jobs; queued ones are cancelled. Never waits for the running one."""
        self._closed = True
        self._jobs.put(None)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


def load(store: Store, policy: Policy, note: Callable[[str], None],
         show: Callable[[Snapshot, Source], None] | None = None) -> Loaded:
    """Read the whole database and run the engine over it (blocking). First, when the
    snapshot beside the database matches the file as it is and ``policy``, ``show`` gets
    it: the alerts to show while the rest is read (``store/snapshot.py``), with the Alerts
    table's source over them, its first view made here (not on the event loop)."""
    t0 = time.perf_counter()
    key = snapshot.key(store.path, policy)  # before the file is read: a change after it shows
    if show is not None and key is not None:
        shown = snapshot.read(store.path, key)
        if shown is not None:
            show(shown, AlertSource(None, shown.alerts).prepare())
    note("reading the database...")
    journal_id = store.last_journal_id()  # reads the file
    t1 = time.perf_counter()
    note("building the estate...")
    estate = store.load()
    store.release()  # the estate is the app's copy: no second one beside it
    t2 = time.perf_counter()
    note(f"computing coverage of {len(estate.devices):,} devices...")
    analysis = Analysis(estate, policy)
    # Sorted here, in the I/O thread: the Alerts screen asks for them first, on the event
    # loop, where sorting 47,000 alerts (100k devices) froze the screen for a second.
    analysis.alerts()
    t3 = time.perf_counter()
    loaded = Loaded(estate, analysis, journal_id, t3 - t0,
                    {"read": t1 - t0, "estate": t2 - t1, "analysis": t3 - t2})
    loaded.views = PreparedViews(analysis)  # each table's first view: sorted and measured here
    loaded.phases["views"] = time.perf_counter() - t3
    if key is not None and snapshot.key(store.path, policy) == key:  # what was read is that file
        # here, before the app has the analysis: nothing edits it meanwhile
        loaded.snapshot, loaded.snapshot_key = Snapshot.of(analysis), key
    return loaded


def save_snapshot(store: Store, loaded: Loaded) -> bool:
    """Write the snapshot of a load for the next start (a cache: False if it cannot)."""
    if loaded.snapshot is None or loaded.snapshot_key is None:
        return False
    return snapshot.write(store.path, loaded.snapshot_key, loaded.snapshot)


def built_frozen(build: Callable[[], T]) -> T:
    """Run a load with the cyclic garbage collector paused from start to end, then freeze
    what it built (``gc.freeze``). Paused only inside each build step, the collector walked
    the millions of objects of the step just done as soon as it resumed: 0.1-0.5 s each
    time at 100,000 devices, holding the GIL, so the screen froze that long too."""
    with bulk_allocation():
        result = build()
        gc.freeze()  # long-lived: never walked again (replaced ones are still freed)
    return result


def save_current_snapshot(store: Store, shown: Snapshot, policy: Policy, journal_id: int) -> bool:
    """Write ``shown`` (the app's alerts after following the journal to ``journal_id``) as
    the snapshot of the file, if the file's newest entry is still that one (read between two
    looks at the file's identity: the key is of the file whose journal was read)."""
    key = snapshot.key(store.path, policy)
    if key is None or store.last_journal_id() != journal_id:
        return False
    if snapshot.key(store.path, policy) != key:
        return False
    return snapshot.write(store.path, key, shown)


def follow(store: Store, since: int) -> tuple[list[Change], int] | None:
    """What :meth:`Sync.changes_since` returns (see there)."""
    replaced = store.changed_on_disk()  # our own writes keep the store's stamp
    result = store.changes_since(since)
    if result is not None and replaced and result[1] == since and not result[0]:
        return None
    return result


class Sync:
    """The app's one line to the database: a store, a serial runner, where the journal
    was last followed to, the writes not yet done and the undo stack."""

    def __init__(self, open_store: Callable[[], Store], store: Store | None = None) -> None:
        self._open_store = open_store
        self.store = store
        self.runner = SerialRunner()
        self.journal_id = 0
        self.undo = UndoStack()
        self._writes = 0
        self._lock = threading.Lock()

    @property
    def writes_pending(self) -> int:
        """Writes submitted and not finished yet (a quit waits for these)."""
        with self._lock:
            return self._writes

    def _store(self) -> Store:
        """The store, opened on first use (on the I/O thread)."""
        if self.store is None:
            self.store = self._open_store()
        return self.store

    def run(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Any other blocking job, in order with the rest."""
        return self.runner.submit(fn, *args)

    def read(self, fn: Callable[[Store], T]) -> Future[T]:
        """A job that reads the store (an import plan, the history): ``fn(store)``."""
        def job() -> T:
            store = self._store()
            try:
                return fn(store)
            finally:
                store.release()  # the estate is the app's copy: none kept beside it

        return self.runner.submit(job)

    def load(self, policy: Policy, note: Callable[[str], None],
             show: Callable[[Snapshot, Source], None] | None = None) -> Future[Loaded]:
        return self.runner.submit(lambda: built_frozen(lambda: load(self._store(), policy, note, show)))

    def save_current_snapshot(self, shown: Snapshot, policy: Policy,
                              journal_id: int) -> Future[bool]:
        """The app's alerts saved as the file's snapshot if they are the file's (see
        :func:`save_current_snapshot`), after what is queued."""
        def job() -> bool:
            store = self._store()
            try:
                return save_current_snapshot(store, shown, policy, journal_id)
            finally:
                store.release()

        return self.runner.submit(job)

    def save_snapshot(self, loaded: Loaded) -> Future[bool]:
        """The load's alerts snapshot written beside the database, after what is queued."""
        return self.runner.submit(lambda: save_snapshot(self._store(), loaded))

    def changes_since(self, since: int) -> Future[tuple[list[Change], int] | None]:
        """Other writers' changes after journal entry ``since`` (None: re-read everything:
        the journal does not continue from it, or the file changed without a new entry,
        replaced by another file or edited by hand, which no journal entry describes)."""
        return self.runner.submit(lambda: follow(self._store(), since))

    def write(self, fn: Callable[[Store], T]) -> Future[T]:
        """A write: counted as pending from now until it finished (done or failed)."""
        with self._lock:
            self._writes += 1

        def job() -> T:
            try:
                return fn(self._store())
            finally:
                if self.store is not None:
                    self.store.release()  # what it wrote is in the estate already
                with self._lock:
                    self._writes -= 1

        fut = self.runner.submit(job)
        if fut.cancelled():  # closed: it never runs
            with self._lock:
                self._writes -= 1
        return fut

    def apply(self, changes: Sequence[Change], action: str,
              backward: Sequence[Change]) -> Future[dict[str, Any] | None]:
        """Save an edit, checked against what it was based on (``backward``)."""
        return self.write(lambda store: store.apply(list(changes), action, None, list(backward)))

    def close(self) -> None:
        self.runner.close()
