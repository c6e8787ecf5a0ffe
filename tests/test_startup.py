"""Everyday commands cost little more than ``import typer`` (issue 16): off a terminal they
lay their output out without Rich, and none loads the merge code. Checked on the modules a
real process imported, not on timings, so the test holds on any machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aghtrack.tracker import Tracker

#: Runs the command as ``aghtrack`` does, then writes the modules it loaded to PROBE_OUT.
PROBE = (
    "import os, sys\n"
    "sys.argv = ['aghtrack', *sys.argv[1:]]\n"
    "from aghtrack.__main__ import main\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as e:\n"
    "    code = e.code\n"
    "else:\n"
    "    code = 0\n"
    "with open(os.environ['PROBE_OUT'], 'w') as out:\n"
    "    out.write(' '.join(sys.modules))\n"
    "sys.exit(code)\n"
)

#: Loaded only where they are needed: Rich on a terminal (or for --help), merge by sync.
HEAVY = ("rich", "aghtrack.merge")

EVERYDAY = [
    ["list", "--meeting", "9", "--all"],
    ["show", "9.1"],
    ["report", "--meeting", "9"],
    ["review", "10"],
    ["history", "9.1"],
    ["add-action", "Hold a roundtable", "--meeting", "9", "--owner", "Philippines"],
    ["update", "9.1", "--status", "in-progress"],
    ["note", "9.1", "Concept note circulated"],
    ["done", "9.1", "--evidence", "Roundtable held"],
]


@pytest.fixture
def record(meeting9: Tracker) -> Tracker:
    from datetime import date

    from aghtrack.model import Meeting

    meeting9.add_commitment(meeting="9", text="Convene a workshop", owners=["Indonesia"])
    meeting9.add_note("9.1", "Venue found", on=date(2015, 6, 1), by="Indonesia")
    meeting9.add_meeting(Meeting(key="10", title="Tenth AHG SOM", date=date(2016, 3, 22)))
    return meeting9


def _loaded(args: list[str], tmp_path: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env["PROBE_OUT"] = str(tmp_path / "modules.txt")
    with open(tmp_path / "stdout.txt", "w") as stdout:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            env=env,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-500:]
    assert (tmp_path / "stdout.txt").read_text() or args[0] != "show"
    return set((tmp_path / "modules.txt").read_text().split())


@pytest.mark.parametrize("args", EVERYDAY, ids=lambda a: a[0])
def test_an_everyday_command_to_a_file_loads_neither_rich_nor_merge(
    record: Tracker, tmp_path: Path, args: list[str]
) -> None:
    loaded = _loaded(args, tmp_path)
    assert "aghtrack.tracker" in loaded  # the probe saw a real run
    heavy = sorted(m for m in loaded if m in HEAVY or m.startswith("rich."))
    assert heavy == []


def test_the_user_is_named_from_the_environment_in_getpasss_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import getpass

    from aghtrack.cli.app import current_user

    for name in ("AGHTRACK_USER", "LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "from-getpass")
    assert current_user() == "from-getpass"
    monkeypatch.setenv("USERNAME", "windows-name")
    monkeypatch.setenv("USER", "unix-name")
    assert current_user() == "unix-name"
    monkeypatch.setenv("AGHTRACK_USER", " Officer A ")
    assert current_user() == "Officer A"


@pytest.mark.parametrize("args", [a for a in EVERYDAY if a[0] in ("report", "review")])
def test_report_and_review_do_not_load_the_commitment_commands(
    record: Tracker, tmp_path: Path, args: list[str]
) -> None:
    loaded = _loaded(args, tmp_path)
    assert "aghtrack.cli.report" in loaded
    assert not loaded & {"aghtrack.cli.actions", "aghtrack.cli.browse"}


def test_the_review_paper_to_a_file_does_without_the_progress_reports_code(
    record: Tracker, tmp_path: Path
) -> None:
    """The review's text shares the presenter (``present``) with the progress review, not the
    report's own model and layout (~2 ms); ``--output`` and HTML still load them."""
    loaded = _loaded(["review", "10"], tmp_path)
    assert "aghtrack.render.review" in loaded
    assert not loaded & {"aghtrack.render.report", "aghtrack.report", "aghtrack.changes"}
