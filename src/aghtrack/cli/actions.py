"""Commands on commitments: add, list, show, update, done, note, delete, undo, history."""

# Annotations are evaluated at import, not postponed (no ``from __future__ import
# annotations``): Typer reads a command's signature on every run, and postponed annotations
# are strings it compiles and evaluates each time (~5 ms for ``list``).

import sys
from typing import Annotated

import typer

from .. import clock
from ..errors import BadInput
from ..listing import Filter, SortKey
from ..model import Commitment, Kind, parse_kind, parse_status
from ..periods import parse_date, parse_period
from ..render.formats import Format
from ..tracker import UNSET
from . import completion
from .app import app, session
from .formats import LIST_FORMATS, ExcelOpt, OutputOpt, format_option
from .options import MeetingOpt

DEFAULT_PAGE = 50


RefArg = Annotated[
    str,
    typer.Argument(
        metavar="REF",
        help="Commitment reference (e.g. 9.3) or the start of its id.",
        autocompletion=completion.references,
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
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


@app.command("list")
def list_commitments(
    ctx: typer.Context,
    meeting: Annotated[
        str | None,
        typer.Option(
            "--meeting",
            "-m",
            metavar="KEY",
            help="Only this meeting.",
            autocompletion=completion.meetings,
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            "-o",
            metavar="NAME",
            help="Only where this party leads or supports.",
            autocompletion=completion.owners,
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            metavar="STATUS",
            help="Only these statuses (repeat): open, in-progress, blocked, done, dropped, superseded.",
            autocompletion=completion.statuses,
        ),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue work.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="The record as it stood at the end of this date (YYYY-MM-DD): statuses, notes, due periods and what was overdue; default today.",
        ),
    ] = None,
    due_before: Annotated[
        str | None,
        typer.Option(
            "--due-before", metavar="DATE", help="Only due before this date (YYYY-MM-DD)."
        ),
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", metavar="TAG", help="Only with this tag.")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", metavar="WORDS", help="Only those mentioning all these words."),
    ] = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="Order of the list.")] = SortKey.MEETING,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", min=1, help="Show at most this many.")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show every match.")] = False,
    as_json: JsonOpt = False,
    fmt: Annotated[Format, format_option(LIST_FORMATS)] = Format.TABLE,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """List commitments, filtered and sorted.

    \b
    Example: aghtrack list --meeting 9 --status open
    Example: aghtrack list --overdue --format xlsx --output overdue.xlsx
    """
    from .. import render
    from ..render import formats

    if limit is not None and show_all:
        raise BadInput("Give either --limit or --all, not both.")
    fmt = Format.JSON if as_json else fmt
    formats.check_destination(fmt, output, excel=excel)
    when = clock.today(parse_date(as_of) if as_of else None)
    flt = Filter(
        meeting=meeting.strip().lower() if meeting is not None else None,
        owner=owner,
        statuses=frozenset(parse_status(s) for s in status or ()),
        overdue=overdue,
        due_before=parse_date(due_before) if due_before else None,
        tag=tag,
        search=search,
    )
    tracker = session(ctx).tracker(reading=True)
    found = tracker.commitments(flt, as_of=when, sort=sort)
    if fmt is not Format.TABLE or output is not None:
        shown = found[:limit] if limit else found
        listed = formats.formatter(fmt, excel=excel).commitments(shown, when)
        formats.deliver(listed, output, store=tracker.store)
        if output is not None:
            render.message(f"Wrote {len(shown)} commitments to {output}.")
        return
    page = len(found) if show_all else (limit or DEFAULT_PAGE)
    render.print_commitments(found[:page], when)
    hidden = len(found) - page
    if hidden > 0:
        render.message(f"{hidden} more match; use --all to see them all, or --limit N.")
    elif not found:
        render.message("No commitments match.")


AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="As it stood at the end of this date (YYYY-MM-DD); default today.",
        show_default=False,
    ),
]


@app.command()
def show(ctx: typer.Context, ref: RefArg, as_of: AsOfOpt = None, as_json: JsonOpt = False) -> None:
    """Show everything about one commitment: notes, evidence and its dated history.

    \b
    Example: aghtrack show 9.2
    Example: aghtrack show 9.2 --as-of 2015-10-01
    """
    from .. import render

    when = clock.today(parse_date(as_of) if as_of else None)
    tracker = session(ctx).tracker(reading=True)
    commitment = tracker.commitment(ref, as_of=when)
    history = tracker.history(commitment.ref)
    if as_json:
        render.write_raw(render.to_json(render.commitment_dict(commitment, history)))
    else:
        render.print_commitment(commitment, when, history)


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
            help="Replace the owners (repeat, lead first).",
            autocompletion=completion.owners,
        ),
    ] = None,
    support: Annotated[
        list[str] | None,
        typer.Option(
            "--support",
            metavar="NAME",
            help="Replace the supporting parties.",
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
        list[str] | None, typer.Option("--tag", metavar="TAG", help="Replace the tags.")
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
        new_due = None if due.strip().lower() == "none" else parse_period(due)
    commitment = (
        session(ctx)
        .tracker()
        .update_commitment(
            ref,
            text=text,
            owners=owner,
            support=support,
            due=new_due,
            status=parse_status(status) if status is not None else None,
            kind=parse_kind(kind) if kind is not None else None,
            tags=tag,
            source=source,
            on=parse_date(on) if on else None,
            superseded_by=by,
        )
    )
    _report_change(commitment, f"Updated {commitment.ref}.", as_json)


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
            on=parse_date(on) if on else None,
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
    commitment = (
        session(ctx).tracker().add_note(ref, text, on=parse_date(on) if on else None, by=by)
    )
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


@app.command()
def history(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            metavar="REF",
            help="Only changes to this commitment.",
            autocompletion=completion.references,
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", min=1, help="Show at most this many.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Who changed what and when, newest first.

    \b
    Example: aghtrack history 9.2
    """
    from .. import render

    entries = session(ctx).tracker(reading=True).history(ref)
    entries = entries[:limit] if limit else entries
    if as_json:
        render.write_raw(render.history_json(entries))
    elif entries:
        render.print_history(entries)
    else:
        render.message("No changes recorded yet.")


def _report_change(commitment: Commitment, message: str, as_json: bool) -> None:
    from .. import render

    if as_json:
        render.write_raw(render.to_json(render.commitment_dict(commitment)))
    else:
        render.message(message)
