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


def test_every_command_is_found_in_the_module_that_registers_it() -> None:
    from aghtrack.cli import COMMAND_MODULES

    registered = {}
    for name, command in registered_names():
        callback = getattr(command, "callback", None) or getattr(
            getattr(command, "typer_instance", None), "registered_callback", None
        )
        module = getattr(callback, "__module__", "") if callback else ""
        registered[name] = module.rpartition(".")[2]
    assert set(registered) == set(COMMAND_MODULES)
    assert {n: m for n, m in registered.items() if m} == {
        n: COMMAND_MODULES[n] for n, m in registered.items() if m
    }


@pytest.mark.parametrize(
    ("command", "own", "others"),
    [
        ("list", "browse", {"actions", "draft", "sync", "report"}),
        # A change does not load the listing's formats either (issue 16: ~2 ms a write).
        ("note", "actions", {"browse", "formats", "draft", "sync", "report"}),
    ],
)
def test_a_command_imports_only_its_own_command_module(
    command: str, own: str, others: set[str]
) -> None:
    probe = (
        "import sys, io, contextlib\n"
        f"sys.argv = ['aghtrack', '{command}', '--help']\n"
        "from aghtrack.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(' '.join(m for m in sys.modules if m.startswith('aghtrack.cli.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-300:]
    imported = {m.rpartition(".")[2] for m in done.stdout.split()}
    assert own in imported
    assert not imported & others


def test_help_lists_the_commands_in_one_order_whichever_module_registered_them() -> None:
    """Reading and changing commitments are two modules (issue 16); help still reads as a tour:
    add, list, show, then the changes."""
    from aghtrack.cli import COMMAND_MODULES

    done = subprocess.run(
        [sys.executable, "-m", "aghtrack", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-300:]
    listed = [
        line.split()[0]
        for line in done.stdout.split("Commands:")[1].splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    ]
    assert listed == [name for name in COMMAND_MODULES if name != "merge-driver"]
    assert listed[:3] == ["add-action", "list", "show"]
