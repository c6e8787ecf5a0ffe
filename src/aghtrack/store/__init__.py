"""The store: the only code that touches TinyDB or the file. A load and a write read top to
bottom here, each step in the module named for its job:

- ``files``: the store file and those beside it: lock, atomic replace, backups, table files;
- ``layout``: how the store is laid out (header, table files, CRCs), encoded, parsed, checked;
- ``journal``: a transaction's changes and the journal entry that lets ``undo`` revert them;
- ``upgrade``: reading stores written with schema 1.

The store is an accountability record shared by several officers, so every write is a
transaction under a cross-process lock: the tables it changed go into new files, and a new
header naming them is renamed atomically over the store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CorruptStore, StoreBusy
from .files import (
    DEFAULT_BACKUPS,
    DEFAULT_LOCK_TIMEOUT,
    StoreFiles,
    orphan_tables_problem,
    read_regular,
)
from .layout import (
    Doc,
    LazyTables,
    Snapshot,
    TableFileGone,
    counters_json,
    empty_tables,
    encode,
    header_meta,
    open_tables,
    referenced_files,
)

if TYPE_CHECKING:
    from .journal import JournalEntry, Transaction

#: How many times a read starts again when a writer replaced the version it was reading.
_READ_ATTEMPTS = 50

__all__ = [
    "DEFAULT_BACKUPS",
    "DEFAULT_LOCK_TIMEOUT",
    "JournalEntry",
    "Store",
    "Transaction",
]


def __getattr__(name: str) -> Any:
    """``JournalEntry`` and ``Transaction`` from the journal module, imported when first asked
    for: a command that only reads never needs it (nor TinyDB)."""
    if name in ("JournalEntry", "Transaction"):
        from . import journal

        return getattr(journal, name)
    raise AttributeError(name)


class Store(StoreFiles):
    """A store: read without a lock (a header rename is atomic and table files never change),
    written under one."""

    def load(self) -> Snapshot:
        """Read the store: its header and every table file at one instant, checked now, each
        table parsed when first used."""
        for _ in range(_READ_ATTEMPTS):
            raw = self.read()
            if raw is None:
                return self._missing()
            try:
                return Snapshot(open_tables(self.path, raw))
            except TableFileGone as gone:
                # Writers remove the files of versions no header names any more: if the store
                # changed since its header was read, read the new version; if not, it is damage.
                if self.read() == raw:
                    raise gone.defect.error(self.path) from None
        raise StoreBusy(self.path, "the store kept changing while it was read; try again")

    def _missing(self) -> Snapshot:
        if self.backup_paths():
            # Someone moved or deleted the record: starting a fresh, empty one here would
            # hide that and let the next write bury the backups under new versions.
            raise CorruptStore(
                self.path,
                "the store file is missing but its backups are here; "
                "'aghtrack doctor --restore' brings back the last good one",
            ) from None
        orphans = self.orphan_table_files()
        if orphans:
            # The same, with no backup yet (after the first import there is none): the tables
            # are the record, and the next write would remove them as named by no header.
            raise CorruptStore(
                self.path, orphan_tables_problem(self.tables_path, orphans)
            ) from None
        return Snapshot(LazyTables(empty_tables(), None), missing=True)

    @contextlib.contextmanager
    def transaction(
        self, *, at: str, actor: str, command: str, lock_held: bool = False
    ) -> Iterator[Transaction]:
        """Hold the lock, hand out the current tables, and write them if the block changed
        anything. An exception inside the block writes nothing. ``lock_held``: the caller
        already holds ``locked()`` (``sync``, which keeps it across its git steps)."""
        from .journal import Transaction

        with contextlib.nullcontext() if lock_held else self.locked():
            snapshot = self.load()
            tx = Transaction(snapshot, self.path, at=at, actor=actor, command=command)
            yield tx
            if tx.changed:
                tx.finish()
                encoded = encode(snapshot.tables)
                self.write(
                    [encoded.header], files=encoded.files, counters=counters_json(snapshot.meta)
                )
                self.remove_unnamed_tables()

    def remove_unnamed_tables(self) -> None:
        """Remove the table files that neither the store nor any backup or damaged copy kept
        aside names (holding the lock, after a write). A header that cannot be read keeps
        every file: they may be all that is left of its version."""
        named: set[str] = set()
        for header in self.headers():
            found = referenced_files(header)
            if found is None:
                if header.exists():
                    return
                continue
            named |= found
        self.remove_unnamed_table_files(named)

    def restore(self, data: bytes, *, stamp: str) -> Path | None:
        """Replace the store with ``data`` (a checked backup), keeping the current file aside as
        ``store.json.damaged-STAMP``; nothing is deleted and the backups are not rotated, so
        the good versions stay where they were. Call it holding ``locked()``. Returns the path
        the old file was kept at, or None if there was no store file.

        The reference counters are raised to the highest that any source reached: the damaged
        file's header, or failing that the references and counters still legible in its bytes;
        the counters kept beside the store; every backup's header and tables. 9.4, issued
        after the backup was taken, is lost with the damaged file, but it is never issued
        again to a different commitment."""
        from .recovery import merge_counters

        tables = open_tables(self.path, data)
        merge_counters(tables["meta"]["1"], self._counter_sources())
        encoded = encode(tables)  # the backup's table files stay as they are
        aside = self.keep_aside(stamp)
        self.write([encoded.header], files=encoded.files, rotate=False)
        self.remove_unnamed_tables()
        return aside

    def _counter_sources(self) -> Iterator[Doc]:
        from .recovery import counters_in

        for path in (self.path, *self.backup_paths()):
            meta = header_meta(path)
            if meta is not None:
                yield meta
            with contextlib.suppress(OSError):
                yield counters_in(read_regular(path))
        side = self.read_counters()
        if side is not None:
            yield counters_in(side)
        # Tables written after the newest backup: the damaged header may have named them.
        in_backups: set[str] = set()
        for backup in self.backup_paths():
            in_backups |= referenced_files(backup) or set()
        for path in self.table_files():
            if path.name not in in_backups and not path.name.startswith("."):
                with contextlib.suppress(OSError):
                    yield counters_in(read_regular(path))

    def journal(
        self, snapshot: Snapshot | None = None, *, touching: tuple[str, int] | None = None
    ) -> list[JournalEntry]:
        """Journal entries, newest first; with ``touching`` (a table and a document id), only
        those that changed that document."""
        from .journal import journal_entries

        return journal_entries(snapshot or self.load(), touching)
