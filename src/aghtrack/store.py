"""The store: the only code that touches TinyDB or the file.

The file is an accountability record shared by several officers, so every write is a
transaction under a cross-process lock, written whole to a temp file in the same directory,
fsynced, atomically renamed over the store, and the directory fsynced. A crash at any instant
leaves the old store or the new one, never a mix. (TinyDB's own JSONStorage rewrites the file
in place: measured here, 8 concurrent writers corrupted it in 10 of 10 trials.)

The file is one JSON object of TinyDB tables, laid out so that a command reads only the tables
it needs (schema 2). Commitments live in one table per meeting and block of 500 numbers
(``commitments/9/0`` holds 9.1-9.499, keyed by number), the journal in blocks of 200 entries.
The first line is the ``meta`` table, whose header lists every other table's byte range and
CRC-32; each of those tables is then one line. Listing meeting 9 of a 100,000-commitment store
parses its header and one or two blocks instead of 48 MiB (measured: 0.35 s and ~350 MiB for
the whole file). A write copies the tables it did not touch byte for byte, checking each one's
CRC as it goes, so damage anywhere in the file still stops the next write (and so never reaches
the backups). Any JSON tool, TinyDB's own JSONStorage included, still reads the file whole.

Within one command TinyDB works on the tables held in memory (``_TransactionStorage``), loaded
on first use, and the transaction writes them once, before the lock is released.

Each write also appends an entry to the journal in the same file, holding the before-image of
every document it changed and the ids of those it created, so ``undo`` can revert it exactly
and ``history`` can say who changed what and when. Reference counters live in ``meta`` and are
never rolled back, so a reference is never issued twice, even after undo.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import os
import shutil
import stat
import tempfile
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from .errors import (
    CorruptStore,
    NothingToUndo,
    NotUnicode,
    StoreBusy,
    StoreError,
    StoreWriteFailed,
)

FORMAT = "aghtrack-store"
SCHEMA = 2
#: Commitment numbers per table block, and journal entries per block: small enough that a
#: change parses and rewrites a few hundred documents, large enough that the header stays short.
CHUNK = 500
JOURNAL_CHUNK = 200
COMMITMENTS = "commitments"
MEETINGS = "meetings"
JOURNAL = "journal"
DEFAULT_LOCK_TIMEOUT = 10.0
DEFAULT_BACKUPS = 3

Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]

_HEAD = b'{"meta":'
_LINE_END = b",\n"
_LAST_END = b"}\n"


def commitments_table(meeting: str, seq: int) -> str:
    """The table that holds commitment ``meeting.seq``, as its document ``seq``."""
    return f"{COMMITMENTS}/{meeting}/{seq // CHUNK}"


def journal_table(seq: int) -> str:
    return f"{JOURNAL}/{seq // JOURNAL_CHUNK}"


def table_kind(name: str) -> tuple[str, str, int] | None:
    """``(kind, meeting, block)`` of a table name, or None for a name aghtrack never writes."""
    if name == MEETINGS:
        return (MEETINGS, "", 0)
    kind, _, rest = name.partition("/")
    if kind == JOURNAL and rest.isascii() and rest.isdigit():
        return (JOURNAL, "", int(rest))
    if kind == COMMITMENTS:
        meeting, _, block = rest.rpartition("/")
        if meeting and block.isascii() and block.isdigit():
            return (COMMITMENTS, meeting, int(block))
    return None


def _empty_meta() -> Doc:
    return {"format": FORMAT, "schema": SCHEMA, "generation": 0, "last_seq": {}}


def _sort_key(name: str) -> tuple[int, str, int]:
    kind = table_kind(name) or ("", name, 0)
    order = {MEETINGS: 0, COMMITMENTS: 1, JOURNAL: 2}.get(kind[0], 3)
    return (order, kind[1], kind[2])


@dataclass(frozen=True)
class _Section:
    offset: int  # of the table's JSON value, from the start of the file
    length: int
    crc: int


class _SectionFile:
    """An open store file in the sectioned layout. Reads come from the one open descriptor, so a
    command sees one version of the file even if a writer renames a new one in meanwhile."""

    def __init__(self, path: Path, fd: int, index: dict[str, _Section]) -> None:
        self.path = path
        self.fd = fd
        self.index = index
        self._closer = weakref.finalize(self, os.close, fd)

    def close(self) -> None:
        self._closer()

    def raw(self, name: str) -> bytes:
        """The table's bytes as stored, after checking them against the header's CRC."""
        section = self.index[name]
        try:
            data = os.pread(self.fd, section.length, section.offset)
        except OSError as e:
            raise StoreError(self.path, f"cannot read the store ({e.strerror})") from None
        if len(data) != section.length:
            raise StoreDefect("it is shorter than its header says (cut short?)").error(self.path)
        if zlib.crc32(data) != section.crc:
            raise _damaged_section(name, data).error(self.path)
        return data

    def verify(self) -> None:
        """Check every table against the header, framing included: a damaged store is refused
        by every command, not only by those that happen to read the damaged table, so damage
        is found while the backups still hold a good copy. Reads one table at a time (measured
        ~40 ms for a 48 MiB store of 100,000 commitments; parsing it would take 0.35 s)."""
        names = list(self.index)
        for i, name in enumerate(names):
            section = self.index[name]
            label = orjson.dumps(name) + b":"
            end = _LINE_END if i < len(names) - 1 else _LAST_END
            start = section.offset - len(label)
            try:
                data = os.pread(self.fd, len(label) + section.length + 2, start)
            except OSError as e:
                raise StoreError(self.path, f"cannot read the store ({e.strerror})") from None
            value = data[len(label) : len(label) + section.length]
            if zlib.crc32(value) != section.crc:
                raise _damaged_section(name, value).error(self.path)
            if not (data.startswith(label) and data.endswith(end)):
                raise StoreDefect(f"table '{name}' is not where its header says").error(self.path)

    def table(self, name: str) -> dict[str, Doc]:
        found = _table_from_bytes(name, self.raw(name))
        if isinstance(found, StoreDefect):
            raise found.error(self.path)
        return found


class _LazyTables(dict[str, dict[str, Doc]]):
    """The store's tables as TinyDB sees them: each is parsed from the file on first use."""

    def __init__(self, loaded: Tables, source: _SectionFile | None) -> None:
        super().__init__(loaded)
        self.source = source

    def __missing__(self, name: str) -> dict[str, Doc]:
        if self.source is None or name not in self.source.index:
            raise KeyError(name)
        table = self.source.table(name)
        self[name] = table
        return table

    def names(self) -> set[str]:
        """Every table in this version of the store, loaded or not (``meta`` aside)."""
        stored = set(self.source.index) if self.source is not None else set()
        return (stored | set(self)) - {"meta"}

    def get_table(self, name: str) -> dict[str, Doc]:
        """The table, or an empty dict if it does not exist (yet)."""
        return self[name] if name in self.names() else {}


class Snapshot:
    """The store's contents as read at one instant. Documents are keyed by TinyDB doc id."""

    def __init__(self, tables: _LazyTables, missing: bool = False) -> None:
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
        return sorted(found, key=_sort_key)

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


class _TransactionStorage(Storage):
    """TinyDB storage over tables held in memory for the length of one transaction."""

    def __init__(self, tables: _LazyTables) -> None:
        self.tables = tables

    def read(self) -> _LazyTables:
        return self.tables

    def write(self, data: Tables) -> None:
        assert data is self.tables


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
        self._db = TinyDB(self._tables, storage=_TransactionStorage)
        self._at = at
        self._actor = actor
        self._command = command
        self._created: dict[str, list[int]] = {}
        self._before: dict[str, dict[str, Doc | None]] = {}
        self._undoes: int | None = None
        self.summary = ""

    @property
    def snapshot(self) -> Snapshot:
        return Snapshot(self._tables)

    @property
    def _meta(self) -> Doc:
        return self._tables["meta"]["1"]

    @property
    def changed(self) -> bool:
        return bool(self._created or self._before or self._undoes)

    def insert(self, table: str, doc: Doc) -> int:
        return self.insert_many(table, [doc])[0]

    def insert_many(self, table: str, docs: list[Doc]) -> list[int]:
        """Insert documents; commitments go to their meeting's block, keyed by their number."""
        if table == COMMITMENTS:
            blocks: dict[str, list[Document]] = {}
            for doc in docs:
                seq = doc["seq"]
                blocks.setdefault(commitments_table(doc["meeting"], seq), []).append(
                    Document(doc, doc_id=seq)
                )
            for name, batch in blocks.items():
                self._insert(name, batch)
            return [doc["seq"] for doc in docs]
        first = self._issue_doc_ids(table, len(docs))
        return self._insert(table, [Document(doc, doc_id=first + i) for i, doc in enumerate(docs)])

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
            self._db.table(table).insert(Document(doc, doc_id=doc_id))

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
        self._db.table(journal_table(seq)).insert(Document(entry, doc_id=seq))
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
        """Open the store: its header now, each table when first used."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            if self.backup_paths():
                # Someone moved or deleted the record: starting a fresh, empty one here would
                # hide that and let the next write bury the backups under new versions.
                raise CorruptStore(
                    self.path,
                    "the store file is missing but its backups are here; "
                    "'aghtrack doctor --restore' brings back the last good one",
                ) from None
            return Snapshot(_LazyTables(_empty_tables(), None), missing=True)
        except OSError as e:
            raise StoreError(self.path, f"cannot read the store ({e.strerror})") from None
        try:
            return Snapshot(_open_tables(self.path, fd))
        except OSError as e:
            raise StoreError(self.path, f"cannot read the store ({e.strerror})") from None

    def signature(self) -> tuple[int, int, int] | None:
        """Identity of the file's current version; every write renames a new file in."""
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    @contextlib.contextmanager
    def transaction(self, *, at: str, actor: str, command: str) -> Iterator[Transaction]:
        """Hold the lock, hand out the current tables, and write them if the block changed
        anything. An exception inside the block writes nothing."""
        with self.locked():
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
        the old file was kept at, or None if there was no store file."""
        parse_store(data, self.path)
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

    def _write(self, data: Iterable[bytes], *, rotate: bool = True) -> None:
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


def _empty_tables() -> Tables:
    return {"meta": {"1": _empty_meta()}, MEETINGS: {}}


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while parsing many small acyclic objects: its
    repeated scans otherwise cost more than the parse (measured: 1.2 s instead of 0.35 s for
    100,000 commitments)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _open_tables(path: Path, fd: int) -> _LazyTables:
    """The tables of an open store file; takes ownership of ``fd`` (closed on every path, or
    kept open by the returned tables to read them later)."""
    source: _SectionFile | None = None
    try:
        size = os.fstat(fd).st_size
        buffer = bytearray()
        newline = -1
        while newline < 0:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            start = len(buffer)
            buffer += chunk
            newline = buffer.find(b"\n", start)
        first = bytes(buffer[: newline + 1]) if newline >= 0 else b""
        header = _read_header(first, size, lambda start, n: os.pread(fd, n, start))
        if isinstance(header, StoreDefect):
            raise header.error(path)
        if header is None:
            # Not in the sectioned layout: an older store (schema 1), or one a JSON tool rewrote.
            while chunk := os.read(fd, 1 << 20):
                buffer += chunk
            return _LazyTables(parse_store(bytes(buffer), path), None)
        meta, index = header
        source = _SectionFile(path, fd, index)
        source.verify()
        return _LazyTables({"meta": {"1": meta}}, source)
    except BaseException:
        if source is not None:
            source.close()
        raise
    finally:
        if source is None:
            os.close(fd)


def _read_header(
    first: bytes, size: int, read_at: Callable[[int, int], bytes]
) -> tuple[Doc, dict[str, _Section]] | StoreDefect | None:
    """Meta and the place of every table from a sectioned store's first line; None if the file
    is not in that layout (it is then read whole)."""
    if not first.startswith(_HEAD) or not first.endswith((_LINE_END, _LAST_END)):
        return None
    try:
        meta_table = orjson.loads(first[len(_HEAD) : -2])
    except orjson.JSONDecodeError:
        return None
    meta = meta_table.get("1") if isinstance(meta_table, dict) else None
    if not isinstance(meta, dict) or "sections" not in meta:
        return None
    defect = _meta_defect(meta)
    if defect is not None:
        return defect
    sections = meta.pop("sections")
    if not isinstance(sections, list):
        return StoreDefect("its table index is malformed")
    index: dict[str, _Section] = {}
    position = len(first)
    for entry in sections:
        if not (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], str)
            and table_kind(entry[0]) is not None
            and entry[0] not in index
            and all(_is_int(n) and n >= 0 for n in entry[1:])
        ):
            return StoreDefect(f"its table index has a malformed entry {str(entry)[:60]}")
        name, length, crc = entry
        position += len(orjson.dumps(name)) + 1
        index[name] = _Section(position, length, crc)
        position += length + 2
    if first.endswith(_LAST_END) and index:
        return StoreDefect("its first line does not continue into its tables")
    if size < position:
        return StoreDefect("it is shorter than its header says (cut short?)")
    if size > position:
        tail = read_at(position, min(size - position, 1 << 16))
        if tail and not tail.strip(b"\x00"):
            return StoreDefect("it holds NUL bytes, as a file cut short by a crash does")
        return StoreDefect("it has bytes after its end (two files joined, or added to by hand?)")
    return meta, index


def _damaged_section(name: str, data: bytes) -> StoreDefect:
    if b"\x00" in data:
        return StoreDefect("it holds NUL bytes, as a file cut short by a crash does")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return StoreDefect("not UTF-8 text")
    return StoreDefect(
        f"table '{name}' does not match its checksum: changed outside aghtrack, or damaged"
    )


def _table_from_bytes(name: str, data: bytes) -> dict[str, Doc] | StoreDefect:
    try:
        table = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        if "not valid UTF-8" in str(e):
            return StoreDefect("not UTF-8 text")
        return StoreDefect(f"table '{name}' is not valid JSON: {e}")
    return _table_defect(name, table) or table


def _table_defect(name: str, table: Any) -> StoreDefect | None:
    if not isinstance(table, dict):
        return StoreDefect(f"table '{name}' is not an object but {_json_type(table)}")
    for doc_id, doc in table.items():
        if not (doc_id.isascii() and doc_id.isdigit()) or not isinstance(doc, dict):
            return StoreDefect(f"table '{name}' has a malformed entry '{doc_id}'")
    return None


def _dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError as e:
        # The model refuses undecodable text at entry; this is the net under every other path.
        raise NotUnicode(
            f"Nothing was written: the change holds text that is not UTF-8 ({e})."
        ) from None


def encode(tables: _LazyTables) -> Iterator[bytes]:
    """The store file for ``tables``, in pieces: tables loaded in this command are serialised,
    the others copied from the file they came from once their CRC has been checked."""
    source = tables.source
    parts: list[tuple[str, bytes | None, int, int]] = []
    for name in sorted(tables.names(), key=_sort_key):
        if name in tables:
            table = tables[name]
            if not table and name != MEETINGS:
                continue  # emptied (an undone first insert): nothing to keep
            data = _dumps(table)
            parts.append((name, data, len(data), zlib.crc32(data)))
        else:
            assert source is not None
            section = source.index[name]
            parts.append((name, None, section.length, section.crc))
    meta = {**tables["meta"]["1"], "sections": [[name, n, crc] for name, _, n, crc in parts]}
    head = _HEAD + _dumps({"1": meta}) + (_LINE_END if parts else _LAST_END)

    def pieces() -> Iterator[bytes]:
        yield head
        for i, (name, data, _, _) in enumerate(parts):
            yield orjson.dumps(name) + b":"
            yield data if data is not None else source.raw(name)  # type: ignore[union-attr]
            yield _LINE_END if i < len(parts) - 1 else _LAST_END

    return pieces()


def serialise(tables: Tables) -> bytes:
    """A whole store file for fully loaded ``tables`` (tests, benchmarks, migration)."""
    return b"".join(encode(_LazyTables(copy.copy(tables), None)))


@dataclass(frozen=True)
class StoreDefect:
    """What is wrong with a store file, for a person; ``newer`` when a later aghtrack wrote it
    (not damage: restoring a backup over it would lose that version's changes)."""

    detail: str
    newer: bool = False

    def error(self, path: Path) -> CorruptStore:
        if self.newer:
            return CorruptStore(
                path, f"{self.detail}; upgrade aghtrack to use it. It was left untouched"
            )
        return CorruptStore(
            path,
            f"not a valid aghtrack store ({self.detail}); it was left untouched. "
            "'aghtrack doctor' checks it and can restore a backup",
        )


def parse_store(raw: bytes, path: Path) -> Tables:
    """Parse and check a whole store file; refuse anything we did not write."""
    found = read_store_bytes(raw)
    if isinstance(found, StoreDefect):
        raise found.error(path)
    return found


def read_store_bytes(raw: bytes) -> Tables | StoreDefect:
    """Every table in a store file (in the current layout, whatever schema it was written
    with), or what is wrong with it. Shape only: the documents themselves are checked by
    whoever reads them, and by ``aghtrack doctor``."""
    with no_gc():
        newline = raw.find(b"\n")
        header = _read_header(
            raw[: newline + 1] if newline >= 0 else b"",
            len(raw),
            lambda start, n: raw[start : start + n],
        )
        if isinstance(header, StoreDefect):
            return header
        if header is not None:
            return _sectioned_tables(raw, *header)
        return _whole_tables(raw)


def _sectioned_tables(raw: bytes, meta: Doc, index: dict[str, _Section]) -> Tables | StoreDefect:
    tables: Tables = {"meta": {"1": meta}}
    names = list(index)
    for i, name in enumerate(names):
        section = index[name]
        label = orjson.dumps(name) + b":"
        end = _LINE_END if i < len(names) - 1 else _LAST_END
        framing_ok = (
            raw[section.offset - len(label) : section.offset] == label
            and raw[section.offset + section.length : section.offset + section.length + 2] == end
        )
        if not framing_ok:
            return StoreDefect(f"table '{name}' is not where its header says")
        data = raw[section.offset : section.offset + section.length]
        if zlib.crc32(data) != section.crc:
            return _damaged_section(name, data)
        found = _table_from_bytes(name, data)
        if isinstance(found, StoreDefect):
            return found
        tables[name] = found
    return tables


def _whole_tables(raw: bytes) -> Tables | StoreDefect:
    try:
        tables = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        if "not valid UTF-8" in str(e):
            return StoreDefect("not UTF-8 text")
        if not raw.strip():
            return StoreDefect("the file is empty")
        if b"\x00" in raw:
            # What a crash on some filesystems, or a full disk, leaves in a file written in place.
            return StoreDefect("it holds NUL bytes, as a file cut short by a crash does")
        return StoreDefect(f"not valid JSON: {e}")
    if not isinstance(tables, dict):
        return StoreDefect(f"expected a JSON object, found {_json_type(tables)}")
    meta = tables.get("meta", {}).get("1") if isinstance(tables.get("meta"), dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return StoreDefect("it has no aghtrack header")
    defect = _meta_defect(meta)
    if defect is not None:
        return defect
    meta.pop("sections", None)  # a JSON tool rewrote the file: the byte ranges are stale
    names = _SCHEMA_1_TABLES if meta["schema"] == 1 else [n for n in tables if n != "meta"]
    for name in names:
        if meta["schema"] > 1 and table_kind(name) is None:
            return StoreDefect(f"it has a table aghtrack does not know, '{name[:40]}'")
        defect = _table_defect(name, tables.setdefault(name, {}))
        if defect is not None:
            return defect
    return _from_schema_1(tables) if meta["schema"] == 1 else tables


def _meta_defect(meta: Doc) -> StoreDefect | None:
    if meta.get("format") != FORMAT:
        return StoreDefect("it has no aghtrack header")
    schema = meta.get("schema")
    if not _is_int(schema):
        return StoreDefect("its schema version is missing")
    if schema > SCHEMA:
        return StoreDefect(
            f"written by a newer aghtrack (schema {schema}; this version reads up to {SCHEMA})",
            newer=True,
        )
    if schema < 1:
        return StoreDefect(f"unknown schema version {schema}")
    if "generation" in meta and not _is_int(meta["generation"]):
        return StoreDefect("its generation counter is not a whole number")
    for counter in ("last_seq", "last_doc_id"):
        value = meta.get(counter, {})
        if not isinstance(value, dict) or not all(_is_int(v) for v in value.values()):
            return StoreDefect(f"its '{counter}' counters are malformed")
    return None


_SCHEMA_1_TABLES = [MEETINGS, COMMITMENTS, JOURNAL]


def _from_schema_1(old: Tables) -> Tables | StoreDefect:
    """A schema 1 store (one table of commitments keyed by arbitrary ids, one journal) in the
    current layout, its journal rewritten to name the same documents so undo still works.
    It is written in the new layout by the next change; until then the file is untouched."""
    meta = {**old["meta"]["1"], "schema": SCHEMA}
    last_ids = {k: v for k, v in meta.get("last_doc_id", {}).items() if k != COMMITMENTS}
    tables: Tables = {"meta": {"1": meta}, MEETINGS: old[MEETINGS]}
    place: dict[str, tuple[str, int]] = {}

    def locate(doc: Any) -> tuple[str, int] | None:
        meeting, seq = (doc.get("meeting"), doc.get("seq")) if isinstance(doc, dict) else (0, 0)
        if isinstance(meeting, str) and _is_int(seq):
            return commitments_table(meeting, seq), seq
        return None

    for doc_id, doc in old[COMMITMENTS].items():
        found = locate(doc)
        if found is None:
            return StoreDefect(f"commitment entry {doc_id} has no meeting and number")
        table = tables.setdefault(found[0], {})
        if str(found[1]) in table:
            return StoreDefect(f"two commitments are both {doc['meeting']}.{doc['seq']}")
        table[str(found[1])] = doc
        place[doc_id] = found
    entries = old[JOURNAL]
    for entry in entries.values():
        before = entry.get("before")
        images = before.get(COMMITMENTS) if isinstance(before, dict) else None
        if isinstance(images, dict):
            for doc_id, image in images.items():
                if (found := locate(image)) is not None:
                    place.setdefault(doc_id, found)
    for key, entry in entries.items():
        tables.setdefault(journal_table(int(key)), {})[key] = _entry_from_schema_1(entry, place)
    last_ids[JOURNAL] = max([last_ids.get(JOURNAL, 0), *map(int, entries)])
    meta["last_doc_id"] = last_ids
    return tables


def _entry_from_schema_1(entry: Doc, place: dict[str, tuple[str, int]]) -> Doc:
    created, before = entry.get("created"), entry.get("before")
    if not isinstance(created, dict) or not isinstance(before, dict):
        return entry  # malformed: left for doctor to report
    new_created: dict[str, list[Any]] = {}
    for table, ids in created.items():
        if table != COMMITMENTS or not isinstance(ids, list):
            new_created[table] = ids
            continue
        for doc_id in ids:
            # A document not found was created and later undone: nothing left to name.
            if (found := place.get(str(doc_id))) is not None:
                new_created.setdefault(found[0], []).append(found[1])
    new_before: dict[str, Any] = {}
    for table, images in before.items():
        if table != COMMITMENTS or not isinstance(images, dict):
            new_before[table] = images
            continue
        for doc_id, image in images.items():
            if (found := place.get(doc_id)) is not None:
                new_before.setdefault(found[0], {})[str(found[1])] = image
    return {**entry, "created": new_created, "before": new_before}


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", int: "a number", float: "a number"}
    names |= {bool: "true/false", type(None): "null", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def replace_atomically(
    path: Path, data: bytes | Iterable[bytes], *, before_replace: Callable[[], None] | None = None
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
