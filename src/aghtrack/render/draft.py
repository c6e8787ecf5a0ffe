"""A draft of commitments, shown for review as a table (Rich on a terminal, plain otherwise).

The JSON form is the import format itself (``render.to_json``), the CSV form goes through
``render.records_csv`` like an export, so both keep their one escaping.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import plain, print_renderable, safe_text, styled_output, visible

if TYPE_CHECKING:
    from rich.table import Table

    from ..draft import Proposal

_HEADERS = ("Source", "Kind", "Proposed commitment", "Owners", "Due", "Why")


def _cells(p: Proposal) -> tuple[str, ...]:
    owners = ", ".join(p.owners) or "-"
    if p.support:
        owners += f" (with {', '.join(p.support)})"
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


def print_proposals(proposals: Sequence[Proposal]) -> None:
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
