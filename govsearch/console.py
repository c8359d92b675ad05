"""What every command shares and the command line needs before it knows the command: the one-line
error and the progress line. Kept apart from the commands so that `govsearch serve` (and each of its
worker processes, which import the command line again) loads no crawler, indexer or evaluation code."""

from __future__ import annotations

import sys


class CommandError(RuntimeError):
    """A user-facing failure: printed as one line, exit status 2."""


def status(line: str, *, final: bool = False) -> None:
    """Progress on one line in a terminal, a line per update elsewhere."""
    if sys.stderr.isatty():
        print(f"\r\033[K{line}", end="\n" if final else "", file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr, flush=True)
