"""Edits two offices made to one field without seeing each other's (pure).

After a merge (``merge``) both edits are in the commitment's events; replay keeps the later
and ``show`` and ``history`` mark the other. Finding them needs only the events, so reading
commands get it here without loading the merge code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .events import Event, Op


class ConcurrentEdit(NamedTuple):
    """An edit that lost to another made without either office seeing the other's."""

    event: Event
    fields: tuple[str, ...]
    winner: Event


def concurrent_edits(events: Iterable[Event]) -> dict[str, ConcurrentEdit]:
    """The edits that were overridden by a concurrent edit of the same field, by event id.

    Edit A is concurrent with B when neither is in the other's chain of replaced values (each
    edit names, per field, the event whose value it replaced; an edit without that record
    replaced the previous setter in replay order). A backdated edit made after seeing a later
    one is therefore not concurrent with it, though it too does not stand."""
    setters: dict[str, list[Event]] = {}
    for e in sorted(events, key=Event.order):
        if e.op in (Op.CREATE, Op.EDIT):
            for name in e.changes:
                setters.setdefault(name, []).append(e)
    lost: dict[str, tuple[Event, list[str], Event]] = {}
    for name, chain in setters.items():
        if len(chain) < 2:
            continue
        winner = chain[-1]
        ancestors = _replaced(winner, name, chain)
        for e in chain[:-1]:
            if e.id not in ancestors and winner.id not in _replaced(e, name, chain):
                lost.setdefault(e.id, (e, [], winner))[1].append(name)
    return {k: ConcurrentEdit(e, tuple(f), w) for k, (e, f, w) in lost.items()}


def _replaced(e: Event, name: str, chain: list[Event]) -> set[str]:
    """The ids of the events setting ``name`` whose value ``e`` replaced, one after the other
    (``chain``: every event setting it, in replay order)."""
    by_id = {x.id: x for x in chain}
    position = {x.id: i for i, x in enumerate(chain)}
    found: set[str] = set()
    current: Event | None = e
    while current is not None:
        prior = current.over.get(name)
        if prior == "":
            break
        if prior is None:
            i = position[current.id]
            current = chain[i - 1] if i > 0 and current.op is not Op.CREATE else None
        else:
            current = by_id.get(prior)
        if current is None or current.id in found:
            break
        found.add(current.id)
    return found
