"""Where a command's time goes: each stage of aghtrack's read and write paths, timed alone.

Run after ``bench.py`` has generated its data sets (it reuses them)::

    .venv/bin/python benchmarks/profile_parts.py [--sizes 10000,100000] [--repeat 3]

Every number is the best of ``--repeat`` runs, in-process (no interpreter start), with the
garbage collector in its default state unless the line says otherwise. It only reads the
project's code; a write stage works on a scratch copy of the store.
"""

from __future__ import annotations

import argparse
import copy
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
from aghtrack import store as store_module  # noqa: E402
from aghtrack.listing import SortKey, sort_commitments  # noqa: E402
from aghtrack.model import commitment_from_dict, commitment_to_dict  # noqa: E402
from aghtrack.store import Store, Transaction, serialise  # noqa: E402

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
    source = next(WORK.glob(f"data-{n}-*"), None)
    if source is None:
        print(f"no data set for {n}; run benchmarks/bench.py --sizes {n} first")
        return
    path = source / "ag" / "store.json"
    raw = path.read_bytes()
    print(f"\nN = {n:,}: store {len(raw) / 2**20:.1f} MiB")
    tables = orjson.loads(raw)
    docs = tables["commitments"]
    print(
        f"  tables: {', '.join(f'{k}={len(v)}' for k, v in tables.items())}; journal "
        f"{len(orjson.dumps(tables['journal'])) / 2**20:.2f} MiB"
    )

    line("read_bytes", best(path.read_bytes, repeat))
    line("orjson.loads (gc on)", best(lambda: orjson.loads(raw), repeat))
    line("orjson.loads (gc off)", best(lambda: orjson.loads(raw), repeat, no_gc=True))
    line(
        "parse_store (loads + shape check)",
        best(lambda: store_module.parse_store(raw, path), repeat),
    )
    line("  of which shape check only", best(lambda: parse_store_check(tables), repeat))

    mine = [d for d in docs.values() if d.get("meeting") == MEETING]
    line(
        "raw pre-filter of one meeting (tracker.commitments)",
        best(lambda: prefilter(docs), repeat),
        f"{len(mine)} docs",
    )  # fmt: skip
    line(
        "commitment_from_dict, one meeting",
        best(lambda: [commitment_from_dict(d) for d in mine], repeat),
    )
    all_docs = list(docs.values())
    line(
        "commitment_from_dict, all docs (gc on)",
        best(lambda: [commitment_from_dict(d) for d in all_docs], repeat),
    )
    line(
        "commitment_from_dict, all docs (gc off)",
        best(lambda: [commitment_from_dict(d) for d in all_docs], repeat, no_gc=True),
    )
    per = (
        best(lambda: [commitment_from_dict(d) for d in all_docs[:2000]], repeat, no_gc=True) / 2000
    )
    print(f"  {'  = per doc':<58} {per * 1e6:9.1f} us")
    commitments = [commitment_from_dict(d) for d in mine]
    line("sort one meeting", best(lambda: sort_commitments(commitments, SortKey.MEETING), repeat))
    # The reference lookups the write commands do: a scan of every document.
    key = (MEETING, mine[0]["seq"])
    line(
        "_resolve scan (MEETING.N over all docs)",
        best(lambda: [k for k, d in docs.items() if (d.get("meeting"), d.get("seq")) == key], 3),
    )  # fmt: skip

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
        "commitments_table build only",
        best(lambda: render.commitments_table(commitments, date(2026, 11, 28)), repeat),
    )
    line(
        "JSON of those rows (render.commitments_json)",
        best(lambda: render.commitments_json(commitments), repeat),
    )

    # Writing: a transaction adding one document, stage by stage.
    def fresh() -> dict:
        return orjson.loads(raw)

    doc = commitment_to_dict(commitments[0]) | {
        "id": "00000000-0000-4000-8000-000000000001",
        "seq": 9999,
    }

    def tx_insert() -> None:
        tx = Transaction(fresh_tables, at="2026-01-01T00:00:00Z", actor="bench", command="add")
        tx.insert("commitments", dict(doc))

    times = []
    for _ in range(repeat):
        fresh_tables = fresh()
        t0 = time.perf_counter()
        tx_insert()
        times.append(time.perf_counter() - t0)
    line("Transaction + insert 1 doc (TinyDB _update_table rebuild)", min(times))

    times = []
    for _ in range(repeat):
        fresh_tables = fresh()
        tx = Transaction(fresh_tables, at="x", actor="bench", command="note")
        doc_id = int(next(iter(fresh_tables["commitments"])))
        new = dict(fresh_tables["commitments"][str(doc_id)])
        t0 = time.perf_counter()
        tx.replace("commitments", doc_id, new)
        times.append(time.perf_counter() - t0)
    line("Transaction.replace 1 doc (TinyDB update by id)", min(times))

    times = []
    for _ in range(repeat):
        fresh_tables = fresh()
        tx = Transaction(fresh_tables, at="x", actor="bench", command="add")
        tx.insert("commitments", dict(doc))
        t0 = time.perf_counter()
        tx.finish()
        times.append(time.perf_counter() - t0)
    line("Transaction.finish (journal insert)", min(times))
    line("tinydb dict rebuild alone (int keys, then str keys)", best(lambda: rebuild(docs), repeat))
    line("serialise (orjson.dumps)", best(lambda: serialise(tables), repeat))
    data = serialise(tables)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        scratch = Path(tmp) / "store.json"
        shutil.copyfile(path, scratch)
        store = Store(scratch)
        line(
            "Store._write (temp file, fsync, backups, rename, dir fsync)",
            best(lambda: store._write(data), repeat),
        )
        line(
            "  of which write+fsync of the bytes alone",
            best(lambda: write_fsync(Path(tmp) / "x", data), repeat),
        )
        line(
            "deepcopy of one document (undo before-image)",
            best(lambda: copy.deepcopy(mine[0]), repeat),
        )

        def whole_add() -> None:
            with store.transaction(at="x", actor="bench", command="add-action") as tx:
                tx.insert("commitments", dict(doc, id=str(__import__("uuid").uuid4())))

        line("whole add transaction in-process (lock..write)", best(whole_add, repeat))


def prefilter(docs: dict) -> list:
    return [d for d in docs.values() if not d.get("deleted") and d.get("meeting") == MEETING]


def parse_store_check(tables: dict) -> None:
    for table in tables.values():
        for doc_id, doc in table.items():
            if not doc_id.isdigit() or not isinstance(doc, dict):
                raise AssertionError


def rebuild(docs: dict) -> None:
    table = {int(k): v for k, v in docs.items()}
    {str(k): v for k, v in table.items()}


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
