"""`aghtrack doctor`: says what is wrong with the store and each backup, and with --restore
brings back the newest good backup, keeping the damaged file aside and deleting nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from aghtrack.store.layout import SCHEMA, read_store_bytes, tables_folder

from ._safety import files_in, make_store, ok, one_file, run_cli, table_file
from .conftest import Cli


def _record(cli: Cli, store_path: Path, changes: int = 4) -> None:
    """A store with ``changes`` commitments added one at a time, so three backups exist."""
    assert (
        cli("meeting", "add", "9", "--title", "Ninth AHG SOM", "--date", "2015-05-06").exit_code
        == 0
    )
    for n in range(1, changes + 1):
        assert cli("add-action", f"Commitment {n}", "-m", "9").exit_code == 0


def _tables(raw: bytes, store_path: Path) -> dict[str, Any]:
    found = read_store_bytes(raw, tables_folder(store_path))
    assert isinstance(found, dict), found
    return found


def test_a_healthy_store_is_exit_0_with_counts_for_it_and_each_backup(
    cli: Cli, store_path: Path
) -> None:
    _record(cli, store_path)
    result = cli("doctor")
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == f"{store_path}: good: generation 5, 1 meeting, 4 commitments, 5 changes journaled"
    )
    assert lines[1].startswith("store.json.bak1: good: generation 4,")
    assert lines[-1] == "The store is healthy."
    report = json.loads(cli("doctor", "--json").stdout)
    assert report["healthy"] and report["store"]["commitments"] == 4
    assert [b["generation"] for b in report["backups"]] == [4, 3, 2]


def test_no_store_yet_is_healthy(cli: Cli, store_path: Path) -> None:
    result = cli("doctor")
    assert result.exit_code == 0 and result.stdout.endswith("No store yet.\n")
    assert not store_path.exists()


def test_a_damaged_store_is_exit_1_naming_the_way_out_and_is_left_alone(
    cli: Cli, store_path: Path
) -> None:
    _record(cli, store_path)
    store_path.write_bytes(b"\0" * 100)
    before = files_in(store_path.parent)
    result = cli("doctor")
    assert result.exit_code == 1
    assert result.stderr == (
        f"aghtrack: {store_path}: damaged: it holds NUL bytes, as a file cut short by a crash "
        "does; 'aghtrack doctor --restore' brings back store.json.bak1 (generation 4, "
        "3 commitments), keeping the damaged file aside\n"
    )
    assert f"{store_path}: damaged" in result.stdout
    assert files_in(store_path.parent) == before


def test_restore_brings_back_the_newest_good_backup_and_keeps_the_damaged_file(
    cli: Cli, store_path: Path
) -> None:
    _record(cli, store_path)
    store_path.write_bytes(b'{"meta": ')
    store_path.with_name("store.json.bak1").write_bytes(b"[]")  # the newest backup is bad too
    before = files_in(store_path.parent)

    result = cli("doctor", "--restore", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "Restored store.json from store.json.bak2 (generation 3)" in result.stderr
    after = files_in(store_path.parent)
    restored = _tables(after["store.json"], store_path)
    backup = _tables(before["store.json.bak2"], store_path)
    assert {k: v for k, v in restored.items() if k != "meta"} == {
        k: v for k, v in backup.items() if k != "meta"
    }
    aside = [name for name in after if name.startswith("store.json.damaged-")]
    assert len(aside) == 1 and after[aside[0]] == b'{"meta": '
    assert {k: v for k, v in after.items() if k not in ("store.json", aside[0])} == {
        k: v for k, v in before.items() if k != "store.json"
    }  # backups untouched, nothing deleted
    listed = json.loads(cli("list", "--json").stdout)
    assert [c["ref"] for c in listed] == ["9.1", "9.2"]
    # The damaged file's header and the newest backup are both gone, but the counters kept
    # beside the store saw 9.3 and 9.4 issued: neither is issued again.
    assert restored["meta"]["1"]["last_seq"] == {"9": 4}
    assert cli("add-action", "After the repair", "-m", "9").stdout == "9.5\n"


def test_a_restore_never_lets_a_reference_be_issued_twice(cli: Cli, store_path: Path) -> None:
    """9.3 and 9.4 were issued after the backup that gets restored; the damaged store's header
    still says so, and the restored store keeps counting from there."""
    _record(cli, store_path)
    damaged = table_file(store_path, "commitments/9/0")
    damaged.write_bytes(damaged.read_bytes().replace(b"Commitment 4", b"Commitment X"))
    store_path.with_name("store.json.bak1").write_bytes(b"[]")
    store_path.with_name("store.json.bak2").write_bytes(b"[]")
    result = cli("doctor", "--restore", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "from store.json.bak3" in result.stderr
    assert [c["ref"] for c in json.loads(cli("list", "--json").stdout)] == ["9.1"]
    assert cli("add-action", "After the repair", "-m", "9").stdout == "9.5\n"
    assert cli("doctor").exit_code == 0


def test_restore_asks_first_and_without_a_terminal_needs_yes(cli: Cli, store_path: Path) -> None:
    _record(cli, store_path)
    store_path.write_bytes(b"\n")
    before = files_in(store_path.parent)
    result = cli("doctor", "--restore")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert files_in(store_path.parent) == before


def test_restore_refuses_to_replace_a_store_written_by_a_newer_aghtrack(
    cli: Cli, store_path: Path
) -> None:
    _record(cli, store_path)
    tables = orjson.loads(store_path.read_bytes())
    tables["meta"]["1"]["schema"] = SCHEMA + 1
    store_path.write_bytes(orjson.dumps(tables))
    before = files_in(store_path.parent)
    result = cli("doctor", "--restore", "--yes")
    assert result.exit_code == 1 and "upgrade aghtrack" in result.stderr
    assert result.stderr.count("\n") == 1
    assert files_in(store_path.parent) == before


def test_a_missing_store_with_backups_is_refused_not_started_afresh(
    cli: Cli, store_path: Path
) -> None:
    _record(cli, store_path)
    store_path.unlink()
    for args in (
        ["list"],
        ["add-action", "x", "-m", "9"],
        ["meeting", "add", "10", "--title", "T", "--date", "2016-03-21"],
    ):
        result = cli(*args)
        assert result.exit_code == 1 and "doctor --restore" in result.stderr, args
    assert not store_path.exists()
    result = cli("doctor", "--restore", "--yes")
    assert result.exit_code == 0 and "kept as" not in result.stderr
    assert len(json.loads(cli("list", "--json").stdout)) == 3


def test_malformed_commitments_are_reported_with_what_is_wrong(cli: Cli, store_path: Path) -> None:
    _record(cli, store_path, changes=2)
    one_file(store_path)  # hand-edited whole, as a JSON tool would
    tables = orjson.loads(store_path.read_bytes())
    tables["commitments/9/0"]["1"]["events"].append(
        {
            "id": "6f0c2a52-8d0e-4a58-9d7e-1c4f3e2b9a01",
            "op": "status",
            "at": "2016-01-01T00:00:00Z",
            "by": "x",
            "on": "2015-06-01",
            "status": "finished",
        }
    )
    del tables["commitments/9/0"]["2"]["id"]
    tables["meta"]["1"]["last_seq"]["9"] = 1
    store_path.write_bytes(orjson.dumps(tables))
    result = cli("doctor", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["store"]["problems"] == [
        "commitment 9.1 is malformed ('finished' is not a status. Valid statuses: open, "
        "in-progress, blocked, done, dropped, superseded.)",
        "commitment 9.2 is malformed (no 'id')",
    ]
    assert report["restorable_from"].endswith("store.json.bak1")


def test_doctor_restores_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    make_store(path, 5)
    ok(run_cli(path, "note", "9.1", "kept"))
    path.write_bytes(path.read_bytes()[:100])
    assert run_cli(path, "list").returncode == 1
    done = ok(run_cli(path, "doctor", "--restore", "--yes"))
    assert "Restored store.json from store.json.bak1" in done.stderr
    assert "The store is healthy." in done.stdout
    assert len(orjson.loads(ok(run_cli(path, "list", "--json")).stdout)) == 5
