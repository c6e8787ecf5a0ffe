"""The root command: global options, the store a command works on, and the one error edge."""

# Annotations are evaluated at import, not postponed (no ``from __future__ import
# annotations``): Typer reads a command's signature on every run, and postponed annotations
# are strings it compiles and evaluates each time (~5 ms for ``list``).

import math
import os
import sys
from collections.abc import Sequence
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
        except BrokenPipeError:
            raise  # the reader left (``| head``): ``__main__`` ends quietly
        except KeyboardInterrupt:
            # Ctrl-C in a command: Typer would leave with 130 and not a word.
            from ..errors import Interrupted
            from ..render import error_line

            error_line(str(Interrupted()))
            raise typer.Exit(Interrupted.exit_code) from None
        except OSError as e:
            # What aghtrack's own files raise is already a typed error: this is the output
            # itself failing (stdout on a full disk, ``> /dev/full``), the system's fault.
            from ..render import error_line

            where = f"{e.filename}: " if e.filename else ""
            error_line(f"could not write the output: {where}{e.strerror or e}")
            raise typer.Exit(1) from None

    def list_commands(self, ctx: Any) -> list[str]:
        """In the order ``cli.COMMAND_MODULES`` gives (add, list, show, change...), whichever
        module registered them first: reading and changing commitments are two modules."""
        from . import COMMAND_MODULES

        order = {name: n for n, name in enumerate(COMMAND_MODULES)}
        return sorted(super().list_commands(ctx), key=lambda name: order.get(name, len(order)))

    def _main_shell_completion(self, *args: Any, **kwargs: Any) -> Any:
        """Bash candidates quoted (``cli.completion``): only when completing, so no command
        pays for it."""
        from .completion import register_quoting_bash

        register_quoting_bash()
        return super()._main_shell_completion(*args, **kwargs)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's own usage errors (a bad option value, a missing option) in our one-line
        form, plus one hint line, instead of Click's usage block: the same edge as
        ``invoke``. Help (``aghtrack`` alone) and everything else keep Click's behaviour."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        from typer._click.exceptions import ClickException, UsageError

        try:
            returned = super().main(args, prog_name, complete_var, False, **extra)
        except ClickException as e:
            from ..render import error_line

            if type(e).__name__ == "NoArgsIsHelpError":
                e.show()
            else:
                error_line(e.format_message())
                if isinstance(e, UsageError) and e.ctx is not None:
                    sys.stderr.write(f"Try '{e.ctx.command_path} -h' for help.\n")
            sys.exit(e.exit_code)
        except typer.Abort:
            sys.stderr.write("Aborted.\n")
            sys.exit(1)
        sys.exit(returned if isinstance(returned, int) else 0)


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
    # getpass's own order; importing it (and termios, pwd) costs every run ~1 ms when the
    # environment names the user, as it almost always does.
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if name := os.environ.get(variable, ""):
            return name
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


#: The longest wait for the lock that ``AGHTRACK_LOCK_TIMEOUT`` may ask for: a day.
MAX_LOCK_TIMEOUT = 86_400.0


def lock_timeout() -> float:
    raw = os.environ.get("AGHTRACK_LOCK_TIMEOUT")
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_LOCK_TIMEOUT:  # also refuses nan
        raise BadInput(
            f"AGHTRACK_LOCK_TIMEOUT must be a number of seconds from 0 to {MAX_LOCK_TIMEOUT:g}, "
            f"not '{raw}'."
        )
    return value


class Session:
    """Built once in the root callback; commands ask it for the tracker they work on. A
    plain class: a dataclass costs ~1 ms of every run to create."""

    def __init__(self, db: Path | None) -> None:
        self.db = db
        self._tracker: Tracker | None = None

    @property
    def store_path(self) -> Path:
        return resolve_store_path(self.db)

    def tracker(self, *, reading: bool = False) -> Tracker:
        if self._tracker is None:
            # A read takes no lock: a bad AGHTRACK_LOCK_TIMEOUT stops only what would wait.
            wait = DEFAULT_LOCK_TIMEOUT if reading else lock_timeout()
            store = Store(self.store_path, lock_timeout=wait)
            self._tracker = Tracker(store, actor=current_user())
        if reading and not self._tracker.store.exists():
            from ..render import error_line

            # A store file gone missing beside its backups or tables is refused as such.
            self._tracker.store.load()
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
