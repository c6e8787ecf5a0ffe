"""What changed in the record between two days: the section a review paper opens with (pure).

"What has happened since the last meeting?" is answered from the commitments' dated events,
not from when things were typed: a status change recorded in March but dated December is a
December change. A change counts when its date is after ``since`` and on or before ``until``
(the review's as-of day); so ``--since`` a meeting's date lists what happened after that
meeting, and the meeting's own outcomes (endorsed at the meeting, say) are not news.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from .events import Op, as_of, replay
from .listing import meeting_order
from .model import Commitment, Evidence, Status


class What(StrEnum):
    NEW = "new"
    STATUS = "status"
    NOTE = "note"
    EVIDENCE = "evidence"
    EDIT = "edit"
    OVERDUE = "overdue"


class Change(NamedTuple):
    """One change to one commitment. ``detail`` is the text a paper shows after the reference:
    the note, the evidence, the fields edited."""

    ref: str
    on: date
    what: What
    detail: str = ""
    from_status: Status | None = None
    to_status: Status | None = None

    def to_dict(self) -> dict[str, str | None]:
        found: dict[str, str | None] = {
            "ref": self.ref,
            "on": self.on.isoformat(),
            "what": self.what.value,
        }
        if self.what is What.STATUS:
            found["from"] = self.from_status.value if self.from_status else None
            found["to"] = self.to_status.value if self.to_status else None
        if self.detail:
            found["detail"] = self.detail
        return found

    @property
    def sentence(self) -> str:
        """The change in words, without its reference and date (every format adds those)."""
        if self.what is What.STATUS:
            before = self.from_status.value if self.from_status else "?"
            after = self.to_status.value if self.to_status else "?"
            return f"{before} → {after}" + (f" ({self.detail})" if self.detail else "")
        labels = {
            What.NEW: "new commitment",
            What.NOTE: "note",
            What.EVIDENCE: "evidence",
            What.EDIT: "changed",
            What.OVERDUE: "became overdue",
        }
        return labels[self.what] + (f": {self.detail}" if self.detail else "")


def changes_between(
    commitments: Iterable[Commitment],
    meeting_dates: Mapping[str, date],
    since: date,
    until: date,
) -> list[Change]:
    """Every change to ``commitments`` (each with all its events) dated after ``since`` and up
    to ``until``, by date and then reference."""
    found: list[Change] = []
    for c in commitments:
        held = meeting_dates.get(c.meeting)
        if c.deleted or (held is not None and held > until):
            continue
        if held is not None and since < held:
            found.append(Change(c.ref, held, What.NEW, c.text))
        found.extend(_event_changes(c, since, until))
        overdue = _became_overdue(c, since, until)
        if overdue is not None:
            found.append(overdue)
    return sorted(found, key=lambda x: (x.on, meeting_order(x.ref.rpartition(".")[0]), _seq(x)))


def _seq(change: Change) -> int:
    tail = change.ref.rpartition(".")[2]
    return int(tail) if tail.isdigit() else 0


def _event_changes(c: Commitment, since: date, until: date) -> list[Change]:
    found: list[Change] = []
    status = Status.OPEN
    for e, state in replay(e for e in c.events if e.dated_by(until)):
        in_window = e.on is not None and since < e.on <= until
        if e.op is Op.STATUS and e.status is not None:
            if in_window and e.on is not None:
                link = f"superseded by {e.superseded_by}" if e.superseded_by else ""
                found.append(Change(c.ref, e.on, What.STATUS, link, status, e.status))
                if e.evidence is not None:
                    found.append(Change(c.ref, e.on, What.EVIDENCE, _evidence_text(e.evidence)))
            status = state.status
        elif in_window and e.on is not None and e.op is Op.NOTE and e.note is not None:
            found.append(Change(c.ref, e.on, What.NOTE, f"{e.note.by}: {e.note.text}"))
        elif in_window and e.on is not None and e.op is Op.EDIT:
            fields = ", ".join(_field_change(name, value) for name, value in e.changes.items())
            found.append(Change(c.ref, e.on, What.EDIT, fields))
    return found


def _field_change(name: str, value: object) -> str:
    if name == "due":
        return f"due {value or 'none'}"
    if isinstance(value, tuple):
        return f"{name} {', '.join(str(v) for v in value) or 'none'}"
    return f"{name} {value}"


def _evidence_text(evidence: Evidence) -> str:
    parts = [evidence.text or ""]
    if evidence.fulfilled_by:
        parts.append(f"fulfilled by meeting {evidence.fulfilled_by}")
    return "; ".join(p for p in parts if p)


def _became_overdue(c: Commitment, since: date, until: date) -> Change | None:
    """Overdue on ``until``, and became so after ``since``: dated the first day of the
    stretch of lateness that runs to ``until``. That is the day after its period ended only
    if it was open then: a due date moved into the past, or a reopening, makes it late from
    the day of that change. Lateness starts or ends only on such days: the day after a due
    period it had ended, or a dated change."""
    now = as_of(c, until)
    if now.due is None or not now.is_overdue(until):
        return None
    days = {e.on for e in c.events if e.on is not None and e.on <= until}
    for e in c.events:
        due = e.changes.get("due") if e.op in (Op.CREATE, Op.EDIT) else None
        if due is not None:
            days.add(due.due_by + timedelta(days=1))
    start = None
    for day in sorted((d for d in days if d <= until), reverse=True):
        if not _late(c, day):
            break
        if not _late(c, day - timedelta(days=1)):
            start = day
            break
    if start is None or start <= since:
        return None
    return Change(c.ref, start, What.OVERDUE, f"due {now.due.text}")


def _late(c: Commitment, day: date) -> bool:
    return as_of(c, day).is_overdue(day)
