"""The model's rules written out by hand, not derived from the code under test: the status
transition table, and what reading a stored or imported document accepts, fills in and
refuses (keys missing, wrong types, meeting fields read back)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aghtrack.errors import BadInput, InvalidTransition
from aghtrack.model import (
    MAX_SEQ,
    Commitment,
    Kind,
    Status,
    check_transition,
    commitment_from_dict,
    commitment_to_dict,
    meeting_from_dict,
    meeting_to_dict,
)

O, P, B, D, X, S = "open", "in-progress", "blocked", "done", "dropped", "superseded"

#: Every move the project allows, typed from the rule: open work moves anywhere; a closed
#: commitment only reopens (done may also go back to in-progress).
ALLOWED = {
    (O, P), (O, B), (O, D), (O, X), (O, S),
    (P, O), (P, B), (P, D), (P, X), (P, S),
    (B, O), (B, P), (B, D), (B, X), (B, S),
    (D, O), (D, P),
    (X, O),
    (S, O),
}  # fmt: skip


@pytest.mark.parametrize("current", [O, P, B, D, X, S])
@pytest.mark.parametrize("new", [O, P, B, D, X, S])
def test_the_transition_table(current: str, new: str) -> None:
    if (current, new) in ALLOWED:
        check_transition(Status(current), Status(new), "9.1")
    else:
        with pytest.raises(InvalidTransition) as refused:
            check_transition(Status(current), Status(new), "9.1")
        if current == new:
            assert str(refused.value) == f"9.1 is already {current}."
        else:
            allowed = ", ".join(sorted(n for c, n in ALLOWED if c == current))
            assert str(refused.value) == (
                f"9.1 is {current} and cannot become {new} directly (from {current}: {allowed})."
            )


DOC: dict[str, Any] = {
    "id": "00000000-0000-4000-8000-000000000001",
    "meeting": "9",
    "seq": 3,
    "text": "Hold a roundtable",
}


def test_a_minimal_document_reads_with_every_default() -> None:
    c = commitment_from_dict(DOC)
    assert c == Commitment(
        id=DOC["id"],
        meeting="9",
        seq=3,
        text="Hold a roundtable",
        kind=Kind.AGREED,
        status=Status.OPEN,
    )
    assert (c.owners, c.support, c.tags, c.notes, c.due, c.evidence) == ((), (), (), (), None, None)
    assert (c.source, c.created, c.updated, c.deleted) == ("", "", "", False)


def test_empty_kind_and_status_read_as_the_defaults() -> None:
    c = commitment_from_dict({**DOC, "kind": "", "status": None, "notes": None})
    assert (c.kind, c.status, c.notes) == (Kind.AGREED, Status.OPEN, ())


def test_a_note_without_an_author_reads_with_an_empty_author() -> None:
    c = commitment_from_dict({**DOC, "notes": [{"on": "2015-09-01", "text": "Started"}]})
    assert (c.notes[0].by, c.notes[0].text, c.notes[0].on) == ("", "Started", date(2015, 9, 1))


def test_deleted_reads_as_a_boolean() -> None:
    assert commitment_from_dict({**DOC, "deleted": True}).deleted is True
    assert commitment_from_dict({**DOC, "deleted": 0}).deleted is False


def test_a_name_list_given_as_one_string_is_one_name() -> None:
    c = commitment_from_dict({**DOC, "owners": "Philippines", "tags": "returns"})
    assert (c.owners, c.tags) == (("Philippines",), ("returns",))


def test_evidence_and_due_read_back() -> None:
    c = commitment_from_dict(
        {
            **DOC,
            "due": "late 2015",
            "evidence": {"text": "Held", "fulfilled_by": "10", "on": "2015-12-04"},
        }
    )
    assert c.due is not None and c.due.text == "late 2015"
    assert c.evidence is not None
    assert (c.evidence.text, c.evidence.fulfilled_by, c.evidence.on) == (
        "Held",
        "10",
        date(2015, 12, 4),
    )
    blank = commitment_from_dict({**DOC, "due": "  ", "evidence": {"text": None}})
    assert blank.due is None and blank.evidence is not None and blank.evidence.on is None
    assert commitment_from_dict({**DOC, "evidence": "held"}).evidence is None


@pytest.mark.parametrize("seq", [True, False, 2.5, 0, -3, "3", None, MAX_SEQ + 1])
def test_a_seq_that_is_not_a_whole_number_in_range_is_refused(seq: object) -> None:
    with pytest.raises(TypeError, match="'seq' must be a whole number from 1 to"):
        commitment_from_dict({**DOC, "seq": seq})


def test_the_highest_seq_is_accepted() -> None:
    assert commitment_from_dict({**DOC, "seq": MAX_SEQ}).seq == MAX_SEQ
    assert commitment_from_dict({**DOC, "seq": 1}).seq == 1


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("owners", [1, 2], TypeError),
        ("owners", {"a": 1}, TypeError),
        ("text", 7, TypeError),
        ("text", "   ", BadInput),
        ("kind", "promised", BadInput),
        ("status", "finished", BadInput),
        ("source", ["x"], TypeError),
        ("id", "not-a-uuid", ValueError),
        ("meeting", "Nine Nine", BadInput),
    ],
)
def test_wrong_types_are_refused(key: str, value: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        commitment_from_dict({**DOC, key: value})


@pytest.mark.parametrize("key", ["id", "meeting", "seq"])
def test_a_document_missing_a_required_key_is_refused(key: str) -> None:
    with pytest.raises(KeyError):
        commitment_from_dict({k: v for k, v in DOC.items() if k != key})


def test_a_document_missing_its_text_is_refused() -> None:
    with pytest.raises(BadInput):
        commitment_from_dict({k: v for k, v in DOC.items() if k != "text"})


def test_every_meeting_field_reads_back() -> None:
    doc = {
        "key": "9",
        "title": "Ninth AHG SOM",
        "date": "2015-05-06",
        "location": "Wellington",
        "series": "ahg-som",
        "chairs": ["Indonesia", "Australia"],
        "attendees": ["Philippines"],
        "observers": ["UNHCR"],
        "purpose": "Review progress",
        "source": "Co-chairs' statement",
    }
    meeting = meeting_from_dict(doc)
    assert (meeting.series, meeting.purpose, meeting.source) == (
        "ahg-som",
        "Review progress",
        "Co-chairs' statement",
    )
    assert meeting.date == date(2015, 5, 6) and meeting.chairs == ("Indonesia", "Australia")
    assert meeting_to_dict(meeting) == doc


def test_a_meeting_with_only_its_required_fields_reads_with_empty_ones() -> None:
    meeting = meeting_from_dict({"key": "Manila-2015", "title": "Roundtable", "date": "2015-12-04"})
    assert meeting.key == "manila-2015"
    assert (meeting.location, meeting.series, meeting.purpose, meeting.source) == ("", "", "", "")
    assert (meeting.chairs, meeting.attendees, meeting.observers) == ((), (), ())


def test_a_stored_commitment_round_trips_exactly() -> None:
    doc = commitment_to_dict(
        commitment_from_dict(
            {
                **DOC,
                "owners": ["A", "B"],
                "support": ["C"],
                "due": "2016-H1",
                "status": "blocked",
                "kind": "will",
                "tags": ["t"],
                "created": "2015-05-06T00:00:00Z",
                "updated": "2015-06-06T00:00:00Z",
                "source": "Outcome 3",
            }
        )
    )
    assert commitment_to_dict(commitment_from_dict(doc)) == doc
    assert doc["ref"] == "9.3" and doc["due_by"] == "2016-06-30"
