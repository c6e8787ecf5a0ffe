"""Where a command's time goes: each stage of aghtrack's read and write paths, timed alone.

Run after ``bench.py`` has generated its data sets (it reuses them)::

    .venv/bin/python benchmarks/profile_parts.py [--sizes 10000,100000] [--repeat 3]

Every number is the best of ``--repeat`` runs, in-process (no interpreter start), with the
garbage collector in its default state unless the line says otherwise. It only reads the
project's code; a write stage works on a scratch copy of the store.
"""

from __future__ import annotations

import argparse
import gc
import io
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
sys.path.insert(0, str(ROOT / "src"))

import orjson  # noqa: E402

from aghtrack import render  # noqa: E402
from aghtrack.listing import Filter, SortKey, sort_commitments  # noqa: E402
from aghtrack.model import commitment_from_dict  # noqa: E402
from aghtrack.store import Store  # noqa: E402
from aghtrack.store.layout import SCHEMA, encode, read_store_file, tables_folder  # noqa: E402
from aghtrack.tracker import Tracker  # noqa: E402

MEETING = "60"


def best(fn: Callable[[], object], repeat: int, *, no_gc: bool = False) -> float:
    times = []
    for _ in range(repeat):
        if no_gc:
            gc.disable()
        try:
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    return min(times)


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<58} {seconds * 1000:9.1f} ms  {note}")


def profile(n: int, repeat: int) -> None:
    source = next(WORK.glob(f"data-{n}-*-schema{SCHEMA}-*"), None)
    if source is None:
        print(f"no data set for {n}; run benchmarks/bench.py --sizes {n} first")
        return
    path = source / "ag" / "store.json"
    first_line = path.read_bytes()
    folder = tables_folder(path)
    raw = first_line + b"".join(p.read_bytes() for p in sorted(folder.iterdir()))
    print(f"\nN = {n:,}: store {len(raw) / 2**20:.1f} MiB, header {len(first_line) / 1024:.1f} KiB")
    store = Store(path)

    # Reading: what `list --meeting K` does, stage by stage.
    line("read_bytes of the header and every table file", best(lambda: Store(path).load(), repeat))
    line(
        "orjson.loads of every table file (gc off)",
        best(lambda: [orjson.loads(p.read_bytes()) for p in folder.iterdir()], repeat, no_gc=True),
    )
    line("Store.load: header + CRC of every table", best(store.load, repeat))

    def one_meeting() -> list[dict]:
        return [d for _, _, d in store.load().commitments(MEETING)]

    mine = one_meeting()
    line("  + parse one meeting's tables", best(one_meeting, repeat), f"{len(mine)} docs")
    line(
        "commitment_from_dict, one meeting",
        best(lambda: [commitment_from_dict(d) for d in mine], repeat),
    )
    commitments = [commitment_from_dict(d) for d in mine]
    line("sort one meeting", best(lambda: sort_commitments(commitments, SortKey.MEETING), repeat))
    line(
        "Tracker.commitments(meeting) in-process",
        best(lambda: Tracker(Store(path), actor="b").commitments(Filter(meeting=MEETING)), repeat),
    )
    line(
        "read_store_file (every table parsed, as doctor does)",
        best(lambda: read_store_file(path), repeat),
    )

    # Rendering.
    def rich_table() -> None:
        con = render.console(io.StringIO())
        con.width = 120
        con.print(render.commitments_table(commitments, date(2026, 11, 28)))

    t = best(rich_table, repeat)
    line(
        f"Rich table of {len(commitments)} rows, width 120",
        t,
        f"{t / len(commitments) * 1e3:.2f} ms/row",
    )
    line(
        "JSON of those rows (render.commitments_json)",
        best(lambda: render.commitments_json(commitments), repeat),
    )

    # Writing: one commitment added and one note, on a scratch copy.
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        scratch = Path(tmp) / "store.json"
        shutil.copyfile(path, scratch)
        tracker = Tracker(Store(scratch), actor="bench")
        line(
            "Tracker.add_commitment in-process (lock..fsync..rename)",
            best(lambda: tracker.add_commitment(meeting=MEETING, text="Bench"), repeat),
        )
        ref = f"{MEETING}.{mine[0]['seq']}"
        line(
            "Tracker.add_note in-process", best(lambda: tracker.add_note(ref, "Bench note"), repeat)
        )
        tables = Store(scratch).load().tables
        line(
            "encode (untouched tables keep their files)",
            best(lambda: encode(tables), repeat),
        )
        encoded = encode(tables)
        data = encoded.header + b"".join(encoded.files.values())
        line(
            "  write+fsync of the bytes alone",
            best(lambda: write_fsync(Path(tmp) / "x", data), repeat),
        )


def write_fsync(target: Path, data: bytes) -> None:
    with open(target, "wb") as f:
        f.write(data)
        f.flush()
        import os

        os.fsync(f.fileno())


def imports() -> None:
    print("\nimport cost (python -X importtime, cumulative, fresh interpreter each):")
    python = sys.executable
    modules = ("typer", "rich.console", "rich.table", "tinydb", "platformdirs", "filelock")
    modules += ("orjson", "aghtrack.cli", "aghtrack.render.report", "aghtrack.transfer")
    for module in modules:
        out = subprocess.run(
            [python, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True, text=True, check=False,
        ).stderr  # fmt: skip
        rows = [r for r in out.splitlines() if r.startswith("import time:") and "|" in r]
        last = rows[-1].split("|") if rows else ["", "0", module]
        print(f"  {module:<28} {int(last[1]) / 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        profile(n, args.repeat)
    imports()


if __name__ == "__main__":
    main()
