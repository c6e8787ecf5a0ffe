"""The presenter: what every output shows of a commitment and of a report, worded once.

Every format (terminal tables, Markdown, HTML, CSV, JSON, Word, Excel) takes its cells and labels
from here, so that the same commitment reads the same everywhere: one wording for the status
(``open (overdue)``, ``for information (noted)``), the owners (``A, B (with C)``), the evidence
line (``...; fulfilled by meeting manila-2015; on 2015-12-04``) and the latest note. Formats
differ only in how they lay these out and escape them (``visible``/``h``/``md_cell``/``csv_cell``).

The values here are plain and unescaped: each format escapes them its own way. A new section of
a paper (changes since a date, superseded links, a review) adds its rows here once, as plain
values, and every format shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from ..model import Commitment, Meeting, Status

if TYPE_CHECKING:
    from ..report import LeadLine, Report
    from ..review import Review

#: Status names as headings and measures (``by_status`` keys keep the machine values).
STATUS_TITLE = {
    Status.OPEN: "Open",
    Status.IN_PROGRESS: "In progress",
    Status.BLOCKED: "Blocked",
    Status.DONE: "Done",
    Status.DROPPED: "Dropped",
    Status.SUPERSEDED: "Superseded",
}

# Conventional meanings (green done, amber blocked, blue under way), each dark or light enough
# that its label ink (``STATUS_INK``) reaches WCAG AA (4.5:1) on it; the chart segments also
# carry their counts as text, so nothing depends on telling colours apart.
STATUS_COLOUR = {
    Status.OPEN: "#8d99a6",
    Status.IN_PROGRESS: "#2f6fdb",
    Status.BLOCKED: "#f0a020",
    Status.DONE: "#1a7a36",
    Status.DROPPED: "#d7dbe0",
    Status.SUPERSEDED: "#7b55c7",
}

DARK_INK = "#1d232b"
LIGHT_INK = "#ffffff"


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.x) of an ``#rrggbb`` colour."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, 1.0-21.0."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_on(colour: str) -> str:
    """The label colour (dark or white) that reads best on a fill."""
    return max((DARK_INK, LIGHT_INK), key=lambda ink: contrast(ink, colour))


STATUS_INK = {status: ink_on(colour) for status, colour in STATUS_COLOUR.items()}


class Tone(StrEnum):
    """How a status is set apart, whatever the medium: colour, bold, dim or a CSS class."""

    PLAIN = "plain"
    LATE = "late"  # overdue work: bold red
    QUIET = "quiet"  # done, or for information only: dimmed


# --- one commitment -------------------------------------------------------------------------


def owners_text(owners: Sequence[str], support: Sequence[str]) -> str:
    """``A, B (with C)``: the owners, lead first, then who supports them (a commitment's, or a
    draft proposal's)."""
    label = ", ".join(owners) or "-"
    if support:
        label += f" (with {', '.join(support)})"
    return label


def owners_label(c: Commitment) -> str:
    return owners_text(c.owners, c.support)


#: The widest a terminal's Due column grows: every canonical due text fits on one line
#: ("2015-12-31", "early 2015"), so a date is never cut in two.
DUE_WIDTH = 10


def due_label(c: Commitment) -> str:
    return c.due.text if c.due else "-"


def status_label(c: Commitment, as_of: date) -> str:
    if not c.is_work:
        return f"for information ({c.kind.value})"
    if c.is_overdue(as_of):
        return f"{c.status.value} (overdue)"
    return c.status.value


def tone(c: Commitment, as_of: date) -> Tone:
    if c.is_overdue(as_of):
        return Tone.LATE
    if not c.is_work or c.status is Status.DONE:
        return Tone.QUIET
    return Tone.PLAIN


def note_label(c: Commitment) -> str:
    latest = c.latest_note
    if latest is None:
        return ""
    by = f" {latest.by}" if latest.by else ""
    return f"{latest.on.isoformat()}{by}: {latest.text}"


def evidence_label(c: Commitment) -> str:
    if c.evidence is None:
        return ""
    parts = (
        c.evidence.text or "",
        f"fulfilled by meeting {c.evidence.fulfilled_by}" if c.evidence.fulfilled_by else "",
        f"on {c.evidence.on.isoformat()}" if c.evidence.on else "",
    )
    return "; ".join(p for p in parts if p)


def link_lines(c: Commitment) -> list[tuple[str, str]]:
    """What replaced a commitment, or what it replaced: said under its text in every paper
    (tables that give the note and evidence their own columns still carry these in the cell).
    Most commitments have neither, and are told so without building the pairs (the review
    paper asks 24,000 times at 100,000 commitments)."""
    if not c.superseded_by and not c.replaces:
        return []
    found = (("Superseded by", c.superseded_by or ""), ("Replaces", ", ".join(c.replaces)))
    return [(label, value) for label, value in found if value]


def cell_lines(c: Commitment) -> list[tuple[str, str]]:
    """What a paper shows under a commitment's text, in every layout that has one cell for it."""
    found = (("Source", c.source), ("Latest note", note_label(c)), ("Evidence", evidence_label(c)))
    return [(label, value) for label, value in found if value] + link_lines(c)


def text_with_links(c: Commitment) -> str:
    """The commitment's text and, a line each under it, its superseded/replaces links."""
    links = link_lines(c)
    if not links:  # most commitments: the text as it is, without building a list to join
        return c.text
    return "\n".join([c.text, *(f"{label}: {value}" for label, value in links)])


# --- columns of a sheet (CSV and Excel, list and report) ------------------------------------

#: A sheet cell before a format writes it: text, a whole number, a date, or empty.
Cell = str | int | date | None


class Column(NamedTuple):
    """A column of a commitments table: its header and how a cell is read from a
    commitment, the same for every output format."""

    name: str
    value: Callable[[Commitment, date], Cell]
    #: Width hint for a spreadsheet, in characters (long text wraps in it).
    width: int = 12


def _joined(names: Sequence[str]) -> str:
    return "; ".join(names)


#: One commitment a row, the same columns in ``list`` and ``report`` as CSV or Excel. ``ref``
#: reads as a number to a spreadsheet (9.10 -> 9.1), so ``meeting`` and ``seq`` stand beside it.
COMMITMENT_COLUMNS: tuple[Column, ...] = (
    Column("ref", lambda c, _: c.ref, 8),
    Column("meeting", lambda c, _: c.meeting, 10),
    Column("seq", lambda c, _: c.seq, 6),
    Column("id", lambda c, _: c.id, 12),
    Column("source", lambda c, _: c.source, 12),
    Column("text", lambda c, _: c.text, 60),
    Column("kind", lambda c, _: c.kind.value, 11),
    Column("owners", lambda c, _: _joined(c.owners), 24),
    Column("support", lambda c, _: _joined(c.support), 18),
    Column("due", lambda c, _: c.due.text if c.due else "", 11),
    Column("due_by", lambda c, _: c.due.due_by if c.due else None, 11),
    Column("status", lambda c, _: c.status.value, 12),
    Column("status_label", status_label, 24),
    Column("overdue", lambda c, as_of: "yes" if c.is_overdue(as_of) else "", 9),
    Column("informational", lambda c, _: "" if c.is_work else "yes", 9),
    Column("latest_note", lambda c, _: note_label(c), 40),
    Column("evidence", lambda c, _: evidence_label(c), 40),
    Column("tags", lambda c, _: _joined(c.tags), 14),
    Column("superseded_by", lambda c, _: c.superseded_by or "", 10),
    Column("replaces", lambda c, _: _joined(c.replaces), 10),
)

#: The name of the column whose cell is the status label (Excel colours it by tone).
STATUS_LABEL_COLUMN = "status_label"


def commitment_rows(
    commitments: Sequence[Commitment], as_of: date, columns: Sequence[Column] = COMMITMENT_COLUMNS
) -> list[list[Cell]]:
    return [[column.value(c, as_of) for column in columns] for c in commitments]


def text_cell(value: Cell) -> str:
    """A sheet cell as text (CSV): dates in ISO form, empty as empty."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- a report -------------------------------------------------------------------------------


def report_title(report: Report) -> str:
    return f"Progress review: {report.meeting.title}"


def running_header(paper: Report | Review, title: str) -> str:
    """What a printed page says at its top, so a loose page still names its meeting."""
    return f"{title} · Meeting {paper.meeting.key} · as of {paper.as_of.isoformat()}"


def meeting_line(paper: Report | Review) -> str:
    """``Meeting 9 · 2015-05-06 · Wellington``: the meeting in one line, under the title."""
    m = paper.meeting
    parts = [f"Meeting {m.key}", m.date.isoformat()]
    if m.location:
        parts.append(m.location)
    return " · ".join(parts)


def meeting_block(report: Report) -> list[tuple[str, str]]:
    """The meeting, its date and place, the as-of date, and the owner filter if any."""
    m = report.meeting
    lines = [("Meeting", m.key), ("Date", m.date.isoformat())]
    if m.location:
        lines.append(("Location", m.location))
    lines.append(("As of", report.as_of.isoformat()))
    if report.owner is not None:
        lines.append(("Only commitments involving", report.owner))
    return lines


def refs(commitments: Sequence[Commitment]) -> str:
    return ", ".join(c.ref for c in commitments)


def count_with_refs(commitments: Sequence[Commitment]) -> str:
    n = len(commitments)
    return f"{n} ({refs(commitments)})" if commitments else str(n)


def done_line(report: Report) -> str:
    return f"{report.done} of {report.done_base} still asked for ({report.done_percent})"


def overdue_measure(report: Report) -> str:
    return f"Overdue as of {report.as_of.isoformat()}"


class Measure(NamedTuple):
    """One line of the summary: a label, the figure as shown, and how it is set apart."""

    label: str
    value: str
    tone: Tone = Tone.PLAIN
    #: The bare number, for a spreadsheet cell (None where the figure is not one number).
    number: int | None = None


def summary(report: Report) -> list[Measure]:
    """The summary figures every format shows, in this order."""
    measures = [
        Measure("Commitments", str(report.total), number=report.total),
        Measure("Work commitments", str(report.work), number=report.work),
        Measure(
            "For information only (welcomed, noted)",
            str(len(report.informational)),
            number=len(report.informational),
        ),
    ]
    measures += [Measure(STATUS_TITLE[s], str(n), number=n) for s, n in report.by_status.items()]
    measures += [
        Measure(
            overdue_measure(report),
            count_with_refs(report.overdue),
            Tone.LATE if report.overdue else Tone.PLAIN,
            number=len(report.overdue),
        ),
        Measure("Done share", done_line(report)),
    ]
    return measures


def lead_breakdown(line: LeadLine) -> str:
    """``open 2: 9.3, 9.7; done 1: 9.1`` — who owes what, by status, with the references."""
    return "; ".join(
        f"{status.value} {n}: {', '.join(line.refs(status))}"
        for status, n in line.by_status.items()
        if n
    )


#: Headings of the who-owes-what table, and which of them hold figures (right-aligned).
def lead_headings() -> list[str]:
    return ["Lead", "Led", *(STATUS_TITLE[s] for s in Status), "Overdue", "Commitments"]


LEAD_NUMERIC = frozenset({"Led", *STATUS_TITLE.values(), "Overdue"})


def lead_row(line: LeadLine) -> list[str]:
    return [
        line.lead,
        str(line.total),
        *(str(line.by_status[s]) for s in Status),
        count_with_refs(line.overdue),
        lead_breakdown(line),
    ]


#: Headings of the commitments table of a paper (Word, Markdown, HTML, Excel's report sheet).
COMMITMENT_HEADINGS = (
    "Ref",
    "Source",
    "Commitment",
    "Owners (lead first)",
    "Due",
    "Status",
    "Latest progress note",
    "Evidence",
)


def commitment_cells(c: Commitment, as_of: date) -> list[str]:
    """One row of a paper's commitments table, in ``COMMITMENT_HEADINGS`` order."""
    return [
        c.ref,
        c.source,
        text_with_links(c),
        owners_label(c),
        due_label(c),
        status_label(c, as_of),
        note_label(c),
        evidence_label(c),
    ]


NO_LEADS = "No work commitments to assign."
NO_COMMITMENTS = "No commitments to review."
METHOD_HEADING = "How this report counts"
LEADS_HEADING = "Who owes what (by lead)"


# --- what changed since a date (report --since) ----------------------------------------------

#: Headings of the changes table, and its columns in a sheet (``ref`` with ``meeting``/``seq``
#: beside it, as in every sheet, so 9.10 cannot be read as 9.1).
CHANGE_HEADINGS = ("Date", "Ref", "What happened")
CHANGE_COLUMNS = ("date", "ref", "meeting", "seq", "what", "what_happened")
NO_CHANGES = "Nothing recorded."


def since_title(report: Report) -> str:
    assert report.since is not None
    return f"What changed since {report.since.isoformat()}"


def change_rows(report: Report) -> list[tuple[str, str, str]]:
    """``(date, ref, what happened)`` of each change since ``report.since``, as every paper
    shows them."""
    return [(x.on.isoformat(), x.ref, x.sentence) for x in report.changes]


def change_sheet_rows(report: Report) -> list[list[Cell]]:
    """The changes as sheet rows in ``CHANGE_COLUMNS`` order (the date a real date)."""
    rows: list[list[Cell]] = []
    for x in report.changes:
        meeting, _, seq = x.ref.rpartition(".")
        rows.append(
            [x.on, x.ref, meeting, int(seq) if seq.isdigit() else seq, x.what.value, x.sentence]
        )
    return rows


def changes_by_ref(report: Report) -> dict[str, str]:
    """Each commitment's changes in one cell (``2015-12-04 in-progress → done; ...``), for a
    sheet of one commitment a row."""
    found: dict[str, list[str]] = {}
    for on, ref, what in change_rows(report):
        found.setdefault(ref, []).append(f"{on} {what}")
    return {ref: "; ".join(lines) for ref, lines in found.items()}


# --- the next meeting's review paper (review.Review) -----------------------------------------


def review_title(review: Review) -> str:
    return f"Review of progress for {review.meeting.title}"


def previous_label(review: Review) -> str:
    p = review.previous
    return f"meeting {p.key} ({p.date.isoformat()})" if p else "none in the record"


def review_block(review: Review) -> list[tuple[str, str]]:
    """The meeting, its date and place, the as-of date and the previous meeting."""
    m = review.meeting
    lines = [("Meeting", m.key), ("Date", m.date.isoformat())]
    if m.location:
        lines.append(("Location", m.location))
    lines += [("As of", review.as_of.isoformat()), ("Previous meeting", previous_label(review))]
    return lines


class ReviewSection(NamedTuple):
    """One section of the review paper: its name in JSON and CSV, its heading, what it holds."""

    key: str
    title: str
    commitments: tuple[Commitment, ...]
    empty: str
    #: The name of its sheet in a workbook (Excel allows 31 characters).
    sheet: str

    @property
    def heading(self) -> str:
        return f"{self.title} ({len(self.commitments)})"


def review_sections(review: Review) -> tuple[ReviewSection, ...]:
    return (
        ReviewSection(
            "open",
            "Still open",
            review.open_commitments,
            "Nothing from earlier meetings is still open.",
            "Still open",
        ),
        ReviewSection(
            "closed_since",
            "Closed since the previous meeting",
            review.closed_since,
            "Nothing was closed.",
            "Closed since",
        ),
        ReviewSection(
            "informational", "For information", review.informational, "None.", "For information"
        ),
    )


def from_meeting(meeting: Meeting) -> str:
    """The heading of a group of still-open commitments: the meeting they came from."""
    return f"From meeting {meeting.key}: {meeting.title} ({meeting.date.isoformat()})"


#: The still-open table of the review paper (the report's cells, fewer columns).
OPEN_HEADINGS = (
    "Ref",
    "Commitment",
    "Owners (lead first)",
    "Due",
    "Status",
    "Latest progress note",
)
CLOSED_HEADINGS = ("Ref", "Commitment", "Status", "Evidence")


def open_cells(c: Commitment, as_of: date) -> list[str]:
    return [
        c.ref,
        text_with_links(c),
        owners_label(c),
        due_label(c),
        status_label(c, as_of),
        note_label(c),
    ]


def closed_evidence(c: Commitment) -> str:
    """How a commitment was closed: its evidence, the day the status changed when the evidence
    does not give it, and what superseded it."""
    parts = [evidence_label(c)]
    if c.status_on is not None and (c.evidence is None or c.evidence.on != c.status_on):
        parts.append(f"{c.status.value} on {c.status_on.isoformat()}")
    if c.superseded_by:
        parts.append(f"superseded by {c.superseded_by}")
    return "; ".join(p for p in parts if p)


def closed_cells(c: Commitment, as_of: date) -> list[str]:
    return [c.ref, c.text, status_label(c, as_of), closed_evidence(c)]


def information_line(c: Commitment) -> str:
    return f"{c.ref}: {c.text}"


REVIEW_METHOD_HEADING = "How this paper counts"
