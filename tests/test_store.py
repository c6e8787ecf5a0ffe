from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest

from aghtrack.errors import CorruptStore, NothingToUndo, StoreBusy
from aghtrack.store import Store
from aghtrack.store.files import LockTimeout, hold_lock
from aghtrack.store.layout import SCHEMA, read_store_file


def write_one(store: Store, doc: dict[str, object]) -> int:
    with store.transaction(at="2026-01-01T00:00:00Z", actor="t", command="test") as tx:
        return tx.insert("meetings", doc)


def test_missing_store_reads_as_empty_and_is_not_created(store_path: Path) -> None:
    snapshot = Store(store_path).load()
    assert snapshot.missing and snapshot.docs("meetings") == {}
    assert not store_path.exists() and not store_path.parent.exists()


def test_first_write_creates_the_store_and_its_directory(store_path: Path) -> None:
    write_one(Store(store_path), {"a": 1})
    data = read_store_file(store_path)
    assert data["meta"]["1"]["schema"] == SCHEMA  # type: ignore[index]
    assert data["meetings"] == {"1": {"a": 1}}  # type: ignore[index]


def test_write_replaces_the_file_atomically_leaving_no_temp_files(store_path: Path) -> None:
    store = Store(store_path)
    write_one(store, {"a": 1})
    inode = store_path.stat().st_ino
    write_one(store, {"b": 2})
    assert store_path.stat().st_ino != inode  # a new file was renamed in, not rewritten in place
    assert not list(store_path.parent.glob("*.tmp"))


def test_a_failing_transaction_writes_nothing(store_path: Path) -> None:
    store = Store(store_path)
    write_one(store, {"a": 1})
    before = store_path.read_bytes()
    with pytest.raises(RuntimeError), store.transaction(at="t", actor="t", command="x") as tx:
        tx.insert("meetings", {"b": 2})
        raise RuntimeError("boom")
    assert store_path.read_bytes() == before


def test_stale_temp_files_are_ignored_and_cleaned_on_next_write(store_path: Path) -> None:
    store = Store(store_path)
    write_one(store, {"a": 1})
    stale = store_path.parent / f".{store_path.name}.dead.tmp"
    stale.write_bytes(b'{"half": ')
    assert store.load().docs("meetings") == {"1": {"a": 1}}
    write_one(store, {"b": 2})
    assert not stale.exists()


def test_backups_rotate_and_hold_previous_states(store_path: Path) -> None:
    store = Store(store_path, backups=2)
    for n in range(4):
        write_one(store, {"n": n})
    newest = read_store_file(store.backup_path(1), store.tables_path)["meetings"]  # type: ignore[index]
    assert len(newest) == 3
    assert store.backup_path(2).exists() and not store.backup_path(3).exists()


CORRUPT = {
    "lone newline": b"\n",
    "empty": b"",
    "truncated": b'{"meta": {"1": {"format": "aghtrack-store", "sch',
    "nul padding": b"\x00" * 64,
    "trailing garbage": b'{"meta": {"1": {"format": "aghtrack-store", "schema": 1}}} xx',
    "array": b"[]",
    "wrong shape": b'{"meta": {"1": {"format": "aghtrack-store", "schema": 1}}, "meetings": []}',
    "not ours": b'{"_default": {}}',
    "not utf-8": b'{"meta": {"1": {"format": "aghtrack-store", "schema": 1, "x": "\xff"}}}',
}


@pytest.mark.parametrize("name", CORRUPT)
def test_corrupt_store_is_refused_and_never_overwritten(store_path: Path, name: str) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(CORRUPT[name])
    stamp = store_path.stat().st_mtime_ns
    store = Store(store_path)
    with pytest.raises(CorruptStore) as err:
        store.load()
    assert str(store_path) in str(err.value)
    with pytest.raises(CorruptStore):
        write_one(store, {"a": 1})
    assert store_path.read_bytes() == CORRUPT[name]
    assert store_path.stat().st_mtime_ns == stamp


def test_future_schema_is_refused_with_an_upgrade_hint(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    raw = orjson.dumps({"meta": {"1": {"format": "aghtrack-store", "schema": SCHEMA + 1}}})
    store_path.write_bytes(raw)
    with pytest.raises(CorruptStore, match="newer aghtrack"):
        write_one(Store(store_path), {"a": 1})
    assert store_path.read_bytes() == raw


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from aghtrack.store import Store
    store = Store(Path(sys.argv[1]))
    with store.transaction(at="t", actor="holder", command="hold") as tx:
        tx.insert("meetings", {"held": True})
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _hold_lock(store_path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store_path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_wait_times_out_as_store_busy(store_path: Path) -> None:
    holder = _hold_lock(store_path, 30)
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="busy"):
            write_one(Store(store_path, lock_timeout=0.5), {"a": 1})
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_lock_holder_never_blocks_the_next_writer(store_path: Path) -> None:
    holder = _hold_lock(store_path, 30)
    os.kill(holder.pid, 9)
    holder.wait()
    write_one(Store(store_path, lock_timeout=2), {"after": True})
    docs = Store(store_path).load().docs("meetings")
    assert list(docs.values()) == [{"after": True}]  # the killed holder's write never landed


def test_our_lock_excludes_a_second_holder_until_the_first_lets_go(tmp_path: Path) -> None:
    # flock locks belong to an open file, so a second descriptor conflicts even in one
    # process: the waiter gives up after its timeout, then gets the lock once it is closed.
    lock = tmp_path / "store.json.lock"
    first = hold_lock(lock, 0)
    try:
        started = time.monotonic()
        with pytest.raises(LockTimeout):
            hold_lock(lock, 0.2)
        assert 0.2 <= time.monotonic() - started < 5
    finally:
        os.close(first)
    os.close(hold_lock(lock, 0))
    assert lock.exists()  # the file stays; it is never the lock itself


def test_undo_reverts_inserts_and_replacements_and_never_reissues_ids(store_path: Path) -> None:
    store = Store(store_path)
    first = write_one(store, {"v": 1})
    with store.transaction(at="t", actor="t", command="edit") as tx:
        tx.replace("meetings", first, {"v": 2})
    with store.transaction(at="t", actor="t", command="undo") as tx:
        assert tx.undo_last().command == "edit"
    assert store.load().docs("meetings") == {"1": {"v": 1}}
    with store.transaction(at="t", actor="t", command="undo") as tx:
        tx.undo_last()
    assert store.load().docs("meetings") == {}
    with pytest.raises(NothingToUndo), store.transaction(at="t", actor="t", command="undo") as tx:
        tx.undo_last()
    assert write_one(store, {"v": 3}) == 2
