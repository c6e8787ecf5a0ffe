from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aghtrack.errors import EmptyText, InvalidMeetingKey, InvalidStatus, InvalidTransition
from aghtrack.model import (
    CLOSED,
    TRANSITIONS,
    Commitment,
    Kind,
    Status,
    check_transition,
    clean_names,
    commitment_from_dict,
    commitment_to_dict,
    new_id,
    normalise_meeting_key,
    parse_status,
    require_text,
)
from aghtrack.periods import parse_period


def make(**changes: object) -> Commitment:
    base = Commitment(id=new_id(), meeting="9", seq=3, text="Hold a roundtable")
    return base._replace(**changes)


def test_reference_is_meeting_dot_number() -> None:
    assert make().ref == "9.3"


def test_overdue_only_when_open_work_past_its_last_day() -> None:
    c = make(due=parse_period("late 2015"))
    assert not c.is_overdue(date(2015, 12, 31))
    assert c.is_overdue(date(2016, 1, 1))
    assert not make(due=parse_period("late 2015"), status=Status.DONE).is_overdue(date(2016, 3, 22))
    assert not make(due=parse_period("late 2015"), status=Status.DROPPED).is_overdue(
        date(2017, 1, 1)
    )
    assert not make(due=None).is_overdue(date(2030, 1, 1))


def test_informational_outcomes_are_never_open_or_overdue() -> None:
    noted = make(kind=Kind.NOTED, due=parse_period("2015"))
    assert not noted.is_open and not noted.is_overdue(date(2020, 1, 1))
    assert make(kind=Kind.WELCOMED).is_work is False


@pytest.mark.parametrize(("current", "new"), [(c, n) for c in Status for n in Status])
def test_transitions_follow_the_table(current: Status, new: Status) -> None:
    if new in TRANSITIONS[current]:
        check_transition(current, new, "9.3")
    else:
        with pytest.raises(InvalidTransition):
            check_transition(current, new, "9.3")


def test_closed_statuses_can_only_be_reopened() -> None:
    for closed in CLOSED:
        assert Status.OPEN in TRANSITIONS[closed]
        assert Status.BLOCKED not in TRANSITIONS[closed]


def test_status_parsing_is_case_insensitive_and_lists_valid_ones() -> None:
    assert parse_status(" In-Progress ") is Status.IN_PROGRESS
    with pytest.raises(InvalidStatus, match="open, in-progress"):
        parse_status("finished")


def test_meeting_keys() -> None:
    assert normalise_meeting_key(" Manila-2015 ") == "manila-2015"
    for bad in ["", "9.1", "a b", "-x", "x" * 41, "ünï"]:
        with pytest.raises(InvalidMeetingKey):
            normalise_meeting_key(bad)


#: The grammar of a meeting key as a pattern (``model`` tests the characters as a set).
_KEY = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?", re.ASCII)


@given(
    st.text(st.sampled_from("az09-AZ._ \u212a\u0130\u00e9\u0663\t"), max_size=42)
    | st.sampled_from(["a" * 40, "a" * 41, "-", "a-", "-a", "a--b", " 9 ", "\u212a9"])
)
def test_a_meeting_key_is_what_the_grammar_defines(raw: str) -> None:
    key = raw.strip().lower()
    try:
        assert normalise_meeting_key(raw) == key
    except InvalidMeetingKey:
        assert not _KEY.fullmatch(key)
    else:
        assert _KEY.fullmatch(key)


def test_blank_text_is_rejected_but_text_is_kept_exactly() -> None:
    with pytest.raises(EmptyText):
        require_text(" \n\t ")
    assert require_text("  [b]x[/b]\x1b ") == "  [b]x[/b]\x1b "


def test_names_keep_lead_first_and_drop_repeats() -> None:
    assert clean_names(["Australia", " Indonesia ", "australia"], "owner") == (
        "Australia",
        "Indonesia",
    )


def test_dict_round_trip_is_exact() -> None:
    state = make(owners=("Australia", "Indonesia"), due=parse_period("2016-H1"), tags=("returns",))
    # A state without events (an older record) is read as the events it stands for.
    c = commitment_from_dict({**commitment_to_dict(state), "events": None})
    assert c.events and c._replace(events=()) == state
    d = commitment_to_dict(c)
    assert d["due_by"] == "2016-06-30" and d["ref"] == "9.3"
    assert commitment_from_dict(d) == c
