"""The progress-review maths, on hand-built commitments with known statuses and due periods."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aghtrack.model import Commitment, Kind, Meeting, Status
from aghtrack.periods import parse_period
from aghtrack.report import NO_LEAD, build_report

MEETING = Meeting(key="9", title="Ninth AHG SOM", date=date(2015, 5, 6), location="Wellington")


def commitment(
    seq: int,
    *,
    status: Status = Status.OPEN,
    due: str | None = "2015-Q4",
    kind: Kind = Kind.AGREED,
    owners: tuple[str, ...] = ("Philippines",),
    support: tuple[str, ...] = (),
    meeting: str = "9",
    deleted: bool = False,
) -> Commitment:
    return Commitment(
        id=f"00000000-0000-4000-8000-{seq:012d}",
        meeting=meeting,
        seq=seq,
        text=f"Commitment {seq}",
        kind=kind,
        owners=owners,
        support=support,
        due=parse_period(due) if due else None,
        status=status,
        deleted=deleted,
    )


#: Ten commitments of meeting 9; the comment says what each tests.
RECORD = (
    commitment(1, status=Status.DONE, due="late 2015"),  # done: never overdue
    commitment(2, due="2015-Q4", owners=("Australia", "Indonesia"), support=("RSO",)),
    commitment(3, status=Status.IN_PROGRESS, due="2016-H1", owners=("Indonesia",)),
    commitment(4, status=Status.BLOCKED, due="2015-06", owners=("australia",)),
    commitment(5, status=Status.DROPPED, due="2015"),  # dropped: out of the done share
    commitment(6, status=Status.SUPERSEDED, due="2015", owners=("RSO",)),
    commitment(7, due=None, owners=()),  # no due period, no lead
    commitment(8, kind=Kind.WELCOMED, due="2015-06", owners=(), support=("IOM",)),
    commitment(9, kind=Kind.NOTED, status=Status.IN_PROGRESS, due="2015-Q3"),
    commitment(10, status=Status.DONE, due="2015-Q4", owners=("Indonesia",)),
)


def test_by_status_counts_work_only_and_lists_every_status() -> None:
    report = build_report(MEETING, RECORD, date(2016, 3, 22))
    assert dict(report.by_status) == {
        Status.OPEN: 2,
        Status.IN_PROGRESS: 1,
        Status.BLOCKED: 1,
        Status.DONE: 2,
        Status.DROPPED: 1,
        Status.SUPERSEDED: 1,
    }
    assert report.total == 10 and report.work == 8
    assert [c.ref for c in report.informational] == ["9.8", "9.9"]


def test_every_status_is_present_even_when_none_has_it() -> None:
    report = build_report(MEETING, [commitment(1)], date(2016, 1, 1))
    assert list(report.by_status) == list(Status)
    assert report.by_status[Status.SUPERSEDED] == 0


@pytest.mark.parametrize(
    ("as_of", "overdue"),
    [
        # 9.4 is due 2015-06 (by 30 June), 9.2 is due 2015-Q4 (by 31 December), 9.3 by 2016-06-30.
        (date(2015, 6, 29), []),
        (date(2015, 6, 30), []),  # the last day of the period is still on time
        (date(2015, 7, 1), ["9.4"]),
        (date(2015, 12, 31), ["9.4"]),
        (date(2016, 1, 1), ["9.2", "9.4"]),
        (date(2016, 3, 22), ["9.2", "9.4"]),
        (date(2016, 7, 1), ["9.2", "9.3", "9.4"]),
    ],
)
def test_overdue_counts_open_work_past_the_last_day_of_its_period(
    as_of: date, overdue: list[str]
) -> None:
    report = build_report(MEETING, RECORD, as_of)
    assert [c.ref for c in report.overdue] == overdue


def test_closed_informational_and_undated_commitments_are_never_overdue() -> None:
    report = build_report(MEETING, RECORD, date(2030, 1, 1))
    never = {"9.1", "9.5", "9.6", "9.7", "9.8", "9.9", "9.10"}
    assert never.isdisjoint(c.ref for c in report.overdue)
    assert len(report.overdue) == 3


def test_done_share_leaves_out_dropped_superseded_and_informational() -> None:
    report = build_report(MEETING, RECORD, date(2016, 3, 22))
    # 8 work commitments, less 1 dropped and 1 superseded: 2 done of 6.
    assert (report.done, report.done_base) == (2, 6)
    assert report.done_share == pytest.approx(2 / 6)
    assert report.done_percent == "33%"


def test_done_share_is_none_when_no_work_is_asked_for() -> None:
    only_views = [commitment(1, kind=Kind.NOTED), commitment(2, status=Status.DROPPED)]
    report = build_report(MEETING, only_views, date(2016, 3, 22))
    assert report.done_share is None and report.done_percent == "n/a"


def test_everything_done_is_a_full_share() -> None:
    report = build_report(MEETING, [commitment(1, status=Status.DONE)], date(2016, 3, 22))
    assert report.done_share == 1.0 and report.done_percent == "100%"


def test_by_lead_counts_each_work_commitment_once_under_its_first_owner() -> None:
    report = build_report(MEETING, RECORD, date(2016, 3, 22))
    lines = {line.lead: line for line in report.by_lead}
    # Co-owner Indonesia on 9.2 and supporting RSO are not counted; 'australia' joins Australia.
    assert list(lines) == ["Australia", "Indonesia", "Philippines", "RSO", NO_LEAD]
    assert [c.ref for c in lines["Australia"].commitments] == ["9.2", "9.4"]
    assert lines["Australia"].by_status[Status.BLOCKED] == 1
    assert [c.ref for c in lines["Australia"].overdue] == ["9.2", "9.4"]
    assert [c.ref for c in lines["Indonesia"].commitments] == ["9.3", "9.10"]
    assert lines["Indonesia"].refs(Status.DONE) == ("9.10",)
    assert [c.ref for c in lines["Philippines"].commitments] == ["9.1", "9.5"]
    assert [c.ref for c in lines[NO_LEAD].commitments] == ["9.7"]
    assert sum(line.total for line in report.by_lead) == report.work


def test_informational_outcomes_are_not_in_the_per_lead_view() -> None:
    report = build_report(MEETING, RECORD, date(2016, 3, 22))
    led = {c.ref for line in report.by_lead for c in line.commitments}
    assert "9.8" not in led and "9.9" not in led


def test_owner_filter_keeps_what_the_party_leads_co_owns_or_supports() -> None:
    report = build_report(MEETING, RECORD, date(2016, 3, 22), owner="indonesia")
    assert [c.ref for c in report.commitments] == ["9.2", "9.3", "9.10"]
    assert report.by_status[Status.OPEN] == 1 and report.done == 1
    assert [c.ref for c in report.overdue] == ["9.2"]
    # Per lead still says who leads: Australia leads 9.2, which Indonesia co-owns.
    assert [line.lead for line in report.by_lead] == ["Australia", "Indonesia"]
    assert any("involving indonesia" in sentence for sentence in report.method)


def test_owner_filter_reaches_supporting_parties_of_informational_outcomes() -> None:
    report = build_report(MEETING, RECORD, date(2016, 3, 22), owner="IOM")
    assert [c.ref for c in report.commitments] == ["9.8"]
    assert report.work == 0 and report.by_lead == () and report.overdue == ()


def test_other_meetings_and_deleted_commitments_are_left_out() -> None:
    extra = (commitment(11, deleted=True), commitment(1, meeting="10"))
    report = build_report(MEETING, RECORD + extra, date(2016, 3, 22))
    assert report.total == 10
    assert all(c.meeting == "9" for c in report.commitments)


def test_commitments_are_in_reference_order_whatever_the_input_order() -> None:
    report = build_report(MEETING, reversed(RECORD), date(2016, 3, 22))
    assert [c.seq for c in report.commitments] == list(range(1, 11))


def test_method_states_the_as_of_date_and_the_done_share_fraction() -> None:
    report = build_report(MEETING, RECORD, date(2016, 3, 22))
    method = " ".join(report.method)
    assert "before 2016-03-22" in method and "2 of 6" in method
    assert "2 here" in method  # the informational outcomes counted apart


_statuses = st.sampled_from(list(Status))
_kinds = st.sampled_from(list(Kind))
_dues = st.sampled_from([None, "2015-06", "2015-Q4", "late 2015", "2016-H1", "2016-03-22"])
_owners = st.lists(st.sampled_from(["Australia", "Indonesia", "RSO"]), max_size=2, unique=True)


@given(
    st.lists(st.tuples(_statuses, _kinds, _dues, _owners), max_size=12),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2017, 1, 1)),
)
def test_the_counts_always_add_up(
    rows: list[tuple[Status, Kind, str | None, list[str]]], as_of: date
) -> None:
    record = [
        commitment(i, status=s, kind=k, due=d, owners=tuple(o))
        for i, (s, k, d, o) in enumerate(rows, start=1)
    ]
    report = build_report(MEETING, record, as_of)
    assert sum(report.by_status.values()) + len(report.informational) == report.total
    assert sum(line.total for line in report.by_lead) == report.work
    assert sum(len(line.overdue) for line in report.by_lead) == len(report.overdue)
    assert all(
        c.status in {Status.OPEN, Status.IN_PROGRESS, Status.BLOCKED} for c in report.overdue
    )
    if report.done_share is not None:
        assert 0.0 <= report.done_share <= 1.0
