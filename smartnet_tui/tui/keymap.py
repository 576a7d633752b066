"""User key remapping: a TOML file of binding id -> keys, applied with ``App.set_keymap``.

``$SMARTNET_KEYMAP``, else ``$XDG_CONFIG_HOME/smartnet/keymap.toml`` (``~/.config/...``)::

    [keymap]
    "app.quit" = "ctrl+q"
    "table.down" = "down,j,n"

Binding ids are listed by ``?`` in the app and in docs/tui.md. A missing file is fine; a
broken one is reported in the app and ignored, never fatal.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path


def keymap_path() -> Path:
    env = os.environ.get("SMARTNET_KEYMAP")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "smartnet" / "keymap.toml"


def load_keymap(path: Path | None = None, *, known: set[str]) -> tuple[dict[str, str], list[str]]:
    """The keymap and a list of problems (each one line for a notification); ``known`` is
    every binding id (``help_data.binding_ids()``)."""
    path = path or keymap_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [f"{path}: cannot read ({exc.strerror})"]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"{path}: not valid TOML ({exc})"]
    table = data.get("keymap", data)
    if not isinstance(table, dict):
        return {}, [f"{path}: expected a [keymap] table"]
    out: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in table.items():
        if binding_id not in known:
            problems.append(f"{path}: unknown binding id {binding_id!r} (see ? in the app)")
            continue
        if isinstance(keys, list):
            keys = ",".join(str(k) for k in keys)
        if not isinstance(keys, str) or not keys.strip():
            problems.append(f"{path}: {binding_id}: keys must be a string like \"ctrl+q\"")
            continue
        out[binding_id] = keys.replace(" ", "")
    return out, problems
