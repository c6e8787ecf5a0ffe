"""`aghtrack meeting ...`: the meetings whose outcomes are tracked."""

# Annotations are evaluated at import, not postponed (no ``from __future__ import
# annotations``): Typer reads a command's signature on every run, and postponed annotations
# are strings it compiles and evaluates each time (~5 ms for ``list``).

from typing import Annotated, Any

import typer

from ..model import Meeting, normalise_meeting_key, require_text
from ..periods import parse_date
from . import completion
from .app import app, session
from .options import JsonOpt

meeting_app = typer.Typer(
    help="Add, list, show and update meetings.\n\nExample: aghtrack meeting show 9",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(meeting_app, name="meeting")

KeyArg = Annotated[
    str,
    typer.Argument(
        metavar="KEY",
        help="Short key users type: 9 for the ninth AHG SOM, manila-2015 for a roundtable.",
        autocompletion=completion.meetings,
        show_default=False,
    ),
]


@meeting_app.command("add")
def add(
    ctx: typer.Context,
    key: KeyArg,
    title: Annotated[str, typer.Option(metavar="TEXT", help="Full title of the meeting.")],
    date: Annotated[
        str, typer.Option("--date", metavar="DATE", help="Date it was held (YYYY-MM-DD).")
    ],
    location: Annotated[str, typer.Option(metavar="TEXT", help="City and country.")] = "",
    series: Annotated[
        str, typer.Option(metavar="TEXT", help="The body or series, e.g. 'Bali Process AHG SOM'.")
    ] = "",
    chair: Annotated[
        list[str] | None,
        typer.Option("--chair", metavar="NAME", help="A chair; repeat for several."),
    ] = None,
    attendee: Annotated[
        list[str] | None,
        typer.Option(
            "--attendee", metavar="NAME", help="A member or organisation present; repeat."
        ),
    ] = None,
    observer: Annotated[
        list[str] | None, typer.Option("--observer", metavar="NAME", help="An observer; repeat.")
    ] = None,
    purpose: Annotated[str, typer.Option(metavar="TEXT", help="What the meeting was for.")] = "",
    source: Annotated[
        str, typer.Option(metavar="TEXT", help="URL or document of the outcome record.")
    ] = "",
    as_json: JsonOpt = False,
) -> None:
    """Add a meeting whose outcomes you will track.

    \b
    Example: aghtrack meeting add 9 --title "Ninth AHG SOM" --date 2015-05-06 --location "Wellington, New Zealand"
    """
    from .. import render
    from ..model import clean_names

    meeting = Meeting(
        key=normalise_meeting_key(key),
        title=require_text(title, "title"),
        date=parse_date(date),
        location=location.strip(),
        series=series.strip(),
        chairs=clean_names(chair or (), "chair"),
        attendees=clean_names(attendee or (), "attendee"),
        observers=clean_names(observer or (), "observer"),
        purpose=purpose.strip(),
        source=source.strip(),
    )
    session(ctx).tracker().add_meeting(meeting)
    if as_json:
        render.write_raw(render.meeting_json(meeting))
    else:
        render.write_line(meeting.key)
        render.message(f"Added meeting {meeting.key}.")


@meeting_app.command("list")
def list_meetings(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List meetings, oldest number first.

    \b
    Example: aghtrack meeting list
    """
    from .. import render
    from ..model import meeting_to_dict

    meetings = session(ctx).tracker(reading=True).meetings()
    if as_json:
        render.write_raw(render.to_json([meeting_to_dict(m) for m in meetings]))
    elif meetings:
        render.print_renderable(render.meetings_table(meetings))
    else:
        render.message("No meetings yet; add one with 'aghtrack meeting add'.")


@meeting_app.command("show")
def show(ctx: typer.Context, key: KeyArg, as_json: JsonOpt = False) -> None:
    """Show a meeting and how many of its commitments are in each status.

    \b
    Example: aghtrack meeting show 9
    """
    from .. import render

    tracker = session(ctx).tracker(reading=True)
    meeting = tracker.meeting(key)
    counts = tracker.count_by_status(meeting.key)
    if as_json:
        render.write_raw(render.meeting_json(meeting, counts))
    else:
        render.print_renderable(render.meeting_detail(meeting, counts))


@meeting_app.command("update")
def update(
    ctx: typer.Context,
    key: KeyArg,
    title: Annotated[str | None, typer.Option(metavar="TEXT", help="New title.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="New date (YYYY-MM-DD).")
    ] = None,
    location: Annotated[str | None, typer.Option(metavar="TEXT", help="New location.")] = None,
    series: Annotated[str | None, typer.Option(metavar="TEXT", help="New series.")] = None,
    chair: Annotated[
        list[str] | None, typer.Option("--chair", metavar="NAME", help="Replace the chairs.")
    ] = None,
    attendee: Annotated[
        list[str] | None, typer.Option("--attendee", metavar="NAME", help="Replace the attendees.")
    ] = None,
    observer: Annotated[
        list[str] | None, typer.Option("--observer", metavar="NAME", help="Replace the observers.")
    ] = None,
    purpose: Annotated[str | None, typer.Option(metavar="TEXT", help="New purpose.")] = None,
    source: Annotated[str | None, typer.Option(metavar="TEXT", help="New source.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a meeting's details. Options given replace what was there.

    \b
    Example: aghtrack meeting update 9 --observer Canada
    """
    from .. import render
    from ..errors import BadInput

    if date is not None:
        parse_date(date)
    changes: dict[str, Any] = {
        "title": title,
        "date": date,
        "location": location,
        "series": series,
        "chairs": chair,
        "attendees": attendee,
        "observers": observer,
        "purpose": purpose,
        "source": source,
    }
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        raise BadInput("Nothing to update: give at least one option, e.g. --title.")
    meeting = session(ctx).tracker().update_meeting(key, given)
    if as_json:
        render.write_raw(render.meeting_json(meeting))
    else:
        render.message(f"Updated meeting {meeting.key}.")
