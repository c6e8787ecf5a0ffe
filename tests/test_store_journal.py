"""The journal records a change by what it added, and a commitment's history reads only the
blocks that name its table (issue 16: a command costs what it does in a store used for years)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aghtrack.errors import CorruptStore, InvalidTransition
from aghtrack.model import Meeting, Status
from aghtrack.store import Store
from aghtrack.store.journal import appended_only
from aghtrack.store.layout import (
    JOURNAL,
    Snapshot,
    commitments_table,
    journal_table,
    read_store_file,
    serialise,
    tables_folder,
)
from aghtrack.tracker import Tracker

from ._safety import scaled


def _entries(store: Store) -> list[tuple[int, dict[str, object]]]:
    return list(store.load().journal())


def _record(tracker: Tracker) -> dict[str, dict[str, object]]:
    """Every commitment document as stored, by table and id."""
    snapshot = tracker.store.load()
    found: dict[str, dict[str, object]] = {}
    for table, doc_id, doc in snapshot.commitments():
        found[f"{table}#{doc_id}"] = doc
    return found


def test_a_note_is_journalled_by_the_events_it_added_not_a_copy_of_the_commitment(
    meeting9: Tracker,
) -> None:
    c = meeting9.add_commitment(meeting="9", text="Hold a roundtable on returns", owners=["PH"])
    for n in range(30):
        meeting9.add_note(c.ref, f"Progress {n}", on=date(2015, 6, 1))
    entries = _entries(meeting9.store)
    (_, newest), (_, first_note) = entries[0], entries[-2]
    table = commitments_table("9", c.seq)
    assert newest["appended"] == {table: {str(c.seq): 30}}
    assert newest["before"] == {}
    # The 30th note's entry is no bigger than the first's, though the commitment has 30 events.
    assert len(orjson.dumps(newest)) <= len(orjson.dumps(first_note)) + 2
    assert len(orjson.dumps(newest)) < 400


def test_a_change_that_is_not_only_added_events_keeps_the_whole_copy() -> None:
    before = {"id": "x", "events": [{"op": "create"}]}
    assert appended_only(before, {**before, "events": [{"op": "create"}, {"op": "note"}]}) == 1
    # Something else changed, an event was rewritten, or nothing was added: a copy.
    assert appended_only(before, {**before, "id": "y", "events": [{"op": "create"}, {}]}) is None
    assert appended_only(before, {**before, "events": [{"op": "edit"}, {"op": "note"}]}) is None
    assert appended_only(before, {**before, "events": [{"op": "create"}]}) is None
    grown = {"id": "x", "events": [{"op": "create"}, {"op": "note"}], "extra": 1}
    assert appended_only(before, grown) is None
    assert appended_only({"id": "x"}, {"id": "x", "events": [{}]}) is None


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["note", "status", "edit", "done", "add", "undo"]), st.integers(0, 2)
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=scaled(40, 15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=_OPS)
def test_undoing_every_change_gives_back_each_version_of_the_record_exactly(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, int]]
) -> None:
    """After any run of changes and undos, each undo puts back exactly the record as it was
    before the change it reverts, whether that change was journalled by its added events or
    by a copy."""
    path = tmp_path_factory.mktemp("journal") / "store.json"
    tracker = Tracker(Store(path), actor="tester")
    tracker.add_meeting(Meeting(key="9", title="Ninth", date=date(2015, 5, 6), location="W"))
    refs = [tracker.add_commitment(meeting="9", text=f"Commitment {i}").ref for i in range(3)]
    versions = [_record(tracker)]  # the record before each change still in force
    for op, i in ops:
        ref = refs[i % len(refs)]
        day = date(2015, 7, 1)
        if op == "undo":
            if len(versions) > 1:
                tracker.undo()
                versions.pop()
                assert _record(tracker) == versions[-1]
            continue
        try:
            if op == "note":
                tracker.add_note(ref, f"note on {ref}", on=day)
            elif op == "status":
                tracker.update_commitment(ref, status=Status.IN_PROGRESS, on=day)
            elif op == "edit":
                tracker.update_commitment(ref, text=f"Edited {len(versions)}", on=day)
            elif op == "done":
                tracker.complete(ref, evidence="Reported", on=day)
            else:
                refs.append(tracker.add_commitment(meeting="9", text="Added later").ref)
        except InvalidTransition:  # already in progress, or done: nothing was changed
            assert _record(tracker) == versions[-1]
            continue
        versions.append(_record(tracker))
    while len(versions) > 1:
        tracker.undo()
        versions.pop()
        assert _record(tracker) == versions[-1]


def test_undo_of_an_entry_its_commitment_no_longer_matches_is_refused(tmp_path: Path) -> None:
    """The count is checked against the commitment before anything is cut: a journal that
    does not match it (a store put together by hand) is refused in one line, and nothing
    changes."""
    path = tmp_path / "store.json"
    tracker = Tracker(Store(path), actor="tester")
    tracker.add_meeting(Meeting(key="9", title="Ninth", date=date(2015, 5, 6), location="W"))
    c = tracker.add_commitment(meeting="9", text="Hold a roundtable on returns")
    tracker.add_note(c.ref, "First", on=date(2015, 6, 1))
    table = commitments_table("9", c.seq)
    tables = read_store_file(path)
    assert isinstance(tables, dict)
    journal = tables[journal_table(3)]
    assert journal["3"]["appended"] == {table: {str(c.seq): 1}}
    journal["3"]["appended"] = {table: {str(c.seq): 2}}  # the commitment has 2 events
    path.write_bytes(serialise(tables))  # every table inline, with its checksum
    shutil.rmtree(tables_folder(path))
    kept = path.read_bytes()
    with pytest.raises(CorruptStore, match="journal entry 3 no longer matches"):
        tracker.undo()
    assert path.read_bytes() == kept
    assert tracker.commitment(c.ref).notes[0].text == "First"


def test_a_commitments_history_is_the_same_and_skips_the_blocks_that_never_name_it(
    tracker: Tracker,
) -> None:
    for key in ("9", "10"):
        tracker.add_meeting(
            Meeting(key=key, title=f"Meeting {key}", date=date(2015, 5, 6), location="W")
        )
    nine = tracker.add_commitment(meeting="9", text="Hold a roundtable on returns")
    ten = tracker.add_commitment(meeting="10", text="Pilot an information campaign")
    # Over two blocks of 200 entries only about meeting 10, then one about 9.
    for n in range(420):
        tracker.add_note(ten.ref, f"Progress {n}", on=date(2015, 6, 1))
    tracker.add_note(nine.ref, "Roundtable held", on=date(2015, 12, 4))
    snapshot = tracker.store.load()
    everything = [
        seq for seq, doc in snapshot.journal() if _touches(doc, commitments_table("9", 1), 1)
    ]
    fresh = tracker.store.load()
    found = [seq for seq, _ in fresh.journal(commitments_table("9", 1))]
    assert set(everything) <= set(found)
    parsed = {name for name in fresh.tables if name.startswith(f"{JOURNAL}/")}
    # Only the first block (the meeting's and the commitment's creation) and the newest.
    assert parsed == {journal_table(1), journal_table(tracker_last_seq(fresh))}
    shown = [h.summary for h in tracker.history(nine.ref)]
    assert shown[0].startswith("Noted on 9.1") and any("Added 9.1" in s for s in shown)
    assert len(shown) == len(everything)


def _touches(doc: dict[str, object], table: str, doc_id: int) -> bool:
    created = doc.get("created") or {}
    before = doc.get("before") or {}
    appended = doc.get("appended") or {}
    assert isinstance(created, dict) and isinstance(before, dict) and isinstance(appended, dict)
    return (
        doc_id in created.get(table, ())
        or str(doc_id) in before.get(table, {})
        or str(doc_id) in appended.get(table, {})
    )


def tracker_last_seq(snapshot: Snapshot) -> int:
    return max(seq for seq, _ in snapshot.journal())


@pytest.mark.parametrize("appended", [[1], {"t": [1]}, {"t": {"x": 1}}, {"t": {"1": -1}}])
def test_doctor_names_a_journal_entry_whose_added_events_are_malformed(
    tmp_path: Path, appended: object
) -> None:
    from aghtrack.doctor import check_file

    path = tmp_path / "store.json"
    tracker = Tracker(Store(path), actor="tester")
    tracker.add_meeting(Meeting(key="9", title="Ninth", date=date(2015, 5, 6), location="W"))
    c = tracker.add_commitment(meeting="9", text="Hold a roundtable on returns")
    tracker.add_note(c.ref, "First", on=date(2015, 6, 1))
    assert check_file(path, tables_folder(path)).problems == ()
    tables = read_store_file(path)
    assert isinstance(tables, dict)
    tables[journal_table(3)]["3"]["appended"] = appended
    path.write_bytes(serialise(tables))
    shutil.rmtree(tables_folder(path))
    assert check_file(path, tables_folder(path)).problems == (
        "journal entry 3 is malformed, so 'undo' could not use it",
    )
