"""``aghtrack sync``: share the record with other offices through git; and the merge driver
git calls for the record's files."""

# Annotations are evaluated at import, not postponed (no ``from __future__ import
# annotations``): Typer reads a command's signature on every run, and postponed annotations
# are strings it compiles and evaluates each time (~5 ms for ``list``).

from pathlib import Path
from typing import Annotated

import typer

from .. import clock
from .app import app, current_user, session
from .options import JsonOpt


@app.command()
def sync(
    ctx: typer.Context,
    remote: Annotated[
        str | None,
        typer.Option(
            "--remote",
            metavar="URL",
            help="The shared git repository (a path on a file server, or a GitLab, Gitea or "
            "GitHub URL). Needed the first time only: an empty record here takes the shared "
            "one; a record here starts sharing into an empty repository.",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        bool,
        typer.Option(
            "--status",
            help="Say what is waiting to be sent and whether others sent news (--json too).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Send this office's changes to the shared record and receive the others'.

    \b
    Example: aghtrack sync --remote //fileserver/bali/record.git   (the first time)
    Example: aghtrack sync
    Example: aghtrack sync --status
    """
    from .. import render
    from ..sync import Sharing

    if status and remote is not None:
        from ..errors import BadInput

        raise BadInput("--status says how things stand where the record is shared; --remote "
                       "changes where: give one of them.")  # fmt: skip
    tracker = session(ctx).tracker()
    sharing = Sharing(tracker.store, actor=current_user(), now=clock.now)
    if status:
        found = sharing.status()
        if as_json:
            render.write_raw(render.to_json(found.as_dict()))
        else:
            render.write_line(found.line())
    else:
        render.write_line(sharing.sync(remote).line())


@app.command("merge-driver", hidden=True)
def merge_driver(
    base: Annotated[Path, typer.Argument(help="The common ancestor's version (%O).")],
    ours: Annotated[Path, typer.Argument(help="Our version, replaced by the merge (%A).")],
    theirs: Annotated[Path, typer.Argument(help="Their version (%B).")],
    name: Annotated[str, typer.Argument(help="The file's path in the repository (%P).")],
) -> None:
    """Merge one file of a shared record (git runs this; 'aghtrack sync' sets it up).

    \b
    Example: aghtrack merge-driver %O %A %B %P   (in .git/config, as merge.aghtrack.driver)
    """
    from .. import render
    from ..sync import merge_driver as merge

    try:
        merge(base, ours, theirs, name)
    except (ValueError, KeyError, TypeError, OSError) as e:
        render.message(f"aghtrack cannot merge {name}: {e}")
        raise typer.Exit(1) from None
