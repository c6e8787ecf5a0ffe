"""How long ``aghtrack sync`` takes, and how much the shared repository grows, at size N.

Two offices share one bare repository holding N commitments (the bench record of bench.py).
Each adds a note offline; the first syncs (sends its note), then the second syncs: it sends
one note and merges the other's. That second sync is what the target (issue 15) is about:
at most 3 s at 100,000 commitments, and the remote grows by at most 256 KiB.

    python benchmarks/sync_bench.py --n 100000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench import generate, write_aghtrack


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "aghtrack", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        remote = root / "remote.git"
        subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(remote)],
                       check=True)  # fmt: skip
        home = root / "home"
        home.mkdir()
        base = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
        rso = {**base, "AGHTRACK_DB": str(root / "rso" / "store.json"), "AGHTRACK_USER": "rso"}
        ind = {**base, "AGHTRACK_DB": str(root / "ind" / "store.json"),
               "AGHTRACK_USER": "indonesia"}  # fmt: skip
        write_aghtrack(generate(n), Path(rso["AGHTRACK_DB"]))
        first = run(rso, "sync", "--remote", str(remote))
        join = run(ind, "sync", "--remote", str(remote))
        print(f"N={n}: start sharing {first:.2f} s, a new office joins {join:.2f} s")
        run(ind, "note", "7.3", "Indonesia reported progress")
        run(rso, "note", "7.3", "RSO circulated the paper")
        size0 = du(remote)
        send = run(ind, "sync")
        size1 = du(remote)
        both = run(rso, "sync")
        size2 = du(remote)
        print(f"sync sending one note: {send:.2f} s, remote grew {(size1 - size0) / 1024:.0f} KiB")
        print(
            f"sync sending one note and merging one: {both:.2f} s, "
            f"remote grew {(size2 - size1) / 1024:.0f} KiB"
        )
        for env in (rso, ind):
            run(env, "sync")
        a = subprocess.run([sys.executable, "-m", "aghtrack", "export"], env=rso,
                           capture_output=True, check=True).stdout  # fmt: skip
        b = subprocess.run([sys.executable, "-m", "aghtrack", "export"], env=ind,
                           capture_output=True, check=True).stdout  # fmt: skip
        print("both offices identical:", a == b)


if __name__ == "__main__":
    main()
