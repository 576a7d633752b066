"""Every package and data file ships in the wheel (an editable install hides omissions)."""

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "smartnet_tui").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages"


def test_sample_data_ships_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["smartnet_tui.sample_data"] == "sample_data"
    from smartnet_tui.imports.demo import DEMO_FILES, sample_dir

    for name in DEMO_FILES:
        assert (sample_dir() / name).is_file()


def _sh_blocks(markdown: str) -> list[list[str]]:
    blocks = re.findall(r"```sh\n(.*?)```", markdown, flags=re.S)
    return [[line for line in b.splitlines() if line.strip()] for b in blocks]


def test_readme_first_command_installs_into_its_own_venv_and_opens_the_demo() -> None:
    """PEP 668 systems (Debian 12, Ubuntu 24.04) refuse a bare `pip install .`."""
    first = _sh_blocks((ROOT / "README.md").read_text())[0]
    assert len(first) == 1, "one command to copy and paste"
    steps = [s.strip() for s in first[0].split("&&")]
    m = re.fullmatch(r"python3 -m venv (\S+)", steps[0])
    assert m, steps[0]
    venv = m.group(1)
    assert steps[1:] == [f"{venv}/bin/pip install .", f"{venv}/bin/smartnet --demo"]
    readme = (ROOT / "README.md").read_text()
    assert "`pipx install .`" in readme and "`uv tool install .`" in readme


def test_readme_test_command_is_what_ci_runs() -> None:
    test_block = _sh_blocks((ROOT / "README.md").read_text())[1]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_block[-1] == "pip install -e '.[test]' && python -m pytest -n 2"
    assert test_block[-1] in ci
    # the virtual environment the README makes first is the one CI makes
    venv_steps = [s.strip() for s in test_block[0].split("&&")]
    assert all(step in ci for step in venv_steps), venv_steps


def test_one_source_for_the_version_and_a_license_file() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "smartnet_tui.__version__"}
    assert project["project"]["license"] == "MIT"
    for name in project["project"]["license-files"]:
        assert (ROOT / name).read_text().startswith("MIT License")


# import name -> distribution name, where they differ
DISTRIBUTION = {"yaml": "pyyaml", "dateutil": "python-dateutil"}


def test_every_library_the_code_imports_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = {re.split(r"[ <>=!~;\[]", d, maxsplit=1)[0].lower() for d in project["project"]["dependencies"]}
    imported: set[str] = set()
    for path in (ROOT / "smartnet_tui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "smartnet_tui"}
    assert "rich" in third_party  # the reason for this test: rich was imported but not declared
    assert {DISTRIBUTION.get(m, m) for m in third_party} - declared == set()
