"""Meetings, commitments, statuses: the record's vocabulary, pure and without I/O.

A commitment is one outcome of a meeting that the next meeting will review. The dict shape
produced by ``commitment_to_dict`` is at once the stored form, the ``--json`` output and the
export format, so that scripts, backups and the store never drift apart.

The record's values (notes, evidence, meetings, commitments) are immutable named tuples: a
frozen dataclass costs every run ~1 ms to create at import (four of them were ~4 ms of a
command's ~25 ms of its own work, issue 16) and builds each instance more slowly (a review
of a 100,000-commitment record builds ~24,000). A changed commitment is ``c._replace(...)``.
"""

# Annotations are evaluated at import (no ``from __future__ import annotations``): the
# string annotations of a named tuple are each compiled when its class is made, every
# run (~0.3 ms for Commitment's 21 fields).

import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import (
    EmptyText,
    InvalidKind,
    InvalidMeetingKey,
    InvalidStatus,
    InvalidTransition,
    NotUnicode,
    TextTooLong,
)
from .periods import DuePeriod, parse_date, parse_period

if TYPE_CHECKING:
    from .events import Event


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    BLOCKED = "blocked"
    DONE = "done"
    DROPPED = "dropped"
    SUPERSEDED = "superseded"


#: Statuses that end the work: never overdue, not counted as open.
CLOSED = frozenset({Status.DONE, Status.DROPPED, Status.SUPERSEDED})

#: Allowed moves. Closed commitments can be reopened (a later meeting may revive them), but
#: going straight from dropped to done would erase why it was dropped, so reopen first.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset(Status) - {Status.OPEN},
    Status.IN_PROGRESS: frozenset(Status) - {Status.IN_PROGRESS},
    Status.BLOCKED: frozenset(Status) - {Status.BLOCKED},
    Status.DONE: frozenset({Status.OPEN, Status.IN_PROGRESS}),
    Status.DROPPED: frozenset({Status.OPEN}),
    Status.SUPERSEDED: frozenset({Status.OPEN}),
}


class Kind(StrEnum):
    """The verb of the outcome bullet; it says whether the outcome is work at all.

    Real statements use more verbs than a bullet list: UN-style decisions request, invite,
    urge and call upon; communiqués task, recommend and commit; every genre recalls, reaffirms
    and acknowledges. Values are what users type, so multi-word verbs are hyphenated."""

    AGREED = "agreed"
    DECIDED = "decided"
    ENDORSED = "endorsed"
    ADOPTED = "adopted"
    APPROVED = "approved"
    WILL = "will"
    COMMITTED = "committed"
    REQUESTED = "requested"
    TASKED = "tasked"
    INVITED = "invited"
    URGED = "urged"
    CALLED_UPON = "called-upon"
    RECOMMENDED = "recommended"
    ENCOURAGED = "encouraged"
    SUPPORTED = "supported"
    WELCOMED = "welcomed"
    NOTED = "noted"
    ACKNOWLEDGED = "acknowledged"
    COMMENDED = "commended"
    RECALLED = "recalled"
    REAFFIRMED = "reaffirmed"
    RECOGNISED = "recognised"


#: Outcomes that record a view or a fact rather than promise work: never open, never overdue.
INFORMATIONAL = frozenset(
    {
        Kind.WELCOMED,
        Kind.NOTED,
        Kind.ACKNOWLEDGED,
        Kind.COMMENDED,
        Kind.RECALLED,
        Kind.REAFFIRMED,
        Kind.RECOGNISED,
    }
)

#: The highest commitment number accepted: far beyond any meeting's outcomes, and small
#: enough that every counter derived from it stays an ordinary JSON number.
MAX_SEQ = 10**9
#: The longest text accepted in one field (a commitment, a note, evidence, a title), in
#: characters: an outcome paragraph is a few hundred; a whole pasted document is a mistake.
MAX_TEXT = 100_000

#: What a meeting key is made of; it starts and ends with a letter or digit. Tested as a set,
#: not a regular expression: compiling one cost ~0.15 ms of every command (issue 16).
_MEETING_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def parse_status(raw: str) -> Status:
    try:
        return Status(raw.strip().lower())
    except ValueError:
        valid = ", ".join(s.value for s in Status)
        raise InvalidStatus(f"'{raw}' is not a status. Valid statuses: {valid}.") from None


def parse_kind(raw: str) -> Kind:
    try:
        return Kind(raw.strip().lower())
    except ValueError:
        valid = ", ".join(k.value for k in Kind)
        raise InvalidKind(f"'{raw}' is not a kind of outcome. Valid kinds: {valid}.") from None


def check_transition(current: Status, new: Status, ref: str) -> None:
    if new == current:
        raise InvalidTransition(f"{ref} is already {current.value}.")
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current]))
        raise InvalidTransition(
            f"{ref} is {current.value} and cannot become {new.value} directly "
            f"(from {current.value}: {allowed})."
        )


@lru_cache(maxsize=1024)
def normalise_meeting_key(raw: str) -> str:
    """Meeting keys are what users type (``9``, ``manila-2015``): short, lowercase, no dots.
    Remembered: every commitment read names its meeting."""
    key = raw.strip().lower()
    if not (
        0 < len(key) <= 40
        and key[0] != "-"
        and key[-1] != "-"
        and _MEETING_KEY_CHARS.issuperset(key)
    ):
        raise InvalidMeetingKey(
            f"'{raw}' is not a meeting key: use 1-40 lowercase letters, digits and hyphens, "
            "e.g. 9 or manila-2015."
        )
    return key


def line_breaks(raw: str) -> str:
    """Windows and old-Mac line ends (a note pasted from Word, a CSV saved on Windows) as
    line breaks, not characters: kept, every paper showed "\x0d" at each. The one a paste
    leaves at the end is no part of the text. Text with none is returned as it is."""
    if "\r" not in raw:
        return raw
    return raw.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


def unicode_text(raw: str, what: str = "text") -> str:
    """Refuse text holding undecodable bytes (Python keeps them as lone surrogates), which
    could never be written to the UTF-8 store, and text longer than ``MAX_TEXT``; Windows
    line ends become plain ones."""
    if len(raw) > MAX_TEXT:
        raise TextTooLong(
            f"The {what} is {len(raw):,} characters long; the most one field holds is "
            f"{MAX_TEXT:,}. Keep the full document elsewhere and record where."
        )
    if "\r" in raw:  # tested here: every text read from the store passes (no call for most)
        raw = line_breaks(raw)
    if raw.isascii():  # nothing to check, and most text is: no copy made to find out
        return raw
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise NotUnicode(
            f"The {what} contains bytes that are not UTF-8 text; retype it or set your "
            "terminal to UTF-8."
        ) from None
    return raw


#: What to write instead of an empty field, by field.
_WRITE = {
    "text": "write what was agreed",
    "note": "write what happened",
    "title": "give the meeting's title",
    "evidence": "say what shows it was done",
}


def require_text(raw: str, what: str = "text") -> str:
    """Reject blank text; otherwise keep it exactly, since the record must say what was said."""
    if not raw or raw.isspace():  # what strip() would empty, without the copy
        raise EmptyText(f"The {what} is empty; {_WRITE.get(what, 'write it out')}.")
    return unicode_text(raw, what)


def normalise_name(raw: str, what: str = "name") -> str:
    """One spelling per name: Unicode NFC, invisible format characters (zero-width joiners,
    word joiners, bidi marks, tag characters: category Cf) and other controls removed, and
    spaces collapsed. ``Austr\u2060alia`` and ``Australia`` are one lead, not two lookalikes."""
    text = unicodedata.normalize("NFC", unicode_text(raw, what))
    if text.isascii():
        text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    else:
        text = "".join(ch for ch in text if ch.isspace() or not _invisible(ch))
    return " ".join(text.split())


#: Categories removed from names: format (Cf), controls (Cc), unassigned (Cn), private use (Co).
_INVISIBLE = frozenset({"Cf", "Cc", "Cn", "Co"})
#: Characters outside those categories that still show nothing by themselves: variation
#: selectors, the combining grapheme joiner and the Hangul fillers.
#: (A string, not a pattern: only names with such characters pay for a search.)
_BLANK = "\u034f\u115f\u1160\u3164\uffa0"
_BLANK_RANGES = (("\ufe00", "\ufe0f"), ("\U000e0100", "\U000e01ef"))


def _invisible(ch: str) -> bool:
    return (
        unicodedata.category(ch) in _INVISIBLE
        or ch in _BLANK
        or any(low <= ch <= high for low, high in _BLANK_RANGES)
    )


def clean_names(names: Iterable[str], what: str) -> tuple[str, ...]:
    """Normalise names and drop repeats, keeping the first-named order (the lead comes first)."""
    kept: list[str] = []
    folded: set[str] = set()
    for raw in names:
        name = normalise_name(raw, what)
        if not name:
            raise EmptyText(f"An empty {what} name was given.")
        if name.casefold() not in folded:
            folded.add(name.casefold())
            kept.append(name)
    return tuple(kept)


class Note(NamedTuple):
    """A dated progress note on a commitment, and who wrote it."""

    on: date
    by: str
    text: str


class Evidence(NamedTuple):
    """What shows a commitment was done: a text, or the commitment that fulfilled it."""

    text: str | None
    fulfilled_by: str | None = None
    on: date | None = None


class Meeting(NamedTuple):
    """A meeting whose outcomes are tracked; ``key`` is what users type (``9``)."""

    key: str
    title: str
    date: date
    location: str = ""
    series: str = ""
    chairs: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()
    observers: tuple[str, ...] = ()
    purpose: str = ""
    source: str = ""


class Commitment(NamedTuple):
    """One commitment as its events make it (``events.fold``); immutable, so a change is
    a new event, never an edit in place."""

    id: str
    meeting: str
    seq: int
    text: str
    kind: Kind = Kind.AGREED
    owners: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    due: DuePeriod | None = None
    status: Status = Status.OPEN
    source: str = ""
    notes: tuple[Note, ...] = ()
    evidence: Evidence | None = None
    tags: tuple[str, ...] = ()
    created: str = ""
    updated: str = ""
    deleted: bool = False
    #: What happened to it, in replay order; the fields above are what these add up to
    #: (``events.fold``), as of the day the commitment was read for.
    events: tuple["Event", ...] = ()
    #: The reference of the commitment that replaced it (status superseded), and those it
    #: replaced, as shown when the link was made.
    superseded_by: str | None = None
    replaces: tuple[str, ...] = ()
    #: When the current status took effect (None: since the meeting), and why that date is
    #: only a best guess when the record did not say.
    status_on: date | None = None
    status_estimated: str = ""

    @property
    def ref(self) -> str:
        return f"{self.meeting}.{self.seq}"

    @property
    def is_work(self) -> bool:
        """Informational outcomes (welcomed, noted) are recorded but owe nothing."""
        return self.kind not in INFORMATIONAL

    @property
    def is_open(self) -> bool:
        return self.is_work and self.status not in CLOSED

    def is_overdue(self, as_of: date) -> bool:
        return self.is_open and self.due is not None and self.due.due_by < as_of

    @property
    def lead(self) -> str | None:
        return self.owners[0] if self.owners else None

    @property
    def latest_note(self) -> Note | None:
        """The note of the latest date; of two on one day, the one recorded last (notes are
        in replay order, and ``max`` keeps the first of equals: hence reversed)."""
        return max(reversed(self.notes), key=lambda n: n.on) if self.notes else None

    def involves(self, name: str) -> bool:
        """Whether ``name`` owns or supports this, however the record spells that party
        ("Viet Nam" finds what "Vietnam" leads)."""
        from .aliases import party_key  # only filters by party need the table

        wanted = party_key(name)
        return any(party_key(p) == wanted for p in (*self.owners, *self.support))


def new_id() -> str:
    return str(uuid.uuid4())


def with_changes(commitment: Commitment, **changes: Any) -> Commitment:
    return commitment._replace(**changes)


# --- the dict shape: stored form, --json output and export format --------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def meeting_to_dict(m: Meeting) -> dict[str, Any]:
    return {
        "key": m.key,
        "title": m.title,
        "date": m.date.isoformat(),
        "location": m.location,
        "series": m.series,
        "chairs": list(m.chairs),
        "attendees": list(m.attendees),
        "observers": list(m.observers),
        "purpose": m.purpose,
        "source": m.source,
    }


def meeting_from_dict(d: Mapping[str, Any]) -> Meeting:
    return Meeting(
        key=normalise_meeting_key(str(d["key"])),
        title=require_text(_str(d, "title"), "title"),
        date=parse_date(_str(d, "date")),
        location=_str(d, "location"),
        series=_str(d, "series"),
        chairs=_names(d, "chairs"),
        attendees=_names(d, "attendees"),
        observers=_names(d, "observers"),
        purpose=_str(d, "purpose"),
        source=_str(d, "source"),
    )


def commitment_to_dict(c: Commitment) -> dict[str, Any]:
    from .events import event_to_dict

    return {
        "ref": c.ref,
        "id": c.id,
        "meeting": c.meeting,
        "seq": c.seq,
        "source": c.source,
        "text": c.text,
        "kind": c.kind.value,
        "owners": list(c.owners),
        "support": list(c.support),
        "due": c.due.text if c.due else None,
        "due_by": _iso(c.due.due_by) if c.due else None,
        "status": c.status.value,
        "notes": [{"on": n.on.isoformat(), "by": n.by, "text": n.text} for n in c.notes],
        "evidence": (
            {
                "text": c.evidence.text,
                "fulfilled_by": c.evidence.fulfilled_by,
                "on": _iso(c.evidence.on),
            }
            if c.evidence
            else None
        ),
        "tags": list(c.tags),
        "created": c.created,
        "updated": c.updated,
        "deleted": c.deleted,
        "status_on": _iso(c.status_on),
        "superseded_by": c.superseded_by,
        "replaces": list(c.replaces),
        "events": [event_to_dict(e) for e in c.events],
    }


def stored_dict(c: Commitment) -> dict[str, Any]:
    """What the store keeps of a commitment: who it is and its events. The state is derived
    from them on every read, so it can never disagree with its own history."""
    from .events import event_to_dict

    return {
        "id": c.id,
        "meeting": c.meeting,
        "seq": c.seq,
        "events": [event_to_dict(e) for e in c.events],
    }


def commitment_from_dict(d: Mapping[str, Any], upto: date | None = None) -> Commitment:
    """Build a commitment from its dict shape, as it stood at the end of ``upto`` (every event
    when None). A dict with ``events`` is their replay; one without (written before events
    existed, a CSV row) stands for the events ``events.legacy_events`` makes of it. Raises a
    BadInput subclass, KeyError or TypeError for malformed input, which callers turn into
    errors naming where it came from."""
    from .events import event_from_dict, fold, legacy_events

    raw_id = d["id"]
    identity = (
        raw_id if type(raw_id) is str and _CANONICAL_UUID.fullmatch(raw_id) else _uuid(raw_id),
        normalise_meeting_key(str(d["meeting"])),
        check_seq(d["seq"]),
    )
    raw_events = d.get("events")
    if raw_events:
        if not isinstance(raw_events, list):
            raise TypeError("'events' must be a list")
        return fold(identity, [event_from_dict(e) for e in raw_events], upto)
    return fold(identity, legacy_events(_state_from_dict(d)), upto)


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid(raw: Any) -> str:
    return str(uuid.UUID(str(raw)))


def _state_from_dict(d: Mapping[str, Any]) -> Commitment:
    evidence = d.get("evidence")
    due = d.get("due")
    return Commitment(
        id=str(uuid.UUID(str(d["id"]))),
        meeting=normalise_meeting_key(str(d["meeting"])),
        seq=check_seq(d["seq"]),
        text=require_text(_str(d, "text")),
        kind=parse_kind(_str(d, "kind") or Kind.AGREED.value),
        owners=_names(d, "owners"),
        support=_names(d, "support"),
        due=parse_period(due) if isinstance(due, str) and due.strip() else None,
        status=parse_status(_str(d, "status") or Status.OPEN.value),
        source=_str(d, "source"),
        notes=tuple(
            Note(on=parse_date(str(n["on"])), by=str(n.get("by") or ""), text=str(n["text"]))
            for n in d.get("notes") or ()
        ),
        evidence=(
            Evidence(
                text=evidence.get("text"),
                fulfilled_by=evidence.get("fulfilled_by"),
                on=parse_date(evidence["on"]) if evidence.get("on") else None,
            )
            if isinstance(evidence, Mapping)
            else None
        ),
        tags=_names(d, "tags"),
        created=_str(d, "created"),
        updated=_str(d, "updated"),
        deleted=bool(d.get("deleted", False)),
    )


def _str(d: Mapping[str, Any], key: str) -> str:
    value = d.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"'{key}' must be text, not {type(value).__name__}")
    return unicode_text(value, key)


def _names(d: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = d.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"'{key}' must be a list of names")
    return clean_names(value, key)


def check_seq(value: Any) -> int:
    """A commitment number as stored or imported: a whole number from 1 to ``MAX_SEQ``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SEQ:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        raise TypeError(f"'seq' must be a whole number from 1 to {MAX_SEQ:,}, not {shown}")
    return value
