"""The ``smartnet`` command and ``python -m smartnet_tui``.

Ctrl-C exits with 130 and no traceback from the very first moment. While the program is
still loading, the handler ends the process at once (``os._exit``: nothing is written yet,
and an exception raised inside an import would print a traceback, or crash a C extension's
initialisation, as orjson's does). Once loaded, the normal KeyboardInterrupt comes back so
that a command cleans up on its way out (``cli.main`` turns it into exit code 130).
This module imports nothing heavy (not even ``typing``, nor ``signal``, whose enums cost
milliseconds: ``_signal`` is the same functions, built in): it runs before the handler is set.
"""

import _signal
import os

EXIT_INTERRUPTED = 130


def _interrupted_while_loading(signum, frame):  # type: ignore[no-untyped-def]
    os._exit(EXIT_INTERRUPTED)


def main() -> int:
    try:
        _signal.signal(_signal.SIGINT, _interrupted_while_loading)
        main_thread = True
    except ValueError:  # not the main thread (embedded): leave signals alone
        main_thread = False
    # Imported here, after the handler: an interrupt while loading exits 130.
    from smartnet_tui.cli import main as cli_main

    if main_thread:
        _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    return cli_main()


if __name__ == "__main__":
    raise SystemExit(main())
