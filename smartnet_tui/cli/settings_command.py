"""``smartnet config``: the effective settings and where each one came from."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import IO, Any

from smartnet_tui.config import DEMO, DEMO_TODAY, FILE, FLAG, SPECS, Effective, Settings, flags_from, resolve

HELP = "show the effective settings and where each came from (flag, environment, config file, default)"


def add_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--json", action="store_true", help="machine-readable output")


def effective_for(args: argparse.Namespace, settings: Settings) -> Effective:
    """The resolution behind ``settings``, with --demo's database and date shown as such."""
    eff = resolve(flags_from(args))
    if settings.demo:
        values, sources, origins = dict(eff.values), dict(eff.sources), dict(eff.origins)
        values["database"], sources["database"], origins["database"] = settings.db_path, DEMO, "--demo"
        if values["today"] is None:
            values["today"], sources["today"], origins["today"] = DEMO_TODAY, DEMO, "--demo"
        eff = Effective(values, sources, origins, eff.config_file, eff.config_found)
    return eff


def _value(key: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Path | date):
        return str(value)
    return str(value) if key == "date_order" else value


def _text_value(key: str, value: Any) -> str:
    if value is None:
        if key == "today":
            return f"the local date ({date.today().isoformat()})"
        if key == "theme":
            return "automatic (textual-dark; ansi-dark on 16 colours)"
    return str(_value(key, value))


def _text_source(eff: Effective, key: str) -> str:
    source, origin = eff.sources[key], eff.origins[key]
    if source in (FLAG, DEMO):
        return origin
    if source == FILE:
        return "config file"
    if origin:
        return f"${origin}"
    return source  # environment / default


def render(eff: Effective, out: IO[str]) -> None:
    state = "" if eff.config_found else "  (not found: built-in defaults)"
    rows = [("config file", str(eff.config_file) + state, "")]
    rows += [(s.key, _text_value(s.key, eff.values[s.key]), _text_source(eff, s.key)) for s in SPECS]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows[1:])
    for name, value, source in rows:
        out.write(f"{name:<{w0}}  {value:<{w1}}  {source}".rstrip() + "\n")


def as_json(eff: Effective) -> dict[str, Any]:
    return {
        "config_file": str(eff.config_file),
        "config_file_found": eff.config_found,
        "settings": {
            s.key: {
                "value": _value(s.key, eff.values[s.key]),
                "source": eff.sources[s.key],
                "from": eff.origins[s.key] or None,
            }
            for s in SPECS
        },
    }


def run(args: argparse.Namespace, settings: Settings) -> int:
    eff = effective_for(args, settings)
    if getattr(args, "json", False):
        json.dump(as_json(eff), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render(eff, sys.stdout)
    return 0
