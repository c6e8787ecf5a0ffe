"""Which commitments a listing shows and in what order (``listing``), on hand-built records:
each filter at its edges and each sort against an order written out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from aghtrack.listing import Filter, SortKey, meeting_order, sort_commitments
from aghtrack.model import Commitment, Kind, Note, Status
from aghtrack.periods import parse_period

AS_OF = date(2016, 3, 22)


def c(
    ref: str,
    *,
    status: Status = Status.OPEN,
    due: str | None = None,
    owners: tuple[str, ...] = (),
    support: tuple[str, ...] = (),
    text: str = "Hold a roundtable",
    tags: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    source: str = "",
    kind: Kind = Kind.AGREED,
    deleted: bool = False,
) -> Commitment:
    meeting, _, seq = ref.rpartition(".")
    return Commitment(
        id=f"00000000-0000-4000-8000-{abs(hash(ref)) % 10**12:012d}",
        meeting=meeting,
        seq=int(seq),
        text=text,
        kind=kind,
        owners=owners,
        support=support,
        due=parse_period(due) if due else None,
        status=status,
        source=source,
        notes=tuple(Note(on=date(2015, 9, 1), by="x", text=n) for n in notes),
        tags=tags,
        deleted=deleted,
    )


def refs(found: list[Commitment]) -> list[str]:
    return [x.ref for x in found]


# --- order ---------------------------------------------------------------------------------


def test_meetings_sort_by_number_then_named_ones_alphabetically() -> None:
    keys = ["manila-2015", "10", "9", "bali", "100"]
    assert sorted(keys, key=meeting_order) == ["9", "10", "100", "bali", "manila-2015"]


def test_the_default_order_spans_meetings_in_number_order_not_text_order() -> None:
    found = [c("10.1"), c("9.2"), c("manila.1"), c("9.10"), c("9.1")]
    assert refs(sort_commitments(found, SortKey.MEETING)) == [
        "9.1",
        "9.2",
        "9.10",
        "10.1",
        "manila.1",
    ]


def test_sort_by_due_puts_the_earliest_deadline_first_and_undated_last() -> None:
    found = [
        c("9.1", due="2016"),
        c("9.2"),
        c("9.3", due="2015-Q3"),
        c("10.1", due="2015-Q3"),
        c("9.4", due="late 2015"),
    ]
    by_due = refs(sort_commitments(found, SortKey.DUE))
    assert by_due == ["9.3", "10.1", "9.4", "9.1", "9.2"]
    assert by_due != refs(sort_commitments(found, SortKey.MEETING))


def test_sort_by_due_orders_periods_ending_the_same_day_by_their_text_then_reference() -> None:
    # "2015-12", "2015-Q4" and "late 2015" all end on 31 December 2015.
    found = [
        c("9.3", due="late 2015"),
        c("9.4", due="2015-12"),
        c("9.1", due="2015-Q4"),
        c("9.2", due="2015-12"),
    ]
    assert refs(sort_commitments(found, SortKey.DUE)) == ["9.2", "9.4", "9.1", "9.3"]


def test_sort_by_status_follows_the_status_list_then_the_reference() -> None:
    found = [
        c("9.1", status=Status.DONE),
        c("9.2", status=Status.OPEN),
        c("9.3", status=Status.SUPERSEDED),
        c("9.4", status=Status.BLOCKED),
        c("9.5", status=Status.IN_PROGRESS),
        c("9.6", status=Status.DROPPED),
        c("10.1", status=Status.OPEN),
    ]
    assert refs(sort_commitments(found, SortKey.STATUS)) == [
        "9.2",
        "10.1",
        "9.5",
        "9.4",
        "9.1",
        "9.6",
        "9.3",
    ]


def test_sort_by_owner_is_by_lead_ignoring_case_with_no_lead_last() -> None:
    found = [
        c("9.1", owners=("thailand",)),
        c("9.2"),
        c("9.3", owners=("Australia", "Zimbabwe")),
        c("9.4", owners=("Indonesia",)),
        c("10.1", owners=("australia",)),
    ]
    assert refs(sort_commitments(found, SortKey.OWNER)) == ["9.3", "10.1", "9.4", "9.1", "9.2"]


# --- filters -------------------------------------------------------------------------------


def test_an_empty_filter_matches_everything_but_deleted() -> None:
    assert Filter().matches(c("9.1"), AS_OF)
    assert not Filter().matches(c("9.1", deleted=True), AS_OF)


def test_meeting_filter() -> None:
    assert Filter(meeting="9").matches(c("9.1"), AS_OF)
    assert not Filter(meeting="9").matches(c("10.1"), AS_OF)


def test_status_filter_takes_any_of_several() -> None:
    wanted = Filter(statuses=frozenset({Status.OPEN, Status.BLOCKED}))
    assert wanted.matches(c("9.1"), AS_OF)
    assert wanted.matches(c("9.2", status=Status.BLOCKED), AS_OF)
    assert not wanted.matches(c("9.3", status=Status.DONE), AS_OF)


def test_owner_filter_matches_lead_co_owner_and_support_ignoring_case() -> None:
    flt = Filter(owner="unhcr")
    assert flt.matches(c("9.1", owners=("UNHCR",)), AS_OF)
    assert flt.matches(c("9.2", owners=("Australia", "UNHCR")), AS_OF)
    assert flt.matches(c("9.3", support=("Unhcr",)), AS_OF)
    assert not flt.matches(c("9.4", owners=("IOM",)), AS_OF)


def test_overdue_filter_uses_the_as_of_day() -> None:
    late = c("9.1", due="2016-03-21")
    assert Filter(overdue=True).matches(late, AS_OF)
    assert not Filter(overdue=True).matches(late, date(2016, 3, 21))
    assert not Filter(overdue=True).matches(c("9.2"), AS_OF)


def test_due_before_excludes_the_boundary_day_itself_and_undated_work() -> None:
    flt = Filter(due_before=date(2015, 12, 31))
    assert flt.matches(c("9.1", due="2015-12-30"), AS_OF)
    assert not flt.matches(c("9.2", due="2015-12-31"), AS_OF)
    assert not flt.matches(c("9.3", due="late 2015"), AS_OF)
    assert not flt.matches(c("9.4"), AS_OF)


def test_tag_filter_ignores_case_and_needs_the_whole_tag() -> None:
    assert Filter(tag="Returns").matches(c("9.1", tags=("returns",)), AS_OF)
    assert not Filter(tag="return").matches(c("9.1", tags=("returns",)), AS_OF)
    assert not Filter(tag="returns").matches(c("9.1"), AS_OF)


def test_search_needs_every_word_not_any_word() -> None:
    flt = Filter(search="roundtable manila")
    assert flt.matches(c("9.1", text="Hold a roundtable in Manila"), AS_OF)
    assert not flt.matches(c("9.2", text="Hold a roundtable in Bali"), AS_OF)
    assert not flt.matches(c("9.3", text="Meet in Manila"), AS_OF)


@pytest.mark.parametrize(
    ("field", "commitment"),
    [
        ("ref", c("9.7")),
        ("source", c("9.1", source="Outcome 9.7")),
        ("owner", c("9.1", owners=("9.7 Group",))),
        ("support", c("9.1", support=("9.7 Group",))),
        ("tag", c("9.1", tags=("9.7",))),
        ("note", c("9.1", notes=("Raised under 9.7",))),
    ],
)
def test_search_looks_in_every_field_ignoring_case(field: str, commitment: Commitment) -> None:
    assert Filter(search="9.7").matches(commitment, AS_OF), field
    assert Filter(search="9.7").matches(commitment, AS_OF) is True


def test_search_ignores_case() -> None:
    assert Filter(search="MANILA").matches(c("9.1", text="in manila"), AS_OF)


def test_search_does_not_match_text_made_by_joining_fields() -> None:
    assert not Filter(search="xx").matches(c("9.1", text="Hold", owners=("A",)), AS_OF)
