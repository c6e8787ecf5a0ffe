"""A store in use for years: the bench record after many changes, each its own command.

``bench.py`` times the store an import makes (one journal entry). A record officers keep for
years also holds every change since, and the journal (undo, ``history``) grows with them.
This times the everyday commands on the bench record after ``--changes`` notes on commitments
picked at random (one transaction each, as that many ``aghtrack note`` commands would make),
alternating with the floor (``python -c "import typer"``), and prints the journal's bytes:

    .venv/bin/python benchmarks/aged.py --size 10000 --changes 6000 --runs 9

The aged store is made once (about 100 s for 6,000 changes at 10,000) and kept in
``benchmarks/work``; each timed write starts from a pristine copy of it.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import BENCH_MEETING, MEETINGS, WORK, aghtrack_bin, generate, run_once, write_aghtrack

from aghtrack.store import Store
from aghtrack.store.layout import SCHEMA, tables_folder
from aghtrack.tracker import Tracker

SEED = 11


def aged_store(size: int, changes: int) -> Path:
    """The bench record of ``size`` commitments after ``changes`` notes, made once."""
    folder = WORK / f"aged-{size}-{changes}-schema{SCHEMA}"
    path = folder / "store.json"
    if path.exists():
        return path
    shutil.rmtree(folder, ignore_errors=True)
    building = WORK / f"{folder.name}.partial" / "store.json"
    shutil.rmtree(building.parent, ignore_errors=True)
    write_aghtrack(generate(size), building)
    tracker = Tracker(Store(building, backups=0), actor="aging")
    rng = random.Random(SEED)
    per_meeting = size // MEETINGS
    for n in range(changes):
        ref = f"{rng.randint(1, MEETINGS)}.{rng.randint(1, per_meeting)}"
        tracker.add_note(ref, f"Progress reported by the focal point ({n}); consultations go on")
        if n % 1000 == 999:
            print(f"  aged {n + 1} of {changes}", file=sys.stderr)
    building.parent.rename(folder)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=6_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    pristine = aged_store(args.size, args.changes)
    journal = sum(f.stat().st_size for f in tables_folder(pristine).glob("journal-*"))
    print(
        f"{args.size:,} commitments after {args.changes:,} changes: journal {journal / 2**20:.2f} "
        f"MiB ({journal / (args.changes + 1):.0f} bytes a change)"
    )
    work = WORK / "aged-run" / "store.json"
    ag = str(aghtrack_bin())
    env = {"PATH": "/usr/bin:/bin", "AGHTRACK_DB": str(work), "AGHTRACK_USER": "bench"}
    env["COLUMNS"] = "120"
    ref = f"{BENCH_MEETING}.3"
    commands = {
        f"show {ref}": [ag, "show", ref],
        f"list --meeting {BENCH_MEETING} --all": [ag, "list", "--meeting", BENCH_MEETING, "--all"],
        f"note {ref}": [ag, "note", ref, "Reported at the meeting"],
        "undo (the note)": None,
    }
    floor = [sys.executable, "-c", "import typer"]
    print(f"{'command':<28} {'agh s':>7} {'floor s':>8} {'floor x':>8}")
    for label, argv in commands.items():
        times, floors = [], []
        for _ in range(args.runs):
            shutil.rmtree(work.parent, ignore_errors=True)
            shutil.copytree(pristine.parent, work.parent)
            if argv is None:  # undo: of a note made (untimed) just before
                run_once([ag, "note", ref, "To be undone"], env)
                argv_now = [ag, "undo"]
            else:
                argv_now = argv
            times.append(run_once(argv_now, env).seconds)
            floors.append(run_once(floor, env).seconds)
        agh, base = statistics.median(times), statistics.median(floors)
        print(f"{label:<28} {agh:>7.3f} {base:>8.3f} {agh / base:>8.2f}")
    shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
