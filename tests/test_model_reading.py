"""The model's rules written out by hand, not derived from the code under test: the status
transition table, and what reading a stored or imported document accepts, fills in and
refuses (keys missing, wrong types, meeting fields read back)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from aghtrack.errors import BadInput, InvalidTransition
from aghtrack.model import (
    MAX_SEQ,
    MAX_TEXT,
    Commitment,
    Kind,
    Status,
    check_seq,
    check_transition,
    clean_names,
    commitment_from_dict,
    commitment_to_dict,
    meeting_from_dict,
    meeting_to_dict,
    normalise_meeting_key,
    normalise_name,
    parse_kind,
    require_text,
    unicode_text,
    with_changes,
)

OPN, PRG, BLK, DON, DRP, SUP = "open", "in-progress", "blocked", "done", "dropped", "superseded"

#: Every move the project allows, typed from the rule: open work moves anywhere; a closed
#: commitment only reopens (done may also go back to in-progress).
ALLOWED = {
    (OPN, PRG), (OPN, BLK), (OPN, DON), (OPN, DRP), (OPN, SUP),
    (PRG, OPN), (PRG, BLK), (PRG, DON), (PRG, DRP), (PRG, SUP),
    (BLK, OPN), (BLK, PRG), (BLK, DON), (BLK, DRP), (BLK, SUP),
    (DON, OPN), (DON, PRG),
    (DRP, OPN),
    (SUP, OPN),
}  # fmt: skip


@pytest.mark.parametrize("current", [OPN, PRG, BLK, DON, DRP, SUP])
@pytest.mark.parametrize("new", [OPN, PRG, BLK, DON, DRP, SUP])
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
    expected = Commitment(
        id=DOC["id"],
        meeting="9",
        seq=3,
        text="Hold a roundtable",
        kind=Kind.AGREED,
        status=Status.OPEN,
    )
    assert c._replace(events=()) == expected
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
            "status": "done",
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
    assert commitment_from_dict({**DOC, "due": "  "}).due is None
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


# --- the stored shape, written out (issue 12: mutation testing found it unchecked) -------------


def test_the_stored_shape_of_a_commitment_is_exactly_this() -> None:
    c = commitment_from_dict(
        {
            **DOC,
            "owners": ["Philippines", "Australia"],
            "support": ["UNHCR"],
            "due": "late 2015",
            "status": "done",
            "notes": [{"on": "2015-09-01", "by": "officer", "text": "Started"}],
            "evidence": {"text": "Held", "fulfilled_by": "manila-2015", "on": None},
            "tags": ["returns"],
            "source": "Outcome 3",
            "created": "2015-05-06T00:00:00Z",
            "updated": "2015-12-04T00:00:00Z",
            "deleted": True,
        }
    )
    stored = commitment_to_dict(c)
    # The dated events (issue 11) are checked by tests/test_events.py; the rest is this shape.
    assert set(stored) - set(SHAPE) == {"events", "replaces", "status_on", "superseded_by"}
    assert {k: stored[k] for k in SHAPE} == SHAPE


SHAPE = {
    "ref": "9.3",
    "id": "00000000-0000-4000-8000-000000000001",
    "meeting": "9",
    "seq": 3,
    "source": "Outcome 3",
    "text": "Hold a roundtable",
    "kind": "agreed",
    "owners": ["Philippines", "Australia"],
    "support": ["UNHCR"],
    "due": "late 2015",
    "due_by": "2015-12-31",
    "status": "done",
    "notes": [{"on": "2015-09-01", "by": "officer", "text": "Started"}],
    "evidence": {"text": "Held", "fulfilled_by": "manila-2015", "on": None},
    "tags": ["returns"],
    "created": "2015-05-06T00:00:00Z",
    "updated": "2015-12-04T00:00:00Z",
    "deleted": True,
}


def test_the_stored_shape_of_a_bare_commitment() -> None:
    bare = commitment_to_dict(commitment_from_dict(DOC))
    assert (bare["due"], bare["due_by"], bare["evidence"], bare["notes"]) == (None, None, None, [])
    dated = commitment_from_dict(
        {**DOC, "status": "done", "evidence": {"text": None, "on": "2015-12-04"}}
    )
    assert commitment_to_dict(dated)["evidence"] == {
        "text": None,
        "fulfilled_by": None,
        "on": "2015-12-04",
    }


def test_with_changes_returns_a_changed_copy() -> None:
    c = commitment_from_dict(DOC)
    changed = with_changes(c, status=Status.DONE, text="Held")
    assert (changed.status, changed.text, changed.seq) == (Status.DONE, "Held", 3)
    assert c.status is Status.OPEN


# --- messages name the field (each is written once, for a person) -----------------------------


def test_messages_name_what_was_wrong() -> None:
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: require_text("  "), "The text is empty; write what was agreed."),
        (lambda: require_text("", "note"), "The note is empty; write what happened."),
        (lambda: clean_names([" "], "owner"), "An empty owner name was given."),
        (lambda: commitment_from_dict({**DOC, "support": [" "]}), "An empty support name"),
        (lambda: commitment_from_dict({**DOC, "source": ["x"]}), "'source' must be text, not list"),
        (lambda: commitment_from_dict({**DOC, "owners": [1]}), "'owners' must be a list of names"),
        (
            lambda: meeting_from_dict({"key": "9", "title": " ", "date": "2015-05-06"}),
            "The title is empty",
        ),
        (lambda: unicode_text("x" * (MAX_TEXT + 1)), f"The text is {MAX_TEXT + 1:,} characters"),
        (
            lambda: unicode_text("\udcff", "source"),
            "The source contains bytes that are not UTF-8 text; retype it or set your terminal to UTF-8.",
        ),
        (lambda: commitment_from_dict({**DOC, "source": "\udcff"}), "The source contains bytes"),
        (lambda: commitment_from_dict({**DOC, "created": "\udcff"}), "The created contains"),
        (lambda: commitment_from_dict({**DOC, "updated": "\udcff"}), "The updated contains"),
        (lambda: commitment_from_dict({**DOC, "text": "\udcff"}), "The text contains"),
        (lambda: normalise_name("\udcff"), "The name contains"),
        (lambda: normalise_name("x" * (MAX_TEXT + 1), "chair"), "The chair is 100,001"),
        (lambda: clean_names(["\udcff"], "tag"), "The tag contains"),
        (lambda: commitment_from_dict({**DOC, "tags": ["\udcff"]}), "The tags contains"),
        (lambda: commitment_from_dict({**DOC, "support": ["\udcff"]}), "The support contains"),
        (
            lambda: meeting_from_dict({"key": "9", "title": "\udcff", "date": "2015-05-06"}),
            "The title contains",
        ),
        (
            lambda: parse_kind("promised"),
            "'promised' is not a kind of outcome. Valid kinds: agreed, decided, endorsed, ",
        ),
        (
            lambda: normalise_meeting_key("Nine Nine"),
            "'Nine Nine' is not a meeting key: use 1-40 lowercase letters, digits and hyphens, e.g. 9 or manila-2015.",
        ),
        (
            lambda: check_seq("9" * 50),
            "'seq' must be a whole number from 1 to 1,000,000,000, not '" + "9" * 39 + "...",
        ),
        (lambda: check_seq("9" * 38), "not '" + "9" * 38 + "'"),
        (lambda: check_seq("9" * 39), "not '" + "9" * 39 + "..."),
    ]
    for make, message in cases:
        with pytest.raises((BadInput, TypeError)) as refused:
            make()
        assert message in str(refused.value), (message, str(refused.value))
        assert "None" not in str(refused.value)


def test_a_too_long_required_text_names_its_field() -> None:
    with pytest.raises(BadInput, match=r"^The note is 100,001 characters long"):
        require_text("x" * (MAX_TEXT + 1), "note")
    with pytest.raises(BadInput, match=r"^The text is 100,001 characters long"):
        require_text("x" * (MAX_TEXT + 1))


@pytest.mark.parametrize(
    ("value", "shown"),
    [("9" * 38, "'" + "9" * 38 + "'"), ("9" * 39, "'" + "9" * 39 + "..."), (0, "0")],
)
def test_a_refused_seq_is_quoted_whole_up_to_forty_characters(value: object, shown: str) -> None:
    with pytest.raises(TypeError) as refused:
        check_seq(value)
    assert str(refused.value).endswith(f", not {shown}")


def test_the_longest_text_is_accepted() -> None:
    assert unicode_text("x" * MAX_TEXT) == "x" * MAX_TEXT


def test_a_note_author_reads_back() -> None:
    note = {"on": "2015-09-01", "by": "officer", "text": "Started"}
    assert commitment_from_dict({**DOC, "notes": [note]}).notes[0].by == "officer"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Austr\u2060alia", "Australia"),
        ("Austr\u00e1lia\u200b", "Austr\u00e1lia"),
        ("Te\u0304 Tai", "T\u0113 Tai"),
        ("\u00e9\tcole  du\u3000nord", "\u00e9 cole du nord"),
        ("Caf\u00e9\ufe0f\U000e0041", "Caf\u00e9"),
        ("\u00e9\u0007x", "\u00e9x"),
        ("plain\x07 ascii", "plain ascii"),
    ],
)
def test_names_are_normalised(raw: str, name: str) -> None:
    assert normalise_name(raw) == name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Pasted from Word\r\n", "Pasted from Word"),
        ("Line one\r\nLine two\r\n", "Line one\nLine two"),
        ("Old Mac\rline", "Old Mac\nline"),
        ("Plain\ntext", "Plain\ntext"),
        ("Viet Nam\r\n", "Viet Nam"),
    ],
)
def test_windows_line_ends_are_line_breaks_not_characters(typed: str, kept: str) -> None:
    """A note pasted from Word showed "\\x0d" at each line end in every paper."""
    assert require_text(typed) == kept
