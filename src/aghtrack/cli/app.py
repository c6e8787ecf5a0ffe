"""The root command: global options, the store a command works on, and the one error edge."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import AghtrackError, BadInput
from ..store import DEFAULT_LOCK_TIMEOUT, Store
from ..tracker import Tracker


class AghtrackGroup(TyperGroup):
    """Turns every AghtrackError, from any subcommand, into one line on stderr and its exit
    code. Anything else is a bug and keeps its traceback (without local variables)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AghtrackError as e:
            from ..render import error_line

            error_line(str(e))
            raise typer.Exit(e.exit_code) from None

    def _main_shell_completion(self, *args: Any, **kwargs: Any) -> Any:
        """Bash candidates quoted (``cli.completion``): only when completing, so no command
        pays for it."""
        from .completion import register_quoting_bash

        register_quoting_bash()
        return super()._main_shell_completion(*args, **kwargs)


app = typer.Typer(
    cls=AghtrackGroup,
    name="aghtrack",
    help=(
        "Keep the record of what meetings agreed and follow it up: who owes what, by when, "
        "and what was done.\n\n"
        "Example: aghtrack list --meeting 9 --status open"
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def default_store_path() -> Path:
    """``--db`` > ``AGHTRACK_DB`` > the per-user data directory; never the current folder."""
    from platformdirs import user_data_path

    return user_data_path("aghtrack", appauthor=False) / "store.json"


def resolve_store_path(db: Path | None) -> Path:
    if db is not None:
        return db.expanduser()
    env = os.environ.get("AGHTRACK_DB")
    if env:
        return Path(env).expanduser()
    return default_store_path()


def current_user() -> str:
    """Who is recorded as making a change: ``AGHTRACK_USER``, else the login name."""
    name = os.environ.get("AGHTRACK_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def lock_timeout() -> float:
    raw = os.environ.get("AGHTRACK_LOCK_TIMEOUT")
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise BadInput(f"AGHTRACK_LOCK_TIMEOUT must be a number of seconds, not '{raw}'.") from None
    if value < 0:
        raise BadInput("AGHTRACK_LOCK_TIMEOUT must not be negative.")
    return value


@dataclass
class Session:
    """Built once in the root callback; commands ask it for the tracker they work on."""

    db: Path | None
    _tracker: Tracker | None = field(default=None, repr=False)

    @property
    def store_path(self) -> Path:
        return resolve_store_path(self.db)

    def tracker(self, *, reading: bool = False) -> Tracker:
        if self._tracker is None:
            store = Store(self.store_path, lock_timeout=lock_timeout())
            self._tracker = Tracker(store, actor=current_user())
        if reading and not self._tracker.store.exists():
            from ..render import error_line

            error_line(
                f"no store yet at {self._tracker.store.path}; it is created by the first "
                "command that writes (e.g. 'aghtrack import data/bali-process-ahg.json')."
            )
        return self._tracker


def session(ctx: typer.Context) -> Session:
    root = ctx.find_root()
    if not isinstance(root.obj, Session):
        root.obj = Session(db=None)
    return root.obj


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"aghtrack {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            metavar="FILE",
            help="Store file to use (default: $AGHTRACK_DB, else your user data folder).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    """Keep the record of what meetings agreed and follow it up."""
    if isinstance(ctx.obj, Session):
        ctx.obj.db = db or ctx.obj.db
    else:
        ctx.obj = Session(db=db)
