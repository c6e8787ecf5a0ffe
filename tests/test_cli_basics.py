from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command

from aghtrack import __version__
from aghtrack.cli import app

from .conftest import Cli


def _all_commands() -> list[list[str]]:
    root = get_command(app)
    found: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        commands = getattr(cmd, "commands", None)
        if commands:
            for name, sub in commands.items():
                walk(sub, [*path, name])
        else:
            found.append(path)

    walk(root, [])
    return found


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"aghtrack {__version__}\n"


@pytest.mark.parametrize("command", _all_commands(), ids=" ".join)
def test_every_command_has_help_with_an_example(cli: Cli, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "Example: aghtrack" in result.stdout


def test_every_option_is_named_in_lower_case_whatever_its_metavar() -> None:
    """Typer 0.27 named an option after its metavar when the two matched (``date`` with
    ``metavar="DATE"`` became ``--DATE``, fastapi/typer#1957); our options name themselves."""

    def options(cmd: object) -> list[str]:
        subcommands = getattr(cmd, "commands", {})
        found = [o for p in getattr(cmd, "params", []) for o in getattr(p, "opts", [])]
        return found + [o for sub in subcommands.values() for o in options(sub)]

    names = [o for o in options(get_command(app)) if o.startswith("--")]
    assert "--date" in names and "--status" in names
    assert [o for o in names if o != o.lower()] == []


def test_add_action_prints_the_new_reference(cli: Cli) -> None:
    assert (
        cli("meeting", "add", "9", "--title", "Ninth AHG SOM", "--date", "2015-05-06").exit_code
        == 0
    )
    result = cli("add-action", "Hold a roundtable", "--meeting", "9", "--owner", "Philippines")
    assert result.exit_code == 0 and result.stdout == "9.1\n"
    result = cli("add-action", "Pilot campaign", "-m", "9", "-o", "Australia", "-o", "Indonesia")
    assert result.stdout == "9.2\n"


def test_unknown_meeting_is_one_line_exit_1_and_store_unchanged(cli: Cli, store_path: Path) -> None:
    cli("meeting", "add", "9", "--title", "Ninth AHG SOM", "--date", "2015-05-06")
    before = store_path.read_bytes()
    result = cli("add-action", "x", "--meeting", "99")
    assert result.exit_code == 1
    assert result.stderr == "aghtrack: No meeting '99'. Known meetings: 9.\n"
    assert result.stdout == "" and store_path.read_bytes() == before


def test_bad_period_is_exit_2_naming_the_accepted_forms(cli: Cli, store_path: Path) -> None:
    cli("meeting", "add", "9", "--title", "Ninth AHG SOM", "--date", "2015-05-06")
    before = store_path.read_bytes()
    result = cli("add-action", "x", "--meeting", "9", "--due", "2015-Q5")
    assert result.exit_code == 2 and "late 2015" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert store_path.read_bytes() == before


def test_missing_store_lists_nothing_and_names_the_path(cli: Cli, store_path: Path) -> None:
    result = cli("list")
    assert result.exit_code == 0
    assert str(store_path) in result.stderr
    assert not store_path.exists()


def test_corrupt_store_is_exit_1_one_line(cli: Cli, store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"\n")
    result = cli("list")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and str(store_path) in result.stderr


def test_db_option_wins_over_environment(cli: Cli, tmp_path: Path, store_path: Path) -> None:
    other = tmp_path / "other.json"
    cli("--db", str(other), "meeting", "add", "9", "--title", "T", "--date", "2015-05-06")
    assert other.exists() and not store_path.exists()


def test_python_dash_m_runs_in_a_real_process_under_c_locale(tmp_path: Path) -> None:
    env = {**os.environ, "AGHTRACK_DB": str(tmp_path / "s.json"), "LC_ALL": "C", "LANG": "C"}
    run = [sys.executable, "-m", "aghtrack"]
    done = subprocess.run(
        [*run, "meeting", "add", "ménage", "--title", "x", "--date", "2015-05-06"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    subprocess.run(
        [*run, "meeting", "add", "9", "--title", "Réunion — 東京", "--date", "2015-05-06"],
        env=env,
        check=True,
        capture_output=True,
    )
    shown = subprocess.run(
        [*run, "meeting", "list", "--json"], env=env, capture_output=True, check=True
    )
    assert "Réunion — 東京".encode() in shown.stdout


@pytest.mark.parametrize(
    "where",
    [
        # While the command line loads, before any command runs.
        "import aghtrack.__main__ as m\n"
        "def stop() -> None:\n    raise KeyboardInterrupt\n"
        "m.main = stop\n",
        # Inside a command, under Click.
        "import aghtrack.tracker as t\n"
        "def stop(*args: object, **kwargs: object) -> None:\n    raise KeyboardInterrupt\n"
        "t.Tracker.add_note = stop\n",
    ],
)
def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path, where: str) -> None:
    """No traceback and no silence: the line says a change is whole or absent, and where to
    see which."""
    store = tmp_path / "s.json"
    env = {**os.environ, "AGHTRACK_DB": str(store)}
    run = [sys.executable, "-m", "aghtrack"]
    subprocess.run([*run, "meeting", "add", "9", "--title", "T", "--date", "2015-05-06"],
                   env=env, check=True, capture_output=True)  # fmt: skip
    subprocess.run([*run, "add-action", "x", "-m", "9"], env=env, check=True, capture_output=True)
    script = where + (
        "import sys\nsys.argv = ['aghtrack', 'note', '9.1', 'x']\n"
        "from aghtrack.__main__ import entry\nentry()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 130
    assert done.stderr == (
        "aghtrack: interrupted; a change is recorded whole or not at all "
        "('aghtrack history' shows whether it was).\n"
    )
