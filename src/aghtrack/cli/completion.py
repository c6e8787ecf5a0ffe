"""Shell completion: meeting keys, owners and references from the store, and the fixed sets
(statuses, kinds; formats and sort keys complete from their own option).

Completion runs on every Tab press, so it must never print an error or a traceback: a missing
or unreadable store simply completes nothing.

Bash puts a candidate on the command line exactly as given, so a name with a space
(``Interested members``) would arrive as two arguments: ``QuotingBashComplete`` shell-quotes
every bash candidate (zsh and fish quote them themselves). Typer offers no public hook for
this; ``AghtrackGroup`` registers the class just before completing (Typer re-registers its
own on every run), and a test drives real bash to keep it honest across Typer versions.
"""

# Annotations are evaluated at import, not postponed (no ``from __future__ import
# annotations``): on every run Typer reads the signature of each completion function the
# command's options name, and would evaluate string annotations each time.

from collections.abc import Callable, Iterable
from typing import Any

import typer
from typer._completion_classes import BashComplete

from ..errors import AghtrackError
from ..model import Kind, Status
from ..tracker import Tracker
from .app import Session, resolve_store_path


class QuotingBashComplete(BashComplete):
    """Typer's bash completion, each candidate quoted as bash must read it back."""

    def format_completion(self, item: Any) -> str:
        import shlex  # only when completing

        return shlex.quote(str(item.value))


def register_quoting_bash() -> None:
    from typer._click.shell_completion import add_completion_class

    add_completion_class(QuotingBashComplete, "bash")


def _matching(candidates: Iterable[str], incomplete: str) -> list[str]:
    # Typer keeps only candidates that start with what was typed, case and all.
    return [c for c in dict.fromkeys(candidates) if c.startswith(incomplete)]


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
