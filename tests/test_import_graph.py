"""No import circles between the modules of smartnet_tui.

The graph is read from the source (ast): top-level and function-level imports count, so
a circle hidden behind a function-local import fails too; imports under
``if TYPE_CHECKING:`` never run and do not count. A package import is an import of its
``__init__``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from helpers import describe_circle, import_cycles, import_graph, unexplained_local_imports

import smartnet_tui

PACKAGE = Path(smartnet_tui.__file__).resolve().parent


def test_no_import_circles():
    graph = import_graph(PACKAGE)
    circles = [describe_circle(graph, c) for c in import_cycles(graph)]
    assert not circles, "import circles (break each by moving what both sides need):\n" + "\n\n".join(circles)


def test_function_local_imports_say_why():
    """An import inside a function hides a dependency (and can hide a circle): it stays
    only where it keeps a heavy library off a start-up, with a comment saying so."""
    unexplained = unexplained_local_imports(PACKAGE)
    assert not unexplained, ("imports inside functions with no comment saying why (move them to the "
                             "top of the module):\n  " + "\n  ".join(unexplained))


def test_the_graph_sees_every_module_and_the_real_imports():
    graph = import_graph(PACKAGE)
    assert {"smartnet_tui.cli", "smartnet_tui.domain.model", "smartnet_tui.store.db"} <= set(graph)
    assert "smartnet_tui.domain.model" in {e.target for e in graph["smartnet_tui.domain.engine"]}


# ------------------------------------------------------------------ the checker itself
def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_a_circle_behind_a_function_local_import_is_found_and_named(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from pkg.b import thing\n",
        "b.py": """\
            thing = 1


            def later():
                from pkg import a  # hidden from a top-level-only check
                return a
            """,
        "c.py": "import pkg.a\n",
    })
    graph = import_graph(root)
    assert import_cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"]]
    text = describe_circle(graph, ["pkg.a", "pkg.b", "pkg.a"])
    assert text.splitlines() == [
        "  pkg.a imports pkg.b (line 1)",
        "  pkg.b imports pkg.a (line 5, in a function)",
    ]


def test_relative_imports_and_package_inits_count(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "sub/__init__.py": "from .x import X\n",  # the package's __init__ imports x ...
        "sub/x.py": "from pkg.sub import helper_name\nX = 1\n",  # ... and x imports the __init__
    })
    graph = import_graph(root)
    assert import_cycles(graph) == [["pkg.sub", "pkg.sub.x", "pkg.sub"]]


def test_type_checking_imports_and_sibling_submodules_are_no_circle(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": """\
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from pkg.b import B
            """,
        "b.py": "from pkg import a\n",  # `from package import submodule` imports only a
    })
    graph = import_graph(root)
    assert import_cycles(graph) == []
    assert [e.target for e in graph["pkg.b"]] == ["pkg.a"]


def test_a_longer_circle_is_named_hop_by_hop(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "app.py": "from pkg import keymap\n",
        "keymap.py": "from pkg.help_data import ALL\n",
        "help_data.py": "def all_bindings():\n    from pkg.app import App\n    return App\nALL = 1\n",
    })
    graph = import_graph(root)
    (circle,) = import_cycles(graph)
    assert circle == ["pkg.app", "pkg.keymap", "pkg.help_data", "pkg.app"]


def test_an_unexplained_local_import_is_reported(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": """\
            def f():
                import json
                # Textual only when the UI is wanted
                import textual
                import csv  # csv only for exports
                return json, textual, csv
            """,
    })
    assert unexplained_local_imports(root) == ["pkg.a line 2: import json"]
