"""The progress review of one meeting as of a date: who owes what, and how far it got (pure).

Every output format renders the same ``Report``, so a figure in the terminal, the HTML page
and the CSV can never disagree. The counting rules are decided here, once, and spelled out in
``Report.method`` so that each format states how it counted:

- Informational outcomes (the meeting only *welcomed* or *noted* something) are listed but owe
  nothing: they are counted apart, never as open, overdue or done work.
- ``by_status`` counts the work commitments only, every status present, zeros included.
- Overdue is ``Commitment.is_overdue``: open, in progress or blocked work whose due period
  ended before the as-of date (on the period's last day it is still on time).
- The done share is done ÷ the work still asked for, i.e. work commitments less those dropped
  or superseded: a commitment a later meeting withdrew or replaced is neither failure nor
  success, and counting it would make the review read worse (or better) than the record.
- Per lead ("who owes what"): each work commitment counts once, under its lead, the
  first-named owner. Co-owners and supporting parties are not counted there (the commitments
  table names them), so the per-lead totals add up to the number of work commitments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import NamedTuple

from .aliases import party_key
from .changes import Change
from .listing import SortKey, sort_commitments
from .model import Commitment, Meeting, Status

#: Where work with no owner named is listed in the per-lead view.
NO_LEAD = "(no lead)"


def _zero_counts() -> dict[Status, int]:
    return dict.fromkeys(Status, 0)


class LeadLine(NamedTuple):
    """The work one party leads: its commitments in status order and how many are overdue."""

    lead: str
    commitments: tuple[Commitment, ...]
    by_status: Mapping[Status, int]
    overdue: tuple[Commitment, ...]

    @property
    def total(self) -> int:
        return len(self.commitments)

    def refs(self, status: Status) -> tuple[str, ...]:
        return tuple(c.ref for c in self.commitments if c.status is status)


class Report(NamedTuple):
    meeting: Meeting
    as_of: date
    owner: str | None
    #: Everything shown, informational outcomes included, in reference order.
    commitments: tuple[Commitment, ...]
    by_status: Mapping[Status, int]
    overdue: tuple[Commitment, ...]
    informational: tuple[Commitment, ...]
    by_lead: tuple[LeadLine, ...]
    #: With ``--since``: the day after which changes are listed, and the changes up to as_of.
    since: date | None = None
    changes: tuple[Change, ...] = ()

    @property
    def total(self) -> int:
        return len(self.commitments)

    @property
    def work(self) -> int:
        return self.total - len(self.informational)

    @property
    def done(self) -> int:
        return self.by_status[Status.DONE]

    @property
    def done_base(self) -> int:
        """The work still asked for: what the done share is a share of."""
        return self.work - self.by_status[Status.DROPPED] - self.by_status[Status.SUPERSEDED]

    @property
    def done_share(self) -> float | None:
        """Done ÷ work still asked for, 0.0-1.0; None when nothing is asked for."""
        return self.done / self.done_base if self.done_base else None

    @property
    def done_percent(self) -> str:
        share = self.done_share
        return "n/a" if share is None else f"{round(share * 100)}%"

    @property
    def method(self) -> tuple[str, ...]:
        """How this report counted, in sentences every format prints as its footnote."""
        informational = len(self.informational)
        lines = [
            f"Overdue: open, in-progress or blocked work whose due period ended before "
            f"{self.as_of.isoformat()}; on the last day of its period a commitment is still "
            "on time.",
            "Done share: done ÷ work commitments still asked for (dropped and superseded ones "
            f"left out): {self.done} of {self.done_base}.",
            f"Informational outcomes (welcomed or noted; {informational} here) are listed for "
            "the record but owe nothing: they are not counted as open, overdue or done work.",
            "Per lead: each work commitment counts once, under its lead (the first-named "
            "owner); co-owners and supporting parties are named in the commitments table.",
        ]
        if self.since is not None:
            lines.append(
                f"Changes since {self.since.isoformat()}: what the record dates after that day "
                f"and up to {self.as_of.isoformat()} (when it happened, not when it was typed)."
            )
        if self.owner is not None:
            lines.append(
                f"Only commitments involving {self.owner} (as lead, co-owner or supporting "
                "party) are included."
            )
        return tuple(lines)


def build_report(
    meeting: Meeting,
    commitments: Iterable[Commitment],
    as_of: date,
    *,
    owner: str | None = None,
    since: date | None = None,
    changes: Iterable[Change] = (),
) -> Report:
    """The review of ``meeting`` as of ``as_of``; with ``owner``, only what involves that party.

    Commitments of other meetings and deleted ones are left out here too, so a caller cannot
    make the figures wrong by passing a wider list.
    """
    shown = [
        c
        for c in commitments
        if c.meeting == meeting.key and not c.deleted and (owner is None or c.involves(owner))
    ]
    shown = sort_commitments(shown, SortKey.MEETING)
    work = [c for c in shown if c.is_work]

    by_status = _zero_counts()
    for c in work:
        by_status[c.status] += 1

    # One line per party however its name was capitalised; it keeps the first spelling seen.
    led: dict[str, tuple[str, list[Commitment]]] = {}
    for c in work:
        lead = c.lead or NO_LEAD
        # One lead however the record spells it ("Vietnam", "Viet Nam"), named as first seen.
        led.setdefault(party_key(lead), (lead, []))[1].append(c)
    by_lead = tuple(
        _lead_line(lead, led_commitments, as_of)
        for lead, led_commitments in sorted(
            led.values(), key=lambda line: (line[0] == NO_LEAD, line[0].casefold(), line[0])
        )
    )

    return Report(
        meeting=meeting,
        as_of=as_of,
        owner=owner,
        commitments=tuple(shown),
        by_status=MappingProxyType(by_status),
        overdue=tuple(c for c in work if c.is_overdue(as_of)),
        informational=tuple(c for c in shown if not c.is_work),
        by_lead=by_lead,
        since=since,
        changes=tuple(x for x in changes if x.ref in {c.ref for c in shown}),
    )


def _lead_line(lead: str, commitments: list[Commitment], as_of: date) -> LeadLine:
    counts = _zero_counts()
    for c in commitments:
        counts[c.status] += 1
    return LeadLine(
        lead=lead,
        commitments=tuple(commitments),
        by_status=MappingProxyType(counts),
        overdue=tuple(c for c in commitments if c.is_overdue(as_of)),
    )
