"""Shared builders for the domain, store and CLI tests (plain functions, no fixtures).

Imported as ``helpers``: tests/conftest.py puts this directory on sys.path.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import Contract, Device, EoX, Estate, LineSpec

TODAY = date(2026, 12, 1)  # the suite's one reference date
TODAY_ARG = TODAY.isoformat()  # the same, as typed after --today


def D(text: str) -> date:
    """An ISO date."""
    return date.fromisoformat(text)


def days(n: int, base: date = TODAY) -> date:
    """The date n days after ``base`` (TODAY by default)."""
    return base + timedelta(days=n)


def dev(serial: str, **kw) -> Device:
    return Device(serial=serial, **kw)


def ln(serial: str, start: date | None = None, end: date | None = None, **kw) -> LineSpec:
    return LineSpec(serial=serial, start=start, end=end, **kw)


def con(number: str, *lines: LineSpec, **kw) -> Contract:
    return Contract(number=number, lines=tuple(lines), **kw)


def eox(pid: str, **kw) -> EoX:
    return EoX(pid=pid, **kw)


def analyse(devices=(), contracts=(), eoxes=(), today: date = TODAY,
            due_days: int = 60, review_days: int = 120) -> Analysis:
    return Analysis(Estate(devices, contracts, eoxes), Policy(today, due_days, review_days))


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def kinds(alerts) -> list[tuple[str, str, str]]:
    """(kind, severity, subject) of each alert, in order."""
    return [(a.kind, a.severity, a.subject) for a in alerts]


# ------------------------------------------------------------------ the package's import graph
@dataclass(frozen=True)
class Import:
    """One import statement of a module: what it imports, where, and whether at run time."""

    target: str  # a module of the package (a package stands for its __init__)
    line: int
    local: bool  # inside a function (runs when called, not when the module loads)
    type_only: bool  # under `if TYPE_CHECKING:` (never runs)


def package_modules(package_dir: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under ``package_dir``."""
    mods = {}
    for f in sorted(package_dir.rglob("*.py")):
        parts = list(f.relative_to(package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        mods[".".join(parts)] = f
    return mods


def _walk(node: ast.AST, local: bool = False, type_only: bool = False) -> Iterator[tuple[ast.AST, bool, bool]]:
    yield node, local, type_only
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for child in node.body:
            yield from _walk(child, local, True)
        for child in node.orelse:
            yield from _walk(child, local, type_only)
        return
    inner = local or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
    for child in ast.iter_child_nodes(node):
        yield from _walk(child, inner, type_only)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_graph(package_dir: Path) -> dict[str, list[Import]]:
    """Each module of the package -> its imports of other modules of the package.

    Top-level and function-level imports count; ``import a.b`` and ``from a import b``
    (b a submodule) import ``a.b``; ``from a import name`` imports ``a`` (its __init__).
    """
    mods = package_modules(package_dir)
    graph: dict[str, list[Import]] = {}
    for mod, path in mods.items():
        pkg = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        edges = graph[mod] = []
        for node, local, type_only in _walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([base] if base else []))
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in mods]
                targets = subs if len(subs) == len(node.names) else [base, *subs]
            else:
                continue
            edges += [Import(t, node.lineno, local, type_only) for t in targets if t in mods and t != mod]
    return graph


def unexplained_local_imports(package_dir: Path) -> list[str]:
    """Imports inside functions with no comment saying why (on the line or just above).

    A function-local import is only for keeping a heavy library (Textual above all) off
    the start-up of code that does not always need it; anything else belongs at the top.
    """
    out = []
    for mod, path in package_modules(package_dir).items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node, local, _ in _walk(ast.parse(text)):
            if local and isinstance(node, (ast.Import, ast.ImportFrom)):
                here, above = lines[node.lineno - 1], lines[node.lineno - 2].strip()
                if "#" not in here and not above.startswith("#"):
                    out.append(f"{mod} line {node.lineno}: {here.strip()}")
    return out


def import_cycles(graph: dict[str, list[Import]]) -> list[list[str]]:
    """Every circle of run-time imports, each as a path ``[a, b, ..., a]`` naming the lines.

    One circle per strongly connected group of modules (the shortest through its first
    module), so a failure names a concrete chain to break.
    """
    runtime = {m: sorted({e.target for e in edges if not e.type_only}) for m, edges in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in runtime[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for m in sorted(runtime):
        if m not in index:
            visit(m)
    return [_shortest_circle(runtime, g) for g in groups]


def _shortest_circle(runtime: dict[str, list[str]], group: list[str]) -> list[str]:
    start, inside = group[0], set(group)
    paths = {start: [start]}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in runtime[v]:
            if w == start:
                return [*paths[v], start]
            if w in inside and w not in paths:
                paths[w] = [*paths[v], w]
                todo.append(w)
    raise AssertionError(f"no circle through {start}")  # a component always has one


def describe_circle(graph: dict[str, list[Import]], circle: list[str]) -> str:
    """Each hop of a circle on its own line, with the line of the import that makes it."""
    hops = []
    for a, b in zip(circle, circle[1:], strict=False):
        e = next(e for e in graph[a] if e.target == b and not e.type_only)
        hops.append(f"  {a} imports {b} (line {e.line}{', in a function' if e.local else ''})")
    return "\n".join(hops)
