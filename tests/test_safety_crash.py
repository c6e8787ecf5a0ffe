"""A write killed at any instant leaves the store as it was before, or as it is after: never a
mix, never unreadable. Kills are SIGKILL (no cleanup runs) of real ``python -m aghtrack``
processes, at random moments on a 20,000-commitment store and at chosen points of the write.
"""

from __future__ import annotations

import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from aghtrack.doctor import check
from aghtrack.model import commitment_from_dict, commitment_to_dict
from aghtrack.store import Store
from aghtrack.store.layout import referenced_files

from ._safety import (
    PYTHON,
    cli_env,
    commitments_by_ref,
    figure,
    make_store,
    ok,
    run_cli,
    run_crashing,
    scaled,
    tables,
)

BIG = 20_000


def _state(path: Path) -> dict[str, Any]:
    """What an officer would call the record: meetings, commitments and the journal."""
    t = tables(path)
    return {name: t[name] for name in ("meetings", "commitments", "journal")}


def _states(docs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each stored commitment (its events) as the state they make."""
    return {k: commitment_to_dict(commitment_from_dict(doc)) for k, doc in docs.items()}


def _one_change(before: dict[str, Any], after: dict[str, Any], op: tuple[str, ...]) -> bool:
    """Whether ``after`` is ``before`` with exactly the change ``op`` asked for."""
    if len(after["journal"]) != len(before["journal"]) + 1:
        return False
    old, new = _states(before["commitments"]), _states(after["commitments"])
    if op[0] == "add-action":
        added = set(new) - set(old)
        return (
            len(added) == 1
            and all(new[k] == old[k] for k in old)
            and _stored_text(new[added.pop()]) == op[1]
        )
    ref, text = op[1], op[2]
    changed = [k for k in new if new[k] != old.get(k)]
    if len(changed) != 1 or set(new) != set(old):
        return False
    doc, was = new[changed[0]], old[changed[0]]
    return f"{doc['meeting']}.{doc['seq']}" == ref and _stored_notes(doc) == [
        *_stored_notes(was),
        text,
    ]


# Since schema 3 a stored commitment is its events: its text is set by the create event, and
# its notes are its note events.
def _stored_text(doc: dict[str, Any]) -> Any:
    return next(e["set"]["text"] for e in doc["events"] if e["op"] == "create")


def _stored_notes(doc: dict[str, Any]) -> list[Any]:
    return [e["text"] for e in doc["events"] if e["op"] == "note"]


def test_sigkill_at_random_moments_during_writes_to_a_large_store_loses_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    make_store(path, BIG)
    env = cli_env(path)
    rng = random.Random(20150506)
    kills = scaled(16, 5)

    started = time.monotonic()
    ok(run_cli(path, "note", "9.1", "calibration", env=env))
    full = time.monotonic() - started

    before = _state(path)
    landed = not_landed = finished = adds_landed = 0
    for n in range(kills):
        if n % 2:
            op: tuple[str, ...] = ("add-action", f"Added under fire {n}")
            args = [*op, "--meeting", "9"]
        else:
            op = ("note", f"9.{rng.randint(1, BIG)}", f"Noted under fire {n}")
            args = list(op)
        proc = subprocess.Popen(
            [PYTHON, "-m", "aghtrack", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        # Most of a command's life is start-up; aim at the load-change-write tail.
        time.sleep(rng.uniform(0.4 * full, 0.95 * full))
        proc.kill()
        code = proc.wait()
        after = _state(path)  # must parse: a torn file would raise here
        if after == before:
            not_landed += 1
        else:
            assert _one_change(before, after, op), f"kill {n} left a mixed store"
            landed += 1
            adds_landed += op[0] == "add-action"
        finished += code == 0
        before = after

    health = check(Store(path))
    assert health.healthy and all(b.good for b in health.backups)
    ok(run_cli(path, "add-action", "After the storm", "--meeting", "9", env=env))
    assert not Store(path).leftover_temp_files()
    assert len(tables(path)["commitments"]) == BIG + adds_landed + 1
    figure(
        "random SIGKILLs survived (20,000-commitment store)",
        f"{kills} of {kills}: {not_landed} left the state before, {landed} the state after "
        f"({finished} had already finished)",
    )


CRASH_POINTS = {
    # point: whether the change is in the store after the crash
    "after-half": False,
    "in-fsync": False,
    "in-table-files": False,  # one new table file in place, the next not yet
    "in-backup-rotation": False,
    "before-rename": False,
    "after-rename": True,
    "in-dir-fsync": True,
}


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_crash_at_each_point_of_the_write_leaves_before_or_after_and_temp_files_are_cleaned(
    tmp_path: Path, point: str
) -> None:
    path = tmp_path / "store.json"
    make_store(path, 50)
    ok(run_cli(path, "note", "9.1", "first note"))  # so that backups exist to rotate
    before = _state(path)
    before_bytes = path.read_bytes()

    crashed = run_crashing(path, point, "note", "9.2", "crash note")
    assert crashed.returncode == -9, crashed.stderr

    after = _state(path)
    if CRASH_POINTS[point]:
        assert _one_change(before, after, ("note", "9.2", "crash note"))
    else:
        assert path.read_bytes() == before_bytes
    # Readers ignore a leftover temp file; the doctor mentions it; the next write removes it.
    store = Store(path)
    leftovers = store.leftover_temp_files()
    assert bool(leftovers) == (not CRASH_POINTS[point])
    listed = ok(run_cli(path, "list", "--json"))
    assert ("crash note" in listed.stdout) == CRASH_POINTS[point]
    health = check(store)
    assert health.healthy and all(b.good for b in health.backups)
    assert len(health.leftovers) == len(leftovers)

    ok(run_cli(path, "note", "9.3", "after the crash"))
    assert not store.leftover_temp_files()
    # Table files the crashed write added but no header came to name are removed too.
    named = set().union(*(referenced_files(h) or set() for h in store.headers()))
    assert {p.name for p in store.table_files()} == named
    notes = {ref: [n["text"] for n in d["notes"]] for ref, d in commitments_by_ref(path).items()}
    assert notes["9.3"] == ["after the crash"]
    assert notes["9.2"] == (["crash note"] if CRASH_POINTS[point] else [])
    assert notes["9.1"] == ["first note"]
