"""Fixtures shared by the whole suite.

Every test runs with its own XDG data directory and without SMARTNET_DB/SMARTNET_TODAY
from the caller's environment, so no test can touch a real user database.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:  # make `import helpers` work under any import mode
    sys.path.insert(0, str(_HERE))

from helpers import write_text  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory, monkeypatch):
    for var in ("SMARTNET_DB", "SMARTNET_TODAY", "SMARTNET_DEBUG", "SUDO_USER"):
        monkeypatch.delenv(var, raising=False)
    # nor the caller's settings (config.toml, keymap) and their variables
    for var in ("SMARTNET_CONFIG", "SMARTNET_DUE_DAYS", "SMARTNET_REVIEW_DAYS", "SMARTNET_DATE_ORDER",
                "SMARTNET_THEME", "SMARTNET_KEYMAP"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg_config")))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.setenv("USER", "tester")


@pytest.fixture
def db_path(tmp_path) -> Path:
    """A database file path that does not exist yet."""
    return tmp_path / "db" / "smartnet.json"


@pytest.fixture
def write_yaml(tmp_path):
    """write_yaml(text, name='estate.yaml') -> Path: a dedented source file in tmp_path."""

    def _write(text: str, name: str = "estate.yaml") -> Path:
        return write_text(tmp_path / "src" / name, text)

    return _write


@pytest.fixture
def cli(capsys):
    """cli(*argv) -> (exit code, stdout, stderr) through smartnet_tui.cli.main."""
    from smartnet_tui.cli import main

    def _run(*argv: str):
        capsys.readouterr()
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run
