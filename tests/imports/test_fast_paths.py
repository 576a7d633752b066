"""The data format's fast paths (issue 12: importing a 100,000-device estate) give exactly
what the reference paths give: the same records, or the reference's problems.

- A device or contract line the fast builders take is built as the reference builder
  builds it, and the reference reports nothing about it; anything else goes the
  reference way. Whole documents parse to the same records, errors and warnings (in the
  same order) with the fast paths on and off.
- JSON read through orjson gives the reference parse's value; a duplicate key at any
  depth, a big integer, an escaped colon, NaN, a byte-order mark... give the reference's
  value or its one-line message.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from smartnet_tui.domain.dates import DateOrder
from smartnet_tui.domain.serials import normalise_serial
from smartnet_tui.imports import data_format, sources
from smartnet_tui.imports.data_format import (
    DEVICE_FIELDS,
    LINE_FIELDS,
    _Ctx,
    _device,
    _fast_device,
    _fast_line,
    _fast_serial,
    _line,
    _Record,
    _Slow,
    parse_document,
)
from smartnet_tui.imports.parsed import Parsed
from smartnet_tui.imports.sources import SourceError, parse_source

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values a field may hold in a file: clean and messy text, every spelling the enums and
# dates accept or refuse, numbers where text was meant, lists and mappings.
WORDS = [
    "", " ", "\t", "x", " x ", "FOC123", " foc123 ", "ＦＯＣ１２３", "F\u200bOC1", "\u200b", "é",
    "fo c", "FOC\x1b1", "active", "Active", " SPARE ", "decommissioned", "bogus", "critical",
    "HIGH", "normal", "low", "terminated", "TERMINATED ", "cancelled",
    "2026-01-31", " 2026-01-31", "2026-1-5", "2026-01-31T00:00:00Z", "31-Jan-2026", "Jan 31, 2026",
    "01/31/2026", "31/01/2026", "05/06/2026", "2026-02-30", "not a date", "2030-12-31", "2020-01-01",
    "SNT", "8X5XNBD", "8x5xnbd ", "24x7x4 onsite", "SW", "mystery level", "CON-SNT-C9300",
    "12.50", "1,234.50", "-5", "$10", "1e3", "US$", "usd", "EUR",
]
VALUES = st.one_of(
    st.none(), st.sampled_from(WORDS), st.text(max_size=5), st.integers(-3, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.lists(st.one_of(st.sampled_from(WORDS), st.integers(0, 9), st.booleans()), max_size=3),
    st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from(WORDS), max_size=2),
)
ORDERS = st.sampled_from([DateOrder.MDY, DateOrder.DMY])
DAYS = st.sampled_from([None, date(2025, 6, 1), date(2026, 1, 31), date(2030, 12, 31)])


CLEAN = {  # values of each field the fast paths are for, and some they leave
    "serial": ["FOC1", " foc2 ", "ＦＯＣ３", "F\u200bOC4", "FOC1"],
    "pid": ["C9300-48P", " x ", "", " "], "hostname": ["sw1", "é"], "site": ["LON", ""],
    "notes": ["a note", " "], "sku": ["CON-SNT-C9300", ""],
    "status": ["active", "spare", "decommissioned", "terminated", "Active", " SPARE ", ""],
    "criticality": ["critical", "high", "normal", "low", "High "],
    "tags": [["a", " b ", ""], [], "core"],
    "start": ["2025-01-01", "2026-01-31", "05/06/2026", "31-Jan-2026", ""],
    "end": ["2026-01-31", "2030-12-31", "Jan 31, 2026", "2026-1-5", ""],
    "service_level": ["SNT", "8X5XNBD", "24x7x4 onsite", "SW", " snt "],
    "annual_cost": ["12.50", 12.5, 100, "1,234.50", ""],
}


def records(fields: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """A record of some of ``fields`` (now and then an unknown one): mostly values the
    fast paths take, now and then any value at all (they must leave those)."""
    def value(name: str) -> st.SearchStrategy[Any]:
        clean = st.sampled_from(CLEAN[name])
        return st.integers(0, 4).flatmap(lambda i: VALUES if i == 0 else clean)

    required, *optional = fields  # the serial, now and then absent too
    record = st.fixed_dictionaries({required: value(required)},
                                   optional={f: value(f) for f in optional})
    return st.tuples(record, st.integers(0, 9)).map(
        lambda r: r[0] if r[1] > 1 else {k: v for k, v in r[0].items() if k != required}
        if r[1] else {**r[0], "mystery": "x"})


def problems(parsed: Parsed) -> list[tuple[str, str, str, int | None]]:
    return [(p.file, p.path, p.message, p.line) for p in (*parsed.errors, *parsed.warnings)]


def ctx(order: DateOrder = DateOrder.MDY) -> tuple[Parsed, _Ctx]:
    parsed = Parsed()
    return parsed, _Ctx(parsed, "estate.json", order)


# ----------------------------------------------------------------- one record
@SETTINGS
@given(record=records(DEVICE_FIELDS))
@example(record={"serial": "FOC1", "pid": "C9300", "hostname": "sw1", "site": "LON",
                 "status": "spare", "criticality": "high", "tags": ["a", " b ", ""], "notes": "n"})
@example(record={"serial": " foc1 ", "status": " ACTIVE "})
@example(record={"serial": "ＦＯＣ１"})
@example(record={"serial": "FOC1", "status": ["active"]})
def test_a_device_the_fast_path_takes_is_the_reference_device(record):
    ref_parsed, ref_ctx = ctx()
    ref = _device(_Record(ref_ctx, record, "devices[0]"))
    try:
        fast = _fast_device(ctx()[1], record)
    except _Slow:
        event("reference path")
        return
    event("fast path")
    assert problems(ref_parsed) == []
    assert ref is not None
    assert repr(fast) == repr(ref)


@SETTINGS
@given(record=records(LINE_FIELDS), end=DAYS, start=DAYS, end_invalid=st.booleans(), order=ORDERS)
@example(record={"serial": "FOC1"}, end=date(2026, 1, 31), start=None, end_invalid=False,
         order=DateOrder.MDY)
@example(record={"serial": "FOC1", "start": "05/06/2026", "end": "2030-12-31", "status": "Terminated",
                 "service_level": "8x5xnbd ", "sku": " CON ", "annual_cost": "1,234.50"},
         end=None, start=None, end_invalid=False, order=DateOrder.DMY)
@example(record={"serial": "FOC1"}, end=None, start=None, end_invalid=False, order=DateOrder.MDY)
@example(record={"serial": "FOC1", "end": "2020-01-01"}, end=None, start=date(2025, 6, 1),
         end_invalid=False, order=DateOrder.MDY)
def test_a_line_the_fast_path_takes_is_the_reference_line(record, end, start, end_invalid, order):
    ref_parsed, ref_ctx = ctx(order)
    ref = _line(_Record(ref_ctx, record, "contracts[0].lines[0]"), end, start, end_invalid)
    fast_ctx = ctx(order)[1]
    try:
        fast = _fast_line(fast_ctx, record, end, start, end_invalid)
        again = _fast_line(fast_ctx, record, end, start, end_invalid)  # from the caches
    except _Slow:
        event("reference path")
        return
    event("fast path")
    assert problems(ref_parsed) == []
    assert ref is not None
    assert repr(fast) == repr(ref) == repr(again)


@given(value=st.one_of(st.text(), st.sampled_from(WORDS)))
@example(value="ＦＯＣ１２３")
@example(value=" \u200bfoc\u00ad1 ")
def test_the_fast_serial_is_normalise_serial(value):
    expected = normalise_serial(value.strip()) if value.strip() else None
    try:
        got = _fast_serial(value)
    except _Slow:
        assert expected is None  # required: the reference reports it
        return
    assert got == expected


def test_clean_records_take_the_fast_paths():
    """Not a test that cannot fail: clean records are the ones the fast paths exist for."""
    c = ctx()[1]
    device = {"serial": "FOC1", "pid": "C9300-48P", "hostname": "sw1", "site": "LON",
              "status": "active", "criticality": "normal"}
    assert _fast_device(c, device).serial == "FOC1"
    line = {"serial": "foc1", "end": "2026-01-31", "service_level": "8X5XNBD", "status": "active"}
    assert _fast_line(c, line, None, None, False).end == date(2026, 1, 31)


# ----------------------------------------------------------------- whole documents
def documents() -> st.SearchStrategy[dict[str, Any]]:
    serials = st.sampled_from(["FOC1", "foc1", " FOC2", "FOC3", "ＦＯＣ３", "", 7])
    device = st.one_of(records(DEVICE_FIELDS),
                       st.fixed_dictionaries({"serial": serials}, optional={"status": VALUES}))
    line = st.one_of(records(LINE_FIELDS), st.fixed_dictionaries({"serial": serials}),
                     st.sampled_from(["FOC1", None, ["x"]]))
    contract = st.fixed_dictionaries(
        {"number": st.sampled_from(["555", "0555", "77", "", 88])},
        optional={
            "start": st.sampled_from(["2025-01-01", "2031-01-01", "bad", None, ""]),
            "end": st.sampled_from(["2026-01-31", "2024-01-01", "bad", None, ""]),
            "lines": st.one_of(st.lists(line, max_size=5), st.sampled_from(["x", None])),
            "serials": st.lists(serials, max_size=2),
            "status": VALUES,
            "service_level": VALUES,
            "mystery": VALUES,
        })
    return st.fixed_dictionaries({}, optional={
        "devices": st.one_of(st.lists(st.one_of(device, st.sampled_from(["FOC1", 3])), max_size=6),
                             st.just("x")),
        "contracts": st.lists(contract, max_size=3),
        "eox": st.lists(st.fixed_dictionaries({"pid": st.sampled_from(["C9300", "X"])},
                                              optional={"end_of_sale": VALUES}), max_size=2),
        "other": VALUES,
    })


def parse_both(doc: Any, order: DateOrder, monkeypatch) -> tuple[Parsed, Parsed]:
    fast = Parsed(whole_tables=set())
    parse_document(fast, "estate.json", doc, order)
    with monkeypatch.context() as m:
        m.setattr(data_format, "_FAST_PATHS", False)
        ref = Parsed(whole_tables=set())
        parse_document(ref, "estate.json", doc, order)
    return fast, ref


def same_outcome(fast: Parsed, ref: Parsed) -> None:
    assert problems(fast) == problems(ref)
    assert [p.message for p in fast.errors] == [p.message for p in ref.errors]
    for table in ("devices", "contracts", "eox"):
        assert repr(getattr(fast, table)) == repr(getattr(ref, table))
    assert fast._seen == ref._seen
    assert fast._digits == ref._digits


@SETTINGS
@given(doc=documents(), order=ORDERS)
def test_documents_parse_the_same_with_and_without_the_fast_paths(doc, order):
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, ref = parse_both(doc, order, monkeypatch)
    event("errors" if ref.errors else "no errors")
    same_outcome(fast, ref)


def test_a_serial_twice_on_a_contract_is_named_as_before(monkeypatch):
    doc = {"contracts": [{"number": "555", "end": "2026-01-31", "serials": ["FOC9"],
                          "lines": [{"serial": "FOC1"}, {"serial": "foc1 "}, {"serial": "FOC9"},
                                    {"serial": "FOC2", "end": "bad"}, {"serial": "FOC2"}]}]}
    fast, ref = parse_both(doc, DateOrder.MDY, monkeypatch)
    same_outcome(fast, ref)
    assert [str(p) for p in fast.errors] == [
        "estate.json: contracts[0].lines[1].serial: serial 'FOC1' is already on this contract "
        "(at lines[0].serial); list each serial once",
        "estate.json: contracts[0].lines[2].serial: serial 'FOC9' is already on this contract "
        "(at serials[0]); list each serial once",
        "estate.json: contracts[0].lines[3].end: 'bad' is not a date (use YYYY-MM-DD, "
        "DD-Mon-YYYY, Mon DD, YYYY or MM/DD/YYYY)",
    ]


# ----------------------------------------------------------------- JSON
class Number(str):
    """A number written as it stands in a file (any digits, any exponent)."""


KEYS = st.sampled_from(["a", "b", "a:b", "serial", "é", ""])
SCALARS = st.one_of(
    st.from_regex(r"-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,25})?([eE][+-]?[0-9]{1,3})?",
                  fullmatch=True).map(Number),
    st.none(), st.booleans(), st.integers(), st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6),
    st.sampled_from(["a:b", ":", '"', "\\", "\x1b", "\u2028", "http://x"]),
)
# an object is a list of (key, value) pairs: keys may repeat, as a file may repeat them
TREES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.builds(lambda pairs: ("object", pairs), st.lists(st.tuples(KEYS, inner), max_size=3)),
), max_leaves=12)


def dump(tree: Any, *, ascii_only: bool, colon_escape: bool, space: str) -> str:
    """JSON text of ``tree`` as a person or another program may write it."""
    def string(s: str) -> str:
        text = json.dumps(s, ensure_ascii=ascii_only)
        return text.replace(":", "\\u003a") if colon_escape else text

    def go(v: Any) -> str:
        if isinstance(v, tuple):
            return "{" + f",{space}".join(f"{string(k)}{space}:{space}{go(x)}" for k, x in v[1]) + "}"
        if isinstance(v, list):
            return "[" + f",{space}".join(go(x) for x in v) + "]"
        if isinstance(v, Number):
            return str.__str__(v)
        if isinstance(v, str):
            return string(v)
        return json.dumps(v)  # NaN and Infinity as Python's json writes (and reads) them

    return go(tree)


def outcome(data: bytes) -> tuple[Any, ...]:
    try:
        return ("value", repr(parse_source("json", data)))
    except SourceError as exc:
        return ("refused", str(exc), exc.line, exc.path)


def reference_outcome(data: bytes, monkeypatch) -> tuple[Any, ...]:
    with monkeypatch.context() as m:
        m.setattr(sources, "_fast_json", lambda data, text: None)
        return outcome(data)


@SETTINGS
@given(tree=TREES, ascii_only=st.booleans(), colon_escape=st.booleans(),
       space=st.sampled_from(["", " ", "\n  "]), bom=st.booleans())
def test_json_parses_as_the_reference_parse(tree, ascii_only, colon_escape, space, bom):
    text = dump(tree, ascii_only=ascii_only, colon_escape=colon_escape, space=space)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    with pytest.MonkeyPatch.context() as monkeypatch:
        expected = reference_outcome(data, monkeypatch)
    got = outcome(data)
    event(f"{expected[0]}, fast path {'taken' if sources._fast_json(data, data.decode('utf-8-sig')) else 'left'}")
    assert got == expected


DUPLICATES = [  # a duplicate at every depth, with equal, empty and nested values
    ('{"devices": [], "devices": []}', "devices", 1),
    ('{"devices": [{"serial": "A",\n "serial": "A"}]}', "serial", 2),
    ('{"contracts": [{"number": "1", "lines": [{"serial": "A", "end": "2026-01-01",\n'
     ' "end": "2026-01-01"}]}]}', "end", 2),
    ('{"devices": [{"serial": "A", "x": {"y": [[{"z": {}, "z": {}}]]}}]}', "z", 1),
    ('{"devices": [{"serial": "A", "a:b": 1, "a:b": 2}]}', "a:b", 1),
    ('[[[{"k": [], "k": null}]]]', "k", 1),
    ('{"a": {"b": 1}, "c": 2, "a": {"b": 1}}', "a", 1),
    # a colon written as an escape is one more colon once parsed: it would balance the
    # count of the dropped member
    ('{"k": "\\u003a",\n "k": "\\u003A"}', "k", 2),
    ('{"x\\u003a": 1, "x\\u003A": 2}', "x:", None),  # not written plain: no line
]


@pytest.mark.parametrize("text,key,line", DUPLICATES)
def test_a_duplicate_key_at_any_depth_is_refused_as_before(text, key, line, monkeypatch):
    """The reference names the key and, when it finds it written plain, its line."""
    data = text.encode()
    assert sources._fast_json(data, text) is None
    assert outcome(data) == reference_outcome(data, monkeypatch) == (
        "refused", f"duplicate key {key!r} in one object", line, "")


@pytest.mark.parametrize("text", [
    '{"n": 123456789012345678901234567890}',  # orjson would give a float
    '{"n": -9223372036854775809}',
    '{"n": NaN, "m": Infinity}',
    '{"s": "\\ud800"}',  # a lone surrogate: the reference keeps it
    '{"a\\u003ab": 1, "a:b": 2}',  # an escaped colon, the same key twice
    '{"s": 1e999}',
])
def test_what_orjson_reads_otherwise_is_left_to_the_reference(text, monkeypatch):
    data = text.encode()
    assert sources._fast_json(data, text) is None
    assert outcome(data) == reference_outcome(data, monkeypatch)


@pytest.mark.parametrize("number", [
    "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
    "-1.7976931348623159e308", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400",
    "9007199254740993", "9007199254740993.0", "0.1", "-0", "-0.0", "1E2", "0e999999",
    "922337203685477580", "999999999999999999", "123456789012345678e290",
])
def test_numbers_at_the_edges_read_as_the_reference_reads_them(number, monkeypatch):
    data = f'{{"devices": [{{"serial": "A", "n": [{number}]}}]}}'.encode()
    assert outcome(data) == reference_outcome(data, monkeypatch)
    assert outcome(data)[0] == "value"


def test_an_escaped_control_character_is_refused_as_before(monkeypatch):
    data = b'{"devices": [{"serial": "A", "x": ["\\u001b"]}]}'
    assert outcome(data) == reference_outcome(data, monkeypatch) == (
        "refused", "the value holds a control character (U+001B), which no real value contains",
        None, "devices[0].x[0]")


def test_a_clean_file_is_read_by_the_fast_path():
    text = json.dumps({"devices": [{"serial": "FOC1", "notes": "a: b"}],
                       "contracts": [{"number": "0093", "annual_cost": 12.5, "lines": [{"serial": "FOC1"}]}]},
                      indent=2)
    found = sources._fast_json(text.encode(), text)
    assert found is not None and found[0] == json.loads(text)
