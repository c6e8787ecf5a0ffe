"""Every way user text leaves the program, and the one place that makes it safe.

Commitment texts come from many hands (minutes pasted from PDFs, imported spreadsheets), so any
of them may hold Rich markup, terminal escape sequences or bidi overrides. Terminal output goes
through ``visible`` (control characters shown as ``\\x1b``-style escapes) and into Rich only as
``Text`` objects, never as markup; JSON keeps text exactly.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from typing import IO, TYPE_CHECKING, Any

import orjson

from ..model import Commitment, Meeting, Status, commitment_to_dict, meeting_to_dict

# The presenter (``present``) and the plain table layout (``plain``) are imported by the
# functions that use them: a write command prints one message and should not pay ~5 ms to
# load the table machinery (issue 16).

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..tracker import HistoryEntry
    from .plain import Column


# C0 controls but newline, DEL, C1 controls, the line and paragraph separators, every format
# character (Unicode category Cf: bidi embeddings, overrides and isolates, zero-width marks and
# joiners, the word joiner, soft hyphen, tag characters...) and the Hangul fillers and the
# combining grapheme joiner, which show nothing: each can reorder or hide text, or make two
# names look alike. A test checks this class against every Cf character Python knows.
@cache
def _unsafe() -> re.Pattern[str]:
    """Compiled on the first text that is not printable ASCII (~0.5 ms a run otherwise)."""
    return re.compile(
        "[\x00-\x09\x0b-\x1f\x7f-\x9f\xad\u034f\u0600-\u0605\u061c\u06dd\u070f"
        "\u0890\u0891\u08e2\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
        "\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
        "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
        "\U000e0020-\U000e007f]"
    )


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


#: What the pattern shows as escapes though ``str.isprintable`` passes it: the combining
#: grapheme joiner and the Hangul fillers (a test checks this against every character).
_PRINTABLE_HIDDEN = frozenset("\u034f\u115f\u1160\u3164\uffa0")


def visible(text: str) -> str:
    """Show control and bidi characters as escapes so that text cannot drive the terminal.
    Printable text, most of any record, holds none of them and is returned as it is: the
    full pattern costs ~3 µs a cell, a thousand cells a listing, and ~1 ms to compile, which
    a report spent on the "·" of its meeting line alone."""
    if text.isprintable() and (text.isascii() or _PRINTABLE_HIDDEN.isdisjoint(text)):
        return text
    return _unsafe().sub(_escape, text)


def one_line(text: str) -> str:
    """``visible`` for places that must stay on one line (messages, CSV-less summaries)."""
    return visible(text.replace("\n", " "))


# --- consoles ---------------------------------------------------------------------------


def console(file: IO[str] | None = None) -> Console:
    from rich.console import Console

    # markup/emoji/highlight off: nothing a user typed may be read as styling.
    return Console(
        file=file or sys.stdout, markup=False, emoji=False, highlight=False, soft_wrap=False
    )


def write_line(line: str, file: IO[str] | None = None) -> None:
    (file or sys.stdout).write(one_line(line) + "\n")


def error_line(message: str) -> None:
    sys.stderr.write(f"aghtrack: {one_line(message)}\n")


def safe_text(value: str, style: str = "") -> Text:
    from rich.text import Text

    return Text(visible(value), style=style)


# --- JSON ---------------------------------------------------------------------------------


def to_json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


def commitments_json(commitments: Iterable[Commitment]) -> str:
    return to_json([commitment_to_dict(c) for c in commitments])


def meeting_json(meeting: Meeting, counts: dict[str, int] | None = None) -> str:
    payload = meeting_to_dict(meeting)
    if counts is not None:
        payload["commitments"] = dict(counts)
    return to_json(payload)


# --- tables -------------------------------------------------------------------------------


#: How each tone (``present.Tone``, a StrEnum: its members look up as their values) looks
#: in a terminal.
TONE_STYLE = {"plain": "", "late": "bold red", "quiet": "dim"}


def status_text(c: Commitment, as_of: date) -> Text:
    from .present import status_label, tone

    return safe_text(status_label(c, as_of), TONE_STYLE[tone(c, as_of)])


def commitments_table(commitments: Sequence[Commitment], as_of: date) -> Table:
    from rich.table import Table

    from .present import due_label, owners_label

    table = Table(show_lines=False, expand=False)
    # A reference is what users type next: it must never be cut, whatever the width.
    ref_width = max((len(visible(c.ref)) for c in commitments), default=3)
    table.add_column("Ref", no_wrap=True, min_width=ref_width)
    table.add_column("Commitment", ratio=3, overflow="fold")
    table.add_column("Owners", ratio=1, overflow="fold")
    table.add_column("Due", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    for c in commitments:
        done = c.status is Status.DONE
        table.add_row(
            safe_text(c.ref),
            safe_text(c.text, "dim" if done else ""),
            safe_text(owners_label(c), "dim" if done else ""),
            safe_text(due_label(c)),
            status_text(c, as_of),
        )
    return table


def meetings_table(meetings: Sequence[Meeting]) -> Table:
    from rich.table import Table

    table = Table()
    table.add_column("Key", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Title", ratio=2, overflow="fold")
    table.add_column("Location", ratio=1, overflow="fold")
    for m in meetings:
        table.add_row(
            safe_text(m.key),
            safe_text(m.date.isoformat()),
            safe_text(m.title),
            safe_text(m.location),
        )
    return table


def _fields_table() -> Table:
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    return table


def meeting_detail(meeting: Meeting, counts: dict[str, int]) -> Table:
    table = _fields_table()
    for label, value in (
        ("Meeting", meeting.key),
        ("Title", meeting.title),
        ("Series", meeting.series),
        ("Date", meeting.date.isoformat()),
        ("Location", meeting.location),
        ("Chairs", ", ".join(meeting.chairs)),
        ("Attendees", ", ".join(meeting.attendees)),
        ("Observers", ", ".join(meeting.observers)),
        ("Purpose", meeting.purpose),
        ("Source", meeting.source),
    ):
        if value:
            table.add_row(label, safe_text(value))
    total = sum(counts.values())
    breakdown = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
    table.add_row("Commitments", safe_text(f"{total}" + (f" ({breakdown})" if breakdown else "")))
    return table


def commitment_fields(
    c: Commitment, as_of: date, history: Sequence[HistoryEntry] = ()
) -> list[tuple[str, str, str]]:
    """What ``show`` says of a commitment, once for both layouts: (label, unescaped value,
    style) rows; the style is Rich's, for a terminal."""
    from ..concurrency import concurrent_edits
    from .present import evidence_label, status_label, tone

    rows = [("Ref", c.ref, ""), ("Id", c.id, ""), ("Meeting", c.meeting, "")]
    if c.source:
        rows.append(("Source", c.source, ""))
    rows.append(("Text", c.text, ""))
    rows.append(("Kind", c.kind.value, ""))
    rows.append(("Owners", ", ".join(c.owners) or "-", ""))
    if c.support:
        rows.append(("Support", ", ".join(c.support), ""))
    rows.append(("Due", f"{c.due.text} (by {c.due.due_by})" if c.due else "-", ""))
    rows.append(("Status", status_label(c, as_of), TONE_STYLE[tone(c, as_of)]))
    since = c.status_on.isoformat() if c.status_on else f"meeting {c.meeting}"
    estimated = f" ({c.status_estimated})" if c.status_estimated else ""
    rows.append(("Status since", since + estimated, ""))
    if c.superseded_by:
        rows.append(("Superseded by", c.superseded_by, ""))
    if c.replaces:
        rows.append(("Replaces", ", ".join(c.replaces), ""))
    if c.evidence:
        rows.append(("Evidence", evidence_label(c), ""))
    if c.tags:
        rows.append(("Tags", ", ".join(c.tags), ""))
    rows.extend(("Note", f"{n.on} {n.by}: {n.text}", "") for n in c.notes)
    rows.append(("Created", c.created, ""))
    rows.append(("Updated", c.updated, ""))
    lost = concurrent_edits(c.events)
    for e in c.events:
        if e.dated_by(as_of):
            happened = e.on.isoformat() if e.on else f"meeting {c.meeting}"
            who = f" by {e.by}" if e.by else ""
            stamp = e.at[:19].replace("T", " ")
            line = f"{happened}: {e.summary}" + (f" (recorded {stamp} UTC{who})" if e.at else "")
            if e.id in lost:
                winner = lost[e.id].winner.by or "another office"
                line += f" [concurrent edit, overridden by {winner}'s]"
            rows.append(("Dated", line, ""))
    for h in history:
        undone = f" (undone by #{h.undone_by})" if h.undone_by else ""
        rows.append(("History", f"#{h.seq} {h.at} {h.by}: {h.summary}{undone}", ""))
    return rows


def commitment_detail(c: Commitment, as_of: date, history: Sequence[HistoryEntry] = ()) -> Table:
    table = _fields_table()
    for label, value, style in commitment_fields(c, as_of, history):
        table.add_row(label, safe_text(value, style))
    return table


def print_commitment(c: Commitment, as_of: date, history: Sequence[HistoryEntry] = ()) -> None:
    """``show``: Rich's grid on a terminal; a file or pipe gets the same lines laid out
    without loading Rich (~20 ms of a run)."""
    if styled_output():
        print_renderable(commitment_detail(c, as_of, history))
        return
    from . import plain

    rows = [(label, visible(value)) for label, value, _ in commitment_fields(c, as_of, history)]
    sys.stdout.write(plain.fields(rows, plain.output_width()))


def _history_rows(entries: Sequence[HistoryEntry]) -> list[tuple[str, str, str, str]]:
    return [
        (
            str(h.seq) if h.seq else "-",
            h.at,
            h.by,
            h.summary + (f" (undone by #{h.undone_by})" if h.undone_by else ""),
        )
        for h in entries
    ]


def history_table(entries: Sequence[HistoryEntry]) -> Table:
    from rich.table import Table

    table = Table()
    table.add_column("#", no_wrap=True, justify="right")
    table.add_column("When (UTC)", no_wrap=True)
    table.add_column("Who", overflow="fold")
    table.add_column("What", ratio=1, overflow="fold")
    for (seq, at, by, what), h in zip(_history_rows(entries), entries, strict=True):
        table.add_row(
            safe_text(seq),
            safe_text(at),
            safe_text(by),
            safe_text(what, "dim" if h.undone_by else ""),
        )
    return table


def print_history(entries: Sequence[HistoryEntry]) -> None:
    """``history``: Rich's table on a terminal, the plain layout of the same table elsewhere."""
    if styled_output():
        print_renderable(history_table(entries))
        return
    from .plain import Column, output_width, table

    # Rich gives up width from the widest wrapping column first: two equal ratios.
    columns = [Column("#", right=True), Column("When (UTC)")]
    columns += [Column("Who", ratio=1), Column("What", ratio=1)]
    rows = [tuple(visible(cell) for cell in row) for row in _history_rows(entries)]
    sys.stdout.write(table(columns, rows, output_width()))


def history_json(entries: Sequence[HistoryEntry]) -> str:
    return to_json(
        [
            {
                "seq": h.seq,
                "at": h.at,
                "by": h.by,
                "command": h.command,
                "summary": h.summary,
                "undone_by": h.undone_by,
            }
            for h in entries
        ]
    )


# --- writing ------------------------------------------------------------------------------


def write_raw(payload: str) -> None:
    """Machine output (JSON, CSV, Markdown) goes out exactly, to a file or a pipe: it was
    escaped for its format. On a terminal, where a CSV cell's escape sequence would clear the
    screen or retitle the window, what would drive the terminal is shown as escapes, as every
    table shows it."""
    text = payload if payload.endswith("\n") else payload + "\n"
    isatty = getattr(sys.stdout, "isatty", None)
    if isatty is not None and isatty():
        text = visible(text)
    sys.stdout.write(text)


def message(text: str) -> None:
    """A note for the person at the keyboard: stderr, so stdout stays clean data."""
    sys.stderr.write(one_line(text) + "\n")


def print_renderable(renderable: Any) -> None:
    console().print(renderable)


def styled_output() -> bool:
    """Whether stdout gets Rich's styled tables: exactly when Rich would take it for a
    terminal (``TTY_COMPATIBLE`` 0 or 1, then a set ``FORCE_COLOR``, non-empty, then
    ``isatty``), so whatever Rich would colour still is. Files and pipes get the plain layout,
    ~30 times faster; asking Rich itself would cost the ~20 ms import this path avoids."""
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    try:
        return sys.stdout.isatty()
    except ValueError:  # stdout already closed (the end of a pytest run): not a terminal
        return False


def print_commitments(commitments: Sequence[Commitment], as_of: date) -> None:
    from . import plain

    if not commitments:
        return
    rows = _list_rows(commitments, as_of)
    if plain.too_narrow(list_columns(), rows, plain.screen_width()):
        sys.stdout.write(_blocks(rows))
    elif styled_output():
        print_renderable(commitments_table(commitments, as_of))
    else:
        sys.stdout.write(plain.table(list_columns(), rows, plain.output_width()))


def commitments_plain_table(
    commitments: Sequence[Commitment], as_of: date, width: int | None = None
) -> str:
    """The list table for a file or pipe: same columns, no colour, laid out without Rich."""
    from . import plain

    rows = _list_rows(commitments, as_of)
    return plain.table(list_columns(), rows, width or plain.output_width())


def _blocks(rows: Sequence[tuple[str, str, str, str, str]]) -> str:
    """The list for a terminal too narrow for its table: one block per commitment."""
    from . import plain

    return plain.blocks([commitment_block(row) for row in rows])


def commitment_block(
    row: Sequence[str], under_text: Sequence[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """One commitment as a block of lines, for a terminal too narrow for a table (``list``,
    the report, the review paper): its list row (reference, text, owners, due, status, each
    already through ``visible``) with the reference and status first, and ``under_text``
    (labelled lines: a note, evidence) under the text."""
    ref, text, owners, due, status = row
    return [
        ("", f"{ref}  {status}"),
        ("", text),
        *under_text,
        ("Owners", owners),
        ("Due", due),
    ]


def _list_rows(
    commitments: Iterable[Commitment], as_of: date
) -> list[tuple[str, str, str, str, str]]:
    from .present import due_label, owners_label, status_label

    return [
        (
            one_line(c.ref),
            visible(c.text),
            visible(owners_label(c)),
            one_line(due_label(c)),
            status_label(c, as_of),
        )
        for c in commitments
    ]


def list_columns() -> tuple[Column, ...]:
    """The list table's columns, as the plain layout and the narrow-terminal check see them."""
    from .plain import Column

    return (
        Column("Ref"),
        Column("Commitment", ratio=1),
        Column("Owners", ratio=1),
        Column("Due"),
        Column("Status"),
    )


def commitment_dict(c: Commitment, history: Sequence[HistoryEntry] | None = None) -> dict[str, Any]:
    payload = commitment_to_dict(c)
    if history is not None:
        payload["history"] = [
            {
                "seq": h.seq,
                "at": h.at,
                "by": h.by,
                "command": h.command,
                "summary": h.summary,
                "undone_by": h.undone_by,
            }
            for h in history
        ]
    return payload


# --- CSV and Markdown ---------------------------------------------------------------------

#: What a spreadsheet would evaluate (CWE-1236) when a cell starts with it, after any number
#: of leading quotes: the guard adds one quote and import takes one away, so a text that
#: really begins with ``'=`` survives.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """Neutralise what a spreadsheet would evaluate: a leading quote makes it text. The quote
    is the convention spreadsheets know; ``transfer`` removes exactly one on import."""
    return "'" + value if value.lstrip("'").startswith(_FORMULA_START) else value


@cache
def _md_special() -> re.Pattern[str]:
    """Compiled for the first Markdown cell: every other command is spared it."""
    return re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def md_cell(value: str) -> str:
    """Text for a Markdown table cell: visible, one line, every markup character escaped."""
    return _md_special().sub(r"\\\1", visible(value).replace("\n", " "))


def write_csv_row(out: IO[str], cells: Sequence[str]) -> None:
    """One CSV row. Python's csv quotes a cell holding "\\n" but not a bare "\\r", which a
    spreadsheet (or csv itself, reading back) takes for a line break: such rows are quoted whole."""
    import csv

    if any("\r" in cell for cell in cells):
        csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(cells)
    else:
        csv.writer(out, lineterminator="\n").writerow(cells)


def csv_table(header: Sequence[str], rows: Iterable[Sequence[str]], bom: bool = False) -> str:
    """The one CSV writer: a header, then the rows, every cell through ``csv_cell``.

    ``bom`` starts the file with a UTF-8 byte-order mark, by which Excel knows the encoding."""
    import io

    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    write_csv_row(out, header)
    for row in rows:
        write_csv_row(out, [csv_cell(cell) for cell in row])
    return out.getvalue()


def commitments_csv(commitments: Sequence[Commitment], as_of: date, bom: bool = False) -> str:
    from .present import COMMITMENT_COLUMNS, commitment_rows, text_cell

    return csv_table(
        [column.name for column in COMMITMENT_COLUMNS],
        ([text_cell(v) for v in row] for row in commitment_rows(commitments, as_of)),
        bom,
    )


def commitments_markdown(commitments: Iterable[Commitment], as_of: date) -> str:
    from .present import Tone, due_label, owners_label, status_label, tone

    lines = ["| Ref | Commitment | Owners | Due | Status |", "|---|---|---|---|---|"]
    for c in commitments:
        status = md_cell(status_label(c, as_of))
        if tone(c, as_of) is Tone.LATE:
            status = f"**{status}**"
        lines.append(
            f"| {md_cell(c.ref)} | {md_cell(c.text)} | {md_cell(owners_label(c))} "
            f"| {md_cell(due_label(c))} | {status} |"
        )
    return "\n".join(lines) + "\n"


def records_csv(columns: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    """A CSV of the given columns (used by export)."""
    return csv_table(columns, ([row.get(k, "") for k in columns] for row in rows))
