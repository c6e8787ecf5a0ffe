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
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import BadInput, NothingToUndo
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

    def touches(self, table: str, doc_id: int) -> bool:
        return doc_id in self.created.get(table, ()) or str(doc_id) in self.before.get(table, {})

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
        )


def journal_entries(snapshot: Snapshot) -> list[JournalEntry]:
    """Journal entries, newest first."""
    return [JournalEntry.from_doc(seq, doc) for seq, doc in snapshot.journal()]


class Transaction:
    """Changes made under the lock; written as one atomic replace when the block ends."""

    def __init__(self, snapshot: Snapshot, *, at: str, actor: str, command: str) -> None:
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
        entry = {
            "at": self._at,
            "by": self._actor,
            "command": self._command,
            "summary": self.summary,
            "created": self._created,
            "before": self._before,
            "undone_by": None,
            "undoes": self._undoes,
        }
        self._db.table(journal_table(seq)).insert(self._document(entry, doc_id=seq))
        if self._undoes is not None:
            self._db.table(journal_table(self._undoes)).update(
                {"undone_by": seq}, doc_ids=[self._undoes]
            )
