"""The next meeting's review paper in five formats (``review.Review``).

It shares the report's cells (``render.report``: status, due, owners, evidence, latest note)
and its escaping helpers, so a commitment reads the same in the review paper and the progress
review. User text reaches each format only through that format's escaping helper.
"""

from __future__ import annotations

from typing import Any

from ..model import Commitment, commitment_to_dict, meeting_to_dict
from ..review import Review
from . import md_cell, owners_label, plain, records_csv, to_json, visible
from .report import _CSS, due_label, evidence_label, h, note_label, status_on


def _title(review: Review) -> str:
    return f"Review of progress for {review.meeting.title}"


def _subtitle(review: Review) -> str:
    m = review.meeting
    parts = [f"Meeting {m.key}", m.date.isoformat(), *([m.location] if m.location else [])]
    return " · ".join(parts)


def _previous(review: Review) -> str:
    p = review.previous
    return f"meeting {p.key} ({p.date.isoformat()})" if p else "none in the record"


def _cells(c: Commitment, review: Review) -> tuple[str, str, str, str, str, str, str]:
    return (
        c.ref,
        c.text,
        owners_label(c),
        due_label(c),
        status_on(c, review.as_of),
        note_label(c),
        evidence_label(c),
    )


# --- plain text (the terminal, and --format table to a file) ----------------------------------


def text_review(review: Review) -> str:
    width = plain.output_width()
    out = [
        visible(_title(review)),
        visible(_subtitle(review)),
        f"As of {review.as_of.isoformat()} · previous meeting: {visible(_previous(review))}",
        "",
        f"Still open ({len(review.open_commitments)})",
    ]
    columns = [
        plain.Column("Ref"),
        plain.Column("Commitment", ratio=3),
        plain.Column("Owners", ratio=2),
        plain.Column("Due", ratio=1, max_width=9),
        plain.Column("Status"),
    ]
    if not review.open:
        out.append("Nothing from earlier meetings is still open.")
    for meeting, group in review.open:
        heading = f"From meeting {meeting.key}: {meeting.title} ({meeting.date})"
        out.append(visible(heading))
        rows = []
        for c in group:
            ref, text, owners, due, status, note, _ = _cells(c, review)
            cell = text + (f"\nLatest note: {note}" if note else "")
            rows.append(tuple(visible(v) for v in (ref, cell, owners, due, status)))
        out.append(plain.table(columns, rows, width, rules=True).rstrip("\n"))
    out += ["", f"Closed since the previous meeting ({len(review.closed_since)})"]
    if review.closed_since:
        closed = [
            plain.Column("Ref"),
            plain.Column("Commitment", ratio=3),
            plain.Column("Status"),
            plain.Column("Evidence", ratio=2),
        ]
        rows = [
            tuple(visible(v) for v in (c.ref, c.text, status_on(c, review.as_of), _closed(c)))
            for c in review.closed_since
        ]
        out.append(plain.table(closed, rows, width, rules=True).rstrip("\n"))
    else:
        out.append("Nothing was closed.")
    out += ["", f"For information ({len(review.informational)})"]
    out += [f"- {visible(c.ref)} {visible(c.text)}" for c in review.informational] or ["None."]
    out += ["", "How this paper counts"]
    out += [f"- {visible(sentence)}" for sentence in review.method]
    return "\n".join(out) + "\n"


def _closed(c: Commitment) -> str:
    parts = [evidence_label(c)]
    if c.status_on is not None and (c.evidence is None or c.evidence.on != c.status_on):
        parts.append(f"{c.status.value} on {c.status_on.isoformat()}")
    if c.superseded_by:
        parts.append(f"superseded by {c.superseded_by}")
    return "; ".join(p for p in parts if p)


# --- Markdown -----------------------------------------------------------------------------------


def markdown_review(review: Review) -> str:
    lines = [
        f"# {md_cell(_title(review))}",
        "",
        f"- **Meeting:** {md_cell(_subtitle(review))}",
        f"- **As of:** {review.as_of.isoformat()}",
        f"- **Previous meeting:** {md_cell(_previous(review))}",
        "",
        f"## Still open ({len(review.open_commitments)})",
        "",
    ]
    if not review.open:
        lines.append("Nothing from earlier meetings is still open.")
    for meeting, group in review.open:
        lines += [
            f"### From meeting {md_cell(meeting.key)}: {md_cell(meeting.title)} ({meeting.date})",
            "",
            "| Ref | Commitment | Owners | Due | Status | Latest progress note |",
            "|---|---|---|---|---|---|",
        ]
        for c in group:
            ref, text, owners, due, status, note, _ = _cells(c, review)
            cells = (ref, text, owners, due, status, note)
            lines.append("| " + " | ".join(md_cell(v) for v in cells) + " |")
        lines.append("")
    lines += [f"## Closed since the previous meeting ({len(review.closed_since)})", ""]
    if review.closed_since:
        lines += ["| Ref | Commitment | Status | Evidence |", "|---|---|---|---|"]
        for c in review.closed_since:
            closed = (c.ref, c.text, status_on(c, review.as_of), _closed(c))
            lines.append("| " + " | ".join(md_cell(v) for v in closed) + " |")
    else:
        lines.append("Nothing was closed.")
    lines += ["", f"## For information ({len(review.informational)})", ""]
    lines += [f"- {md_cell(c.ref)}: {md_cell(c.text)}" for c in review.informational] or ["None."]
    lines += ["", "## How this paper counts", ""]
    lines += [f"- {md_cell(sentence)}" for sentence in review.method]
    return "\n".join(lines) + "\n"


# --- HTML -----------------------------------------------------------------------------------------


def html_review(review: Review) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{h(_title(review))} (as of {review.as_of.isoformat()})</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{h(_title(review))}</h1>",
        f'<p class="meta">{h(_subtitle(review))}</p>',
        f'<p class="meta">As of <strong>{review.as_of.isoformat()}</strong> · previous '
        f"meeting: {h(_previous(review))}</p>",
        "</header>",
        "<main>",
        '<section id="open">',
        f"<h2>Still open ({len(review.open_commitments)})</h2>",
    ]
    if not review.open:
        out.append("<p>Nothing from earlier meetings is still open.</p>")
    for meeting, group in review.open:
        out.append(f"<h3>From meeting {h(meeting.key)}: {h(meeting.title)} ({meeting.date})</h3>")
        out.append(
            '<table class="commitments"><thead><tr><th>Ref</th><th>Commitment</th>'
            "<th>Owners (lead first)</th><th>Due</th><th>Status</th>"
            "<th>Latest progress note</th></tr></thead><tbody>"
        )
        for c in group:
            ref, text, owners, due, status, note, _ = _cells(c, review)
            late = c.is_overdue(review.as_of)
            out.append(
                f'<tr class="{"overdue" if late else ""}"><td class="ref">{h(ref)}</td>'
                f'<td class="text main">{h(text)}</td><td>{h(owners)}</td>'
                f'<td class="due">{h(due)}</td>'
                f'<td class="status{" late" if late else ""}">{h(status)}</td>'
                f'<td class="text">{h(note)}</td></tr>'
            )
        out.append("</tbody></table>")
    out += [
        "</section>",
        '<section id="closed">',
        f"<h2>Closed since the previous meeting ({len(review.closed_since)})</h2>",
    ]
    if review.closed_since:
        out.append(
            '<table class="commitments"><thead><tr><th>Ref</th><th>Commitment</th>'
            "<th>Status</th><th>Evidence</th></tr></thead><tbody>"
        )
        out += [
            f'<tr><td class="ref">{h(c.ref)}</td><td class="text main">{h(c.text)}</td>'
            f'<td class="status">{h(status_on(c, review.as_of))}</td>'
            f'<td class="text">{h(_closed(c))}</td></tr>'
            for c in review.closed_since
        ]
        out.append("</tbody></table>")
    else:
        out.append("<p>Nothing was closed.</p>")
    out += [
        "</section>",
        '<section id="informational">',
        f"<h2>For information ({len(review.informational)})</h2>",
        "<ul>",
        *(f"<li><strong>{h(c.ref)}</strong> {h(c.text)}</li>" for c in review.informational),
        "</ul>",
        "</section>",
        '<section id="method">',
        "<h2>How this paper counts</h2>",
        '<ul class="method">',
        *(f"<li>{h(sentence)}</li>" for sentence in review.method),
        "</ul>",
        "</section>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


# --- CSV and JSON ---------------------------------------------------------------------------------

REVIEW_COLUMNS = (
    "section",
    "meeting",
    "seq",
    "ref",
    "text",
    "owners",
    "due",
    "status",
    "status_on",
    "latest_note",
    "evidence",
    "as_of",
)


def csv_review(review: Review) -> str:
    sections = (
        ("open", review.open_commitments),
        ("closed_since", review.closed_since),
        ("informational", review.informational),
    )
    rows = (
        {
            "section": name,
            "meeting": c.meeting,
            "seq": str(c.seq),
            "ref": c.ref,
            "text": c.text,
            "owners": "; ".join(c.owners),
            "due": c.due.text if c.due else "",
            "status": status_on(c, review.as_of),
            "status_on": c.status_on.isoformat() if c.status_on else "",
            "latest_note": note_label(c),
            "evidence": evidence_label(c),
            "as_of": review.as_of.isoformat(),
        }
        for name, found in sections
        for c in found
    )
    return records_csv(REVIEW_COLUMNS, rows)


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


def render_review(review: Review, fmt: str) -> str:
    if fmt == "table":
        return text_review(review)
    if fmt == "md":
        return markdown_review(review)
    if fmt == "html":
        return html_review(review)
    if fmt == "csv":
        return csv_review(review)
    if fmt == "json":
        return to_json(review_dict(review)) + "\n"
    raise ValueError(fmt)
