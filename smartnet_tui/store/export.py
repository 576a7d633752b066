"""Write the database back out in the data format (round-trips with import)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

try:
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper


def _flatten_extra(doc: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if k != "extra"}
    for k, v in (doc.get("extra") or {}).items():
        out.setdefault(k, v)
    return out


def _contract(doc: Mapping[str, Any]) -> dict[str, Any]:
    out = _flatten_extra(doc)
    lines = [_flatten_extra(ln) for ln in doc.get("lines", ())]
    out.pop("lines", None)
    if lines and all(set(ln) <= {"serial", "status"} and ln.get("status", "active") == "active" for ln in lines):
        out["serials"] = [ln["serial"] for ln in lines]
    elif lines:
        out["lines"] = lines
    return out


def export_data(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    def table(name: str) -> list[Mapping[str, Any]]:
        docs = raw.get(name, {})
        return [docs[k] for k in sorted(docs, key=int)]

    return {
        "devices": [_flatten_extra(d) for d in table("devices")],
        "contracts": [_contract(c) for c in table("contracts")],
        "eox": [_flatten_extra(e) for e in table("eox")],
    }


class _ExportDumper(_Dumper):  # type: ignore[misc]
    pass


_LOOKS_TYPED = re.compile(
    r"^(?:[-+]?[0-9][0-9_.:eE+-]*|[-+]?\.(?:inf|nan)|y|n|yes|no|on|off|true|false|null|~)$",
    re.IGNORECASE,
)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # SafeDumper already quotes what YAML 1.1 would read as another type (NO, 15.10,
    # 2026-07-31); also quote what YAML 1.2 tools read as numbers (0093425688), so
    # identifiers survive any reader.
    style = "'" if _LOOKS_TYPED.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ExportDumper.add_representer(str, _str)


def to_yaml(data: Mapping[str, Any]) -> str:
    return yaml.dump(dict(data), Dumper=_ExportDumper, sort_keys=False, allow_unicode=True, width=100)
