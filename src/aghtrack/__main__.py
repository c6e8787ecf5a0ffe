"""Entry point for ``aghtrack`` and ``python -m aghtrack``."""

from __future__ import annotations

import os
import sys


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
    main()
