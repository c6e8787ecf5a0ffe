"""`aghtrack import` and `aghtrack export`: the record in and out, as JSON or CSV."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app, session

if TYPE_CHECKING:
    from ..transfer import ProgressCallback


class TransferFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A JSON file from 'aghtrack export', or a CSV with one commitment a row.",
            dir_okay=False,
            show_default=False,
        ),
    ],
    fmt: Annotated[
        TransferFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="json or csv; default: csv for a .csv file, else json.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Add the meetings and commitments in a file to the store.

    The whole file is checked first: one bad row rejects it, naming the row, and nothing is
    written. Commitments already in the store (same id) and meetings already there (same key)
    are kept as they are, so importing a file again adds nothing twice. A CSV needs a header
    with at least meeting and text (also: seq, id, source, kind, owners, support, due, status,
    evidence, fulfilled_by, evidence_on, tags, created, updated; several names in one cell are
    separated by ';'); its meetings must already be in the store.

    \b
    Example: aghtrack import data/bali-process-ahg.json
    Example: aghtrack import follow-up.csv
    """
    from .. import render

    tracker = session(ctx).tracker()
    with _progress_bar(f"Importing {file.name}") as progress:
        from .. import transfer

        result = transfer.import_file(
            tracker.store,
            file,
            actor=tracker.actor,
            fmt=fmt.value if fmt else None,
            progress=progress,
        )
    render.message(result.summary)


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[
        TransferFormat,
        typer.Option(
            "--format",
            "-f",
            help="json (everything, re-importable without loss) or csv (one commitment a row, no notes).",
        ),
    ] = TransferFormat.JSON,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-O",
            metavar="FILE",
            help="Write to this file (replaced in one step) instead of stdout.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Write the whole record out, for a backup, another store or a spreadsheet.

    \b
    Example: aghtrack export --output record.json
    Example: aghtrack export --format csv > commitments.csv
    """
    from .. import render, transfer

    store = session(ctx).tracker(reading=True).store
    if fmt is TransferFormat.JSON:
        document = transfer.export_document(store)
        payload = render.to_json(document)
        what = f"{len(document['actions'])} commitments and {len(document['meetings'])} meetings"
    else:
        rows = transfer.csv_rows(store)
        payload = render.records_csv(transfer.CSV_COLUMNS, rows)
        what = f"{len(rows)} commitments"
    if output is None:
        render.write_raw(payload)
        return
    from ..render.report import write_atomic

    write_atomic(output, payload if payload.endswith("\n") else payload + "\n", store=store)
    render.message(f"Exported {what} to {output}.")


@contextmanager
def _progress_bar(description: str) -> Iterator[ProgressCallback | None]:
    """A Rich progress bar on stderr, only when a person is watching it."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import Progress

    from ..render import one_line

    with Progress(console=Console(stderr=True), transient=True) as bar:
        # The description is read as markup; the file name in it is the user's text.
        task = bar.add_task(escape(one_line(description)), total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance
