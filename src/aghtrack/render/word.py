"""The progress review and the review paper as Word meeting papers (python-docx, imported only
here).

Built from Word's own styles (Heading 1 and 2, List Bullet, a table style, Header) rather than
direct formatting, so an officer can restyle the paper with the house template; A4 with the
meeting named in the page header, so a loose page still says which review it belongs to; the
commitments table repeats its header row on every page. User text goes in through ``visible``
(control and bidi characters shown as escapes) as plain runs: nothing in it is read as markup
or as a field.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..model import Commitment
from ..report import Report
from ..review import Review
from . import visible
from .present import (
    CHANGE_HEADINGS,
    CLOSED_HEADINGS,
    LEADS_HEADING,
    METHOD_HEADING,
    NO_CHANGES,
    NO_COMMITMENTS,
    NO_LEADS,
    REVIEW_METHOD_HEADING,
    Tone,
    cell_lines,
    change_rows,
    closed_cells,
    count_with_refs,
    due_label,
    from_meeting,
    information_line,
    lead_breakdown,
    meeting_block,
    owners_label,
    report_title,
    review_block,
    review_sections,
    review_title,
    running_header,
    since_title,
    status_label,
    summary,
    tone,
)

TABLE_STYLE = "Light Grid Accent 1"
_LATE = RGBColor(0xB3, 0x26, 0x1E)
_MUTED = RGBColor(0x56, 0x61, 0x6C)
#: Column widths of the commitments table on A4 portrait (170 mm between the margins).
_COMMITMENT_WIDTHS = (Mm(13), Mm(77), Mm(32), Mm(18), Mm(30))


def _repeat_header(table: Table) -> None:
    """Mark the first row as a header row, which Word repeats at the top of every page."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _keep_rows_whole(table: Table) -> None:
    for row in table.rows:
        cant_split = OxmlElement("w:cantSplit")
        cant_split.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(cant_split)


def _set(cell: _Cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(visible(text))
    run.bold = bold
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _table(
    doc: DocumentObject,
    headings: Sequence[str],
    widths: Sequence[Mm] | None = None,
    right: frozenset[int] = frozenset(),
) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(headings))
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for j, heading in enumerate(headings):
        _set(table.rows[0].cells[j], heading, bold=True, right=j in right)
    _repeat_header(table)
    if widths is not None:
        table.autofit = False
        for j, width in enumerate(widths):
            table.columns[j].width = width
    return table


def _new_row(table: Table) -> tuple[_Cell, ...]:
    row = table.add_row()  # type: ignore[no-untyped-call]
    return tuple(row.cells)


def _page_number(paragraph: Paragraph) -> None:
    """A PAGE field: Word and LibreOffice fill in the number of each page."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _paper(title: str, header: str, block: Sequence[tuple[str, str]]) -> DocumentObject:
    """A new A4 paper: page header and number on every page, the title and the meeting block."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(18)
    section.header.paragraphs[0].text = visible(header)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    _page_number(footer)
    doc.core_properties.title = visible(title)
    doc.core_properties.subject = visible(header)

    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)

    doc.add_heading(visible(title), level=1)
    for label, value in block:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(visible(value))
    return doc


def _status(cell: _Cell, c: Commitment, as_of: date) -> None:
    look = tone(c, as_of)
    status = cell.paragraphs[0].add_run(visible(status_label(c, as_of)))
    if look is Tone.LATE:
        status.bold = True
        status.font.color.rgb = _LATE
    elif look is Tone.QUIET:
        status.font.color.rgb = _MUTED


def _commitments_table(doc: DocumentObject, commitments: Sequence[Commitment], as_of: date) -> None:
    """Ref, the commitment with its source, note, evidence and links under it, owners, due and
    status: the report's commitments and the review's still-open ones alike."""
    table = _table(doc, ["Ref", "Commitment", "Owners", "Due", "Status"], _COMMITMENT_WIDTHS)
    for c in commitments:
        cells = _new_row(table)
        _set(cells[0], c.ref, bold=True)
        text = cells[1].paragraphs[0]
        text.add_run(visible(c.text))
        for label, value in cell_lines(c):
            extra = cells[1].add_paragraph()
            extra.paragraph_format.space_before = Pt(2)
            extra.add_run(f"{label}: ").italic = True
            run = extra.add_run(visible(value))
            run.font.color.rgb = _MUTED
        _set(cells[2], owners_label(c))
        _set(cells[3], due_label(c))
        _status(cells[4], c, as_of)
    _keep_rows_whole(table)


def _method(doc: DocumentObject, heading: str, sentences: Sequence[str]) -> bytes:
    doc.add_heading(heading, level=2)
    for sentence in sentences:
        doc.add_paragraph(visible(sentence), style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def report_docx(report: Report) -> bytes:
    title = report_title(report)
    doc = _paper(title, running_header(report, title), meeting_block(report))

    doc.add_heading("Summary", level=2)
    table = _table(doc, ["Measure", "Count"], (Mm(90), Mm(80)), frozenset({1}))
    for measure in summary(report):
        cells = _new_row(table)
        _set(cells[0], measure.label, bold=measure.tone is Tone.LATE)
        _set(cells[1], measure.value, bold=measure.tone is Tone.LATE, right=True)

    if report.since is not None:
        doc.add_heading(visible(since_title(report)), level=2)
        if report.changes:
            table = _table(doc, CHANGE_HEADINGS, (Mm(28), Mm(16), Mm(126)))
            for row in change_rows(report):
                cells = _new_row(table)
                for cell, value in zip(cells, row, strict=True):
                    _set(cell, value)
            _keep_rows_whole(table)
        else:
            doc.add_paragraph(NO_CHANGES)

    doc.add_heading(LEADS_HEADING, level=2)
    if report.by_lead:
        table = _table(
            doc,
            ["Lead", "Led", "By status", "Overdue"],
            (Mm(45), Mm(14), Mm(81), Mm(30)),
            frozenset({1, 3}),
        )
        for line in report.by_lead:
            cells = _new_row(table)
            _set(cells[0], line.lead)
            _set(cells[1], str(line.total), right=True)
            _set(cells[2], lead_breakdown(line))
            _set(cells[3], count_with_refs(line.overdue), bold=bool(line.overdue), right=True)
        _keep_rows_whole(table)
    else:
        doc.add_paragraph(NO_LEADS)

    doc.add_heading("Commitments", level=2)
    if report.commitments:
        _commitments_table(doc, report.commitments, report.as_of)
    else:
        doc.add_paragraph(NO_COMMITMENTS)

    return _method(doc, METHOD_HEADING, report.method)


def review_docx(review: Review) -> bytes:
    """The next meeting's review paper: still open (by the meeting it came from), closed since
    the previous meeting with the evidence, for information, and how the paper counts."""
    title = review_title(review)
    doc = _paper(title, running_header(review, title), review_block(review))
    still_open, closed, information = review_sections(review)

    doc.add_heading(visible(still_open.heading), level=2)
    if not review.open:
        doc.add_paragraph(still_open.empty)
    for meeting, group in review.open:
        doc.add_heading(visible(from_meeting(meeting)), level=3)
        _commitments_table(doc, group, review.as_of)

    doc.add_heading(visible(closed.heading), level=2)
    if closed.commitments:
        table = _table(doc, CLOSED_HEADINGS, (Mm(13), Mm(77), Mm(25), Mm(55)))
        for c in closed.commitments:
            cells = _new_row(table)
            ref, text, _, evidence = closed_cells(c, review.as_of)
            _set(cells[0], ref, bold=True)
            _set(cells[1], text)
            _status(cells[2], c, review.as_of)
            _set(cells[3], evidence)
        _keep_rows_whole(table)
    else:
        doc.add_paragraph(closed.empty)

    doc.add_heading(visible(information.heading), level=2)
    for c in information.commitments:
        doc.add_paragraph(visible(information_line(c)), style="List Bullet")
    if not information.commitments:
        doc.add_paragraph(information.empty)

    return _method(doc, REVIEW_METHOD_HEADING, review.method)
