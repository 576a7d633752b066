"""Settings shared by the CLI and the TUI, and where each one comes from (no Textual).

Precedence, highest first: command-line flags, the environment, the config file, the
built-in defaults. The config file is ``$SMARTNET_CONFIG``, else
``$XDG_CONFIG_HOME/smartnet/config.toml`` (``~/.config/smartnet/config.toml``)::

    database = "~/smartnet/estate.json"   # relative paths are relative to this file
    due_days = 45
    review_days = 120
    date_order = "dmy"                    # numeric dates in source files: mdy or dmy
    theme = "nord"                        # a Textual theme; unset: automatic
    keymap = "keys.toml"                  # the key remapping file

A missing file is fine; a broken one is a ``ConfigError`` naming the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from smartnet_tui.domain.dates import DateOrder

DEMO_TODAY = date(2026, 12, 1)
DEFAULT_DUE_DAYS = 60
DEFAULT_REVIEW_DAYS = 120

# Textual 8.2.8's built-in themes (textual is pinned exactly; tests/test_config.py checks
# this list against textual.theme.BUILTIN_THEMES). Kept here so that the CLI can reject a
# misspelt theme without importing Textual.
THEMES = frozenset({
    "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe",
    "catppuccin-latte", "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki",
    "gruvbox", "monokai", "nord", "rose-pine", "rose-pine-dawn", "rose-pine-moon",
    "solarized-dark", "solarized-light", "textual-dark", "textual-light", "tokyo-night",
})


@dataclass(frozen=True)
class Settings:
    db_path: Path
    today: date | None = None  # None: the local date, rolling over at midnight
    due_days: int = DEFAULT_DUE_DAYS
    review_days: int = DEFAULT_REVIEW_DAYS
    date_order: DateOrder = DateOrder.MDY
    demo: bool = False
    watch: tuple[Path, ...] = field(default=())
    mouse: bool = True
    ascii: bool = False
    theme: str | None = None  # None: automatic (an ANSI theme on 16-colour terminals)
    keymap: Path | None = None  # None: tui.keymap.keymap_path()

    def reference_date(self) -> date:
        return self.today or date.today()


class ConfigError(ValueError):
    """A bad setting, in one line naming where it came from (the file and key, or the variable)."""


# ---------------------------------------------------------------------------- the settings
@dataclass(frozen=True)
class Spec:
    key: str  # the config file's key, and the name `smartnet config` shows
    flag: str | None
    env: str | None
    in_file: bool
    what: str  # "expected ..." in error messages


SPECS: tuple[Spec, ...] = (
    Spec("database", "--db", "SMARTNET_DB", True, "a file path"),
    Spec("today", "--today", "SMARTNET_TODAY", False, "a date (YYYY-MM-DD)"),
    Spec("due_days", "--due-days", "SMARTNET_DUE_DAYS", True, "a whole number of days"),
    Spec("review_days", "--review-days", "SMARTNET_REVIEW_DAYS", True, "a whole number of days"),
    Spec("date_order", "--date-order", "SMARTNET_DATE_ORDER", True, "mdy or dmy"),
    Spec("theme", "--theme", "SMARTNET_THEME", True, "a theme name"),
    Spec("keymap", None, "SMARTNET_KEYMAP", True, "a file path"),
)
SPEC = {s.key: s for s in SPECS}
FILE_KEYS = tuple(s.key for s in SPECS if s.in_file)

# Where a value came from, highest precedence first.
FLAG, ENVIRONMENT, FILE, DEFAULT, DEMO = "flag", "environment", "config file", "default", "demo"


def _home() -> Path:
    return Path(os.path.expanduser("~"))


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("SMARTNET_CONFIG"):
        return Path(env["SMARTNET_CONFIG"]).expanduser()
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else _home() / ".config"
    return base / "smartnet" / "config.toml"


def default_database(environ: Mapping[str, str]) -> Path:
    base = Path(environ["XDG_DATA_HOME"]) if environ.get("XDG_DATA_HOME") else _home() / ".local" / "share"
    return base / "smartnet" / "smartnet.json"


def default_keymap(environ: Mapping[str, str]) -> Path:
    base = Path(environ["XDG_CONFIG_HOME"]) if environ.get("XDG_CONFIG_HOME") else _home() / ".config"
    return base / "smartnet" / "keymap.toml"


# ---------------------------------------------------------------------------- value parsers
# Each takes the raw value (text from a flag or variable, a TOML value from the file) and
# returns the setting, or raises ValueError with what was wrong.


def _path(value: Any, relative_to: Path | None) -> Path:
    if not isinstance(value, str | Path) or not str(value).strip():
        raise ValueError("expected a file path")
    p = Path(value).expanduser()
    if relative_to is not None and not p.is_absolute():
        p = relative_to / p
    return p


def _date(value: Any, relative_to: Path | None) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError("expected a date (YYYY-MM-DD)") from None


def _days(value: Any, relative_to: Path | None) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number of days")
    if isinstance(value, int):
        n = value
    else:
        try:
            n = int(str(value).strip())
        except ValueError:
            raise ValueError("expected a whole number of days") from None
    if n < 0:
        raise ValueError("days cannot be negative")
    return n


def _date_order(value: Any, relative_to: Path | None) -> DateOrder:
    if isinstance(value, DateOrder):
        return value
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text not in ("mdy", "dmy"):
        raise ValueError("expected \"mdy\" or \"dmy\"")
    return DateOrder(text)


def _theme(value: Any, relative_to: Path | None) -> str:
    if not isinstance(value, str) or value.strip() not in THEMES:
        raise ValueError("expected one of " + ", ".join(sorted(THEMES)))
    return value.strip()


PARSERS: dict[str, Callable[[Any, Path | None], Any]] = {
    "database": _path,
    "today": _date,
    "due_days": _days,
    "review_days": _days,
    "date_order": _date_order,
    "theme": _theme,
    "keymap": _path,
}


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


# ---------------------------------------------------------------------------- the file
def load_config_file(path: Path, required: bool = False) -> dict[str, Any]:
    """The file's settings, parsed (paths made absolute); {} when there is no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{path}: no such config file (named by SMARTNET_CONFIG)") from None
        return {}
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file (expected TOML)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    out: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in FILE_KEYS:
            what = (f"not a config file setting (set it with {SPEC[key].flag} or {SPEC[key].env})"
                    if key in SPEC else "unknown setting")
            raise ConfigError(f"{path}: {key}: {what}; the file may set " + ", ".join(FILE_KEYS))
        try:
            out[key] = PARSERS[key](raw, path.parent)
        except ValueError as exc:
            raise ConfigError(f"{path}: {key}: {exc}, got {_show(raw)}") from None
    return out


# ---------------------------------------------------------------------------- resolution
@dataclass(frozen=True)
class Effective:
    """Every setting's value and where it came from."""

    values: dict[str, Any]
    sources: dict[str, str]  # FLAG, ENVIRONMENT, FILE, DEFAULT or DEMO
    origins: dict[str, str]  # the flag, the variable, the file's path, or ""
    config_file: Path
    config_found: bool

    def settings(self, *, demo_db: Path | None = None, watch: tuple[Path, ...] = (),
                 mouse: bool = True, ascii: bool = False) -> Settings:
        v = self.values
        return Settings(
            db_path=demo_db if demo_db is not None else v["database"],
            today=v["today"] if v["today"] is not None or demo_db is None else DEMO_TODAY,
            due_days=v["due_days"],
            review_days=v["review_days"],
            date_order=v["date_order"],
            demo=demo_db is not None,
            watch=watch,
            mouse=mouse,
            ascii=ascii,
            theme=v["theme"],
            keymap=v["keymap"],
        )


def resolve(flags: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Effective:
    """Flags (None: not given) over the environment over the config file over the defaults."""
    env = os.environ if environ is None else environ
    path = config_path(env)
    from_file = load_config_file(path, required=bool(env.get("SMARTNET_CONFIG")))
    defaults: dict[str, Any] = {
        "database": default_database(env),
        "today": None,
        "due_days": DEFAULT_DUE_DAYS,
        "review_days": DEFAULT_REVIEW_DAYS,
        "date_order": DateOrder.MDY,
        "theme": None,
        "keymap": default_keymap(env),
    }
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    origins: dict[str, str] = {}
    for spec in SPECS:
        key, parse = spec.key, PARSERS[spec.key]
        flag = flags.get(key)
        if flag is not None and spec.flag:
            try:
                values[key] = parse(flag, None)
            except ValueError as exc:
                raise ConfigError(f"{spec.flag} {_show(flag)}: {exc}") from None
            sources[key], origins[key] = FLAG, spec.flag
        elif spec.env and env.get(spec.env):
            raw = env[spec.env]
            try:
                values[key] = parse(raw, None)
            except ValueError as exc:
                raise ConfigError(f"{spec.env}={raw!r}: {exc}") from None
            sources[key], origins[key] = ENVIRONMENT, spec.env
        elif key in from_file:
            values[key] = from_file[key]
            sources[key], origins[key] = FILE, str(path)
        else:
            values[key] = defaults[key]
            sources[key], origins[key] = DEFAULT, ""
    if values["review_days"] < values["due_days"]:
        def where(k: str) -> str:
            return {FLAG: origins[k], ENVIRONMENT: origins[k], FILE: f"{path} {k}"}.get(sources[k], "default")

        raise ConfigError(
            f"review_days ({values['review_days']}, {where('review_days')}) must be at least "
            f"due_days ({values['due_days']}, {where('due_days')})"
        )
    return Effective(values, sources, origins, path, path.is_file())


def flags_from(args: Any) -> dict[str, Any]:
    """The settings given on the command line (an argparse namespace; None: not given)."""
    names = {"database": "db", "today": "today", "due_days": "due_days", "review_days": "review_days",
             "date_order": "date_order", "theme": "theme", "keymap": "keymap"}
    return {key: getattr(args, attr, None) for key, attr in names.items()}
