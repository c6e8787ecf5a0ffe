"""Merging two offices' copies of the record, by commitment and by event (pure).

The shared record is combined the way git-bug combines its entities: a commitment is the set
of its events, each with an id of its own, so two copies merge by taking the union of their
events; the state both offices then see is the replay of that union (``events.fold``), the
same whoever merged first. Nothing is ever removed by a merge: commitments are never deleted
from the record (a deletion is an event), and an event once shared is never undone.

The rules, which the README repeats for users:

* **Events**: the union by event id. Two edits of the same field made without either office
  having seen the other's are *concurrent*; replay order decides which stands (the later world
  date, then the later recorded time, then the event id), and the other stays in the history,
  marked as a concurrent edit (``concurrent_edits``). Each edit names, per field, the event
  whose value it replaced (``over``), so "had seen" is recorded, not guessed.
* **References**: two commitments of one meeting holding the same number (each office added
  its own 9.9 offline) are told apart by their create events: the earlier (recorded time, then
  id) keeps the number, the others get the next numbers never issued by any office
  (``renumber``). A commitment found at two numbers (renumbered differently by two merges)
  keeps the higher: renumbering only ever moves a commitment up.
* **Meetings**, by key: a field changed on one side only takes that change; a field changed
  differently on both takes the value whose JSON text sorts last (arbitrary, but the same in
  every office, so both end identical).
* **Counters** (the last number issued per meeting): the highest of the two.

Every function here takes and returns plain JSON-shaped values; ``merge_file`` is what the git
merge driver and ``aghtrack sync`` both call for one file of the shared repository.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

# Re-exported: merging is where concurrent edits arise; ``concurrency`` is where they are found.
from .concurrency import ConcurrentEdit as ConcurrentEdit
from .concurrency import concurrent_edits as concurrent_edits

Doc = dict[str, Any]

#: Files of the shared repository, by what they hold.
MEETINGS_FILE = "meetings.jsonl"
COUNTERS_FILE = "counters.jsonl"
COMMITMENTS_DIR = "commitments"
MARKER_FILE = "aghtrack-record.json"


# --- lines --------------------------------------------------------------------------------


def line(doc: Mapping[str, Any]) -> bytes:
    """One document as one line, keys sorted, so the same document is always the same bytes
    and a change to it is a one-line diff."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS) + b"\n"


def read_lines(data: bytes) -> list[Doc]:
    """The documents of a JSONL file; raises ValueError for anything else (conflict markers
    included: a file that is not ours is refused, never half-read)."""
    docs = []
    for raw in data.splitlines():
        if not raw.strip():
            continue
        doc = orjson.loads(raw)
        if not isinstance(doc, dict):
            raise ValueError("a line is not a JSON object")
        docs.append(doc)
    return docs


def write_lines(docs: Iterable[Mapping[str, Any]]) -> bytes:
    return b"".join(line(d) for d in docs)


# --- commitments --------------------------------------------------------------------------


def event_order(e: Mapping[str, Any]) -> tuple[int, str, str, str]:
    """``events.Event.order`` on the dict shape (ISO dates sort as dates)."""
    return (0 if e.get("op") == "create" else 1, str(e.get("on") or ""), str(e["at"]), str(e["id"]))


def with_events(doc: Mapping[str, Any]) -> Doc:
    """A commitment's stored dict with its events (a pre-event record made into the events it
    stands for, with the deterministic ids both offices derive alike)."""
    if doc.get("events"):
        return dict(doc)
    from .model import commitment_from_dict, stored_dict

    return stored_dict(commitment_from_dict(doc))


def merge_commitment(a: Mapping[str, Any], b: Mapping[str, Any]) -> Doc:
    """One commitment from two copies: the union of their events, in replay order, at the
    higher of their two numbers."""
    if a == b:
        return dict(a)
    first, second = with_events(a), with_events(b)
    events: dict[str, Doc] = {}
    for e in [*first["events"], *second["events"]]:
        seen = events.get(e["id"])
        # The same id is the same event; if two copies ever disagree, keep one of them the
        # same way in every office.
        if seen is None or line(e) > line(seen):
            events[e["id"]] = e
    return {
        "id": first["id"],
        "meeting": first["meeting"],
        "seq": max(int(first["seq"]), int(second["seq"])),
        "events": sorted(events.values(), key=event_order),
    }


def union_commitments(*sides: Iterable[Mapping[str, Any]]) -> list[Doc]:
    """Every commitment of any side, two copies of one commitment merged, by number then id."""
    found: dict[str, Doc] = {}
    for side in sides:
        for doc in side:
            key = str(doc["id"])
            seen = found.get(key)
            found[key] = dict(doc) if seen is None else merge_commitment(seen, doc)
    return sorted(found.values(), key=lambda d: (int(d["seq"]), str(d["id"])))


def _created(doc: Mapping[str, Any]) -> tuple[str, str]:
    """When a commitment was first recorded (its create event), then its id: who keeps a
    number two offices both issued."""
    events = doc.get("events") or []
    for e in events:
        if e.get("op") == "create":
            return (str(e.get("at", "")), str(doc["id"]))
    return (str(doc.get("created", "")), str(doc["id"]))


@dataclass(frozen=True)
class Renumbered:
    """A commitment a merge had to give a new number, and the number it had."""

    id: str
    meeting: str
    old: int
    new: int
    #: The id of the commitment that kept the number.
    kept_by: str


def renumber(
    docs: Sequence[Mapping[str, Any]], last_seq: int
) -> tuple[list[Doc], list[Renumbered]]:
    """One meeting's commitments with no two sharing a number: of those holding the same
    number, the one created first keeps it and the others take the next numbers above
    ``last_seq`` and every number present (so none is ever issued twice), in creation order."""
    by_seq: dict[int, list[Mapping[str, Any]]] = {}
    for doc in docs:
        by_seq.setdefault(int(doc["seq"]), []).append(doc)
    top = max([last_seq, *by_seq])
    result: list[Doc] = []
    moved: list[Renumbered] = []
    losers: list[tuple[Mapping[str, Any], int, str]] = []
    for seq in sorted(by_seq):
        holders = sorted(by_seq[seq], key=_created)
        result.append(dict(holders[0]))
        losers.extend((doc, seq, str(holders[0]["id"])) for doc in holders[1:])
    for doc, seq, kept_by in sorted(losers, key=lambda x: _created(x[0])):
        top += 1
        result.append({**doc, "seq": top})
        moved.append(Renumbered(str(doc["id"]), str(doc["meeting"]), seq, top, kept_by))
    return sorted(result, key=lambda d: int(d["seq"])), moved


# --- meetings and counters ----------------------------------------------------------------


def merge_meetings(
    base: Iterable[Mapping[str, Any]],
    ours: Iterable[Mapping[str, Any]],
    theirs: Iterable[Mapping[str, Any]],
) -> list[Doc]:
    """Meetings by key, field by field against the common ancestor (see the module's rules)."""
    o = {str(d["key"]): d for d in base}
    a = {str(d["key"]): d for d in ours}
    b = {str(d["key"]): d for d in theirs}
    merged: list[Doc] = []
    for key in sorted(a.keys() | b.keys()):
        mine, other, old = a.get(key), b.get(key), o.get(key, {})
        if mine is None or other is None:
            merged.append(dict(mine if mine is not None else other))  # type: ignore[arg-type]
            continue
        doc: Doc = {}
        for name in sorted(mine.keys() | other.keys()):
            x, y, z = mine.get(name), other.get(name), old.get(name)
            if x == y or y == z:
                value = x
            elif x == z:
                value = y
            else:
                value = max(x, y, key=lambda v: orjson.dumps(v, option=orjson.OPT_SORT_KEYS))
            if value is not None or name in mine or name in other:
                doc[name] = value
        merged.append(doc)
    return merged


def merge_counters(*sides: Iterable[Mapping[str, Any]]) -> list[Doc]:
    """The last number issued per meeting: the highest any side reached."""
    top: dict[str, int] = {}
    for side in sides:
        for doc in side:
            key = str(doc["meeting"])
            top[key] = max(top.get(key, 0), int(doc["last_seq"]))
    return [{"last_seq": top[k], "meeting": k} for k in sorted(top)]


def merge_file(path: str, base: bytes, ours: bytes, theirs: bytes) -> bytes:
    """The merge of one file of the shared repository (its path inside it says what it
    holds). Raises ValueError for a file that is not ours."""
    o, a, b = read_lines(base), read_lines(ours), read_lines(theirs)
    name = path.replace("\\", "/")
    if name == MEETINGS_FILE:
        return write_lines(merge_meetings(o, a, b))
    if name == COUNTERS_FILE:
        return write_lines(merge_counters(o, a, b))
    if name.startswith(COMMITMENTS_DIR + "/"):
        # The ancestor adds nothing: nothing is ever removed from the record.
        return write_lines(union_commitments(a, b))
    raise ValueError(f"{path} is not a file of an aghtrack record")
