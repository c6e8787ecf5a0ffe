"""Several officers on one store at once: every confirmed write is kept, references are never
issued twice, readers never see a torn file, and a killed lock holder blocks nobody."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from aghtrack.doctor import check
from aghtrack.store import Store

from ._safety import (
    cli_env,
    commitments_by_ref,
    figure,
    make_store,
    ok,
    run_cli,
    scaled,
    start_crashing,
    start_loop,
    tables,
)


def test_eight_processes_adding_while_two_list_keep_every_confirmed_commitment(
    tmp_path: Path,
) -> None:
    """The issue's figure, in full even on CI: 8 processes x 25 add-action, 2 processes listing
    all the while. Each process runs the command line in a loop (see ``_safety.LOOP``)."""
    path = tmp_path / "store.json"
    make_store(path, 0)
    writers, each = 8, 25
    procs = [
        start_loop(path, each, "add-action", f"Writer {w} commitment {{i}}", "-m", "9", "--json")
        for w in range(writers)
    ]
    stop = threading.Event()

    def read() -> int:
        reads, seen = 0, 0
        while not stop.is_set() or reads == 0:
            lister = start_loop(path, 5, "list", "--json")
            out, err = lister.communicate(timeout=120)
            assert lister.returncode == 0 and err == "", err
            for line in out.splitlines():
                run = orjson.loads(line)
                assert run["code"] == 0 and run["stderr"] == "", run
                count = len(orjson.loads(run["stdout"]))
                assert count >= seen  # a reader never goes back in time
                seen, reads = count, reads + 1
        return reads

    with ThreadPoolExecutor(2) as pool:
        readers = [pool.submit(read) for _ in range(2)]
        runs = []
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
            runs += [orjson.loads(line) for line in out.splitlines()]
        stop.set()
        reads = sum(r.result() for r in readers)

    assert all(run["code"] == 0 and run["stderr"] == "" for run in runs)
    confirmed = [orjson.loads(run["stdout"]) for run in runs]
    _assert_all_kept(path, confirmed, writers, each)
    figure(
        "concurrent writes confirmed vs stored (8 processes x 25, 2 listing)",
        f"{len(confirmed)} confirmed, {len(commitments_by_ref(path))} stored, "
        f"distinct ids and refs; {reads} concurrent list --json reads, 0 errors",
    )


def test_concurrent_python_dash_m_adds_while_another_lists_keep_everything(
    tmp_path: Path,
) -> None:
    """The same with one ``python -m aghtrack`` process per command, as officers run it."""
    path = tmp_path / "store.json"
    make_store(path, 0)
    writers, each = scaled(6, 3), scaled(6, 3)
    stop = threading.Event()

    def write(w: int) -> list[dict[str, Any]]:
        return [
            orjson.loads(
                ok(
                    run_cli(path, "add-action", f"Writer {w} commitment {i}", "-m", "9", "--json")
                ).stdout
            )
            for i in range(each)
        ]

    def read() -> int:
        reads, seen = 0, 0
        while not stop.is_set() or reads == 0:
            done = run_cli(path, "list", "--json")
            assert done.returncode == 0 and done.stderr == "", done.stderr
            count = len(orjson.loads(done.stdout))
            assert count >= seen
            seen, reads = count, reads + 1
        return reads

    with ThreadPoolExecutor(writers + 1) as pool:
        reader = pool.submit(read)
        batches = [pool.submit(write, w) for w in range(writers)]
        confirmed = [c for b in batches for c in b.result()]
        stop.set()
        reads = reader.result()

    _assert_all_kept(path, confirmed, writers, each)
    figure(
        "concurrent python -m aghtrack writes confirmed vs stored",
        f"{len(confirmed)} confirmed, {len(commitments_by_ref(path))} stored; "
        f"{reads} concurrent reads, 0 errors",
    )


def _assert_all_kept(path: Path, confirmed: list[dict[str, Any]], writers: int, each: int) -> None:
    stored = commitments_by_ref(path)
    expected = writers * each
    assert len(confirmed) == expected
    assert len({c["id"] for c in confirmed}) == expected
    assert len({c["ref"] for c in confirmed}) == expected
    assert {c["id"] for c in confirmed} == {d["id"] for d in stored.values()}
    assert set(stored) == {f"9.{n}" for n in range(1, expected + 1)}
    assert {d["text"] for d in stored.values()} == {
        f"Writer {w} commitment {i}" for w in range(writers) for i in range(each)
    }
    assert len(tables(path)["journal"]) == expected + 1
    assert check(Store(path)).healthy


def test_concurrent_updates_and_notes_on_several_commitments_are_all_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    make_store(path, 10)
    targets = scaled(8, 4)

    def change(job: tuple[str, int]) -> None:
        kind, n = job
        if kind == "note":
            ok(run_cli(path, "note", f"9.{n}", f"Progress on {n}", "--on", "2015-09-01"))
        else:
            ok(run_cli(path, "update", f"9.{n}", "--owner", f"Owner {n}", "--status", "blocked"))

    jobs = [(kind, n) for n in range(1, targets + 1) for kind in ("note", "update")]
    with ThreadPoolExecutor(len(jobs)) as pool:
        list(pool.map(change, jobs))

    stored = commitments_by_ref(path)
    for n in range(1, targets + 1):
        doc = stored[f"9.{n}"]
        assert [note["text"] for note in doc["notes"]] == [f"Progress on {n}"]
        assert doc["owners"] == [f"Owner {n}"] and doc["status"] == "blocked"
    for n in range(targets + 1, 11):
        assert stored[f"9.{n}"]["notes"] == [] and stored[f"9.{n}"]["status"] == "open"
    assert len(tables(path)["journal"]) == 1 + len(jobs)
    figure("concurrent update/note writes kept", f"{len(jobs)} of {len(jobs)}")


def test_an_aghtrack_killed_while_holding_the_lock_never_blocks_the_next_command(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    make_store(path, 3)
    before = path.read_bytes()
    env = cli_env(path, AGHTRACK_LOCK_TIMEOUT="5")
    holder = start_crashing(path, "hold-lock", "note", "9.1", "never lands", env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        busy = run_cli(path, "note", "9.2", "x", env=cli_env(path, AGHTRACK_LOCK_TIMEOUT="0.3"))
        assert busy.returncode == 1 and "busy" in busy.stderr  # the lock really is held
    finally:
        holder.kill()
        holder.wait()
    assert path.read_bytes() == before

    started = time.monotonic()
    ok(run_cli(path, "note", "9.2", "after the kill", env=env))
    assert time.monotonic() - started < 5
    notes = {ref: [n["text"] for n in d["notes"]] for ref, d in commitments_by_ref(path).items()}
    assert notes == {"9.1": [], "9.2": ["after the kill"], "9.3": []}
