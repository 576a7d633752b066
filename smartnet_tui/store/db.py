"""The store: a TinyDB file, read into memory whole, written atomically under a lock.

TinyDB rewrites the whole file on every write and is not safe across processes, so:
- reads parse the file once and keep it; lookups go through in-memory indexes;
- every write takes a file lock, re-reads the file if another process changed it since,
  applies the change by natural key (serial, contract number, pid), appends a journal
  entry, and writes the file atomically (temp file, fsync, rename): one write per import;
- document ids are computed from the freshly read data under the lock, never cached.
"""

from __future__ import annotations

import getpass
import os
import stat
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB

from smartnet_tui.domain.changes import Change
from smartnet_tui.domain.model import Estate
from smartnet_tui.gcpause import bulk_allocation
from smartnet_tui.store import archive, layout
from smartnet_tui.store import converters as cv
from smartnet_tui.store.journal import ARCHIVED, JOURNAL, change_to_record_parts, record_to_change
from smartnet_tui.store.journal import changes_since as _changes_since
from smartnet_tui.store.journal import last_journal_id as _last_journal_id
from smartnet_tui.store.storage import (
    AtomicJSONStorage,
    CorruptDatabase,
    clean_own_temp_files,
    read_json_file,
    write_bytes_atomic,
)

SCHEMA_VERSION = 1
TABLE_KEYS = {"devices": "serial", "contracts": "number", "eox": "pid", "quotes": "name"}
META = "meta"
LOCK_TIMEOUT_S = 60.0  # how long a writer waits for the lock (SMARTNET_LOCK_TIMEOUT)
LOCK_TIMEOUT_ENV = "SMARTNET_LOCK_TIMEOUT"
LOCK_NOTICE_S = 1.0  # after this long, the wait is said (see on_lock_wait)
LOCK_WAIT_NOTICE = "waiting for the database lock (held by another writer)..."
_lock_notice: Callable[[str], None] | None = None


def on_lock_wait(notice: Callable[[str], None] | None) -> None:
    """Who is told, once per wait, that a write waits for another writer's lock (the CLI
    prints it on stderr; the app, which shows its own progress, sets nothing)."""
    global _lock_notice
    _lock_notice = notice


def lock_timeout() -> float:
    """Seconds a writer waits for the lock: ``SMARTNET_LOCK_TIMEOUT``, else 60."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return LOCK_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise StoreError(f"{LOCK_TIMEOUT_ENV}={raw!r} is not a number of seconds")
    return value


class StoreError(Exception):
    """A database problem to report to the user in one line (exit code 2)."""


class ConflictError(StoreError):
    """A record changed on disk since the edit was based on it: nothing was written."""


def default_db_path() -> Path:
    """``$SMARTNET_DB``, else ``$XDG_DATA_HOME/smartnet/smartnet.json``."""
    env = os.environ.get("SMARTNET_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "smartnet" / "smartnet.json"


def current_user() -> str:
    for var in ("SUDO_USER", "USER", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database in some containers
        return f"uid{os.getuid()}"


Stamp = tuple[int, int, int]


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def resolve_db_path(path: str | os.PathLike[str]) -> Path:
    """The file a database path names: ``~`` expanded and symlinks followed, so that the
    target is read, locked and replaced (``os.replace`` on a link replaces the link)."""
    return Path(os.path.realpath(Path(path).expanduser()))


def check_file_kind(path: Path, st: os.stat_result) -> None:
    """Refuse a path that is not a regular file (checked with stat, never by opening
    it: opening a FIFO blocks until a writer comes)."""
    if stat.S_ISREG(st.st_mode):
        return
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
    raise StoreError(f"{path}: is {kind}, not a database file")


class Store:
    """One database file. ``path`` is the resolved file (symlinks followed); the lock is
    ``<path>.lock`` beside it. New files get mode 0o666 less the umask, and a write keeps
    the mode and group of the file it replaces (see docs/reliability.md for sharing)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.given = Path(path).expanduser()
        self.path = resolve_db_path(path)
        try:
            check_file_kind(self.path, os.stat(self.path))
        except FileNotFoundError:
            pass  # a new database
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open database ({exc.strerror})") from None
        try:
            self.db = TinyDB(self.path, storage=AtomicJSONStorage)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open database ({exc.strerror})") from None
        self.lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)
        self._raw: dict[str, dict[str, Any]] | None = None
        # natural key -> document id, per table, of the data we hold (``_keys_of``)
        self._keys: dict[str, dict[str, str]] = {}
        self._keys_of: dict[str, Any] | None = None
        self._sections: list[layout.Section] | None = None  # set while a partial write runs
        self._parsed_lines: dict[int, set[int]] = {}  # of those sections, the lines read
        self._stamp: Stamp | None = None
        self._clean_after_crash()

    def _clean_after_crash(self) -> None:
        """Remove the temp files a killed writer of this database left, if no write is
        in flight (the lock is free); otherwise the next writer does it under the lock."""
        if not self.path.parent.is_dir():
            return
        try:
            probe = FileLock(str(self.path) + ".lock", timeout=0)
            with probe:
                clean_own_temp_files(self.path)
        except (Timeout, OSError):
            pass

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the database lock (re-entrant): plan and write inside, so that what is
        written is decided against the database as it is while nobody else can write."""
        timeout = lock_timeout()
        try:
            self._acquire(timeout)
        except Timeout:
            raise StoreError(
                f"{self.path}: database is locked by another smartnet for over "
                f"{timeout:g} s; nothing was written, try again ({LOCK_TIMEOUT_ENV} sets the wait)"
            ) from None
        except OSError as exc:  # the lock file cannot be created or opened (permissions)
            raise StoreError(f"{self.lock.lock_file}: cannot take the database lock "
                             f"({exc.strerror}): nothing was written") from None
        try:
            yield
        finally:
            self.lock.release()

    def _acquire(self, timeout: float) -> None:
        """Take the lock within ``timeout`` s; a wait past LOCK_NOTICE_S is said once."""
        if self.lock.is_locked or _lock_notice is None or timeout <= LOCK_NOTICE_S:
            self.lock.acquire(timeout=timeout)  # held already (re-entrant), or nobody to tell
            return
        try:
            self.lock.acquire(timeout=LOCK_NOTICE_S)
            return
        except Timeout:
            _lock_notice(LOCK_WAIT_NOTICE)
        self.lock.acquire(timeout=timeout - LOCK_NOTICE_S)

    # -- reading ----------------------------------------------------------------
    def stamp(self) -> Stamp | None:
        """Changes whenever the file is replaced (every write renames a new file in)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read database ({exc.strerror})") from None
        check_file_kind(self.path, st)
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def changed_on_disk(self) -> bool:
        return self.stamp() != self._stamp

    def raw(self) -> dict[str, dict[str, Any]]:
        """The whole database as stored, re-read only when the file changed."""
        stamp = self.stamp()
        if self._raw is None or stamp != self._stamp:
            # The stamp is recorded even when reading fails, so that a poll of
            # changed_on_disk() reports an unreadable file once, not at every tick.
            self._stamp = stamp
            self._raw = None
            self._keys, self._keys_of = {}, None
            try:
                with bulk_allocation():
                    data = read_json_file(self.path)
            except CorruptDatabase as exc:
                raise StoreError(str(exc)) from None
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot read database ({exc.strerror})") from None
            self._raw = self._checked_schema(data or {})
        return self._raw

    def _checked_schema(self, data: dict[str, Any]) -> dict[str, Any]:
        """Refuse a database written by a newer smartnet: reading it could misread
        fields this version does not know, and writing it would drop them."""
        for name, table in data.items():
            if not isinstance(table, dict):
                raise StoreError(f"{self.path}: database record is malformed (table {name!r} is "
                                 "not a mapping)")
        meta = data.get(META)
        if not meta:
            return data
        try:
            version = meta["1"]["schema"]
        except (KeyError, TypeError):
            raise StoreError(f"{self.path}: database record is malformed (meta has no schema "
                             "version)") from None
        if type(version) is not int or version < 1:
            raise StoreError(f"{self.path}: database record is malformed (schema version "
                             f"{version!r})")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer smartnet (database schema {version}; this "
                f"version reads schema {SCHEMA_VERSION}): upgrade smartnet to use it; the file "
                "was left as it is"
            )
        return data

    def check_writable(self) -> None:
        """Refuse to replace a file its owner made read-only (even for root, who may
        write anyway): the rename would silently discard that protection."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return
        if not (st.st_mode & 0o222) or not os.access(self.path, os.W_OK):
            raise StoreError(f"{self.path}: database is read-only (no write permission): "
                             "nothing was written")

    def load(self) -> Estate:
        """Every record as domain objects, with indexes built."""
        raw = self.raw()
        try:
            with bulk_allocation():
                return Estate(
                    devices=map(cv.device_from_doc, raw.get("devices", {}).values()),
                    contracts=map(cv.contract_from_doc, raw.get("contracts", {}).values()),
                    eox=map(cv.eox_from_doc, raw.get("eox", {}).values()),
                    quotes=map(cv.quote_from_doc, raw.get("quotes", {}).values()),
                )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.path}: database record is malformed ({exc!r})") from None

    def load_for_serial(self, serial: str) -> Estate:
        """Only what one serial's coverage and alerts need: its device, its pid's EoX row,
        and its lines with their contracts' headers. ``smartnet lookup`` stays fast: a
        store that holds nothing parses only the lines of the file that mention it."""
        raw = (self._docs_mentioning(serial) if self._raw is None else None) or self.raw()
        try:
            devices = [cv.device_from_doc(d) for d in raw.get("devices", {}).values()
                       if d["serial"] == serial]
            contracts = [
                cv.contract_from_doc(c, lines_filter=serial)
                for c in raw.get("contracts", {}).values()
                if any(ln["serial"] == serial for ln in c.get("lines", ()))
            ]
            pids = {d.pid for d in devices if d.pid}
            eox = [cv.eox_from_doc(e) for e in raw.get("eox", {}).values() if e["pid"] in pids]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.path}: database record is malformed ({exc!r})") from None
        return Estate(devices, contracts, eox)

    def load_records(
        self,
        devices: Collection[str] = (),
        contracts: Collection[str] = (),
        eox: Collection[str] = (),
        *,
        contract_digits: Collection[str] = (),
        serials_on_lines: Collection[str] = (),
    ) -> Estate | None:
        """Only some records, as :meth:`load` builds them: the devices with these serials,
        the EoX rows with these pids, and the contracts (each whole) with these numbers,
        whose number is one of ``contract_digits`` written with any number of leading
        zeros (``0093425688`` for ``93425688``), or that have a line of one of
        ``serials_on_lines``; no quotes. What an import plans against (imports/planner.py).

        A store that holds nothing parses only the lines of the file that spell one of
        those keys as our writer does (``"serial":"FOC1"``), and the meta table (the schema
        version is checked as a whole read checks it); the other lines are not parsed, so
        a damaged or malformed record elsewhere is not reported here (the next whole read
        does). None when the file is missing or laid out otherwise: then :meth:`load`."""
        want_devices, want_eox = set(devices), set(eox)
        want_contracts, digits, on_lines = set(contracts), set(contract_digits), set(serials_on_lines)
        raw = self._raw if self._raw is not None and not self.changed_on_disk() else None
        if raw is None:
            finders: dict[str, list[Callable[[bytes], bool]]] = {
                "devices": [layout.key_finder("serial", want_devices)] if want_devices else [],
                "eox": [layout.key_finder("pid", want_eox)] if want_eox else [],
                "contracts": [layout.key_finder(f, ks, zeros) for f, ks, zeros in (
                    ("number", want_contracts, False), ("number", digits, True),
                    ("serial", on_lines, False)) if ks],
            }
            raw = self._read_matching(finders)
            if raw is None:
                return None
        try:
            with bulk_allocation():
                return Estate(
                    devices=[cv.device_from_doc(d) for d in raw.get("devices", {}).values()
                             if d["serial"] in want_devices],
                    contracts=[cv.contract_from_doc(c) for c in raw.get("contracts", {}).values()
                               if c["number"] in want_contracts
                               or (digits and isinstance(c["number"], str)
                                   and c["number"].lstrip("0") in digits)
                               or (on_lines and any(ln["serial"] in on_lines for ln in c.get("lines", ())))],
                    eox=[cv.eox_from_doc(e) for e in raw.get("eox", {}).values() if e["pid"] in want_eox],
                )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.path}: database record is malformed ({exc!r})") from None

    def _read_matching(self, finders: dict[str, list[Callable[[bytes], bool]]]) -> dict[str, Any] | None:
        """The documents on the lines of the file that one of its table's ``finders``
        accepts, with the meta table and every table stored as a whole value (checked as
        a whole read checks them); nothing is held. None when the file is missing or not
        laid out by line (store/layout.py), or names a table twice: read it whole."""
        try:
            raw = self.path.read_bytes()
        except OSError:
            return None
        data: dict[str, Any] = {}

        def want(section: layout.Section, line: bytes) -> bool:
            if section.name == META:
                return True
            return any(found(line) for found in finders.get(section.name, ()))

        def visit(section: layout.Section, line: int, value: Any) -> None:
            if line < 0:
                data[section.name] = value
            else:
                data.setdefault(section.name, {}).update(value)

        with bulk_allocation():
            sections = layout.split(raw, visit, want)
        if sections is None or len({s.name for s in sections}) != len(sections):
            return None
        return self._checked_schema(data)

    def find_module(self, serial: str) -> tuple[str, dict[str, Any]] | None:
        """(chassis serial, module record) if ``serial`` is a module folded under a chassis
        line by an export import (``extra.modules``), else None."""
        for c in self.raw().get("contracts", {}).values():
            for ln in c.get("lines", ()):
                for mod in (ln.get("extra") or {}).get("modules", ()):
                    if isinstance(mod, dict) and mod.get("serial") == serial:
                        return ln["serial"], mod
        return None

    def last_journal_id(self) -> int:
        """The id of the newest journal entry, 0 for a database never written."""
        return _last_journal_id(self._journal_tables())

    def changes_since(self, journal_id: int) -> tuple[list[Change], int] | None:
        """The changes journalled after entry ``journal_id`` and the last entry id; None
        when the journal does not continue from it (a new or replaced database) or holds
        too many records to replay (``journal.MAX_REPLAY``): then reload everything."""
        return _changes_since(self._journal_tables(), journal_id)

    def history(self, limit: int | None = None, include_archive: bool = False) -> list[dict[str, Any]]:
        """The journal, oldest first (the newest ``limit``). The database holds the recent
        entries; ``include_archive`` adds those moved to the archive beside it, and an
        import's records kept only there (docs/performance.md, "Journal")."""
        try:
            journal = self._journal_tables().get(JOURNAL, {})
            entries = sorted(journal.items(), key=lambda kv: int(kv[0]))
        except ValueError:
            raise StoreError(f"{self.path}: the journal is malformed (an entry id is not a "
                             "number)") from None
        docs = [doc for _, doc in entries]
        if include_archive:
            docs = archive.merged(journal, archive.read(archive.archive_path(self.path)))
        if not all(isinstance(d, dict) for d in docs):
            raise StoreError(f"{self.path}: the journal is malformed (an entry is not a mapping)")
        return docs[-limit:] if limit else docs

    # -- writing ----------------------------------------------------------------
    def apply(
        self,
        changes: Sequence[Change],
        action: str,
        detail: dict[str, Any] | None = None,
        expect: Sequence[Change] | None = None,
    ) -> dict[str, Any] | None:
        """Persist changes in one locked, atomic write with one journal entry.

        Changes whose record is already stored as given are dropped; returns the journal
        entry, or None when nothing changed. ``expect`` states what the edit was based on
        (as changes that would restore it, e.g. ``inverse()`` of the edit): if any of those
        records is stored differently now, another process changed it since, and nothing
        is written (ConflictError) rather than silently overwriting their change.
        """
        try:
            with self.locked(), bulk_allocation():
                if self._raw is None:
                    # Nothing held (the app keeps its estate instead): read only the lines
                    # of the records this write touches, keep the others as on disk.
                    self._read_for_write([*changes, *(expect or ())])
                try:
                    if expect:
                        self._check_expected(expect)
                    return self._apply_locked(changes, action, detail)
                except BaseException:
                    self._raw = None  # what we hold may be half changed: re-read next time
                    raise
                finally:
                    if self._sections is not None:  # a partial read is never kept
                        self._sections = None
                        self.release()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.path}: database record is malformed ({exc!r}): nothing "
                             "was written") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write database ({exc.strerror})") from None

    def _check_expected(self, expect: Sequence[Change]) -> None:
        data = self.raw()  # re-read when another process wrote since we last looked
        for ch in expect:
            table_name, key, doc = change_to_record_parts(ch)
            doc_id = self._key_index(data, table_name).get(key)
            stored = data[table_name].get(doc_id) if doc_id is not None else None
            if stored != doc and not _same_record(table_name, key, stored, ch):
                noun = {"devices": "device", "contracts": "contract", "eox": "EoX row",
                        "quotes": "quote"}[table_name]
                raise ConflictError(
                    f"{noun} {key} was changed by another process{_last_writer(data, table_name, key)}"
                    " since: not saved (the screen now shows their version; redo the edit if it "
                    "still applies)"
                )

    def _apply_locked(
        self, changes: Sequence[Change], action: str, detail: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        data = self.raw()  # re-read when another process wrote since we last looked
        next_ids: dict[str, int] = {}
        records: list[dict[str, Any]] = []
        for ch in changes:
            table_name, key, doc = change_to_record_parts(ch)
            table = data.setdefault(table_name, {})
            keys = self._key_index(data, table_name)
            doc_id = keys.get(key)
            before = table.get(doc_id) if doc_id is not None else None
            if before == doc:
                continue
            if doc is None:
                assert doc_id is not None  # a deletion of an absent record was skipped above
                del table[doc_id]
                del keys[key]
            else:
                if doc_id is None:
                    nid = next_ids.get(table_name) or _next_id(table)
                    next_ids[table_name] = nid + 1
                    doc_id = keys[key] = str(nid)
                table[doc_id] = doc
            records.append({"table": table_name, "key": key, "before": before, "after": doc})
        if not records:
            return None
        self.check_writable()
        clean_own_temp_files(self.path)  # a killed writer's; none can be in flight now
        journal = data.setdefault(JOURNAL, {})
        entry = {
            "id": _next_id(journal),
            "who": current_user(),
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "action": action,
            "changes": records,
        }
        if detail:
            entry["detail"] = detail
        # The journal stays bounded: an import's thousands of records are kept whole in
        # the archive only (the database keeps the entry without them), and entries beyond
        # the newest archive.KEEP_ENTRIES or older than KEEP_DAYS move there.
        to_archive: list[dict[str, Any]] = []
        if len(records) > archive.RECORDS_IN_DATABASE:
            to_archive.append(entry)
            journal[str(entry["id"])] = {**entry, "changes": [], ARCHIVED: len(records)}
        else:
            journal[str(entry["id"])] = entry
        moving = archive.entries_to_move(journal, datetime.now().astimezone())
        data.setdefault(META, {})["1"] = {"schema": SCHEMA_VERSION}
        try:
            if moving or to_archive:
                # appended and fsynced before the database is replaced: never lost
                archive.append(archive.archive_path(self.path),
                               [journal[k] for k in moving] + to_archive, like=self.path)
                for k in moving:
                    del journal[k]
            if self._sections is not None:
                write_bytes_atomic(self.path, layout.assemble(self._merged_sections(data)))
            else:
                self.db.storage.write(data)
        except BaseException:
            self._raw = None  # what we hold was mutated but not written: re-read next time
            raise
        self._stamp = self.stamp()
        return entry

    def _key_index(self, data: dict[str, Any], table_name: str) -> dict[str, str]:
        """Natural key -> document id in one table of ``data`` (what we hold), built once
        per read of the file and kept up to date by our own writes (a scan of 100,000
        documents per write otherwise)."""
        if self._keys_of is not data:
            self._keys, self._keys_of = {}, data
        keys = self._keys.get(table_name)
        if keys is None:
            keyfield = TABLE_KEYS[table_name]
            keys = self._keys[table_name] = {
                d[keyfield]: i for i, d in data.setdefault(table_name, {}).items()}
        return keys

    def _read_partial(self, names: set[str], hold: bool = False,
                      keys: dict[str, set[str]] | None = None) -> dict[str, Any] | None:
        """Only the tables ``names`` of the file, when it is laid out a line per few
        hundred documents (store/layout.py); of a table in ``keys``, only the lines that
        hold one of those natural keys as our writer spells it (``"serial":"FOC1"``: a
        superset of the records, read whole and looked up as usual). The other lines are
        not parsed: a write keeps them byte for byte. None when the file is missing or
        laid out otherwise: then read it whole. ``hold``: keep it as what we hold, for a
        write (which then releases it)."""
        stamp = self.stamp()
        try:
            raw = self.path.read_bytes()
        except OSError:
            return None  # missing or unreadable: the whole read says which
        needles = {name: [orjson.dumps({TABLE_KEYS[name]: k})[1:-1] for k in ks]
                   for name, ks in (keys or {}).items() if name in TABLE_KEYS}
        data: dict[str, Any] = {}
        parsed: dict[int, set[int]] = {}  # id(section) -> its lines parsed (tables in keys)

        def want(section: layout.Section, line: bytes) -> bool:
            if section.name not in names:
                return False
            found = needles.get(section.name)
            return found is None or any(n in line for n in found)

        def visit(section: layout.Section, line: int, value: Any) -> None:
            if section.name not in names:
                return
            if line < 0:
                data[section.name] = value
                return
            data.setdefault(section.name, {}).update(value)
            if section.name in needles:
                parsed.setdefault(id(section), set()).add(line)

        with bulk_allocation():
            sections = layout.split(raw, visit, want)
        if sections is None or len({s.name for s in sections}) != len(sections):
            return None  # not ours, or a table named twice: read it whole
        for name in needles:
            data.setdefault(name, {})
        data = self._checked_schema(data)
        self._stamp = stamp
        if hold:
            self._raw, self._sections, self._parsed_lines = data, sections, parsed
        return data

    def _read_for_write(self, changes: Sequence[Change]) -> None:
        """Hold what a write of ``changes`` needs, from a store that holds nothing: the
        lines of their records, the journal and meta. A record not stored yet takes its
        id from its whole table: then that table is read whole."""
        keys: dict[str, set[str]] = {}
        for ch in changes:
            table_name, key, _doc = change_to_record_parts(ch)
            keys.setdefault(table_name, set()).add(key)
        names = set(keys) | {JOURNAL, META}
        data = self._read_partial(names, hold=True, keys=keys)
        if data is None:
            return
        if any(key not in self._key_index(data, t) for t, ks in keys.items() for key in ks):
            self._sections = None
            self.release()
            self._read_partial(names, hold=True)

    def _docs_mentioning(self, serial: str) -> dict[str, Any] | None:
        """The documents on the file's lines that mention ``serial`` as our writer spells
        it (``"serial":"..."``: a superset of its device and of its contracts, the caller
        filters), with the EoX and meta tables; nothing else is parsed. None when the file
        is missing or not laid out by line (store/layout.py)."""
        try:
            raw = self.path.read_bytes()
        except OSError:
            return None
        sections = layout.split(raw, want=lambda s, _line: s.name in ("eox", META))
        if sections is None:
            return None
        needle = orjson.dumps({"serial": serial})[1:-1]
        data: dict[str, Any] = {}
        for s in sections:
            if s.value is not None:
                data[s.name] = orjson.loads(s.value)
                continue
            table: dict[str, Any] = {}
            for line in s.docs:
                if s.name in ("eox", META) or needle in line:
                    table.update(layout.parse_docs(line))
            data[s.name] = table
        return self._checked_schema(data)

    def _merged_sections(self, data: dict[str, Any]) -> list[layout.Section]:
        """The file's sections with the tables we read (and changed) laid out anew."""
        assert self._sections is not None
        out = []
        for s in self._sections:
            if s.name not in data:
                out.append(s)  # a table this write did not read: its lines as they were
            elif id(s) in self._parsed_lines:  # read in part: the other lines as they were
                lines = self._parsed_lines[id(s)]
                kept = [line for i, line in enumerate(s.docs) if i not in lines]
                rows = kept + (layout.doc_lines(data[s.name]) if data[s.name] else [])
                out.append(layout.Section(s.name, rows) if rows else layout.section_of(s.name, {}))
            else:
                out.append(layout.section_of(s.name, data[s.name]))
        seen = {s.name for s in self._sections}
        out.extend(layout.section_of(name, table) for name, table in data.items() if name not in seen)
        return out

    def _journal_tables(self) -> dict[str, Any]:
        """The journal (and meta) as stored: from what we hold, else read without the
        other tables (following another writer costs its entries, not the estate)."""
        if self._raw is None:
            data = self._read_partial({JOURNAL, META})
            if data is not None:
                return data
        return self.raw()

    def release(self) -> None:
        """Drop the documents read: the app keeps the estate, and the documents beside it
        were a second copy of the database (220 MB at 100,000 devices). The next read
        reads the file again; the file's stamp is kept, so ``changed_on_disk()`` still
        tells another writer's write."""
        self._raw = None
        self._keys, self._keys_of = {}, None

    @property
    def holds_documents(self) -> bool:
        return self._raw is not None

    def close(self) -> None:
        self.db.close()


def _next_id(table: dict[str, Any]) -> int:
    return max(map(int, table), default=0) + 1


def _last_writer(data: dict[str, Any], table: str, key: str) -> str:
    """`` (ana at 23:10: triage 1000 -> renew)``: who last changed a record, as the journal
    says (empty when it does not: the change predates the journal, or it was trimmed)."""
    journal = data.get(JOURNAL, {})
    for entry_id in sorted(journal, key=int, reverse=True):
        entry = journal[entry_id]
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            continue
        if any(isinstance(r, dict) and r.get("table") == table and r.get("key") == key
               for r in changes):
            when = str(entry.get("when", ""))
            at = f" at {when[11:16]}" if len(when) >= 16 else ""
            action = str(entry.get("action", "")).removeprefix("tui: ")
            return f" ({entry.get('who') or 'someone'}{at}: {action})"
    return ""


def _same_record(table: str, key: str, stored: dict[str, Any] | None, expected: Change) -> bool:
    """Whether a stored document means the record ``expected`` puts (or deletes), compared
    as domain objects: a document an older version wrote (a key missing, defaulted when
    read) is the same record as the user saw, not a change by someone else."""
    try:
        return record_to_change(table, key, stored) == expected
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
