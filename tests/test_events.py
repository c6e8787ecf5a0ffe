"""The record through time: a commitment's state on any day is the replay of its events dated
up to that day, nothing else (issue 11)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aghtrack.errors import BadInput, InvalidTransition
from aghtrack.events import Op, as_of, event_from_dict, event_to_dict, fold, legacy_events
from aghtrack.model import (
    CLOSED,
    Commitment,
    Evidence,
    Meeting,
    Note,
    Status,
    commitment_from_dict,
    commitment_to_dict,
    parse_kind,
    stored_dict,
)
from aghtrack.periods import parse_period
from aghtrack.store import Store
from aghtrack.tracker import Tracker

from ._safety import scaled

HELD = date(2015, 5, 6)
TODAY = date(2016, 12, 31)
FAR_FUTURE = date(9999, 12, 31)


@contextmanager
def pinned_today(day: date) -> Iterator[None]:
    old = os.environ.get("AGHTRACK_TODAY")
    os.environ["AGHTRACK_TODAY"] = day.isoformat()
    try:
        yield
    finally:
        if old is None:
            del os.environ["AGHTRACK_TODAY"]
        else:
            os.environ["AGHTRACK_TODAY"] = old


def new_tracker(directory: Path) -> Tracker:
    tracker = Tracker(Store(directory / "store.json"), actor="tester")
    tracker.add_meeting(Meeting(key="9", title="Ninth AHG SOM", date=HELD))
    tracker.add_commitment(meeting="9", text="Hold a roundtable", due=parse_period("late 2015"))
    return tracker


# --- an independent oracle: the officer's changes, replayed by date ---------------------------


@dataclass
class Expected:
    """What the record should say on a day, computed without the events module: the changes
    the officer made, applied in order of the day they happened (then the order typed)."""

    changes: list[tuple[date, int, str, object]] = field(default_factory=list)

    def on(self, day: date) -> tuple[Status, tuple[str, ...], str | None, str]:
        status, notes, due, text = Status.OPEN, (), "late 2015", "Hold a roundtable"
        for _, _, what, value in sorted(
            (c for c in self.changes if c[0] <= day), key=lambda c: c[:2]
        ):
            if what == "status":
                assert isinstance(value, Status)
                status = value
            elif what == "note":
                notes = (*notes, str(value))
            elif what == "due":
                due = None if value is None else str(value)
            elif what == "text":
                text = str(value)
        return status, notes, due, text

    def next_status(self, day: date) -> Status | None:
        """The first status change dated after ``day`` (of one day, the first typed)."""
        later = sorted(
            (c for c in self.changes if c[0] > day and c[2] == "status"), key=lambda c: c[:2]
        )
        return None if not later else later[0][3]  # type: ignore[return-value]


days = st.integers(min_value=0, max_value=(TODAY - HELD).days).map(
    lambda n: HELD + timedelta(days=n)
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("status"), days, st.sampled_from(list(Status))),
        st.tuples(st.just("note"), days, st.sampled_from(["drafted", "launched", "reported"])),
        st.tuples(st.just("due"), days, st.sampled_from([None, "2016-H1", "late 2016", "2017"])),
        st.tuples(st.just("text"), days, st.sampled_from(["Hold it", "Hold two roundtables"])),
    ),
    max_size=12,
)


@settings(
    max_examples=scaled(40, 12),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=operations, probes=st.lists(days, min_size=1, max_size=6))
def test_the_record_as_of_any_day_is_the_replay_of_the_changes_dated_up_to_it(
    ops: list[tuple[str, date, object]], probes: list[date]
) -> None:
    expected = Expected()
    with tempfile.TemporaryDirectory() as directory, pinned_today(TODAY):
        tracker = new_tracker(Path(directory))
        for n, (what, day, value) in enumerate(ops):
            try:
                if what == "status":
                    assert isinstance(value, Status)
                    tracker.update_commitment("9.1", status=value, on=day)
                elif what == "note":
                    tracker.add_note("9.1", str(value), on=day)
                elif what == "due":
                    period = parse_period(str(value)) if value is not None else None
                    tracker.update_commitment("9.1", due=period, on=day)
                else:
                    tracker.update_commitment("9.1", text=str(value), on=day)
            except InvalidTransition:
                # Refused against the state on that day, or against the status change dated
                # after it, which must be able to follow: nothing recorded.
                assert isinstance(value, Status)
                following = expected.next_status(day)
                assert (
                    value == expected.on(day)[0]
                    or value not in _allowed(expected.on(day)[0])
                    or (
                        following is not None
                        and following not in _allowed(value)
                        and not (following == value and value not in CLOSED)
                    )
                )
                continue
            expected.changes.append((day, n, what, value))
        # Whatever order the changes were typed in, their dates tell a story the status rules
        # allow: each status follows the one before it (no "dropped" then "done").
        story = [
            v for _, _, what, v in sorted(expected.changes, key=lambda c: c[:2]) if what == "status"
        ]
        for before, after in zip([Status.OPEN, *story], story, strict=False):
            # A start or a block dated earlier than first recorded repeats it: no new story.
            repeated = after == before and before not in CLOSED
            assert isinstance(before, Status) and (after in _allowed(before) or repeated)
        for day in [*probes, HELD, TODAY]:
            c = tracker.commitment("9.1", as_of=day)
            status, notes, due, text = expected.on(day)
            assert (c.status, tuple(n.text for n in c.notes)) == (status, notes)
            assert (c.due.text if c.due else None, c.text) == (due, text)
        # As of the far future is the current state: every event applied.
        current = tracker.commitment("9.1", as_of=FAR_FUTURE)
        assert (
            current
            == as_of(current, FAR_FUTURE)
            == fold((current.id, current.meeting, current.seq), current.events)
        )
        assert (current.status, tuple(n.text for n in current.notes)) == expected.on(TODAY)[:2]


def _allowed(status: Status) -> frozenset[Status]:
    from aghtrack.model import TRANSITIONS

    return TRANSITIONS[status]


# --- events and their dict shape -------------------------------------------------------------


def test_every_kind_of_event_survives_its_dict_shape(tmp_path: Path) -> None:
    with pinned_today(TODAY):
        tracker = new_tracker(tmp_path)
        tracker.add_commitment(meeting="9", text="A newer plan")
        tracker.update_commitment("9.1", due=parse_period("2016-H1"), on=date(2015, 8, 1))
        tracker.update_commitment("9.1", status=Status.IN_PROGRESS, on=date(2015, 9, 1))
        tracker.add_note("9.1", "Venue found", on=date(2015, 10, 1), by="Philippines")
        tracker.update_commitment(
            "9.1", status=Status.SUPERSEDED, superseded_by="9.2", on=date(2016, 3, 22)
        )
        tracker.delete("9.2")
    c = _c(tracker)
    assert commitment_from_dict(stored_dict(c)) == c
    assert [e.op for e in c.events] == [Op.CREATE, Op.EDIT, Op.STATUS, Op.NOTE, Op.STATUS]
    for e in c.events:
        assert event_from_dict(event_to_dict(e)) == e
    assert commitment_from_dict(commitment_to_dict(c)) == c


def _c(tracker: Tracker) -> Commitment:
    found = tracker.store.load().commitment("9", 1)
    assert found is not None
    return commitment_from_dict(found[1])


def test_superseding_links_both_commitments_and_dates_the_change(tmp_path: Path) -> None:
    with pinned_today(TODAY):
        tracker = new_tracker(tmp_path)
        tracker.add_commitment(meeting="9", text="A newer plan")
        tracker.update_commitment(
            "9.1", status=Status.SUPERSEDED, superseded_by="9.2", on=date(2016, 3, 22)
        )
        old, new = tracker.commitment("9.1"), tracker.commitment("9.2")
        assert (old.status, old.superseded_by, old.status_on) == (
            Status.SUPERSEDED,
            "9.2",
            date(2016, 3, 22),
        )
        assert new.replaces == ("9.1",)
        before = tracker.commitment("9.1", as_of=date(2016, 3, 21))
        assert (before.status, before.superseded_by) == (Status.OPEN, None)
        with pytest.raises(BadInput, match="by itself"):
            tracker.update_commitment("9.2", status=Status.SUPERSEDED, superseded_by="9.2")
        with pytest.raises(BadInput, match="--status superseded"):
            tracker.update_commitment("9.2", status=Status.DROPPED, superseded_by="9.1")


def test_a_backdated_status_is_checked_against_the_state_on_its_day(tmp_path: Path) -> None:
    with pinned_today(TODAY):
        tracker = new_tracker(tmp_path)
        tracker.complete("9.1", evidence="Held in Manila", on=date(2015, 12, 4))
        # Work had started before it was done: allowed, and the current state stays done.
        tracker.update_commitment("9.1", status=Status.IN_PROGRESS, on=date(2015, 9, 1))
        assert tracker.commitment("9.1").status is Status.DONE
        assert tracker.commitment("9.1", as_of=date(2015, 10, 1)).status is Status.IN_PROGRESS
        with pytest.raises(InvalidTransition, match="already done"):
            tracker.complete("9.1", on=date(2016, 1, 1))


def test_a_commitment_does_not_exist_before_its_meeting(tmp_path: Path) -> None:
    with pinned_today(TODAY):
        tracker = new_tracker(tmp_path)
        assert tracker.commitments(as_of=HELD - timedelta(days=1)) == []
        assert [c.ref for c in tracker.commitments(as_of=HELD)] == ["9.1"]
        with pytest.raises(BadInput, match="held on 2015-05-06"):
            tracker.commitment("9.1", as_of=date(2015, 5, 1))
        with pytest.raises(BadInput, match="2015-05-06, after 2015-05-01"):
            tracker.report("9", as_of=date(2015, 5, 1))


# --- records written before events --------------------------------------------------------------


def test_a_state_without_events_stands_for_the_events_it_implies() -> None:
    state = Commitment(
        id="44545c06-c462-4f4a-9aab-f9a94155ea5a",
        meeting="9",
        seq=2,
        text="Hold a roundtable",
        status=Status.DONE,
        notes=(Note(date(2015, 9, 1), "Philippines", "Venue found"),),
        evidence=Evidence("Held in Manila", "manila-2015", date(2015, 12, 4)),
        created="2016-03-22T00:00:00Z",
        updated="2016-03-22T00:00:00Z",
    )
    events = legacy_events(state)
    assert [e.op for e in events] == [Op.CREATE, Op.STATUS, Op.NOTE]
    # The evidence date is the best date the record has for the status.
    assert (events[1].on, events[1].estimated) == (date(2015, 12, 4), "")
    assert legacy_events(state) == events  # the same ids every time: two offices agree
    c = fold((state.id, "9", 2), events)
    assert c._replace(events=(), status_on=None) == state
    assert as_of(c, date(2015, 12, 3)).status is Status.OPEN
    # Without an evidence date, when it was recorded is used, and said to be a guess.
    undated = state._replace(evidence=None, status=Status.DROPPED)
    status = legacy_events(undated)[1]
    assert status.on == date(2016, 3, 22) and "not recorded" in status.estimated


# --- the dict shape and the report's since section, rule by rule ---------------------------------


def _legacy_doc() -> dict[str, object]:
    return {
        "id": "44545c06-c462-4f4a-9aab-f9a94155ea5a",
        "meeting": "9",
        "seq": 2,
        "text": "Hold a roundtable",
        "status": "done",
        "evidence": {"text": "Held", "fulfilled_by": None, "on": "2015-12-04"},
        "created": "2016-03-22T00:00:00Z",
    }


def test_a_document_without_events_is_read_as_of_a_day_too() -> None:
    assert commitment_from_dict(_legacy_doc(), date(2015, 12, 3)).status is Status.OPEN
    assert commitment_from_dict(_legacy_doc(), date(2015, 12, 4)).status is Status.DONE
    assert commitment_from_dict(_legacy_doc()).status_on == date(2015, 12, 4)
    assert commitment_to_dict(commitment_from_dict(_legacy_doc()))["status_on"] == "2015-12-04"


def test_events_that_are_not_a_list_are_refused() -> None:
    with pytest.raises(TypeError, match="'events' must be a list"):
        commitment_from_dict({**_legacy_doc(), "events": "create"})


def test_the_report_keeps_its_since_day_and_only_its_own_meetings_changes(tmp_path: Path) -> None:
    from aghtrack.changes import Change, What
    from aghtrack.report import build_report

    with pinned_today(TODAY):
        tracker = new_tracker(tmp_path)
        meeting = tracker.meeting("9")
        mine = Change("9.1", date(2015, 12, 4), What.NOTE, "held")
        other = Change("10.1", date(2015, 12, 4), What.NOTE, "elsewhere")
        found = build_report(
            meeting,
            tracker.commitments(),
            TODAY,
            since=HELD,
            changes=[mine, other],
        )
    assert found.since == HELD and found.changes == (mine,)
    assert any("Changes since 2015-05-06" in line for line in found.method)
    assert build_report(meeting, [], TODAY).since is None


def test_fold_and_event_reading_put_every_value_in_the_field_of_its_name() -> None:
    """``fold`` and ``event_from_dict`` make their tuples positionally (issue 16: keywords cost
    each of a review's 24,000 commitments a microsecond); every field must still get its own
    value, which distinct values in every field show."""
    ids = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(4)]
    raw = [
        {"id": ids[0], "op": "create", "at": "2015-05-06T01:00:00.5Z", "by": "ana",
         "set": {"text": "Hold a roundtable", "kind": "agreed", "owners": ["Philippines"],
                 "support": ["Indonesia"], "due": "late 2015", "source": "para 7",
                 "tags": ["returns"], "replaces": ["8.2"]}},
        {"id": ids[1], "op": "status", "at": "2015-09-02T00:00:00Z", "by": "ben",
         "on": "2015-09-01", "status": "superseded", "superseded_by": "10.4",
         "estimated": "date from the minutes",
         "evidence": {"text": "Held", "fulfilled_by": "10", "on": "2015-08-30"}},
        {"id": ids[2], "op": "note", "at": "2015-07-01T00:00:00Z", "by": "cy",
         "on": "2015-06-30", "author": "Cy", "text": "Venue found"},
    ]  # fmt: skip
    e = event_from_dict(raw[1])
    assert (e.id, e.op, e.at, e.by, e.on) == (
        ids[1],
        Op.STATUS,
        raw[1]["at"],
        "ben",
        date(2015, 9, 1),
    )
    assert (e.status, e.superseded_by, e.estimated) == (
        Status.SUPERSEDED,
        "10.4",
        raw[1]["estimated"],
    )
    assert e.evidence == Evidence(text="Held", fulfilled_by="10", on=date(2015, 8, 30))
    assert e.note is None and not e.changes and not e.over
    c = commitment_from_dict({"id": ids[3], "meeting": "9", "seq": 3, "events": raw})
    assert c._asdict() == {
        "id": ids[3], "meeting": "9", "seq": 3, "text": "Hold a roundtable",
        "kind": parse_kind("agreed"), "owners": ("Philippines",), "support": ("Indonesia",),
        "due": parse_period("late 2015"), "status": Status.SUPERSEDED, "source": "para 7",
        "notes": (Note(on=date(2015, 6, 30), by="Cy", text="Venue found"),),
        "evidence": e.evidence, "tags": ("returns",), "created": "2015-05-06T01:00:00Z",
        "updated": "2015-09-02T00:00:00Z", "deleted": False,
        "events": tuple(sorted(c.events, key=lambda x: x.order())),
        "superseded_by": "10.4", "replaces": ("8.2",), "status_on": date(2015, 9, 1),
        "status_estimated": "date from the minutes",
    }  # fmt: skip
    assert [x.id for x in c.events] == [ids[0], ids[2], ids[1]]
