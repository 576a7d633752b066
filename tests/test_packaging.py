"""Every package and data file ships in the wheel (an editable install hides omissions)."""

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
