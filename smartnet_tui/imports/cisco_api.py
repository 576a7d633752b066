"""JSON answers of Cisco's Support APIs, imported as Cisco returns them (saved to a file,
or fetched live by ``smartnet fetch``).

- SN2INFO (``serial_numbers[]``), three shapes:

  - *coverage summary* (``service_contract_number``, ``covered_product_line_end_date``,
    ``service_line_descr``, ``orderable_pid_list``...): each serial on a contract is a
    line of that contract. The answer is about the serials asked for only, so its lines
    are *merged* into their contracts (the line of that serial is added or replaced; the
    contract's other lines stay); the orderable pid fills a device's missing pid;
  - *coverage status* (``sr_no``, ``is_covered``, ``coverage_end_date``) and *owner
    status* (the same with ``sr_no_owner``): no contract number, so when planning (see
    :func:`resolve`) the coverage updates the stored line of that serial (its end date,
    terminated when Cisco says not covered before the end); a serial on no stored line
    cannot be recorded, and a warning says so;
  - a record with ``ErrorResponse`` (an unknown serial): a warning quoting Cisco.

- EoX (``EOXRecord[]``): one EoX row per ``EOLProductID``, dates from ``{value,
  dateFormat}`` objects (an empty value is an absent date). Cisco repeats a product once
  per migration product with the same dates: the repeats are one product (the first
  migration product is kept, the others listed); the same product with other dates is a
  real conflict and an error. ``EOXError`` records and a top-level ``EOXError`` answer
  are warnings quoting Cisco's ``ErrorDescription``. In an answer by serial,
  ``EOXInputValue`` names the serial(s): the device gets the product's pid if it has
  none (``--add-devices`` adds it with that pid).

A file may hold one answer or a list of answers (several pages saved together).
Errors name the file and the record path: ``EOXRecord[2].EndOfSaleDate.value``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from smartnet_tui.domain.dates import DateError, DateOrder, parse_date
from smartnet_tui.domain.model import EoX, Estate, LineSpec, normalise_serial
from smartnet_tui.domain.service_levels import normalise_service_level
from smartnet_tui.imports.parsed import CoverageStatus, Parsed, Problem


def api_kind(doc: Any) -> str | None:
    """'sn2info', 'eox' or None (not an API answer: the data format)."""
    pages = doc if isinstance(doc, list) else [doc]
    if not pages or not all(isinstance(p, dict) for p in pages):
        return None
    if all("serial_numbers" in p or "ErrorResponse" in p for p in pages) and \
            not all("EOXError" in p for p in pages):
        return "sn2info"
    if all("EOXRecord" in p or "EOXError" in p or "ErrorResponse" in p for p in pages):
        return "eox"
    return None


def _pages(doc: Any, key: str) -> list[tuple[str, Any, Any]]:
    """(path, page, page[key]) of every saved page."""
    if isinstance(doc, list):
        return [(f"[{i}].{key}", p, p.get(key) if isinstance(p, dict) else None) for i, p in enumerate(doc)]
    return [(key, doc, doc.get(key) if isinstance(doc, dict) else None)]


def _text(v: Any) -> str:
    if v is None or isinstance(v, (dict, list)):
        return ""
    return str(v).strip()


def _cisco_error(err: Any) -> str:
    """Cisco's words from an EOXError or ErrorResponse: 'description (ID)'."""
    if isinstance(err, dict) and "APIError" in err:
        err = err["APIError"]
    if isinstance(err, list):
        err = err[0] if err else None
    if not isinstance(err, dict):
        return _text(err) or "no description"
    desc = _text(err.get("ErrorDescription") or err.get("errorDescription") or err.get("message"))
    code = _text(err.get("ErrorID") or err.get("ErrorCode") or err.get("errorCode"))
    if desc and code:
        return f"{desc} ({code})"
    return desc or code or "no description"


class _Api:
    def __init__(self, parsed: Parsed, file: str, order: DateOrder, today: date) -> None:
        self.parsed = parsed
        self.file = file
        self.order = order
        self.today = today
        self.stats = parsed.stats_for(file)

    def error(self, path: str, message: str) -> None:
        self.parsed.errors.append(Problem(self.file, path, message))

    def warn(self, path: str, message: str) -> None:
        self.parsed.warnings.append(Problem(self.file, path, message))

    def date(self, path: str, raw: Any, order: DateOrder | None = None) -> tuple[date | None, bool]:
        text = _text(raw)
        if not text:
            return None, True
        try:
            return parse_date(text, order or self.order), True
        except DateError as exc:
            self.error(path, str(exc))
            return None, False


class _Records:
    """Every record under ``key`` of every saved page, with its record path. A list or a
    record of the wrong shape is reported (as an error) and skipped; ``count`` counts all."""

    def __init__(self, api: _Api, doc: Any, key: str, list_message: str, record_message: str,
                 missing_ok: bool = False) -> None:
        self.api, self.doc, self.key = api, doc, key
        self.list_message, self.record_message = list_message, record_message
        self.missing_ok = missing_ok
        self.count = 0

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for base, _page, items in _pages(self.doc, self.key):
            if items is None and self.missing_ok:
                continue
            if isinstance(items, dict):  # one record where Cisco usually gives a list
                items = [items]
            if not isinstance(items, list):
                self.api.error(base, self.list_message)
                continue
            for i, rec in enumerate(items):
                path = f"{base}[{i}]"
                self.count += 1
                if not isinstance(rec, dict):
                    self.api.error(path, self.record_message)
                    continue
                yield path, rec


# ---------------------------------------------------------------- SN2INFO
def _sn2info_pid(rec: dict[str, Any]) -> str | None:
    for key, field in (("orderable_pid_list", "orderable_pid"), ("base_pid_list", "base_pid")):
        pids = rec.get(key)
        if isinstance(pids, list):
            for p in pids:
                if isinstance(p, dict) and _text(p.get(field)):
                    return _text(p.get(field))
    return None


def _line_status(covered: str, end: date | None, today: date) -> str:
    # Cisco says not covered although the end is still ahead (or unknown): the line was
    # terminated. Not covered with the end behind us is an expired line.
    if covered == "NO" and (end is None or end >= today):
        return "terminated"
    return "active"


def parse_sn2info(parsed: Parsed, file: str, doc: Any, order: DateOrder, today: date) -> None:
    api = _Api(parsed, file, order, today)
    answer_errors = _answer_errors(api, doc, "ErrorResponse")
    lines: dict[str, dict[str, LineSpec]] = {}
    first_row: dict[str, str] = {}
    levels: dict[str, set[str | None]] = {}
    status_records = 0
    recs = _Records(api, doc, "serial_numbers", "expected a list of serial records",
                    "expected a record with sr_no, is_covered, ...", missing_ok=answer_errors > 0)
    for path, rec in recs:
        serial = normalise_serial(_text(rec.get("sr_no")))
        if not serial:
            api.error(f"{path}.sr_no", "required")
            continue
        err = rec.get("ErrorResponse") or rec.get("error")
        if err:
            api.warn(path, f"{serial}: Cisco answered with an error, skipped: {_cisco_error(err)}")
            continue
        parsed.answered.add(serial)
        pid = _sn2info_pid(rec)
        if serial not in parsed.new_devices or (pid and not parsed.new_devices[serial][0]):
            parsed.new_devices[serial] = (pid, None, None)
        if pid:  # fills a device's missing pid (an EoX answer's product id comes first)
            parsed.serial_pids.setdefault(serial, (pid, f"{file}:{path}"))
        number = _text(rec.get("service_contract_number"))
        covered = _text(rec.get("is_covered")).upper()
        if covered and covered not in ("YES", "NO"):
            api.error(f"{path}.is_covered", f"expected YES or NO, got {covered!r}")
            continue
        end_key = "covered_product_line_end_date" if "covered_product_line_end_date" in rec else "coverage_end_date"
        end, ok = api.date(f"{path}.{end_key}", rec.get(end_key))
        warranty, ok2 = api.date(f"{path}.warranty_end_date", rec.get("warranty_end_date"))
        if not (ok and ok2):
            continue
        owner = _text(rec.get("sr_no_owner")).upper()
        if not number:
            if not covered:
                api.warn(path, f"{serial}: no contract number and no is_covered: nothing to record")
                continue
            # coverage status / owner status: which stored line it is about is decided
            # when planning (resolve), against what the database holds
            if covered == "YES" and end is None:
                api.warn(f"{path}.{end_key}", f"{serial}: Cisco says covered but gives no end date: "
                         "nothing to record")
                continue
            extra_s: dict[str, Any] = {"is_covered": covered}
            if owner:
                extra_s["sr_no_owner"] = owner
            parsed.coverage_status[serial] = CoverageStatus(
                serial, covered, end, _line_status(covered, end, today), extra_s, file, path)
            status_records += 1
            continue
        if end is None:
            api.error(f"{path}.{end_key}", f"{serial} is on contract {number} but has no end date")
            continue
        extra: dict[str, Any] = {}
        if pid:
            extra["pid"] = pid
        if warranty:
            extra["warranty_end"] = warranty.isoformat()
        if covered:
            extra["is_covered"] = covered
        if owner:
            extra["sr_no_owner"] = owner
        parent = normalise_serial(_text(rec.get("parent_sr_no")))
        if parent and parent != serial:
            extra["parent_serial"] = parent
        status = _line_status(covered, end, today)
        level = _text(rec.get("service_line_descr")) or None
        group = lines.setdefault(number, {})
        first_row.setdefault(number, path)
        levels.setdefault(number, set()).add(level)
        spec = LineSpec(serial, None, end, level, None, None, status, extra)
        if serial in group and group[serial] != spec:
            api.warn(path, f"{serial} appears twice on contract {number}; kept the later record")
        group[serial] = spec
    for number, group in lines.items():
        lv = levels[number]
        for level in sorted(x for x in lv if x):
            if not normalise_service_level(level).known:
                api.warn(first_row[number], f"unknown service level {level!r}, kept as written")
        parsed.add_line_set(number, tuple(group.values()), next(iter(lv)) if len(lv) == 1 else None,
                            merge=True, file=file, path=first_row[number])
    api.stats.update(kind="sn2info", records=recs.count, lines=sum(len(g) for g in lines.values()),
                     contracts=len(lines), status=status_records, errors=answer_errors)


def _answer_errors(api: _Api, doc: Any, key: str) -> int:
    """Warn, quoting Cisco, for every page that is an error answer as a whole."""
    n = 0
    for base, page, _items in _pages(doc, key):
        err = page.get(key) if isinstance(page, dict) else None
        if err:
            n += 1
            api.warn(base, f"Cisco answered with an error, nothing imported from this answer: "
                     f"{_cisco_error(err)}")
    return n


def resolve(estate: Estate, parsed: Parsed) -> None:
    """What API answers say without naming a contract or a device record, applied to
    what is stored (called by the planner before it plans):

    - a coverage status updates the stored line of its serial (the latest-ending one if
      several contracts list it); a serial on no stored line gets a warning;
    - the pid an answer gives a serial fills the device's missing pid (a by-serial EoX
      answer's product id before SN2INFO's orderable pid).
    """
    pending = dict(parsed.coverage_status)
    parsed.coverage_status.clear()  # resolved once, even if planned again
    if pending:
        given = {ln.serial for ls in parsed.line_sets.values() for ln in ls.lines}
        best: dict[str, tuple[str, LineSpec]] = {}
        for contract in estate.contracts.values():
            for ln in contract.lines:
                if ln.serial in pending:
                    old = best.get(ln.serial)
                    if old is None or (ln.end or date.min) > (old[1].end or date.min):
                        best[ln.serial] = (contract.number, ln)
        for serial, st in pending.items():
            if serial in given:  # a coverage summary in the same import says more
                continue
            found = best.get(serial)
            if found is None:
                if st.covered == "YES":
                    parsed.warnings.append(Problem(
                        st.file, st.path,
                        f"{serial}: Cisco says covered until {st.end}, but this answer names no "
                        "contract and the serial is on no stored contract: not recorded (Cisco's "
                        "coverage summary names the contract: smartnet fetch --coverage)"))
                continue
            number, ln = found
            ls = parsed.line_sets.get(number)
            if ls is not None and not ls.merge:
                continue  # a contract-line export in this import gives that contract whole
            spec = replace(ln, end=st.end or ln.end, status=st.status, extra={**ln.extra, **st.extra})
            parsed.add_line_set(number, (spec,), None, merge=True, file=st.file, path=st.path)
    for serial, (pid, where) in list(parsed.serial_pids.items()):
        dev = parsed.devices.get(serial) or estate.devices.get(serial)
        if dev is not None and not dev.pid:
            parsed.devices[serial] = replace(dev, pid=pid)
            parsed._seen.setdefault(("devices", serial), where)


# ---------------------------------------------------------------- EoX
EOX_API_FIELDS = {
    "EndOfSaleDate": "end_of_sale",
    "EndOfSWMaintenanceReleases": "end_of_sw_maintenance",
    "EndOfServiceContractRenewal": "end_of_contract_renewal",
    "LastDateOfSupport": "last_date_of_support",
    "EndOfSvcAttachDate": "end_of_service_attach",
}
EOX_API_EXTRA_DATES = {
    "EOXExternalAnnouncementDate": "announced",
    "EndOfSecurityVulSupportDate": "end_of_security_support",
    "EndOfRoutineFailureAnalysisDate": "end_of_failure_analysis",
}
EOX_API_EXTRA_TEXT = {
    "ProductIDDescription": "description",
    "ProductBulletinNumber": "bulletin",
    "LinkToProductBulletinURL": "bulletin_url",
}
# The names Cisco's fields go by in messages about conflicting dates.
_EOX_NAMES = {**{v: k for k, v in EOX_API_FIELDS.items()}, **{v: k for k, v in EOX_API_EXTRA_DATES.items()}}


def _date_order(fmt: Any, default: DateOrder) -> DateOrder:
    f = _text(fmt).upper()
    if f.startswith("DD"):
        return DateOrder.DMY
    if f.startswith("MM"):
        return DateOrder.MDY
    return default


def _input_serials(rec: dict[str, Any]) -> list[str]:
    """The serials an EoX record answers for (EOXInputValue of a by-serial answer)."""
    kind = _text(rec.get("EOXInputType")).lower()
    if "serial" not in kind:
        return []
    return [s for s in (normalise_serial(x) for x in _text(rec.get("EOXInputValue")).split(",")) if s]


def _dates_of(e: EoX) -> dict[str, Any]:
    out: dict[str, Any] = {k: getattr(e, k) for k in EOX_API_FIELDS.values()}
    out.update((k, e.extra.get(k)) for k in EOX_API_EXTRA_DATES.values())
    return out


def parse_eox_api(parsed: Parsed, file: str, doc: Any, order: DateOrder, today: date) -> None:
    api = _Api(parsed, file, order, today)
    answer_errors = _answer_errors(api, doc, "EOXError") + _answer_errors(api, doc, "ErrorResponse")
    recs = _Records(api, doc, "EOXRecord", "expected a list of EoX records",
                    "expected an EoX record", missing_ok=True)
    merged = 0
    for path, rec in recs:
        pid = _text(rec.get("EOLProductID"))
        serials = _input_serials(rec)
        parsed.answered.update(serials)
        err = rec.get("EOXError")
        if not pid:
            if err:
                who = ", ".join(serials) or _text(rec.get("EOXInputValue"))
                api.warn(path, f"no EoX data{' for ' + who if who else ''}: {_cisco_error(err)}")
            else:
                api.error(f"{path}.EOLProductID", "required")
            continue
        ok = True
        got: dict[str, date | None] = {}
        for src, dst in EOX_API_FIELDS.items():
            got[dst], good = _api_date(api, f"{path}.{src}", rec.get(src))
            ok &= good
        updated, good = _api_date(api, f"{path}.UpdatedTimeStamp",
                                  rec.get("UpdatedTimeStamp", rec.get("UpdatedTimestamp")))
        ok &= good
        extra: dict[str, Any] = {}
        for src, dst in EOX_API_EXTRA_DATES.items():
            d, good = _api_date(api, f"{path}.{src}", rec.get(src))
            ok &= good
            if d:
                extra[dst] = d.isoformat()
        for src, dst in EOX_API_EXTRA_TEXT.items():
            if _text(rec.get(src)):
                extra[dst] = _text(rec.get(src))
        mig = rec.get("EOXMigrationDetails")
        mig_pid = mig_name = None
        if isinstance(mig, dict):
            mig_pid = _text(mig.get("MigrationProductId")) or None
            mig_name = _text(mig.get("MigrationProductName")) or None
        if not ok:
            continue
        e = EoX(pid, **got, migration_pid=mig_pid, migration_name=mig_name, updated=updated, extra=extra)
        for serial in serials:
            parsed.serial_pids[serial] = (pid, f"{file}:{path}")
            known = parsed.new_devices.get(serial)
            if known is None or not known[0]:
                parsed.new_devices[serial] = (pid, None, None)
        old = parsed.eox.get(pid)
        if old is None:
            parsed.add("eox", pid, e, f"{file}:{path}")
            continue
        a, b = _dates_of(old), _dates_of(e)
        if a != b:
            what = next(k for k in a if a[k] != b[k])
            api.error(f"{path}.EOLProductID",
                      f"product {pid!r} again with another {_EOX_NAMES.get(what, what)} "
                      f"({_iso(b[what])}, was {_iso(a[what])} at {parsed.first_seen('eox', pid)})")
            continue
        parsed.eox[pid] = _merge_eox(old, e)
        merged += 1
    api.stats.update(kind="eox api", records=recs.count, merged=merged, errors=answer_errors)


def _iso(v: Any) -> str:
    return v.isoformat() if isinstance(v, date) else (str(v) if v else "none")


def _merge_eox(old: EoX, new: EoX) -> EoX:
    """One product Cisco repeated per migration product: the first migration product
    stays the product's, every one is listed; the later update date wins."""
    listed = old.extra.get("migration_options")
    first = old.migration_pid or old.migration_name
    options: list[str] = [str(x) for x in listed] if isinstance(listed, list) else [first] if first else []
    mine = new.migration_pid or new.migration_name
    if mine and mine not in options:
        options.append(mine)
    extra = {**new.extra, **old.extra}
    if len(options) > 1:
        extra["migration_options"] = options
    updated = max((d for d in (old.updated, new.updated) if d), default=None)
    return replace(old, migration_pid=old.migration_pid or new.migration_pid,
                   migration_name=old.migration_name or new.migration_name, updated=updated, extra=extra)


def _api_date(api: _Api, path: str, v: Any) -> tuple[date | None, bool]:
    if v is None:
        return None, True
    if isinstance(v, dict):
        return api.date(f"{path}.value", v.get("value"), _date_order(v.get("dateFormat"), api.order))
    if isinstance(v, str):
        return api.date(path, v)
    api.error(path, f"expected {{value, dateFormat}}, got {type(v).__name__}")
    return None, False
