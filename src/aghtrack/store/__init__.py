"""The store: the only code that touches TinyDB or the file. A load and a write read top to
bottom here, each step in the module named for its job:

- ``files``: the store file and those beside it: lock, atomic replace, backups;
- ``layout``: how the file is laid out (sections, CRCs), encoded, parsed and checked;
- ``journal``: a transaction's changes and the journal entry that lets ``undo`` revert them;
- ``upgrade``: reading stores written with schema 1.

The file is an accountability record shared by several officers, so every write is a
transaction under a cross-process lock, written whole and renamed atomically over the store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from ..errors import CorruptStore
from .files import DEFAULT_BACKUPS, DEFAULT_LOCK_TIMEOUT, StoreFiles, read_regular
from .journal import JournalEntry, Transaction, journal_entries
from .layout import (
    Doc,
    LazyTables,
    Snapshot,
    counters_in,
    counters_json,
    empty_tables,
    encode,
    header_meta,
    merge_counters,
    open_tables,
    parse_store,
    serialise,
)

__all__ = [
    "DEFAULT_BACKUPS",
    "DEFAULT_LOCK_TIMEOUT",
    "JournalEntry",
    "Store",
    "Transaction",
]


class Store(StoreFiles):
    """A store file: read without a lock (renames are atomic), written under one."""

    def load(self) -> Snapshot:
        """Read the store: the whole file at one instant, its header and checksums checked
        now, each table parsed when first used."""
        raw = self.read()
        if raw is None:
            if self.backup_paths():
                # Someone moved or deleted the record: starting a fresh, empty one here would
                # hide that and let the next write bury the backups under new versions.
                raise CorruptStore(
                    self.path,
                    "the store file is missing but its backups are here; "
                    "'aghtrack doctor --restore' brings back the last good one",
                ) from None
            return Snapshot(LazyTables(empty_tables(), None), missing=True)
        return Snapshot(open_tables(self.path, raw))

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
                self.write(encode(snapshot.tables), counters=counters_json(snapshot.meta))

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
        tables = parse_store(data, self.path)
        if merge_counters(tables["meta"]["1"], self._counter_sources()):
            data = serialise(tables)
        aside = self.keep_aside(stamp)
        self.write([data], rotate=False)
        return aside

    def _counter_sources(self) -> Iterator[Doc]:
        for path in (self.path, *self.backup_paths()):
            meta = header_meta(path)
            if meta is not None:
                yield meta
            with contextlib.suppress(OSError):
                yield counters_in(read_regular(path))
        side = self.read_counters()
        if side is not None:
            yield counters_in(side)

    def journal(self, snapshot: Snapshot | None = None) -> list[JournalEntry]:
        """Journal entries, newest first."""
        return journal_entries(snapshot or self.load())
