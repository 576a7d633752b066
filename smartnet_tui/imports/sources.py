"""Reading source files (YAML, JSON) into plain data that remembers where it came from.

YAML is composed with the C loader where present and converted by hand, so no scalar is
ever resolved (``0093425688``, ``NO`` and ``15.10`` stay strings exactly as written), no
object is ever constructed, and every mapping and sequence keeps its line number for
error messages. Duplicate keys in a mapping are errors, not silently overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import yaml

try:  # the C loader when libyaml is there
    _Loader: type = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on the build of PyYAML
    _Loader = yaml.BaseLoader


class SourceError(ValueError):
    """A file that cannot be read as data at all (one message, with position if known)."""

    def __init__(self, message: str, line: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.path = path


class LDict(dict[str, Any]):
    """A mapping with the line it starts on and the line of each key (1-based)."""

    __slots__ = ("line", "key_lines")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int | None] = {}

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class LList(list[Any]):
    __slots__ = ("line", "item_lines")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int | None:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def line_of(container: Any, key: Any) -> int | None:
    fn = getattr(container, "line_of", None)
    return fn(key) if fn else None


_YAML_EXTS = (".yaml", ".yml")
_TABLE_EXTS = (".csv", ".tsv", ".xls", ".xlsx", ".xlsm")
_YAML_KEY = re.compile(r"^(?:---|%YAML|[A-Za-z_][\w\- ]*:(?:\s|$)|- )")


def detect_format(path: Path, head: bytes) -> str:
    """'xlsx', 'csv', 'json' or 'yaml': by content first, the extension second.

    A zip is a workbook whatever its name (an .xlsx saved as .csv or .xls still reads);
    text named .xls is the tab-separated text Cisco's "Excel" downloads often are.
    Raises SourceError for formats that cannot be read (legacy .xls, HTML tables).
    """
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError("a legacy Excel 97-2003 workbook (.xls): open it in Excel and save it "
                          "as .xlsx or CSV")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: Excel's "Unicode Text"
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        return "json"
    if stripped[:14].lower().startswith(("<html", "<!doctype", "<table", "<?xml")):
        raise SourceError("an HTML or XML page, not a CSV or XLSX export: open it in Excel and "
                          "save it as .xlsx or CSV")
    ext = path.suffix.lower()
    if ext in _YAML_EXTS:
        return "yaml"
    if ext in _TABLE_EXTS:
        return "csv"
    if ext == ".json" and stripped:
        return "json"
    for line in stripped.splitlines()[:20]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if _YAML_KEY.match(line) and not any(d in line for d in (",", ";", "\t", "|")):
            return "yaml"
        if any(d in line for d in (",", ";", "\t", "|")):
            return "csv"
    return "yaml"


def parse_source(kind: str, data: bytes) -> Any:
    """Parse the bytes of a 'json' or 'yaml' file; raise SourceError with a one-line reason."""
    if kind == "json":
        try:
            return orjson.loads(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
        except orjson.JSONDecodeError as exc:
            raise SourceError(f"not valid JSON ({exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start})") from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is not None:
            raise SourceError(f"not valid YAML ({exc.problem})", line=mark.line + 1) from None
        raise SourceError(f"not valid YAML ({exc.problem})") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"not valid YAML ({exc})") from None
    if node is None:
        return None
    try:
        return _convert(node, 0, "")
    except RecursionError:
        raise SourceError("YAML nests too deeply (recursive alias?)") from None


_MAX_DEPTH = 64


def _merge_sources(node: yaml.Node, depth: int, path: str) -> list[LDict]:
    """The mappings a ``<<`` key merges in: one mapping, or a sequence of them."""
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out = []
    for n in nodes:
        if not isinstance(n, yaml.MappingNode):
            raise SourceError("<< (merge) takes a mapping or a list of mappings",
                              n.start_mark.line + 1, path)
        out.append(_convert(n, depth + 1, path))
    return out


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


def _convert(node: yaml.Node, depth: int, path: str) -> Any:
    line = node.start_mark.line + 1
    if depth > _MAX_DEPTH:
        raise SourceError("YAML nests too deeply (recursive alias?)", line, path)
    if isinstance(node, yaml.ScalarNode):
        # Plain (unquoted) empty and ~/null scalars are absent values; all else stays text.
        if not node.style and node.value in _NULLS:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        out = LList(line)
        for i, item in enumerate(node.value):
            out.append(_convert(item, depth + 1, f"{path}[{i}]"))
            out.item_lines.append(item.start_mark.line + 1)
        return out
    if isinstance(node, yaml.MappingNode):
        mapping = LDict(line)
        merges: list[LDict] = []
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError("a key must be plain text", key_line, path)
            key = key_node.value
            sub = f"{path}.{key}" if path else key
            if key == "<<" and not key_node.style:
                merges.extend(_merge_sources(value_node, depth, sub))
                continue
            if key in mapping:
                raise SourceError(
                    f"duplicate key {key!r} (first on line {mapping.key_lines[key]})", key_line, sub
                )
            mapping[key] = _convert(value_node, depth + 1, sub)
            mapping.key_lines[key] = key_line
        # YAML merge keys (<<: *defaults): keys written here win, then earlier sources
        for src in merges:
            for key, value in src.items():
                if key not in mapping:
                    mapping[key] = value
                    mapping.key_lines[key] = src.key_lines.get(key, src.line)
        return mapping
    raise SourceError("unsupported YAML node", line, path)  # pragma: no cover
