"""A write that cannot be completed (disk full, read-only folder) says so in one line, exits 1
and leaves the old store, its backups and its folder exactly as they were."""

from __future__ import annotations

import ctypes
import os
import resource
import stat
import subprocess
from pathlib import Path

import pytest

from ._safety import figure, make_store, ok, run_cli, table_file

PR_CAPBSET_DROP = 24


def _files(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``directory`` (the tables folder included), with its mtime."""
    return {
        p.relative_to(directory).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != "store.json.lock"
    }


def _one_line_exit_1(done: subprocess.CompletedProcess[str], path: Path, why: str) -> None:
    assert done.returncode == 1, done
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("aghtrack: "), done.stderr
    assert str(path) in done.stderr and why in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_disk_full_mid_write_is_one_line_exit_1_and_the_old_store_intact(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path, 200)
    ok(run_cli(path, "note", "9.1", "so that a backup exists"))
    before = _files(tmp_path)
    # The block of commitments each write changes cannot be written whole.
    limit = table_file(path, "commitments/9/0").stat().st_size // 2

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    for args in (["add-action", "Will not fit", "-m", "9"], ["note", "9.2", "Will not fit"]):
        done = run_cli(path, *args, preexec_fn=small_disk)
        _one_line_exit_1(done, path, "File too large")
        assert _files(tmp_path) == before  # no temp file left, backups not rotated

    ok(run_cli(path, "add-action", "Fits once there is room", "-m", "9"))
    figure("write failures (disk full) refused cleanly", 2)


def _without_root_powers() -> None:
    """Root writes into any folder; drop the two capabilities that let it (CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH) from the bounding set, so the command runs as an ordinary officer."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _as_officer() -> dict[str, object]:
    if os.geteuid() != 0:
        return {}
    probe = subprocess.run(["true"], preexec_fn=_without_root_powers, check=False)
    if probe.returncode != 0:  # pragma: no cover - a container without CAP_SETPCAP
        pytest.skip("running as root without CAP_SETPCAP: a read-only folder cannot be made")
    return {"preexec_fn": _without_root_powers}


@pytest.mark.parametrize("lock_file", ["writable", "absent"])
def test_read_only_folder_is_one_line_exit_1_and_the_old_store_intact(
    tmp_path: Path, lock_file: str
) -> None:
    folder = tmp_path / "record"
    path = folder / "store.json"
    make_store(path, 20)
    ok(run_cli(path, "note", "9.1", "so that a backup exists"))
    for p in folder.iterdir():
        p.chmod(0o644 if p.is_file() else 0o755)  # the tables folder stays writable: a write
        # then adds its table files, fails on the header, and must take them away again
    lock = folder / "store.json.lock"
    if lock_file == "writable":
        lock.chmod(0o666)  # the lock can be taken; only the folder refuses the new file
    else:
        lock.unlink()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | 0o005)
    before = _files(folder)
    officer = _as_officer()

    try:
        done = run_cli(path, "add-action", "Cannot be written", "-m", "9", **officer)
        _one_line_exit_1(done, path, "Permission denied")
        assert _files(folder) == before
        listed = ok(run_cli(path, "list", "--json", **officer))  # reading still works
        assert "9.20" in listed.stdout
    finally:
        folder.chmod(0o755)
    figure(f"write failures (read-only folder, lock {lock_file}) refused cleanly", 1)
