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

from .listing import SortKey, meeting_order, sort_commitments
from .model import CLOSED, INFORMATIONAL, Commitment, Kind, Meeting, Status


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


class Scope(NamedTuple):
    """Which meetings a review paper covers, and which of their commitments it shows: known
    before a single commitment is read, so the reader parses only those meetings' tables and
    builds only the commitments some section shows (half of them, at 100,000)."""

    meeting: Meeting
    as_of: date
    series: str
    earlier: tuple[Meeting, ...]
    previous: Meeting | None

    def shows(self, meeting: str, kind: Kind, status: Status, status_on: date | None) -> bool:
        """Whether a live commitment of an earlier meeting, with this kind and status (set
        on ``status_on``) as of the review's day, appears in any section of the paper."""
        if kind in INFORMATIONAL:
            return self.previous is not None and meeting == self.previous.key
        return status not in CLOSED or _closed_since(self.previous, status_on)


def _closed_since(previous: Meeting | None, status_on: date | None) -> bool:
    return previous is None or (status_on is not None and status_on > previous.date)


def review_scope(
    meeting: Meeting, meetings: Iterable[Meeting], as_of: date, *, series: str | None = None
) -> Scope:
    chosen = meeting.series if series is None else series
    earlier = tuple(m for m in earlier_meetings(meeting, meetings, chosen) if m.date <= as_of)
    return Scope(meeting, as_of, chosen, earlier, earlier[-1] if earlier else None)


def build_review(scope: Scope, states: Iterable[Commitment]) -> Review:
    """The review paper of ``scope``; ``states`` are live commitments as of its day (any
    meeting: those of meetings outside the review are left out here)."""
    earlier, previous = scope.earlier, scope.previous
    keys = {m.key for m in earlier}
    chosen = sort_commitments((c for c in states if c.meeting in keys), SortKey.MEETING)
    still_open: dict[str, list[Commitment]] = {}
    for c in chosen:
        if c.is_open:
            still_open.setdefault(c.meeting, []).append(c)
    grouped = [(m, tuple(still_open[m.key])) for m in earlier if m.key in still_open]
    closed = tuple(
        c
        for c in chosen
        if c.is_work and c.status in CLOSED and _closed_since(previous, c.status_on)
    )
    informational = tuple(
        c for c in chosen if previous is not None and c.meeting == previous.key and not c.is_work
    )
    return Review(
        meeting=scope.meeting,
        as_of=scope.as_of,
        series=scope.series,
        previous=previous,
        earlier=earlier,
        open=tuple(grouped),
        closed_since=closed,
        informational=informational,
    )
