"""Damage to a store as aghtrack writes it now (schema 4): a one-line header and one file per
table in ``store.json.tables/``. Every command refuses it in one line naming the store and what
is wrong, changes no file, and ``aghtrack doctor --restore`` brings back a backup whose tables
are whole. (tests/test_safety_corrupt.py damages the one-file layout of earlier versions.)"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from aghtrack.store.layout import tables_folder

from ._safety import IN_CI, figure, make_store, ok, run_cli, table_file
from .conftest import Cli
from .test_safety_corrupt import COMMANDS, _assert_refused


def _block(path: Path) -> Path:
    return table_file(path, "commitments/9/0")


def _rewrite(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        block = _block(path)
        block.write_bytes(change(block.read_bytes()))

    return apply


def _header(change: Callable[[dict[str, object]], object]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        header = orjson.loads(path.read_bytes())
        change(header["meta"]["1"])
        path.write_bytes(orjson.dumps(header) + b"\n")

    return apply


def _first_entry(meta: dict[str, object], position: int, value: object) -> None:
    meta["tables"][1][position] = value  # type: ignore[index]


def _folder_for_file(path: Path) -> None:
    block = _block(path)
    block.unlink()
    block.mkdir()


def _swap_in_older_version(path: Path) -> None:
    """The block's file holds an earlier version of the block (a sync tool's conflict copy)."""
    block = _block(path)
    older = [
        p
        for p in tables_folder(path).iterdir()
        if p.name.startswith("commitments-9-0.") and p != block
    ]
    block.write_bytes(older[0].read_bytes())


#: name -> (how to damage the store at PATH, words the message must contain)
DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "a table file edited by hand": (
        _rewrite(lambda raw: raw.replace(b"Commitment number 2:", b"Commitment number 7:")),
        "does not match its checksum",
    ),
    "a table file cut short": (_rewrite(lambda raw: raw[: len(raw) // 2]), "shorter than its"),
    "a table file emptied": (_rewrite(lambda raw: b""), "shorter than its header says"),
    "a table file NUL-filled": (_rewrite(lambda raw: b"\0" * len(raw)), "NUL"),
    "a table file not UTF-8": (
        _rewrite(lambda raw: raw.replace(b"Commitment", b"Commitm\xe9nt")),
        "not UTF-8",
    ),
    "a table file grown": (_rewrite(lambda raw: raw + b" "), "does not match its checksum"),
    "an older version of a table file": (_swap_in_older_version, "checksum"),
    "a table file missing": (lambda path: _block(path).unlink(), "is missing"),
    "the tables folder missing": (
        lambda path: shutil.rmtree(tables_folder(path)),
        "its tables folder store.json.tables is missing: a store is store.json with that",
    ),
    "a folder where a table file was": (_folder_for_file, "a folder"),
    "a file name that is a path": (
        _header(lambda meta: _first_entry(meta, 3, "../../etc/passwd.json")),
        "malformed entry",
    ),
    "a table file's length garbled": (
        _header(lambda meta: _first_entry(meta, 1, "long")),
        "malformed entry",
    ),
    "both layouts in one header": (
        _header(lambda meta: meta.__setitem__("sections", [])),
        "table index is malformed",
    ),
    "the header rewritten by a JSON tool": (
        lambda path: path.write_text(json.dumps(json.loads(path.read_bytes()), indent=2)),
        "rewritten by another program",
    ),
    "the header cut short": (
        lambda path: path.write_bytes(path.read_bytes()[:-40]),
        "not valid JSON",
    ),
    "something after the header": (
        lambda path: path.write_bytes(path.read_bytes() + b'"commitments/9/0":{}\n'),
        "bytes after its end",
    ),
}


#: Damage no backup escapes: every version's tables are in the one folder.
SHARED_BY_EVERY_BACKUP = {"the tables folder missing"}


def _snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file and folder under ``folder`` with its bytes and mtime (locks aside)."""
    return {
        p.relative_to(folder).as_posix(): (
            p.read_bytes() if p.is_file() else None,
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.suffix != ".lock"
    }


def _damaged(path: Path, damage: str, *, backups: bool) -> None:
    make_store(path, 3)
    if backups:  # three changes after the first version: three backups, each whole
        for n in range(3):
            ok(run_cli(path, "note", f"9.{n + 1}", f"Progress {n}"))
    else:
        ok(run_cli(path, "note", "9.1", "Progress"))  # the block's first version is kept
        (path.with_name(path.name + ".bak1")).unlink()
    DAMAGE[damage][0](path)


def _commands_for(damage: str) -> list[list[str]]:
    step = 4 if IN_CI else 2
    start = list(DAMAGE).index(damage) % step
    return [args for args in COMMANDS[start::step] if args[0] != "doctor"]


@pytest.mark.parametrize("damage", DAMAGE)
def test_every_command_refuses_a_damaged_header_or_table_file_and_changes_nothing(
    cli: Cli, store_path: Path, damage: str
) -> None:
    _damaged(store_path, damage, backups=False)
    before = _snapshot(store_path.parent)
    for args in _commands_for(damage):
        result = cli(*args)
        _assert_refused(
            result.exit_code, result.stdout, result.stderr, store_path, DAMAGE[damage][1], args
        )
        assert _snapshot(store_path.parent) == before, args


@pytest.mark.parametrize("damage", DAMAGE)
def test_the_doctor_names_the_damage_and_restores_a_whole_backup(
    tmp_path: Path, damage: str
) -> None:
    path = tmp_path / "store.json"
    _damaged(path, damage, backups=True)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    checked = run_cli(path, "doctor")
    assert checked.returncode == 1 and DAMAGE[damage][1] in checked.stdout, checked
    refused = run_cli(path, "list", "--json")
    _assert_refused(
        refused.returncode, refused.stdout, refused.stderr, path, DAMAGE[damage][1], ["list"]
    )
    if damage in SHARED_BY_EVERY_BACKUP:
        # Backups are earlier headers over the same folder: with the folder gone, no backup is
        # whole, and the doctor says so and changes nothing (an export or a synced copy is
        # the way back).
        before = _snapshot(tmp_path)
        refused = run_cli(path, "doctor", "--restore", "--yes")
        assert refused.returncode == 1 and "no backup is good either" in refused.stderr
        assert _snapshot(tmp_path) == before
        return
    ok(run_cli(path, "doctor", "--restore", "--yes"))
    listed = json.loads(ok(run_cli(path, "list", "--json")).stdout)
    assert [c["ref"] for c in listed] == ["9.1", "9.2", "9.3"]
    assert ok(run_cli(path, "add-action", "After the repair", "-m", "9")).stdout == "9.4\n"
    assert ok(run_cli(path, "doctor")).returncode == 0


def test_figures_for_damaged_table_files() -> None:
    met = {tuple(args) for d in DAMAGE for args in _commands_for(d)}
    assert met == {tuple(args) for args in COMMANDS if args[0] != "doctor"}
    figure(
        "damaged headers and table files tried",
        f"{len(DAMAGE)} kinds of damage, {sum(len(_commands_for(d)) for d in DAMAGE)} command "
        f"refusals with every file unchanged, and a doctor restore after each",
    )
