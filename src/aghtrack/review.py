"""The next meeting's review paper: what earlier meetings asked for and where it stands (pure).

A Senior Officials' Meeting opens by reviewing progress since the previous one. For meeting M
(held on day D, or reviewed as of another day), the paper lists:

- **still open**: every work commitment of an earlier meeting of the series that was open, in
  progress or blocked on D, grouped by the meeting it came from, oldest first (a decade of
  reviews keeps old promises in view until someone closes them);
- **closed since** the previous meeting of the series: done, dropped or superseded after that
  meeting's date and by D, with the evidence;
- **for information**: the outcomes of the previous meeting that only recorded a view.

The series is the one given, else M's own; a meeting with none is reviewed against every
earlier meeting in the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from .events import as_of as state_as_of
from .listing import SortKey, meeting_order, sort_commitments
from .model import CLOSED, Commitment, Meeting


class Review(NamedTuple):
    meeting: Meeting
    as_of: date
    series: str
    #: The latest earlier meeting of the series: the one whose outcomes are new to this review.
    previous: Meeting | None
    earlier: tuple[Meeting, ...]
    #: Work still open on ``as_of``, by the meeting it came from, oldest meeting first.
    open: tuple[tuple[Meeting, tuple[Commitment, ...]], ...]
    closed_since: tuple[Commitment, ...]
    informational: tuple[Commitment, ...]

    @property
    def open_commitments(self) -> tuple[Commitment, ...]:
        return tuple(c for _, group in self.open for c in group)

    @property
    def method(self) -> tuple[str, ...]:
        since = (
            f"after meeting {self.previous.key} ({self.previous.date.isoformat()})"
            if self.previous
            else "ever"
        )
        scope = f"meetings of the series '{self.series}'" if self.series else "meetings"
        return (
            f"Still open: work commitments of earlier {scope} that were open, in progress or "
            f"blocked on {self.as_of.isoformat()}.",
            f"Closed since: done, dropped or superseded {since}, up to "
            f"{self.as_of.isoformat()}, by the date recorded for the change.",
            "For information: outcomes of the previous meeting that only welcomed or noted "
            "something; they owe nothing.",
        )


def earlier_meetings(meeting: Meeting, meetings: Iterable[Meeting], series: str) -> list[Meeting]:
    """Meetings held before ``meeting`` (of ``series`` when it is set), oldest first."""
    return sorted(
        (
            m
            for m in meetings
            if m.date < meeting.date and m.key != meeting.key and (not series or m.series == series)
        ),
        key=lambda m: (m.date, meeting_order(m.key)),
    )


def build_review(
    meeting: Meeting,
    meetings: Iterable[Meeting],
    commitments: Iterable[Commitment],
    as_of: date,
    *,
    series: str | None = None,
) -> Review:
    """The review paper of ``meeting``; ``commitments`` with all their events (any meeting:
    those of meetings outside the review are left out here)."""
    chosen = meeting.series if series is None else series
    earlier = [m for m in earlier_meetings(meeting, meetings, chosen) if m.date <= as_of]
    previous = earlier[-1] if earlier else None
    keys = {m.key for m in earlier}
    states = [state_as_of(c, as_of) for c in commitments if c.meeting in keys and not c.deleted]
    states = sort_commitments(states, SortKey.MEETING)
    grouped = []
    for m in earlier:
        group = tuple(c for c in states if c.meeting == m.key and c.is_open)
        if group:
            grouped.append((m, group))
    closed = tuple(
        c
        for c in states
        if c.is_work
        and c.status in CLOSED
        and (previous is None or (c.status_on is not None and c.status_on > previous.date))
    )
    informational = tuple(
        c for c in states if previous is not None and c.meeting == previous.key and not c.is_work
    )
    return Review(
        meeting=meeting,
        as_of=as_of,
        series=chosen,
        previous=previous,
        earlier=tuple(earlier),
        open=tuple(grouped),
        closed_since=closed,
        informational=informational,
    )
