"""Commands that read commitments: list, show, history. Apart from the commands that change
them (``actions``), so that a change does not import (nor Typer evaluate) the listing's
formats and options: ~2 ms of every write (issue 16)."""

# Annotations are evaluated at import, not postponed (no ``from __future__ import
# annotations``): Typer reads a command's signature on every run, and postponed annotations
# are strings it compiles and evaluates each time (~5 ms for ``list``).

from typing import Annotated

import typer

from .. import clock
from ..errors import BadInput
from ..listing import Filter, SortKey
from ..model import parse_status
from ..periods import optional_date
from ..render.formats import Format
from . import completion
from .app import app, session
from .formats import LIST_FORMATS, ExcelOpt, OutputOpt, chosen_format, format_option
from .options import JsonOpt, OwnerOpt, RefArg

DEFAULT_PAGE = 50


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
    owner: OwnerOpt = None,
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
    fmt = chosen_format(ctx, fmt, output, LIST_FORMATS, excel=excel, as_json=as_json)
    when = clock.today(optional_date(as_of))
    flt = Filter(
        meeting=meeting.strip().lower() if meeting is not None else None,
        owner=owner,
        statuses=frozenset(parse_status(s) for s in status or ()),
        overdue=overdue,
        due_before=optional_date(due_before),
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
            many = "" if len(shown) == 1 else "s"
            render.message(f"Wrote {len(shown)} commitment{many} to {output}.")
        return
    page = len(found) if show_all else (limit or DEFAULT_PAGE)
    render.print_commitments(found[:page], when)
    hidden = len(found) - page
    if hidden > 0:
        render.message(f"{hidden} more match; use --all to see them all, or --limit N.")
    elif not found:
        held = tracker.meeting(flt.meeting).date if flt.meeting else None
        if held is not None and held > when:
            # Its commitments exist from its date: a list as of today has none yet.
            render.message(
                f"No commitments match: meeting {flt.meeting} is on {held}, after {when}; "
                f"add --as-of {held} to see what was recorded for it."
            )
        else:
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

    when = clock.today(optional_date(as_of))
    tracker = session(ctx).tracker(reading=True)
    commitment = tracker.commitment(ref, as_of=when)
    history = tracker.history(commitment.ref)
    if as_json:
        render.write_raw(render.to_json(render.commitment_dict(commitment, history)))
    else:
        render.print_commitment(commitment, when, history)


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
