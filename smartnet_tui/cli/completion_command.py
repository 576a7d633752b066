"""``smartnet completion bash|zsh|fish``: a shell completion script generated from the parser.

shtab writes the script from the same argparse parser the command line uses, so the
completion never lists an option that does not exist. File and directory arguments are
marked here, so that the shell offers file names for them (and only for them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SHELLS = ("bash", "zsh", "fish")

# Where each shell looks for the script (what `smartnet completion --help` and docs/cli.md say).
INSTALL_HINTS = {
    "bash": "smartnet completion bash > ~/.local/share/bash-completion/completions/smartnet",
    "zsh": "smartnet completion zsh > ~/.zfunc/_smartnet  # and fpath+=(~/.zfunc) before compinit in ~/.zshrc",
    "fish": "smartnet completion fish > ~/.config/fish/completions/smartnet.fish",
}


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    out = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases map to the same parser
                out.extend(_subparsers(sub))
    return out


def mark_file_arguments(parser: argparse.ArgumentParser, file: object) -> argparse.ArgumentParser:
    """Tell shtab which arguments take a file name (``file``: shtab.FILE): those typed Path."""
    for p in _subparsers(parser):
        for action in p._actions:
            if action.type is Path:
                action.complete = file  # type: ignore[attr-defined]
    return parser


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell`` (one of SHELLS) from the command line's ``parser``."""
    # Imported here, not at the top: only this command needs shtab, the others skip its import.
    import shtab

    if shell not in SHELLS:
        raise ValueError(f"unknown shell {shell!r}: expected one of {', '.join(SHELLS)}")
    parser.prog = "smartnet"  # the name the user types, whatever argv[0] was
    text: str = shtab.complete(mark_file_arguments(parser, shtab.FILE), shell=shell)
    return text if text.endswith("\n") else text + "\n"


HELP = "print a shell completion script (bash, zsh or fish) generated from this command line"


def add_arguments(sp: argparse.ArgumentParser) -> None:
    """The ``completion`` subcommand's arguments and help (its parser is made by the CLI)."""
    sp.add_argument("shell", choices=SHELLS)
    sp.epilog = "install it with one of:\n  " + "\n  ".join(INSTALL_HINTS.values())
    sp.formatter_class = argparse.RawDescriptionHelpFormatter


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    sys.stdout.write(script(args.shell, parser))
    return 0
