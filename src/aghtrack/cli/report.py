"""`aghtrack report`: the progress review of one meeting's commitments, as of a date."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..model import clean_names, normalise_meeting_key
from ..periods import parse_date
from . import completion
from .actions import MeetingOpt
from .app import app, session


class ReportFormat(StrEnum):
    TABLE = "table"
    MD = "md"
    HTML = "html"
    CSV = "csv"
    JSON = "json"


@app.command()
def report(
    ctx: typer.Context,
    meeting: MeetingOpt,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Review the record as it stood on this date (YYYY-MM-DD); default today.",
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (terminal), md (for a meeting paper), html (one page), csv, json.",
        ),
    ] = ReportFormat.TABLE,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-O",
            metavar="FILE",
            help="Write the report to this file (replaced in one step) instead of stdout.",
            dir_okay=False,
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            "-o",
            metavar="NAME",
            help="Only commitments this party leads, co-owns or supports.",
            autocompletion=completion.owners,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE|MEETING",
            help="Add what changed after this date, or after this meeting was held.",
            autocompletion=completion.meetings,
        ),
    ] = None,
) -> None:
    """The progress review of a meeting: summary, who owes what, and every commitment.

    Informational outcomes (welcomed, noted) are listed but not counted as open or
    overdue work; the report ends by saying how it counted.

    \b
    Example: aghtrack report --meeting 9 --as-of 2016-03-22
    Example: aghtrack report --meeting 9 --as-of 2016-03-22 --since 9
    Example: aghtrack report --meeting 9 --as-of 2016-03-22 --format html --output review.html
    """
    from .. import render
    from ..render import report as rendering

    key = normalise_meeting_key(meeting)
    tracker = session(ctx).tracker(reading=True)
    found = tracker.report(
        key,
        as_of=parse_date(as_of) if as_of else None,
        owner=clean_names([owner], "owner")[0] if owner is not None else None,
        since=since,
    )
    if output is not None:
        rendering.write_atomic(
            output, rendering.render_report(found, fmt.value), store=tracker.store
        )
        render.message(f"Wrote the {fmt.value} report of meeting {key} to {output}.")
    elif fmt is ReportFormat.TABLE:
        rendering.print_terminal_report(found)
    else:
        render.write_raw(rendering.render_report(found, fmt.value))


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
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (terminal), md (for a meeting paper), html (one page), csv, json.",
        ),
    ] = ReportFormat.TABLE,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-O",
            metavar="FILE",
            help="Write the paper to this file (replaced in one step) instead of stdout.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """The next meeting's review paper: what earlier meetings asked for that is still open,
    what was closed since the previous meeting, and what was only noted.

    \b
    Example: aghtrack review 10
    Example: aghtrack review 10 --format md --output review-10.md
    """
    from .. import render
    from ..render import report as rendering
    from ..render import review as paper

    tracker = session(ctx).tracker(reading=True)
    found = tracker.review(meeting, as_of=parse_date(as_of) if as_of else None, series=series)
    if output is not None:
        rendering.write_atomic(output, paper.render_review(found, fmt.value), store=tracker.store)
        render.message(
            f"Wrote the {fmt.value} review paper of meeting {found.meeting.key} to {output}."
        )
    elif fmt is ReportFormat.TABLE:
        render.write_raw(paper.render_review(found, "table"))
    else:
        render.write_raw(paper.render_review(found, fmt.value))
