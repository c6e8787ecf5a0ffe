"""A commitment's dated history: the events it is made of, and the state they add up to (pure).

A review asks how the record stood on a date, and what changed between two meetings, so the
store keeps each commitment as the list of what happened to it, not just its latest state
(git-bug's model: an entity is its operations). Each event carries two times: ``on``, the day
it happened in the world (the officer says so with ``--on``; a status change typed today can
say the work started last September), and ``at``, when it was recorded (UTC), with ``by``, who
recorded it. Each has an id of its own, so two copies of the record can later be merged by
taking the union of their events.

The state on any day D is derived, never stored: replay, in order of ``on`` (then ``at``, then
id), the events dated up to D. Two kinds of event have no date of their own: ``create`` (a
commitment exists from its meeting's date, which the caller checks) and ``delete`` (a record
entered by mistake is a correction of the record, not something that happened in the world,
so it is gone from every view).

Records written before events existed hold only a state; ``legacy_events`` turns such a state
into events, with ids derived from the commitment's id (so two offices upgrading the same
record get the same events) and a status date taken from the best evidence the record has
(the evidence date; else when it was last updated, marked as estimated).
"""

# Annotations are evaluated at import (no ``from __future__ import annotations``): the
# string annotations of a named tuple are each compiled when its class is made, every
# run (~0.3 ms for a class of 21 fields, ``model.Commitment``).

import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from .errors import BadInput
from .model import (
    CLOSED,
    Commitment,
    Evidence,
    Kind,
    Note,
    Status,
    clean_names,
    line_breaks,
    normalise_meeting_key,
    normalise_name,
    parse_kind,
    parse_status,
    require_text,
)
from .periods import DuePeriod, parse_date, parse_period


class Op(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    STATUS = "status"
    NOTE = "note"
    DELETE = "delete"


# The members as plain globals: each event read and replayed is compared with several.
_CREATE, _EDIT, _STATUS, _NOTE, _DELETE = Op.CREATE, Op.EDIT, Op.STATUS, Op.NOTE, Op.DELETE

#: The fields a ``create`` or ``edit`` event sets, as the dict shape names them.
FIELDS = ("text", "kind", "owners", "support", "due", "source", "tags", "replaces")
_NAME_FIELDS = {"owners": "owner", "support": "supporting party", "tags": "tag"}

#: What a create event need not name, as an empty commitment already has it.
_CREATED_EMPTY: dict[str, Any] = {
    "kind": Kind.AGREED,
    "owners": (),
    "support": (),
    "due": None,
    "source": "",
    "tags": (),
}

#: Ids of events made from a pre-event record are derived from the commitment's id.
_LEGACY_NAMESPACE = uuid.UUID("0d6f4f0e-5a57-4c4e-9f0b-8f1f3b2a6c11")


_NOTHING: Mapping[str, Any] = MappingProxyType({})


# A named tuple: immutable and the quickest to build (a read builds one for every event of
# every commitment it shows; a frozen dataclass sets each field through object.__setattr__,
# 7 µs an event), and no dataclass to create at every run's start-up (issue 16).
class Event(NamedTuple):
    """One thing that happened to a commitment. ``changes`` (create, edit) holds model values:
    text and source as str, kind as Kind, names as tuples, due as DuePeriod or None."""

    id: str
    op: Op
    at: str
    by: str
    on: date | None = None
    changes: Mapping[str, Any] = _NOTHING
    status: Status | None = None
    evidence: Evidence | None = None
    superseded_by: str | None = None
    note: Note | None = None
    #: Why the date is a best guess (upgraded records); empty when it was recorded.
    estimated: str = ""
    #: Per field an edit sets, the event whose value it replaced: what its author had seen,
    #: so that a merge can tell a concurrent edit from a later one
    #: (``concurrency.concurrent_edits``).
    over: Mapping[str, str] = _NOTHING

    def order(self) -> tuple[int, date, str, str]:
        return (0 if self.op is Op.CREATE else 1, self.on or date.min, self.at, self.id)

    def dated_by(self, day: date) -> bool:
        return self.on is None or self.on <= day

    @property
    def summary(self) -> str:
        """What happened, in words, for ``show`` and ``history``."""
        if self.op is Op.CREATE:
            return "recorded at its meeting"
        if self.op is Op.DELETE:
            return "deleted (entered by mistake)"
        if self.op is Op.NOTE and self.note is not None:
            by = f" by {self.note.by}" if self.note.by else ""
            return f"note{by}: {self.note.text}"
        if self.op is Op.STATUS and self.status is not None:
            words = [f"status {self.status.value}"]
            if self.superseded_by:
                words.append(f"superseded by {self.superseded_by}")
            if self.evidence is not None and self.evidence.text:
                words.append(f"evidence: {self.evidence.text}")
            if self.estimated:
                words.append(f"({self.estimated})")
            return "; ".join(words)
        return "changed " + ", ".join(
            f"{name} to {_field_words(value)}" for name, value in self.changes.items()
        )


def _field_words(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, DuePeriod):  # a named tuple, but one value
        return str(value)
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def new_event_id() -> str:
    return str(uuid.uuid4())


# --- state from events ----------------------------------------------------------------------


class _State:
    """A commitment's state while its events are replayed, changed in place: the fields
    create and edit events set in one dict (an event's changes go in with one ``update``),
    the rest as attributes. A plain class, not a dataclass: it is private, never compared or
    printed, and a dataclass costs every command ~1 ms to create at import (issue 16)."""

    __slots__ = (
        "created",
        "deleted",
        "evidence",
        "fields",
        "notes",
        "status",
        "status_estimated",
        "status_on",
        "superseded_by",
        "updated",
    )

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {**_EMPTY_FIELDS}
        self.status = Status.OPEN
        self.status_on: date | None = None
        self.status_estimated = ""
        self.superseded_by: str | None = None
        self.evidence: Evidence | None = None
        self.notes: list[Note] = []
        self.deleted = False
        self.created = ""
        self.updated = ""

    def apply(self, e: Event) -> None:
        op = e.op
        if op is _CREATE or op is _EDIT:
            self.fields.update(e.changes)
            if op is _CREATE:
                self.created = e.at
        elif op is _STATUS and e.status is not None:
            self.status = e.status
            self.status_on = e.on
            self.status_estimated = e.estimated
            self.superseded_by = e.superseded_by if e.status is Status.SUPERSEDED else None
            if e.evidence is not None:
                self.evidence = e.evidence
            elif e.status not in CLOSED:
                # Reopened: what showed it done no longer stands (it stays in the history);
                # an open commitment "with evidence" misled every paper.
                self.evidence = None
        elif op is _NOTE and e.note is not None:
            self.notes.append(e.note)
        elif op is _DELETE:
            self.deleted = True
        # Kept as recorded; ``fold`` cuts both to the second (the latest stamp is the same
        # whether compared before or after the cut).
        if e.at > self.updated:
            self.updated = e.at


#: The fields of a commitment no event has set yet, in ``FIELDS`` order.
_EMPTY_FIELDS: dict[str, Any] = {"text": "", **_CREATED_EMPTY, "replaces": ()}
assert tuple(_EMPTY_FIELDS) == FIELDS


def ordered(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=Event.order)


def replay(events: Iterable[Event]) -> Iterator[tuple[Event, _State]]:
    """Each event in order with the state right after it (the same object, updated)."""
    state = _State()
    for e in ordered(events):
        state.apply(e)
        yield e, state


def fold(
    identity: tuple[str, str, int], events: Iterable[Event], upto: date | None = None
) -> Commitment:
    """The commitment ``(id, meeting, seq)`` as its events dated up to ``upto`` (all of them
    when None) make it. Every read builds each commitment it shows through here (24,000 for
    one review paper of a 100,000 record), so the common shapes take the short way: one event,
    or a create and one change, need no sorting; the fields sit in one dict; and the result is
    made positionally (keywords cost a microsecond)."""
    kept = tuple(events)
    if len(kept) > 1 and not _a_create_then_a_change(kept):
        kept = tuple(sorted(kept, key=Event.order))
    state = _State()
    apply = state.apply
    later = False
    for e in kept:
        if upto is None or e.on is None or e.on <= upto:
            apply(e)
        else:
            later = True
    if later and upto is not None:
        # The commitment as it stood then holds no event from after: a paper or a script's
        # JSON "as of" a day never shows what happened later. A deletion stays whatever its
        # date: it corrects the record at every date.
        kept = tuple(e for e in kept if e.on is None or e.on <= upto or e.op is _DELETE)
    id_, meeting, seq = identity
    f = state.fields
    return _new_commitment(
        (
            id_,
            meeting,
            seq,
            f["text"],
            f["kind"],
            f["owners"],
            f["support"],
            f["due"],
            state.status,
            f["source"],
            tuple(state.notes),
            state.evidence,
            f["tags"],
            _seconds(state.created),
            _seconds(state.updated),
            state.deleted,
            kept,
            state.superseded_by,
            f["replaces"],
            state.status_on,
            state.status_estimated,
        )
    )


def _a_create_then_a_change(events: tuple[Event, ...]) -> bool:
    """Whether ``events`` are a create and one other change: the most common pair, in
    replay order already (a create sorts first whatever the dates)."""
    return len(events) == 2 and events[0].op is _CREATE and events[1].op is not _CREATE


def _new_commitment(values: tuple[Any, ...]) -> Commitment:
    """A Commitment from its values in field order (``fold`` lists them so)."""
    return tuple.__new__(Commitment, values)


def as_of(c: Commitment, day: date) -> Commitment:
    """The commitment as it stood at the end of ``day``."""
    return fold((c.id, c.meeting, c.seq), c.events, day)


def _seconds(stamp: str) -> str:
    """``created``/``updated`` keep the journal's precision (seconds); events keep more, so
    that two changes typed in the same second still replay in the order they were made."""
    head, dot, _ = stamp.partition(".")
    return head + "Z" if dot else stamp


# --- the dict shape ---------------------------------------------------------------------------


def event_to_dict(e: Event) -> dict[str, Any]:
    d: dict[str, Any] = {"id": e.id, "op": e.op.value, "at": e.at}
    if e.by:
        d["by"] = e.by
    if e.on is not None:
        d["on"] = e.on.isoformat()
    if e.changes:
        # In one order whatever order they were set in (two offices' copies of an event,
        # one read back from the shared record, must print the same); a create event names
        # only what differs from an empty commitment: the record is mostly create events,
        # and every byte of it is read by every command.
        d["set"] = {
            name: _field_to_json(name, e.changes[name])
            for name in FIELDS
            if name in e.changes
            and (
                e.op is not Op.CREATE
                or name not in _CREATED_EMPTY
                or e.changes[name] != _CREATED_EMPTY[name]
            )
        }
    if e.status is not None:
        d["status"] = e.status.value
    if e.evidence is not None:
        d["evidence"] = {
            "text": e.evidence.text,
            "fulfilled_by": e.evidence.fulfilled_by,
            "on": e.evidence.on.isoformat() if e.evidence.on else None,
        }
    if e.superseded_by is not None:
        d["superseded_by"] = e.superseded_by
    if e.note is not None:
        d["text"] = e.note.text
        d["author"] = e.note.by
    if e.estimated:
        d["estimated"] = e.estimated
    if e.over:
        d["over"] = dict(e.over)
    return d


_EVENT_KEYS = frozenset(
    {"id", "op", "at", "by", "on", "set", "status", "evidence", "superseded_by", "text"}
    | {"author", "estimated", "over"}
)


_OPS = {op.value: op for op in Op}
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def event_from_dict(d: Any) -> Event:
    """An event from its dict shape; raises BadInput or TypeError naming what is wrong. Every
    read of a commitment goes through here (42,000 events for one review paper of a 100,000
    record), so the common case is kept to plain lookups, values that repeat (dates,
    periods, names) are parsed once and remembered, and the event is made positionally."""
    if type(d) is not dict and not isinstance(d, Mapping):  # the ABC check is slow
        raise TypeError("an event must be an object")
    if not d.keys() <= _EVENT_KEYS:
        raise TypeError(f"event has an unknown field '{sorted(set(d) - _EVENT_KEYS)[0]}'")
    get = d.get
    op = _OPS.get(get("op"))  # type: ignore[arg-type]
    if op is None:
        raise BadInput(f"event op {get('op')!r} is not one of {', '.join(Op)}")
    raw_on = get("on")
    on = None if raw_on is None else _date_or_none(raw_on, "on")
    at, by, estimated = get("at", ""), get("by", ""), get("estimated", "")
    if type(at) is not str or type(by) is not str or type(estimated) is not str:
        raise TypeError("event 'at', 'by' and 'estimated' must be text")
    if op is _CREATE:
        if on is not None:
            raise BadInput("a create event has no date of its own (it is the meeting's)")
    elif on is None and op is not _DELETE and not estimated:
        raise BadInput(f"a {op.value} event needs the date it happened ('on')")
    raw_set = get("set")
    changes: dict[str, Any] = _NO_CHANGES
    if raw_set is not None:
        if op not in (_CREATE, _EDIT) or not (
            type(raw_set) is dict or isinstance(raw_set, Mapping)
        ):
            raise TypeError("'set' belongs to create and edit events, as an object")
        changes = {**_CREATED_EMPTY} if op is _CREATE else {}
        for name, value in raw_set.items():
            parse = _FIELD_PARSERS.get(name)
            if parse is None:
                raise TypeError(f"event sets an unknown field '{name}'")
            changes[name] = parse(name, value)
    if op is _CREATE and "text" not in changes:
        raise BadInput("a create event must set the text")
    raw_status = get("status")
    status = None if raw_status is None else _status(_text(d, "status"))
    if (op is _STATUS) != (status is not None):
        raise BadInput("'status' belongs to status events, and every status event has one")
    note = None
    if op is _NOTE:
        if on is None:
            raise BadInput("a note event needs the date it happened ('on')")
        note = Note(on=on, by=_text(d, "author"), text=require_text(_text(d, "text"), "note"))
    raw_id = get("id")
    if not (type(raw_id) is str and _CANONICAL_UUID.fullmatch(raw_id)):
        raw_id = str(uuid.UUID(_text(d, "id")))
    evidence, over, superseded_by = get("evidence"), get("over"), get("superseded_by")
    return _new_event(
        (
            raw_id,
            op,
            at,
            by,
            on,
            changes,
            status,
            None if evidence is None else _evidence_from_json(evidence),
            None if superseded_by is None else _text(d, "superseded_by") or None,
            note,
            estimated,
            _NO_OVER if over is None else MappingProxyType(_over(over)),
        )
    )


def _new_event(values: tuple[Any, ...]) -> Event:
    """An Event from its values in field order (``event_from_dict`` lists them so)."""
    return tuple.__new__(Event, values)


_NO_CHANGES: dict[str, Any] = {}
_NO_OVER: Mapping[str, str] = MappingProxyType({})


def _over(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        name in FIELDS and isinstance(prior, str) for name, prior in value.items()
    ):
        raise TypeError("'over' must map edited fields to the event ids they replaced")
    return dict(value)


def last_setters(events: Iterable[Event]) -> dict[str, str]:
    """Per field, the id of the event whose value stands now: what a new edit replaces."""
    found: dict[str, str] = {}
    for e in ordered(events):
        if e.op in (Op.CREATE, Op.EDIT):
            for name in e.changes:
                found[name] = e.id
    return found


@lru_cache(maxsize=4096)
def _day(raw: str) -> date:
    return parse_date(raw)


@lru_cache(maxsize=4096)
def _period(raw: str) -> DuePeriod:
    return parse_period(raw)


@lru_cache(maxsize=4096)
def _names(what: str, raw: tuple[str, ...]) -> tuple[str, ...]:
    # Names repeat far more than their combinations (30 members make 25,000 lists of up to
    # three): names already in their one spelling, and distinct, are what clean_names keeps.
    # A list holding something other than text is refused here, once per list, not per read.
    if not all(isinstance(name, str) for name in raw):
        raise TypeError("not text")
    if all(name and _name(what, name) == name for name in raw) and len(
        {name.casefold() for name in raw}
    ) == len(raw):
        return raw
    return clean_names(raw, what)


@lru_cache(maxsize=4096)
def _name(what: str, raw: str) -> str:
    return normalise_name(raw, what)


@lru_cache(maxsize=64)
def _kind(raw: str) -> Kind:
    return parse_kind(raw)


@lru_cache(maxsize=64)
def _status(raw: str) -> Status:
    return parse_status(raw)


def _field_to_json(name: str, value: Any) -> Any:
    if name == "kind":
        return value.value
    if name == "due":
        return value.text if value is not None else None
    if isinstance(value, tuple):
        return list(value)
    return value


def _text_from_json(name: str, value: Any) -> str:
    return require_text(value if isinstance(value, str) else _type_error(name))


def _source_from_json(name: str, value: Any) -> str:
    return value if isinstance(value, str) else _type_error(name)


def _kind_from_json(name: str, value: Any) -> Kind:
    return _kind(value if isinstance(value, str) else _type_error(name))


def _due_from_json(name: str, value: Any) -> DuePeriod | None:
    if value is None:
        return None
    return _period(value if isinstance(value, str) else _type_error(name))


def _refs_from_json(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("'replaces' must be a list of references")
    return tuple(value)


def _names_from_json(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        try:
            return _names(_NAME_FIELDS[name], tuple(value))
        except TypeError:  # an item that is not text (unhashable ones fail the cache's key)
            pass
    raise TypeError(f"'{name}' must be a list of names")


#: How each field a create or edit event sets is read from its dict shape.
_FIELD_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "text": _text_from_json,
    "kind": _kind_from_json,
    "owners": _names_from_json,
    "support": _names_from_json,
    "due": _due_from_json,
    "source": _source_from_json,
    "tags": _names_from_json,
    "replaces": _refs_from_json,
}
assert tuple(_FIELD_PARSERS) == FIELDS


def _type_error(name: str) -> Any:
    raise TypeError(f"'{name}' must be text")


def _text(d: Mapping[str, Any], key: str) -> str:
    value = d.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"event '{key}' must be text, not {type(value).__name__}")
    return value


def _date_or_none(value: Any, key: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"event '{key}' must be a date like 2015-12-04")
    return _day(value)


def _evidence_from_json(value: Any) -> Evidence | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not value.keys() <= _EVIDENCE_KEYS:
        raise TypeError("'evidence' must be an object with text, fulfilled_by and on")
    text, fulfilled_by, on = value.get("text"), value.get("fulfilled_by"), value.get("on")
    for key, item in (("text", text), ("fulfilled_by", fulfilled_by), ("on", on)):
        if item is not None and not isinstance(item, str):
            raise TypeError(f"evidence '{key}' must be text")
    return Evidence(
        text=None if text is None else line_breaks(text),
        fulfilled_by=normalise_meeting_key(fulfilled_by) if fulfilled_by else None,
        on=_day(on) if on else None,
    )


_EVIDENCE_KEYS = frozenset({"text", "fulfilled_by", "on"})


# --- records written before events ----------------------------------------------------------


def legacy_events(c: Commitment) -> tuple[Event, ...]:
    """The events a state-only commitment (aghtrack 0.2 and earlier, a CSV row, a hand-written
    import) stands for. Deterministic: the same state always gives the same events."""

    def event_id(n: int) -> str:
        return str(uuid.uuid5(_LEGACY_NAMESPACE, f"{c.id}/{n}"))

    recorded = c.created or c.updated
    changes: dict[str, Any] = {
        "text": c.text,
        "kind": c.kind,
        "owners": c.owners,
        "support": c.support,
        "due": c.due,
        "source": c.source,
        "tags": c.tags,
    }
    found = [Event(event_id(0), Op.CREATE, recorded, "", changes=MappingProxyType(changes))]
    if c.status is not Status.OPEN:
        on, estimated = _legacy_status_date(c)
        found.append(
            Event(
                event_id(1),
                Op.STATUS,
                c.updated or recorded,
                "",
                on=on,
                status=c.status,
                evidence=c.evidence,
                estimated=estimated,
            )
        )
    for n, note in enumerate(c.notes, start=2):
        found.append(Event(event_id(n), Op.NOTE, c.updated or recorded, "", on=note.on, note=note))
    if c.deleted:
        found.append(Event(event_id(len(c.notes) + 2), Op.DELETE, c.updated or recorded, ""))
    return tuple(found)


def _legacy_status_date(c: Commitment) -> tuple[date | None, str]:
    if c.evidence is not None and c.evidence.on is not None:
        return c.evidence.on, ""
    stamp = c.updated or c.created
    if len(stamp) >= 10:
        try:
            return parse_date(stamp[:10]), "date not recorded; taken from when it was recorded"
        except BadInput:
            pass
    return None, "date not recorded; taken as the meeting's date"


# --- what a review needs to know, without building the commitment ---------------------------


def standing(raw_events: Any, upto: date) -> tuple[bool, Kind, Status, date | None] | None:
    """``(deleted, kind, status, status_on)`` of a stored commitment from its events in the
    dict shape: whether any event deletes it (whatever its date), and its kind and status
    (with the day that status was set) at the end of ``upto``, as ``fold`` would make them.
    The review paper reads every commitment of up to a hundred meetings and shows about half:
    this tells which, at a tenth of the cost of building each one. None when the events are
    not in the shape this reads; the caller then builds the commitment, which says what is
    wrong with them."""
    if type(raw_events) is not list or not raw_events:
        return None
    try:
        return _standing(raw_events, upto)
    except (BadInput, KeyError, TypeError, ValueError, AttributeError):
        return None


#: A create event that names no kind made an agreed commitment (an Enum's ``.value`` is a
#: property: read once here, not for each of a review's 49,000 commitments).
_AGREED = Kind.AGREED.value
_AGREED_KIND, _OPEN, _DAY_MIN = Kind.AGREED, Status.OPEN, date.min


def _standing(raw_events: list[Any], upto: date) -> tuple[bool, Kind, Status, date | None] | None:
    deleted = False
    kind, kind_order = _AGREED_KIND, None
    status, status_on, status_order = _OPEN, None, None
    for d in raw_events:
        if type(d) is not dict:
            return None
        op, raw_on, at, id_ = d.get("op"), d.get("on"), d.get("at", ""), d.get("id")
        if type(at) is not str or type(id_) is not str or not _CANONICAL_UUID.fullmatch(id_):
            return None
        on = None if raw_on is None else _day(raw_on)
        if op == "delete":
            deleted = True
            continue
        if op == "note" or (on is not None and on > upto):
            continue
        # ``Event.order``, made only for the events that set a kind or a status.
        order = (0 if op == "create" else 1, on or _DAY_MIN, at, id_)
        if op == "create" or op == "edit":
            changes = d.get("set")
            if type(changes) is not dict:
                return None
            if (op == "create" or "kind" in changes) and (
                kind_order is None or order >= kind_order
            ):
                kind, kind_order = _kind(changes.get("kind", _AGREED)), order
        elif op == "status":
            if status_order is None or order >= status_order:
                status, status_on, status_order = _status(d["status"]), on, order
        else:
            return None
    return deleted, kind, status, status_on
