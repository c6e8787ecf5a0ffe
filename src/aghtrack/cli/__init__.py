"""The command line: parse, call the tracker, render. No rules live here."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from typer import Typer
from typer.main import get_command_name

__all__ = ["app", "invoked_command", "load", "only", "registered_names"]

#: The module that registers each command, in the order help lists them. Importing every
#: command module (the Typer signatures of 19 commands and what they import) cost each run
#: ~15 ms; a run imports only the module of the command it was asked for. A test keeps this
#: in step with the modules.
COMMAND_MODULES = {
    "add-action": "actions",
    "list": "browse",
    "show": "browse",
    "update": "actions",
    "done": "actions",
    "note": "actions",
    "delete": "actions",
    "undo": "actions",
    "history": "browse",
    "doctor": "doctor",
    "draft": "draft",
    "report": "report",
    "review": "report",
    "sync": "sync",
    "merge-driver": "sync",
    "import": "transfer",
    "export": "transfer",
    "meeting": "meetings",
}


def load(name: str | None = None) -> Typer:
    """The application with the module of command ``name`` registered, or every command
    (no name, an unknown one: help and the error must list them all)."""
    from importlib import import_module

    modules = {COMMAND_MODULES[name]} if name in COMMAND_MODULES else set(COMMAND_MODULES.values())
    for module in sorted(modules):
        import_module(f"{__name__}.{module}")
    from .app import app

    # Importing the submodule ``cli.app`` made ``app`` name it here; name the application.
    globals()["app"] = app
    return app


def __getattr__(attribute: str) -> Typer:
    """``from aghtrack.cli import app`` (tests, embedding): the application with every
    command registered."""
    if attribute == "app":
        return load()
    raise AttributeError(attribute)


#: Root options that take a value, so that ``aghtrack --db FILE list`` finds ``list``.
_ROOT_OPTIONS_WITH_VALUE = frozenset({"--db"})


def invoked_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, or None (``--help``, ``--version``, nothing)."""
    args = iter(argv)
    for arg in args:
        if arg in _ROOT_OPTIONS_WITH_VALUE:
            next(args, None)
        elif arg == "--":
            return next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def registered_names() -> Iterator[tuple[str, object]]:
    """The commands registered so far (every one once ``load()`` has run)."""
    from .app import app

    for command in app.registered_commands:
        callback = command.callback
        name = command.name or (get_command_name(callback.__name__) if callback else "")
        yield name, command
    for group in app.registered_groups:
        yield group.name or "", group


@contextmanager
def only(name: str | None) -> Iterator[None]:
    """Build only the invoked command. Typer turns every registered command into a click
    command, inspecting its signature, on every run: measured ~40 ms of a 180 ms ``list``
    for our 17 commands. Help, shell completion and unknown names still see them all."""
    app = load(None if os.environ.get("_AGHTRACK_COMPLETE") else name)
    known = dict(registered_names())
    if name is None or name not in known or os.environ.get("_AGHTRACK_COMPLETE"):
        yield
        return
    commands, groups = app.registered_commands, app.registered_groups
    app.registered_commands = [c for c in commands if c is known[name]]
    app.registered_groups = [g for g in groups if g is known[name]]
    try:
        yield
    finally:
        app.registered_commands, app.registered_groups = commands, groups
