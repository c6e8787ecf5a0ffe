"""What officers do to the record, each as one transaction on the store.

The CLI calls only this module; it knows nothing of Typer or Rich, so every rule here is
testable with a store in a temp dir. Rules themselves (periods, statuses, filters) live in the
pure modules; this one looks things up, applies them and records who did it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from . import clock
from .collector import no_gc
from .errors import (
    AlreadyShared,
    AmbiguousReference,
    BadInput,
    CorruptStore,
    DuplicateMeeting,
    InvalidTransition,
    NotYetHeld,
    RenumberedReference,
    UnknownMeeting,
    UnknownReference,
)
from .events import Event, Op, fold, last_setters, new_event_id
from .events import as_of as state_as_of
from .listing import Filter, SortKey, meeting_order, sort_commitments
from .model import (
    CLOSED,
    INFORMATIONAL,
    TRANSITIONS,
    Commitment,
    Evidence,
    Kind,
    Meeting,
    Note,
    Status,
    check_transition,
    clean_names,
    commitment_from_dict,
    meeting_from_dict,
    meeting_to_dict,
    new_id,
    normalise_meeting_key,
    normalise_name,
    require_text,
    stored_dict,
    unicode_text,
)
from .periods import DuePeriod, parse_date
from .store import Store
from .store.layout import COMMITMENTS, MEETINGS, Doc, Snapshot

if TYPE_CHECKING:
    from .report import Report
    from .review import Review
    from .store import JournalEntry, Transaction

#: What the start of a commitment's id (4 to 36 of these) is made of.
_ID_CHARS = frozenset("0123456789abcdef-")
_SUMMARY_WIDTH = 60


class HistoryEntry(NamedTuple):
    """One line of ``aghtrack history``: a journal entry, or an edit another office's
    concurrent edit overrode."""

    seq: int
    at: str
    by: str
    command: str
    summary: str
    undone_by: int | None


class _Unset:
    """Marks an update field the officer did not mention (None can mean 'clear it')."""


UNSET: Any = _Unset()


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SUMMARY_WIDTH else flat[: _SUMMARY_WIDTH - 1] + "…"


def _date_shaped(key: str) -> bool:
    """A key written as YYYY-MM-DD (tested by hand, not by a pattern compiled on every
    command's import)."""
    return len(key) == 10 and key[4] == key[7] == "-" and key.replace("-", "").isdigit()


def _held(day: date) -> str:
    """ "was held", or "is to be held" for a meeting after today (one entered ahead)."""
    return "is to be held" if day > clock.today() else "was held"


def _check_owes_work(c: Commitment, kind: Kind, status: Status, *, hint: str) -> None:
    """An outcome that only welcomed or noted something owes nothing: it takes no status but
    open (dropped, it showed "open -> dropped" beside "for information" in every paper).
    Back to open is always taken: it clears a status recorded by mistake (an older version
    took any)."""
    if kind in INFORMATIONAL and status is not Status.OPEN:
        raise BadInput(
            f"{c.ref} only {kind.value} something: it owes nothing and takes no status but "
            f"open. If it is work after all, {hint}."
        )


def _check_followed(c: Commitment, day: date, status: Status) -> None:
    """A status change dated in the past must also fit the one dated after it: done on
    2016-01-10 cannot follow a "dropped" back-dated to 2015-10-01 (dropped is only reopened).
    The new change sorts after every change of its own day, so the next is the first dated
    later."""
    later = [e for e in c.events if e.op is Op.STATUS and e.on is not None and e.on > day]
    following = min(later, key=lambda e: e.order(), default=None)
    if following is None or following.status is None:
        return
    if following.status in TRANSITIONS[status]:
        return
    if following.status is status and status not in CLOSED:
        return  # work began earlier than first recorded: the later start repeats it
    if following.status is status:
        raise InvalidTransition(
            f"{c.ref} cannot become {status.value} on {day}: on {following.on} it becomes "
            f"{status.value}, as recorded already."
        )
    allowed = ", ".join(sorted(s.value for s in TRANSITIONS[status]))
    raise InvalidTransition(
        f"{c.ref} cannot become {status.value} on {day}: on {following.on} it becomes "
        f"{following.status.value}, which cannot follow {status.value} (from "
        f"{status.value}: {allowed}). A change dated in the past must fit the changes "
        "dated after it."
    )


def _no_such_party(name: str, meeting: str, found: Sequence[Commitment]) -> str:
    """Why a report for ``name`` is refused (it would be an empty paper, most often for a
    typo): the nearest name the meeting's commitments hold, then all of them."""
    from difflib import get_close_matches

    names = sorted({p for c in found for p in (*c.owners, *c.support)}, key=str.casefold)
    near = get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f" Did you mean {near[0]}?" if near else ""
    listed = ", ".join(names) if names else "none"
    return f"No commitment of meeting {meeting} names '{name}'.{hint} Named there: {listed}."


def _series_of(meetings: Sequence[Meeting]) -> list[str]:
    return sorted({m.series for m in meetings if m.series})


def _known_series(raw: str, known: Sequence[str]) -> str:
    """A series as some meeting spells it (``ahg`` is the record's ``AHG``). One no meeting
    belongs to is refused: its review would be an empty paper saying nothing is open."""
    wanted = raw.strip().casefold().replace("’", "'")  # an apostrophe pasted from Word
    for name in known:
        if name.casefold().replace("’", "'") == wanted:
            return name
    listed = "; ".join(f"'{name}'" for name in known) if known else "none yet"
    raise BadInput(f"No meeting belongs to the series '{raw}'. Known series: {listed}.")


#: What ``count_by_status`` calls the outcomes that are for information.
INFORMATIONAL_COUNT = "for information"


class Tracker:
    def __init__(self, store: Store, *, actor: str) -> None:
        self.store = store
        self.actor = actor
        self._cached: tuple[tuple[int, int, int] | None, Snapshot] | None = None
        self._meetings: tuple[Snapshot, list[Meeting]] | None = None

    def _snapshot(self) -> Snapshot:
        """Read the store once per version of the file: a command that asks for a meeting
        and then its commitments must not parse a 100k-commitment file twice."""
        signature = self.store.signature()
        if signature is None or self._cached is None or self._cached[0] != signature:
            self._cached = (signature, self.store.load())
        return self._cached[1]

    # --- reading --------------------------------------------------------------------------

    def meetings(self) -> list[Meeting]:
        snapshot = self._snapshot()
        if self._meetings is None or self._meetings[0] is not snapshot:
            docs = snapshot.docs(MEETINGS)
            found = [self._meeting(doc_id, doc) for doc_id, doc in docs.items()]
            self._meetings = (snapshot, sorted(found, key=lambda m: meeting_order(m.key)))
        return list(self._meetings[1])

    def meeting(self, key: str) -> Meeting:
        doc_id, doc = self._find_meeting(self._snapshot(), key)
        return self._meeting(doc_id, doc)

    def _held_on(self, key: str) -> date | None:
        """The date meeting ``key`` was held, or None if the store has no such meeting; one
        meeting is built, not all of them."""
        snapshot = self._snapshot()
        doc_id = self._meeting_doc_id(snapshot, normalise_meeting_key(key))
        if doc_id is None:
            return None
        return self._meeting(doc_id, snapshot.docs(MEETINGS)[str(doc_id)]).date

    def meeting_keys(self) -> list[str]:
        return [m.key for m in self.meetings()]

    def meeting_dates(self) -> dict[str, date]:
        return {m.key: m.date for m in self.meetings()}

    def commitments(
        self,
        flt: Filter | None = None,
        *,
        as_of: date | None = None,
        sort: SortKey = SortKey.MEETING,
    ) -> list[Commitment]:
        """The commitments ``flt`` asks for as the record stood at the end of ``as_of``
        (default today): commitments of meetings held after it do not exist yet."""
        chosen = self.record(flt.meeting if flt else None, as_of=as_of)
        when = clock.today(as_of)
        flt = flt or Filter()
        return sort_commitments((c for c in chosen if flt.matches(c, when)), sort)

    def record(
        self, meeting: str | None = None, *, as_of: date | None = None, everything: bool = False
    ) -> list[Commitment]:
        """Every live commitment (of one meeting) as of a day, unsorted and unfiltered; with
        ``everything``, each with all its events applied, whatever their dates (what
        ``--since`` and the review paper step through)."""
        when = clock.today(as_of)
        if meeting is not None:
            # One meeting's listing needs one meeting's date, not every meeting built.
            one = self.meeting(meeting)
            held = {one.key: one.date}
        else:
            held = self.meeting_dates()
        # Most listings are of one meeting: only its tables are read from the file.
        found = []
        for _, doc_id, doc in self._snapshot().commitments(meeting):
            day = held.get(str(doc.get("meeting")))
            if day is not None and day > when:
                continue
            c = self._commitment(doc_id, doc, None if everything else when)
            if not c.deleted:
                found.append(c)
        return found

    def report(
        self,
        key: str,
        *,
        as_of: date | None = None,
        owner: str | None = None,
        since: str | None = None,
    ) -> Report:
        """The progress review of a meeting as the record stood at the end of ``as_of``; with
        ``since`` (a date or a meeting key), what changed after it."""
        from .changes import Change, changes_between
        from .report import build_report

        when = clock.today(as_of)
        meeting = self._held_by(key, when)
        start = self.since_date(since) if since is not None else None
        if since is not None and start is not None and start > when:
            given = since if since.strip() == start.isoformat() else f"{since} ({start})"
            raise BadInput(
                f"--since {given} is after the day the report is as of ({when}): "
                "nothing can have changed between them. Give an earlier --since or a later "
                "--as-of."
            )
        changes: list[Change] = []
        if start is not None:
            changes = changes_between(
                self.record(meeting.key, as_of=when, everything=True),
                self.meeting_dates(),
                start,
                when,
            )
        found = self.commitments(Filter(meeting=meeting.key), as_of=when)
        if owner is not None and not any(c.involves(owner) for c in found):
            raise BadInput(_no_such_party(owner, meeting.key, found))
        return build_report(
            meeting,
            found,
            when,
            owner=owner,
            since=start,
            changes=changes,
        )

    def review(self, key: str, *, as_of: date | None = None, series: str | None = None) -> Review:
        """The review paper of a meeting, as of its own date unless ``as_of`` says otherwise.

        It reads up to the whole record, so it costs what it shows (issue 16): only the tables
        of the earlier meetings it covers are parsed, each let go once read (at 100,000
        commitments, holding them all took 120 MB); of their commitments only those some
        section shows are built (``events.standing`` tells which from the stored events), each
        once, as of the paper's day."""
        from .events import standing
        from .review import build_review, review_scope

        meeting = self.meeting(key)
        meetings = self.meetings()
        if series:
            series = _known_series(series, _series_of(meetings))
        scope = review_scope(meeting, meetings, as_of or meeting.date, series=series)
        when = scope.as_of
        snapshot = self._snapshot()
        # Forget this version of the store: its tables are let go below, and its bytes (55 MB
        # at 100,000 commitments) can go before the paper is laid out. The next read loads it.
        self._cached = self._meetings = None
        shown = []
        with no_gc():
            for of, doc_id, doc in snapshot.commitments_of(m.key for m in scope.earlier):
                known = standing(doc.get("events"), when)
                if known is not None:  # (deleted at any date, kind, status, since)
                    if not known[0] and scope.shows(of, *known[1:]):
                        shown.append(self._commitment(doc_id, doc, when))
                    continue
                # Events in a shape ``standing`` does not read: building says what is wrong.
                c = self._commitment(doc_id, doc, when)
                # Deleted at any date is deleted at every date (a correction).
                if not (c.deleted or any(e.op is Op.DELETE for e in c.events)):
                    shown.append(c)
        return build_review(scope, shown)

    def series_names(self) -> list[str]:
        """The series the record's meetings belong to, in order."""
        return _series_of(self.meetings())

    def since_date(self, raw: str) -> date:
        """``--since`` takes a date or a meeting key (meaning that meeting's date)."""
        text = raw.strip()
        if text[:4].isdigit() and "-" in text and len(text) == 10:
            return parse_date(text)
        try:
            return self.meeting(text).date
        except (UnknownMeeting, BadInput):
            raise BadInput(
                f"--since takes a date (YYYY-MM-DD) or a meeting key; '{raw}' is neither."
            ) from None

    def _held_by(self, key: str, when: date) -> Meeting:
        meeting = self.meeting(key)
        if meeting.date > when:
            raise NotYetHeld(
                f"Meeting {meeting.key} {_held(meeting.date)} on {meeting.date}, after {when}: "
                "there is nothing to review as of that date."
            )
        return meeting

    def commitment(self, ref: str, *, as_of: date | None = None) -> Commitment:
        """One commitment as it stood at the end of ``as_of`` (default today)."""
        when = clock.today(as_of)
        _, doc_id, doc = self._resolve(self._snapshot(), ref)
        c = self._commitment(doc_id, doc, when)
        held = self._held_on(c.meeting)
        if held is not None and held > when:
            raise NotYetHeld(
                f"{c.ref} did not exist on {when}: meeting {c.meeting} {_held(held)} on {held}"
                + (f"; add --as-of {held} to see it." if held > clock.today() else ".")
            )
        return c

    def history(self, ref: str | None = None) -> list[HistoryEntry]:
        """Journal entries, newest first; with a reference, those that touched it."""
        table, doc_id = "", 0
        if ref is not None:
            table, doc_id, _ = self._resolve(self._snapshot(), ref, include_deleted=True)
        found = [
            HistoryEntry(e.seq, e.at, e.by, e.command, e.summary, e.undone_by)
            for e in self.store.journal(
                self._snapshot(), touching=None if ref is None else (table, doc_id)
            )
        ]
        if ref is not None:
            # The journal is this office's; an edit that lost to another office's concurrent
            # edit of the same field is found in the commitment's own events.
            c = self._commitment(
                doc_id, self._resolve(self._snapshot(), ref, include_deleted=True)[2]
            )
            from .concurrency import concurrent_edits  # only history needs it

            for lost in concurrent_edits(c.events).values():
                found.append(
                    HistoryEntry(
                        0,
                        lost.event.at[:19] + "Z",
                        lost.event.by,
                        "concurrent edit",
                        f"{lost.event.summary} (concurrent edit, overridden by "
                        f"{lost.winner.by or 'another office'}'s edit of "
                        f"{', '.join(lost.fields)})",
                        None,
                    )
                )
            found.sort(key=lambda h: h.at, reverse=True)
        return found

    # --- meetings -------------------------------------------------------------------------

    def add_meeting(self, meeting: Meeting) -> Meeting:
        # Checked and normalised as a stored meeting is read back (names, lengths).
        meeting = meeting_from_dict(meeting_to_dict(meeting))
        if _date_shaped(meeting.key):
            # ``--since`` takes a date or a meeting key: this key would always be read as the
            # date (or refused as an impossible one), never as the meeting.
            raise BadInput(
                f"'{meeting.key}' reads as a date, and --since would take it for one; give "
                f"the meeting a key such as som-{meeting.key}."
            )
        with self._transaction("meeting add") as tx:
            if self._meeting_doc_id(tx.snapshot, meeting.key) is not None:
                raise DuplicateMeeting(
                    f"Meeting '{meeting.key}' already exists; "
                    f"use 'aghtrack meeting update {meeting.key}' to change it."
                )
            tx.insert(MEETINGS, meeting_to_dict(meeting))
            tx.summary = f"Added meeting {meeting.key}: {_short(meeting.title)}"
        return meeting

    def update_meeting(self, key: str, changes: Mapping[str, Any]) -> Meeting:
        with self._transaction("meeting update") as tx:
            doc_id, doc = self._find_meeting(tx.snapshot, key)
            merged = {**doc, **{k: v for k, v in changes.items() if v is not UNSET}}
            meeting = meeting_from_dict(merged)
            if meeting.date > self._meeting(doc_id, doc).date:
                self._check_moved_date(tx.snapshot, meeting)
            tx.replace(MEETINGS, doc_id, meeting_to_dict(meeting))
            tx.summary = f"Updated meeting {meeting.key}: {', '.join(sorted(changes))}"
        return meeting

    def _check_moved_date(self, snapshot: Snapshot, meeting: Meeting) -> None:
        """A meeting's date moves later only while no change to its commitments is dated
        before the new date: a change is never dated before its meeting (``_check_day``),
        and the record as of a day between the two would otherwise hold changes to
        commitments of a meeting not yet held."""
        earliest: tuple[date, str] | None = None
        for _, doc_id, doc in snapshot.commitments(meeting.key):
            c = self._commitment(doc_id, doc)
            for e in c.events:
                if e.on is not None and (earliest is None or e.on < earliest[0]):
                    earliest = (e.on, c.ref)
        if earliest is not None and earliest[0] < meeting.date:
            day, ref = earliest
            raise BadInput(
                f"Meeting {meeting.key} cannot be dated {meeting.date}: a change to {ref} is "
                f"dated {day}, before that, and no change comes before its meeting. If the "
                "meeting's date was typed wrong, give one on or before that day."
            )

    def count_by_status(self, key: str) -> dict[str, int]:
        """A meeting's commitments by status, and its outcomes that are for information
        apart: a welcome or a note owes nothing, so it is never counted as open work."""
        counts = dict.fromkeys([*(s.value for s in Status), INFORMATIONAL_COUNT], 0)
        for c in self.commitments(Filter(meeting=normalise_meeting_key(key))):
            counts[c.status.value if c.is_work else INFORMATIONAL_COUNT] += 1
        return counts

    # --- commitments ----------------------------------------------------------------------

    def add_commitment(
        self,
        *,
        meeting: str,
        text: str,
        owners: Sequence[str] = (),
        support: Sequence[str] = (),
        due: DuePeriod | None = None,
        kind: Kind = Kind.AGREED,
        source: str = "",
        tags: Sequence[str] = (),
    ) -> Commitment:
        text = require_text(text)
        owners_ = clean_names(owners, "owner")
        support_ = clean_names(support, "supporting party")
        tags_ = clean_names(tags, "tag")
        with self._transaction("add-action") as tx:
            key = normalise_meeting_key(meeting)
            self._find_meeting(tx.snapshot, key)
            changes = {
                "text": text,
                "kind": kind,
                "owners": owners_,
                "support": support_,
                "due": due,
                "source": unicode_text(source, "source").strip(),
                "tags": tags_,
            }
            created = self._event(Op.CREATE, None, changes=changes)
            commitment = fold((new_id(), key, tx.next_seq(key)), [created])
            tx.insert(COMMITMENTS, stored_dict(commitment))
            tx.summary = f"Added {commitment.ref}: {_short(text)}"
        return commitment

    def update_commitment(
        self,
        ref: str,
        *,
        text: str | None = None,
        owners: Sequence[str] | None = None,
        support: Sequence[str] | None = None,
        due: DuePeriod | _Unset | None = UNSET,
        status: Status | None = None,
        kind: Kind | None = None,
        tags: Sequence[str] | None = None,
        source: str | None = None,
        on: date | None = None,
        superseded_by: str | None = None,
    ) -> Commitment:
        """Change fields and/or the status, as of ``on`` (default today). Superseding names
        the commitment that replaced this one (``superseded_by``); that one then records what
        it replaced, in the same transaction."""
        changes: dict[str, Any] = {}
        if text is not None:
            changes["text"] = require_text(text)
        if owners is not None:
            changes["owners"] = clean_names(owners, "owner")
        if support is not None:
            changes["support"] = clean_names(support, "supporting party")
        if not isinstance(due, _Unset):
            changes["due"] = due
        if kind is not None:
            changes["kind"] = kind
        if tags is not None:
            changes["tags"] = clean_names(tags, "tag")
        if source is not None:
            changes["source"] = unicode_text(source, "source").strip()
        if superseded_by is not None and status is not Status.SUPERSEDED:
            raise BadInput("--by names what replaced it: use it with --status superseded.")
        if not changes and status is None:
            raise BadInput(
                "Nothing to update: give at least one of --text, --owner, --support, --due, "
                "--status, --kind, --tag, --source."
            )
        day = clock.today(on)

        def apply(c: Commitment) -> list[Event]:
            new = [self._edit(c, day, changes)] if changes else []
            if status is not None:
                _check_owes_work(
                    c, changes.get("kind", c.kind), status, hint="give its kind too (--kind agreed)"
                )
                check_transition(state_as_of(c, day).status, status, c.ref)
                _check_followed(c, day, status)
                new.append(self._event(Op.STATUS, day, status=status, superseded_by=replacement))
            return new

        described = ", ".join(sorted([*changes, *(["status"] if status else [])]))
        with self._transaction("update") as tx:
            replacement: str | None = None
            if superseded_by is not None:
                newer_table, newer_id, newer_doc = self._resolve(tx.snapshot, superseded_by)
                newer = self._commitment(newer_id, newer_doc)
                replacement = newer.ref
            after = self._apply(tx, ref, apply, day)
            if superseded_by is not None:
                if newer.id == after.id:
                    raise BadInput(f"{after.ref} cannot be superseded by itself.")
                held = self._meeting(*self._find_meeting(tx.snapshot, newer.meeting)).date
                if day < held:
                    raise BadInput(
                        f"{after.ref} cannot be superseded on {day} by {newer.ref}: that was "
                        f"agreed at meeting {newer.meeting} on {held}, after it."
                    )
                linked = self._linked(newer, day, after.ref)
                tx.replace(newer_table, newer_id, stored_dict(linked))
                tx.summary = f"Updated {after.ref}: superseded by {newer.ref}"
            else:
                tx.summary = f"Updated {after.ref}: {described}"
        return after

    def _linked(self, newer: Commitment, day: date, ref: str) -> Commitment:
        """``newer`` replacing ``ref`` from ``day`` on. Its list of what it replaces is set
        whole by each edit, so a list changed on a later date (another supersession recorded
        earlier, dated later) would drop ``ref`` from that date on: each such date gets the
        list as it then stood, with ``ref`` added."""
        from types import MappingProxyType

        identity = (newer.id, newer.meeting, newer.seq)
        later = {
            e.on
            for e in newer.events
            if "replaces" in e.changes and e.on is not None and e.on > day
        }
        current, previous = newer, None
        for when in [day, *sorted(later)]:
            then = state_as_of(current, when).replaces
            if ref not in then:
                edit = self._edit(current, when, {"replaces": (*then, ref)})
                if previous is not None:
                    # Made after seeing the edit before it (which saw the rest): not a
                    # concurrent edit of it, though that one sorts first.
                    edit = edit._replace(over=MappingProxyType({"replaces": previous.id}))
                current, previous = fold(identity, (*current.events, edit)), edit
        return current

    def complete(
        self,
        ref: str,
        *,
        evidence: str | None = None,
        fulfilled_by: str | None = None,
        on: date | None = None,
    ) -> Commitment:
        day = clock.today(on)

        def apply(c: Commitment) -> list[Event]:
            _check_owes_work(
                c, c.kind, Status.DONE, hint=f"first 'aghtrack update {c.ref} --kind agreed'"
            )
            check_transition(state_as_of(c, day).status, Status.DONE, c.ref)
            _check_followed(c, day, Status.DONE)
            proof = Evidence(
                text=unicode_text(evidence, "evidence") if evidence and evidence.strip() else None,
                fulfilled_by=fulfilled_by,
                on=day,
            )
            return [self._event(Op.STATUS, day, status=Status.DONE, evidence=proof)]

        if evidence is not None:
            evidence = require_text(evidence, "evidence") if evidence.strip() else None
        if fulfilled_by is not None:
            fulfilled_by = normalise_meeting_key(fulfilled_by)
            self.meeting(fulfilled_by)
        return self._change(ref, "done", apply, day, lambda c: f"Marked {c.ref} done")

    def add_note(
        self, ref: str, text: str, *, on: date | None = None, by: str | None = None
    ) -> Commitment:
        day = clock.today(on)
        author = normalise_name(by or "", "note author") or self.actor
        note = Note(on=day, by=author, text=require_text(text, "note"))

        def apply(c: Commitment) -> list[Event]:
            return [self._event(Op.NOTE, day, note=note)]

        return self._change(ref, "note", apply, day, lambda c: f"Noted on {c.ref}: {_short(text)}")

    def delete(self, ref: str) -> Commitment:
        """A record entered by mistake: gone from every view, as of any day (a correction of
        the record, not an event in the world); the journal keeps it and undo brings it back."""

        def apply(c: Commitment) -> list[Event]:
            return [self._event(Op.DELETE, None)]

        return self._change(
            ref, "delete", apply, None, lambda c: f"Deleted {c.ref}: {_short(c.text)}"
        )

    def undo(self) -> JournalEntry:
        with self._transaction("undo") as tx:
            newest = next(
                (
                    doc
                    for _, doc in tx.snapshot.journal()
                    if doc.get("undone_by") is None and doc.get("undoes") is None
                ),
                None,
            )
            if newest is not None and newest.get("command") == "sync":
                raise AlreadyShared(
                    "Nothing to undo: the last change was already taken into the shared record "
                    f"by 'aghtrack sync' ({newest.get('at')}); record a new change instead."
                )
            entry = tx.undo_last()
            tx.summary = f"Undid #{entry.seq} ({entry.command}): {entry.summary}"
        return entry

    # --- internals ------------------------------------------------------------------------

    def _transaction(self, command: str) -> AbstractContextManager[Transaction]:
        return self.store.transaction(at=clock.now(), actor=self.actor, command=command)

    def _change(
        self,
        ref: str,
        command: str,
        apply: Callable[[Commitment], list[Event]],
        day: date | None,
        describe: Callable[[Commitment], str],
    ) -> Commitment:
        with self._transaction(command) as tx:
            after = self._apply(tx, ref, apply, day)
            tx.summary = describe(after)
        return after

    def _apply(
        self,
        tx: Transaction,
        ref: str,
        apply: Callable[[Commitment], list[Event]],
        day: date | None,
    ) -> Commitment:
        """Add the events ``apply`` makes of the commitment (with all its events) to it."""
        table, doc_id, doc = self._resolve(tx.snapshot, ref)
        before = self._commitment(doc_id, doc)
        if day is not None:
            self._check_day(tx.snapshot, before, day)
        after = fold((before.id, before.meeting, before.seq), (*before.events, *apply(before)))
        tx.replace(table, doc_id, stored_dict(after))
        return after

    def _check_day(self, snapshot: Snapshot, c: Commitment, day: date) -> None:
        """A change happens between its commitment's meeting and today."""
        _, meeting_doc = self._find_meeting(snapshot, c.meeting)
        held = self._meeting(c.meeting, meeting_doc).date
        if day < held:
            ahead = held > clock.today()
            raise BadInput(
                f"{c.ref} {'is to be agreed' if ahead else 'was agreed'} at meeting {c.meeting} "
                f"on {held}; a change to it cannot be dated {day}, before that."
                + (
                    f" To correct it before then, 'aghtrack delete {c.ref}' and add it again."
                    if ahead
                    else ""
                )
            )
        today = clock.today()
        if day > today:
            raise BadInput(f"{day} is in the future (today is {today}); record it when it happens.")

    def _edit(self, c: Commitment, day: date, changes: Mapping[str, Any]) -> Event:
        """An edit, naming per field the event whose value it replaces (what this office
        had seen), so a merge can tell a concurrent edit from a later one."""
        from types import MappingProxyType

        setters = last_setters(c.events)
        # "" for a field nothing set before: it replaced nothing (an edit without ``over``,
        # written before sharing existed, is taken to have seen every earlier one).
        over = {name: setters.get(name, "") for name in changes}
        edit = self._event(Op.EDIT, day, changes=changes)
        return edit._replace(over=MappingProxyType(over))

    def _event(
        self,
        op: Op,
        on: date | None,
        *,
        changes: Mapping[str, Any] | None = None,
        status: Status | None = None,
        evidence: Evidence | None = None,
        superseded_by: str | None = None,
        note: Note | None = None,
    ) -> Event:
        from types import MappingProxyType

        return Event(
            id=new_event_id(),
            op=op,
            at=clock.now_precise(),
            by=self.actor,
            on=on,
            changes=MappingProxyType(dict(changes or {})),
            status=status,
            evidence=evidence,
            superseded_by=superseded_by,
            note=note,
        )

    def _meeting(self, doc_id: str | int, doc: Doc) -> Meeting:
        try:
            return meeting_from_dict(doc)
        except (BadInput, KeyError, TypeError, ValueError, AttributeError) as e:
            raise CorruptStore(
                self.store.path, f"meeting entry {doc_id} is malformed ({e})"
            ) from None

    def _commitment(self, doc_id: str | int, doc: Doc, upto: date | None = None) -> Commitment:
        try:
            return commitment_from_dict(doc, upto)
        except (BadInput, KeyError, TypeError, ValueError, AttributeError) as e:
            raise CorruptStore(
                self.store.path, f"commitment entry {doc_id} is malformed ({e})"
            ) from None

    @staticmethod
    def _meeting_doc_id(snapshot: Snapshot, key: str) -> int | None:
        for doc_id, doc in snapshot.docs(MEETINGS).items():
            if doc.get("key") == key:
                return int(doc_id)
        return None

    def _find_meeting(self, snapshot: Snapshot, raw_key: str) -> tuple[int, Doc]:
        key = normalise_meeting_key(raw_key)
        doc_id = self._meeting_doc_id(snapshot, key)
        if doc_id is None:
            known = sorted(
                (d.get("key", "") for d in snapshot.docs(MEETINGS).values()), key=meeting_order
            )
            hint = f" Known meetings: {', '.join(known)}." if known else " No meetings yet."
            raise UnknownMeeting(f"No meeting '{key}'.{hint}")
        return doc_id, snapshot.docs(MEETINGS)[str(doc_id)]

    def _resolve(
        self, snapshot: Snapshot, raw_ref: str, *, include_deleted: bool = False
    ) -> tuple[str, int, Doc]:
        """A reference is ``MEETING.N`` as displayed (found in its meeting's table, without
        reading the others), or any unique prefix of the id (which reads them all)."""
        ref = raw_ref.strip().lower()
        matches: list[tuple[str, str, Doc]] = []
        renumbered = snapshot.meta.get("renumbered", {}).get(ref)
        if isinstance(renumbered, str):
            # This office was shown the old reference: it must not now silently mean the
            # commitment another office recorded under the same number.
            meeting, _, seq = ref.rpartition(".")
            theirs = snapshot.commitment(meeting, int(seq))
            other = f" (the other office's is id {str(theirs[1].get('id'))[:8]})" if theirs else ""
            raise RenumberedReference(
                f"{ref} is now {renumbered}: renumbered when merged with another office's "
                f"{ref}; use {renumbered}{other}."
            )
        if "." in ref:
            meeting, _, seq = ref.rpartition(".")
            if seq.isascii() and seq.isdigit() and len(seq) <= 10 and meeting:
                found = snapshot.commitment(meeting, int(seq))
                if found is not None:
                    matches = [(found[0], str(int(seq)), found[1])]
        elif 4 <= len(ref) <= 36 and _ID_CHARS.issuperset(ref):
            matches = [
                (table, doc_id, doc)
                for table, doc_id, doc in snapshot.commitments()
                if str(doc.get("id", "")).startswith(ref)
            ]
        if len(matches) > 1:
            raise AmbiguousReference(
                f"'{raw_ref}' matches {len(matches)} commitments; give more of the id."
            )
        if not matches:
            raise UnknownReference(
                f"No commitment '{raw_ref}'. References look like 9.3 (meeting 9, third "
                "commitment) or the start of an id; 'aghtrack list' shows them."
            )
        table, doc_id, doc = matches[0]
        if not include_deleted and self._commitment(doc_id, doc).deleted:
            raise UnknownReference(
                f"{doc.get('meeting')}.{doc.get('seq')} was deleted; "
                f"'aghtrack history {doc.get('meeting')}.{doc.get('seq')}' shows its record."
            )
        return table, int(doc_id), doc
