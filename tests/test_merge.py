"""The record's merge, pure: union of events, references, meetings, concurrent edits."""

from __future__ import annotations

from types import MappingProxyType

from aghtrack.events import Event, Op
from aghtrack.merge import (
    concurrent_edits,
    merge_file,
    merge_meetings,
    read_lines,
    renumber,
    union_commitments,
    write_lines,
)


def _doc(id_: str, seq: int, *events: dict[str, object]) -> dict[str, object]:
    return {"id": id_, "meeting": "9", "seq": seq, "events": list(events)}


def _ev(id_: str, at: str, op: str = "note") -> dict[str, object]:
    return {"id": id_, "op": op, "at": at, "by": "x", "on": "2016-01-01", "text": id_}


def test_two_copies_of_a_commitment_keep_every_event_of_both_in_replay_order() -> None:
    a = _doc("c", 3, _ev("e1", "2026-01-01T00:00:01Z"), _ev("e3", "2026-01-01T00:00:03Z"))
    b = _doc("c", 3, _ev("e1", "2026-01-01T00:00:01Z"), _ev("e2", "2026-01-01T00:00:02Z"))
    merged = union_commitments([a], [b])
    assert [e["id"] for e in merged[0]["events"]] == ["e1", "e2", "e3"]  # type: ignore[index]
    assert union_commitments([b], [a]) == merged


def test_the_file_merge_is_symmetric_and_never_drops_a_line() -> None:
    a = write_lines([_doc("c1", 1, _ev("e1", "2026-01-01T00:00:01Z"))])
    b = write_lines([_doc("c2", 2, _ev("e2", "2026-01-01T00:00:02Z"))])
    path = "commitments/9/0.jsonl"
    assert merge_file(path, b"", a, b) == merge_file(path, b"", b, a)
    assert [d["id"] for d in read_lines(merge_file(path, b"", a, b))] == ["c1", "c2"]


def test_of_two_commitments_at_one_number_the_one_created_first_keeps_it() -> None:
    early = _doc("b", 9, _ev("x", "2026-01-01T00:00:01Z", "create"))
    late = _doc("a", 9, _ev("y", "2026-01-01T00:00:02Z", "create"))
    fixed, moved = renumber([late, early], last_seq=10)
    assert [(d["id"], d["seq"]) for d in fixed] == [("b", 9), ("a", 11)]
    assert moved[0].old == 9 and moved[0].new == 11 and moved[0].kept_by == "b"


def test_meetings_merge_field_by_field_and_both_orders_agree() -> None:
    base = [{"key": "9", "title": "Ninth", "location": "Bali"}]
    ours = [{"key": "9", "title": "Ninth SOM", "location": "Bali"}]
    theirs = [{"key": "9", "title": "Ninth", "location": "Jakarta"}]
    merged = merge_meetings(base, ours, theirs)
    assert merged == [{"key": "9", "title": "Ninth SOM", "location": "Jakarta"}]
    both = [{"key": "9", "title": "A", "location": "Bali"}]
    other = [{"key": "9", "title": "B", "location": "Bali"}]
    assert merge_meetings(base, both, other) == merge_meetings(base, other, both)


def _edit(id_: str, at: str, value: str, over: str | None) -> Event:
    return Event(
        id_,
        Op.EDIT,
        at,
        "office-" + id_,
        on=None,
        changes=MappingProxyType({"due": value}),
        over=MappingProxyType({} if over is None else {"due": over}),
    )


def test_two_first_edits_of_a_field_made_apart_are_concurrent() -> None:
    a = _edit("a", "2026-01-01T00:00:01Z", "2016", "")
    b = _edit("b", "2026-01-01T00:00:02Z", "2017", "")
    lost = concurrent_edits([a, b])
    assert list(lost) == ["a"] and lost["a"].winner.id == "b" and lost["a"].fields == ("due",)


def test_an_edit_made_after_seeing_the_other_is_not_concurrent() -> None:
    a = _edit("a", "2026-01-01T00:00:01Z", "2016", "")
    b = _edit("b", "2026-01-01T00:00:02Z", "2017", "a")
    assert concurrent_edits([a, b]) == {}
    # Edits written before sharing existed (no record of what they replaced) never are.
    assert concurrent_edits([_edit("c", "1", "x", None), _edit("d", "2", "y", None)]) == {}
