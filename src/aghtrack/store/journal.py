"""A transaction's changes and the journal entry that records them: part of the store layer.

Within one command TinyDB works on the tables held in memory (``_transaction_db``), each
parsed from the file on first use; ``Store.transaction`` writes them once, before the lock is
released.

Each write appends an entry to the journal in the same file, holding the before-image of every
document it changed and the ids of those it created, so ``undo`` can revert it exactly and
``history`` can say who changed what and when. Reference counters live in ``meta`` and are
never rolled back, so a reference is never issued twice, even after undo.
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import BadInput, CorruptStore, NothingToUndo
from .layout import (
    COMMITMENTS,
    JOURNAL,
    MAX_COUNTER,
    SCHEMA,
    Doc,
    LazyTables,
    Snapshot,
    Tables,
    commitments_table,
    journal_table,
)

if TYPE_CHECKING:
    from tinydb import TinyDB
    from tinydb.table import Document


def _transaction_db(tables: LazyTables) -> tuple[TinyDB, type[Document]]:
    """TinyDB over the tables of one transaction, held in memory (each parsed from the file
    on first use). Imported here rather than at the top: commands that only read never need
    it (~6 ms of their start-up)."""
    from tinydb import TinyDB
    from tinydb.storages import Storage
    from tinydb.table import Document

    class TransactionStorage(Storage):
        def __init__(self, held: LazyTables) -> None:
            self.tables = held

        def read(self) -> LazyTables:
            return self.tables

        def write(self, data: Tables) -> None:
            assert data is self.tables

    return TinyDB(tables, storage=TransactionStorage), Document


class JournalEntry(NamedTuple):
    """One transaction as the journal records it: who, when, what, and how to undo it. A
    named tuple, as the record's other values are: never changed once read."""

    seq: int
    at: str
    by: str
    command: str
    summary: str
    created: dict[str, list[int]]
    before: dict[str, dict[str, Doc | None]]
    undone_by: int | None = None
    undoes: int | None = None
    #: Documents the change only added events to: how many events each had before.
    appended: dict[str, dict[str, int]] | None = None

    @classmethod
    def from_doc(cls, seq: int, doc: Doc) -> JournalEntry:
        return cls(
            seq=seq,
            at=doc.get("at", ""),
            by=doc.get("by", ""),
            command=doc.get("command", ""),
            summary=doc.get("summary", ""),
            created=doc.get("created") or {},
            before=doc.get("before") or {},
            undone_by=doc.get("undone_by"),
            undoes=doc.get("undoes"),
            appended=doc.get("appended"),
        )


def _touches(created: Any, before: Any, appended: Any, table: str, doc_id: int) -> bool:
    return (
        doc_id in (created or {}).get(table, ())
        or str(doc_id) in (before or {}).get(table, {})
        or str(doc_id) in (appended or {}).get(table, {})
    )


def journal_entries(
    snapshot: Snapshot, touching: tuple[str, int] | None = None
) -> list[JournalEntry]:
    """Journal entries, newest first; with ``touching`` (a table and a document id), those
    that changed that document. Those are found in the entries as stored, before any is made
    an entry, in the blocks that name the table (``Snapshot.journal``): the history of one
    commitment costs what touches its table, not the years of changes around it."""
    if touching is None:
        return [JournalEntry.from_doc(seq, doc) for seq, doc in snapshot.journal()]
    table, doc_id = touching
    return [
        JournalEntry.from_doc(seq, doc)
        for seq, doc in snapshot.journal(mentioning=table)
        if _touches(doc.get("created"), doc.get("before"), doc.get("appended"), table, doc_id)
    ]


def appended_only(before: Doc, after: Doc) -> int | None:
    """How many events ``before`` had, if ``after`` is ``before`` with events added at the end
    and nothing else changed (a note, a status, an edit, a completion), else None. Such a
    change is journalled by that count, not by a copy of the whole document: a document
    grows with every change made to it, and a copy of it per change made the journal of a
    store in use for years most of its bytes (~780 of a note's ~830)."""
    old, new = before.get("events"), after.get("events")
    if not (type(old) is list and type(new) is list and len(new) > len(old)):
        return None
    if before.keys() != after.keys() or any(before[k] != after[k] for k in before if k != "events"):
        return None
    return len(old) if new[: len(old)] == old else None


class Transaction:
    """Changes made under the lock; written as one atomic replace when the block ends."""

    def __init__(
        self, snapshot: Snapshot, path: Path, *, at: str, actor: str, command: str
    ) -> None:
        self._path = path
        self._tables = snapshot.tables
        self._db, self._document = _transaction_db(self._tables)
        self._at = at
        self._actor = actor
        self._command = command
        self._created: dict[str, list[int]] = {}
        self._before: dict[str, dict[str, Doc | None]] = {}
        self._undoes: int | None = None
        self._marked = False
        self.summary = ""

    @property
    def snapshot(self) -> Snapshot:
        return Snapshot(self._tables)

    @property
    def _meta(self) -> Doc:
        return self._tables["meta"]["1"]

    @property
    def changed(self) -> bool:
        return bool(self._created or self._before or self._undoes or self._marked)

    def mark(self) -> None:
        """Write a journal entry even if no document changed (``sync`` records the point
        past which undo must not go)."""
        self._marked = True

    def remove(self, table: str, doc_id: int) -> None:
        """Remove a document, its before-image kept for the journal."""
        if str(doc_id) in self._tables.get_table(table):
            self._remember_before(table, doc_id)
            self._db.table(table).remove(doc_ids=[doc_id])

    def insert(self, table: str, doc: Doc) -> int:
        return self.insert_many(table, [doc])[0]

    def insert_many(self, table: str, docs: list[Doc]) -> list[int]:
        """Insert documents; commitments go to their meeting's block, keyed by their number."""
        if table == COMMITMENTS:
            blocks: dict[str, list[Document]] = {}
            for doc in docs:
                seq = doc["seq"]
                blocks.setdefault(commitments_table(doc["meeting"], seq), []).append(
                    self._document(doc, doc_id=seq)
                )
            for name, batch in blocks.items():
                self._insert(name, batch)
            return [doc["seq"] for doc in docs]
        first = self._issue_doc_ids(table, len(docs))
        return self._insert(
            table, [self._document(doc, doc_id=first + i) for i, doc in enumerate(docs)]
        )

    def _insert(self, table: str, batch: list[Document]) -> list[int]:
        doc_ids = self._db.table(table).insert_multiple(batch)
        self._created.setdefault(table, []).extend(doc_ids)
        return doc_ids

    def _issue_doc_ids(self, table: str, count: int) -> int:
        """Document ids are never reused, even after an undone insert, so that the journal's
        references to them stay unambiguous."""
        last_ids: dict[str, int] = self._meta.setdefault("last_doc_id", {})
        if table in last_ids:
            last = last_ids[table]
        else:
            last = max(map(int, self._tables.get_table(table)), default=0)
        last_ids[table] = last + count
        return last + 1

    def replace(self, table: str, doc_id: int, doc: Doc) -> None:
        self._remember_before(table, doc_id)
        if str(doc_id) in self._tables.get_table(table):

            def overwrite(current: MutableMapping[Any, Any]) -> None:
                current.clear()
                current.update(doc)

            self._db.table(table).update(overwrite, doc_ids=[doc_id])
        else:
            self._db.table(table).insert(self._document(doc, doc_id=doc_id))

    def _remember_before(self, table: str, doc_id: int) -> None:
        if doc_id in self._created.get(table, ()):
            return
        saved = self._before.setdefault(table, {})
        if str(doc_id) not in saved:
            current = self._tables.get_table(table).get(str(doc_id))
            # None: the document did not exist (an undone insert being restored).
            saved[str(doc_id)] = copy.deepcopy(current) if current is not None else None

    def next_seq(self, meeting_key: str) -> int:
        """Issue the next commitment number of a meeting; never rolled back, never reissued."""
        last_seq: dict[str, int] = self._meta.setdefault("last_seq", {})
        if last_seq.get(meeting_key, 0) >= MAX_COUNTER:
            raise BadInput(
                f"Meeting {meeting_key} has used every commitment number up to {MAX_COUNTER:,}; "
                "record new commitments under another meeting."
            )
        last_seq[meeting_key] = last_seq.get(meeting_key, 0) + 1
        return last_seq[meeting_key]

    def reserve_seq(self, meeting_key: str, seq: int) -> None:
        """Make sure a number brought in from elsewhere (an import) is never issued again."""
        last_seq: dict[str, int] = self._meta.setdefault("last_seq", {})
        last_seq[meeting_key] = max(last_seq.get(meeting_key, 0), seq)

    def undo_last(self) -> JournalEntry:
        """Revert the newest change that is not itself an undo and has not been undone."""
        undoable = (
            JournalEntry.from_doc(seq, doc)
            for seq, doc in self.snapshot.journal()
            if doc.get("undone_by") is None and doc.get("undoes") is None
        )
        entry = next(undoable, None)
        if entry is None:
            raise NothingToUndo("Nothing to undo: every recorded change has been undone.")
        for table, created_ids in entry.created.items():
            present = self._tables.get_table(table)
            gone = [i for i in created_ids if str(i) in present]
            for created_id in gone:
                self._remember_before(table, created_id)
            if gone:
                self._db.table(table).remove(doc_ids=gone)
        for table, counts in (entry.appended or {}).items():
            for doc_id, count in counts.items():
                current = self._tables.get_table(table).get(doc_id)
                events = current.get("events") if current is not None else None
                if current is None or not (
                    type(events) is list and type(count) is int and 0 <= count < len(events)
                ):
                    raise CorruptStore(
                        self._path,
                        f"journal entry {entry.seq} no longer matches document {doc_id} of "
                        f"table '{table}', so it cannot be undone",
                    )
                self.replace(table, int(doc_id), {**current, "events": events[:count]})
        for table, docs in entry.before.items():
            for doc_id, before in docs.items():
                if before is None:
                    if doc_id in self._tables.get_table(table):
                        self._remember_before(table, int(doc_id))
                        self._db.table(table).remove(doc_ids=[int(doc_id)])
                else:
                    self.replace(table, int(doc_id), copy.deepcopy(before))
        self._undoes = entry.seq
        return entry

    def _appended(self) -> dict[str, dict[str, int]]:
        """The documents this change only added events to, moved out of ``_before`` and kept
        as their earlier event counts (``appended_only``). An undo's own entry keeps whole
        copies: it is never undone, and it is rare."""
        if self._undoes is not None:
            return {}
        found: dict[str, dict[str, int]] = {}
        for table, images in self._before.items():
            current = self._tables.get_table(table)
            for doc_id, image in list(images.items()):
                after = current.get(doc_id)
                count = None if image is None or after is None else appended_only(image, after)
                if count is not None:
                    found.setdefault(table, {})[doc_id] = count
                    del images[doc_id]
        for table in found:
            if not self._before[table]:
                del self._before[table]
        return found

    def finish(self) -> None:
        """Count the new generation and append this transaction's journal entry."""
        meta = self._meta
        meta["generation"] = int(meta.get("generation", 0)) + 1
        meta["schema"] = SCHEMA
        last_ids: dict[str, int] = meta.setdefault("last_doc_id", {})
        if JOURNAL not in last_ids:
            newest = next(self.snapshot.journal(), None)
            last_ids[JOURNAL] = newest[0] if newest else 0
        seq = self._issue_doc_ids(JOURNAL, 1)
        appended = self._appended()
        entry: dict[str, Any] = {
            "at": self._at,
            "by": self._actor,
            "command": self._command,
            "summary": self.summary,
            "created": self._created,
            "before": self._before,
            "undone_by": None,
            "undoes": self._undoes,
        }
        if appended:
            entry["appended"] = appended
        self._db.table(journal_table(seq)).insert(self._document(entry, doc_id=seq))
        if self._undoes is not None:
            self._db.table(journal_table(self._undoes)).update(
                {"undone_by": seq}, doc_ids=[self._undoes]
            )
