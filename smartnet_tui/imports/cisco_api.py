"""JSON responses of Cisco's support APIs, imported as they are saved from the API.

- SN2INFO "coverage summary by serial" (``serial_numbers[]``): each covered serial is a
  line of its ``service_contract_number``. Such a response answers for the serials asked
  about only, so its lines are *merged* into their contracts (the line of that serial is
  added or replaced; the contract's other lines stay).
- EoX "by product ID / serial" (``EOXRecord[]``): one EoX row per ``EOLProductID``, dates
  from ``{value, dateFormat}`` objects; an empty value is an absent date. The API's
  answer is the whole record for that product (it replaces the stored one).

A file may hold one response or a list of responses (several pages saved together).
Errors name the file and the record path: ``EOXRecord[2].EndOfSaleDate.value``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from smartnet_tui.domain.dates import DateError, DateOrder, parse_date
from smartnet_tui.domain.model import EoX, LineSpec, normalise_serial
from smartnet_tui.domain.service_levels import normalise_service_level
from smartnet_tui.imports.parsed import Parsed, Problem


def api_kind(doc: Any) -> str | None:
    """'sn2info', 'eox' or None (not an API response: the data format)."""
    pages = doc if isinstance(doc, list) else [doc]
    if not pages or not all(isinstance(p, dict) for p in pages):
        return None
    if all("serial_numbers" in p for p in pages):
        return "sn2info"
    if all("EOXRecord" in p for p in pages):
        return "eox"
    return None


def _pages(doc: Any, key: str) -> list[tuple[str, list[Any] | Any]]:
    if isinstance(doc, list):
        return [(f"[{i}].{key}", p.get(key)) for i, p in enumerate(doc)]
    return [(key, doc.get(key))]


def _text(v: Any) -> str:
    if v is None or isinstance(v, (dict, list)):
        return ""
    return str(v).strip()


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

    def __init__(self, api: _Api, doc: Any, key: str, list_message: str, record_message: str) -> None:
        self.api, self.doc, self.key = api, doc, key
        self.list_message, self.record_message = list_message, record_message
        self.count = 0

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for base, items in _pages(self.doc, self.key):
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
def parse_sn2info(parsed: Parsed, file: str, doc: Any, order: DateOrder, today: date) -> None:
    api = _Api(parsed, file, order, today)
    lines: dict[str, dict[str, LineSpec]] = {}
    first_row: dict[str, str] = {}
    levels: dict[str, set[str | None]] = {}
    recs = _Records(api, doc, "serial_numbers", "expected a list of serial records",
                    "expected a record with sr_no, is_covered, ...")
    for path, rec in recs:
        serial = normalise_serial(_text(rec.get("sr_no")))
        if not serial:
            api.error(f"{path}.sr_no", "required")
            continue
        if "ErrorResponse" in rec or "error" in rec:
            api.warn(path, f"{serial}: the API returned an error for this serial, skipped")
            continue
        pids = rec.get("orderable_pid_list") or rec.get("base_pid_list") or []
        pid = None
        if isinstance(pids, list) and pids and isinstance(pids[0], dict):
            pid = _text(pids[0].get("orderable_pid") or pids[0].get("base_pid")) or None
        if serial not in parsed.new_devices:
            parsed.new_devices[serial] = (pid, None, None)
        number = _text(rec.get("service_contract_number"))
        covered = _text(rec.get("is_covered")).upper()
        end, ok = api.date(f"{path}.covered_product_line_end_date", rec.get("covered_product_line_end_date"))
        warranty, ok2 = api.date(f"{path}.warranty_end_date", rec.get("warranty_end_date"))
        if not (ok and ok2):
            continue
        if not number:
            continue  # not on a contract: a device, if --add-devices
        if end is None:
            api.error(f"{path}.covered_product_line_end_date",
                      f"{serial} is on contract {number} but has no end date")
            continue
        extra: dict[str, Any] = {}
        if pid:
            extra["pid"] = pid
        if warranty:
            extra["warranty_end"] = warranty.isoformat()
        if covered:
            extra["is_covered"] = covered
        parent = normalise_serial(_text(rec.get("parent_sr_no")))
        if parent and parent != serial:
            extra["parent_serial"] = parent
        # Cisco says not covered although the end is still ahead: the line was
        # terminated. Not covered with the end behind us is an expired line.
        status = "terminated" if covered == "NO" and end >= today else "active"
        level = _text(rec.get("service_line_descr")) or None
        group = lines.setdefault(number, {})
        first_row.setdefault(number, path)
        levels.setdefault(number, set()).add(level)
        if serial in group and group[serial] != LineSpec(serial, None, end, level, None, None, status, extra):
            api.warn(path, f"{serial} appears twice on contract {number}; kept the later record")
        group[serial] = LineSpec(serial, None, end, level, None, None, status, extra)
    for number, group in lines.items():
        lv = levels[number]
        for level in sorted(x for x in lv if x):
            if not normalise_service_level(level).known:
                api.warn(first_row[number], f"unknown service level {level!r}, kept as written")
        parsed.add_line_set(number, tuple(group.values()), next(iter(lv)) if len(lv) == 1 else None,
                            merge=True, file=file, path=first_row[number])
    api.stats.update(kind="sn2info", records=recs.count, lines=sum(len(g) for g in lines.values()),
                     contracts=len(lines))


# ---------------------------------------------------------------- EoX
EOX_API_FIELDS = {
    "EndOfSaleDate": "end_of_sale",
    "EndOfSWMaintenanceReleases": "end_of_sw_maintenance",
    "EndOfServiceContractRenewal": "end_of_contract_renewal",
    "LastDateOfSupport": "last_date_of_support",
}
EOX_API_EXTRA_DATES = {
    "EOXExternalAnnouncementDate": "announced",
    "EndOfSecurityVulSupportDate": "end_of_security_support",
    "EndOfRoutineFailureAnalysisDate": "end_of_failure_analysis",
    "EndOfSvcAttachDate": "end_of_service_attach",
}
EOX_API_EXTRA_TEXT = {
    "ProductIDDescription": "description",
    "ProductBulletinNumber": "bulletin",
    "LinkToProductBulletinURL": "bulletin_url",
}


def _date_order(fmt: Any, default: DateOrder) -> DateOrder:
    f = _text(fmt).upper()
    if f.startswith("DD"):
        return DateOrder.DMY
    if f.startswith("MM"):
        return DateOrder.MDY
    return default


def parse_eox_api(parsed: Parsed, file: str, doc: Any, order: DateOrder, today: date) -> None:
    api = _Api(parsed, file, order, today)
    recs = _Records(api, doc, "EOXRecord", "expected a list of EoX records",
                    "expected an EoX record")
    for path, rec in recs:
        pid = _text(rec.get("EOLProductID"))
        err = rec.get("EOXError")
        if not pid:
            if isinstance(err, dict):
                api.warn(path, f"no EoX data: {_text(err.get('ErrorDescription')) or _text(err.get('ErrorID'))}")
            else:
                api.error(f"{path}.EOLProductID", "required")
            continue
        ok = True
        got: dict[str, date | None] = {}
        for src, dst in EOX_API_FIELDS.items():
            got[dst], good = _api_date(api, f"{path}.{src}", rec.get(src))
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
        if isinstance(mig, dict) and _text(mig.get("MigrationProductId")):
            extra["migration_pid"] = _text(mig.get("MigrationProductId"))
        if not ok:
            continue
        e = EoX(pid, **got, extra=extra)
        if pid in parsed.eox:
            if parsed.eox[pid] != e:
                # The API repeats a product when asked by serial; different dates
                # for one product are a real conflict.
                api.error(f"{path}.EOLProductID",
                          f"duplicate product {pid!r} with other dates (also at {parsed.first_seen('eox', pid)})")
            continue
        parsed.add("eox", pid, e, f"{file}:{path}")
    api.stats.update(kind="eox api", records=recs.count)


def _api_date(api: _Api, path: str, v: Any) -> tuple[date | None, bool]:
    if v is None:
        return None, True
    if isinstance(v, dict):
        return api.date(f"{path}.value", v.get("value"), _date_order(v.get("dateFormat"), api.order))
    if isinstance(v, str):
        return api.date(path, v)
    api.error(path, f"expected {{value, dateFormat}}, got {type(v).__name__}")
    return None, False
