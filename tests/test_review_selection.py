"""The review paper reads only what it shows (issue 16), and shows what it always did.

``Tracker.review`` parses only the covered meetings' tables, tells from each stored commitment's
events whether any section shows it (``events.standing``) before building it, and builds it once
as of the paper's day. These properties hold that to the straightforward reading: every
commitment built with all its events, then folded as of the day, then sorted into sections.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aghtrack import events
from aghtrack.errors import BadInput
from aghtrack.events import Event, Op, as_of, event_from_dict, event_to_dict, fold, standing
from aghtrack.listing import SortKey, sort_commitments
from aghtrack.model import (
    CLOSED,
    Evidence,
    Kind,
    Meeting,
    Note,
    Status,
    clean_names,
    meeting_to_dict,
)
from aghtrack.review import Review, earlier_meetings
from aghtrack.store import Store
from aghtrack.tracker import Tracker

from ._safety import scaled
from .test_cli_through_time import OLD_STORE

START = date(2015, 1, 1)
days = st.integers(min_value=0, max_value=900).map(lambda n: START + timedelta(days=n))
#: Few distinct stamps and ids, so that events tie on their stamp, and order by id.
stamps = st.sampled_from(["2015-01-01T09:00:00Z", "2015-06-01T09:00:00.5Z", "2016-01-01T00:00:00Z"])
ids = st.sampled_from([f"00000000-0000-4000-8000-00000000000{n}" for n in range(8)])
kinds = st.sampled_from([Kind.AGREED, Kind.TASKED, Kind.WELCOMED, Kind.NOTED])


@st.composite
def event(
    draw: st.DrawFn, ops: tuple[Op, ...] = tuple(Op), dated: st.SearchStrategy[date] = days
) -> Event:
    op = draw(st.sampled_from(ops))
    on = None if op is Op.CREATE else draw(st.none() | dated if op is Op.DELETE else dated)
    common = {"id": draw(ids), "op": op, "at": draw(stamps), "by": "tester", "on": on}
    if op is Op.CREATE:
        changes = {"text": "Hold a roundtable"}
        if draw(st.booleans()):
            changes["kind"] = draw(kinds)  # type: ignore[assignment]
        return Event(**common, changes=changes)  # type: ignore[arg-type]
    if op is Op.EDIT:
        edit = draw(st.sampled_from([{"kind": draw(kinds)}, {"text": "Hold two roundtables"}]))
        return Event(**common, changes=edit)  # type: ignore[arg-type]
    if op is Op.STATUS:
        status = draw(st.sampled_from(list(Status)))
        evidence = Evidence(text="report", on=on) if draw(st.booleans()) else None
        return Event(**common, status=status, evidence=evidence)  # type: ignore[arg-type]
    if op is Op.NOTE:
        assert on is not None
        return Event(**common, note=Note(on=on, by="", text="progress"))  # type: ignore[arg-type]
    return Event(**common)  # type: ignore[arg-type]


def stored_events(events: Iterable[Event]) -> list[dict[str, object]]:
    create = Event(
        id="00000000-0000-4000-8000-00000000000f",
        op=Op.CREATE,
        at="2015-01-01T09:00:00Z",
        by="tester",
        changes={"text": "Hold a roundtable"},
    )
    return [event_to_dict(e) for e in (create, *events)]


#: Three days, so that events often tie on their day (and stamp), and order by id.
few_days = st.sampled_from([START + timedelta(days=n) for n in (10, 20, 30)])


@settings(max_examples=scaled(400, 80), deadline=None)
@given(
    events=st.lists(event() | event(dated=few_days), max_size=10),
    day=days | few_days,
    seed=st.integers(0, 1000),
)
def test_standing_is_what_the_fold_makes_of_the_stored_events(
    events: list[Event], day: date, seed: int
) -> None:
    raw = stored_events(events)
    random.Random(seed).shuffle(raw)  # the stored order need not be the replay order
    c = fold(("00000000-0000-4000-8000-0000000000aa", "9", 1), map(event_from_dict, raw), day)
    deleted = any(e.op is Op.DELETE for e in c.events)
    assert standing(raw, day) == (deleted, c.kind, c.status, c.status_on)


def test_standing_leaves_events_it_does_not_read_to_the_full_reading() -> None:
    create = {"id": "00000000-0000-4000-8000-000000000001", "op": "create", "at": "", "set": {}}
    assert standing([{**create, "id": "9.1"}], START) is None  # an id that is not canonical
    assert standing([{**create, "set": {"kind": "thanked"}}], START) is None
    assert standing([create, {**create, "op": "status", "on": "2015-02-30"}], START) is None
    assert standing([create, {**create, "op": "status", "on": "2014-12-03"}], START) is None
    assert standing([create, {**create, "op": "vote", "on": "2014-12-03"}], START) is None
    assert standing([], START) is None
    assert standing("events", START) is None


# --- the whole paper against the straightforward reading --------------------------------------


def straightforward_review(tracker: Tracker, key: str, when: date, series: str | None) -> Review:
    """The paper as first written: every commitment with all its events, folded as of the day,
    then sorted into the sections (no table skipped, nothing left unbuilt)."""
    meeting = tracker.meeting(key)
    chosen = meeting.series if series is None else series
    earlier = [m for m in earlier_meetings(meeting, tracker.meetings(), chosen) if m.date <= when]
    previous = earlier[-1] if earlier else None
    keys = {m.key for m in earlier}
    everything = tracker.record(as_of=when, everything=True)
    states = sort_commitments(
        (as_of(c, when) for c in everything if c.meeting in keys and not c.deleted),
        SortKey.MEETING,
    )
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
        meeting, when, chosen, previous, tuple(earlier), tuple(grouped), closed, informational
    )


meetings = st.lists(
    st.tuples(st.integers(0, 700), st.sampled_from(["som", "som", "ministerial"])),
    min_size=2,
    max_size=6,
)


@settings(
    max_examples=scaled(60, 12),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    held=meetings,
    records=st.lists(
        st.tuples(st.integers(0, 5), st.lists(event() | event((Op.STATUS,)), max_size=6)),
        min_size=4,
        max_size=30,
    ),
    reviewed=st.just(0) | st.integers(0, 5),
    shift=st.none() | st.integers(-100, 600),
    series=st.sampled_from([None, "", "som", "ministerial"]),
)
def test_the_review_paper_is_the_straightforward_one(
    held: list[tuple[int, str]],
    records: list[tuple[int, list[Event]]],
    reviewed: int,
    shift: int | None,
    series: str | None,
) -> None:
    found = [
        Meeting(key=str(n + 1), title=f"Meeting {n + 1}", date=START + timedelta(days=d), series=s)
        for n, (d, s) in enumerate(sorted(held))
    ]
    docs = []
    for seq, (meeting, happened) in enumerate(records, start=1):
        key = found[meeting % len(found)].key
        raw = stored_events(happened)
        # Events dated before their meeting could not be recorded; the replay need not care.
        docs.append(
            {"id": f"00000000-0000-4000-9000-{seq:012d}", "meeting": key, "seq": seq, "events": raw}
        )
    with tempfile.TemporaryDirectory() as directory:
        store = Store(Path(directory) / "store.json")
        with store.transaction(at="2015-01-01T00:00:00Z", actor="t", command="setup") as tx:
            tx.insert_many("meetings", [meeting_to_dict(m) for m in found])
            for doc in docs:
                tx.reserve_seq(str(doc["meeting"]), int(str(doc["seq"])))
            tx.insert_many("commitments", docs)
        tracker = Tracker(store, actor="tester")
        meeting = found[-1 - reviewed % len(found)]  # mostly the latest: the most to review
        when = meeting.date + timedelta(days=shift) if shift is not None else None
        if series and all(m.series != series for m in found):
            # A series no meeting belongs to would be an empty paper: refused, naming those
            # the record knows.
            with pytest.raises(BadInput, match="Known series"):
                tracker.review(meeting.key, as_of=when, series=series)
            return
        fast = tracker.review(meeting.key, as_of=when, series=series)
        assert fast == straightforward_review(tracker, meeting.key, when or meeting.date, series)


def test_a_commitment_deleted_after_the_papers_day_is_absent_as_before() -> None:
    """A delete corrects the record at every date, even one stored with a later day."""
    held = date(2015, 5, 6)
    with tempfile.TemporaryDirectory() as directory:
        store = Store(Path(directory) / "store.json")
        first = Meeting(key="9", title="Ninth", date=held, series="som")
        second = Meeting(key="10", title="Tenth", date=held + timedelta(days=300), series="som")
        deleted = Event(
            id="00000000-0000-4000-8000-000000000002",
            op=Op.DELETE,
            at="2016-06-01T00:00:00Z",
            by="tester",
            on=held + timedelta(days=400),
        )
        doc = {
            "id": "00000000-0000-4000-9000-000000000001",
            "meeting": "9",
            "seq": 1,
            "events": stored_events([deleted]),
        }
        kept = {**doc, "id": "00000000-0000-4000-9000-000000000002", "seq": 2}
        kept["events"] = stored_events([])
        with store.transaction(at="2015-01-01T00:00:00Z", actor="t", command="setup") as tx:
            tx.insert_many("meetings", [meeting_to_dict(first), meeting_to_dict(second)])
            tx.reserve_seq("9", 2)
            tx.insert_many("commitments", [doc, kept])
        review = Tracker(store, actor="tester").review("10")
        assert [c.ref for c in review.open_commitments] == ["9.2"]


@pytest.mark.parametrize("written_by", ["0.2", "this version"])
def test_a_tracker_reads_the_whole_record_again_after_a_review(
    written_by: str, tmp_path: Path
) -> None:
    """The review lets each table go once read; the same tracker must still see everything,
    whether the store's tables are parsed on demand (this version) or all at once (0.2)."""
    path = tmp_path / "store.json"
    shutil.copy(OLD_STORE, path)
    tracker = Tracker(Store(path), actor="tester")
    if written_by == "this version":
        tracker.add_note("9.5", "Draft circulated", on=date(2015, 9, 1))  # upgrades the store
        tracker = Tracker(Store(path), actor="tester")
    before = tracker.record(everything=True)
    first = tracker.review("manila-2015", series="")
    assert [c.ref for c in first.open_commitments] == ["9.2", "9.3", "9.5", "9.6", "9.7", "9.10"]
    assert tracker.record(everything=True) == before
    assert tracker.review("manila-2015", series="") == first


_name_text = st.one_of(
    st.sampled_from(
        ["Australia", "australia", "UNODC", "Viet Nam", " Fiji", "Austr\u2060alia", ""]
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
)


@settings(max_examples=scaled(300, 60), deadline=None)
@given(names=st.lists(_name_text, max_size=4))
def test_stored_names_read_as_clean_names_makes_them(names: list[str]) -> None:
    """Reading names remembers each name's spelling, not each list's: the result (or the
    refusal) must be clean_names's own."""
    try:
        expected: tuple[str, ...] | type[Exception] = clean_names(names, "owner")
    except BadInput as e:
        expected = type(e)
    try:
        found: tuple[str, ...] | type[Exception] = events._names("owner", tuple(names))
    except BadInput as e:
        found = type(e)
    assert found == expected
