"""Reading source files (YAML, JSON) into plain data that remembers where it came from.

YAML is composed with the C loader where present and converted by hand, so no scalar is
ever resolved (``0093425688``, ``NO`` and ``15.10`` stay strings exactly as written), no
object is ever constructed, and every mapping and sequence keeps its line number for
error messages. Duplicate keys in a mapping are errors, not silently overwritten.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import orjson
import yaml

from smartnet_tui.domain.serials import control_char_message

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
    """Parse the bytes of a 'json' or 'yaml' file; raise SourceError with a one-line reason.

    Strict: duplicate keys are errors in both (JSON parsers keep the last silently), so
    are control characters in strings (written as escapes: ``\\u0000``, ``\\x1b``), and
    YAML aliases expand within :data:`ALIAS_BUDGET` nodes (an alias bomb is an error).
    """
    if kind == "json":
        return _parse_json(data)
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
        raise SourceError(f"not valid YAML ({' '.join(str(exc).split())})") from None
    except RecursionError:
        raise SourceError("not valid YAML (nests too deeply)") from None
    if node is None:
        return None
    try:
        return _convert(node, 0, "", _Budget())
    except RecursionError:
        raise SourceError("YAML nests too deeply (recursive alias?)") from None


# ------------------------------------------------------------------ JSON
class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return out


_JSON_DECODER = json.JSONDecoder(object_pairs_hook=_pairs)


def _parse_json(data: bytes) -> Any:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(f"not valid UTF-16 text (byte {exc.start})") from None
        fast = None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceError(f"not UTF-8 text (byte {exc.start})") from None
        fast = _fast_json(data, text)
    if fast is not None:
        doc = fast[0]
    else:
        try:
            doc = _JSON_DECODER.decode(text)
        except _DuplicateKey as exc:
            line = _json_key_line(text, exc.key)
            raise SourceError(f"duplicate key {exc.key!r} in one object", line=line) from None
        except json.JSONDecodeError as exc:
            # the decoder's message ends in "at" ("Invalid control character at"): where
            raise SourceError(f"not valid JSON ({exc.msg.removesuffix(' at')}, column "
                              f"{exc.colno})", line=exc.lineno) from None
        except RecursionError:
            raise SourceError("not valid JSON (nests too deeply)") from None
    # A JSON string holds a C0 control only as an escape (\u001b), but DEL and the C1
    # controls (U+007F-U+009F: U+009B is a terminal's CSI) may be written as they are.
    if "\\u" in text or _RAW_DEL_C1.search(text):
        _check_strings(doc, "")
    return doc


_RAW_DEL_C1 = re.compile("[\x7f-\x9f]")


# every ASCII digit to "0", every other byte to " ": a run of digits is a run of "0"s
_DIGIT_RUNS = bytes.maketrans(bytes(range(256)),
                              bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256)))
_LONG_INTEGER = b"0" * 19  # i64 holds every integer of 18 digits


def _fast_json(data: bytes, text: str) -> tuple[Any] | None:
    """``(doc,)``: what the reference parse (``_JSON_DECODER``, which refuses duplicate keys)
    returns for ``text`` (``data`` decoded as UTF-8), parsed by orjson in a fraction of
    the time; None where that is not certain, and the reference parse must decide.

    orjson keeps the last of duplicate keys silently, so duplicates are found by
    counting colons: in valid JSON every colon is a key's separator or a character of a
    string, and orjson's serialisation of what it parsed writes each key it kept once and
    every string's colons as they are. If an object held a key twice, its first member
    was dropped with at least its own separator, and the text has more colons than the
    serialisation. That holds unless a colon was written as an escape (``\\u003a``: then
    the reference decides). orjson accepts only what the reference accepts, and gives
    the same values, except integers beyond 64 bits (a float): a run of 19 digits
    anywhere leaves the decision to the reference too. Anything orjson refuses (NaN,
    Infinity, a lone surrogate escape, deep nesting, bad syntax) goes to the reference
    as well, for its value or its message. tests/imports/test_fast_paths.py draws JSON
    texts (duplicates at any depth, escapes, big numbers) and compares both parses.
    """
    if b"\\u003" in data and (b"\\u003a" in data or b"\\u003A" in data):
        return None
    if _LONG_INTEGER in data.translate(_DIGIT_RUNS):
        return None
    try:
        doc = orjson.loads(text)
        again = orjson.dumps(doc)
    except (ValueError, TypeError):  # orjson.JSONDecodeError, orjson.JSONEncodeError
        return None
    if again.count(b":") != data.count(b":"):  # a duplicate key (or something unforeseen)
        return None
    return (doc,)


def _json_key_line(text: str, key: str) -> int | None:
    """The line of the second occurrence of ``"key":`` (a good guess for the message)."""
    needle = json.dumps(key)
    first = text.find(needle)
    second = text.find(needle, first + 1) if first >= 0 else -1
    return text.count("\n", 0, second) + 1 if second >= 0 else None


def check_strings(doc: Any) -> None:
    """Refuse (:class:`SourceError` naming the path) a key or text value of parsed JSON
    holding a control character: what :func:`read_json` checks, for JSON that came by
    another way (a Cisco API answer)."""
    _check_strings(doc, "")


def _check_strings(value: Any, path: str) -> None:
    if isinstance(value, str):
        msg = control_char_message(value)
        if msg:
            raise SourceError(f"the value {msg}", path=path)
    elif isinstance(value, dict):
        for k, v in value.items():
            msg = control_char_message(k)
            if msg:
                raise SourceError(f"a key {msg}", path=path)
            _check_strings(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_strings(v, f"{path}[{i}]")


# ------------------------------------------------------------------ YAML
ALIAS_BUDGET = 100_000  # nodes that aliases may add in all; a real file uses a handful


class _Budget:
    """Counts the nodes converted a second time or more (through aliases)."""

    __slots__ = ("seen", "extra")

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.extra = 0

    def visit(self, node: yaml.Node, path: str) -> None:
        key = id(node)
        if key in self.seen:
            self.extra += 1
            if self.extra > ALIAS_BUDGET:
                raise SourceError(
                    f"YAML aliases expand to more than {ALIAS_BUDGET:,} values (an alias bomb?)",
                    node.start_mark.line + 1, path)
        else:
            self.seen.add(key)


_MAX_DEPTH = 64


def _merge_sources(node: yaml.Node, depth: int, path: str, budget: _Budget) -> list[LDict]:
    """The mappings a ``<<`` key merges in: one mapping, or a sequence of them."""
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out = []
    for n in nodes:
        if not isinstance(n, yaml.MappingNode):
            raise SourceError("<< (merge) takes a mapping or a list of mappings",
                              n.start_mark.line + 1, path)
        out.append(_convert(n, depth + 1, path, budget))
    return out


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


def _convert(node: yaml.Node, depth: int, path: str, budget: _Budget) -> Any:
    line = node.start_mark.line + 1
    if depth > _MAX_DEPTH:
        raise SourceError("YAML nests too deeply (recursive alias?)", line, path)
    budget.visit(node, path)
    if isinstance(node, yaml.ScalarNode):
        # Plain (unquoted) empty and ~/null scalars are absent values; all else stays text.
        if not node.style and node.value in _NULLS:
            return None
        if node.style == '"':  # only escapes (\x1b, \0) can write a control character
            msg = control_char_message(node.value)
            if msg:
                raise SourceError(f"the value {msg}", line, path)
        return node.value
    if isinstance(node, yaml.SequenceNode):
        out = LList(line)
        for i, item in enumerate(node.value):
            out.append(_convert(item, depth + 1, f"{path}[{i}]", budget))
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
                merges.extend(_merge_sources(value_node, depth, sub, budget))
                continue
            if key in mapping:
                raise SourceError(
                    f"duplicate key {key!r} (first on line {mapping.key_lines[key]})", key_line, sub
                )
            mapping[key] = _convert(value_node, depth + 1, sub, budget)
            mapping.key_lines[key] = key_line
        # YAML merge keys (<<: *defaults): keys written here win, then earlier sources
        for src in merges:
            for key, value in src.items():
                if key not in mapping:
                    mapping[key] = value
                    mapping.key_lines[key] = src.key_lines.get(key, src.line)
        return mapping
    raise SourceError("unsupported YAML node", line, path)  # pragma: no cover
