"""The ``roster`` command's entry point. Loading the libraries takes about
half a second; Ctrl-C then ends as it does at any other moment, with exit
code 130 and no traceback."""

from __future__ import annotations

import signal
import sys


def main() -> None:
    """The ``roster`` console script: the command line, with Ctrl-C held back
    while it loads."""
    # Ctrl-C is held back while the libraries load (a compiled extension
    # interrupted half-way fails in ways no handler can tidy), then honoured
    held = hasattr(signal, "pthread_sigmask")
    if held:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    from roster.cli import main as cli

    if held:
        if signal.SIGINT in signal.sigpending():
            sys.stderr.write("\nstopped (Ctrl-C)\n")
            sys.exit(130)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    cli()
