"""A draft of commitments, shown for review as a table (Rich on a terminal, plain otherwise).

The JSON form is the import format itself (``render.to_json``), the CSV form goes through
``render.records_csv`` (the one CSV writer, ``render.csv_table``) like an export, so both keep
their one escaping; the owners read as in every paper (``present.owners_text``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import plain, print_renderable, safe_text, styled_output, visible
from .present import owners_text

if TYPE_CHECKING:
    from rich.table import Table

    from ..draft import Proposal
    from ..draft.units import Unit

_HEADERS = ("Source", "Kind", "Proposed commitment", "Owners", "Due", "Why")


def _cells(p: Proposal) -> tuple[str, ...]:
    owners = owners_text(p.owners, p.support)
    kind = p.kind.value + (" (info)" if p.informational else "")
    return (p.source, kind, p.text, owners, p.due.text if p.due else "-", p.why)


def proposals_table(proposals: Sequence[Proposal]) -> Table:
    from rich.table import Table

    table = Table(show_lines=True)
    table.add_column(_HEADERS[0], no_wrap=True)
    table.add_column(_HEADERS[1], no_wrap=True)
    table.add_column(_HEADERS[2], ratio=4, overflow="fold")
    table.add_column(_HEADERS[3], ratio=2, overflow="fold")
    table.add_column(_HEADERS[4], no_wrap=True)
    table.add_column(_HEADERS[5], ratio=2, overflow="fold", style="dim")
    for p in proposals:
        table.add_row(*(safe_text(cell) for cell in _cells(p)))
    return table


#: The narrowest output that holds the six columns without cutting words ("Owner s",
#: "Thail and" at 80): narrower, each proposal is a block of labelled lines.
TABLE_WIDTH = 110


def print_proposals(proposals: Sequence[Proposal]) -> None:
    if plain.output_width() < TABLE_WIDTH:
        records = [
            [
                ("", f"{source}  {kind}"),
                ("", text),
                ("Owners", owners),
                ("Due", due),
                ("Why", why),
            ]
            for source, kind, text, owners, due, why in (
                tuple(visible(cell) for cell in _cells(p)) for p in proposals
            )
        ]
        sys.stdout.write(plain.blocks(records))
        return
    if styled_output():
        print_renderable(proposals_table(proposals))
        return
    columns = [
        plain.Column(_HEADERS[0]),
        plain.Column(_HEADERS[1]),
        plain.Column(_HEADERS[2], ratio=4),
        plain.Column(_HEADERS[3], ratio=2),
        plain.Column(_HEADERS[4]),
        plain.Column(_HEADERS[5], ratio=2),
    ]
    rows = [tuple(visible(cell) for cell in _cells(p)) for p in proposals]
    sys.stdout.write(plain.table(columns, rows, plain.output_width(), rules=True))


#: How many unread paragraphs are named one by one, and how much of each.
_UNREAD_SHOWN, _UNREAD_WIDTH = 12, 70


def unread_lines(unread: Sequence[Unit]) -> list[str]:
    """The paragraphs that gave no proposal, for the officer to check by hand (stderr): a
    commitment the reader missed is then a line to look at, not a silent loss."""
    n = len(unread)
    lines = [
        f"{n} paragraph{'' if n == 1 else 's'} of the statement gave no proposal "
        f"(no verb of a meeting's outcome found); check {'it' if n == 1 else 'them'}:"
    ]
    for unit in unread[:_UNREAD_SHOWN]:
        text = " ".join(unit.text.split())
        if len(text) > _UNREAD_WIDTH:
            text = text[: _UNREAD_WIDTH - 3].rstrip() + "..."
        lines.append(f"  {unit.source}: {text}")
    if n > _UNREAD_SHOWN:
        lines.append(f"  and {n - _UNREAD_SHOWN} more")
    return lines
