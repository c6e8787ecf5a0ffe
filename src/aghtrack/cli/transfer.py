"""`aghtrack import` and `aghtrack export`: the record in and out, as JSON, CSV or Excel."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..render.formats import Format
from .app import app, session
from .formats import EXPORT_FORMATS, ExcelOpt, OutputOpt, chosen_format, format_option

if TYPE_CHECKING:
    from ..transfer import ProgressCallback


class ImportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A JSON or Excel file from 'aghtrack export', or a CSV with one commitment a row.",
            dir_okay=False,
            show_default=False,
        ),
    ],
    fmt: Annotated[
        ImportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="json, csv or xlsx; default: csv for a .csv file, xlsx for .xlsx, else json.",
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
    Example: aghtrack import record.xlsx
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
        Format,
        format_option(
            EXPORT_FORMATS,
            "json: everything, re-importable without loss; xlsx: the same as a workbook; "
            "csv: one live commitment a row, no notes.",
        ),
    ] = Format.JSON,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Write the whole record out, for a backup, another store or a spreadsheet.

    \b
    Example: aghtrack export --output record.json
    Example: aghtrack export --format csv > commitments.csv
    Example: aghtrack export --format xlsx --output record.xlsx
    """
    from .. import render, transfer
    from ..render import formats

    fmt = chosen_format(ctx, fmt, output, EXPORT_FORMATS, excel=excel)
    store = session(ctx).tracker(reading=True).store
    record = transfer.load_record(store)
    formats.deliver(
        formats.formatter(fmt, excel=excel).record(record), output, store=store, export=True
    )
    if output is not None:
        live = sum(not c.deleted for c in record.commitments)
        shown = live if fmt is Format.CSV else len(record.commitments)
        render.message(
            f"Exported {shown} commitments and {len(record.meetings)} meetings to {output}."
            if fmt is not Format.CSV
            else f"Exported {shown} commitments to {output}."
        )


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
