"""The progress review in five formats: terminal, Markdown, HTML, CSV and JSON.

Each format renders the same ``report.Report``, so the figures agree everywhere. User text
(titles, commitment texts, owner names, notes, evidence) reaches an output only through that
format's one escaping helper: ``safe_text``/``visible`` for the terminal, ``h`` for HTML,
``csv_cell`` for CSV and ``md_cell`` for Markdown; JSON keeps text exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutputWriteFailed
from ..model import Commitment, Status, commitment_to_dict, meeting_to_dict
from ..report import LeadLine, Report
from . import csv_cell, md_cell, owners_label, safe_text, to_json, visible

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.measure import Measurement
    from rich.text import Text

    from ..store.files import StoreFiles


#: Width of the terminal report when it is written to a file rather than a terminal.
FILE_WIDTH = 100

_STATUS_TITLE = {
    Status.OPEN: "Open",
    Status.IN_PROGRESS: "In progress",
    Status.BLOCKED: "Blocked",
    Status.DONE: "Done",
    Status.DROPPED: "Dropped",
    Status.SUPERSEDED: "Superseded",
}

# Conventional meanings (green done, amber blocked, blue under way); the segments also carry
# their counts as text, so the chart does not depend on telling colours apart.
_STATUS_COLOUR = {
    Status.OPEN: "#8d99a6",
    Status.IN_PROGRESS: "#2f6fdb",
    Status.BLOCKED: "#e08a00",
    Status.DONE: "#1e8a3e",
    Status.DROPPED: "#d7dbe0",
    Status.SUPERSEDED: "#9c7ad6",
}


# --- facts every format shows, as plain strings ----------------------------------------------


def status_label(c: Commitment, report: Report) -> str:
    return status_on(c, report.as_of)


def status_on(c: Commitment, as_of: date) -> str:
    """The status cell of every paper: what it was on ``as_of``."""
    if not c.is_work:
        return f"for information ({c.kind.value})"
    if c.is_overdue(as_of):
        return f"{c.status.value} (overdue)"
    if c.superseded_by:
        return f"{c.status.value} by {c.superseded_by}"
    return c.status.value


def due_label(c: Commitment) -> str:
    return c.due.text if c.due else "-"


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


def _refs(commitments: tuple[Commitment, ...]) -> str:
    return ", ".join(c.ref for c in commitments)


def _count_with_refs(n: int, commitments: tuple[Commitment, ...]) -> str:
    return f"{n} ({_refs(commitments)})" if commitments else str(n)


def _done_line(report: Report) -> str:
    return f"{report.done} of {report.done_base} still asked for ({report.done_percent})"


def _subtitle(report: Report) -> str:
    m = report.meeting
    parts = [f"Meeting {m.key}", m.date.isoformat()]
    if m.location:
        parts.append(m.location)
    return " · ".join(parts)


def _lead_breakdown(line: LeadLine) -> str:
    """``open 2: 9.3, 9.7; done 1: 9.1`` — who owes what, by status, with the references."""
    return "; ".join(
        f"{status.value} {n}: {', '.join(line.refs(status))}"
        for status, n in line.by_status.items()
        if n
    )


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


def terminal_report(report: Report, *, plain_table: bool = False) -> RenderableType:
    """The report as Rich renderables: fits 100 columns and wraps, never cuts, at 80.

    ``plain_table``: the commitments table (hundreds of rows for a large meeting; Rich takes
    ~2 ms a row here) laid out by ``plain`` instead, for output that is not a terminal."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    title = Text("Progress review: ", style="bold")
    title.append(visible(report.meeting.title), style="bold")
    header = Text(visible(_subtitle(report)))
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
    bar.add_row(_ShareBar(report.done_share), safe_text(_done_line(report)))
    summary.add_row("Done", bar)
    summary.add_row(
        "By status",
        safe_text("  ".join(f"{s.value} {n}" for s, n in report.by_status.items())),
    )
    summary.add_row(
        "Overdue",
        safe_text(
            _count_with_refs(len(report.overdue), report.overdue),
            "bold red" if report.overdue else "",
        ),
    )

    leads = Table(title="Who owes what (by lead)", title_justify="left", expand=False)
    leads.add_column("Lead", overflow="fold", max_width=30)
    leads.add_column("Led", justify="right", no_wrap=True)
    leads.add_column("By status", overflow="fold")
    leads.add_column("Overdue", overflow="fold")
    for line in report.by_lead:
        leads.add_row(
            safe_text(line.lead),
            safe_text(str(line.total)),
            safe_text(_lead_breakdown(line)),
            safe_text(
                _count_with_refs(len(line.overdue), line.overdue),
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
    commitments.add_column("Due", overflow="fold", max_width=9)
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
    parts.append(leads if report.by_lead else Text("No work commitments to assign."))
    parts.append(Text())
    if not report.commitments:
        parts.append(Text("No commitments to review."))
    elif plain_table:
        parts += [Text("Commitments", style="italic"), _Preformatted(_plain_commitments(report))]
    else:
        parts.append(commitments)
    parts += [Text(), Text("How this report counts", style="bold"), notes]
    return Group(*parts)


def _changes_table(report: Report) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    if not report.changes:
        return Text(f"{_since_title(report)}: nothing recorded.")
    table = Table(title=_since_title(report), title_justify="left", expand=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Ref", no_wrap=True)
    table.add_column("What happened", overflow="fold", max_width=80)
    for on, ref, what in change_rows(report):
        table.add_row(safe_text(on), safe_text(ref), safe_text(what))
    return table


def print_terminal_report(report: Report) -> None:
    """The report's table format on stdout: Rich throughout on a terminal; off one, the long
    commitments table laid out plainly (measured at 833 rows: 1.7 s in Rich)."""
    from . import console, styled_output

    console().print(terminal_report(report, plain_table=not styled_output()))


def _plain_commitments(report: Report) -> str:
    from . import plain

    columns = [
        plain.Column("Ref"),
        plain.Column("Commitment", ratio=2),
        plain.Column("Owners", ratio=1),
        plain.Column("Due", ratio=1, max_width=9),
        plain.Column("Status", ratio=1, max_width=15),
    ]
    rows = []
    for c in report.commitments:
        cell = visible(c.text)
        for label, value in _cell_lines(c):
            cell += f"\n{label}: {visible(value)}"
        rows.append(
            (
                visible(c.ref),
                cell,
                visible(owners_label(c)),
                visible(due_label(c)),
                visible(status_label(c, report)),
            )
        )
    return plain.table(columns, rows, plain.output_width(), rules=True)


class _Preformatted:
    """Lines already laid out (and made safe): Rich passes them through as they are."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for line in self.lines:
            yield Segment(line)
            yield Segment.line()


def _commitment_cell(c: Commitment) -> Text:
    text = safe_text(c.text, "dim" if c.status is Status.DONE else "")
    for label, value in _cell_lines(c):
        text.append(f"\n{label}: ", style="italic")
        text.append(visible(value), style="dim")
    return text


def _cell_lines(c: Commitment) -> list[tuple[str, str]]:
    """What the commitment cell shows under the text, in both table layouts."""
    found = (
        ("Source", c.source),
        ("Latest note", note_label(c)),
        ("Evidence", evidence_label(c)),
        ("Superseded by", c.superseded_by or ""),
        ("Replaces", ", ".join(c.replaces)),
    )
    return [(label, value) for label, value in found if value]


def change_rows(report: Report) -> list[tuple[str, str, str]]:
    """``(date, ref, what happened)`` of each change since ``report.since``, as every format
    shows them."""
    return [(x.on.isoformat(), x.ref, x.sentence) for x in report.changes]


def _since_title(report: Report) -> str:
    assert report.since is not None
    return f"What changed since {report.since.isoformat()}"


def _status_text(c: Commitment, report: Report) -> Text:
    style = ""
    if c.is_overdue(report.as_of):
        style = "bold red"
    elif not c.is_work or c.status is Status.DONE:
        style = "dim"
    return safe_text(status_label(c, report), style)


def terminal_text(report: Report, width: int = FILE_WIDTH) -> str:
    """The terminal report as plain text (no colour, no escape codes), for ``--output``."""
    import io

    from rich.console import Console

    out = io.StringIO()
    Console(
        file=out,
        width=width,
        color_system=None,
        force_terminal=False,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    ).print(terminal_report(report))
    return out.getvalue()


# --- Markdown ---------------------------------------------------------------------------------


def markdown_report(report: Report) -> str:
    """A Markdown document to paste into a meeting paper; every user string through md_cell."""
    m = report.meeting
    lines = [
        f"# Progress review: {md_cell(m.title)}",
        "",
        f"- **Meeting:** {md_cell(m.key)}",
        f"- **Date:** {m.date.isoformat()}",
    ]
    if m.location:
        lines.append(f"- **Location:** {md_cell(m.location)}")
    lines.append(f"- **As of:** {report.as_of.isoformat()}")
    if report.owner is not None:
        lines.append(f"- **Only commitments involving:** {md_cell(report.owner)}")
    lines += [
        "",
        "## Summary",
        "",
        "| Measure | Count |",
        "|---|---:|",
        f"| Commitments | {report.total} |",
        f"| Work commitments | {report.work} |",
        f"| For information only \\(welcomed, noted\\) | {len(report.informational)} |",
    ]
    lines += [f"| {_STATUS_TITLE[s]} | {n} |" for s, n in report.by_status.items()]
    lines += [
        f"| **Overdue** as of {report.as_of.isoformat()} | "
        f"**{md_cell(_count_with_refs(len(report.overdue), report.overdue))}** |",
        f"| Done share | {md_cell(_done_line(report))} |",
        "",
    ]
    if report.since is not None:
        lines += [f"## {_since_title(report)}", ""]
        if report.changes:
            lines += ["| Date | Ref | What happened |", "|---|---|---|"]
            lines += [
                f"| {on} | {md_cell(ref)} | {md_cell(what)} |"
                for on, ref, what in change_rows(report)
            ]
        else:
            lines.append("Nothing recorded.")
        lines.append("")
    lines += [
        "## Who owes what (by lead)",
        "",
    ]
    if report.by_lead:
        statuses = list(Status)
        lines.append(
            "| Lead | Led | "
            + " | ".join(_STATUS_TITLE[s] for s in statuses)
            + " | Overdue | Commitments |"
        )
        lines.append("|---|---:|" + "---:|" * len(statuses) + "---|---|")
        for line in report.by_lead:
            counts = " | ".join(str(line.by_status[s]) for s in statuses)
            overdue = md_cell(_count_with_refs(len(line.overdue), line.overdue))
            lines.append(
                f"| {md_cell(line.lead)} | {line.total} | {counts} | {overdue} "
                f"| {md_cell(_lead_breakdown(line))} |"
            )
    else:
        lines.append("No work commitments to assign.")
    lines += ["", "## Commitments", ""]
    if report.commitments:
        lines.append(
            "| Ref | Source | Commitment | Owners | Due | Status | Latest progress note "
            "| Evidence |"
        )
        lines.append("|---|---|---|---|---|---|---|---|")
        for c in report.commitments:
            status = md_cell(status_label(c, report))
            if c.is_overdue(report.as_of):
                status = f"**{status}**"
            cells = (
                md_cell(c.ref),
                md_cell(c.source),
                md_cell(c.text),
                md_cell(owners_label(c)),
                md_cell(due_label(c)),
                status,
                md_cell(note_label(c)),
                md_cell(evidence_label(c)),
            )
            lines.append("| " + " | ".join(cells) + " |")
    else:
        lines.append("No commitments to review.")
    lines += ["", "## How this report counts", ""]
    lines += [f"- {md_cell(sentence)}" for sentence in report.method]
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------------


def h(value: str) -> str:
    """User text for HTML: control and bidi characters made visible, then escaped (quotes too,
    so the result is safe in attributes as well as in element content)."""
    from html import escape  # html.entities costs every command a millisecond at import

    return escape(visible(value), quote=True)


_CSS = """
:root { color-scheme: light; --ink: #1d232b; --muted: #5b6672; --rule: #d5dbe1;
  --late: #b3261e; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  "Liberation Sans", Arial, sans-serif; color: var(--ink); margin: 2rem auto;
  max-width: 1180px; padding: 0 1.5rem; }
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
.bar span { display: block; height: 100%; background: #1e8a3e; }
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
.chart { max-width: 100%; height: auto; }
ul.method { color: var(--muted); padding-left: 1.2rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
  tr, .card, svg { break-inside: avoid; }
}
"""


def _chart(report: Report) -> str:
    """A stacked bar per lead, one segment per status, as inline SVG (no script, no fonts)."""
    rows = report.by_lead
    longest = max((len(line.lead) for line in rows), default=4)
    label_chars = min(longest, 52)
    label_w = 16 + label_chars * 7
    bar_w = 420
    row_h = 26
    top = 6
    width = label_w + bar_w + 150
    height = top + row_h * len(rows) + 6
    scale = bar_w / max((line.total for line in rows), default=1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        'aria-label="Work commitments per lead, by status" '
        'font-family="system-ui, Arial, sans-serif" font-size="13">'
    ]
    for i, line in enumerate(rows):
        y = top + i * row_h
        label = line.lead if len(line.lead) <= label_chars else line.lead[: label_chars - 1] + "…"
        parts.append(
            f'<text x="{label_w - 10}" y="{y + 16}" text-anchor="end">'
            f"<title>{h(line.lead)}</title>{h(label)}</text>"
        )
        x = float(label_w)
        for status, n in line.by_status.items():
            if not n:
                continue
            w = n * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{_STATUS_COLOUR[status]}"><title>{h(line.lead)}: {n} '
                f"{status.value}</title></rect>"
            )
            if w >= 16:
                ink = "#1d232b" if status in (Status.DROPPED, Status.OPEN) else "#ffffff"
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 16}" text-anchor="middle" '
                    f'fill="{ink}" font-size="12">{n}</text>'
                )
            x += w
        late = f" · {len(line.overdue)} overdue" if line.overdue else ""
        look = 'fill="#b3261e" font-weight="700"' if late else 'fill="#5b6672"'
        parts.append(f'<text x="{x + 8:.1f}" y="{y + 16}" {look}>{line.total}{late}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    return (
        '<div class="legend">'
        + "".join(
            f'<span><i style="background:{_STATUS_COLOUR[s]}"></i>{_STATUS_TITLE[s]}</span>'
            for s in Status
        )
        + "</div>"
    )


def html_report(report: Report) -> str:
    """One self-contained page: inline CSS and SVG, no script, no external resource."""
    m = report.meeting
    share = report.done_share or 0.0
    meta = [f"<strong>Meeting {h(m.key)}</strong>", h(m.date.isoformat())]
    if m.location:
        meta.append(h(m.location))
    owner_note = (
        f'<p class="meta">Only commitments involving <strong>{h(report.owner)}</strong>.</p>'
        if report.owner is not None
        else ""
    )
    cards = [
        ("Commitments", str(report.total), ""),
        ("Work commitments", str(report.work), ""),
        ("For information only", str(len(report.informational)), ""),
        (
            f"Overdue as of {report.as_of.isoformat()}",
            str(len(report.overdue)),
            " late" if report.overdue else "",
        ),
        ("Done share", report.done_percent, ""),
    ]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No network: nothing may load, even if a future edit adds a URL by mistake.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>Progress review: {h(m.title)} (as of {report.as_of.isoformat()})</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>Progress review: {h(m.title)}</h1>",
        f'<p class="meta">{" · ".join(meta)}</p>',
        f'<p class="meta">As of <strong>{report.as_of.isoformat()}</strong></p>',
        owner_note,
        "</header>",
        '<section id="summary">',
        "<h2>Summary</h2>",
        '<div class="cards">',
        *(
            f'<div class="card{cls}"><span class="n">{n}</span><span class="l">{h(label)}</span>'
            "</div>"
            for label, n, cls in cards
        ),
        "</div>",
        f'<div class="bar" role="img" aria-label="Done share {report.done_percent}">'
        f'<span style="width:{share * 100:.1f}%"></span></div>',
        f'<p class="meta">Done: {h(_done_line(report))}</p>',
        '<table class="by-status"><thead><tr>',
        *(f'<th class="n">{_STATUS_TITLE[s]}</th>' for s in Status),
        '<th class="n">Overdue</th></tr></thead><tbody><tr>',
        *(f'<td class="n">{n}</td>' for n in report.by_status.values()),
        f'<td class="n{" late" if report.overdue else ""}">{len(report.overdue)}</td>',
        "</tr></tbody></table>",
        "</section>",
        _changes_section(report),
        '<section id="by-lead">',
        "<h2>Who owes what (by lead)</h2>",
    ]
    if report.by_lead:
        out += [_legend(), _chart(report), _lead_table(report)]
    else:
        out.append("<p>No work commitments to assign.</p>")
    out += ["</section>", '<section id="commitments">', "<h2>Commitments</h2>"]
    out.append(_commitments_table(report) if report.commitments else "<p>No commitments.</p>")
    out += [
        "</section>",
        '<section id="method">',
        "<h2>How this report counts</h2>",
        '<ul class="method">',
        *(f"<li>{h(sentence)}</li>" for sentence in report.method),
        "</ul>",
        "</section>",
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in out if part) + "\n"


def _changes_section(report: Report) -> str:
    if report.since is None:
        return ""
    out = ['<section id="changes">', f"<h2>{h(_since_title(report))}</h2>"]
    if report.changes:
        out.append(
            '<table class="changes"><thead><tr><th>Date</th><th>Ref</th><th>What happened</th>'
            "</tr></thead><tbody>"
        )
        out += [
            f'<tr><td class="due">{h(on)}</td><td class="ref">{h(ref)}</td>'
            f'<td class="text">{h(what)}</td></tr>'
            for on, ref, what in change_rows(report)
        ]
        out.append("</tbody></table>")
    else:
        out.append("<p>Nothing recorded.</p>")
    out.append("</section>")
    return "\n".join(out)


def _lead_table(report: Report) -> str:
    rows = []
    for line in report.by_lead:
        counts = "".join(f'<td class="n">{line.by_status[s]}</td>' for s in Status)
        late = _count_with_refs(len(line.overdue), line.overdue)
        rows.append(
            f'<tr><td>{h(line.lead)}</td><td class="n">{line.total}</td>{counts}'
            f'<td class="{"late" if line.overdue else ""}">{h(late)}</td>'
            f"<td>{h(_lead_breakdown(line))}</td></tr>"
        )
    head = "".join(f'<th class="n">{_STATUS_TITLE[s]}</th>' for s in Status)
    return (
        '<table class="by-lead"><thead><tr><th>Lead</th><th class="n">Led</th>'
        f"{head}<th>Overdue</th><th>Commitments</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _commitments_table(report: Report) -> str:
    rows = []
    for c in report.commitments:
        late = c.is_overdue(report.as_of)
        cls = "overdue" if late else ("info" if not c.is_work else "")
        rows.append(
            f'<tr class="{cls}" id="c-{h(c.ref)}">'
            f'<td class="ref">{h(c.ref)}</td>'
            f"<td>{h(c.source)}</td>"
            f'<td class="text main">{h(c.text)}</td>'
            f"<td>{h(owners_label(c))}</td>"
            f'<td class="due">{h(due_label(c))}</td>'
            f'<td class="status{" late" if late else ""}">{h(status_label(c, report))}</td>'
            f'<td class="text">{h(note_label(c))}</td>'
            f'<td class="text">{h(evidence_label(c))}</td>'
            "</tr>"
        )
    return (
        '<table class="commitments"><thead><tr><th>Ref</th><th>Source</th><th>Commitment</th>'
        "<th>Owners (lead first)</th><th>Due</th><th>Status</th>"
        "<th>Latest progress note</th><th>Evidence</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


# --- CSV and JSON -------------------------------------------------------------------------------

REPORT_COLUMNS = (
    "ref",
    "source",
    "text",
    "kind",
    "owners",
    "support",
    "due",
    "due_by",
    "status",
    "overdue",
    "informational",
    "latest_note",
    "evidence",
    "as_of",
)


def _columns(report: Report) -> tuple[str, ...]:
    return (*REPORT_COLUMNS, "changes_since") if report.since is not None else REPORT_COLUMNS


def _csv_rows(report: Report) -> Iterator[tuple[str, ...]]:
    changed: dict[str, list[str]] = {}
    for on, ref, what in change_rows(report):
        changed.setdefault(ref, []).append(f"{on} {what}")
    for c in report.commitments:
        values = {
            "ref": c.ref,
            "source": c.source,
            "text": c.text,
            "kind": c.kind.value,
            "owners": "; ".join(c.owners),
            "support": "; ".join(c.support),
            "due": c.due.text if c.due else "",
            "due_by": c.due.due_by.isoformat() if c.due else "",
            "status": c.status.value,
            "overdue": "yes" if c.is_overdue(report.as_of) else "",
            "informational": "" if c.is_work else "yes",
            "latest_note": note_label(c),
            "evidence": evidence_label(c),
            "as_of": report.as_of.isoformat(),
            "changes_since": "; ".join(changed.get(c.ref, ())),
        }
        yield tuple(csv_cell(values[k]) for k in _columns(report))


def csv_report(report: Report) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_columns(report))
    writer.writerows(_csv_rows(report))
    return out.getvalue()


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


def render_report(report: Report, fmt: str) -> str:
    """The report as text in a format named as ``--format`` names it (``table`` is the
    terminal report as plain text, for files)."""
    if fmt == "table":
        return terminal_text(report)
    if fmt == "md":
        return markdown_report(report)
    if fmt == "html":
        return html_report(report)
    if fmt == "csv":
        return csv_report(report)
    if fmt == "json":
        return json_report(report)
    raise ValueError(fmt)


# --- writing a report file --------------------------------------------------------------------


def write_atomic(path: Path, payload: str, *, store: StoreFiles) -> None:
    """Write a report or export file the way the store is written, all of it or none, and
    never over ``store``'s own files (``store.files.write_output``)."""
    from ..store.files import write_output

    try:
        write_output(path, payload.encode("utf-8"), store=store)
    except OSError as e:
        raise OutputWriteFailed(f"Could not write {path}: {e.strerror or e}.") from None
