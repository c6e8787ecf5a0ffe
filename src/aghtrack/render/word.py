"""The progress review as a Word meeting paper (python-docx, imported only here).

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

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..report import Report
from . import visible
from .present import (
    LEADS_HEADING,
    METHOD_HEADING,
    NO_COMMITMENTS,
    NO_LEADS,
    Tone,
    cell_lines,
    count_with_refs,
    due_label,
    lead_breakdown,
    meeting_block,
    owners_label,
    report_title,
    running_header,
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


def report_docx(report: Report) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(18)
    section.header.paragraphs[0].text = visible(running_header(report))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    _page_number(footer)
    doc.core_properties.title = visible(report_title(report))
    doc.core_properties.subject = visible(running_header(report))

    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)

    doc.add_heading(visible(report_title(report)), level=1)
    for label, value in meeting_block(report):
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(visible(value))

    doc.add_heading("Summary", level=2)
    table = _table(doc, ["Measure", "Count"], (Mm(90), Mm(80)), frozenset({1}))
    for measure in summary(report):
        cells = _new_row(table)
        _set(cells[0], measure.label, bold=measure.tone is Tone.LATE)
        _set(cells[1], measure.value, bold=measure.tone is Tone.LATE, right=True)

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
        table = _table(doc, ["Ref", "Commitment", "Owners", "Due", "Status"], _COMMITMENT_WIDTHS)
        for c in report.commitments:
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
            look = tone(c, report.as_of)
            status = cells[4].paragraphs[0].add_run(visible(status_label(c, report.as_of)))
            if look is Tone.LATE:
                status.bold = True
                status.font.color.rgb = _LATE
            elif look is Tone.QUIET:
                status.font.color.rgb = _MUTED
        _keep_rows_whole(table)
    else:
        doc.add_paragraph(NO_COMMITMENTS)

    doc.add_heading(METHOD_HEADING, level=2)
    for sentence in report.method:
        doc.add_paragraph(visible(sentence), style="List Bullet")

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
