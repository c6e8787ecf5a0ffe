"""Commands that change commitments: add-action, update, done, note, delete, undo (reading
them is ``browse``)."""

# Annotations are evaluated at import, not postponed (no ``from __future__ import
# annotations``): Typer reads a command's signature on every run, and postponed annotations
# are strings it compiles and evaluates each time (~5 ms for ``list``).

import sys
from typing import Annotated

import typer

from ..errors import BadInput
from ..model import Commitment, Kind, parse_kind, parse_status
from ..periods import optional_date, parse_period
from ..tracker import UNSET
from . import completion
from .app import app, session
from .options import JsonOpt, MeetingOpt, RefArg

OnOpt = Annotated[
    str | None,
    typer.Option(
        "--on",
        metavar="DATE",
        help="Date it happened in the world (YYYY-MM-DD), not when you type it; default today.",
        show_default=False,
    ),
]


@app.command("add-action")
def add_action(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(metavar="TEXT", help="What was agreed, in a short sentence.")
    ],
    meeting: MeetingOpt,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            "--owner",
            "-o",
            metavar="NAME",
            help="Who owes it; repeat for several, lead first.",
            autocompletion=completion.owners,
        ),
    ] = None,
    support: Annotated[
        list[str] | None,
        typer.Option(
            "--support",
            metavar="NAME",
            help="A supporting party; repeat for several.",
            autocompletion=completion.owners,
        ),
    ] = None,
    due: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD",
            help="Due period: 2015-12-31, 2015-12, 2015-Q4, 2015-H2, 2015, late 2015.",
        ),
    ] = None,
    kind: Annotated[
        str,
        typer.Option(
            help="agreed, decided, endorsed, will, encouraged, supported, welcomed, noted.",
            autocompletion=completion.kinds,
        ),
    ] = Kind.AGREED.value,
    source: Annotated[
        str,
        typer.Option(metavar="TEXT", help="Where in the record it comes from, e.g. 'bullet 3'."),
    ] = "",
    tag: Annotated[
        list[str] | None, typer.Option("--tag", metavar="TAG", help="A tag; repeat for several.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a commitment made at a meeting and print its new reference.

    \b
    Example: aghtrack add-action "Hold a roundtable on returns" --meeting 9 --owner Philippines --due "late 2015"
    """
    from .. import render

    commitment = (
        session(ctx)
        .tracker()
        .add_commitment(
            meeting=meeting,
            text=text,
            owners=owner or (),
            support=support or (),
            due=parse_period(due) if due is not None else None,
            kind=parse_kind(kind),
            source=source,
            tags=tag or (),
        )
    )
    if as_json:
        render.write_raw(render.to_json(render.commitment_dict(commitment)))
    else:
        render.write_line(commitment.ref)
        render.message(f"Added {commitment.ref} to meeting {commitment.meeting}.")


@app.command()
def update(
    ctx: typer.Context,
    ref: RefArg,
    text: Annotated[str | None, typer.Option("--text", metavar="TEXT", help="New text.")] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            "--owner",
            metavar="NAME",
            help="Replace the owners (repeat, lead first); 'none' clears them.",
            autocompletion=completion.owners,
        ),
    ] = None,
    support: Annotated[
        list[str] | None,
        typer.Option(
            "--support",
            metavar="NAME",
            help="Replace the supporting parties; 'none' clears them.",
            autocompletion=completion.owners,
        ),
    ] = None,
    due: Annotated[
        str | None, typer.Option(metavar="PERIOD", help="New due period; 'none' clears it.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", metavar="STATUS", help="New status.", autocompletion=completion.statuses
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", metavar="KIND", help="New kind.", autocompletion=completion.kinds),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", metavar="TAG", help="Replace the tags; 'none' clears them."),
    ] = None,
    source: Annotated[
        str | None, typer.Option(metavar="TEXT", help="New source, e.g. 'bullet 3'.")
    ] = None,
    on: OnOpt = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="REF",
            help="With --status superseded: the commitment that replaced it.",
            autocompletion=completion.references,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a commitment. Options given replace what was there; --on dates the change.

    \b
    Example: aghtrack update 9.3 --status in-progress --on 2015-09-01
    Example: aghtrack update 9.5 --status superseded --by 10.2
    """

    new_due = UNSET
    if due is not None:
        if not due.strip():
            raise BadInput(
                "--due is empty: give a due period (e.g. 2016-H1), or 'none' to clear it."
            )
        new_due = None if due.strip().lower() == "none" else parse_period(due)
    commitment = (
        session(ctx)
        .tracker()
        .update_commitment(
            ref,
            text=text,
            owners=_cleared(owner),
            support=_cleared(support),
            due=new_due,
            status=parse_status(status) if status is not None else None,
            kind=parse_kind(kind) if kind is not None else None,
            tags=_cleared(tag),
            source=source,
            on=optional_date(on),
            superseded_by=by,
        )
    )
    _report_change(commitment, f"Updated {commitment.ref}.", as_json)


def _cleared(values: list[str] | None) -> list[str] | None:
    """``--owner none``, ``--support none`` or ``--tag none`` alone clears the list, as
    ``--due none`` does (it recorded a party or a tag named "none")."""
    if values is None:
        return None
    said = [v.strip().lower() for v in values]
    if said == ["none"]:
        return []
    if "none" in said:
        raise BadInput("'none' clears the list on its own; give it alone, or only names.")
    return values


@app.command()
def done(
    ctx: typer.Context,
    ref: RefArg,
    evidence: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="What shows it was done, e.g. a report or event."),
    ] = None,
    fulfilled_by: Annotated[
        str | None,
        typer.Option(
            "--fulfilled-by",
            metavar="KEY",
            help="Key of the meeting or event that fulfilled it.",
            autocompletion=completion.meetings,
        ),
    ] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Mark a commitment done, with the evidence.

    \b
    Example: aghtrack done 9.2 --evidence "Roundtable held in Manila" --fulfilled-by manila-2015 --on 2015-12-04
    """
    commitment = (
        session(ctx)
        .tracker()
        .complete(
            ref,
            evidence=evidence,
            fulfilled_by=fulfilled_by,
            on=optional_date(on),
        )
    )
    _report_change(commitment, f"Marked {commitment.ref} done.", as_json)


@app.command()
def note(
    ctx: typer.Context,
    ref: RefArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The progress to record.")],
    on: OnOpt = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="NAME",
            help="Who reports it (default: $AGHTRACK_USER, else your login).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a dated progress note to a commitment.

    \b
    Example: aghtrack note 9.3 "Campaign materials drafted" --on 2015-09-01 --by Indonesia
    """
    commitment = session(ctx).tracker().add_note(ref, text, on=optional_date(on), by=by)
    _report_change(commitment, f"Added a note to {commitment.ref}.", as_json)


@app.command()
def delete(
    ctx: typer.Context,
    ref: RefArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a commitment entered by mistake. It stays in the history; 'undo' brings it back.

    \b
    Example: aghtrack delete 9.9 --yes
    """
    from .. import render

    tracker = session(ctx).tracker()
    if not yes:
        target = tracker.commitment(ref)
        if not sys.stdin.isatty():
            raise BadInput(f"Not deleting {target.ref} without --yes (no terminal to ask on).")
        question = f"Delete {target.ref} ({render.one_line(target.text)[:60]})?"
        if not typer.confirm(question, default=False, err=True):
            render.message("Nothing deleted.")
            raise typer.Exit(1)
        ref = target.id
    commitment = tracker.delete(ref)
    render.message(f"Deleted {commitment.ref}; 'aghtrack undo' brings it back.")


@app.command()
def undo(ctx: typer.Context) -> None:
    """Revert the last change (any command that wrote); run again to go further back.

    \b
    Example: aghtrack undo
    """
    from .. import render

    entry = session(ctx).tracker().undo()
    render.write_line(
        f"Undid #{entry.seq} ({entry.command} by {entry.by} at {entry.at}): {entry.summary}"
    )


def _report_change(commitment: Commitment, message: str, as_json: bool) -> None:
    from .. import render

    if as_json:
        render.write_raw(render.to_json(render.commitment_dict(commitment)))
    else:
        render.message(message)
