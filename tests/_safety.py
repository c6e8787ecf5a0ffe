"""Helpers for the data-safety tests: real ``python -m aghtrack`` processes on real files.

The heavy tests scale with ``scaled(local, ci)``: fewer iterations under ``CI=true`` (never
zero), so CI on two cores stays quick while a local run does the full count. Each test prints
its figures as ``FIGURE <name>: <value>`` lines (``pytest -s`` shows them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from aghtrack.model import (
    Commitment,
    Meeting,
    commitment_from_dict,
    commitment_to_dict,
    meeting_to_dict,
)
from aghtrack.periods import parse_period
from aghtrack.store import Store
from aghtrack.store.layout import (
    StoreDefect,
    header_meta,
    read_store_file,
    serialise,
    table_kind,
    tables_folder,
)

IN_CI = os.environ.get("CI", "").lower() == "true"
PYTHON = sys.executable


def scaled(local: int, ci: int) -> int:
    assert ci > 0 and local >= ci
    return ci if IN_CI else local


def figure(name: str, value: object) -> None:
    print(f"\nFIGURE {name}: {value}")


def cli_env(store: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "AGHTRACK_DB": str(store),
        "AGHTRACK_USER": "officer",
        "AGHTRACK_LOCK_TIMEOUT": "60",
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("FORCE_COLOR", None)
    env.update(extra)
    return env


def run_cli(
    store: Path, *args: str, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """``python -m aghtrack ARGS`` on ``store``, as an officer's terminal would run it."""
    return subprocess.run(
        [PYTHON, "-m", "aghtrack", *args],
        env=env or cli_env(store),
        capture_output=True,
        text=True,
        encoding="utf-8",
        stdin=subprocess.DEVNULL,
        timeout=120,
        **kwargs,
    )


def one_file(path: Path) -> None:
    """Rewrite the store at ``path`` in the one-file layout of schemas 2 and 3 (every table
    inline, as aghtrack 0.3 wrote it), which every later aghtrack still reads: the tests that
    damage or hand-edit a store's bytes work on that single file."""
    found = read_store_file(path)
    assert not isinstance(found, StoreDefect), found
    path.write_bytes(serialise(found))
    if not list(path.parent.glob(path.name + ".bak*")):  # backups still name the table files
        shutil.rmtree(tables_folder(path), ignore_errors=True)


def table_file(path: Path, table: str) -> Path:
    """The file that holds ``table`` of the store at ``path``, as its header names it."""
    meta = header_meta(path)
    assert meta is not None
    (file,) = [entry[3] for entry in meta["tables"] if entry[0] == table]
    return tables_folder(path) / file


def files_in(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (the store's tables folder included) by its path
    relative to it, lock files aside (their content is nothing)."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.suffix != ".lock"
    }


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, (done.args, done.returncode, done.stderr)
    return done


MEETING = Meeting(key="9", title="Ninth AHG SOM", date=date(2015, 5, 6), location="Wellington")


def make_store(path: Path, commitments: int, *, meeting: Meeting = MEETING) -> None:
    """A store of ``commitments`` commitments of one meeting, written in one transaction
    through the store itself (20,000 CLI calls would take an hour)."""
    store = Store(path)
    owners = ("Australia", "Indonesia", "New Zealand", "Philippines", "Thailand", "UNHCR")
    docs = [
        commitment_to_dict(
            Commitment(
                id=f"00000000-0000-4000-8000-{n:012x}",
                meeting=meeting.key,
                seq=n,
                text=f"Commitment number {n}: hold a regional roundtable on returns and "
                "reintegration, and report progress to the next meeting.",
                owners=(owners[n % len(owners)], owners[(n + 1) % len(owners)]),
                due=parse_period(f"{2015 + n % 5}-Q{1 + n % 4}"),
                created="2015-05-06T00:00:00Z",
                updated="2015-05-06T00:00:00Z",
            )
        )
        for n in range(1, commitments + 1)
    ]
    with store.transaction(at="2015-05-06T00:00:00Z", actor="setup", command="setup") as tx:
        tx.insert("meetings", meeting_to_dict(meeting))
        if docs:
            tx.insert_many("commitments", docs)
            tx.reserve_seq(meeting.key, commitments)
        tx.summary = f"Set up {commitments} commitments"


def tables(path: Path) -> dict[str, Any]:
    """The store's tables with the blocks merged: commitments keyed by reference, journal
    entries by number, as the record reads whatever its layout on disk."""
    found = read_store_file(path)
    assert not isinstance(found, StoreDefect), found
    flat: dict[str, Any] = {"meta": found["meta"], "meetings": found.get("meetings", {})}
    flat["commitments"], flat["journal"] = {}, {}
    for name, table in found.items():
        kind = table_kind(name)
        if kind is not None and kind[0] == "commitments":
            flat["commitments"].update({f"{kind[1]}.{key}": doc for key, doc in table.items()})
        elif kind is not None and kind[0] == "journal":
            flat["journal"].update(table)
    return flat


def commitments_by_ref(path: Path) -> dict[str, dict[str, Any]]:
    """Every commitment in the file, in its full dict shape (the state its events make)."""
    found = (commitment_from_dict(d) for d in tables(path)["commitments"].values())
    return {c.ref: commitment_to_dict(c) for c in found}


#: Runs aghtrack in a process whose store module dies (SIGKILL, no cleanup) at one point of
#: its write; the patch touches only ``aghtrack.store.files``' view of ``os``, so nothing else in the
#: process (imports, Rich, Typer) is disturbed. argv: POINT STORE ARGS...
CRASH_AT = r"""
import os, signal, sys, types
point, store_path = sys.argv[1], sys.argv[2]
sys.argv = ["aghtrack", *sys.argv[3:]]
import aghtrack.store as st
import aghtrack.store.files as files

real = os

def die():
    os.kill(os.getpid(), signal.SIGKILL)

class Half:
    def __init__(self, f): self.f = f
    def __enter__(self): return self
    def __exit__(self, *a): return False
    def write(self, data):
        self.f.write(data[: len(data) // 2]); self.f.flush(); real.fsync(self.f.fileno()); die()
    def __getattr__(self, name): return getattr(self.f, name)

class Os(types.ModuleType):
    fsyncs = 0
    renamed = False
    def __getattr__(self, name): return getattr(real, name)
    def fdopen(self, fd, *a, **k):
        f = real.fdopen(fd, *a, **k)
        return Half(f) if point == "after-half" else f
    def fsync(self, fd):
        Os.fsyncs += 1
        if (point == "in-fsync" and Os.fsyncs == 1) or (point == "in-dir-fsync" and Os.renamed):
            die()
        return real.fsync(fd)
    def link(self, src, dst):
        if point == "in-backup-rotation":
            die()
        return real.link(src, dst)
    def replace(self, src, dst):
        last = str(dst) == store_path
        if (point == "before-rename" and last) or (
            point == "in-table-files" and str(dst).startswith(store_path + ".tables") and Os.fsyncs > 1
        ):
            die()
        real.replace(src, dst)
        Os.renamed = Os.renamed or last
        if point == "after-rename" and last:
            die()

files.os = Os("os")
if point == "hold-lock":
    import time
    def slow(self, data, **kw):
        print("locked", flush=True)
        time.sleep(600)
    st.Store.write = slow
from aghtrack.__main__ import main
main()
"""


def run_crashing(
    store: Path, point: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-c", CRASH_AT, point, str(store), *args],
        env=env or cli_env(store),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def start_crashing(
    store: Path, point: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, "-c", CRASH_AT, point, str(store), *args],
        env=env or cli_env(store),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


#: One process running the aghtrack command line N times over, each run as ``python -m
#: aghtrack`` would (same entry point, same error edge), reporting each as a JSON line. It gives
#: real processes contending for a real lock without paying interpreter start-up per command.
#: argv: N ARGS... (``{i}`` in an argument becomes the run's number)
LOOP = r"""
import contextlib, io, json, sys
n, args = int(sys.argv[1]), sys.argv[2:]
from aghtrack.cli import app
for i in range(n):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            app([a.replace("{i}", str(i)) for a in args], prog_name="aghtrack")
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    print(json.dumps({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}), flush=True)
"""


def start_loop(store: Path, runs: int, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, "-c", LOOP, str(runs), *args],
        env=cli_env(store),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )
