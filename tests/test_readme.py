"""The README's Usage block runs as written on the record its Quick start loads: a new user
types it in that order, so a step the record refuses (a commitment done twice, a meeting added
twice) is a broken manual."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
DATA = Path(__file__).resolve().parents[1] / "data" / "bali-process-ahg.json"


def _usage_block() -> str:
    text = README.read_text(encoding="utf-8")
    after = text.split("On the record the Quick start loaded", 1)[1]
    found = re.search(r"```sh\n(.*?)```", after, re.S)
    assert found is not None
    return found[1]


def test_the_usage_block_runs_as_written_on_the_shipped_record(tmp_path: Path) -> None:
    env = {**os.environ, "AGHTRACK_DB": str(tmp_path / "store.json"), "COLUMNS": "100"}
    env["PY"] = sys.executable
    script = (
        'set -e\naghtrack() { "$PY" -m aghtrack "$@"; }\n'
        f"aghtrack import '{DATA}'\n" + _usage_block()
    )
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "review.html").exists() and (tmp_path / "overdue.csv").exists()
