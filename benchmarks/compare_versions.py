"""Two builds of aghtrack on the same record, timed alternately in one run (issue 11 asks that
the figures not get worse by more than 10% at 10k and 100k).

    .venv/bin/python benchmarks/compare_versions.py --before /tmp/old/.venv/bin/aghtrack \\
        --sizes 10000,100000 --runs 7

Each build gets the record by its own ``aghtrack import`` of one generated file (the same
seeded record as ``bench.py``), so each reads the store it would write itself. Every command
is then run alternately, before/after, ``--runs`` times after a warm-up, from a pristine copy
restored (and ``sync``-ed) outside the timing; medians of wall time and peak memory are printed
with the after/before ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import BENCH_MEETING, WORK, Sample, generate, run_once

from aghtrack.model import commitment_to_dict, meeting_to_dict


def record_file(n: int) -> Path:
    path = WORK / f"compare-record-{n}.json"
    if not path.exists():
        record = generate(n)
        legacy = ("events", "status_on", "superseded_by", "replaces")
        document = {
            "format": "aghtrack",
            "version": 1,
            "meetings": [meeting_to_dict(m) for m in record.meetings],
            "actions": [
                {k: v for k, v in commitment_to_dict(c).items() if k not in legacy}
                for c in record.commitments
            ],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document))
    return path


def pristine_store(build: Path, label: str, n: int) -> Path:
    store = WORK / f"compare-{label}-{n}" / "store.json"
    if not store.exists():
        store.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "AGHTRACK_DB": str(store)}
        sample = run_once([str(build), "import", str(record_file(n))], env)
        if sample.rc != 0:
            raise SystemExit(f"{label}: import failed")
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, type=Path, help="the older aghtrack binary")
    parser.add_argument(
        "--after", type=Path, default=Path(sys.executable).parent / "aghtrack", help="this one"
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    k = BENCH_MEETING
    commands = [
        ("list --meeting {k} --all", ["list", "--meeting", k, "--all"], False),
        ("report --meeting {k}", ["report", "--meeting", k], False),
        ("add-action", ["add-action", "Convene a regional workshop", "-m", k, "-o", "Fiji"], True),
        ("note {k}.1", ["note", f"{k}.1", "Concept note circulated"], True),
    ]
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        stores = {
            label: pristine_store(build, label, n)
            for label, build in (("before", args.before), ("after", args.after))
        }
        for name, argv, writes in commands:
            samples: dict[str, list[Sample]] = {"before": [], "after": []}
            for run in range(args.runs + 1):
                for label, build in (("before", args.before), ("after", args.after)):
                    live = WORK / f"compare-live-{label}"
                    if writes or run == 0:
                        shutil.rmtree(live, ignore_errors=True)
                        shutil.copytree(stores[label].parent, live)
                        os.sync()
                    env = {
                        **os.environ,
                        "AGHTRACK_DB": str(live / "store.json"),
                        "COLUMNS": "120",
                    }
                    env.pop("PYTHONDONTWRITEBYTECODE", None)
                    sample = run_once([str(build), *argv], env)
                    if run:
                        samples[label].append(sample)
            med = {
                label: (
                    statistics.median(s.seconds for s in found),
                    statistics.median(s.peak_mib for s in found),
                )
                for label, found in samples.items()
            }
            rows.append((n, name.format(k=k), med["before"], med["after"]))
            time.sleep(0.1)
    print("| command | N | before s | after s | ratio | before MiB | after MiB |")
    print("|---|---|---|---|---|---|---|")
    for n, name, before, after in rows:
        print(
            f"| {name} | {n:,} | {before[0]:.3f} | {after[0]:.3f} | {after[0] / before[0]:.2f} "
            f"| {before[1]:.1f} | {after[1]:.1f} |"
        )


if __name__ == "__main__":
    main()
