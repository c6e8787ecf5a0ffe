"""Careless and hostile paths (issue 12): ``--output`` onto the store's own files, a store
reached through a link, pipes and devices where files were expected, a damaged header at
restore, bad settings, usage errors and a terminal too narrow for a table. Real processes on
real files throughout; nothing may be lost, forked or left hanging."""

from __future__ import annotations

import itertools
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aghtrack.store.files import own_name

from ._safety import cli_env, make_store, ok, run_cli, scaled, table_file


def _record(path: Path, changes: int = 4) -> None:
    """A store with a meeting and ``changes`` commitments, one write each (so backups exist)."""
    ok(run_cli(path, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    for n in range(1, changes + 1):
        ok(run_cli(path, "add-action", f"Commitment {n}", "-m", "9"))


def _snapshot(directory: Path) -> dict[str, bytes]:
    """Every regular file under the folder (the store's table files included), by path."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _one_line_error(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert done.returncode == code, (done.args, done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("aghtrack: "), done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


# --- 1. --output never replaces the store's own files --------------------------------------


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    _record(path)
    return path


def _own_files(store: Path) -> list[str]:
    return [
        str(store),
        f"{store}.bak1",
        f"{store}.bak3",
        f"{store}.lock",
        f"{store}.counters",
        f"{store}.bak9",  # not there yet: it would be taken for a backup
        str(store.parent / f".{store.name}.x1y2.tmp"),
        f"{store}.damaged-20160101T000000Z",
        str(table_file(store, "commitments/9/0")),  # a table file, as its header names it
        f"{store}.tables/new-table.json",  # not there yet: it would sit among the tables
        f"{store}.tables/.x1y2.tmp",
    ]


#: The store's own files, as a pattern of what follows its name (``files.own_name`` tests it
#: with string methods).
_OWN_SUFFIX = re.compile(r"(\.lock|\.counters|\.bak\d+|\.damaged-.*|\..*\.tmp)?", re.DOTALL)


def _own_as_the_pattern_says(name: str) -> bool:
    return any(
        name.startswith(prefix) and _OWN_SUFFIX.fullmatch(name[len(prefix) :]) is not None
        for prefix in ("store.json", ".store.json")
    )


#: What may follow the store's name, and what is near it: every combination of up to three.
_SUFFIX_PARTS = [".", "lock", "counters", "bak", "1", "\u0663", "\u00b2", "damaged-", "tmp"]
_SUFFIX_PARTS += ["x", "\n", ".tmp", ".bak", ""]


def test_the_stores_own_names_are_what_their_pattern_defines() -> None:
    for dot, *parts in itertools.product(["", "."], *[_SUFFIX_PARTS] * 3):
        name = dot + "store.json" + "".join(parts)
        assert own_name(name, "store.json") == _own_as_the_pattern_says(name), name


@given(st.text(max_size=16))
def test_any_name_is_the_stores_own_as_its_pattern_defines(name: str) -> None:
    assert own_name(name, "store.json") == _own_as_the_pattern_says(name)


@pytest.mark.parametrize("command", [["export"], ["report", "--meeting", "9"]])
def test_output_onto_any_of_the_stores_own_files_is_refused_and_changes_nothing(
    recorded: Path, command: list[str]
) -> None:
    before = _snapshot(recorded.parent)
    for target in _own_files(recorded):
        done = run_cli(recorded, *command, "--output", target)
        _one_line_error(done, 2, "the store's own file")
        assert _snapshot(recorded.parent) == before, target


def test_output_through_a_symlink_or_hard_link_to_the_store_is_refused(
    recorded: Path, tmp_path: Path
) -> None:
    soft, hard = tmp_path / "elsewhere" / "report.html", tmp_path / "hard.html"
    soft.parent.mkdir()
    soft.symlink_to(recorded)
    os.link(recorded, hard)
    before = _snapshot(recorded.parent)
    for target in (soft, hard):
        done = run_cli(recorded, "report", "--meeting", "9", "-f", "html", "--output", str(target))
        _one_line_error(done, 2, "the store's own file")
    assert _snapshot(recorded.parent) == before and soft.is_symlink()


def test_output_onto_another_aghtrack_store_is_refused(recorded: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "record.json"
    other.parent.mkdir()
    make_store(other, 2)
    kept = other.read_bytes()
    done = run_cli(recorded, "export", "--output", str(other))
    _one_line_error(done, 2, "holds an aghtrack store")
    assert other.read_bytes() == kept


def _other_store_parts(other: Path) -> list[Path]:
    """Every file of another store that is not its header: its table files, lock, counters
    and the files of its share (as ``sync`` leaves them), plus the name its share takes."""
    share = other.with_name(other.name + ".share")
    (share / ".git").mkdir(parents=True)
    (share / ".git" / "config").write_text("[core]\n")
    (share / "meetings.jsonl").write_text("{}\n")
    tables = sorted(other.with_name(other.name + ".tables").iterdir())
    return [*tables, other.with_name(other.name + ".counters"),
            other.with_name(other.name + ".lock"), share / ".git" / "config",
            share / "meetings.jsonl"]  # fmt: skip


def test_output_onto_any_file_of_another_store_is_refused(recorded: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "record.json"
    other.parent.mkdir()
    make_store(other, 2)
    ok(run_cli(other, "note", "9.1", "a second version"))
    parts = _other_store_parts(other)
    before = _snapshot(other.parent)
    for target in parts:
        for named in (str(target), f"/proc/self/cwd/{os.path.relpath(target)}"):
            done = run_cli(recorded, "export", "--output", named)
            _one_line_error(done, 2, "no output of aghtrack replaces it")
    assert _snapshot(other.parent) == before
    assert ok(run_cli(other, "doctor")).stdout.endswith("The store is healthy.\n")
    # Nor a file where another store's share belongs (sync would find it in its way).
    lone = tmp_path / "lone" / "record.json"
    lone.parent.mkdir()
    make_store(lone, 1)
    done = run_cli(recorded, "export", "--output", str(lone) + ".share")
    _one_line_error(done, 2, "one of the files of the aghtrack store record.json")
    assert not Path(str(lone) + ".share").exists()


def test_output_near_names_like_a_store_s_but_no_store_is_written(
    recorded: Path, tmp_path: Path
) -> None:
    """A user's own folder called ``minutes.tables`` or ``2016.share``, or ``notes.lock``
    beside a file ``notes`` that is not a store, is not a store's: the paper is written."""
    (tmp_path / "minutes.tables").mkdir()
    (tmp_path / "2016.share" / ".git").mkdir(parents=True)
    (tmp_path / "2016").write_text("a user's file")
    (tmp_path / "notes").write_text("a user's file")
    for target in (tmp_path / "minutes.tables" / "r.json", tmp_path / "2016.share" / "r.json",
                   tmp_path / "notes.lock", tmp_path / "notes.counters"):  # fmt: skip
        ok(run_cli(recorded, "export", "--output", str(target)))
        assert orjson.loads(target.read_bytes())["format"] == "aghtrack"
    inner = tmp_path / "2016.share" / "inner.json"
    ok(run_cli(inner, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))


def test_a_name_another_store_keeps_for_its_own_files_is_never_a_store_or_a_paper(
    recorded: Path, tmp_path: Path
) -> None:
    """Its next backup (``.bak1`` before it exists), a temp or damaged copy's name: a store
    made there would be rotated or removed by that store's next change; a paper written there
    would replace what a restore may need."""
    other = tmp_path / "other" / "s.json"
    other.parent.mkdir()
    make_store(other, 1)  # one version: no .bak1 yet
    names = [f"{other}.bak1", f"{other.parent}/.s.json.0a1b2c.tmp", f"{other}.damaged-20261129"]
    for name in names:
        done = run_cli(
            Path(name), "meeting", "add", "77", "--title", "Mine", "--date", "2016-01-01"
        )
        _one_line_error(done, 2, "a name the store s.json keeps for its own files")
    Path(names[2]).write_text("kept aside by doctor --restore")
    done = run_cli(recorded, "export", "--output", names[2])
    _one_line_error(done, 2, "is one of the files of the aghtrack store s.json")
    assert Path(names[2]).read_text() == "kept aside by doctor --restore"


def test_a_store_written_by_hand_or_by_0_1_is_recognised_and_never_replaced(
    recorded: Path, tmp_path: Path
) -> None:
    """Its "meta" (which names the format) may come last, after megabytes of tables."""
    legacy = tmp_path / "legacy.json"
    body = {"commitments": {str(n): {"text": "x" * 100} for n in range(1, 200)},
            "meta": {"1": {"format": "aghtrack-store", "schema": 1}}}  # fmt: skip
    legacy.write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2))
    kept = legacy.read_bytes()
    _one_line_error(
        run_cli(recorded, "export", "--output", str(legacy)), 2, "holds an aghtrack store"
    )
    assert legacy.read_bytes() == kept


def test_dev_stdout_appends_where_the_shell_appends(recorded: Path, tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    with open(log, "a") as appending:
        subprocess.run([sys.executable, "-m", "aghtrack", "export", "--output", "/dev/stdout"],
                       env=cli_env(recorded), stdout=appending, check=True)  # fmt: skip
    text = log.read_text()
    assert text.startswith("earlier line\n") and '"format": "aghtrack"' in text
    dash = ok(run_cli(recorded, "export", "--output", "-"))
    assert orjson.loads(dash.stdout)["format"] == "aghtrack" and not Path("-").exists()


def test_output_through_proc_onto_another_store_is_refused(recorded: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    make_store(other, 2)
    kept = other.read_bytes()
    done = run_cli(recorded, "export", "--output", f"/proc/self/cwd/{os.path.relpath(other)}")
    _one_line_error(done, 2, "holds an aghtrack store")
    assert other.read_bytes() == kept


def test_output_through_proc_replaces_a_longer_file_whole(recorded: Path, tmp_path: Path) -> None:
    longer = tmp_path / "long.txt"
    longer.write_text("X" * 200_000)
    ok(run_cli(recorded, "export", "--output", f"/proc/self/cwd/{os.path.relpath(longer)}"))
    assert orjson.loads(longer.read_bytes())["format"] == "aghtrack"


def test_a_read_only_report_or_store_is_not_changed(recorded: Path, tmp_path: Path) -> None:
    paper = tmp_path / "circulated.md"
    paper.write_text("as circulated")
    paper.chmod(0o444)
    done = run_cli(recorded, "report", "--meeting", "9", "-f", "md", "--output", str(paper))
    _one_line_error(done, 2, "is read-only")
    assert paper.read_text() == "as circulated"
    recorded.chmod(0o444)
    try:
        before = _snapshot(recorded.parent)
        done = run_cli(recorded, "note", "9.1", "into an archived record")
        _one_line_error(done, 1, "the store file is read-only")
        assert _snapshot(recorded.parent) == before
        assert "into an archived record" not in ok(run_cli(recorded, "show", "9.1")).stdout
    finally:
        recorded.chmod(0o644)


@pytest.mark.parametrize("command", [["list", "--json"], ["export"], ["show", "9.1"]])
def test_a_full_disk_under_stdout_is_one_line(recorded: Path, command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "aghtrack", *command],
                              env=cli_env(recorded), stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120)  # fmt: skip
    _one_line_error(done, 1, "could not write the output", "No space left on device")


def test_a_store_file_gone_missing_beside_its_tables_is_refused_never_buried(
    tmp_path: Path,
) -> None:
    """After a first import there is no backup yet: the tables are the whole record."""
    store = tmp_path / "store.json"
    ok(run_cli(store, "import", str(Path(__file__).parents[1] / "data" / "bali-process-ahg.json")))
    store.unlink()
    before = _snapshot(tmp_path)
    for command in (["list"], ["meeting", "add", "10", "--title", "T", "--date", "2016-03-22"],
                    ["import", str(Path(__file__).parents[1] / "data" / "bali-process-ahg.json")],
                    ["doctor"], ["doctor", "--restore", "--yes"]):  # fmt: skip
        _one_line_error(run_cli(store, *command), 1, "the store file is missing but its tables")
    assert _snapshot(tmp_path) == before


def test_output_onto_a_folder_is_one_line(recorded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for command in (["export"], ["report", "--meeting", "9"]):
        done = run_cli(recorded, *command, "--output", str(folder))
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert len(done.stderr.splitlines()) <= 2 and "reports" in done.stderr.splitlines()[0]
    assert folder.is_dir() and not any(folder.iterdir())


def test_output_to_dev_null_writes_into_the_device_and_leaves_it_a_device(
    recorded: Path,
) -> None:
    ok(run_cli(recorded, "export", "--output", "/dev/null"))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_to_dev_stdout_prints_the_export(recorded: Path) -> None:
    done = ok(run_cli(recorded, "export", "--output", "/dev/stdout"))
    assert orjson.loads(done.stdout)["format"] == "aghtrack"
    assert os.path.islink("/dev/stdout") or not os.path.isfile("/dev/stdout")


def test_output_to_a_named_pipe_is_written_into_and_the_pipe_stays(
    recorded: Path, tmp_path: Path
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    writer = subprocess.Popen(
        [*_module(), "export", "--output", str(pipe)],
        env=cli_env(recorded),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    assert writer.wait(timeout=60) == 0
    reader.join(timeout=60)
    assert orjson.loads(received[0])["format"] == "aghtrack"
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_output_to_a_pipe_nobody_reads_fails_at_once_instead_of_hanging(
    recorded: Path, tmp_path: Path
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    done = run_cli(recorded, "export", "--output", str(pipe))
    _one_line_error(done, 1, "no program is reading")


def test_output_through_a_symlink_to_a_report_replaces_the_report_and_keeps_the_link(
    recorded: Path, tmp_path: Path
) -> None:
    real = tmp_path / "shared" / "review.md"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "review.md"
    link.symlink_to(real)
    ok(run_cli(recorded, "report", "--meeting", "9", "-f", "md", "--output", str(link)))
    assert link.is_symlink() and "Ninth" in real.read_text()


def _module() -> list[str]:
    import sys

    return [sys.executable, "-m", "aghtrack"]


#: Paths a careless --output might name, relative to the store's folder; "pipe" is a FIFO
#: with a reader, "folder" a directory, "link" a symlink to the store.
OUTPUT_TARGETS = [
    "store.json",
    "store.json.bak1",
    "store.json.bak2",
    "store.json.lock",
    "store.json.counters",
    "link",
    "hardlink",
    "folder",
    "pipe",
    "report.txt",
    "../store.json",
    "./store.json",
    "sub/../store.json",
]


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("output") / "store.json"
    _record(path, changes=3)
    (path.parent / "link").symlink_to(path)
    os.link(path, path.parent / "hardlink")
    (path.parent / "folder").mkdir()
    (path.parent / "sub").mkdir()
    return path


@settings(
    max_examples=scaled(25, 8),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(target=st.sampled_from(OUTPUT_TARGETS), fmt=st.sampled_from(["json", "csv", "html"]))
def test_any_output_path_leaves_the_store_and_its_backups_byte_identical(
    shared_store: Path, target: str, fmt: str
) -> None:
    folder = shared_store.parent
    own = {n: b for n, b in _snapshot(folder).items() if n.startswith("store.json")}
    path = folder / target
    reader = None
    if target == "pipe":
        if not path.exists():
            os.mkfifo(path)
        reader = threading.Thread(target=path.read_bytes)
        reader.start()
    command = ["export", "-f", fmt] if fmt != "html" else ["report", "-m", "9", "-f", "html"]
    done = run_cli(shared_store, *command, "--output", str(path))
    if reader is not None:
        if done.returncode != 0:
            os.open(path, os.O_WRONLY | os.O_NONBLOCK)  # release the reader
        reader.join(timeout=60)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 2), done.stderr
    assert {n: b for n, b in _snapshot(folder).items() if n.startswith("store.json")} == own
    assert (folder / "link").is_symlink() and (folder / "folder").is_dir()


# --- 2. a store reached through a symlink --------------------------------------------------


def test_a_store_reached_through_a_symlink_is_changed_where_it_really_is(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "store.json"
    shared.parent.mkdir()
    _record(shared, changes=1)
    link = tmp_path / "link.json"
    link.symlink_to(shared)
    ok(run_cli(link, "add-action", "Through the link", "-m", "9"))
    assert link.is_symlink() and os.readlink(link) == str(shared)
    listed = orjson.loads(ok(run_cli(shared, "list", "--json")).stdout)
    assert [c["text"] for c in listed] == ["Commitment 1", "Through the link"]
    # Backups, lock and counters sit beside the real file; nothing beside the link.
    assert (shared.parent / "store.json.bak1").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "shared"]


def test_a_dangling_symlink_store_is_created_where_it_points(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "store.json"
    target.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(target)
    ok(run_cli(link, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    assert link.is_symlink() and target.is_file()


# --- 5. a restore never reissues a reference, even with the header unreadable -------------


@pytest.mark.parametrize("counters_file", [True, False], ids=["with counters", "without"])
def test_restore_after_the_header_is_destroyed_never_reissues_a_reference(
    tmp_path: Path, counters_file: bool
) -> None:
    path = tmp_path / "store.json"
    _record(path, changes=8)
    ok(run_cli(path, "add-action", "Nine", "-m", "9"))
    ok(run_cli(path, "add-action", "Ten", "-m", "9"))
    raw = path.read_bytes()
    newline = raw.index(b"\n")
    path.write_bytes(b"#" * newline + raw[newline:])  # the header line is gone
    if not counters_file:
        (tmp_path / "store.json.counters").unlink()
    ok(run_cli(path, "doctor", "--restore", "--yes"))
    ok(run_cli(path, "undo"))
    issued = ok(run_cli(path, "add-action", "After the repair", "-m", "9")).stdout.strip()
    assert issued == "9.11"


def test_counters_are_kept_beside_the_store_and_follow_every_write(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _record(path, changes=2)
    kept = orjson.loads((tmp_path / "store.json.counters").read_bytes())
    header = orjson.loads(path.read_bytes().split(b"\n", 1)[0][len(b'{"meta":') : -1])["1"]
    assert kept["last_seq"] == header["last_seq"] == {"9": 2}
    assert kept["generation"] == header["generation"] == 3


# --- 7. settings that once gave tracebacks ---------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "ten", "1e400"])
def test_a_bad_lock_timeout_is_one_line_exit_2(tmp_path: Path, value: str) -> None:
    path = tmp_path / "store.json"
    env = cli_env(path, AGHTRACK_LOCK_TIMEOUT=value)
    done = run_cli(path, "meeting", "add", "9", "--title", "T", "--date", "2015-05-06", env=env)
    _one_line_error(done, 2, "AGHTRACK_LOCK_TIMEOUT")
    assert not path.exists()
    # A read takes no lock, so the setting stops nothing there.
    assert run_cli(path, "list", env=env).returncode == 0


@pytest.mark.parametrize("db", ["", "."])
def test_an_empty_store_path_is_one_line_exit_2(tmp_path: Path, db: str) -> None:
    done = run_cli(tmp_path / "s.json", "--db", db, "add-action", "x", "-m", "9", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) <= 2, done.stderr
    assert sorted(os.listdir(tmp_path)) == []


def test_a_store_path_under_a_regular_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    for command in (["list"], ["add-action", "x", "-m", "9"]):
        done = run_cli(tmp_path / "s.json", "--db", str(tmp_path / "f" / "s.json"), *command)
        _one_line_error(done, 2, "is a file, not a folder")


# --- 8. pipes, devices and oversized input ------------------------------------------------


@pytest.mark.parametrize("command", [["list"], ["add-action", "x", "-m", "9"], ["doctor"]])
def test_a_store_path_at_a_named_pipe_is_refused_at_once(
    tmp_path: Path, command: list[str]
) -> None:
    pipe = tmp_path / "store.json"
    os.mkfifo(pipe)
    done = run_cli(pipe, *command)
    _one_line_error(done, 2, "named pipe")
    # The lock is not held: a second command is refused the same way, not kept waiting.
    _one_line_error(run_cli(pipe, *command), 2, "named pipe")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_importing_a_device_is_refused_without_reading_it(tmp_path: Path, device: str) -> None:
    path = tmp_path / "store.json"
    _record(path, changes=1)
    before = _snapshot(tmp_path)
    done = run_cli(path, "import", device)
    _one_line_error(done, 2, "a device, not a file to import")
    assert _snapshot(tmp_path) == before


def test_importing_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    pipe = tmp_path / "incoming.json"
    os.mkfifo(pipe)
    _one_line_error(run_cli(path, "import", str(pipe)), 2, "named pipe")


def test_a_file_over_the_import_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from aghtrack.transfer import MAX_IMPORT_BYTES

    path = tmp_path / "store.json"
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(MAX_IMPORT_BYTES + 1)  # sparse: costs no disk
    done = run_cli(path, "import", str(big))
    _one_line_error(done, 2, "200 MB")
    assert not path.exists()


# --- 9. usage errors in one line (and at most one hint) ------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--db", "{dir}", "list"],
        ["history", "--limit", "0"],
        ["export", "--format", "xml"],
        ["meeting", "add", "10", "--date", "2016-03-22"],
        ["list", "--no-such-option"],
        ["no-such-command"],
        ["show"],
    ],
    ids=["db-dir", "limit-0", "format-xml", "missing-title", "unknown-option", "unknown", "no-ref"],
)
def test_a_usage_error_is_one_line_and_one_hint(tmp_path: Path, args: list[str]) -> None:
    argv = [a.replace("{dir}", str(tmp_path)) for a in args]
    done = run_cli(tmp_path / "store.json", *argv)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("aghtrack: "), done.stderr
    assert lines[1].startswith("Try 'aghtrack") and lines[1].endswith(" -h' for help.")
    assert done.stdout == ""


def test_no_arguments_still_prints_the_help(tmp_path: Path) -> None:
    done = run_cli(tmp_path / "store.json")
    assert "Commands" in done.stdout + done.stderr and "Traceback" not in done.stderr


# --- 10. a narrow terminal shows every record ----------------------------------------------


@pytest.mark.parametrize("columns", ["1", "10", "24"])
def test_a_narrow_terminal_lists_records_as_blocks_never_as_borders(
    tmp_path: Path, columns: str
) -> None:
    path = tmp_path / "store.json"
    ok(run_cli(path, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    ok(run_cli(path, "add-action", "Hold a roundtable", "-m", "9", "-o", "Philippines"))
    ok(run_cli(path, "add-action", "Share data", "-m", "9", "--due", "2099-H1"))
    for env in (cli_env(path, COLUMNS=columns), cli_env(path, COLUMNS=columns, TTY_COMPATIBLE="1")):
        out = ok(run_cli(path, "list", env=env)).stdout
        assert out.splitlines() == [
            "9.1  open",
            "  Hold a roundtable",
            "  Owners: Philippines",
            "  Due: -",
            "9.2  open",
            "  Share data",
            "  Owners: -",
            "  Due: 2099-H1",
        ]


def test_a_text_of_many_lines_cannot_pass_for_another_block(tmp_path: Path) -> None:
    """In blocks, a text's own lines go deeper than the fields, so no line of it can forge
    the head of another commitment or a field of this one."""
    path = tmp_path / "store.json"
    ok(run_cli(path, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    forged = "Real text\n9.99  done\n  Owners: Australia\n  Due: 2015"
    ok(run_cli(path, "add-action", forged, "-m", "9", "-o", "Members"))
    ok(run_cli(path, "note", "9.1", "Note\n9.98  done", "--on", "2015-06-01"))
    ok(run_cli(path, "meeting", "add", "10", "--title", "Tenth", "--date", "2016-01-01"))
    for command in (["list"], ["review", "10"]):
        out = ok(run_cli(path, *command, env=cli_env(path, COLUMNS="40"))).stdout
        lines = out.splitlines()
        heads = [line for line in lines if line and not line.startswith(" ")]
        assert not any(h.startswith(("9.99", "9.98")) for h in heads), out
        assert [line.strip() for line in lines if "Owners:" in line].count("Owners: Members") == 1
        assert "    9.99  done" in lines and "      Owners: Australia" in lines


def test_a_wide_enough_terminal_still_gets_the_table(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    ok(run_cli(path, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    ok(run_cli(path, "add-action", "Hold a roundtable", "-m", "9"))
    out = ok(run_cli(path, "list", env=cli_env(path, COLUMNS="60"))).stdout
    assert out.startswith("┏") and "Hold a roundtable" in out


def test_a_store_inside_the_tables_folder_of_a_store_gone_missing_is_refused(
    recorded: Path,
) -> None:
    recorded.rename(recorded.with_name("moved-away.json"))
    inner = recorded.with_name(recorded.name + ".tables") / "new.json"
    done = run_cli(inner, "meeting", "add", "1", "--title", "T", "--date", "2016-01-01")
    _one_line_error(done, 2, "a store's tables folder")
    assert not inner.exists()


def test_a_store_inside_another_store_s_folders_is_refused(recorded: Path) -> None:
    share = recorded.with_name(recorded.name + ".share")
    share.mkdir()
    before = _snapshot(recorded.parent)
    for inner in (recorded.with_name(recorded.name + ".tables") / "inner.json",
                  share / "inner.json"):  # fmt: skip
        done = run_cli(inner, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06")
        _one_line_error(done, 2, "which aghtrack keeps for a store's own files")
    assert _snapshot(recorded.parent) == before


def test_a_json_file_saved_with_a_byte_order_mark_imports(tmp_path: Path) -> None:
    seed = Path(__file__).parents[1] / "data" / "bali-process-ahg.json"
    marked = tmp_path / "notepad.json"
    marked.write_bytes(b"\xef\xbb\xbf" + seed.read_bytes())
    store = tmp_path / "store.json"
    ok(run_cli(store, "import", str(marked)))
    assert "9.3" in ok(run_cli(store, "show", "9.3")).stdout


def test_a_paper_never_replaces_an_export_the_backup_of_the_record(
    recorded: Path, tmp_path: Path
) -> None:
    """The README's backup is ``export --output record.json``; a report written over it by
    mistake lost it. A new export replaces it as asked."""
    backup = tmp_path / "backup.json"
    ok(run_cli(recorded, "export", "--output", str(backup)))
    kept = backup.read_bytes()
    for args in (["report", "--meeting", "9", "-f", "json"], ["list", "--json"]):
        done = run_cli(recorded, *args, "--output", str(backup))
        _one_line_error(done, 2, "holds an aghtrack export")
        assert backup.read_bytes() == kept
    ok(run_cli(recorded, "export", "--output", str(backup)))


def test_an_export_re_saved_with_sorted_keys_is_still_an_export(
    recorded: Path, tmp_path: Path
) -> None:
    """``jq -S`` or Python's sort_keys moves "format" to the end of the object."""
    backup = tmp_path / "sorted.json"
    ok(run_cli(recorded, "export", "--output", str(backup)))
    backup.write_bytes(orjson.dumps(orjson.loads(backup.read_bytes()), option=orjson.OPT_SORT_KEYS))
    kept = backup.read_bytes()
    done = run_cli(recorded, "report", "--meeting", "9", "-f", "json", "--output", str(backup))
    _one_line_error(done, 2, "holds an aghtrack export")
    assert backup.read_bytes() == kept
