"""Sharing the record through git: real git, real processes, a bare remote in a tmp dir,
and a HOME with no ~/.gitconfig (so no git identity: aghtrack must name the author itself)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from aghtrack.merge import read_lines, write_lines

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
    reason="git is not installed",
)

SEED = Path(__file__).parents[1] / "data" / "bali-process-ahg.json"


@dataclass
class Office:
    name: str
    env: dict[str, str]

    @property
    def store(self) -> Path:
        return Path(self.env["AGHTRACK_DB"])

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "aghtrack", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def export(self) -> str:
        return self.run("export").stdout


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "home"
    home.mkdir()
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "AGHTRACK_", "EMAIL"))}
    env |= {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1", "COLUMNS": "200"}
    assert not (home / ".gitconfig").exists()
    return remote, env


def office(world: tuple[Path, dict[str, str]], tmp_path: Path, name: str) -> Office:
    _, env = world
    return Office(
        name, {**env, "AGHTRACK_DB": str(tmp_path / name / "store.json"), "AGHTRACK_USER": name}
    )


@pytest.fixture
def two(world: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Office, Office, Path]:
    """The README's story: the secretariat starts sharing, Indonesia joins."""
    remote = world[0]
    rso, ind = office(world, tmp_path, "rso"), office(world, tmp_path, "indonesia")
    rso.run("import", str(SEED))
    started = rso.run("sync", "--remote", str(remote))
    assert started.stdout.startswith("started sharing the record; sent ")
    joined = ind.run("sync", "--remote", str(remote))
    assert joined.stdout.startswith("joined the shared record; sent 0 changes, received ")
    assert ind.export() == rso.export()
    return rso, ind, remote


def test_two_offices_exchange_notes_and_end_identical(two: tuple[Office, Office, Path]) -> None:
    rso, ind, _ = two
    ind.run("note", "9.3", "Indonesia hosted a workshop")
    rso.run("note", "9.3", "RSO drafted the paper")
    assert ind.run("sync").stdout == "sent 1 change, received 0\n"
    assert rso.run("sync").stdout == "sent 1 change, received 1: 1 from indonesia\n"
    assert ind.run("sync").stdout == "sent 0 changes, received 1: 1 from rso\n"
    assert ind.export() == rso.export()
    shown = rso.run("show", "9.3").stdout
    assert "Indonesia hosted a workshop" in shown and "RSO drafted the paper" in shown


def test_changes_from_an_office_whose_clock_is_ahead_are_named(
    two: tuple[Office, Office, Path],
) -> None:
    """Indonesia's clock says 2027: its note, dated its today, is after the secretariat's
    today, so no paper there shows it until then; the sync says so, naming it."""
    rso, ind, _ = two
    ind.env["AGHTRACK_TODAY"] = "2027-01-05"
    ind.run("note", "9.3", "Workshop held", "--on", "2027-01-05")
    ind.run("note", "9.2", "Drafted")
    ind.run("sync")
    rso.env["AGHTRACK_TODAY"] = "2026-11-29"
    got = rso.run("sync").stdout
    assert got.startswith("sent 0 changes, received 2: 2 from indonesia; 2 received changes ")
    assert "dated after today (2026-11-29)" in got
    assert "9.2 (2027-01-05, by indonesia), 9.3 (2027-01-05, by indonesia)" in got
    assert "Check the clock" in got
    # Once received, they are not named again.
    assert rso.run("sync").stdout == "sent 0 changes, received 0\n"


def test_status_says_what_waits_and_whether_others_sent_news(
    two: tuple[Office, Office, Path],
) -> None:
    rso, ind, remote = two
    rso.run("note", "9.3", "one")
    rso.run("done", "9.5")
    assert rso.run("sync", "--status").stdout == (
        f"2 changes waiting to be sent to {remote}; the shared record has nothing new\n"
    )
    figures = json.loads(rso.run("sync", "--status", "--json").stdout)
    assert figures == {
        "remote": str(remote), "waiting": 2, "to_receive": 0, "problem": None, "cut_short": 0
    }  # fmt: skip
    rso.run("sync")
    assert "the shared record has news (1 sync to receive)" in ind.run("sync", "--status").stdout


def test_each_office_added_its_own_9_9_and_the_later_one_is_renumbered(
    two: tuple[Office, Office, Path],
) -> None:
    rso, ind, _ = two
    ind.run("add-action", "-m", "9", "Indonesia's new commitment")
    rso.run("add-action", "-m", "9", "RSO's new commitment")
    ind.run("sync")
    assert "renumbered: 9.9 is now 9.10" in rso.run("sync").stdout
    ind.run("sync")
    assert ind.export() == rso.export()
    assert "RSO's new commitment" in rso.run("show", "9.10").stdout
    # The reference RSO was shown never silently means Indonesia's commitment there.
    old = rso.run("show", "9.9", ok=False)
    assert old.returncode == 1 and old.stdout == ""
    assert old.stderr.startswith(
        "aghtrack: 9.9 is now 9.10: renumbered when merged with another office's 9.9; use 9.10"
    )
    assert len(old.stderr.splitlines()) == 1
    assert "Indonesia's new commitment" in ind.run("show", "9.9").stdout
    # Never reissued: the next number in both offices is 9.11.
    assert "9.11" in ind.run("add-action", "-m", "9", "next").stderr


def test_concurrent_edits_of_one_field_the_later_stands_and_the_other_is_marked(
    two: tuple[Office, Office, Path],
) -> None:
    rso, ind, _ = two
    ind.run("update", "9.3", "--text", "Indonesia's wording")
    rso.run("update", "9.3", "--text", "RSO's wording")  # recorded later: it stands
    ind.run("sync")
    rso.run("sync")
    ind.run("sync")
    assert ind.export() == rso.export()
    for side in (rso, ind):
        shown = side.run("show", "9.3").stdout
        assert "Text          RSO's wording" in shown
        assert "Indonesia's wording (recorded" in shown
        assert "[concurrent edit, overridden by rso's]" in shown
        history = side.run("history", "9.3").stdout
        assert "concurrent edit, overridden by rso's edit of text" in history
    # An edit made after seeing the other is not concurrent.
    ind.run("update", "9.3", "--text", "Agreed wording")
    ind.run("sync")
    rso.run("sync")
    assert rso.run("show", "9.3").stdout.count("[concurrent edit") == 1


def test_undo_stops_at_a_sync(two: tuple[Office, Office, Path]) -> None:
    rso, _, _ = two
    rso.run("note", "9.3", "shared")
    rso.run("sync")
    rso.run("note", "9.3", "not yet shared")
    assert "Undid" in rso.run("undo").stdout
    refused = rso.run("undo", ok=False)
    assert refused.returncode == 1
    assert "already taken into the shared record by 'aghtrack sync'" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    assert "shared" in rso.run("show", "9.3").stdout


def test_a_plain_git_pull_merges_with_the_record_s_driver(
    two: tuple[Office, Office, Path],
) -> None:
    rso, ind, _ = two
    rso.run("note", "9.3", "from rso")
    rso.run("sync")
    ind.run("note", "9.3", "from indonesia")
    ind.run("sync", "--status")  # nothing written to the share
    ind.run("sync")  # (merges; then the expert works by hand below)
    rso.run("note", "9.3", "rso again")
    rso.run("sync")
    share = Path(str(ind.store) + ".share")
    # The expert commits a change to the same file by hand, then pulls with plain git.
    env = {**ind.env, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@y", "GIT_COMMITTER_NAME": "x"}
    env["GIT_COMMITTER_EMAIL"] = "x@y"
    ind.run("note", "9.4", "by hand")
    ind.run("sync", "--status")
    blocks = share / "commitments" / "9" / "0.jsonl"
    docs = read_lines(blocks.read_bytes())
    by_hand = {"id": str(uuid.uuid4()), "op": "note", "at": "2026-01-01T00:00:00.000000Z",
               "by": "indonesia", "on": "2025-12-31", "text": "typed by hand", "author": "x"}  # fmt: skip
    for doc in docs:
        if doc["seq"] == 3:
            doc["events"].append(by_hand)
    blocks.write_bytes(write_lines(docs))
    subprocess.run(["git", "commit", "-qam", "by hand"], cwd=share, env=env, check=True)
    subprocess.run(["git", "pull", "-q", "--no-rebase", "origin", "main"], cwd=share, env=env,
                   check=True)  # fmt: skip
    merged = (share / "commitments" / "9" / "0.jsonl").read_text()
    assert "<<<<<<<" not in merged and "rso again" in merged and "typed by hand" in merged
    ind.run("sync")
    shown = ind.run("show", "9.3").stdout
    assert "rso again" in shown and "typed by hand" in shown
    rso.run("sync")
    assert rso.export() == ind.export()


@pytest.mark.parametrize("problem", ["no network", "not a record", "no git"])
def test_a_failed_sync_is_one_line_and_leaves_the_record_and_its_changes(
    two: tuple[Office, Office, Path], tmp_path: Path, problem: str
) -> None:
    rso, _, remote = two
    rso.run("note", "9.3", "waiting to go")
    before = rso.store.read_bytes()
    env = rso.env
    command = ["sync"]
    if problem == "no network":
        remote.rename(tmp_path / "away.git")
    elif problem == "not a record":
        other = tmp_path / "other.git"
        subprocess.run(["git", "init", "-q", "--bare", str(other)], check=True)
        work = tmp_path / "work"
        subprocess.run(["git", "init", "-q", str(work)], check=True)
        (work / "README").write_text("hello")
        git = ["git", "-C", str(work), "-c", "user.name=a", "-c", "user.email=a@b"]
        subprocess.run([*git, "add", "README"], check=True)
        subprocess.run([*git, "commit", "-qm", "x"], check=True)
        subprocess.run([*git, "push", "-q", str(other), "HEAD:refs/heads/main"], check=True)
        command = ["sync", "--remote", str(other)]
    elif problem == "no git":
        env = {**env, "PATH": str(tmp_path / "empty")}
    failed = subprocess.run(
        [sys.executable, "-m", "aghtrack", *command], env=env, capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert len(failed.stderr.splitlines()) == 1, failed.stderr
    expected = {"no network": "cannot reach", "not a record": "is not a shared aghtrack record",
                "no git": "git is not installed"}[problem]  # fmt: skip
    assert expected in failed.stderr
    assert "waiting to go" in rso.run("show", "9.3").stdout
    if problem == "no git":
        assert rso.store.read_bytes() == before
    elif problem == "not a record":
        # The refused place is not remembered: the record stays shared where it was.
        share = Path(str(rso.store) + ".share")
        url = subprocess.run(["git", "-C", str(share), "remote", "get-url", "origin"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        assert url == str(remote)
        assert rso.run("sync").stdout.startswith("sent 1 change")
    else:
        # Put things right: the next sync finishes the job.
        if problem == "no network":
            (tmp_path / "away.git").rename(remote)
        assert rso.run("sync", "--remote", str(remote)).stdout.startswith("sent 1 change")


def test_a_sync_killed_mid_merge_is_finished_by_the_next(
    two: tuple[Office, Office, Path],
) -> None:
    rso, ind, _ = two
    ind.run("note", "9.3", "from indonesia")
    ind.run("sync")
    rso.run("note", "9.3", "from rso")
    share = Path(str(rso.store) + ".share")
    # What a kill leaves: a half-done merge and git's own lock file.
    env = {**rso.env, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@y"}
    env |= {"GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@y"}
    subprocess.run(["git", "fetch", "-q", "origin"], cwd=share, env=env, check=True)
    subprocess.run(["git", "merge", "--no-commit", "-q", "origin/main"], cwd=share, env=env,
                   check=False)  # fmt: skip
    (share / ".git" / "index.lock").write_text("")
    assert "from rso" in rso.run("show", "9.3").stdout  # the record is untouched
    assert rso.run("sync").stdout == "sent 1 change, received 1: 1 from indonesia\n"
    ind.run("sync")
    assert ind.export() == rso.export()


def _by_hand(remote: Path, tmp_path: Path, git: Callable[[Path, dict[str, str]], None]) -> None:
    """Someone with access to the shared repository clones it, works on it with plain git
    (``git(work, env)``), and pushes."""
    work = tmp_path / f"hand-{uuid.uuid4().hex[:6]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@y", "GIT_COMMITTER_NAME": "x"}
    env |= {"GIT_COMMITTER_EMAIL": "x@y", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "clone", "-q", "-b", "main", str(remote), str(work)], env=env, check=True
    )
    git(work, env)
    subprocess.run(["git", "push", "-q", "origin", "HEAD:main"], cwd=work, env=env, check=True)


def _edit_hub(remote: Path, tmp_path: Path, change: Callable[[list[bytes]], list[bytes]]) -> None:
    """commitments/9/0.jsonl edited by hand on the shared repository."""

    def edit(work: Path, env: dict[str, str]) -> None:
        block = work / "commitments" / "9" / "0.jsonl"
        block.write_bytes(b"".join(change(block.read_bytes().splitlines(keepends=True))))
        subprocess.run(["git", "commit", "-qam", "by hand"], cwd=work, env=env, check=True)

    _by_hand(remote, tmp_path, edit)


def _revert_hub(remote: Path, tmp_path: Path) -> None:
    _by_hand(remote, tmp_path, lambda work, env: subprocess.run(
        ["git", "revert", "--no-edit", "HEAD"], cwd=work, env=env, check=True, capture_output=True
    ))  # fmt: skip


BAD_LINES = {
    "an unknown event": b'{"events":[{"at":"2026-01-01T00:00:00Z","id":"e1","op":"bogus"}],'
    b'"id":"zzz","meeting":"9","seq":51}\n',
    "an impossible date": b'{"events":[{"at":"2026-01-01T00:00:00Z","id":"'
    + str(uuid.uuid4()).encode()
    + b'","on":"2015-13-45","op":"note","text":"x"}],"id":"'
    + str(uuid.uuid4()).encode()
    + b'","meeting":"9","seq":52}\n',
    "a cut line": b'{"events":[{"at":"2026-01-01T0\n',
    "a number as text": b'{"events":[],"id":"' + str(uuid.uuid4()).encode()
    + b'","meeting":"9","seq":"abc"}\n',
    "events as an object": b'{"events":{"a":1},"id":"' + str(uuid.uuid4()).encode()
    + b'","meeting":"9","seq":50}\n',
    "another meeting's": b'{"id":"' + str(uuid.uuid4()).encode()
    + b'","meeting":"10","seq":53,"text":"x"}\n',
}  # fmt: skip


def test_a_line_damaged_on_the_shared_repository_is_refused_and_reaches_no_store(
    two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    """Each kind of damage in turn, on the same two offices (a pair costs a second to make)."""
    rso, ind, remote = two
    for n, bad in enumerate(sorted(BAD_LINES)):
        ind.run("note", "9.3", f"waiting to go {n}")
        _edit_hub(remote, tmp_path, lambda lines, bad=bad: [*lines, BAD_LINES[bad]])
        record_before = ind.export()
        failed = ind.run("sync", ok=False)
        assert failed.returncode == 1 and failed.stdout == "", bad
        assert len(failed.stderr.splitlines()) == 1, (bad, failed.stderr)
        assert failed.stderr.startswith(
            "aghtrack: the shared file commitments/9/0.jsonl is damaged"
        ), bad
        assert "nothing was received and this office's record is unchanged" in failed.stderr
        assert ind.export() == record_before, bad
        assert ind.run("doctor").returncode == 0
        # The next sync says the same (the line never entered this office's share either)...
        assert ind.run("sync", ok=False).stderr == failed.stderr, bad
        # ...until the shared repository is put right; then everything flows again.
        _revert_hub(remote, tmp_path)
        assert ind.run("sync").stdout == "sent 1 change, received 0\n", bad
    rso.run("sync")
    assert rso.export() == ind.export()
    shown = rso.run("show", "9.3").stdout
    assert all(f"waiting to go {n}" in shown for n in range(len(BAD_LINES)))


def test_an_event_changed_by_hand_on_the_shared_repository_is_refused(
    two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    rso, ind, remote = two
    ind.run("note", "9.2", "Indonesia's own words")
    ind.run("sync")
    rso.run("sync")
    _edit_hub(
        remote,
        tmp_path,
        lambda lines: [x.replace(b"Indonesia's own words", b"TAMPERED") for x in lines],
    )
    for side in (ind, rso):
        before = side.export()
        failed = side.run("sync", ok=False)
        assert failed.returncode == 1 and len(failed.stderr.splitlines()) == 1
        assert "of 9.2 differs from the one this office recorded" in failed.stderr
        assert side.export() == before
        assert "Indonesia's own words" in side.run("show", "9.2").stdout


def test_a_line_deleted_by_hand_on_the_shared_repository_is_written_back(
    world: tuple[Path, dict[str, str]], two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    _, ind, remote = two
    _edit_hub(remote, tmp_path, lambda lines: [x for x in lines if b'"seq":3}' not in x])
    ind.run("sync")  # takes the deletion into its share, keeps 9.3 in its store
    assert "9.3" in ind.run("list", "--meeting", "9", "--all").stdout
    ind.run("sync")  # and writes it back
    late = office(world, tmp_path, "late")
    late.run("sync", "--remote", str(remote))
    assert late.export() == ind.export()
    assert "9.3" in late.run("show", "9.3").stdout


def _drop_last_event_of_9_2(lines: list[bytes]) -> list[bytes]:
    out = []
    for raw in lines:
        doc = orjson.loads(raw)
        if doc["seq"] == 2:
            doc["events"] = doc["events"][:-1]
        out.append(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS) + b"\n")
    return out


def test_an_event_or_a_meeting_removed_by_hand_on_the_shared_repository_is_written_back(
    world: tuple[Path, dict[str, str]], two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    rso, ind, remote = two
    record = ind.export()
    _edit_hub(remote, tmp_path, _drop_last_event_of_9_2)

    def drop_a_meeting(work: Path, env: dict[str, str]) -> None:
        meetings = work / "meetings.jsonl"
        lines = meetings.read_bytes().splitlines(keepends=True)
        meetings.write_bytes(b"".join(lines[1:]))
        subprocess.run(["git", "commit", "-qam", "by hand"], cwd=work, env=env, check=True)

    _by_hand(remote, tmp_path, drop_a_meeting)
    for side in (ind, rso, ind, rso):
        side.run("sync")
        assert side.export() == record  # nothing lost here, at any step
    late = office(world, tmp_path, "late")
    late.run("sync", "--remote", str(remote))
    assert late.export() == record  # and written back for everyone


def test_an_event_changed_by_hand_is_refused_wherever_the_commitment_is_moved(
    two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    rso, ind, remote = two

    def move_and_tamper(lines: list[bytes]) -> list[bytes]:
        docs = [orjson.loads(raw) for raw in lines]
        for doc in docs:
            if doc["seq"] == 3:
                doc["seq"] = 600  # into block 1, another file
                doc["events"][0]["set"]["text"] = "TAMPERED"
        keep = [d for d in docs if d["seq"] < 500]
        (Path(str(tmp_path)) / "moved.jsonl").write_bytes(
            b"".join(
                orjson.dumps(d, option=orjson.OPT_SORT_KEYS) + b"\n"
                for d in docs
                if d["seq"] >= 500
            )
        )
        return [orjson.dumps(d, option=orjson.OPT_SORT_KEYS) + b"\n" for d in keep]

    def tamper(work: Path, env: dict[str, str]) -> None:
        block = work / "commitments" / "9" / "0.jsonl"
        block.write_bytes(b"".join(move_and_tamper(block.read_bytes().splitlines(keepends=True))))
        (work / "commitments" / "9" / "1.jsonl").write_bytes(
            (tmp_path / "moved.jsonl").read_bytes()
        )
        subprocess.run(["git", "add", "-A"], cwd=work, env=env, check=True)
        subprocess.run(["git", "commit", "-qm", "by hand"], cwd=work, env=env, check=True)

    _by_hand(remote, tmp_path, tamper)
    for side in (ind, rso):
        before = side.export()
        failed = side.run("sync", ok=False)
        assert failed.returncode == 1 and len(failed.stderr.splitlines()) == 1, failed.stderr
        assert "differs from the one this office recorded" in failed.stderr
        assert side.export() == before and "TAMPERED" not in before


def _tamper_9_1(lines: list[bytes]) -> list[bytes]:
    out = []
    for raw in lines:
        doc = orjson.loads(raw)
        if doc["seq"] == 1:
            doc["events"][0]["set"]["text"] = "TAMPERED"
        out.append(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS) + b"\n")
    return out


def test_a_tampered_line_taken_by_a_plain_git_pull_still_stops_at_the_store(
    two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    rso, ind, remote = two
    record = ind.export()
    _edit_hub(remote, tmp_path, _tamper_9_1)
    share = Path(str(ind.store) + ".share")
    env = {**ind.env, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@y", "GIT_COMMITTER_NAME": "x"}
    env["GIT_COMMITTER_EMAIL"] = "x@y"
    subprocess.run(["git", "pull", "-q", "--no-rebase"], cwd=share, env=env, check=True)
    failed = ind.run("sync", ok=False)
    assert failed.returncode == 1 and "differs from the one this office recorded" in failed.stderr
    assert ind.export() == record
    _revert_hub(remote, tmp_path)
    ind.run("sync")
    rso.run("sync")
    assert ind.export() == record == rso.export()


def test_a_backup_restored_after_a_sync_is_brought_up_to_date(
    two: tuple[Office, Office, Path],
) -> None:
    rso, ind, _ = two
    # A meeting and a commitment of its own: a table the restored store does not have.
    rso.run("meeting", "add", "10", "--title", "Tenth", "--date", "2016-03-22")
    rso.run("add-action", "-m", "10", "Added after the backup")
    rso.run("sync")
    ind.run("sync")
    record = rso.export()
    ind.store.write_text("garbage")
    ind.run("doctor", "--restore", "--yes")
    assert "Added after the backup" not in ind.export()
    ind.run("sync")
    assert ind.export() == record


def test_a_record_is_not_moved_onto_another_shared_record(
    world: tuple[Path, dict[str, str]], two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    rso, _, remote = two
    other_remote = tmp_path / "other-record.git"
    subprocess.run(["git", "init", "-q", "--bare", str(other_remote)], check=True)
    stranger = office(world, tmp_path, "stranger")
    stranger.run("import", str(SEED))
    stranger.run("add-action", "-m", "9", "Only the stranger's")
    stranger.run("sync", "--remote", str(other_remote))
    tip = ["git", "-C", str(other_remote), "rev-parse", "main"]
    before = subprocess.run(tip, capture_output=True, text=True, check=True).stdout
    record = rso.export()
    refused = rso.run("sync", "--remote", str(other_remote), ok=False)
    assert refused.returncode == 1 and len(refused.stderr.splitlines()) == 1
    assert "holds another shared record" in refused.stderr
    assert subprocess.run(tip, capture_output=True, text=True, check=True).stdout == before
    assert rso.export() == record and "Only the stranger's" not in record
    assert rso.run("sync").stdout == "sent 0 changes, received 0\n"  # still where it was
    # Moving to a copy of the same record (the file server changed) is what --remote is for.
    moved = tmp_path / "moved.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(remote), str(moved)], check=True)
    rso.run("note", "9.3", "after the move")
    assert rso.run("sync", "--remote", str(moved)).stdout == "sent 1 change, received 0\n"


@pytest.fixture
def unshared(world: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Office, Path]:
    """An office with the record, not shared yet, and the empty shared repository."""
    rso = office(world, tmp_path, "rso")
    rso.run("import", str(SEED))
    return rso, world[0]


def test_where_the_shared_record_is_given_carelessly(
    unshared: tuple[Office, Path], tmp_path: Path
) -> None:
    rso, remote = unshared
    share = Path(str(rso.store) + ".share")

    def sync(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "aghtrack", "sync", *args], env=rso.env,
                              cwd=tmp_path, capture_output=True, text=True)  # fmt: skip

    for bad in ("", "   ", "-upload-pack=touch x"):
        done = sync(f"--remote={bad}")
        assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    # A first sync that fails leaves nothing behind: the next plain sync says so.
    done = sync("--remote", str(tmp_path / "nowhere.git"))
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert "does not appear to be a git repository" in done.stderr
    assert not share.exists()
    assert "not shared yet" in sync().stderr
    # A folder given relative to where the officer stands works from anywhere afterwards.
    assert sync("--remote", remote.name).returncode == 0
    url = subprocess.run(["git", "-C", str(share), "remote", "get-url", "origin"],
                         capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert url == str(remote)
    assert rso.run("sync").stdout == "sent 0 changes, received 0\n"


def test_a_file_where_the_share_belongs_is_one_line(unshared: tuple[Office, Path]) -> None:
    rso, remote = unshared
    Path(str(rso.store) + ".share").write_text("a file in the way")
    for args in (("sync", "--remote", str(remote)), ("sync", "--status")):
        done = rso.run(*args, ok=False)
        assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
        assert "is in the way" in done.stderr


def test_a_sync_killed_during_its_push_still_stops_undo(
    two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    """Ctrl-C or a closed laptop on a slow network: the change may already be on its way."""
    rso, ind, remote = two
    started = tmp_path / "push-started"
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\ntouch '{started}'\nsleep 60\n")
    hook.chmod(0o755)
    rso.run("note", "9.3", "on its way")
    slow = subprocess.Popen([sys.executable, "-m", "aghtrack", "sync"], env=rso.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    try:
        for _ in range(600):
            if started.exists():
                break
            time.sleep(0.05)
        assert started.exists()
    finally:
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait()
    refused = rso.run("undo", ok=False)
    assert refused.returncode == 1
    assert "already taken into the shared record" in refused.stderr
    hook.unlink()
    # Nothing is waiting in the store, but the share holds what the push never delivered.
    waiting = rso.run("sync", "--status").stdout
    assert "cut short are not on the shared record yet: run 'aghtrack sync'" in waiting
    assert rso.run("sync").stdout.startswith("sent 1 change, ")
    assert "cut short" not in rso.run("sync", "--status").stdout
    ind.run("sync")
    assert "on its way" in ind.run("show", "9.3").stdout
    assert rso.export() == ind.export()


def test_a_shared_record_in_a_newer_form_is_refused(
    two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    rso, _, remote = two

    def newer(work: Path, env: dict[str, str]) -> None:
        marker = '{"format": "aghtrack-record", "version": 99}\n'
        (work / "aghtrack-record.json").write_text(marker)
        subprocess.run(["git", "commit", "-qam", "newer"], cwd=work, env=env, check=True)

    _by_hand(remote, tmp_path, newer)
    record = rso.export()
    refused = rso.run("sync", ok=False)
    assert refused.returncode == 1 and len(refused.stderr.splitlines()) == 1
    assert "in a newer form (version 99); upgrade aghtrack" in refused.stderr
    assert rso.export() == record

    def not_quite_one(work: Path, env: dict[str, str]) -> None:
        marker = '{"format": "aghtrack-record", "version": true}\n'
        (work / "aghtrack-record.json").write_text(marker)
        subprocess.run(["git", "commit", "-qam", "true"], cwd=work, env=env, check=True)

    _by_hand(remote, tmp_path, not_quite_one)  # true == 1 in Python, not in the record
    assert "aghtrack-record.json is damaged" in rso.run("sync", ok=False).stderr


def test_a_plain_git_pull_in_the_share_knows_where_from(two: tuple[Office, Office, Path]) -> None:
    rso, ind, _ = two
    rso.run("note", "9.3", "pulled by hand")
    rso.run("sync")
    share = Path(str(ind.store) + ".share")
    env = {**ind.env, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@y", "GIT_COMMITTER_NAME": "x"}
    env["GIT_COMMITTER_EMAIL"] = "x@y"
    subprocess.run(["git", "pull", "-q", "--no-rebase"], cwd=share, env=env, check=True)
    assert "pulled by hand" in (share / "commitments" / "9" / "0.jsonl").read_text()
    ind.run("sync")
    assert "pulled by hand" in ind.run("show", "9.3").stdout


def test_a_first_sync_the_store_refuses_leaves_no_share(unshared: tuple[Office, Path]) -> None:
    rso, remote = unshared
    rso.store.chmod(0o444)
    try:
        done = rso.run("sync", "--remote", str(remote), ok=False)
        assert done.returncode == 1 and "read-only" in done.stderr
        assert not Path(str(rso.store) + ".share").exists()
    finally:
        rso.store.chmod(0o644)


def test_an_empty_record_does_not_start_an_empty_shared_one(
    world: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    remote, _ = world
    nobody = office(world, tmp_path, "nobody")
    done = nobody.run("sync", "--remote", str(remote), ok=False)
    assert done.returncode == 1 and "the shared repository is empty and so is this record" in (
        done.stderr
    )
    assert not Path(str(nobody.store) + ".share").exists()
    heads = subprocess.run(["git", "-C", str(remote), "branch"], capture_output=True, text=True)
    assert heads.stdout == ""  # nothing was pushed


def test_the_record_merges_even_if_the_shared_gitattributes_is_emptied(
    two: tuple[Office, Office, Path], tmp_path: Path
) -> None:
    rso, ind, remote = two

    def empty_attributes(work: Path, env: dict[str, str]) -> None:
        (work / ".gitattributes").write_text("")
        subprocess.run(["git", "commit", "-qam", "by hand"], cwd=work, env=env, check=True)

    _by_hand(remote, tmp_path, empty_attributes)
    rso.run("sync")
    ind.run("sync")
    ind.run("note", "9.3", "from indonesia")
    rso.run("note", "9.3", "from rso")  # the same line of the same file, in both offices
    ind.run("sync")
    rso.run("sync")
    ind.run("sync")
    assert rso.export() == ind.export()
    shown = rso.run("show", "9.3").stdout
    assert "from indonesia" in shown and "from rso" in shown
