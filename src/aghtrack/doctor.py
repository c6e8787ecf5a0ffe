"""Checking a store and bringing back its last good backup: the way out of a damaged record.

Every other command refuses a damaged store and leaves it exactly as it is, so that nothing is
lost by accident. The doctor says what is wrong, with the store and with each backup, and on
request puts the newest *good* backup in its place, keeping the damaged file aside under a new
name. It never deletes anything. A backup is an earlier header over the same tables folder; it
is good only if every table file it names is there and whole.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import clock
from .errors import AghtrackError, StoreError
from .model import commitment_from_dict, meeting_from_dict
from .store import Store
from .store.files import orphan_tables_problem, read_regular
from .store.layout import (
    COMMITMENTS,
    JOURNAL,
    MEETINGS,
    StoreDefect,
    Tables,
    commitments_table,
    read_store_bytes,
    table_kind,
)

#: Problems listed per file; a store broken everywhere would otherwise print thousands.
MAX_LISTED = 5


@dataclass(frozen=True)
class FileCheck:
    """What one file (the store or a backup) holds, and what is wrong with it.

    ``problems`` make the file unusable (a command would refuse it); ``warnings`` are
    inconsistencies that commands survive but an officer should hear about."""

    path: Path
    exists: bool
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    newer: bool = False
    #: Not a store but another aghtrack file (an export) where the store belongs.
    foreign: bool = False
    generation: int | None = None
    meetings: int = 0
    commitments: int = 0
    deleted: int = 0
    changes: int = 0

    @property
    def good(self) -> bool:
        return self.exists and not self.problems

    def summary(self) -> str:
        if not self.exists:
            return "; ".join(self.problems) or "missing"
        if self.problems:
            label = "newer: " if self.newer else "not a store: " if self.foreign else "damaged: "
            return label + "; ".join(self.problems)
        deleted = f" ({self.deleted} deleted)" if self.deleted else ""
        return (
            f"good: generation {self.generation}, {_count(self.meetings, 'meeting')}, "
            f"{_count(self.commitments, 'commitment')}{deleted}, "
            f"{_count(self.changes, 'change')} journaled"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "exists": self.exists,
            "good": self.good,
            "newer": self.newer,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "generation": self.generation,
            "meetings": self.meetings,
            "commitments": self.commitments,
            "deleted": self.deleted,
            "changes": self.changes,
        }


@dataclass(frozen=True)
class Health:
    store: FileCheck
    backups: tuple[FileCheck, ...]
    leftovers: tuple[Path, ...]

    @property
    def healthy(self) -> bool:
        """A good store, or no store at all and nothing to bring back."""
        return self.store.good or (
            not self.store.exists and not self.backups and not self.store.problems
        )

    @property
    def good_backup(self) -> FileCheck | None:
        return next((b for b in self.backups if b.good), None)

    def as_dict(self) -> dict[str, Any]:
        good = self.good_backup
        return {
            "healthy": self.healthy,
            "store": self.store.as_dict(),
            "backups": [b.as_dict() for b in self.backups],
            "restorable_from": str(good.path) if good and not self.healthy else None,
            "leftover_temp_files": [str(p) for p in self.leftovers],
        }


@dataclass(frozen=True)
class Restored:
    backup: FileCheck
    kept_aside: Path | None


def check(store: Store) -> Health:
    """Read the store and its backups (without the lock: every header is replaced whole and
    table files are never changed). A backup's tables are in the store's tables folder."""
    found = check_file(store.path, store.tables_path)
    orphans = store.orphan_table_files() if not found.exists else []
    if orphans:
        found = FileCheck(
            store.path, exists=False, problems=(orphan_tables_problem(store.tables_path, orphans),)
        )
    return Health(
        store=found,
        backups=tuple(check_file(p, store.tables_path) for p in store.backup_paths()),
        leftovers=tuple(store.leftover_temp_files()),
    )


def check_file(path: Path, folder: Path) -> FileCheck:
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        return FileCheck(path, exists=False)
    except OSError as e:
        why = getattr(e, "kind", None) or e.strerror or e
        return FileCheck(path, exists=True, problems=(f"cannot be read ({why})",))
    return check_bytes(path, raw, folder)


def check_bytes(path: Path, raw: bytes, folder: Path) -> FileCheck:
    found = read_store_bytes(raw, folder)
    if isinstance(found, StoreDefect):
        return FileCheck(
            path, exists=True, problems=(found.detail,), newer=found.newer, foreign=found.foreign
        )
    return _check_tables(path, found)


def _check_tables(path: Path, tables: Tables) -> FileCheck:
    """Every document must load as a command would load it; a store whose documents do not is
    as unusable as one that is not JSON."""
    problems: list[str] = []
    warnings: list[str] = []
    meeting_keys: set[str] = set()
    kinds = {name: table_kind(name) for name in tables if name != "meta"}
    commitment_tables = [n for n, k in kinds.items() if k and k[0] == COMMITMENTS]
    journal = {
        key: entry
        for name, k in kinds.items()
        if k and k[0] == JOURNAL
        for key, entry in tables[name].items()
    }
    meetings = tables.get(MEETINGS, {})
    for doc_id, doc in meetings.items():
        try:
            meeting_keys.add(meeting_from_dict(doc).key)
        except (AghtrackError, KeyError, TypeError, ValueError, AttributeError) as e:
            problems.append(f"meeting entry {doc_id} is malformed ({_reason(e)})")
    refs: Counter[str] = Counter()
    ids: Counter[str] = Counter()
    top_seq: dict[str, int] = {}
    live = deleted = 0
    for table, doc_id, doc in (
        (name, doc_id, doc) for name in commitment_tables for doc_id, doc in tables[name].items()
    ):
        try:
            c = commitment_from_dict(doc)
        except (AghtrackError, KeyError, TypeError, ValueError, AttributeError) as e:
            problems.append(f"commitment {_ref(table, doc_id)} is malformed ({_reason(e)})")
            continue
        if (table, doc_id) != (commitments_table(c.meeting, c.seq), str(c.seq)):
            # Found by its reference, it would not be found at all.
            problems.append(f"commitment {c.ref} is filed as {table}/{doc_id}")
        refs[c.ref] += 1
        ids[c.id] += 1
        top_seq[c.meeting] = max(top_seq.get(c.meeting, 0), c.seq)
        if c.deleted:
            deleted += 1
        else:
            live += 1
        if c.meeting not in meeting_keys:
            warnings.append(f"commitment {c.ref} belongs to no meeting in the store")
    warnings += [f"reference {ref} is used {n} times" for ref, n in refs.items() if n > 1]
    warnings += [f"id {i} is used {n} times" for i, n in ids.items() if n > 1]
    last_seq = tables["meta"]["1"].get("last_seq", {})
    warnings += [
        f"the reference counter of meeting {key} is behind ({last_seq.get(key, 0)} < {seq}), "
        "so a reference could be issued twice"
        for key, seq in top_seq.items()
        if last_seq.get(key, 0) < seq
    ]
    for seq, entry in journal.items():
        if not _journal_entry_ok(entry):
            problems.append(f"journal entry {seq} is malformed, so 'undo' could not use it")
    return FileCheck(
        path,
        exists=True,
        problems=_cap(problems),
        warnings=_cap(warnings),
        generation=int(tables["meta"]["1"].get("generation", 0)),
        meetings=len(meetings),
        commitments=live,
        deleted=deleted,
        changes=len(journal),
    )


def _journal_entry_ok(entry: dict[str, Any]) -> bool:
    created = entry.get("created") or {}
    before = entry.get("before") or {}
    appended = entry.get("appended") or {}
    return (
        isinstance(appended, dict)
        and all(
            isinstance(counts, dict)
            and all(k.isdigit() and type(n) is int and n >= 0 for k, n in counts.items())
            for counts in appended.values()
        )
        and isinstance(created, dict)
        and all(
            isinstance(ids, list) and all(isinstance(i, int) for i in ids)
            for ids in created.values()
        )
        and isinstance(before, dict)
        and all(
            isinstance(docs, dict)
            and all(k.isdigit() and (d is None or isinstance(d, dict)) for k, d in docs.items())
            for docs in before.values()
        )
    )


def _ref(table: str, doc_id: str) -> str:
    """The reference a document in ``table`` is filed as, as officers write it (9.3)."""
    kind = table_kind(table)
    return f"{kind[1] if kind else table}.{doc_id}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _reason(e: Exception) -> str:
    if isinstance(e, KeyError):
        return f"no '{e.args[0]}'"
    return str(e)


def _cap(found: list[str]) -> tuple[str, ...]:
    if len(found) <= MAX_LISTED:
        return tuple(found)
    return (*found[:MAX_LISTED], f"and {len(found) - MAX_LISTED} more")


def restore_last_good(store: Store) -> Restored | None:
    """Put the newest good backup in place of a damaged or missing store, under the lock (so a
    second officer running the doctor at once finds the store already healthy). Returns None
    when the store turns out to be healthy."""
    with store.locked():
        health = check(store)
        if health.healthy:
            return None
        if health.store.newer:
            raise StoreError(
                store.path,
                f"{health.store.problems[0]}; upgrade aghtrack rather than restore an older "
                "backup over it. Nothing was changed",
            )
        backup = health.good_backup
        if backup is None:
            raise StoreError(
                store.path,
                f"{health.store.summary()}; no backup is good either, so nothing was "
                "changed. Keep these files: an export or a copy elsewhere may hold the record",
            )
        raw = backup.path.read_bytes()
        stamp = clock.now().replace("-", "").replace(":", "")
        kept_aside = store.restore(raw, stamp=stamp)
    return Restored(backup=backup, kept_aside=kept_aside)


def damage_message(health: Health) -> str:
    """The one line a damaged store earns on stderr: what is wrong and the way out."""
    store = health.store
    what = store.summary() if store.exists or store.problems else "missing, but backups are here"
    if store.newer:
        return f"{what}; upgrade aghtrack to use it"
    if store.foreign:
        return what
    good = health.good_backup
    if good is None:
        return f"{what}; no backup is good either, so there is nothing to restore"
    return (
        f"{what}; 'aghtrack doctor --restore' brings back {good.path.name} "
        f"(generation {good.generation}, {good.commitments} commitments), "
        "keeping the damaged file aside"
    )
