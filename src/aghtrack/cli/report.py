"""`aghtrack report`: the progress review of one meeting's commitments, as of a date."""

# Annotations are evaluated at import, not postponed (no ``from __future__ import
# annotations``): Typer reads a command's signature on every run, and postponed annotations
# are strings it compiles and evaluates each time (~5 ms for ``list``).

from typing import Annotated

import typer

from ..model import clean_names, normalise_meeting_key
from ..periods import optional_date
from ..render.formats import Format
from . import completion
from .app import app, session
from .formats import (
    REPORT_FORMATS,
    REVIEW_FORMATS,
    ExcelOpt,
    OutputOpt,
    chosen_format,
    format_option,
)
from .options import JsonOpt, MaybeMeetingOpt, OwnerOpt


@app.command()
def report(
    ctx: typer.Context,
    meeting_key: Annotated[
        str | None,
        typer.Argument(
            metavar="[MEETING]",
            help="The meeting, e.g. 9 (or give it with --meeting).",
            autocompletion=completion.meetings,
            show_default=False,
        ),
    ] = None,
    meeting: MaybeMeetingOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Review the record as it stood on this date (YYYY-MM-DD); default today.",
        ),
    ] = None,
    fmt: Annotated[Format, format_option(REPORT_FORMATS)] = Format.TABLE,
    output: OutputOpt = None,
    owner: OwnerOpt = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE|MEETING",
            help="Add what changed after this date, or after this meeting was held.",
            autocompletion=completion.meetings,
        ),
    ] = None,
    excel: ExcelOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """The progress review of a meeting: summary, who owes what, and every commitment.

    Informational outcomes (welcomed, noted) are listed but not counted as open or
    overdue work; the report ends by saying how it counted.

    \b
    Example: aghtrack report 9 --as-of 2016-03-22
    Example: aghtrack report --meeting 9 --as-of 2016-03-22 --since 9
    Example: aghtrack report --meeting 9 --as-of 2016-03-22 --format html --output review.html
    Example: aghtrack report --meeting 9 --as-of 2016-03-22 --format docx --output review.docx
    """
    from .. import render
    from ..render import formats
    from ..render import report as rendering

    fmt = chosen_format(ctx, fmt, output, REPORT_FORMATS, excel=excel, as_json=as_json)
    key = normalise_meeting_key(_one_meeting(meeting_key, meeting))
    tracker = session(ctx).tracker(reading=True)
    found = tracker.report(
        key,
        as_of=optional_date(as_of),
        owner=clean_names([owner], "owner")[0] if owner is not None else None,
        since=since,
    )
    if output is None and fmt is Format.TABLE:
        rendering.print_terminal_report(found)
        return
    formats.deliver(formats.formatter(fmt, excel=excel).report(found), output, store=tracker.store)
    if output is not None:
        render.message(f"Wrote the {fmt.value} report of meeting {key} to {output}.")


def _one_meeting(given: str | None, option: str | None) -> str:
    """``report 9`` as ``review 10`` is typed, or ``report --meeting 9``: one of them."""
    from ..errors import BadInput

    if given is not None and option is not None and given.strip() != option.strip():
        raise BadInput(f"Two meetings given ({given} and --meeting {option}); give one.")
    chosen = given if given is not None else option
    if chosen is None:
        raise BadInput("Which meeting? e.g. aghtrack report 9 (or --meeting 9).")
    return chosen


@app.command()
def review(
    ctx: typer.Context,
    meeting: Annotated[
        str,
        typer.Argument(
            metavar="MEETING",
            help="The meeting the paper is for, e.g. 10.",
            autocompletion=completion.meetings,
            show_default=False,
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="The record as it stood on this date (YYYY-MM-DD); default the meeting's date.",
        ),
    ] = None,
    series: Annotated[
        str | None,
        typer.Option(
            "--series",
            metavar="TEXT",
            help="Review the earlier meetings of this series (default: the meeting's own series, else every earlier meeting).",
        ),
    ] = None,
    fmt: Annotated[Format, format_option(REVIEW_FORMATS)] = Format.TABLE,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """The next meeting's review paper: what earlier meetings asked for that is still open,
    what was closed since the previous meeting, and what was only noted.

    \b
    Example: aghtrack review 10
    Example: aghtrack review 10 --format md --output review-10.md
    Example: aghtrack review 10 --format docx --output review-10.docx
    """
    from .. import render
    from ..render import formats

    fmt = chosen_format(ctx, fmt, output, REVIEW_FORMATS, excel=excel, as_json=as_json)
    tracker = session(ctx).tracker(reading=True)
    found = tracker.review(meeting, as_of=optional_date(as_of), series=series)
    formats.deliver(formats.formatter(fmt, excel=excel).review(found), output, store=tracker.store)
    if output is not None:
        render.message(
            f"Wrote the {fmt.value} review paper of meeting {found.meeting.key} to {output}."
        )
    if not found.earlier and found.series:
        # An empty paper, most often for a series written two ways ("AHG SOM", "AHG").
        others = [name for name in tracker.series_names() if name != found.series]
        if others:
            listed = "; ".join(f"'{name}'" for name in others)
            render.message(
                f"No earlier meeting of the series '{found.series}' is in the record; "
                f"--series picks another (known: {listed}), or '' for every earlier meeting."
            )
