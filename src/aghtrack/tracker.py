"""What officers do to the record, each as one transaction on the store.

The CLI calls only this module; it knows nothing of Typer or Rich, so every rule here is
testable with a store in a temp dir. Rules themselves (periods, statuses, filters) live in the
pure modules; this one looks things up, applies them and records who did it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import clock
from .errors import (
    AmbiguousReference,
    BadInput,
    CorruptStore,
    DuplicateMeeting,
    UnknownMeeting,
    UnknownReference,
)
from .listing import Filter, SortKey, meeting_order, sort_commitments
from .model import (
    Commitment,
    Evidence,
    Kind,
    Meeting,
    Note,
    Status,
    check_transition,
    clean_names,
    commitment_from_dict,
    commitment_to_dict,
    meeting_from_dict,
    meeting_to_dict,
    new_id,
    normalise_meeting_key,
    normalise_name,
    require_text,
    unicode_text,
    with_changes,
)
from .periods import DuePeriod
from .store import JournalEntry, Store, Transaction
from .store.layout import COMMITMENTS, MEETINGS, Doc, Snapshot

_ID_PREFIX = re.compile(r"[0-9a-f-]{4,36}", re.ASCII)
_SUMMARY_WIDTH = 60


@dataclass(frozen=True)
class HistoryEntry:
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


class Tracker:
    def __init__(self, store: Store, *, actor: str) -> None:
        self.store = store
        self.actor = actor
        self._cached: tuple[tuple[int, int, int] | None, Snapshot] | None = None

    def _snapshot(self) -> Snapshot:
        """Read the store once per version of the file: a command that asks for a meeting
        and then its commitments must not parse a 100k-commitment file twice."""
        signature = self.store.signature()
        if signature is None or self._cached is None or self._cached[0] != signature:
            self._cached = (signature, self.store.load())
        return self._cached[1]

    # --- reading --------------------------------------------------------------------------

    def meetings(self) -> list[Meeting]:
        docs = self._snapshot().docs(MEETINGS)
        found = [self._meeting(doc_id, doc) for doc_id, doc in docs.items()]
        return sorted(found, key=lambda m: meeting_order(m.key))

    def meeting(self, key: str) -> Meeting:
        doc_id, doc = self._find_meeting(self._snapshot(), key)
        return self._meeting(doc_id, doc)

    def meeting_keys(self) -> list[str]:
        return [m.key for m in self.meetings()]

    def commitments(
        self,
        flt: Filter | None = None,
        *,
        as_of: date | None = None,
        sort: SortKey = SortKey.MEETING,
    ) -> list[Commitment]:
        flt = flt or Filter()
        when = clock.today(as_of)
        if flt.meeting is not None:
            self.meeting(flt.meeting)
        # Most listings are of one meeting: only its tables are read from the file.
        chosen = [
            self._commitment(doc_id, doc)
            for _, doc_id, doc in self._snapshot().commitments(flt.meeting)
            if not doc.get("deleted")
        ]
        return sort_commitments((c for c in chosen if flt.matches(c, when)), sort)

    def commitment(self, ref: str) -> Commitment:
        _, doc_id, doc = self._resolve(self._snapshot(), ref)
        return self._commitment(doc_id, doc)

    def history(self, ref: str | None = None) -> list[HistoryEntry]:
        """Journal entries, newest first; with a reference, those that touched it."""
        table, doc_id = "", 0
        if ref is not None:
            table, doc_id, _ = self._resolve(self._snapshot(), ref, include_deleted=True)
        return [
            HistoryEntry(e.seq, e.at, e.by, e.command, e.summary, e.undone_by)
            for e in self.store.journal(self._snapshot())
            if ref is None or e.touches(table, doc_id)
        ]

    # --- meetings -------------------------------------------------------------------------

    def add_meeting(self, meeting: Meeting) -> Meeting:
        # Checked and normalised as a stored meeting is read back (names, lengths).
        meeting = meeting_from_dict(meeting_to_dict(meeting))
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
            tx.replace(MEETINGS, doc_id, meeting_to_dict(meeting))
            tx.summary = f"Updated meeting {meeting.key}: {', '.join(sorted(changes))}"
        return meeting

    def count_by_status(self, key: str) -> dict[Status, int]:
        counts = dict.fromkeys(Status, 0)
        for c in self.commitments(Filter(meeting=normalise_meeting_key(key))):
            counts[c.status] += 1
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
            stamp = clock.now()
            commitment = Commitment(
                id=new_id(),
                meeting=key,
                seq=tx.next_seq(key),
                text=text,
                kind=kind,
                owners=owners_,
                support=support_,
                due=due,
                source=unicode_text(source, "source").strip(),
                tags=tags_,
                created=stamp,
                updated=stamp,
            )
            tx.insert(COMMITMENTS, commitment_to_dict(commitment))
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
    ) -> Commitment:
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
        if not changes and status is None:
            raise BadInput(
                "Nothing to update: give at least one of --text, --owner, --support, --due, "
                "--status, --kind, --tag, --source."
            )

        def apply(c: Commitment) -> Commitment:
            if status is not None:
                check_transition(c.status, status, c.ref)
                changes["status"] = status
            return with_changes(c, **changes)

        return self._change(ref, "update", apply, lambda c: f"Updated {c.ref}: {_fields(changes)}")

    def complete(
        self,
        ref: str,
        *,
        evidence: str | None = None,
        fulfilled_by: str | None = None,
        on: date | None = None,
    ) -> Commitment:
        def apply(c: Commitment) -> Commitment:
            check_transition(c.status, Status.DONE, c.ref)
            proof = Evidence(
                text=unicode_text(evidence, "evidence") if evidence and evidence.strip() else None,
                fulfilled_by=fulfilled_by,
                on=clock.today(on),
            )
            return with_changes(c, status=Status.DONE, evidence=proof)

        if fulfilled_by is not None:
            fulfilled_by = normalise_meeting_key(fulfilled_by)
            self.meeting(fulfilled_by)
        return self._change(ref, "done", apply, lambda c: f"Marked {c.ref} done")

    def add_note(
        self, ref: str, text: str, *, on: date | None = None, by: str | None = None
    ) -> Commitment:
        note = Note(
            on=clock.today(on),
            by=normalise_name(by or "", "note author") or self.actor,
            text=require_text(text, "note"),
        )

        def apply(c: Commitment) -> Commitment:
            return with_changes(c, notes=(*c.notes, note))

        return self._change(ref, "note", apply, lambda c: f"Noted on {c.ref}: {_short(text)}")

    def delete(self, ref: str) -> Commitment:
        def apply(c: Commitment) -> Commitment:
            return with_changes(c, deleted=True)

        return self._change(ref, "delete", apply, lambda c: f"Deleted {c.ref}: {_short(c.text)}")

    def undo(self) -> JournalEntry:
        with self._transaction("undo") as tx:
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
        apply: Callable[[Commitment], Commitment],
        describe: Callable[[Commitment], str],
    ) -> Commitment:
        with self._transaction(command) as tx:
            table, doc_id, doc = self._resolve(tx.snapshot, ref)
            before = self._commitment(doc_id, doc)
            after = with_changes(apply(before), updated=clock.now())
            tx.replace(table, doc_id, commitment_to_dict(after))
            tx.summary = describe(after)
        return after

    def _meeting(self, doc_id: str | int, doc: Doc) -> Meeting:
        try:
            return meeting_from_dict(doc)
        except (BadInput, KeyError, TypeError, ValueError, AttributeError) as e:
            raise CorruptStore(
                self.store.path, f"meeting entry {doc_id} is malformed ({e})"
            ) from None

    def _commitment(self, doc_id: str | int, doc: Doc) -> Commitment:
        try:
            return commitment_from_dict(doc)
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
        if "." in ref:
            meeting, _, seq = ref.rpartition(".")
            if seq.isascii() and seq.isdigit() and len(seq) <= 10 and meeting:
                found = snapshot.commitment(meeting, int(seq))
                if found is not None:
                    matches = [(found[0], str(int(seq)), found[1])]
        elif _ID_PREFIX.fullmatch(ref):
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
        if doc.get("deleted") and not include_deleted:
            raise UnknownReference(
                f"{doc.get('meeting')}.{doc.get('seq')} was deleted; "
                f"'aghtrack history {doc.get('meeting')}.{doc.get('seq')}' shows its record."
            )
        return table, int(doc_id), doc


def _fields(changes: Mapping[str, Any]) -> str:
    return ", ".join(sorted(changes)) or "nothing"
