"""The benchmark's disk-traffic measurement (issue 16) counts what a command writes, exactly.

The bench's verdict on "one note writes at most 1 MiB" is only as good as its probe, so the
probe is checked here on real processes and real files: a read-only command's count must equal
its output to the byte (the interpreter's start-up left out, nothing else counted), and the
cross-check must see files in subdirectories beside the store but not hard-linked backups.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/io").exists(), reason="the probe reads Linux's /proc/self/io"
)


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def small(bench: ModuleType, tmp_path: Path) -> tuple[Path, Any]:
    """A 40-commitment bench store, written as the bench writes its own, and its record."""
    store = tmp_path / "ag" / "store.json"
    record = bench.generate(40)
    bench.write_aghtrack(record, store)
    return store, record


def probe(
    bench: ModuleType, store: Path, tmp_path: Path, *args: str
) -> tuple[dict[str, int], bytes]:
    side = tmp_path / "io.json"
    env = {**os.environ, "AGHTRACK_DB": str(store), "AGHTRACK_USER": "bench"}
    done = subprocess.run(
        [sys.executable, "-c", bench.IO_PROBE, str(side), *args],
        env=env,
        capture_output=True,
        check=True,
    )
    return json.loads(side.read_text()), done.stdout


def test_probe_counts_a_read_only_command_as_exactly_its_output(
    bench: ModuleType, small: tuple[Path, Any], tmp_path: Path
) -> None:
    store, record = small
    ref = record.commitments[0].ref
    before = bench.tree_state(store.parent)

    io, stdout = probe(bench, store, tmp_path, "show", ref)

    assert ref.encode() in stdout
    assert io["wchar"] == len(stdout)
    assert bench.changed_sizes(before, bench.tree_state(store.parent)) == []


def test_probe_counts_a_note_and_the_cross_check_sees_the_changed_store(
    bench: ModuleType, small: tuple[Path, Any], tmp_path: Path
) -> None:
    store, record = small
    text = "Concept note circulated to every member for comment"
    before = bench.tree_state(store.parent)

    io, stdout = probe(bench, store, tmp_path, "note", record.commitments[0].ref, text)

    changed = bench.changed_sizes(before, bench.tree_state(store.parent))
    assert changed, "the note changed no file beside the store"
    assert io["wchar"] >= len(stdout) + len(text)
    assert io["syscw"] >= 1


def test_changed_sizes_sees_subdirectories_and_not_hard_linked_backups(
    bench: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "store.json.d").mkdir()
    (tmp_path / "store.json").write_bytes(b"h" * 10)
    (tmp_path / "store.json.d" / "meetings").write_bytes(b"m" * 20)
    (tmp_path / "store.json.d" / "commitments").write_bytes(b"c" * 30)
    before = bench.tree_state(tmp_path)

    os.link(tmp_path / "store.json", tmp_path / "store.json.bak1")  # a backup: no new bytes
    (tmp_path / "store.json.d" / "commitments").write_bytes(b"C" * 31)
    (tmp_path / "store.json.d" / "journal").write_bytes(b"j" * 7)

    assert sorted(bench.changed_sizes(before, bench.tree_state(tmp_path))) == [7, 31]
