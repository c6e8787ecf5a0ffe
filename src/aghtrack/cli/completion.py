"""Shell completion: meeting keys, owners and references from the store, and the fixed sets
(statuses, kinds; formats and sort keys complete from their own option).

Completion runs on every Tab press, so it must never print an error or a traceback: a missing
or unreadable store simply completes nothing.

Bash puts a candidate on the command line exactly as given, so a name with a space
(``Interested members``) would arrive as two arguments: for bash, candidates are shell-quoted.
zsh and fish quote them themselves.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterable

import typer

from ..errors import AghtrackError
from ..model import Kind, Status
from ..tracker import Tracker
from .app import Session, resolve_store_path

#: The variable Typer's completion scripts set, naming the shell (``complete_bash``...).
COMPLETE_VAR = "_AGHTRACK_COMPLETE"


def _for_shell(candidates: Iterable[str]) -> list[str]:
    if os.environ.get(COMPLETE_VAR, "").startswith("complete_bash"):
        return [shlex.quote(c) for c in candidates]
    return list(candidates)


def _matching(candidates: Iterable[str], incomplete: str) -> list[str]:
    wanted = incomplete.casefold()
    return _for_shell(c for c in dict.fromkeys(candidates) if c.casefold().startswith(wanted))


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
    return _matching(candidates, incomplete)


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


def statuses(incomplete: str) -> list[str]:
    return _matching((s.value for s in Status), incomplete)


def kinds(incomplete: str) -> list[str]:
    return _matching((k.value for k in Kind), incomplete)
