"""Drafting a meeting's commitments from its outcome statement, for an officer to review.

``read`` turns the published statement (text, Markdown, HTML, .docx, PDF) into blocks,
``units`` into the bullets, paragraphs and sub-items an officer cites, ``classify`` reads each
sentence's verb, owners, support and due period. Here a unit becomes one proposal, or one per
operative sentence when it holds several decisions ("Members endorsed ... Participants
recommended ..."); sentences that only encourage, advise or record a view join the proposal
they elaborate ("Source and transit countries were encouraged to consider participation").

Proposals come out in the import format (``document``), so that what an officer reviews,
edits and imports, and what ``--apply`` records, are one and the same. Deterministic and
offline: the same statement always gives the same proposals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import NoOutcomes
from ..model import INFORMATIONAL, Kind, Meeting
from ..periods import DuePeriod
from .classify import STRONG, Reading, due_of, read_sentence, sentences, support_of
from .parties import MEMBERS, Parties
from .read import MAX_BYTES, Block, read_blocks, read_source
from .units import Unit, outcome_units

if TYPE_CHECKING:
    from ..tracker import Tracker

__all__ = [
    "CSV_COLUMNS",
    "MAX_BYTES",
    "Drafted",
    "Proposal",
    "apply",
    "context",
    "csv_rows",
    "document",
    "draft_from_blocks",
    "draft_statement",
    "read_source",
    "read_statement",
]

#: The CSV form of a draft: columns ``aghtrack import`` reads (informational and why are
#: accepted there and ignored: the kind decides whether an outcome is work).
CSV_COLUMNS = (
    "meeting",
    "source",
    "text",
    "kind",
    "informational",
    "owners",
    "support",
    "due",
    "why",
)

_CHAIRS = frozenset({"co-chairs", "chairs", "chair", "co-chair", "chairperson", "presidency"})


@dataclass(frozen=True)
class Proposal:
    meeting: str
    source: str
    text: str
    kind: Kind
    owners: tuple[str, ...]
    support: tuple[str, ...]
    due: DuePeriod | None
    why: str

    @property
    def informational(self) -> bool:
        return self.kind in INFORMATIONAL

    def to_action(self) -> dict[str, Any]:
        """The proposal as an action of the import format."""
        return {
            "meeting": self.meeting,
            "source": self.source,
            "text": self.text,
            "kind": self.kind.value,
            "informational": self.informational,
            "owners": list(self.owners),
            "support": list(self.support),
            "due": self.due.text if self.due else None,
            "why": self.why,
        }


@dataclass(frozen=True)
class Context:
    """What the record knows that helps read a statement of this meeting."""

    meeting: Meeting
    known_names: tuple[str, ...] = ()
    next_meeting: Meeting | None = None


def context(tracker: Tracker, key: str) -> Context:
    """The meeting, the names the record knows (its people first, then every owner and
    supporting party in the store), and the next meeting of its series, if recorded."""
    meeting = tracker.meeting(key)
    names: list[str] = [*meeting.chairs, *meeting.attendees, *meeting.observers]
    for c in tracker.commitments():
        names.extend(c.owners)
        names.extend(c.support)
    later = [
        m
        for m in tracker.meetings()
        if m.key != meeting.key
        and m.series
        and m.series == meeting.series
        and m.date > meeting.date
    ]
    following = min(later, key=lambda m: (m.date, m.key)) if later else None
    return Context(meeting, tuple(dict.fromkeys(n for n in names if n != MEMBERS)), following)


class Drafted(NamedTuple):
    """What a statement gave: its proposals, and the paragraphs that gave none. The second
    are shown to the officer, since a commitment the reader missed must not vanish silently
    (a verb it does not know, a layout it did not follow)."""

    proposals: list[Proposal]
    unread: list[Unit]


def read_statement(raw: bytes, name: str, ctx: Context) -> Drafted:
    """The draft of a statement; NoOutcomes when it records none."""
    drafted = _drafted(read_blocks(raw, name), ctx)
    if not drafted.proposals:
        raise NoOutcomes(
            f"{name}: no outcomes found (no sentence says what was agreed, decided, requested, "
            "welcomed or noted); is this the outcome statement?"
        )
    return drafted


def draft_statement(raw: bytes, name: str, ctx: Context) -> list[Proposal]:
    """Proposals for every outcome of a statement; NoOutcomes when it records none."""
    return read_statement(raw, name, ctx).proposals


def draft_from_blocks(blocks: Sequence[Block], ctx: Context) -> list[Proposal]:
    return _drafted(blocks, ctx).proposals


def _drafted(blocks: Sequence[Block], ctx: Context) -> Drafted:
    statement = "\n".join(b.text for b in blocks)
    parties = Parties(ctx.known_names, statement)
    proposals: list[Proposal] = []
    unread: list[Unit] = []
    for unit in outcome_units(list(blocks)):
        found = _unit_proposals(unit, parties, ctx)
        proposals.extend(found)
        if not found and _reads_as_text(unit.text) and not unit.source.startswith("before "):
            unread.append(unit)  # a title or preamble before the numbered paragraphs is not
    return Drafted(proposals, unread)


def _reads_as_text(text: str) -> bool:
    """A paragraph that could hold an outcome: a sentence, or more than a title's few words
    (a title, a date and a place are no outcome, and listing them would bury the rest)."""
    return len(text.split()) > 8 or text.rstrip().endswith((".", ";", ":"))


def _unit_proposals(unit: Unit, parties: Parties, ctx: Context) -> list[Proposal]:
    """A sentence that records no outcome ("Indonesia presented its plan.") still stays in
    the text of the proposal it stands beside: an officer must see every word of the
    outcome, and a dropped sentence may be the one that says who or when."""
    groups: list[list[Reading]] = []
    texts: list[list[str]] = []
    pending: list[str] = []
    previous: tuple[str, ...] = ()
    for sentence in sentences(unit.text):
        reading = read_sentence(sentence, parties, previous=previous)
        if reading is None:
            (texts[-1] if texts else pending).append(sentence)
            continue
        previous = reading.subject
        if not groups or (reading.strength == STRONG and _has_strong(groups[-1])):
            groups.append([reading])
            texts.append([*pending, sentence])
            pending = []
        else:
            groups[-1].append(reading)
            texts[-1].append(sentence)
    return [
        _proposal(unit, group, " ".join(text), parties, ctx)
        for group, text in zip(groups, texts, strict=True)
    ]


def _has_strong(group: Iterable[Reading]) -> bool:
    return any(r.strength == STRONG for r in group)


def _proposal(
    unit: Unit, group: list[Reading], text: str, parties: Parties, ctx: Context
) -> Proposal:
    deciding = next((r for r in group if r.strength == STRONG), None) or next(
        (r for r in group if not r.informational), group[0]
    )
    owners = _with_chairs(deciding.owners, ctx.meeting)
    support, support_words = support_of(text, parties, owners)
    due = due_of(deciding.text, text, ctx.meeting, ctx.next_meeting)
    why = [f"'{deciding.verb_words}' -> {deciding.kind.value}", deciding.owner_words]
    if support:
        why.append(f"'{support_words}' -> support")
    if due is not None:
        why.append(due.why)
    return Proposal(
        meeting=ctx.meeting.key,
        source=unit.source,
        text=text,
        kind=deciding.kind,
        owners=owners,
        support=support,
        due=due.period if due else None,
        why="; ".join(w for w in why if w),
    )


def _with_chairs(owners: tuple[str, ...], meeting: Meeting) -> tuple[str, ...]:
    """ "The Co-Chairs will ..." names the meeting's chairs when the record knows them, and
    stays "Co-Chairs" when it does not (an empty owner list would hide who owes the work)."""
    out: list[str] = []
    for name in owners:
        chairs = (meeting.chairs or (name,)) if name.casefold() in _CHAIRS else (name,)
        out.extend(n for n in chairs if n not in out)
    return tuple(out)


def document(proposals: Sequence[Proposal]) -> dict[str, Any]:
    """The draft as an ``aghtrack import`` file (format "aghtrack", version 1)."""
    from ..transfer import FORMAT, VERSION

    return {"format": FORMAT, "version": VERSION, "actions": [p.to_action() for p in proposals]}


def csv_rows(proposals: Sequence[Proposal]) -> list[dict[str, str]]:
    return [
        {
            "meeting": p.meeting,
            "source": p.source,
            "text": p.text,
            "kind": p.kind.value,
            "informational": "yes" if p.informational else "",
            "owners": "; ".join(p.owners),
            "support": "; ".join(p.support),
            "due": p.due.text if p.due else "",
            "why": p.why,
        }
        for p in proposals
    ]


def apply(tracker: Tracker, proposals: Sequence[Proposal], name: str) -> tuple[str, ...]:
    """Record the proposals as one change (one ``undo`` takes them all back), through the
    very import that reads ``--format json``; returns the new references. Applying the same
    draft twice adds nothing the second time (rows without an id get one from their text)."""
    import orjson

    from ..transfer import import_bytes

    result = import_bytes(
        tracker.store,
        orjson.dumps(document(proposals)),
        name=f"draft of {name}",
        fmt="json",
        actor=tracker.actor,
        command="draft",
    )
    return result.added
