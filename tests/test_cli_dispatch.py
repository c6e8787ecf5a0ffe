"""Only the invoked command is built (Typer inspects every command's signature on each run),
and every command still works, with help, that way."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aghtrack.cli import app, invoked_command, only, registered_names


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["list", "-m", "9"], "list"),
        (["--db", "store.json", "list"], "list"),
        (["--db=store.json", "report", "-m", "9"], "report"),
        (["meeting", "list"], "meeting"),
        (["--", "list"], "list"),
        (["--help"], None),
        ([], None),
        (["--db", "list"], None),  # "list" is the store's file name here
    ],
)
def test_the_invoked_command_is_found_past_root_options(
    argv: list[str], expected: str | None
) -> None:
    assert invoked_command(argv) == expected


def test_only_builds_the_one_command_and_puts_the_others_back() -> None:
    before = list(app.registered_commands), list(app.registered_groups)
    with only("note"):
        assert [name for name, _ in registered_names()] == ["note"]
    with only("nosuch"):  # unknown: everything stays, so the error can list the commands
        assert (list(app.registered_commands), list(app.registered_groups)) == before
    assert (list(app.registered_commands), list(app.registered_groups)) == before


NAMES = [name for name, _ in registered_names()]


@pytest.mark.parametrize("name", NAMES)
def test_every_command_runs_alone_in_a_real_process(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aghtrack", name, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Usage: aghtrack {name}" in done.stdout


def test_the_full_help_still_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aghtrack", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    # Hidden commands (the git merge driver) are for programs, not people.
    shown = [name for name, command in registered_names() if not getattr(command, "hidden", False)]
    assert all(name in done.stdout for name in shown)
