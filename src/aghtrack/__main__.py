"""Entry point for ``aghtrack`` and ``python -m aghtrack``."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

from .collector import no_gc


def entry() -> NoReturn:
    """The installed ``aghtrack`` command and ``python -m aghtrack``: run, then leave without
    tearing the interpreter down. Freeing every module and object one by one costs each run
    ~12 ms (measured: ``import typer`` 69 ms, 57 ms leaving this way), and the operating system
    frees a process at once. Nothing is lost: every file aghtrack writes (the store's, reports,
    exports) is flushed, fsynced and closed inside the write that made it; only stdout and
    stderr are buffered, and they are flushed here. aghtrack starts no thread and registers no
    exit handler. ``main`` is the same run without the fast exit (tests call it in-process)."""
    try:
        main()
        code = 0
    except SystemExit as e:
        code = _exit_code(e.code)
    except KeyboardInterrupt:
        code = interrupted()
    try:
        sys.stdout.flush()
    except OSError:  # a broken pipe (`aghtrack list | head`: the reader left), a full disk
        code = code or 1
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


def interrupted() -> int:
    """Ctrl-C before the command line has loaded (inside a command, the CLI edge says it):
    one line, no traceback."""
    from .errors import Interrupted

    with contextlib.suppress(OSError):
        sys.stderr.write(f"aghtrack: {Interrupted()}\n")
    return Interrupted.exit_code


def _exit_code(code: object) -> int:
    """What ``sys.exit(code)`` would make the process's exit status."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write(f"{code}\n")
    return 1


def main() -> None:
    # `--version` is what scripts and installers call most; answer it before loading Typer.
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"aghtrack {__version__}\n")
        return
    # The record is UTF-8 whatever the locale; never fail on a name the terminal can't encode.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="backslashreplace")
    # Loading the command line (Typer, click, aghtrack's modules) set off ~35 collections,
    # each walking again the ~14,000 objects it keeps: a note ran 299 million instructions
    # instead of 289 (~3 ms). The garbage it leaves uncollected (~10,000 small objects of
    # typing's) goes with the process.
    with no_gc():
        from .cli import invoked_command, only
        from .cli.app import app

    try:
        with only(invoked_command(sys.argv[1:])):
            app(prog_name="aghtrack")
    except BrokenPipeError:
        # `aghtrack list | head`: the reader left; that is not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    entry()
