"""``smartnet fetch [--coverage] [--eox] [SERIAL...]``: coverage and end-of-life data
straight from Cisco's Support APIs, imported like a saved answer.

With no serials, every device in the inventory; with neither ``--coverage`` nor
``--eox``, both. The answers go through the same readers, plan and write as ``smartnet
import`` (``--dry-run`` shows the plan); one journal entry names the source. Any network
or API failure is one line on stderr, exit code 2, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import IO

from smartnet_tui.config import Settings
from smartnet_tui.domain.display import inert
from smartnet_tui.domain.model import Estate
from smartnet_tui.imports.cisco_fetch import (
    DEFAULT_BASE_URL,
    DEFAULT_TOKEN_URL,
    ENV_BASE_URL,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_CREDENTIALS,
    ENV_TOKEN_URL,
    CiscoClient,
    FetchError,
    api_urls,
    load_credentials,
)
from smartnet_tui.imports.fetch_import import plan_fetch, serials_to_fetch, source_label, write_fetch
from smartnet_tui.imports.planner import change_lines, orphans_line, outcome_line
from smartnet_tui.store.db import Store

EXIT_OK, EXIT_ERROR = 0, 2

HELP = ("fetch coverage (SN2INFO) and end-of-life dates (EoX) from Cisco's Support APIs "
        "and import them")


def add_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("serials", nargs="*", metavar="SERIAL",
                    help="serials to ask about (default: every device in the inventory)")
    sp.add_argument("--coverage", action="store_true",
                    help="coverage only (SN2INFO); with neither --coverage nor --eox, both")
    sp.add_argument("--eox", action="store_true", help="end-of-life dates only (EoX by serial)")
    sp.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    sp.add_argument("--add-devices", action="store_true",
                    help="add the serials Cisco answers for that the inventory does not hold")
    sp.add_argument("--base-url", metavar="URL", default=None,
                    help=f"the API host (default: ${ENV_BASE_URL}, else {DEFAULT_BASE_URL})")
    sp.add_argument("--token-url", metavar="URL", default=None,
                    help=f"the OAuth token URL (default: ${ENV_TOKEN_URL}, else {DEFAULT_TOKEN_URL})")
    sp.epilog = (f"Credentials: ${ENV_CLIENT_ID} and ${ENV_CLIENT_SECRET}, else client_id and "
                 "client_secret under [cisco] in ~/.config/smartnet/credentials.toml (chmod 600), "
                 f"or the file ${ENV_CREDENTIALS} names.")


class _Bar:
    """A progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.shown = False
        self.last = 0.0

    def __call__(self, done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        frac = min(done / total, 1.0) if total else 1.0
        bar = "#" * int(frac * 30)
        self.stream.write(f"\rfetching from Cisco [{bar:<30}] {done}/{total} calls ({what})\x1b[K")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _err(message: str) -> int:
    print(f"smartnet: error: {inert(message)}", file=sys.stderr)
    return EXIT_ERROR


def cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    coverage = args.coverage or not args.eox
    eox = args.eox or not args.coverage
    base_url, token_url = api_urls(args.base_url, args.token_url)
    # No database yet: nothing is opened (nor created) until the answers are in.
    store = Store(settings.db_path) if settings.db_path.exists() else None
    estate = store.load() if store is not None else Estate()
    serials = serials_to_fetch(estate, args.serials)
    if not serials:
        return _err("nothing to ask Cisco about: the inventory holds no devices "
                    "(name serials: smartnet fetch SERIAL...)")
    bar = _Bar(sys.stderr) if sys.stderr.isatty() else None
    try:
        credentials = load_credentials()
        with CiscoClient(credentials, base_url=base_url, token_url=token_url) as client:
            answers = client.fetch(serials, coverage=coverage, eox=eox, progress=bar)
            calls = client.calls
    except FetchError as exc:
        if bar is not None:
            bar.done()
        return _err(f"fetch: {exc}; nothing was imported, the database is unchanged")
    if bar is not None:
        bar.done()
    source = source_label(base_url, coverage, eox, len(serials))
    if store is None:
        store = Store(settings.db_path)
    detail = {"base_url": base_url, "apis": [n for n, on in (("sn2info", coverage), ("eox", eox)) if on],
              "serials": len(serials), "calls": calls}
    plan = plan_fetch(store, answers, source=source, add_devices=args.add_devices,
                      order=settings.date_order, today=settings.reference_date(), detail=detail)
    result = plan.result
    for w in result.warnings:
        print(f"smartnet: warning: {inert(w)}", file=sys.stderr)  # Cisco's words, inert
    if result.errors:
        for e in result.errors:
            print(f"smartnet: error: {inert(e)}", file=sys.stderr)
        n = len(result.errors)
        print(f"smartnet: {n} error{'s' * (n != 1)} in Cisco's answers: nothing was imported, "
              "the database is unchanged", file=sys.stderr)
        return EXIT_ERROR
    if not args.dry_run:
        for _ in range(3):  # another writer in between: what Cisco said, planned again
            entry, replanned = write_fetch(store, plan, settings.date_order, settings.reference_date())
            if replanned is None:
                break
            plan = replanned
        else:
            return _err("the database kept changing under other writers: nothing was imported; "
                        "run the fetch again")
        result = plan.result
        result.entry = entry
    print(f"{source} ({len(answers)} answers)")
    print(outcome_line(result, args.dry_run))
    for line in change_lines(result):
        print(f"  {inert(line)}")
    if result.orphans:
        print(orphans_line(result.orphans, "--add-devices"))
    return EXIT_OK
