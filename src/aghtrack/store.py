"""The store: the only code that touches TinyDB or the file (with ``layout``, which says how
the file is laid out).

The file is an accountability record shared by several officers, so every write is a
transaction under a cross-process lock, written whole to a temp file in the same directory,
fsynced, atomically renamed over the store, and the directory fsynced. A crash at any instant
leaves the old store or the new one, never a mix. (TinyDB's own JSONStorage rewrites the file
in place: measured here, 8 concurrent writers corrupted it in 10 of 10 trials.)

Within one command TinyDB works on the tables held in memory (``_transaction_db``), each
parsed from the file on first use, and the transaction writes them once, before the lock is
released.

Each write also appends an entry to the journal in the same file, holding the before-image of
every document it changed and the ids of those it created, so ``undo`` can revert it exactly
and ``history`` can say who changed what and when. Reference counters live in ``meta`` and are
never rolled back, so a reference is never issued twice, even after undo.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CorruptStore, NothingToUndo, StoreBusy, StoreError, StoreWriteFailed
from .layout import (
    COMMITMENTS,
    JOURNAL,
    MEETINGS,
    SCHEMA,
    Doc,
    LazyTables,
    StoreDefect,
    Tables,
    commitments_table,
    empty_tables,
    encode,
    header_meta,
    journal_table,
    merge_counters,
    no_gc,
    open_tables,
    parse_store,
    read_store_bytes,
    serialise,
    sort_key,
    table_kind,
)

if TYPE_CHECKING:
    from tinydb import TinyDB
    from tinydb.table import Document

__all__ = [
    "COMMITMENTS",
    "JOURNAL",
    "MEETINGS",
    "SCHEMA",
    "Doc",
    "JournalEntry",
    "Snapshot",
    "Store",
    "StoreDefect",
    "Tables",
    "Transaction",
    "commitments_table",
    "encode",
    "no_gc",
    "read_store_bytes",
    "replace_atomically",
    "serialise",
    "table_kind",
]

DEFAULT_LOCK_TIMEOUT = 10.0
DEFAULT_BACKUPS = 3


class Snapshot:
    """The store's contents as read at one instant. Documents are keyed by TinyDB doc id."""

    def __init__(self, tables: LazyTables, missing: bool = False) -> None:
        self.tables = tables
        self.missing = missing

    @property
    def meta(self) -> Doc:
        return self.tables["meta"]["1"]

    @property
    def generation(self) -> int:
        return int(self.meta.get("generation", 0))

    def docs(self, table: str) -> dict[str, Doc]:
        return self.tables.get_table(table)

    def table_names(self, kind: str, meeting: str | None = None) -> list[str]:
        """Tables of one kind (and meeting), oldest block first."""
        found = []
        for name in self.tables.names():
            parts = table_kind(name)
            if parts and parts[0] == kind and (meeting is None or parts[1] == meeting):
                found.append(name)
        return sorted(found, key=sort_key)

    def commitments(self, meeting: str | None = None) -> Iterator[tuple[str, str, Doc]]:
        """``(table, doc id, document)`` of every commitment (of one meeting), deleted included."""
        for name in self.table_names(COMMITMENTS, meeting):
            for doc_id, doc in self.tables[name].items():
                yield name, doc_id, doc

    def commitment(self, meeting: str, seq: int) -> tuple[str, Doc] | None:
        name = commitments_table(meeting, seq)
        doc = self.docs(name).get(str(seq))
        return (name, doc) if doc is not None else None

    def journal(self) -> Iterator[tuple[int, Doc]]:
        """Journal entries, newest first."""
        for name in reversed(self.table_names(JOURNAL)):
            docs = self.tables[name]
            for key in sorted(docs, key=int, reverse=True):
                yield int(key), docs[key]

    def materialise(self) -> Tables:
        """Every table, loaded (export, import, doctor)."""
        for name in self.tables.names():
            self.tables[name]
        return dict(self.tables)


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


@dataclass
class JournalEntry:
    seq: int
    at: str
    by: str
    command: str
    summary: str
    created: dict[str, list[int]] = field(default_factory=dict)
    before: dict[str, dict[str, Doc | None]] = field(default_factory=dict)
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


class Store:
    """A store file: read without a lock (renames are atomic), written under one."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        backups: int = DEFAULT_BACKUPS,
    ) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.backups = backups

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def backup_path(self, n: int) -> Path:
        return self.path.with_name(f"{self.path.name}.bak{n}")

    def exists(self) -> bool:
        return self.path.exists()

    def backup_paths(self) -> list[Path]:
        """Backups present beside the store, newest (``.bak1``) first."""
        return [p for n in range(1, self.backups + 1) if (p := self.backup_path(n)).exists()]

    def leftover_temp_files(self) -> list[Path]:
        """Temp files a killed writer left behind: never read, removed by the next write."""
        return sorted(self.path.parent.glob(f".{self.path.name}.*.tmp"))

    def load(self) -> Snapshot:
        """Read the store: the whole file at one instant, its header and checksums checked
        now, each table parsed when first used."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            if self.backup_paths():
                # Someone moved or deleted the record: starting a fresh, empty one here would
                # hide that and let the next write bury the backups under new versions.
                raise CorruptStore(
                    self.path,
                    "the store file is missing but its backups are here; "
                    "'aghtrack doctor --restore' brings back the last good one",
                ) from None
            return Snapshot(LazyTables(empty_tables(), None), missing=True)
        except OSError as e:
            raise StoreError(self.path, f"cannot read the store ({e.strerror})") from None
        return Snapshot(open_tables(self.path, raw))

    def signature(self) -> tuple[int, int, int] | None:
        """Identity of the file's current version; every write renames a new file in."""
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    @contextlib.contextmanager
    def transaction(
        self, *, at: str, actor: str, command: str, lock_held: bool = False
    ) -> Iterator[Transaction]:
        """Hold the lock, hand out the current tables, and write them if the block changed
        anything. An exception inside the block writes nothing. ``lock_held``: the caller
        already holds ``locked()`` (``sync``, which keeps it across its git steps)."""
        with contextlib.nullcontext() if lock_held else self.locked():
            snapshot = self.load()
            tx = Transaction(snapshot, at=at, actor=actor, command=command)
            yield tx
            if tx.changed:
                tx.finish()
                self._write(encode(snapshot.tables))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's cross-process lock (every write, and ``doctor --restore``)."""
        from filelock import FileLock, Timeout

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.lock_path), timeout=self.lock_timeout)
            lock.acquire()
        except Timeout:
            raise StoreBusy(
                self.path,
                f"the store is busy: another aghtrack command has held it for over "
                f"{self.lock_timeout:g} s; try again in a moment",
            ) from None
        except OSError as e:
            raise StoreWriteFailed(
                self.path, f"cannot write here ({e.strerror}); the store was not changed"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def restore(self, data: bytes, *, stamp: str) -> Path | None:
        """Replace the store with ``data`` (a checked backup), keeping the current file aside as
        ``store.json.damaged-STAMP``; nothing is deleted and the backups are not rotated, so
        the good versions stay where they were. Call it holding ``locked()``. Returns the path
        the old file was kept at, or None if there was no store file.

        The reference counters are raised to the highest that the damaged file's header or any
        backup reached: 9.4, issued after the backup was taken, is lost with the damaged file,
        but it is never issued again to a different commitment."""
        tables = parse_store(data, self.path)
        seen = (self.path, *self.backup_paths())
        if merge_counters(tables["meta"]["1"], (m for p in seen if (m := header_meta(p)))):
            data = serialise(tables)
        aside: Path | None = None
        if self.path.exists():
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
            n = 1
            while aside.exists():
                n += 1
                aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
            try:
                # A second name for the same file: the store path is never without a file.
                os.link(self.path, aside)
            except OSError:
                try:
                    shutil.copy2(self.path, aside)
                except OSError as e:
                    raise StoreWriteFailed(
                        self.path,
                        f"could not keep the damaged store aside ({e.strerror or e}); "
                        "nothing was changed",
                    ) from None
        self._write([data], rotate=False)
        return aside

    def _write(self, data: Iterable[bytes | memoryview], *, rotate: bool = True) -> None:
        try:
            self._remove_stale_temp_files()
            replace_atomically(
                self.path, data, before_replace=self._rotate_backups if rotate else None
            )
        except OSError as e:
            raise StoreWriteFailed(
                self.path,
                f"could not write the store ({e.strerror or e}); it was left as it was",
            ) from None

    def _rotate_backups(self) -> None:
        """Keep the last few stores as ``.bak1`` (newest) .. ``.bakN``; a hard link costs no
        copy, and the store about to be replaced is a complete, fsynced file."""
        if self.backups < 1 or not self.path.exists():
            return
        for n in range(self.backups - 1, 0, -1):
            if self.backup_path(n).exists():
                os.replace(self.backup_path(n), self.backup_path(n + 1))
        newest = self.backup_path(1)
        with contextlib.suppress(FileNotFoundError):
            newest.unlink()
        try:
            os.link(self.path, newest)
        except OSError:
            shutil.copy2(self.path, newest)

    def _remove_stale_temp_files(self) -> None:
        """Temp files left by a writer that was killed mid-write; only called under the lock."""
        for leftover in self.leftover_temp_files():
            with contextlib.suppress(OSError):
                leftover.unlink()

    def journal(self, snapshot: Snapshot | None = None) -> list[JournalEntry]:
        """Journal entries, newest first."""
        return [JournalEntry.from_doc(seq, doc) for seq, doc in (snapshot or self.load()).journal()]


def replace_atomically(
    path: Path,
    data: bytes | Iterable[bytes | memoryview],
    *,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Make ``path`` hold ``data`` or its old content, never a mix, whatever crashes when:
    a temp file beside it (same filesystem, so the rename is atomic), fsynced, renamed over
    it, and the directory fsynced. Raises OSError (or whatever producing ``data`` raised)
    with nothing changed but the temp file gone. Every file aghtrack writes (the store,
    reports, exports) goes through here."""
    directory = path.parent
    tmp: str | None = None
    pieces = [data] if isinstance(data, bytes | bytearray) else data
    try:
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(path))
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
        tmp = None
        _fsync_directory(directory)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _file_mode(path: Path) -> int:
    """Keep an existing file's mode; a new one gets what the umask allows (mkstemp's 0600
    would hide the record from colleagues on a shared drive)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; without this a power cut can bring the old name back."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
