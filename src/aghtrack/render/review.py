"""The next meeting's review paper (``review.Review``) as text: terminal, Markdown, HTML, CSV
and JSON (Word and Excel are in ``word`` and ``excel``).

What is specific to the review is its layout: three sections, the still-open one grouped by the
meeting each commitment came from. Its cells, labels and headings come from ``present``, as the
progress review's do, so a commitment reads the same in both papers; user text reaches each
format only through that format's escaping helper.
"""

from __future__ import annotations

from typing import Any

from ..model import commitment_to_dict, meeting_to_dict
from ..review import Review
from . import commitment_block, csv_table, list_columns, md_cell, plain, to_json, visible
from .present import (
    CLOSED_HEADINGS,
    COMMITMENT_COLUMNS,
    DUE_WIDTH,
    OPEN_HEADINGS,
    REVIEW_METHOD_HEADING,
    Tone,
    closed_cells,
    closed_evidence,
    commitment_rows,
    from_meeting,
    information_line,
    meeting_line,
    open_cells,
    previous_label,
    review_sections,
    review_title,
    running_header,
    text_cell,
    tone,
)


def _as_of_line(review: Review) -> str:
    return f"As of {review.as_of.isoformat()} · previous meeting: {previous_label(review)}"


# --- plain text (the terminal, and --format table to a file) ----------------------------------


#: The terminal keeps four narrow columns and puts the latest note under the text. A due date
#: and a status word are never cut in two where the width allows: the status wraps at its
#: space ("in-progress" over "(overdue)") and the text columns give up the room.
OPEN_COLUMNS = (
    plain.Column(OPEN_HEADINGS[0]),
    plain.Column(OPEN_HEADINGS[1], ratio=3),
    plain.Column("Owners", ratio=2),
    plain.Column(OPEN_HEADINGS[3], ratio=1, max_width=DUE_WIDTH),
    plain.Column(OPEN_HEADINGS[4], ratio=1),
)


def text_review(review: Review) -> str:
    """The paper as text. A terminal too narrow for its tables (by the rule ``list`` follows,
    on the same cells) gets each commitment as a block of lines instead, as ``list`` does."""
    width = plain.output_width()
    still_open, closed, information = review_sections(review)
    out = [
        visible(review_title(review)),
        visible(meeting_line(review)),
        visible(_as_of_line(review)),
        "",
        visible(still_open.heading),
    ]
    groups: list[tuple[str, list[tuple[str, ...]], list[str]]] = []
    for meeting, group in review.open:
        rows: list[tuple[str, ...]] = []
        notes: list[str] = []
        for c in group:
            ref, text, owners, due, status, note = open_cells(c, review.as_of)
            rows.append(
                (visible(ref), visible(text), visible(owners), visible(due), visible(status))
            )
            # ``visible`` escapes character by character and keeps newlines, so text and note
            # are escaped apart: each is mostly printable ASCII, passed as it is, where the
            # two joined by a newline would go through the escaping pattern.
            notes.append(visible(note) if note else "")
        groups.append((visible(from_meeting(meeting)), rows, notes))
    closed_rows = [
        tuple(visible(v) for v in closed_cells(c, review.as_of)) for c in closed.commitments
    ]
    everything = [row for _, rows, _ in groups for row in rows]
    narrow = plain.too_narrow(list_columns(), everything, plain.screen_width())
    if not review.open:
        out.append(still_open.empty)
    for heading, rows, notes in groups:
        out.append(heading)
        if narrow:
            out.append(_open_blocks(rows, notes).rstrip("\n"))
            continue
        cells = [
            (ref, f"{text}\nLatest note: {note}" if note else text, owners, due, status)
            for (ref, text, owners, due, status), note in zip(rows, notes, strict=True)
        ]
        out.append(plain.table(OPEN_COLUMNS, cells, width, rules=True).rstrip("\n"))
    out += ["", visible(closed.heading)]
    if not closed_rows:
        out.append(closed.empty)
    elif narrow:
        records = [
            [("", f"{ref}  {status}"), ("", text), ("Evidence", evidence)]
            for ref, text, status, evidence in closed_rows
        ]
        out.append(plain.blocks(records).rstrip("\n"))
    else:
        out.append(plain.table(CLOSED_COLUMNS, closed_rows, width, rules=True).rstrip("\n"))
    out += ["", visible(information.heading)]
    out += [f"- {visible(information_line(c))}" for c in information.commitments] or [
        information.empty
    ]
    out += ["", REVIEW_METHOD_HEADING]
    out += [f"- {visible(sentence)}" for sentence in review.method]
    return "\n".join(out) + "\n"


#: The closed-since table: the commitment and its evidence share the room.
CLOSED_COLUMNS = (
    plain.Column(CLOSED_HEADINGS[0]),
    plain.Column(CLOSED_HEADINGS[1], ratio=3),
    plain.Column(CLOSED_HEADINGS[2]),
    plain.Column(CLOSED_HEADINGS[3], ratio=2),
)


def _open_blocks(rows: list[tuple[str, ...]], notes: list[str]) -> str:
    """Still-open commitments as ``list``'s blocks, the latest note under the text as the
    table puts it."""
    return plain.blocks(
        [
            commitment_block(row, [("Latest note", note)] if note else ())
            for row, note in zip(rows, notes, strict=True)
        ]
    )


# --- Markdown -----------------------------------------------------------------------------------


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(md_cell(cell) for cell in cells) + " |"


def markdown_review(review: Review) -> str:
    still_open, closed, information = review_sections(review)
    lines = [f"# {md_cell(review_title(review))}", ""]
    lines += [
        f"- **Meeting:** {md_cell(meeting_line(review))}",
        f"- **As of:** {review.as_of.isoformat()}",
        f"- **Previous meeting:** {md_cell(previous_label(review))}",
        "",
        f"## {md_cell(still_open.heading)}",
        "",
    ]
    if not review.open:
        lines.append(still_open.empty)
    for meeting, group in review.open:
        lines += [f"### {md_cell(from_meeting(meeting))}", "", _md_row(list(OPEN_HEADINGS))]
        lines.append("|" + "---|" * len(OPEN_HEADINGS))
        for c in group:
            cells = [md_cell(cell) for cell in open_cells(c, review.as_of)]
            if tone(c, review.as_of) is Tone.LATE:
                cells[4] = f"**{cells[4]}**"
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += [f"## {md_cell(closed.heading)}", ""]
    if closed.commitments:
        lines += [_md_row(list(CLOSED_HEADINGS)), "|" + "---|" * len(CLOSED_HEADINGS)]
        lines += [_md_row(closed_cells(c, review.as_of)) for c in closed.commitments]
    else:
        lines.append(closed.empty)
    lines += ["", f"## {md_cell(information.heading)}", ""]
    lines += [f"- {md_cell(information_line(c))}" for c in information.commitments] or [
        information.empty
    ]
    lines += ["", f"## {REVIEW_METHOD_HEADING}", ""]
    lines += [f"- {md_cell(sentence)}" for sentence in review.method]
    return "\n".join(lines) + "\n"


# --- HTML -----------------------------------------------------------------------------------------


def _html_table(headings: tuple[str, ...], rows: list[tuple[str, list[str]]]) -> str:
    """A commitments table; each row is ``(row class, cells)``; cells are escaped here."""
    from .report import h

    classes = {"Ref": "ref", "Commitment": "text main", "Due": "due", "Status": "status"}
    head = "".join(f'<th scope="col">{heading}</th>' for heading in headings)
    body = "".join(
        f'<tr class="{cls}">'
        + "".join(
            f'<td class="{classes.get(heading, "text")}" data-label="{heading}">{h(cell)}</td>'
            for heading, cell in zip(headings, cells, strict=True)
        )
        + "</tr>"
        for cls, cells in rows
    )
    return (
        f'<table class="commitments stacked"><thead><tr>{head}</tr></thead><tbody>{body}'
        "</tbody></table>"
    )


def _section(key: str, heading: str) -> list[str]:
    from .report import h

    return [
        f'<section id="{key}" aria-labelledby="{key}-h">',
        f'<h2 id="{key}-h">{h(heading)}</h2>',
    ]


def html_review(review: Review) -> str:
    """One self-contained page: inline CSS, no script, no external resource. The page's
    parts are the progress review's (``render.report``), imported here: the other formats
    of the paper do without that module and the report model it imports (~2 ms)."""
    from .report import h, html_head, html_tail, page_css

    still_open, closed, information = review_sections(review)
    title = review_title(review)
    out = [
        *html_head(
            f"{title} (as of {review.as_of.isoformat()})", page_css(running_header(review, title))
        ),
        "<header>",
        f"<h1>{h(title)}</h1>",
        f'<p class="meta">{h(meeting_line(review))}</p>',
        f'<p class="meta">{h(_as_of_line(review))}</p>',
        "</header>",
        "<main>",
        *_section(still_open.key, still_open.heading),
    ]
    if not review.open:
        out.append(f"<p>{h(still_open.empty)}</p>")
    for meeting, group in review.open:
        out.append(f"<h3>{h(from_meeting(meeting))}</h3>")
        rows = [
            ("overdue" if tone(c, review.as_of) is Tone.LATE else "", open_cells(c, review.as_of))
            for c in group
        ]
        out.append(_html_table(OPEN_HEADINGS, rows))
    out += ["</section>", *_section(closed.key, closed.heading)]
    if closed.commitments:
        rows = [("", closed_cells(c, review.as_of)) for c in closed.commitments]
        out.append(_html_table(CLOSED_HEADINGS, rows))
    else:
        out.append(f"<p>{h(closed.empty)}</p>")
    out += ["</section>", *_section(information.key, information.heading)]
    if information.commitments:
        out.append("<ul>")
        out += [f"<li>{h(information_line(c))}</li>" for c in information.commitments]
        out.append("</ul>")
    else:
        out.append(f"<p>{h(information.empty)}</p>")
    out += ["</section>", *html_tail(REVIEW_METHOD_HEADING, review.method)]
    return "\n".join(out) + "\n"


# --- CSV and JSON ---------------------------------------------------------------------------------

#: The report's commitment columns, with the section each row belongs to, the day its status
#: was set, how it was closed (closed-since rows) and the as-of day.
REVIEW_COLUMNS = (
    "section",
    *(column.name for column in COMMITMENT_COLUMNS),
    "status_on",
    "closed",
    "as_of",
)


def csv_review(review: Review, bom: bool = False) -> str:
    as_of = review.as_of.isoformat()
    rows = (
        [
            section.key,
            *(text_cell(v) for v in row),
            text_cell(c.status_on),
            closed_evidence(c) if section.key == "closed_since" else "",
            as_of,
        ]
        for section in review_sections(review)
        for c, row in zip(
            section.commitments, commitment_rows(section.commitments, review.as_of), strict=True
        )
    )
    return csv_table(REVIEW_COLUMNS, rows, bom)


def review_dict(review: Review) -> dict[str, Any]:
    p = review.previous
    return {
        "meeting": meeting_to_dict(review.meeting),
        "as_of": review.as_of.isoformat(),
        "series": review.series,
        "previous": {"key": p.key, "date": p.date.isoformat()} if p else None,
        "open": [commitment_to_dict(c) for c in review.open_commitments],
        "closed_since": [commitment_to_dict(c) for c in review.closed_since],
        "informational": [commitment_to_dict(c) for c in review.informational],
        "method": list(review.method),
    }


def json_review(review: Review) -> str:
    return to_json(review_dict(review)) + "\n"
