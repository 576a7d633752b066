"""Settings: command-line flags win, then the environment, then config.toml, then the defaults.

What a user sees: `smartnet config` (text and --json), the effect on real commands, and
one line naming the file and the key (exit 2, nothing written) for a bad config file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartnet_tui.config import THEMES, resolve

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture
def config_file(monkeypatch, tmp_path) -> Path:
    """The user's ~/.config/smartnet/config.toml (under the test's own XDG_CONFIG_HOME)."""
    home = tmp_path / "config-home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    path = home / "smartnet" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


def effective(cli, *argv: str) -> dict:
    code, out, err = cli(*argv, "config", "--json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


# ------------------------------------------------------------------------- precedence
# (file, environment, flag) -> the value and its source, for a number, a choice and a path.
PRECEDENCE = [
    # key,         file value,   env var,                env value, flag,            flag value
    ("due_days", "45", "SMARTNET_DUE_DAYS", "30", "--due-days", "20"),
    ("date_order", '"dmy"', "SMARTNET_DATE_ORDER", "mdy", "--date-order", "dmy"),
    ("database", '"file.json"', "SMARTNET_DB", "ENV", "--db", "FLAG"),
]


def _expected(key: str, raw: str, where: Path) -> object:
    if key == "due_days":
        return int(raw)
    if key == "database":
        return str(where / raw.strip('"'))
    return raw.strip('"')


@pytest.mark.parametrize("key, file_value, env_var, env_value, flag, flag_value", PRECEDENCE)
@pytest.mark.parametrize("given", ["nothing", "file", "file+env", "file+env+flag", "env+flag", "flag"])
def test_flags_win_then_environment_then_file(cli, config_file, monkeypatch, tmp_path,
                                              key, file_value, env_var, env_value, flag, flag_value,
                                              given):
    if key == "database":  # paths: the file's are relative to the file, the others absolute here
        env_value, flag_value = str(tmp_path / "env.json"), str(tmp_path / "flag.json")
    argv: list[str] = []
    if "file" in given:
        config_file.write_text(f"{key} = {file_value}\n")
    if "env" in given:
        monkeypatch.setenv(env_var, env_value)
    if "flag" in given:
        argv = [flag, flag_value]
    setting = effective(cli, *argv)["settings"][key]
    if "flag" in given:
        want = (_expected(key, flag_value, tmp_path), "flag", flag)
    elif "env" in given:
        want = (_expected(key, env_value, tmp_path), "environment", env_var)
    elif "file" in given:
        want = (_expected(key, file_value, config_file.parent), "config file", str(config_file))
    else:
        default = {"due_days": 60, "date_order": "mdy",
                   "database": str(Path(__import__("os").environ["XDG_DATA_HOME"]) / "smartnet" / "smartnet.json")}
        want = (default[key], "default", None)
    assert (setting["value"], setting["source"], setting["from"]) == want


def test_the_file_sets_every_documented_key(cli, config_file, tmp_path):
    config_file.write_text(
        '# my settings\n'
        'database = "~/estate.json"\n'
        'due_days = 45\n'
        'review_days = 100\n'
        'date_order = "dmy"\n'
        'theme = "nord"\n'
        'keymap = "keys.toml"\n'
    )
    data = effective(cli)
    assert data["config_file"] == str(config_file) and data["config_file_found"] is True
    values = {k: v["value"] for k, v in data["settings"].items()}
    assert values == {
        "database": str(Path("~/estate.json").expanduser()),
        "today": None,
        "due_days": 45,
        "review_days": 100,
        "date_order": "dmy",
        "theme": "nord",
        "keymap": str(config_file.parent / "keys.toml"),
    }
    assert {v["source"] for k, v in data["settings"].items() if k != "today"} == {"config file"}


def test_no_config_file_means_the_defaults(cli, config_file):
    data = effective(cli)
    assert data["config_file_found"] is False
    assert {k: v["source"] for k, v in data["settings"].items()} == dict.fromkeys(data["settings"], "default")
    assert (data["settings"]["due_days"]["value"], data["settings"]["review_days"]["value"]) == (60, 120)
    assert data["settings"]["keymap"]["value"] == str(config_file.parent / "keymap.toml")


def test_smartnet_config_text_says_where_each_setting_came_from(cli, config_file, monkeypatch):
    config_file.write_text('due_days = 45\ntheme = "dracula"\n')
    monkeypatch.setenv("SMARTNET_TODAY", "2026-12-01")
    code, out, err = cli("config", "--review-days", "150")
    assert (code, err) == (0, "")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert str(config_file) in lines["config"]
    assert lines["due_days"].split()[1:] == ["45", "config", "file"]
    assert lines["review_days"].split()[1:] == ["150", "--review-days"]
    assert lines["today"].split()[1:] == ["2026-12-01", "$SMARTNET_TODAY"]
    assert lines["theme"].split()[1:] == ["dracula", "config", "file"]
    assert lines["date_order"].split()[1:] == ["mdy", "default"]


def test_demo_database_and_date_are_shown_as_the_demos(cli, config_file):
    config_file.write_text('database = "/nonexistent/never.json"\n')
    data = effective(cli, "--demo")
    assert data["settings"]["database"]["source"] == "demo"
    assert data["settings"]["database"]["value"] != "/nonexistent/never.json"
    assert (data["settings"]["today"]["value"], data["settings"]["today"]["source"]) == ("2026-12-01", "demo")


# ------------------------------------------------------------------------- the settings take effect
def test_the_files_database_and_days_reach_the_commands(cli, config_file, tmp_path):
    db = tmp_path / "from-config" / "estate.json"
    config_file.write_text(f'database = "{db}"\ndue_days = 10\nreview_days = 20\n')
    code, _, err = cli("import", SAMPLE / "estate.yaml")
    assert (code, err) == (0, "")
    assert db.is_file()  # imported where the config file said
    code, out, _ = cli("report", "--json", "--today", "2026-12-01")
    data = json.loads(out)
    assert (data["due_days"], data["review_days"]) == (10, 20)
    code, out, _ = cli("report", "--json", "--today", "2026-12-01", "--due-days", "30", "--review-days", "90")
    assert (json.loads(out)["due_days"], json.loads(out)["review_days"]) == (30, 90)


def test_the_files_date_order_reads_day_first_dates(cli, config_file, tmp_path):
    src = tmp_path / "inv.yaml"
    src.write_text(
        "devices:\n  - {serial: ABC123, pid: C9300-48P, hostname: sw1, status: active}\n"
        "contracts:\n  - number: '100'\n    service_level: 8X5XNBD\n"
        "    start: 01/02/2026\n    end: 31/01/2027\n    lines: [{serial: ABC123}]\n"
    )
    db = tmp_path / "db.json"
    code, _, err = cli("import", src, "--db", db)
    assert code == 2 and "31/01/2027" in err  # month 31 does not exist in mdy
    config_file.write_text('date_order = "dmy"\n')
    code, _, err = cli("import", src, "--db", db)
    assert (code, err) == (0, "")
    code, out, _ = cli("lookup", "ABC123", "--json", "--db", db, "--today", "2026-12-01")
    assert json.loads(out)["coverage"]["coverage_end"] == "2027-01-31"


# ------------------------------------------------------------------------- bad settings
BAD_FILES = [
    ("due_days = \"soon\"\n", "due_days", "whole number"),
    ("due_days = -5\n", "due_days", "negative"),
    ("review_days = true\n", "review_days", "whole number"),
    ("date_order = \"ymd\"\n", "date_order", "mdy"),
    ("theme = \"neon\"\n", "theme", "nord"),
    ("database = 42\n", "database", "file path"),
    ("due-days = 30\n", "due-days", "unknown setting"),
    ("today = 2026-12-01\n", "today", "--today or SMARTNET_TODAY"),
    ("due_days = 30\ndue_days = 40\n", "line 2", "not valid TOML"),
    ("[keymap]\n\"app.quit\" = \"ctrl+q\"\n", "keymap", "file path"),
]


@pytest.mark.parametrize("text, names, says", BAD_FILES)
@pytest.mark.parametrize("command", [["config"], ["report"], ["import", "estate.yaml"]])
def test_a_bad_config_file_is_one_line_naming_file_and_key(cli, config_file, tmp_path, text, names,
                                                            says, command):
    config_file.write_text(text)
    db = tmp_path / "untouched.json"
    argv = [a if a != "estate.yaml" else str(SAMPLE / a) for a in command]
    code, out, err = cli(*argv, "--db", db)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert str(config_file) in err and names in err and says in err
    assert not db.exists()  # nothing written


def test_a_bad_config_file_makes_check_unknown(cli, config_file):
    config_file.write_text("due_days = \"soon\"\n")
    code, out, _ = cli("check")
    assert code == 3 and out.startswith("SMARTNET UNKNOWN - ") and str(config_file) in out


def test_smartnet_config_env_names_the_file(cli, monkeypatch, tmp_path):
    path = tmp_path / "team.toml"
    path.write_text("due_days = 15\n")
    monkeypatch.setenv("SMARTNET_CONFIG", str(path))
    data = effective(cli)
    assert data["config_file"] == str(path)
    assert (data["settings"]["due_days"]["value"], data["settings"]["due_days"]["from"]) == (15, str(path))
    path.unlink()
    code, _, err = cli("config")
    assert code == 2 and str(path) in err and "SMARTNET_CONFIG" in err


@pytest.mark.parametrize("var, value", [("SMARTNET_DUE_DAYS", "two"), ("SMARTNET_REVIEW_DAYS", "-1"),
                                        ("SMARTNET_DATE_ORDER", "ymd"), ("SMARTNET_THEME", "neon")])
def test_a_bad_variable_is_one_line_naming_it(cli, monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    code, out, err = cli("config")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert f"{var}={value!r}" in err


def test_review_shorter_than_due_names_where_each_came_from(cli, config_file):
    config_file.write_text("review_days = 30\n")
    code, _, err = cli("report", "--due-days", "45")
    assert code == 2 and len(err.splitlines()) == 1
    assert "--due-days" in err and str(config_file) in err and "review_days" in err


def test_the_theme_list_is_textuals():
    from textual.theme import BUILTIN_THEMES  # the CLI checks themes without importing Textual

    assert set(BUILTIN_THEMES) == THEMES


def test_resolve_is_pure_over_its_environment(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("due_days = 7\nreview_days = 8\n")
    env = {"SMARTNET_CONFIG": str(cfg), "XDG_DATA_HOME": str(tmp_path / "data"), "SMARTNET_REVIEW_DAYS": "9"}
    eff = resolve({"due_days": None}, env)
    s = eff.settings()
    assert (s.due_days, s.review_days, s.db_path) == (7, 9, tmp_path / "data" / "smartnet" / "smartnet.json")
    assert (eff.sources["due_days"], eff.sources["review_days"]) == ("config file", "environment")


async def test_the_theme_and_keymap_settings_reach_the_app(tmp_path, monkeypatch):
    from smartnet_tui.tui.app import SmartnetApp  # Textual: only the app's test needs it

    keymap = tmp_path / "my-keys.toml"
    keymap.write_text('[keymap]\n"no.such.binding" = "ctrl+q"\n')
    config = tmp_path / "config.toml"
    config.write_text(f'theme = "nord"\nkeymap = "{keymap.name}"\n')
    monkeypatch.setenv("SMARTNET_CONFIG", str(config))
    monkeypatch.delenv("SMARTNET_KEYMAP", raising=False)
    settings = resolve({"database": tmp_path / "db.json"}).settings()
    app = SmartnetApp(settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        # the keymap file the config named was read: its mistake is reported, naming it
        assert any(str(keymap) in problem and "no.such.binding" in problem for problem in app.keymap_problems)
