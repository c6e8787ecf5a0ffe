"""The review's counts per lead and what the report carries, on hand-built commitments."""

from __future__ import annotations

from datetime import date

from aghtrack.model import Commitment, Meeting, Status
from aghtrack.report import build_report

MEETING = Meeting(key="9", title="Ninth AHG SOM", date=date(2015, 5, 6))


def c(seq: int, lead: str, status: Status = Status.OPEN) -> Commitment:
    return Commitment(
        id=f"00000000-0000-4000-8000-{seq:012d}",
        meeting="9",
        seq=seq,
        text="x",
        owners=(lead,),
        status=status,
    )


def test_a_lead_with_several_commitments_of_one_status_counts_each() -> None:
    found = [c(1, "Australia"), c(2, "Australia"), c(3, "Australia", Status.DONE), c(4, "Fiji")]
    report = build_report(MEETING, found, date(2016, 3, 22))
    assert report.meeting is MEETING and report.as_of == date(2016, 3, 22)
    (australia, fiji) = report.by_lead
    assert (australia.lead, australia.by_status[Status.OPEN], australia.by_status[Status.DONE]) == (
        "Australia",
        2,
        1,
    )
    assert (fiji.lead, fiji.total, australia.total) == ("Fiji", 1, 3)
    assert australia.refs(Status.OPEN) == ("9.1", "9.2")
