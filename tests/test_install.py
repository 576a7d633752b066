"""What a user installs: the sdist and the wheel built from it, installed in a fresh venv.

Offline by design: the sdist is built from a copy of this tree with setuptools' own PEP 517
hooks, the wheel from the unpacked sdist (so a file the sdist forgets fails here) without
build isolation, and the wheel goes into a fresh venv with ``--no-index --no-deps``; the
dependencies come from the running environment through a ``.pth`` line (plain path: the
running environment's own ``.pth`` files, such as an editable install of this checkout,
are not processed, so the venv imports the installed wheel and nothing else of ours).

Also here: the shell completion scripts (``smartnet completion``), which users install.
"""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

import smartnet_tui

ROOT = Path(__file__).resolve().parents[1]
IGNORED = (".git", ".venv", "venv", "*.egg-info", "__pycache__", "*.pyc", "build", "dist",
           ".pytest_cache", ".mypy_cache", ".ruff_cache", "results", "snapshot_report.html")


def _env() -> dict[str, str]:
    """No pip configuration, index or PYTHONPATH of the caller's: the build is hermetic."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k != "PYTHONPATH"}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(*cmd: str | Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=_env(), capture_output=True, text=True,
                       timeout=timeout)
    assert p.returncode == 0, f"{cmd}: exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def _tree_files(top: Path) -> set[str]:
    """The files under ``top`` that a release carries, relative to ROOT."""
    out = set()
    for path in top.rglob("*"):
        rel = path.relative_to(ROOT)
        if path.is_file() and not any(rel.match(pat) or any(Path(part).match(pat) for part in rel.parts)
                                      for pat in IGNORED):
            out.add(rel.as_posix())
    return out


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("build")
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*IGNORED))
    out = work / "dist"
    code = f"from setuptools import build_meta as b; print(b.build_sdist({str(out)!r}))"
    name = _run(sys.executable, "-c", code, cwd=src).stdout.strip().splitlines()[-1]
    return out / name


@pytest.fixture(scope="module")
def wheel(sdist, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4+
            tar.extractall(work, filter="data")
        else:
            tar.extractall(work)  # our own archive, just built
    (unpacked,) = [p for p in work.iterdir() if p.is_dir()]
    out = work / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation",
         "-w", out, f"./{unpacked.name}", cwd=work)
    (whl,) = out.glob("*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv holding the built wheel; dependencies from the running environment."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv.parent)
    python = venv / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                   cwd=venv.parent).stdout.strip()
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(purelib) / "_smartnet_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel,
         cwd=venv.parent)
    return venv


# ------------------------------------------------------------------------- the sdist
def test_sdist_carries_license_docs_and_the_whole_test_suite(sdist):
    with tarfile.open(sdist) as tar:
        prefix = tar.getnames()[0].split("/")[0]
        names = {n.removeprefix(prefix + "/") for n in tar.getnames()}
        pkg_info = tar.extractfile(f"{prefix}/PKG-INFO").read().decode()  # type: ignore[union-attr]
    wanted = {"LICENSE", "README.md", "pyproject.toml"}
    for top in ("docs", "tests", "sample_data", "tools", "smartnet_tui"):
        wanted |= _tree_files(ROOT / top)
    assert wanted - names == set()
    assert not {n for n in names if "__pycache__" in n or n.endswith(".pyc")}
    meta = email.parser.Parser().parsestr(pkg_info)
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]


# ------------------------------------------------------------------------- the wheel
def test_wheel_metadata_license_urls_version_and_dependencies(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = email.parser.Parser().parsestr(z.read(meta_name).decode())
        dist_info = meta_name.rsplit("/", 1)[0]
        assert z.read(f"{dist_info}/licenses/LICENSE").decode().startswith("MIT License")
    assert meta["Name"] == "smartnet-tui"
    assert meta["Version"] == smartnet_tui.__version__  # one source: smartnet_tui/__init__.py
    assert meta["License-Expression"] == "MIT"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Documentation", "Issues"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())
    requires = {re.split(r"[ <>=;\[]", r, maxsplit=1)[0] for r in meta.get_all("Requires-Dist")
                if "extra ==" not in r}
    assert {"textual", "tinydb", "rich", "shtab", "openpyxl"} <= requires
    # every module and data file of the package (styles, alias tables, py.typed), and the
    # sample estate that `smartnet --demo` imports
    assert _tree_files(ROOT / "smartnet_tui") - names == set()
    assert {f"smartnet_tui/{f}" for f in _tree_files(ROOT / "sample_data")} - names == set()
    assert not any(n.startswith(("tests/", "docs/")) for n in names)  # the sdist's, not the wheel's


def test_the_installed_wheel_runs_the_demo_check(venv, tmp_path):
    """`smartnet --demo check` from a fresh venv answers as the source tree does."""
    where = _run(venv / "bin" / "python", "-c", "import smartnet_tui; print(smartnet_tui.__file__)",
                 cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the wheel, not this checkout

    def check(*cmd: str | Path) -> tuple[int, str]:
        p = subprocess.run([str(c) for c in cmd], cwd=tmp_path, env=_env(), capture_output=True,
                           text=True, timeout=120)
        assert p.stderr == ""
        return p.returncode, p.stdout

    code, out = check(venv / "bin" / "smartnet", "--demo", "check")
    assert re.match(r"SMARTNET (OK|WARNING|CRITICAL) - .+ \| \S+=\d+", out), out
    assert (code, out) == check(sys.executable, "-m", "smartnet_tui", "--demo", "check")
    assert code == {"OK": 0, "WARNING": 1, "CRITICAL": 2}[out.split()[1]]
    version = _run(venv / "bin" / "smartnet", "--version", cwd=tmp_path).stdout
    assert version.strip() == f"smartnet {smartnet_tui.__version__}"


# ------------------------------------------------------------------------- shell completion
SHELL_CHECK = {"bash": ["bash", "-n"], "zsh": ["zsh", "-n"], "fish": ["fish", "--no-execute"]}


def _subcommands() -> dict[str, set[str]]:
    """Every subcommand of the real parser and its long options."""
    import argparse

    from smartnet_tui.cli import build_parser

    out = {}
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out[name] = {o for a in sub._actions for o in a.option_strings if o.startswith("--")}
    return out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_lists_every_command_and_option(cli, shell, tmp_path):
    code, out, err = cli("completion", shell)
    assert (code, err) == (0, "")
    commands = _subcommands()
    assert {"import", "lookup", "report", "check", "config", "completion"} <= set(commands)
    for name, options in commands.items():
        assert re.search(rf"\b{name}\b", out), name
        for opt in options:
            assert opt in out or opt.removeprefix("--") in out, (name, opt)
    if shutil.which(SHELL_CHECK[shell][0]) is None:
        pytest.skip(f"{shell} is not installed (.ci/run installs it): syntax not checked")
    script = tmp_path / f"smartnet.{shell}"
    script.write_text(out)
    p = subprocess.run([*SHELL_CHECK[shell], str(script)], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr


def _completion(cli, shell: str, tmp_path: Path) -> Path:
    code, out, _ = cli("completion", shell)
    assert code == 0
    script = tmp_path / f"smartnet.{shell}"
    script.write_text(out)
    return script


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("line, offered, not_offered", [
    ("smartnet rep", {"report"}, {"lookup"}),
    ("smartnet report --", {"--csv", "--markdown", "--json", "--all", "--output"}, {"--replace"}),
    ("smartnet --date-order ", {"mdy", "dmy"}, set()),
    ("smartnet completion ", {"bash", "zsh", "fish"}, set()),
    ("smartnet import --db somedir/", {"somedir/estate.json"}, set()),  # files for a path option
])
def test_bash_completes_commands_options_and_files(cli, tmp_path, line, offered, not_offered):
    script = _completion(cli, "bash", tmp_path)
    (tmp_path / "somedir").mkdir()
    (tmp_path / "somedir" / "estate.json").write_text("{}")
    words = line.split(" ")
    prog = (f"source {script}\n"
            f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
            f"COMP_LINE={line!r}; COMP_POINT=${{#COMP_LINE}}\n"
            "_shtab_smartnet smartnet \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
            "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    p = subprocess.run(["bash", "-c", prog], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    got = {w.strip() for w in p.stdout.splitlines()}
    assert offered <= got, (p.stdout, p.stderr)
    assert not (not_offered & got)


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (.ci/run installs it)")
@pytest.mark.parametrize("line, offered", [
    ("smartnet rep", {"report"}),
    ("smartnet report --", {"--csv", "--markdown", "--all"}),
    ("smartnet completion ", {"bash", "zsh", "fish"}),
])
def test_fish_completes_commands_and_options(cli, tmp_path, line, offered):
    script = _completion(cli, "fish", tmp_path)
    p = subprocess.run(["fish", "--no-config", "-c", f"source {script}; complete -C {line!r}"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=30,
                       env={**os.environ, "HOME": str(tmp_path)})
    got = {w.split("\t")[0] for w in p.stdout.splitlines()}
    assert offered <= got, (p.stdout, p.stderr)


def test_completion_refuses_an_unknown_shell(cli):
    code, out, err = cli("completion", "powershell")
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "fish" in err
