"""`aghtrack doctor`: check the store and its backups, and bring back the last good one."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import BadInput, StoreError
from .app import app, session

if TYPE_CHECKING:
    from ..doctor import Health


@app.command()
def doctor(
    ctx: typer.Context,
    restore: Annotated[
        bool,
        typer.Option(
            "--restore",
            help="If the store is damaged or missing, put the newest good backup in its place "
            "(the damaged file is kept aside, never deleted).",
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Restore without asking for confirmation.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Check the store and its backups; exit 1 if the store is damaged.

    Other commands refuse a damaged store and leave it exactly as it is. The doctor says what
    is wrong with it and with each backup (store.json.bak1 is the newest), and with --restore
    brings back the newest good backup, keeping the damaged file as store.json.damaged-TIME.

    \b
    Example: aghtrack doctor
    Example: aghtrack doctor --restore --yes
    """
    from .. import doctor as doctoring
    from .. import render

    store = session(ctx).tracker().store
    health = doctoring.check(store)
    if restore and not health.healthy:
        good = health.good_backup
        if not yes and good is not None and not health.store.newer:
            if not sys.stdin.isatty():
                raise BadInput("Not restoring without --yes (no terminal to ask on).")
            question = (
                f"Replace {store.path.name} with {good.path.name} "
                f"(generation {good.generation}, {good.commitments} commitments)?"
            )
            if not typer.confirm(render.one_line(question), default=False, err=True):
                render.message("Nothing restored.")
                raise typer.Exit(1)
        restored = doctoring.restore_last_good(store)
        if restored is not None:
            aside = (
                f"; the damaged file is kept as {restored.kept_aside.name}"
                if restored.kept_aside
                else ""
            )
            render.message(
                f"Restored {store.path.name} from {restored.backup.path.name} "
                f"(generation {restored.backup.generation}){aside}. Changes made after that "
                "backup, if any, are only in the damaged file."
            )
        health = doctoring.check(store)
    if as_json:
        render.write_raw(render.to_json(health.as_dict()))
    else:
        _print_health(health)
    if not health.healthy:
        raise StoreError(store.path, doctoring.damage_message(health))


def _print_health(health: Health) -> None:
    from .. import render

    render.write_line(f"{health.store.path}: {health.store.summary()}")
    for warning in health.store.warnings:
        render.write_line(f"  warning: {warning}")
    if not health.backups:
        render.write_line("no backups yet (one is kept from the second change on)")
    for backup in health.backups:
        render.write_line(f"{backup.path.name}: {backup.summary()}")
    if health.leftovers:
        render.write_line(
            f"{len(health.leftovers)} temp file(s) left by an interrupted write: ignored, "
            "and removed by the next change"
        )
    if health.healthy:
        render.write_line("The store is healthy." if health.store.exists else "No store yet.")
