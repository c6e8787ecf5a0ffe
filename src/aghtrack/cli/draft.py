"""`aghtrack draft`: propose a meeting's commitments from its outcome statement."""

# Annotations are evaluated at import, not postponed (no ``from __future__ import
# annotations``): Typer reads a command's signature on every run, and postponed annotations
# are strings it compiles and evaluates each time (~5 ms for ``list``).

import sys
from enum import StrEnum
from typing import Annotated

import typer

from . import completion
from .app import app, session


class DraftFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@app.command("draft")
def draft(
    ctx: typer.Context,
    statement: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="The outcome statement: text, Markdown, HTML, .docx or PDF; '-' reads standard input.",
            show_default=False,
        ),
    ],
    meeting: Annotated[
        str,
        typer.Option(
            "--meeting",
            "-m",
            metavar="KEY",
            help="The meeting the statement is of (it must be in the store).",
            autocompletion=completion.meetings,
        ),
    ],
    fmt: Annotated[
        DraftFormat,
        typer.Option(
            "--format",
            "-f",
            help="table to review; json or csv to edit and 'aghtrack import'.",
        ),
    ] = DraftFormat.TABLE,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Record the proposals now, as one change ('aghtrack undo' takes them all back).",
        ),
    ] = False,
) -> None:
    """Propose one commitment per outcome of a meeting's statement, for review.

    Each proposal names its source (bullet 3, paragraph 4, paragraph 3(b)), kind, owners (lead
    first), supporting parties, due period and why it was read so. Nothing is recorded unless
    you apply it: with --apply, by answering yes when asked at a terminal, or by editing the
    --format json (or csv) output and importing it. Files above 20 MB are refused.

    \b
    Example: aghtrack draft statement.pdf --meeting 9
    Example: aghtrack draft statement.docx --meeting 9 --format json > draft.json
    Example: aghtrack import draft.json
    """
    from .. import draft as drafting
    from .. import render

    tracker = session(ctx).tracker(reading=not apply)
    raw, name = drafting.read_source(statement)
    drafted = drafting.read_statement(raw, name, drafting.context(tracker, meeting))
    proposals = drafted.proposals
    if fmt is DraftFormat.JSON:
        render.write_raw(render.to_json(drafting.document(proposals)))
    elif fmt is DraftFormat.CSV:
        render.write_raw(render.records_csv(drafting.CSV_COLUMNS, drafting.csv_rows(proposals)))
    elif not apply:
        from ..render.draft import print_proposals

        print_proposals(proposals)
    if drafted.unread:
        from ..render.draft import unread_lines

        for line in unread_lines(drafted.unread):
            render.message(line)
    count = f"{len(proposals)} proposed commitment" + ("" if len(proposals) == 1 else "s")
    if not apply and _interactive() and fmt is DraftFormat.TABLE:
        apply = typer.confirm(f"Record these {count} in meeting {meeting}?", err=True)
    if not apply:
        render.message(f"{count}; nothing recorded (use --apply to record them).")
        return
    refs = drafting.apply(tracker, proposals, name)
    if fmt is DraftFormat.TABLE:
        for ref in refs:
            render.write_line(ref)
    elif refs:
        render.message(f"New references: {', '.join(refs)}.")
    skipped = len(proposals) - len(refs)
    render.message(
        f"Recorded {len(refs)} of {count} in meeting {meeting}"
        + (f" ({skipped} already in the store)" if skipped else "")
        # Nothing recorded, nothing to take back: undo would take back the change before.
        + ("; 'aghtrack undo' takes them back." if refs else "; nothing was changed.")
    )


def _interactive() -> bool:
    """Offer to apply only to a person: stdin and stdout both a terminal."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except ValueError:
        return False
