"""The progress review as text: terminal, Markdown, HTML, CSV and JSON (Word and Excel are in
``word`` and ``excel``; every cell and label comes from ``present``).

Each format renders the same ``report.Report``, so the figures agree everywhere. User text
(titles, commitment texts, owner names, notes, evidence) reaches an output only through that
format's one escaping helper: ``safe_text``/``visible`` for the terminal, ``h`` for HTML,
``csv_cell`` for CSV and ``md_cell`` for Markdown; JSON keeps text exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutputWriteFailed
from ..model import Commitment, Status, commitment_to_dict, meeting_to_dict
from ..report import Report
from . import TONE_STYLE, csv_table, md_cell, safe_text, to_json, visible
from .present import (
    CHANGE_HEADINGS,
    COMMITMENT_COLUMNS,
    COMMITMENT_HEADINGS,
    DUE_WIDTH,
    LEAD_NUMERIC,
    LEADS_HEADING,
    METHOD_HEADING,
    NO_CHANGES,
    NO_COMMITMENTS,
    NO_LEADS,
    STATUS_COLOUR,
    STATUS_INK,
    STATUS_TITLE,
    Tone,
    cell_lines,
    change_rows,
    changes_by_ref,
    commitment_cells,
    commitment_rows,
    count_with_refs,
    done_line,
    due_label,
    lead_breakdown,
    lead_headings,
    lead_row,
    meeting_block,
    meeting_line,
    owners_label,
    report_title,
    running_header,
    since_title,
    status_label,
    summary,
    text_cell,
    tone,
)

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.measure import Measurement
    from rich.text import Text

    from ..store.files import StoreFiles


#: Width of the terminal report when it is written to a file rather than a terminal.
FILE_WIDTH = 100


# --- terminal ---------------------------------------------------------------------------------


class _ShareBar:
    """A done-share bar readable without colour: filled and empty cells differ in shape, not
    only in colour (Rich's ProgressBar draws nothing for the remainder when colour is off)."""

    def __init__(self, share: float | None, width: int = 30) -> None:
        self.share = share or 0.0
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment
        from rich.style import Style

        width = max(1, min(self.width, options.max_width))
        filled = round(self.share * width)
        full, empty = ("#", "-") if options.ascii_only else ("█", "░")
        yield Segment(full * filled, Style(color="green"))
        yield Segment(empty * (width - filled), Style(color="bright_black"))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        width = max(1, min(self.width, options.max_width))
        return Measurement(width, width)


def terminal_report(report: Report) -> RenderableType:
    """The report as Rich renderables, for a terminal: fits 100 columns and wraps, never cuts,
    at 80. Output that is not a terminal gets ``plain_report``."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from . import plain

    title = Text(visible(report_title(report)), style="bold")
    header = Text(visible(meeting_line(report)))
    header.append(f"\nAs of {report.as_of.isoformat()}", style="bold")
    if report.owner is not None:
        header.append(" · only commitments involving ")
        header.append(visible(report.owner), style="bold")

    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold", no_wrap=True)
    summary.add_column(overflow="fold")
    summary.add_row(
        "Commitments",
        safe_text(
            f"{report.total} ({report.work} work, {len(report.informational)} for information only)"
        ),
    )
    bar = Table.grid(padding=(0, 1))
    bar.add_column(no_wrap=True)
    bar.add_column(overflow="fold")
    bar.add_row(_ShareBar(report.done_share), safe_text(done_line(report)))
    summary.add_row("Done", bar)
    summary.add_row(
        "By status",
        safe_text("  ".join(f"{s.value} {n}" for s, n in report.by_status.items())),
    )
    summary.add_row(
        "Overdue",
        safe_text(
            count_with_refs(report.overdue),
            "bold red" if report.overdue else "",
        ),
    )

    leads = Table(title=LEADS_HEADING, title_justify="left", expand=False)
    leads.add_column("Lead", overflow="fold", max_width=30)
    leads.add_column("Led", justify="right", no_wrap=True)
    leads.add_column("By status", overflow="fold")
    leads.add_column("Overdue", justify="right", overflow="fold")
    for line in report.by_lead:
        leads.add_row(
            safe_text(line.lead),
            safe_text(str(line.total)),
            safe_text(lead_breakdown(line)),
            safe_text(
                count_with_refs(line.overdue),
                "bold red" if line.overdue else "",
            ),
        )

    # Expanded so the ratios hold: the commitment text gets the room, not the status words.
    commitments = Table(title="Commitments", title_justify="left", expand=True, show_lines=True)
    # A reference is what users type next: it must never be cut, whatever the width.
    ref_width = max((len(visible(c.ref)) for c in report.commitments), default=3)
    commitments.add_column("Ref", no_wrap=True, min_width=ref_width)
    commitments.add_column("Commitment", ratio=2, overflow="fold")
    commitments.add_column("Owners", ratio=1, overflow="fold")
    commitments.add_column("Due", overflow="fold", max_width=DUE_WIDTH)
    commitments.add_column("Status", overflow="fold", max_width=15)
    for c in report.commitments:
        commitments.add_row(
            safe_text(c.ref),
            _commitment_cell(c),
            safe_text(owners_label(c)),
            safe_text(due_label(c)),
            _status_text(c, report),
        )

    notes = Table.grid(padding=(0, 1))
    notes.add_column(no_wrap=True)
    notes.add_column(overflow="fold")
    for sentence in report.method:
        notes.add_row("-", safe_text(sentence, "dim"))

    parts: list[RenderableType] = [title, header, Text(), summary, Text()]
    if report.since is not None:
        parts += [_changes_table(report), Text()]
    parts.append(leads if report.by_lead else Text(NO_LEADS))
    parts.append(Text())
    if not report.commitments:
        parts.append(Text(NO_COMMITMENTS))
    elif (blocks := _commitment_blocks(report, plain.screen_width())) is not None:
        parts += [Text("Commitments", style="italic"), Text(blocks.rstrip("\n"))]
    else:
        parts.append(commitments)
    parts += [Text(), Text(METHOD_HEADING, style="bold"), notes]
    return Group(*parts)


def _changes_table(report: Report) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    if not report.changes:
        return Text(visible(f"{since_title(report)}: {NO_CHANGES}"))
    table = Table(title=since_title(report), title_justify="left", expand=False)
    table.add_column(CHANGE_HEADINGS[0], no_wrap=True)
    table.add_column(CHANGE_HEADINGS[1], no_wrap=True)
    table.add_column(CHANGE_HEADINGS[2], overflow="fold", max_width=80)
    for on, ref, what in change_rows(report):
        table.add_row(safe_text(on), safe_text(ref), safe_text(what))
    return table


def print_terminal_report(report: Report) -> None:
    """The report's table format on stdout: Rich on a terminal; off one (a file, a pipe, a
    script), the same layout without Rich (its import and rendering cost ~0.1 s a report)."""
    from . import console, plain, styled_output, write_raw

    if styled_output():
        console().print(terminal_report(report))
    else:
        write_raw(plain_report(report, plain.output_width()))


def plain_report(report: Report, width: int) -> str:
    """The terminal report laid out without Rich: the same sections, labels and tables (the
    tables in Rich's box style, by ``plain``), no colour. Every user string through
    ``visible``."""
    from . import plain

    lines = [visible(report_title(report)), visible(meeting_line(report))]
    as_of = f"As of {report.as_of.isoformat()}"
    if report.owner is not None:
        as_of += f" · only commitments involving {report.owner}"
    lines += [visible(as_of), ""]
    filled = round((report.done_share or 0.0) * 30)
    informational = len(report.informational)
    summary = [
        (
            "Commitments",
            f"{report.total} ({report.work} work, {informational} for information only)",
        ),
        ("Done", "█" * filled + "░" * (30 - filled) + " " + done_line(report)),
        ("By status", "  ".join(f"{s.value} {n}" for s, n in report.by_status.items())),
        ("Overdue", count_with_refs(report.overdue)),
    ]
    label_width = max(len(label) for label, _ in summary) + 2
    for label, value in summary:
        room = max(10, width - label_width)
        safe = visible(value)
        wrapped = [safe] if plain.cell_len(safe) <= room else plain.wrap(safe, room)
        lines.append(label.ljust(label_width) + wrapped[0])
        lines += [" " * label_width + more for more in wrapped[1:]]
    lines.append("")
    if report.since is not None:
        if report.changes:
            columns = [
                plain.Column(CHANGE_HEADINGS[0]),
                plain.Column(CHANGE_HEADINGS[1]),
                plain.Column(CHANGE_HEADINGS[2], ratio=1, max_width=80),
            ]
            rows = [tuple(visible(v) for v in row) for row in change_rows(report)]
            lines += [visible(since_title(report)), plain.table(columns, rows, width)]
        else:
            lines += [visible(f"{since_title(report)}: {NO_CHANGES}"), ""]
    if report.by_lead:
        columns = [
            plain.Column("Lead", ratio=1, max_width=30),
            plain.Column("Led"),
            plain.Column("By status", ratio=1),
            plain.Column("Overdue", ratio=1),
        ]
        rows = [
            (
                visible(line.lead),
                str(line.total),
                visible(lead_breakdown(line)),
                visible(count_with_refs(line.overdue)),
            )
            for line in report.by_lead
        ]
        lines += [LEADS_HEADING, plain.table(columns, rows, width)]
    else:
        lines += [NO_LEADS, ""]
    if report.commitments:
        lines += ["Commitments", _commitment_blocks(report, width) or _plain_commitments(report)]
    else:
        lines += [NO_COMMITMENTS, ""]
    lines.append(METHOD_HEADING)
    for sentence in report.method:
        wrapped = plain.wrap(visible(sentence), max(10, width - 2))
        lines.append("- " + wrapped[0])
        lines += ["  " + more for more in wrapped[1:]]
    return "\n".join(lines) + "\n"


def _plain_commitments(report: Report) -> str:
    from . import plain

    columns = [
        plain.Column("Ref"),
        plain.Column("Commitment", ratio=2),
        plain.Column("Owners", ratio=1),
        plain.Column("Due", ratio=1, max_width=DUE_WIDTH),
        plain.Column("Status", ratio=1, max_width=15),
    ]
    rows = []
    for c in report.commitments:
        cell = visible(c.text)
        for label, value in cell_lines(c):
            cell += f"\n{label}: {visible(value)}"
        rows.append(
            (
                visible(c.ref),
                cell,
                visible(owners_label(c)),
                visible(due_label(c)),
                visible(status_label(c, report.as_of)),
            )
        )
    return plain.table(columns, rows, plain.output_width(), rules=True)


def _commitment_blocks(report: Report, width: int) -> str | None:
    """The commitments as ``list``'s blocks, their source, note and evidence under the text,
    when ``width`` is too narrow for their table by the rule ``list`` follows, else None.
    That rule measures the fixed columns only (reference, due, status), so the texts are
    escaped only for the blocks."""
    from . import commitment_block, list_columns, plain

    fixed = [
        (visible(c.ref), "", "", visible(due_label(c)), visible(status_label(c, report.as_of)))
        for c in report.commitments
    ]
    if not plain.too_narrow(list_columns(), fixed, width):
        return None
    return plain.blocks(
        [
            commitment_block(
                (ref, visible(c.text), visible(owners_label(c)), due, status),
                [(label, visible(value)) for label, value in cell_lines(c)],
            )
            for (ref, _, _, due, status), c in zip(fixed, report.commitments, strict=True)
        ]
    )


def _commitment_cell(c: Commitment) -> Text:
    text = safe_text(c.text, "dim" if c.status is Status.DONE else "")
    for label, value in cell_lines(c):
        text.append(f"\n{label}: ", style="italic")
        text.append(visible(value), style="dim")
    return text


def _status_text(c: Commitment, report: Report) -> Text:
    return safe_text(status_label(c, report.as_of), TONE_STYLE[tone(c, report.as_of)])


def terminal_text(report: Report, width: int = FILE_WIDTH) -> str:
    """The terminal report as plain text (no colour, no escape codes), for ``--output``."""
    return plain_report(report, width)


# --- Markdown ---------------------------------------------------------------------------------


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown_report(report: Report) -> str:
    """A Markdown document to paste into a meeting paper; every user string through md_cell."""
    lines = [f"# {md_cell(report_title(report))}", ""]
    lines += [f"- **{label}:** {md_cell(value)}" for label, value in meeting_block(report)]
    lines += ["", "## Summary", "", "| Measure | Count |", "|---|---:|"]
    for measure in summary(report):
        label, value = md_cell(measure.label), md_cell(measure.value)
        if measure.tone is Tone.LATE:
            label, value = f"**{label}**", f"**{value}**"
        lines.append(_md_row([label, value]))
    if report.since is not None:
        lines += ["", f"## {md_cell(since_title(report))}", ""]
        if report.changes:
            lines += [_md_row(list(CHANGE_HEADINGS)), "|---|---|---|"]
            lines += [_md_row([md_cell(cell) for cell in row]) for row in change_rows(report)]
        else:
            lines.append(NO_CHANGES)
    lines += ["", f"## {md_cell(LEADS_HEADING)}", ""]
    if report.by_lead:
        headings = lead_headings()
        lines.append(_md_row(headings))
        lines.append("|" + "".join("---:|" if h in LEAD_NUMERIC else "---|" for h in headings))
        lines += [_md_row([md_cell(cell) for cell in lead_row(line)]) for line in report.by_lead]
    else:
        lines.append(NO_LEADS)
    lines += ["", "## Commitments", ""]
    if report.commitments:
        lines.append(_md_row(list(COMMITMENT_HEADINGS)))
        lines.append("|" + "---|" * len(COMMITMENT_HEADINGS))
        status_at = COMMITMENT_HEADINGS.index("Status")
        for c in report.commitments:
            cells = [md_cell(cell) for cell in commitment_cells(c, report.as_of)]
            if tone(c, report.as_of) is Tone.LATE:
                cells[status_at] = f"**{cells[status_at]}**"
            lines.append(_md_row(cells))
    else:
        lines.append(NO_COMMITMENTS)
    lines += ["", f"## {METHOD_HEADING}", ""]
    lines += [f"- {md_cell(sentence)}" for sentence in report.method]
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------------


def h(value: str) -> str:
    """User text for HTML: control and bidi characters made visible, then escaped (quotes too,
    so the result is safe in attributes as well as in element content)."""
    from html import escape  # html.entities costs every command a millisecond at import

    return escape(visible(value), quote=True)


def css_string(value: str) -> str:
    """User text as a CSS string literal: everything but letters, digits and spaces as a CSS
    escape, so no quote, backslash or ``</style>`` can end the string or the style sheet. (The
    space after each escape is part of it: CSS takes one whitespace after a hex escape.)"""
    return (
        '"'
        + "".join(
            ch if (ch.isalnum() and ch.isascii()) or ch == " " else f"\\{ord(ch):06x} "
            for ch in visible(value)
        )
        + '"'
    )


_CSS = """
:root { color-scheme: light; --ink: #1d232b; --muted: #56616c; --rule: #d5dbe1;
  --late: #b3261e; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  "Liberation Sans", Arial, sans-serif; color: var(--ink); margin: 2rem auto;
  max-width: 1180px; padding: 0 1.5rem; }
h1, .meta, .chart-row .lead { overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; border-bottom: 2px solid var(--ink);
  padding-bottom: .2rem; }
.meta { color: var(--muted); margin: 0; }
.meta strong { color: var(--ink); }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .9rem;
  min-width: 9rem; }
.card .n { font-size: 1.7rem; font-weight: 700; display: block; }
.card .l { color: var(--muted); font-size: .85rem; }
.card.late .n { color: var(--late); }
.bar { height: 14px; background: #e7ebef; border-radius: 7px; overflow: hidden;
  max-width: 28rem; margin: .3rem 0 .2rem; }
.bar span { display: block; height: 100%; background: #1a7a36; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid var(--rule); }
th { background: #f1f4f7; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.ref { white-space: nowrap; font-weight: 600; }
td.text { white-space: pre-line; overflow-wrap: anywhere; }
td.main { min-width: 15rem; }
td.due { white-space: nowrap; }
table.by-status { width: auto; }
table.by-status td, table.by-status th { padding-left: 1.2rem; }
tr.overdue td { background: #fdf0ef; }
tr.overdue td.ref { box-shadow: inset 4px 0 0 var(--late); }
.late { color: var(--late); font-weight: 700; }
tr.info td { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1rem; margin: .4rem 0; font-size: .85rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem;
  vertical-align: -1px; border: 1px solid #0003; }
.chart { margin: .6rem 0 1rem; max-width: 60rem; }
.chart-row { display: grid; grid-template-columns: minmax(6rem, 14rem) 1fr 7rem;
  gap: .2rem .6rem; align-items: center; margin: .25rem 0; }
.chart-row .lead { text-align: right; }
.stack { display: flex; height: 1.35rem; }
.seg { display: block; min-width: 1.5rem; height: 100%; text-align: center;
  font-size: .8rem; line-height: 1.35rem; font-weight: 600; overflow: hidden; }
.chart-row .total { color: var(--muted); font-size: .85rem; }
.chart-row .total.late { color: var(--late); }
ul.method { color: var(--muted); padding-left: 1.2rem; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; padding: 0 .75rem; }
  .chart-row { grid-template-columns: 1fr auto; }
  .chart-row .lead { grid-column: 1 / -1; text-align: left; font-weight: 600; }
  table.stacked, table.stacked tbody, table.stacked tr, table.stacked td { display: block; }
  table.stacked thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  table.stacked tr { border: 1px solid var(--rule); border-radius: 6px; margin: .6rem 0;
    padding: .3rem .5rem; }
  table.stacked td { border: 0; padding: .15rem 0; text-align: left; min-width: 0;
    white-space: normal; }
  table.stacked td::before { content: attr(data-label) ": "; font-weight: 600;
    color: var(--muted); }
  table.stacked td.text { white-space: pre-line; overflow-wrap: anywhere; }
}
@media print {
  @page { size: A4 landscape; margin: 16mm 12mm 12mm;
    @top-left { content: RUNNING_HEADER; font: 8pt system-ui, Arial, sans-serif;
      color: #56616c; }
    @bottom-right { content: "Page " counter(page) " of " counter(pages);
      font: 8pt system-ui, Arial, sans-serif; color: #56616c; } }
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
  tr, li, .card, .chart-row { break-inside: avoid; }
  /* A short block is kept whole: no lone lead row or last bullets on a page of their own. */
  .keep, .chart, #method { break-inside: avoid; }
}
"""


def _chart(report: Report) -> str:
    """A stacked bar per lead, one segment per status, in HTML and CSS: its labels are text at
    the page's own size, so they stay readable on a phone (an SVG scaled to fit shrank them)."""
    widest = max((line.total for line in report.by_lead), default=1)
    described = "; ".join(
        f"{line.lead}: " + ", ".join(f"{n} {s.value}" for s, n in line.by_status.items() if n)
        for line in report.by_lead
    )
    rows = []
    for line in report.by_lead:
        segments = "".join(
            f'<span class="seg" style="width:{n / widest * 100:.1f}%;'
            f'background:{STATUS_COLOUR[s]};color:{STATUS_INK[s]}" '
            f'data-status="{s.value}">{n}</span>'
            for s, n in line.by_status.items()
            if n
        )
        late = f" · {len(line.overdue)} overdue" if line.overdue else ""
        rows.append(
            f'<div class="chart-row"><span class="lead">{h(line.lead)}</span>'
            f'<span class="stack">{segments}</span>'
            f'<span class="total{" late" if late else ""}">{line.total}{late}</span></div>'
        )
    return (
        f'<div class="chart" role="img" aria-label="Work commitments per lead, by status. '
        f'{h(described)}">' + "".join(rows) + "</div>"
    )


def _legend() -> str:
    return (
        '<div class="legend" aria-hidden="true">'
        + "".join(
            f'<span><i style="background:{STATUS_COLOUR[s]}"></i>{STATUS_TITLE[s]}</span>'
            for s in Status
        )
        + "</div>"
    )


def html_head(title: str, css: str) -> list[str]:
    """The start of every HTML paper, up to ``<body>``: one self-contained page."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No network: nothing may load, even if a future edit adds a URL by mistake.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{h(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
    ]


def html_tail(heading: str, method: Iterable[str]) -> list[str]:
    """The end of every HTML paper: how it counted, then the page closed."""
    return [
        '<section id="method" aria-labelledby="method-h">',
        f'<h2 id="method-h">{h(heading)}</h2>',
        '<ul class="method">',
        *(f"<li>{h(sentence)}</li>" for sentence in method),
        "</ul>",
        "</section>",
        "</main>",
        "</body>",
        "</html>",
    ]


def html_report(report: Report) -> str:
    """One self-contained page: inline CSS, no script, no external resource."""
    share = report.done_share or 0.0
    meta = dict(meeting_block(report))
    line = h(meeting_line(report)).replace(
        f"Meeting {h(report.meeting.key)}", f"<strong>Meeting {h(report.meeting.key)}</strong>", 1
    )
    owner_note = (
        f'<p class="meta">Only commitments involving <strong>{h(report.owner)}</strong>.</p>'
        if report.owner is not None
        else ""
    )
    measures = summary(report)
    cards = [m for m in measures if m.label not in STATUS_TITLE.values()]
    css = page_css(running_header(report, report_title(report)))
    out = [
        *html_head(f"{report_title(report)} (as of {meta['As of']})", css),
        "<header>",
        f"<h1>{h(report_title(report))}</h1>",
        f'<p class="meta">{line}</p>',
        f'<p class="meta">As of <strong>{h(meta["As of"])}</strong></p>',
        owner_note,
        "</header>",
        "<main>",
        '<section id="summary" aria-labelledby="summary-h">',
        '<h2 id="summary-h">Summary</h2>',
        '<div class="cards">',
        *(
            f'<div class="card{" late" if m.tone is Tone.LATE else ""}">'
            f'<span class="n">{h(str(m.number) if m.number is not None else report.done_percent)}'
            f'</span><span class="l">{h(m.label)}</span></div>'
            for m in cards
        ),
        "</div>",
        f'<div class="bar" role="img" aria-label="Done share {report.done_percent}">'
        f'<span style="width:{share * 100:.1f}%"></span></div>',
        f'<p class="meta">Done: {h(done_line(report))}</p>',
        '<table class="by-status stacked"><thead><tr>',
        *(f'<th class="n" scope="col">{STATUS_TITLE[s]}</th>' for s in Status),
        '<th class="n" scope="col">Overdue</th></tr></thead><tbody><tr>',
        *(
            f'<td class="n" data-label="{STATUS_TITLE[s]}">{n}</td>'
            for s, n in report.by_status.items()
        ),
        f'<td class="n{" late" if report.overdue else ""}" data-label="Overdue">'
        f"{len(report.overdue)}</td>",
        "</tr></tbody></table>",
        "</section>",
        _changes_section(report),
        '<section id="by-lead" aria-labelledby="by-lead-h">',
        f'<h2 id="by-lead-h">{h(LEADS_HEADING)}</h2>',
    ]
    if report.by_lead:
        out += [_legend(), _chart(report), f'<div class="keep">{_lead_table(report)}</div>']
    else:
        out.append(f"<p>{h(NO_LEADS)}</p>")
    out += [
        "</section>",
        '<section id="commitments" aria-labelledby="commitments-h">',
        '<h2 id="commitments-h">Commitments</h2>',
    ]
    out.append(_commitments_table(report) if report.commitments else f"<p>{h(NO_COMMITMENTS)}</p>")
    out += ["</section>", *html_tail(METHOD_HEADING, report.method)]
    return "\n".join(part for part in out if part) + "\n"


def page_css(header: str) -> str:
    """The style sheet of a page, its printed pages headed by ``header`` (the meeting)."""
    return _CSS.replace("RUNNING_HEADER", css_string(header))


def _changes_section(report: Report) -> str:
    if report.since is None:
        return ""
    out = [
        '<section id="changes" aria-labelledby="changes-h">',
        f'<h2 id="changes-h">{h(since_title(report))}</h2>',
    ]
    if report.changes:
        head = "".join(f'<th scope="col">{heading}</th>' for heading in CHANGE_HEADINGS)
        out.append(f'<table class="changes stacked"><thead><tr>{head}</tr></thead><tbody>')
        classes = ("due", "ref", "text")
        out += [
            "<tr>"
            + "".join(
                f'<td class="{cls}" data-label="{heading}">{h(cell)}</td>'
                for cls, heading, cell in zip(classes, CHANGE_HEADINGS, row, strict=True)
            )
            + "</tr>"
            for row in change_rows(report)
        ]
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{h(NO_CHANGES)}</p>")
    out.append("</section>")
    return "\n".join(out)


_NUMERIC_CLASS = ' class="n"'


def _lead_table(report: Report) -> str:
    headings = lead_headings()
    numeric = [heading in LEAD_NUMERIC for heading in headings]
    rows = []
    for line in report.by_lead:
        cells = []
        for heading, cell, is_number in zip(headings, lead_row(line), numeric, strict=True):
            classes = ["n"] if is_number else []
            if heading == "Overdue" and line.overdue:
                classes.append("late")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f'<td{cls} data-label="{heading}">{h(cell)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(
        f'<th{_NUMERIC_CLASS if is_number else ""} scope="col">{heading}</th>'
        for heading, is_number in zip(headings, numeric, strict=True)
    )
    return (
        f'<table class="by-lead stacked"><thead><tr>{head}</tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


_CELL_CLASS = {
    "Ref": "ref",
    "Commitment": "text main",
    "Due": "due",
    "Latest progress note": "text",
    "Evidence": "text",
}


def _commitments_table(report: Report) -> str:
    rows = []
    for c in report.commitments:
        look = tone(c, report.as_of)
        cls = {Tone.LATE: "overdue", Tone.PLAIN: ""}.get(look, "info" if not c.is_work else "")
        cells = []
        for heading, cell in zip(
            COMMITMENT_HEADINGS, commitment_cells(c, report.as_of), strict=True
        ):
            classes = _CELL_CLASS.get(heading, "")
            if heading == "Status":
                classes = "status late" if look is Tone.LATE else "status"
            cells.append(f'<td class="{classes}" data-label="{heading}">{h(cell)}</td>')
        rows.append(f'<tr class="{cls}" id="c-{h(c.ref)}">' + "".join(cells) + "</tr>")
    head = "".join(f'<th scope="col">{heading}</th>' for heading in COMMITMENT_HEADINGS)
    return (
        f'<table class="commitments stacked"><thead><tr>{head}</tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


# --- CSV and JSON -------------------------------------------------------------------------------


def csv_report(report: Report, bom: bool = False) -> str:
    """The commitments as the ``list`` CSV has them (``present.COMMITMENT_COLUMNS``), with the
    as-of date they were judged at; with ``--since``, each one's changes in ``changes_since``."""
    as_of = report.as_of.isoformat()
    names = [*(column.name for column in COMMITMENT_COLUMNS), "as_of"]
    rows = (
        [*(text_cell(v) for v in row), as_of]
        for row in commitment_rows(report.commitments, report.as_of)
    )
    if report.since is not None:
        changed = changes_by_ref(report)
        names.append("changes_since")
        rows = (
            [*row, changed.get(c.ref, "")] for c, row in zip(report.commitments, rows, strict=True)
        )
    return csv_table(names, rows, bom)


def _counts(counts: Any) -> dict[str, int]:
    return {s.value: counts[s] for s in Status}


def report_dict(report: Report) -> dict[str, Any]:
    """The stable JSON shape; ``actions`` are in the ``list --json`` shape."""
    share = report.done_share
    return {
        "meeting": meeting_to_dict(report.meeting),
        "as_of": report.as_of.isoformat(),
        "owner": report.owner,
        "summary": {
            "total": report.total,
            "work": report.work,
            "informational": len(report.informational),
            "by_status": _counts(report.by_status),
            "overdue": len(report.overdue),
            "overdue_refs": [c.ref for c in report.overdue],
            "done_share": None if share is None else round(share, 4),
            "still_asked_for": report.done_base,
        },
        "by_owner": {
            line.lead: {
                "total": line.total,
                "by_status": _counts(line.by_status),
                "overdue": len(line.overdue),
                "overdue_refs": [c.ref for c in line.overdue],
                "refs": [c.ref for c in line.commitments],
            }
            for line in report.by_lead
        },
        "method": list(report.method),
        "actions": [commitment_to_dict(c) for c in report.commitments],
        **(
            {
                "since": {
                    "date": report.since.isoformat(),
                    "changes": [x.to_dict() for x in report.changes],
                }
            }
            if report.since is not None
            else {}
        ),
    }


def json_report(report: Report) -> str:
    return to_json(report_dict(report)) + "\n"


def render_report(report: Report, fmt: str) -> str | bytes:
    """The report in a format named as ``--format`` names it (``table`` is the terminal
    report as plain text, for files)."""
    from .formats import Format, formatter

    return formatter(Format(fmt)).report(report)


# --- writing a report file --------------------------------------------------------------------


def write_atomic(
    path: Path, payload: str | bytes, *, store: StoreFiles, export: bool = False
) -> None:
    """Write a report or export file the way the store is written, all of it or none, and
    never over ``store``'s own files (``store.files.write_output``)."""
    from ..store.files import write_output

    if isinstance(payload, str):
        payload = (payload if payload.endswith("\n") else payload + "\n").encode("utf-8")
    try:
        write_output(path, payload, store=store, export=export)
    except OSError as e:
        raise OutputWriteFailed(f"Could not write {path}: {e.strerror or e}.") from None
