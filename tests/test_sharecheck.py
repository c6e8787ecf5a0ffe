"""What arrives from the shared repository is checked before it is merged (pure)."""

from __future__ import annotations

import uuid

import pytest

from aghtrack.errors import SyncFailed
from aghtrack.gitshare import last_words
from aghtrack.merge import write_lines
from aghtrack.sharecheck import checked, record_file

C = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"  # fixed: the test ids name it (and xdist compares them)
CREATE = {"id": "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "op": "create", "at": "2026-01-01T00:00:00.000001Z",
          "by": "rso", "set": {"text": "Hold a roundtable"}}  # fmt: skip
NOTE = {"id": "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e", "op": "note", "at": "2026-01-02T00:00:00.000001Z",
        "by": "rso", "on": "2016-01-01", "text": "Held in Bangkok", "author": "rso"}  # fmt: skip
PATH = "commitments/9/0.jsonl"


def _doc(*events: dict[str, object], seq: int = 3) -> dict[str, object]:
    return {"id": C, "meeting": "9", "seq": seq, "events": list(events)}


def test_the_record_s_own_lines_pass_and_come_back_as_documents() -> None:
    data = write_lines([_doc(CREATE, NOTE)])
    assert checked(PATH, data) == [_doc(CREATE, NOTE)]
    assert checked("meetings.jsonl", b'{"key":"9","title":"Ninth","date":"2015-05-06"}\n')
    assert checked("counters.jsonl", b'{"last_seq":8,"meeting":"9"}\n')


@pytest.mark.parametrize(
    ("path", "line", "why"),
    [
        (PATH, b'{"id":"zzz","meeting":"9","seq":1,"events":[]}', "UUID"),
        (PATH, b'{"id":"' + C.upper().encode() + b'","meeting":"9","seq":1,"text":"x"}',
         "is not a canonical UUID"),
        (PATH, b"[1, 2]", "not a JSON object"),
        (PATH, b'{"id": "' + C.encode() + b'", "meeting": "10", "seq": 1, "text": "x"}',
         "is not one of meeting 9's"),
        ("meetings.jsonl", b'{"key":"9","title":"Ninth","date":"2016-02-31"}', "2016-02-31"),
        ("counters.jsonl", b'{"last_seq":-1,"meeting":"9"}', "is not a whole number"),
        ("counters.jsonl", b'{"last_seq":true,"meeting":"9"}', "is not a whole number"),
        ("counters.jsonl", b'{"last_seq":1,"meeting":"9","x":1}', "nothing else"),
    ],
)  # fmt: skip
def test_a_line_a_command_could_not_load_is_refused_naming_file_and_line(
    path: str, line: bytes, why: str
) -> None:
    good = {PATH: write_lines([_doc(CREATE)]), "meetings.jsonl": b"",
            "counters.jsonl": b'{"last_seq":8,"meeting":"8"}\n'}[path]  # fmt: skip
    with pytest.raises(SyncFailed) as refused:
        checked(path, good + b"\n" + line + b"\n")
    said = str(refused.value)
    assert f"the shared file {path} is damaged at line " in said and why in said
    assert "\n" not in said


def test_an_event_this_office_holds_must_arrive_unchanged() -> None:
    mine = write_lines([_doc(CREATE, NOTE)])
    changed = {**NOTE, "text": "Never held"}
    with pytest.raises(SyncFailed, match=f"event {NOTE['id']} of 9.3 differs"):
        checked(PATH, write_lines([_doc(CREATE, changed)]), known=mine)
    # The same event written in another form (an older aghtrack named the empty fields of a
    # create event) is the same event; a new event, or a renumbered copy, is news.
    spelled_out = {**CREATE, "set": {"text": "Hold a roundtable", "owners": [], "due": None}}
    extra = {**NOTE, "id": str(uuid.uuid4()), "text": "More"}
    assert checked(PATH, write_lines([_doc(spelled_out, NOTE, extra, seq=10)]), known=mine)


def test_only_the_record_s_files_are_read() -> None:
    assert record_file("meetings.jsonl") and record_file("commitments/9/0.jsonl")
    assert not record_file("aghtrack-record.json") and not record_file(".gitattributes")
    assert not record_file("commitments/9/notes.jsonl") and not record_file("commitments/0.jsonl")


def test_git_s_most_telling_line_ends_the_message() -> None:
    unreachable = (
        b"fatal: '/srv/bali.git' does not appear to be a git repository\n"
        b"fatal: Could not read from remote repository.\n\n"
        b"Please make sure you have the correct access rights\nand the repository exists.\n"
    )
    assert last_words(unreachable) == "'/srv/bali.git' does not appear to be a git repository"
    refused = (
        b"To /srv/bali.git\n!\tHEAD:refs/heads/main\t[remote rejected] (pre-receive hook "
        b"declined)\nDone\nerror: failed to push some refs to '/srv/bali.git'\n"
    )
    assert (
        last_words(refused)
        == "! HEAD:refs/heads/main [remote rejected] (pre-receive hook declined)"
    )
    assert last_words(b"something odd\nat the end\n") == "at the end"
