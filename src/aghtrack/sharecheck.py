"""What a file of the shared repository must hold before any of it is merged into this office's
copy of the record.

The shared repository is plain git: anyone with access can edit a line by hand, and a file can
arrive damaged. Merging by union never removes anything, so a bad line once merged would stay
in every office's share for good, and once in a store it makes every command refuse that
store. So what arrives is checked first, the way a command loads it (``commitment_from_dict``,
``meeting_from_dict``); one bad line refuses the whole sync in one line naming the file and the
line, and nothing is merged or received. Likewise an event this office already holds must
arrive unchanged: a recorded event never changes, so a changed one was edited by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from .errors import AghtrackError, SyncFailed
from .merge import COMMITMENTS_DIR, COUNTERS_FILE, MEETINGS_FILE, Doc, line
from .store.layout import COMMITMENTS, table_kind

_LOAD_ERRORS = (AghtrackError, KeyError, TypeError, ValueError, AttributeError)

#: What the person who can fix the shared repository should do; this office stays as it was.
PUT_RIGHT = (
    "nothing was received and this office's record is unchanged; put the file right on the "
    "shared repository (e.g. 'git revert' the commit that changed it) and sync again"
)


def record_file(path: str) -> bool:
    """Whether ``path`` in the shared repository holds part of the record (the files a sync
    reads into the store)."""
    return path in (MEETINGS_FILE, COUNTERS_FILE) or table_of(path) is not None


def table_of(path: str) -> str | None:
    """The store table a shared file ``commitments/MEETING/BLOCK.jsonl`` mirrors, or None."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == COMMITMENTS_DIR and parts[2].endswith(".jsonl"):
        name = f"{COMMITMENTS}/{parts[1]}/{parts[2].removesuffix('.jsonl')}"
        kind = table_kind(name)
        if kind is not None and kind[0] == COMMITMENTS:
            return name
    return None


def checked(path: str, data: bytes, *, known: bytes | None = None) -> list[Doc]:
    """The documents of the shared file ``path``, each loaded as a command would load it.
    ``known`` is this office's own version of the file: an event of it that arrives again
    must arrive the same. Raises SyncFailed naming the file and line."""
    held = _events_held(known) if known and path.startswith(COMMITMENTS_DIR + "/") else {}
    docs: list[Doc] = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            doc = orjson.loads(raw)
            problem = _problem(path, doc)
        except orjson.JSONDecodeError:
            problem = "it is not a line of JSON"
        except _LOAD_ERRORS as e:
            problem = str(e) or type(e).__name__
        if not problem and held:
            problem = _changed_event(doc, held)
        if problem:
            raise SyncFailed(
                f"the shared file {path} is damaged at line {number} "
                f"({_short(problem)}): {PUT_RIGHT}"
            )
        docs.append(doc)
    return docs


def _problem(path: str, doc: Any) -> str:
    """What is wrong with one document of ``path``, or "" if nothing."""
    from .model import MAX_SEQ, commitment_from_dict, meeting_from_dict, normalise_meeting_key

    if not isinstance(doc, dict):
        return "it is not a JSON object"
    if path == MEETINGS_FILE:
        key = meeting_from_dict(doc).key
        return "" if doc["key"] == key else f"meeting key {doc['key']!r} is not canonical"
    if path == COUNTERS_FILE:
        counted, top = doc.get("meeting"), doc.get("last_seq")
        if set(doc) != {"meeting", "last_seq"} or not isinstance(counted, str):
            return "a counter holds a meeting key and its last number, nothing else"
        if type(top) is not int or not 0 <= top <= MAX_SEQ:
            return f"last number {top!r} is not a whole number from 0 to {MAX_SEQ:,}"
        return "" if normalise_meeting_key(counted) == counted else "meeting key is not canonical"
    commitment = commitment_from_dict(doc)
    folder = path.split("/")[1]
    if doc["id"] != commitment.id:
        return f"id {doc['id']!r} is not a canonical UUID"
    if doc["meeting"] != commitment.meeting or commitment.meeting != folder:
        return f"commitment {commitment.ref} is not one of meeting {folder}'s"
    return ""


def _events_held(known: bytes) -> dict[str, dict[str, bytes]]:
    """Event id -> its line, per commitment id, in this office's version of a file (which
    was checked when it arrived or was written by this office)."""
    held: dict[str, dict[str, bytes]] = {}
    for raw in known.splitlines():
        try:
            doc = orjson.loads(raw) if raw.strip() else None
        except orjson.JSONDecodeError:
            continue
        if isinstance(doc, dict) and isinstance(doc.get("events"), list):
            held[str(doc.get("id"))] = {
                str(e.get("id")): line(e) for e in doc["events"] if isinstance(e, dict)
            }
    return held


def _changed_event(doc: Mapping[str, Any], held: dict[str, dict[str, bytes]]) -> str:
    """An event of ``doc`` this office holds with other content, named; "" if none. The
    same event may be written in another form by another version of aghtrack (a create
    event naming its empty fields), so two texts that differ are compared as events."""
    from .events import event_from_dict

    mine = held.get(str(doc["id"]))
    if not mine:
        return ""
    for e in doc.get("events") or ():
        known = mine.get(str(e.get("id")))
        if known is None or known == line(e):
            continue
        if event_from_dict(orjson.loads(known)) != event_from_dict(e):
            ref = f"{doc['meeting']}.{doc['seq']}"
            return f"event {e['id']} of {ref} differs from the one this office recorded"
    return ""


def event_changed(arriving: Mapping[str, Any], mine: Mapping[str, Any]) -> str:
    """An event of the commitment ``arriving`` that this office's copy ``mine`` holds with
    other content, named; "" if none."""
    held = {str(mine.get("id")): {str(e.get("id")): line(e) for e in mine.get("events") or ()}}
    return _changed_event(arriving, held)


def _short(problem: str) -> str:
    return problem if len(problem) <= 160 else problem[:157] + "..."
