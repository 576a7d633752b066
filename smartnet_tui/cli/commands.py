"""The CLI commands. Each reads the store, asks the engine, and prints."""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from smartnet_tui.cli import json_views
from smartnet_tui.cli.json_out import json_text
from smartnet_tui.config import Settings
from smartnet_tui.domain.display import inert, spreadsheet_row
from smartnet_tui.domain.engine import Analysis, Policy
from smartnet_tui.domain.model import ContractStatus
from smartnet_tui.imports.diff import COUNT_KEYS, describe_records, summary_line
from smartnet_tui.store.db import Store, StoreError
from smartnet_tui.store.outputs import atomic_output, check_output_path, is_stdout, write_output_bytes
from smartnet_tui.store.xlsx_writer import xlsx_bytes

EXIT_OK, EXIT_NOT_COVERED, EXIT_ERROR, EXIT_UNKNOWN_SERIAL = 0, 1, 2, 3

Handler = Callable[[argparse.Namespace, Settings], int]


def run(command: str, args: argparse.Namespace, settings: Settings) -> int:
    return handler(command)(args, settings)


def handler(command: str) -> Handler:
    """The function that runs ``command``. A command kept in a module of its own is
    imported here, when it runs (each import below is there for that): a command line
    loads only its own command, ``smartnet report`` never loads httpx for ``fetch``."""
    if command in ("worklist", "triage"):
        from smartnet_tui.cli import worklist_command  # when it runs (see above)

        return worklist_command.cmd_worklist if command == "worklist" else worklist_command.cmd_triage
    if command == "lookup":
        from smartnet_tui.cli.lookup_command import cmd_lookup  # when it runs (see above)

        return cmd_lookup
    if command == "check":
        from smartnet_tui.cli.check_command import cmd_check  # when it runs (see above)

        return cmd_check
    if command == "fetch":
        from smartnet_tui.cli.fetch_command import cmd_fetch  # when it runs (see above)

        return cmd_fetch
    if command == "request":
        from smartnet_tui.cli.request_command import cmd_request  # when it runs (see above)

        return cmd_request
    if command == "quote":
        from smartnet_tui.cli.quote_command import cmd_quote  # when it runs (see above)

        return cmd_quote
    if command == "plan":
        from smartnet_tui.cli.plan_command import cmd_plan  # when it runs (see above)

        return cmd_plan
    if command == "timeline":
        from smartnet_tui.cli.timeline_command import cmd_timeline  # when it runs (see above)

        return cmd_timeline
    own: dict[str, Handler] = {"import": cmd_import, "report": cmd_report, "export": cmd_export,
                               "history": cmd_history}
    return own[command]


def _policy(settings: Settings) -> Policy:
    return Policy(settings.reference_date(), settings.due_days, settings.review_days)


def _store(settings: Settings, must_exist: bool = True) -> Store:
    if must_exist and not settings.db_path.exists():
        raise StoreError(
            f"{settings.db_path}: no database yet (import some data with `smartnet import FILE`, "
            "or try `smartnet --demo`)"
        )
    return Store(settings.db_path)


def _dump_json(obj: Any, out: IO[str] | None = None) -> None:
    out = out or sys.stdout  # looked up now: stdout may have been redirected since import
    out.write(json_text(obj) + "\n")  # the one writer: Decimal amounts as exact numbers


@contextmanager
def _output(path: Path | None, settings: Settings) -> Iterator[IO[str]]:
    """stdout for no -o or `-o -`; else FILE written atomically, never the database."""
    with atomic_output(path, protect=(settings.db_path,)) as out:
        yield out


# ------------------------------------------------------------------ import
class _Progress:
    """A plain-text progress line on stderr, only when stderr is a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.shown = False
        self.last = 0.0

    def __call__(self, file: str, rows: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and (total is None or rows < total):
            return
        self.last = now
        name = Path(file).name
        if total:
            frac = min(rows / total, 1.0)
            bar = "#" * int(frac * 30)
            text = f"\rimporting {name} [{bar:<30}] {frac:4.0%} {rows:,} rows"
        else:
            text = f"\rimporting {name}: {rows:,} rows"
        self.stream.write(text)
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


class StdinPath(type(Path())):  # type: ignore[misc]
    """Standard input spooled to a temp file for the readers, which take paths: named
    ``-`` wherever a user reads the name (errors, the summary, the journal), opened as
    the temp file (``os.fspath``). A workbook keeps an .xlsx name for openpyxl."""

    def __str__(self) -> str:
        return "-"

    def __fspath__(self) -> str:
        return str(super().__str__())


@contextmanager
def _stdin_files(files: list[Path]) -> Iterator[list[Path]]:
    """``files`` with ``-`` replaced by standard input (read whole, format by content)."""
    if not any(str(f) == "-" for f in files):
        yield files
        return
    if sum(str(f) == "-" for f in files) > 1:
        raise StoreError("import: - (standard input) can be given only once")
    if sys.stdin is None or sys.stdin.isatty():
        raise StoreError("import -: standard input is a terminal; pipe a file in "
                         "(smartnet import - < FILE)")
    data = sys.stdin.buffer.read()
    with tempfile.TemporaryDirectory(prefix="smartnet-stdin-") as tmp:
        name = "stdin.xlsx" if data.startswith(b"PK\x03\x04") else "stdin"
        spooled = Path(tmp) / name
        spooled.write_bytes(data)
        yield [StdinPath(spooled) if str(f) == "-" else f for f in files]


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: the readers of every format (PyYAML, openpyxl's) only for an import.
    from smartnet_tui.imports.planner import change_lines, import_files, orphans_line, outcome_line

    quiet = getattr(args, "quiet", False)
    as_json = getattr(args, "json", False)
    store = _store(settings, must_exist=False)
    progress = _Progress(sys.stderr) if sys.stderr.isatty() and not quiet else None
    with _stdin_files(list(args.files)) as files:
        try:
            result = import_files(
                store, files, replace_all=args.replace, order=settings.date_order,
                dry_run=args.dry_run, add_devices=getattr(args, "add_devices", False),
                sheet=getattr(args, "sheet", None), progress=progress, today=settings.reference_date(),
            )
        finally:
            if progress is not None:
                progress.done()
    for w in result.warnings:
        print(f"smartnet: warning: {inert(w)}", file=sys.stderr)
    if result.errors:
        for e in result.errors:
            print(f"smartnet: error: {inert(e)}", file=sys.stderr)
        n = len(result.errors)
        print(f"smartnet: {n} error{'s' * (n != 1)}: nothing was imported, the database is unchanged",
              file=sys.stderr)
        return EXIT_ERROR
    if as_json:
        _dump_json(import_json(result, args.dry_run))
    elif not quiet:
        print(inert(outcome_line(result, dry_run=args.dry_run)))
        for line in change_lines(result):
            print(f"  {inert(line)}")
        if result.orphans:
            print(inert(orphans_line(result.orphans, "--add-devices")))
    return EXIT_OK


def import_json(result: Any, dry_run: bool) -> dict[str, Any]:
    """``import --json``: what was read, what changed (every count, zeros included)."""
    summary = result.summary or {}
    changed = summary.get("changed", {})
    return {
        "dry_run": dry_run,
        "files": [str(p) for p in summary.get("files", result.parsed.files)],
        "formats": summary.get("formats", dict(result.parsed.formats)),
        "read": result.parsed.counts(),
        "changed": {k: changed.get(k, 0) for k in COUNT_KEYS},
        "written": result.entry is not None,
        "journal_id": result.entry["id"] if result.entry is not None else None,
        "not_in_inventory": list(result.orphans),
        "warnings": [str(w) for w in result.warnings],
    }


# ------------------------------------------------------------------ report
# The partner sheet (report --csv/--xlsx/--markdown) follows the domain's renewals and
# their lines' dispositions: cli/worklist_command.py builds it, as it builds `worklist`
# (imported in the functions below, for a report only: `lookup` and `check` skip it).
def _analysis(settings: Settings) -> Analysis:
    return Analysis(_store(settings).load(), _policy(settings))


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from smartnet_tui.cli import worklist_command  # for a report only (see above)

    if args.fmt == "xlsx":
        return _report_xlsx(args, settings)
    analysis = _analysis(settings)
    with _output(args.output, settings) as out:
        if args.fmt == "json":
            _dump_json(json_views.report_json(analysis), out)
        elif args.fmt == "csv":
            w = csv.DictWriter(out, fieldnames=list(worklist_command.PARTNER_COLUMNS),
                               lineterminator="\n")
            w.writeheader()
            # a cell a spreadsheet would run as a formula gets a leading '
            tty = out.isatty()  # to a terminal, line breaks and tabs in cells escaped too
            w.writerows(spreadsheet_row(r, tty) for r in worklist_command.partner_rows(analysis, args.all))
        elif args.fmt == "markdown":
            out.write(inert(worklist_command.partner_markdown(analysis, args.all), keep="\n"))  # stored text escaped
        else:
            out.write(inert(plain_report(analysis), keep="\n"))
    return EXIT_OK


def _report_xlsx(args: argparse.Namespace, settings: Settings) -> int:
    """The worklist (the CSV's rows and columns) as a spreadsheet: ``-o FILE``, ``-o -``
    or standard output when it is not a terminal."""
    from smartnet_tui.cli import worklist_command  # for a report only (see above)

    if is_stdout(args.output) and sys.stdout.isatty():
        raise StoreError("report --xlsx writes a binary workbook: give -o FILE "
                         "(or redirect standard output to a file)")
    if not is_stdout(args.output):  # refuse a bad -o (the database, a directory) before the work
        check_output_path(args.output, (settings.db_path,))
    analysis = _analysis(settings)
    payload = xlsx_bytes(list(worklist_command.PARTNER_COLUMNS),
                         worklist_command.partner_rows(analysis, args.all), sheet="Worklist",
                         date_columns=worklist_command.PARTNER_DATE_COLUMNS)
    write_output_bytes(args.output, payload, protect=(settings.db_path,))
    return EXIT_OK


def plain_report(analysis: Analysis) -> str:
    s = analysis.summary()
    p = analysis.policy
    lines = [
        f"smartnet report for {p.today}: {len(analysis.estate.devices)} devices, "
        f"{len(analysis.estate.contracts)} contracts",
        f"due {s.due}  review {s.review}  lapsed {s.lapsed}  uncovered {s.uncovered}  "
        f"wasted {s.wasted}  at stake {s.cost_text()}",
        "",
        "contracts (most urgent first):",
    ]
    contracts = json_views.contracts_by_urgency(analysis)
    days = {c.number: days_text(analysis.contract_status[c.number]) for c in contracts}
    width = max((len(t) for t in days.values()), default=0)
    # each line made inert on its own: a line break in stored text (a reseller, a hostname
    # in an alert) is shown as \n, never as a line of its own that could pass for an entry
    for c in contracts:
        st = analysis.contract_status[c.number]
        lines.append(inert(f"  {c.number:<14} {st.renewal:<9} {st.end or '-'!s:<10} {days[c.number]:<{width}}  "
                     f"{(c.level.code if c.level else '-'):<6} {len(st.serials):>4} serial{'s' * (len(st.serials) != 1)}  {c.reseller or ''}"))
    alerts = analysis.alerts()
    lines += ["", f"alerts ({len(alerts)}):"]
    for a in alerts:
        lines.append(inert(f"  {a.severity:<8} {a.kind:<16} {a.subject:<16} {a.message}"))
    return "\n".join(lines) + "\n"


def days_text(st: ContractStatus) -> str:
    """The days left beside a contract's end, saying what they count to when it is not that
    end: ``175d to 2027-05-25 (last date to renew)``, ``120d to 2027-03-31 (2 lines)``."""
    if st.days_left is None:
        return "    -"
    text = f"{st.days_left:>4}d"
    first = st.first
    if first is None or first.deadline == st.end:
        return text
    text += f" to {first.deadline}"
    if first.deadline_reason != "end":
        return text + f" ({first.deadline_reason})"
    return text + (f" ({_plural(len(first.lines), 'line')})" if st.early is not None else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


# ------------------------------------------------------------------ export
def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: PyYAML only for an export.
    from smartnet_tui.store.export import export_data, to_yaml

    data = export_data(_store(settings).raw())
    with _output(args.output, settings) as out:
        if args.json:
            _dump_json(data, out)
        else:
            out.write(to_yaml(data))
    return EXIT_OK


# ------------------------------------------------------------------ history
def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    entries = _store(settings).history(args.limit if args.limit > 0 else None,
                                       include_archive=args.all)
    if args.json:
        _dump_json(entries)
        return EXIT_OK
    if not entries:
        print("no changes recorded yet")
    for e in entries:
        detail = e.get("detail", {})
        files = detail.get("files")
        extra = f" {' '.join(files)}" if files else ""
        print(inert(f"#{e['id']}  {e['when']}  {e['who']}  {e['action']}{extra}"))  # stored text
        if detail.get("changed"):
            print(f"    {inert(summary_line(detail['changed']))}")
        for line in describe_records(e.get("changes", ()), limit=12):
            print(f"    {inert(line)}")
        if e.get("archived_changes"):
            print(f"    {e['archived_changes']:,} records kept in the archive: smartnet history --all")
    return EXIT_OK
