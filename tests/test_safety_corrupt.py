"""A damaged store is refused by every command, in one line naming the file and what is wrong,
and is left byte for byte and mtime for mtime as it was; ``aghtrack doctor`` is the way out."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from aghtrack.store.layout import SCHEMA

from ._safety import IN_CI, figure, make_store, one_file, run_cli
from .conftest import Cli

SHIPPED = str(Path(__file__).resolve().parent.parent / "data" / "bali-process-ahg.json")


def _good(path: Path) -> bytes:
    """A good store in the one-file layout (every table inline, schemas 2 and 3), so that each
    damage below is a change to one file's bytes; tests/test_safety_corrupt_tables.py damages
    the header and table files of the layout aghtrack writes now."""
    make_store(path, 3)
    one_file(path)
    return path.read_bytes()


def _edit(change: Callable[[dict[str, object]], object]) -> Callable[[bytes], bytes]:
    def apply(raw: bytes) -> bytes:
        tables = orjson.loads(raw)
        change(tables)
        return orjson.dumps(tables)

    return apply


def _set_meta(key: str, value: object) -> Callable[[bytes], bytes]:
    return _edit(lambda t: t["meta"]["1"].__setitem__(key, value))  # type: ignore[index]


#: name -> (how to damage a good store, words the message must contain)
DAMAGE: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "lone newline": (lambda raw: b"\n", "empty"),
    "empty file": (lambda raw: b"", "empty"),
    "truncated": (lambda raw: raw[: len(raw) // 2], "shorter than its header says"),
    "truncated to one byte": (lambda raw: raw[:1], "not valid JSON"),
    "NUL padding only": (lambda raw: b"\0" * len(raw), "NUL"),
    "NUL padding after the data": (lambda raw: raw + b"\0" * 4096, "NUL"),
    "trailing garbage": (lambda raw: raw + b"\ngarbage", "bytes after its end"),
    "two stores glued": (lambda raw: raw + raw, "bytes after its end"),
    "a table edited by hand": (
        lambda raw: raw.replace(b"Commitment number 2:", b"Commitment number 7:"),
        "does not match its checksum",
    ),
    "cut inside the header": (lambda raw: raw[: raw.index(b"\n") // 2], "not valid JSON"),
    "a table index entry garbled": (
        lambda raw: raw.replace(b'"sections":[[', b'"sections":[[7,', 1),
        "table index has a malformed entry",
    ),
    "a table of a kind aghtrack never writes": (
        _edit(lambda t: t.__setitem__("notes", {})),
        "a table aghtrack does not know",
    ),
    "[]": (lambda raw: b"[]", "expected a JSON object, found an array"),
    "null": (lambda raw: b"null", "found null"),
    "{}": (lambda raw: b"{}", "no aghtrack header"),
    "another program's JSON": (lambda raw: b'{"_default": {"1": {"a": 1}}}', "no aghtrack header"),
    "an export given where the store belongs": (
        lambda raw: b'{"format": "aghtrack", "version": 1, "meetings": [], "actions": []}',
        "it is an aghtrack export (what 'aghtrack export' writes): put it in a store with "
        "'aghtrack import FILE'",
    ),
    "wrong shape: commitments a list": (
        _edit(lambda t: t.__setitem__("commitments/9/0", [])),
        "table 'commitments/9/0' is not an object",
    ),
    "wrong shape: a document a string": (
        _edit(lambda t: t["commitments/9/0"].__setitem__("1", "x")),  # type: ignore[attr-defined]
        "malformed entry '1'",
    ),
    "wrong shape: a non-numeric document id": (
        _edit(lambda t: t["meetings"].__setitem__("first", {})),  # type: ignore[attr-defined]
        "malformed entry 'first'",
    ),
    "wrong shape: counters a list": (_set_meta("last_seq", []), "'last_seq' counters"),
    "wrong shape: generation text": (_set_meta("generation", "7"), "generation"),
    "schema missing": (_edit(lambda t: t["meta"]["1"].pop("schema")), "schema version"),  # type: ignore[attr-defined]
    "schema zero": (_set_meta("schema", 0), "unknown schema version 0"),
    "non-UTF-8 bytes": (lambda raw: raw.replace(b"Wellington", b"Wellingt\xf6n"), "not UTF-8"),
    "Latin-1 encoded": (
        lambda raw: raw.decode().replace("Wellington", "Wéllington").encode("latin-1"),
        "not UTF-8",
    ),
    "byte-order mark": (lambda raw: b"\xef\xbb\xbf" + raw, "not valid JSON"),
    "future schema": (_set_meta("schema", SCHEMA + 1), "newer aghtrack"),
}

#: Every command that opens the store, as an officer would type it.
COMMANDS: list[list[str]] = [
    ["list"],
    ["list", "--json"],
    ["list", "--format", "csv"],
    ["list", "--meeting", "9"],
    ["show", "9.1"],
    ["history"],
    ["history", "9.1"],
    ["meeting", "list"],
    ["meeting", "show", "9"],
    ["meeting", "add", "10", "--title", "Tenth", "--date", "2016-03-21"],
    ["meeting", "update", "9", "--location", "Bali"],
    ["add-action", "Hold a roundtable", "--meeting", "9"],
    ["update", "9.1", "--status", "blocked"],
    ["note", "9.1", "Progress"],
    ["done", "9.1", "--evidence", "Held"],
    ["delete", "9.1", "--yes"],
    ["undo"],
    ["report", "--meeting", "9", "--as-of", "2016-03-22"],
    ["export"],
    ["export", "--format", "csv"],
    ["import", SHIPPED],
    ["doctor"],
    ["doctor", "--restore", "--yes"],
]


def _commands_for(damage: str) -> list[list[str]]:
    """Every command locally; on CI a third of them, rotating with the damage so that every
    command still meets several kinds of damage."""
    step = 3 if IN_CI else 1
    start = list(DAMAGE).index(damage) % step
    return COMMANDS[start::step]


def _assert_refused(
    code: int, stdout: str, stderr: str, path: Path, why: str, args: list[str]
) -> None:
    assert code == 1, (args, code, stdout, stderr)
    assert stderr.count("\n") == 1 and stderr.startswith("aghtrack: "), (args, stderr)
    assert str(path) in stderr and why in stderr, (args, stderr)
    if args[0] != "doctor":  # the doctor's report is its output; the rest print no data
        assert stdout == "", (args, stdout)


@pytest.mark.parametrize("damage", DAMAGE)
def test_every_command_refuses_a_damaged_store_in_one_line_and_leaves_it_untouched(
    cli: Cli, store_path: Path, damage: str
) -> None:
    """Run in-process (CliRunner, same error edge) for breadth; the next test runs each damage
    through a real process."""
    corrupt, why = DAMAGE[damage]
    raw = corrupt(_good(store_path))
    store_path.write_bytes(raw)
    # No backups: the doctor then has nothing to restore, and must say so and change nothing.
    stamp = store_path.stat().st_mtime_ns
    for args in _commands_for(damage):
        result = cli(*args)
        _assert_refused(result.exit_code, result.stdout, result.stderr, store_path, why, args)
        assert store_path.read_bytes() == raw and store_path.stat().st_mtime_ns == stamp, args
    assert sorted(p.name for p in store_path.parent.iterdir()) == [
        "store.json",
        "store.json.counters",
        "store.json.lock",
    ]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_real_process_refuses_each_damaged_store(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "store.json"
    corrupt, why = DAMAGE[damage]
    raw = corrupt(_good(path))
    path.write_bytes(raw)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    args = COMMANDS[list(DAMAGE).index(damage) % len(COMMANDS)]
    done = run_cli(path, *args)
    _assert_refused(done.returncode, done.stdout, done.stderr, path, why, args)
    assert path.read_bytes() == raw and path.stat().st_mtime_ns == 1_000_000_000


def test_figures_for_corrupt_stores() -> None:
    """What is printed is what runs: every command meets damage, each damage meets at least a
    third of the commands, and every damage is also tried once in a real process."""
    refusals = sum(len(_commands_for(d)) for d in DAMAGE)
    met = {tuple(args) for d in DAMAGE for args in _commands_for(d)}
    assert met == {tuple(args) for args in COMMANDS}
    assert all(len(_commands_for(d)) >= len(COMMANDS) // 3 for d in DAMAGE)
    assert refusals >= len(DAMAGE) * (len(COMMANDS) // 3)
    in_process = test_every_command_refuses_a_damaged_store_in_one_line_and_leaves_it_untouched
    real = test_a_real_process_refuses_each_damaged_store
    for test in (in_process, real):
        (marker,) = [m for m in test.pytestmark if m.name == "parametrize"]  # type: ignore[attr-defined]
        assert list(marker.args[1]) == list(DAMAGE)
    figure(
        "corrupt stores tried",
        f"{len(DAMAGE)} kinds of damage, {refusals} command refusals in-process over "
        f"{len(COMMANDS)} commands, plus {len(DAMAGE)} in real processes; every file byte- and "
        "mtime-identical afterwards",
    )


def test_a_malformed_commitment_is_refused_by_commands_that_read_it(
    cli: Cli, store_path: Path
) -> None:
    raw = _edit(lambda t: t["commitments/9/0"]["2"].__setitem__("seq", "two"))(_good(store_path))  # type: ignore[index]
    store_path.write_bytes(raw)
    for args in (["list"], ["list", "--json"], ["report", "--meeting", "9"], ["export"]):
        result = cli(*args)
        _assert_refused(
            result.exit_code, result.stdout, result.stderr, store_path, "entry 2 is malformed", args
        )
    assert store_path.read_bytes() == raw


def test_a_commitment_with_an_invalid_meeting_key_is_reported_as_damage_not_bad_input(
    cli: Cli, store_path: Path
) -> None:
    raw = _edit(lambda t: t["commitments/9/0"]["1"].__setitem__("meeting", "Not A Key!"))(  # type: ignore[index]
        _good(store_path)
    )
    store_path.write_bytes(raw)
    result = cli("list")
    _assert_refused(
        result.exit_code, result.stdout, result.stderr, store_path, "entry 1 is malformed", ["list"]
    )
