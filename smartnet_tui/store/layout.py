"""The database file's layout: JSON with a line per few hundred documents.

    {
    "devices":{
    "1":{...},"2":{...},...,"500":{...},
    "501":{...},...
    },
    "meta":{"1":{"schema":1}}
    }

Any JSON reader (stock TinyDB) reads it as it reads one line. smartnet reads it a line at
a time: orjson holds the interpreter lock while it parses, and one call over 30 MB froze
the app's screen for a third of a second (a load, another writer followed); a line is a
few milliseconds. And a write keeps only the lines it changes in memory, not a parsed
copy of the whole database beside the app's estate.

A file laid out otherwise (written by another program, or damaged) is not split: the
caller parses it whole, which also gives the error to report. :func:`split` checks the
structure of every line and parses those its caller wants: a whole read parses them all,
and refuses what a whole parse refuses (tests/store/test_database_layout.py compares the
two on randomly damaged files); a write from a store that holds nothing parses only the
lines of the records it writes and keeps the others byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import orjson

DOCS_PER_LINE = 500
LINE_BYTES = 256 * 1024  # a contract of 400 lines is 40 kB: a few to a line


@dataclass
class Section:
    """One table of the file: its documents' lines (``docs``: each a fragment
    ``"id":{...},"id":{...}``), or its whole value (``value``: small, empty, or not a
    table) when it has no document lines."""

    name: str
    docs: list[bytes] = field(default_factory=list)
    value: bytes | None = None


def doc_lines(table: dict[str, Any]) -> list[bytes]:
    """A table's documents as lines: ``DOCS_PER_LINE`` a line, or fewer to keep a line
    near ``LINE_BYTES`` (a larger document has a line of its own)."""
    dumps = orjson.dumps
    items = iter(table.items())
    rows = []
    k = min(16, DOCS_PER_LINE)  # documents on the next line, adapted to their size as they come
    while chunk := dict(islice(items, k)):
        row = dumps(chunk)[1:-1]
        rows.append(row)
        k = max(1, min(DOCS_PER_LINE, len(chunk) * LINE_BYTES // max(len(row), 1)))
    return rows


def section_of(name: str, table: Any) -> Section:
    if isinstance(table, dict) and table:
        return Section(name, doc_lines(table))
    return Section(name, value=orjson.dumps(table))


def assemble(sections: list[Section]) -> bytes:
    out = [b"{"]
    for n, s in enumerate(sections):
        out.append(b"\n" if n == 0 else b",\n")
        head = orjson.dumps(s.name) + b":"
        if s.value is not None or not s.docs:
            out.append(head + (s.value if s.value is not None else b"{}"))
        else:
            out.append(head + b"{\n" + b",\n".join(s.docs) + b"\n}")
    out.append(b"\n}\n")
    return b"".join(out)


def dumps_database(data: dict[str, Any]) -> bytes:
    """``data`` (tables of documents) laid out as above."""
    return assemble([section_of(name, table) for name, table in data.items()])


def parse_docs(line: bytes) -> dict[str, Any]:
    """The documents of one line, by id."""
    docs = orjson.loads(b"{" + line + b"}")
    assert isinstance(docs, dict)
    return docs


Visit = Callable[[Section, int, Any], None]


Want = Callable[[Section, bytes], bool]


def split(raw: bytes, visit: Visit | None = None, want: Want | None = None) -> list[Section] | None:
    """The file's sections, their lines parsed and handed to ``visit(section, line
    number in it or -1 for a whole value, parsed)``; None when ``raw`` is not laid out as
    above (parse it whole then). ``want(section, line)``: parse only the document lines it
    accepts (the others are kept as bytes, unchecked); by default every line."""
    if not raw.startswith(b"{\n") or not raw.endswith(b"\n}\n"):
        return None
    loads = orjson.loads
    lines = raw[2:-3].split(b"\n")
    last = len(lines) - 1
    sections: list[Section] = []
    current: Section | None = None
    try:
        for i, line in enumerate(lines):
            if current is None:
                if line.endswith(b":{"):  # a table's document lines follow
                    name = loads(line[:-2])
                    if not isinstance(name, str):
                        return None
                    current = Section(name)
                    sections.append(current)
                    continue
                if (i < last) != line.endswith(b","):
                    return None
                body = line[:-1] if i < last else line
                item = loads(b"{" + body + b"}")  # a whole (small or empty) table
                if len(item) != 1:
                    return None
                ((name, value),) = item.items()
                sections.append(Section(name, value=orjson.dumps(value)))
                if visit is not None:
                    visit(sections[-1], -1, value)
            elif line in (b"}", b"},"):
                if (i < last) != (line == b"},") or not current.docs:
                    return None
                current = None
            else:
                ends = lines[i + 1] in (b"}", b"},")
                if ends == line.endswith(b","):
                    return None
                body = line if ends else line[:-1]
                current.docs.append(body)
                if want is not None and not want(current, body):
                    continue
                docs = loads(b"{" + body + b"}")  # checked: a writer may keep the bytes as they are
                if visit is not None:
                    visit(current, len(current.docs) - 1, docs)
    except (orjson.JSONDecodeError, IndexError):
        return None
    return sections if current is None else None


KEYS_BY_ALTERNATION = 100  # more keys than this: their values are collected (measured)


def key_finder(key_field: str, keys: Collection[str], zeros: bool = False) -> Callable[[bytes], bool]:
    """Whether a line of documents may hold one whose ``key_field`` is one of ``keys``,
    as our writer spells it (``"serial":"FOC1"``): a superset (the key may be a line's
    or a module's), the caller filters what it parses. ``zeros``: also a value with any
    number of leading zeros (``"number":"0093425688"`` for ``93425688``).

    Up to KEYS_BY_ALTERNATION keys, one search (``"serial":"(?:A|B)"``: a few ms over
    a 26 MB file whatever the count up to there, slower beyond); more, every value of the
    field is collected and looked up (0.2 s for the 400,000 serials of a 26 MB file)."""
    spelled = {orjson.dumps(k)[1:-1] for k in keys}
    head = orjson.dumps(key_field) + b':"'
    if len(spelled) <= KEYS_BY_ALTERNATION:
        alternatives = b"|".join(re.escape(s) for s in sorted(spelled, key=len, reverse=True))
        search = re.compile(re.escape(head) + (b"0*" if zeros else b"") + b"(?:" + alternatives + b')"').search
        return lambda line: search(line) is not None
    values = re.compile(re.escape(head) + rb'((?:[^"\\]|\\.)*)"').findall
    if zeros:
        return lambda line: any(v.lstrip(b"0") in spelled for v in values(line))
    return lambda line: not spelled.isdisjoint(values(line))


def loads_by_line(raw: bytes) -> dict[str, Any] | None:
    """The whole database from what :func:`dumps_database` wrote; None when ``raw`` is
    laid out otherwise. A table named twice keeps its last value, as in a whole parse."""
    data: dict[str, Any] = {}

    def visit(section: Section, line: int, parsed: Any) -> None:
        if line <= 0:
            data[section.name] = parsed  # a whole value, or a table's first line
        else:
            data[section.name].update(parsed)

    return data if split(raw, visit) is not None else None
