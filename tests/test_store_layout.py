"""The sectioned layout (schema 2 and later): a command reads only the tables it needs, every table is
checked against the header, any JSON tool still reads the file, and schema 1 stores are read and
upgraded without losing their history."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

from aghtrack.errors import CorruptStore
from aghtrack.store import Store
from aghtrack.store.layout import (
    CHUNK,
    SCHEMA,
    _file_name_ok,
    commitments_table,
    header_meta,
    read_store_bytes,
    read_store_file,
    serialise,
    table_file_name,
    tables_folder,
)
from aghtrack.tracker import Tracker

from ._safety import IN_CI, make_store, ok, one_file, run_cli, tables
from .conftest import Cli


def _doc(meeting: str, seq: int, **extra: Any) -> dict[str, Any]:
    return {"meeting": meeting, "seq": seq, "ref": f"{meeting}.{seq}", "text": f"t{seq}", **extra}


def _add(store: Store, docs: list[dict[str, Any]]) -> None:
    with store.transaction(at="2026-01-01T00:00:00Z", actor="t", command="add") as tx:
        tx.insert_many("commitments", docs)


def test_commitments_are_filed_by_meeting_and_block_of_numbers(store_path: Path) -> None:
    store = Store(store_path)
    _add(store, [_doc("9", 1), _doc("9", CHUNK - 1), _doc("9", CHUNK), _doc("10", 3)])
    snapshot = store.load()
    assert snapshot.table_names("commitments") == [
        "commitments/10/0",
        "commitments/9/0",
        "commitments/9/1",
    ]
    assert commitments_table("9", CHUNK) == "commitments/9/1"
    assert snapshot.commitment("9", CHUNK) == ("commitments/9/1", _doc("9", CHUNK))
    assert snapshot.commitment("9", 2) is None


def test_reading_one_meeting_parses_only_its_tables(store_path: Path) -> None:
    store = Store(store_path)
    _add(store, [_doc(str(m), n) for m in range(1, 6) for n in range(1, 4)])
    snapshot = store.load()
    assert set(snapshot.tables) == {"meta"}  # the header only
    assert [d["ref"] for _, _, d in snapshot.commitments("3")] == ["3.1", "3.2", "3.3"]
    assert set(snapshot.tables) == {"meta", "commitments/3/0"}


def _named(store_path: Path) -> dict[str, str]:
    """Each table's file, as the store's header names it."""
    meta = header_meta(store_path)
    assert meta is not None
    return {entry[0]: entry[3] for entry in meta["tables"]}


def test_a_write_adds_files_only_for_the_tables_it_changed(store_path: Path) -> None:
    store = Store(store_path)
    _add(store, [_doc(str(m), 1) for m in range(1, 4)])
    before = _named(store_path)
    kept = {name: (store.tables_path / file).read_bytes() for name, file in before.items()}
    _add(store, [_doc("2", 2)])
    after = _named(store_path)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"commitments/2/0", "journal/0"}
    for name in ("meetings", "commitments/1/0", "commitments/3/0"):
        assert (store.tables_path / after[name]).read_bytes() == kept[name]
    assert tables(store_path)["commitments"]["2.2"]["text"] == "t2"
    # The replaced files stay while the backup names them, and go once no header does.
    for _ in range(store.backups):
        _add(store, [_doc("2", 3 + _)])
    on_disk = {p.name for p in store.table_files()}
    assert before["commitments/2/0"] not in on_disk and before["meetings"] in on_disk


def test_the_header_and_every_table_file_are_plain_json(cli: Cli, store_path: Path) -> None:
    make_store(store_path, 3)
    assert cli("note", "9.2", "Progress reported").exit_code == 0
    header = json.loads(store_path.read_text(encoding="utf-8"))
    assert header["meta"]["1"]["schema"] == SCHEMA
    folder = tables_folder(store_path)
    block = json.loads((folder / _named(store_path)["commitments/9/0"]).read_text("utf-8"))
    events = block["2"]["events"]
    assert [(e["op"], e.get("text")) for e in events][-1] == ("note", "Progress reported")
    meetings = json.loads((folder / _named(store_path)["meetings"]).read_text("utf-8"))
    assert [m["key"] for m in meetings.values()] == ["9"]


def test_a_one_file_store_rewritten_by_a_json_tool_is_read_and_split_by_the_next_write(
    cli: Cli, store_path: Path
) -> None:
    make_store(store_path, 3)
    one_file(store_path)
    pretty = json.dumps(json.loads(store_path.read_bytes()), indent=2, ensure_ascii=False)
    store_path.write_text(pretty, encoding="utf-8")
    db = TinyDB(store_path, access_mode="r")  # TinyDB itself reads a one-file store
    try:
        assert [m["key"] for m in db.table("meetings").all()] == ["9"]
    finally:
        db.close()
    listed = json.loads(cli("list", "--json").stdout)
    assert [c["ref"] for c in listed] == ["9.1", "9.2", "9.3"]
    assert store_path.read_text(encoding="utf-8") == pretty  # reading never rewrites
    assert cli("note", "9.1", "Seen").exit_code == 0
    assert set(_named(store_path)) == {"meetings", "commitments/9/0", "journal/0"}
    assert cli("undo").exit_code == 0
    assert json.loads(cli("show", "9.1", "--json").stdout)["notes"] == []


def test_a_header_rewritten_by_a_json_tool_is_refused_not_read_as_an_empty_record(
    cli: Cli, store_path: Path
) -> None:
    make_store(store_path, 3)
    assert cli("note", "9.1", "Seen").exit_code == 0
    pretty = json.dumps(json.loads(store_path.read_bytes()), indent=2)
    store_path.write_text(pretty, encoding="utf-8")
    result = cli("list")
    assert result.exit_code == 1 and "rewritten by another program" in result.stderr
    assert cli("add-action", "Not on an empty record", "-m", "9").exit_code == 1
    assert store_path.read_text(encoding="utf-8") == pretty
    assert cli("doctor", "--restore", "--yes").exit_code == 0
    assert len(json.loads(cli("list", "--json").stdout)) == 3


def test_damage_in_a_table_the_command_does_not_read_is_still_refused(
    cli: Cli, store_path: Path
) -> None:
    store = Store(store_path)
    make_store(store_path, 3)
    _add(store, [_doc("9", CHUNK + 1)])
    block = tables_folder(store_path) / _named(store_path)["commitments/9/1"]
    raw = block.read_bytes()
    damaged = raw.replace(b'"text":"t501"', b'"text":"t999"')
    assert damaged != raw
    block.write_bytes(damaged)
    result = cli("show", "9.1")  # reads commitments/9/0; the damage is in commitments/9/1
    assert result.exit_code == 1 and "commitments/9/1" in result.stderr
    assert block.read_bytes() == damaged


# --- schema 1 ---------------------------------------------------------------------------------


def _schema_1_store() -> dict[str, Any]:
    """A store as aghtrack 0.1 wrote it: commitment doc ids unrelated to numbers, one journal
    holding an import, a note (before-image) and an add that was later undone."""
    meeting = {"key": "9", "title": "Ninth", "date": "2015-05-06"}

    def c(seq: int, notes: list[Any]) -> dict[str, Any]:
        return {
            "id": f"00000000-0000-4000-8000-{seq:012x}",
            "meeting": "9",
            "seq": seq,
            "ref": f"9.{seq}",
            "text": f"Commitment {seq}",
            "kind": "agreed",
            "owners": ["Members"],
            "status": "open",
            "notes": notes,
            "created": "2015-05-06T00:00:00Z",
            "updated": "2015-05-06T00:00:00Z",
        }

    note = {"on": "2015-06-01", "by": "alice", "text": "Drafted"}
    return {
        "meta": {
            "1": {
                "format": "aghtrack-store",
                "schema": 1,
                "generation": 4,
                "last_seq": {"9": 3},
                "last_doc_id": {"meetings": 1, "commitments": 7},
            }
        },
        "meetings": {"1": meeting},
        "commitments": {"5": c(1, []), "6": c(2, [note])},
        "journal": {
            "1": {
                "at": "a",
                "by": "x",
                "command": "import",
                "summary": "Imported",
                "created": {"meetings": [1], "commitments": [5, 6]},
                "before": {},
                "undone_by": None,
                "undoes": None,
            },
            "2": {
                "at": "b",
                "by": "alice",
                "command": "note",
                "summary": "Noted on 9.2",
                "created": {},
                "before": {"commitments": {"6": c(2, [])}},
                "undone_by": None,
                "undoes": None,
            },
            "3": {
                "at": "c",
                "by": "bob",
                "command": "add-action",
                "summary": "Added 9.3",
                "created": {"commitments": [7]},
                "before": {},
                "undone_by": 4,
                "undoes": None,
            },
            "4": {
                "at": "d",
                "by": "bob",
                "command": "undo",
                "summary": "Undid #3",
                "created": {},
                "before": {"commitments": {"7": c(3, [])}},
                "undone_by": None,
                "undoes": 3,
            },
        },
    }


def test_a_schema_1_store_is_read_as_it_is_and_upgraded_by_the_next_write(
    cli: Cli, store_path: Path
) -> None:
    store_path.parent.mkdir(parents=True)
    raw = orjson.dumps(_schema_1_store())
    store_path.write_bytes(raw)
    assert [c["ref"] for c in json.loads(cli("list", "--json").stdout)] == ["9.1", "9.2"]
    history = json.loads(cli("history", "9.2", "--json").stdout)
    assert [h["command"] for h in history] == ["note", "import"]
    assert store_path.read_bytes() == raw
    # The first write upgrades the file; the note made under schema 1 can still be undone.
    assert cli("undo").exit_code == 0
    upgraded = store_path.read_bytes()
    assert upgraded.startswith(b'{"meta":') and b'"schema":%d' % SCHEMA in upgraded.split(b"\n")[0]
    assert json.loads(cli("show", "9.2", "--json").stdout)["notes"] == []
    assert cli("add-action", "Next one", "--meeting", "9").stdout.strip() == "9.4"
    assert cli("doctor").exit_code == 0


def test_the_upgrade_keeps_every_document_and_journal_entry() -> None:
    found = read_store_bytes(orjson.dumps(_schema_1_store()))
    assert isinstance(found, dict)
    assert sorted(found["commitments/9/0"]) == ["1", "2"]
    journal = found["journal/0"]
    assert sorted(journal, key=int) == ["1", "2", "3", "4"]
    assert journal["1"]["created"] == {"meetings": [1], "commitments/9/0": [1, 2]}
    assert list(journal["2"]["before"]) == ["commitments/9/0"]
    assert journal["4"]["before"] == {
        "commitments/9/0": {"3": journal["4"]["before"]["commitments/9/0"]["3"]}
    }
    assert found["meta"]["1"]["last_doc_id"] == {"meetings": 1, "journal": 4}


def test_a_schema_1_store_with_two_commitments_on_one_reference_is_refused(
    store_path: Path,
) -> None:
    old = _schema_1_store()
    old["commitments"]["9"] = {**old["commitments"]["5"], "id": "other"}
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(orjson.dumps(old))
    with pytest.raises(CorruptStore, match=r"both 9\.1"):
        Tracker(Store(store_path), actor="t").commitments()


# --- properties -------------------------------------------------------------------------------

_meeting_keys = st.sampled_from(["9", "10", "manila-2015", "a-b-c"])
_texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_meeting_keys, st.integers(1, 3 * CHUNK), _texts), min_size=1, max_size=30)
)
def test_any_set_of_commitments_reads_back_the_same_after_serialising(
    rows: list[tuple[str, int, str]],
) -> None:
    tables_in: dict[str, dict[str, Any]] = {
        "meta": {"1": {"format": "aghtrack-store", "schema": SCHEMA, "generation": 1}},
        "meetings": {},
    }
    for meeting, seq, text in rows:
        tables_in.setdefault(commitments_table(meeting, seq), {})[str(seq)] = _doc(
            meeting, seq, text=text
        )
    raw = serialise(tables_in)
    assert json.loads(raw) is not None  # one JSON document
    back = read_store_bytes(raw)
    assert isinstance(back, dict)
    assert {k: v for k, v in back.items() if k != "meta"} == {
        k: v for k, v in tables_in.items() if k != "meta"
    }
    # Any single changed byte in a table is noticed.
    body_start = raw.index(b"\n") + 1
    where = body_start + (len(raw) - body_start) // 2
    flipped = raw[:where] + bytes([raw[where] ^ 0x01]) + raw[where + 1 :]
    assert not isinstance(read_store_bytes(flipped), dict)


#: A table file's name as a pattern: what the header index may name (``layout`` tests the
#: characters as a set).
_FILE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,150}\.json")


@given(
    st.text(st.sampled_from("az09._-/A\\ \u212a\u0130:"), max_size=8).map(
        lambda stem: stem + ".json"
    )
    | st.text(st.sampled_from("az.json-"), max_size=160)
    | st.sampled_from(["a" * 151 + ".json", "a" * 152 + ".json", ".json", "a.json", "-a.json"])
)
def test_the_index_names_table_files_as_the_grammar_defines(name: str) -> None:
    assert _file_name_ok(name) == bool(_FILE_NAME.fullmatch(name))


@given(st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=8, unique=True))
@settings(max_examples=60 if not IN_CI else 20, deadline=None)
def test_table_file_names_are_plain_distinct_and_never_a_path(keys: list[str]) -> None:
    """Whatever a meeting key holds (slashes, dots, case, reserved device names), its table
    files get names of lower-case letters, digits and ``._-``: distinct on a filesystem that
    ignores case, and never a path out of the tables folder."""
    names = [table_file_name(f"commitments/{key}/0", 7, 0xABC) for key in keys]
    assert all(_FILE_NAME.fullmatch(name) for name in names)
    assert all(_file_name_ok(name) for name in names)
    assert len({name.lower() for name in names}) == len(keys)
    assert table_file_name("commitments/9/3", 12, 1) == "commitments-9-3.12.00000001.json"
    hashed = table_file_name("commitments/A/0", 1, 1).split("-")[2]
    assert table_file_name(f"commitments/x{hashed}/0", 1, 1) != table_file_name(
        "commitments/A/0", 1, 1
    )
    assert table_file_name("journal/0", 12, 1) == "journal-0.12.00000001.json"
    assert table_file_name("meetings", 12, 1) == "meetings.12.00000001.json"


def test_a_reader_whose_version_was_collected_meanwhile_reads_the_new_one(
    store_path: Path,
) -> None:
    """A command reads without the lock: if writers replaced the version whose header it read
    and removed that version's table files before it read them, it reads the store again
    rather than report damage."""
    store = Store(store_path, backups=1)
    _add(store, [_doc("9", 1)])
    stale_header = store_path.read_bytes()
    stale_block = _named(store_path)["commitments/9/0"]
    for n in range(2, 5):
        _add(store, [_doc("9", n)])
    assert stale_block not in {p.name for p in store.table_files()}  # collected
    reads = iter([stale_header])
    real_read = store.read
    store.read = lambda: next(reads, None) or real_read()  # type: ignore[method-assign]
    snapshot = store.load()
    assert sorted(int(k) for k in snapshot.docs("commitments/9/0")) == [1, 2, 3, 4]


def test_a_table_file_missing_while_the_header_stands_still_is_damage(store_path: Path) -> None:
    store = Store(store_path)
    _add(store, [_doc("9", 1)])
    (tables_folder(store_path) / _named(store_path)["commitments/9/0"]).unlink()
    with pytest.raises(CorruptStore, match="is missing"):
        store.load()


# --- upgrade from the last release (aghtrack 0.3, schema 3: one file) ---------------------------

#: Written by aghtrack at 1d00fd4 (the release before the split store): the shipped record
#: imported, 9.3 in progress, a note on 9.5, 9.9 added, 9.10 added and deleted, 9.6 done and
#: that undone; its backup ``.bak1`` and its own ``export`` of the record beside it.
LAST_RELEASE = Path(__file__).resolve().parent / "fixtures" / "store-schema3-v0.3"


def test_a_store_written_by_the_last_release_is_read_then_split_losing_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    for name in ("store.json", "store.json.bak1"):
        shutil.copy(LAST_RELEASE / name, tmp_path / name)
    exported = (LAST_RELEASE / "export.json").read_text(encoding="utf-8")
    assert ok(run_cli(path, "export")).stdout == exported  # read as it is, byte for byte
    assert not tables_folder(path).exists() and header_meta(path)["schema"] == 3  # type: ignore[index]

    ok(run_cli(path, "note", "9.3", "Campaign materials printed", "--on", "2015-11-02"))
    assert header_meta(path)["schema"] == SCHEMA  # type: ignore[index]
    assert set(_named(path)) == {"meetings", "commitments/9/0", "journal/0"}
    noted = json.loads(ok(run_cli(path, "show", "9.3", "--json")).stdout)
    assert [n["text"] for n in noted["notes"]] == ["Campaign materials printed"]
    assert ok(run_cli(path, "export")).stdout != exported

    # The last release's journal still undoes, through the split: the note, then its delete.
    ok(run_cli(path, "undo"))
    assert ok(run_cli(path, "export")).stdout == exported
    ok(run_cli(path, "undo"))
    assert json.loads(ok(run_cli(path, "show", "9.10", "--json")).stdout)["text"] == (
        "Entered by mistake"
    )
    assert ok(run_cli(path, "add-action", "Next", "-m", "9")).stdout == "9.11\n"
    assert ok(run_cli(path, "doctor")).returncode == 0

    # A one-file backup the last release wrote is still a good one to restore.
    path.write_bytes(b"\n")
    for n in (1, 2, 3):
        path.with_name(f"store.json.bak{n}").write_bytes(b"[]")
    shutil.copy(LAST_RELEASE / "store.json", path.with_name("store.json.bak3"))
    ok(run_cli(path, "doctor", "--restore", "--yes"))
    assert ok(run_cli(path, "export")).stdout == exported
    # Its counters were raised past what the damaged version issued: 9.11 is not issued again.
    assert ok(run_cli(path, "add-action", "After the repair", "-m", "9")).stdout == "9.12\n"


#: Written by main at 1274e2b (schema 4, split into table files; every journal entry a whole
#: copy of what it changed): the shipped record imported, a note on 9.3, 9.5 in progress, 9.9
#: added; its backups, and its ``export`` after each of those four steps.
SCHEMA_4 = Path(__file__).resolve().parent / "fixtures" / "store-schema4-main"


def test_a_schema_4_store_is_read_written_as_schema_5_and_undone_through_both_journal_forms(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "store"
    shutil.copytree(SCHEMA_4, folder)
    path = folder / "store.json"
    exported = {
        step: (SCHEMA_4 / f"export-{step}.json").read_text(encoding="utf-8")
        for step in ("1-imported", "2-noted", "3-updated", "4-added")
    }
    assert ok(run_cli(path, "export")).stdout == exported["4-added"]  # read as it is
    assert header_meta(path)["schema"] == 4  # type: ignore[index]

    ok(run_cli(path, "note", "9.3", "Campaign materials printed", "--on", "2015-11-02"))
    assert header_meta(path)["schema"] == SCHEMA  # type: ignore[index]
    newest = read_store_file(path)
    assert isinstance(newest, dict)
    entry = newest["journal/0"]["5"]
    assert entry["appended"] == {"commitments/9/0": {"3": 2}} and entry["before"] == {}

    # Undo goes back through the new entry (a count), then the old ones (whole copies).
    ok(run_cli(path, "undo"))
    assert ok(run_cli(path, "export")).stdout == exported["4-added"]
    for step in ("3-updated", "2-noted", "1-imported"):
        ok(run_cli(path, "undo"))
        assert ok(run_cli(path, "export")).stdout == exported[step], step
    assert ok(run_cli(path, "doctor")).returncode == 0


@pytest.mark.parametrize("relative", [True, False], ids=["dir_fd", "full-paths"])
def test_table_files_are_read_alike_relative_to_their_folder_or_by_full_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: bool
) -> None:
    """Every load reads every table file, opened relative to the folder where the system
    can (issue 16); elsewhere (Windows) by full path: both give the same bytes and the same
    errors, which the load turns into one line naming the table."""
    import os

    from aghtrack.store.files import NotRegularFile, read_regular_files

    if not relative:
        monkeypatch.setattr(os, "supports_dir_fd", set())
    elif os.open not in os.supports_dir_fd:
        pytest.skip("this system opens files by full path only")
    (tmp_path / "a.json").write_bytes(b"[1]")
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "folder.json").mkdir()
    got = dict(read_regular_files(tmp_path, ["a.json", "gone.json", "folder.json", "empty.json"]))
    assert got["a.json"] == b"[1]" and got["empty.json"] == b""
    assert isinstance(got["gone.json"], FileNotFoundError)
    assert isinstance(got["folder.json"], NotRegularFile)
    assert dict(read_regular_files(tmp_path / "missing", ["a.json"])).keys() == {"a.json"}
    assert isinstance(dict(read_regular_files(tmp_path / "missing", ["a.json"]))["a.json"], OSError)


def test_the_headers_kept_aside_are_found_as_the_system_compares_names(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged copy kept aside names table files that must outlive collection. Its name is
    matched as the file system compares names: exactly here, regardless of case on Windows
    (``os.path.normcase``), as ``Path.glob`` matched it before."""
    import ntpath

    store = Store(store_path)
    make_store(store_path, 3)
    folder = store_path.parent
    exact = folder / f"{store_path.name}.damaged-20160101T000000Z"
    other_case = folder / f"{store_path.name.upper()}.DAMAGED-20170101T000000Z"
    unrelated = folder / f"{store_path.name}.damagedX"
    for path in (exact, other_case, unrelated):
        path.write_bytes(store_path.read_bytes())
    assert exact in store.headers()
    assert other_case not in store.headers() and unrelated not in store.headers()
    monkeypatch.setattr(os.path, "normcase", ntpath.normcase)
    assert {exact, other_case} <= set(store.headers())
    assert unrelated not in store.headers()
