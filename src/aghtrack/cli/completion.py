"""Shell completion from the store: meeting keys, owners and references.

Completion runs on every Tab press, so it must never print an error or a traceback: a missing
or unreadable store simply completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from ..errors import AghtrackError
from ..tracker import Tracker
from .app import Session, resolve_store_path


def _tracker(ctx: typer.Context) -> Tracker:
    root = ctx.find_root()
    db = root.params.get("db") if root.params else None
    return Session(db=resolve_store_path(db)).tracker()


def _complete(
    ctx: typer.Context, incomplete: str, names: Callable[[Tracker], list[str]]
) -> list[str]:
    try:
        candidates = names(_tracker(ctx))
    except (AghtrackError, OSError):
        return []
    wanted = incomplete.casefold()
    return [c for c in dict.fromkeys(candidates) if c.casefold().startswith(wanted)]


def meetings(ctx: typer.Context, incomplete: str) -> list[str]:
    return _complete(ctx, incomplete, lambda t: t.meeting_keys())


def owners(ctx: typer.Context, incomplete: str) -> list[str]:
    return _complete(
        ctx,
        incomplete,
        lambda t: sorted({n for c in t.commitments() for n in (*c.owners, *c.support)}),
    )


def references(ctx: typer.Context, incomplete: str) -> list[str]:
    return _complete(ctx, incomplete, lambda t: [c.ref for c in t.commitments()])
