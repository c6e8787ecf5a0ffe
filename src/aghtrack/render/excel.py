"""Excel workbooks (openpyxl, imported only here): the list, the report, the review paper, the
whole record.

Every sheet of rows has its header frozen and filterable, dates as real dates, column widths
that fit, and the status as text coloured by a conditional format (so a filter or a sort keeps
the colour right). Every user string is written as a string cell, never a formula, so a name
like ``=SUM(A1)`` needs no guard here (CSV still needs one). Sheets people read show control and
bidi characters as escapes, as every other output does; the record's sheets keep them exactly
(in Excel's ``_xHHHH_`` form), so that ``import`` gives back what was exported.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..errors import BadInput
from ..model import Status
from . import visible
from .present import (
    CHANGE_COLUMNS,
    COMMITMENT_COLUMNS,
    LEADS_HEADING,
    METHOD_HEADING,
    NO_CHANGES,
    REVIEW_METHOD_HEADING,
    STATUS_LABEL_COLUMN,
    Cell,
    change_sheet_rows,
    closed_evidence,
    commitment_rows,
    lead_headings,
    lead_row,
    meeting_block,
    report_title,
    review_block,
    review_sections,
    review_title,
    since_title,
    summary,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..model import Commitment
    from ..report import Report
    from ..review import Review
    from ..transfer import Record

#: Widest a column is made, in characters; longer text wraps inside it.
MAX_WIDTH = 60
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F1F4F7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")

#: Status colours of the conditional format: (test on the status label, fill, font colour).
_STATUS_RULES = (
    ('ISNUMBER(SEARCH("overdue",{cell}))', "FDE7E5", "B3261E"),
    ('LEFT({cell},15)="for information"', "F1F4F7", "56616C"),
    (f'{{cell}}="{Status.DONE.value}"', "E3F3E7", "1A6630"),
    (f'{{cell}}="{Status.BLOCKED.value}"', "FFF1D6", "7A4A00"),
    (f'{{cell}}="{Status.IN_PROGRESS.value}"', "E3ECFB", "1F4E9E"),
)


#: The most characters an Excel cell holds (Excel, and openpyxl writing for it, cut the rest).
CELL_LIMIT = 32_767
_CUT = " [... cut here: an Excel cell holds at most 32,767 characters; aghtrack has it all]"


def _text(value: str) -> str:
    return visible(value)


def _write(
    ws: Worksheet,
    row: int,
    column: int,
    value: Cell,
    text: Callable[[str], str] = _text,
) -> None:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        shown = text(value)
        if len(shown) > CELL_LIMIT:  # a paper: said where, rather than cut silently
            shown = shown[: CELL_LIMIT - len(_CUT)] + _CUT
        cell.value = shown
        cell.data_type = "s"  # a string, even when it begins with "=": never a formula
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = value


def _fit(ws: Worksheet, columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    for i, heading in enumerate(columns, 1):
        longest = len(heading)
        for row in rows:
            value = row[i - 1]
            if value is None:
                continue
            shown = value.isoformat() if isinstance(value, date) else str(value)
            longest = max(longest, *(len(part) for part in shown.split("\n")))
        ws.column_dimensions[get_column_letter(i)].width = min(longest, MAX_WIDTH) + 2


def _table_sheet(
    ws: Worksheet,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    text: Callable[[str], str] = _text,
    status_column: str | None = None,
) -> None:
    """A sheet of rows: bold frozen header with a filter, fitted widths, wrapped long text."""
    for j, heading in enumerate(columns, 1):
        _write(ws, 1, j, heading)
        ws.cell(row=1, column=j).font = _BOLD
        ws.cell(row=1, column=j).fill = _HEADER_FILL
    for i, row in enumerate(rows, 2):
        for j, value in enumerate(row, 1):
            _write(ws, i, j, value, text)
            ws.cell(row=i, column=j).alignment = (
                _WRAP if isinstance(value, str) and len(value) > MAX_WIDTH else _TOP
            )
    ws.freeze_panes = "A2"
    last = get_column_letter(max(len(columns), 1))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    _fit(ws, columns, rows)
    if status_column is not None and rows:
        letter = get_column_letter(columns.index(status_column) + 1)
        target = f"{letter}2:{letter}{len(rows) + 1}"
        for formula, fill, ink in _STATUS_RULES:
            ws.conditional_formatting.add(
                target,
                FormulaRule(  # type: ignore[no-untyped-call]
                    formula=[formula.format(cell=f"${letter}2")],
                    fill=PatternFill("solid", fgColor=fill, bgColor=fill),
                    font=Font(color=ink, bold=ink == "B3261E"),
                    stopIfTrue=True,
                ),
            )


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _commitments_sheet(
    ws: Worksheet, commitments: Sequence[Commitment], as_of: date, extra: Sequence[Cell] = ()
) -> None:
    names = [column.name for column in COMMITMENT_COLUMNS]
    rows = commitment_rows(commitments, as_of)
    if extra:
        names += ["as_of"]
        rows = [[*row, *extra] for row in rows]
    _table_sheet(ws, names, rows, status_column=STATUS_LABEL_COLUMN)


def commitments_xlsx(commitments: Sequence[Commitment], as_of: date) -> bytes:
    """``list --format xlsx``: the commitments listed, one a row, as ``list --format csv``."""
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = "Commitments"
    _commitments_sheet(ws, commitments, as_of)
    return _save(book)


def _front_sheet(
    book: Workbook, name: str, title: str, block: Sequence[tuple[str, str]], as_of: date
) -> tuple[Worksheet, int]:
    """The first sheet of a paper: its title and meeting block; returns the next free row."""
    ws = book.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = name
    _write(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    row = 3
    for label, value in block:
        _write(ws, row, 1, label)
        ws.cell(row=row, column=1).font = _BOLD
        _write(ws, row, 2, value if label != "As of" else as_of)
        row += 1
    return ws, row + 1


def _sentences(ws: Worksheet, row: int, heading: str, sentences: Sequence[str]) -> int:
    _write(ws, row, 1, heading)
    ws.cell(row=row, column=1).font = Font(bold=True, size=12)
    row += 1
    for sentence in sentences:
        _write(ws, row, 1, sentence)
        row += 1
    return row


def report_xlsx(report: Report) -> bytes:
    """The review as a workbook: a summary sheet (the meeting, the figures, who owes what, how
    it counted), a commitments sheet to filter and sort, and with ``--since`` a sheet of the
    changes since that day."""
    book = Workbook()
    ws, row = _front_sheet(
        book, "Summary", report_title(report), meeting_block(report), report.as_of
    )
    _write(ws, row, 1, "Measure")
    _write(ws, row, 2, "Count")
    for j in (1, 2):
        ws.cell(row=row, column=j).font = _BOLD
    row += 1
    for measure in summary(report):
        _write(ws, row, 1, measure.label)
        _write(ws, row, 2, measure.number if measure.number is not None else measure.value)
        if measure.number is not None and measure.value != str(measure.number):
            _write(ws, row, 3, measure.value)  # the figure with its references
        row += 1
    row += 1
    _write(ws, row, 1, LEADS_HEADING)
    ws.cell(row=row, column=1).font = Font(bold=True, size=12)
    row += 1
    headings = lead_headings()
    for j, heading in enumerate(headings, 1):
        _write(ws, row, j, heading)
        ws.cell(row=row, column=j).font = _BOLD
    row += 1
    for line in report.by_lead:
        cells = lead_row(line)
        for j, cell in enumerate(cells, 1):
            # Counts as numbers, so a reader can sum them; the rest as text.
            _write(ws, row, j, int(cell) if 2 <= j < len(headings) - 1 else cell)
        row += 1
    row += 1
    if report.since is not None:
        # Where the changes are, for a reader of the first sheet.
        _write(ws, row, 1, since_title(report))
        ws.cell(row=row, column=1).font = Font(bold=True, size=12)
        _write(ws, row, 2, len(report.changes))
        _write(ws, row, 3, "see the sheet 'Changes since'" if report.changes else NO_CHANGES)
        row += 2
    _sentences(ws, row, METHOD_HEADING, report.method)
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 40

    _commitments_sheet(
        book.create_sheet("Commitments"), report.commitments, report.as_of, [report.as_of]
    )
    if report.since is not None:
        _table_sheet(book.create_sheet("Changes since"), CHANGE_COLUMNS, change_sheet_rows(report))
    return _save(book)


def review_xlsx(review: Review) -> bytes:
    """The review paper as a workbook: a first sheet with the meeting, the count of each
    section and how the paper counts, then one sheet per section, one commitment a row."""
    book = Workbook()
    ws, row = _front_sheet(book, "Review", review_title(review), review_block(review), review.as_of)
    sections = review_sections(review)
    for section in sections:
        _write(ws, row, 1, section.title)
        _write(ws, row, 2, len(section.commitments))
        row += 1
    _sentences(ws, row + 1, REVIEW_METHOD_HEADING, review.method)
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 30

    names = [column.name for column in COMMITMENT_COLUMNS] + ["status_on", "closed", "as_of"]
    for section in sections:
        rows = [
            [
                *row,
                c.status_on,
                closed_evidence(c) if section.key == "closed_since" else "",
                review.as_of,
            ]
            for c, row in zip(
                section.commitments,
                commitment_rows(section.commitments, review.as_of),
                strict=True,
            )
        ]
        sheet = book.create_sheet(section.sheet)
        _table_sheet(sheet, names, rows, status_column=STATUS_LABEL_COLUMN)
    return _save(book)


def record_xlsx(record: Record) -> bytes:
    """``export --format xlsx``: the whole record, which ``import`` reads back exactly."""
    from ..transfer import xlsx_escape, xlsx_sheets

    sheets = xlsx_sheets(record)
    for name, columns, rows in sheets:
        for n, row in enumerate(rows, 2):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and len(xlsx_escape(value)) > CELL_LIMIT:
                    raise BadInput(
                        f"{name} row {n} ({row[0]}) holds a {column} of {len(value):,} "
                        f"characters, more than an Excel cell holds ({CELL_LIMIT:,}): the "
                        "Excel form would lose its end, so nothing was written; export the "
                        "record as JSON (the default) or CSV"
                    )
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, columns, rows in sheets:
        ws = book.create_sheet(name)
        status = "status" if "status" in columns else None
        _table_sheet(ws, columns, rows, text=xlsx_escape, status_column=status)
    return _save(book)
