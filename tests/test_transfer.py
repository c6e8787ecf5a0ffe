"""Import and export as a library: the shipped record, lossless round trips, bad files."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from aghtrack import transfer
from aghtrack.errors import ImportRejected
from aghtrack.listing import Filter
from aghtrack.model import Commitment, Kind, Status, commitment_from_dict
from aghtrack.render import records_csv
from aghtrack.store import Store
from aghtrack.tracker import Tracker

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "bali-process-ahg.json"


def load(store: Store, document: dict[str, Any] | str | bytes, fmt: str = "json", name: str = "f"):
    raw = document if isinstance(document, bytes) else None
    if raw is None:
        text = document if isinstance(document, str) else json.dumps(document)
        raw = text.encode()
    return transfer.import_bytes(store, raw, name=name, fmt=fmt, actor="tester")


def exported(store: Store) -> bytes:
    from aghtrack.render import to_json

    return to_json(transfer.export_document(store)).encode()


def document(*actions: dict[str, Any], meetings: list[dict[str, Any]] | None = None):
    return {
        "format": "aghtrack",
        "version": 1,
        "meetings": [{"key": "9", "title": "Ninth AHG SOM", "date": "2015-05-06"}]
        if meetings is None
        else meetings,
        "actions": list(actions),
    }


def generated(n: int) -> dict[str, Any]:
    """n commitments over 5 meetings, exercising every field: notes, evidence, deleted ones,
    every due form, status and kind, and some without id or number."""
    dues = [None, "late 2015", "2016-H1", "2016-Q3", "2017-02", "2018-05-31", "2019", "early 2020"]
    statuses = list(Status)
    kinds = list(Kind)
    actions = []
    for i in range(n):
        action: dict[str, Any] = {
            "meeting": str(1 + i % 4) if i % 5 else "manila-2015",
            "text": f"Commitment {i}: hold talks on returns — «{i % 7}»",
            "owners": [f"Member {i % 37}", "RSO"][: 1 + i % 2],
            "support": ["IOM"] if i % 3 == 0 else [],
            "due": dues[i % len(dues)],
            "status": statuses[i % len(statuses)].value,
            "kind": kinds[i % len(kinds)].value,
            "source": f"bullet {i % 9}",
            "tags": ["gen", f"t{i % 4}"],
        }
        if i % 11:
            action["id"] = str(uuid.UUID(int=i + 1))
        if i % 13 == 0:
            action["notes"] = [{"on": "2015-09-01", "by": "Indonesia", "text": f"Note {i}"}]
        if action["status"] == "done":
            action["evidence"] = {"text": "Held", "fulfilled_by": "manila-2015", "on": "2015-12-04"}
        if i % 17 == 0:
            action["deleted"] = True
        actions.append(action)
    meetings = [
        {"key": str(k), "title": f"AHG SOM {k}", "date": f"201{k}-05-06"} for k in range(1, 5)
    ]
    meetings.append({"key": "manila-2015", "title": "Roundtable on Returns", "date": "2015-12-03"})
    return document(*actions, meetings=meetings)


@pytest.fixture
def store(store_path: Path) -> Store:
    return Store(store_path)


@pytest.fixture
def shipped(store: Store) -> Store:
    transfer.import_file(store, SHIPPED, actor="tester")
    return store


# --- the shipped record -----------------------------------------------------------------------


def test_shipped_record_holds_meeting_9_its_8_outcomes_and_the_manila_roundtable(
    shipped: Store,
) -> None:
    tracker = Tracker(shipped, actor="tester")
    assert [m.key for m in tracker.meetings()] == ["9", "manila-2015"]
    nine = tracker.meeting("9")
    assert nine.location == "Wellington, New Zealand" and nine.observers == ("Canada",)
    assert nine.chairs == ("Indonesia", "Australia") and len(nine.attendees) == 16
    found = tracker.commitments(Filter(meeting="9"))
    assert [c.ref for c in found] == [f"9.{n}" for n in range(1, 9)]
    assert [c.source for c in found] == [f"bullet {n}" for n in range(1, 9)]
    assert [c.lead for c in found] == [
        "Members",
        "Members",
        "Australia",
        "Members",
        "Working Group on Trafficking in Persons",
        "Working Group on Disruption of Criminal Networks involved in People Smuggling "
        "and Trafficking in Persons",
        "Members",
        "RSO",
    ]
    roundtable = found[1]
    assert roundtable.due is not None and roundtable.due.text == "late 2015"
    assert roundtable.status is Status.DONE and roundtable.evidence is not None
    assert roundtable.evidence.fulfilled_by == "manila-2015"
    assert str(roundtable.evidence.on) == "2015-12-04"
    assert found[2].owners == ("Australia", "Indonesia") and found[2].support == ("RSO",)
    assert [c.status.value for c in found] == [
        "open",
        "done",
        "open",
        "done",
        "open",
        "open",
        "open",
        "done",
    ]
    assert [c.is_work for c in found] == [False, True, True, True, True, True, True, False]


def test_shipped_record_round_trips_without_loss(shipped: Store, tmp_path: Path) -> None:
    first = exported(shipped)
    other = Store(tmp_path / "other.json")
    load(other, first)
    assert exported(other) == first


def test_reimporting_the_shipped_record_adds_nothing_and_writes_nothing(
    shipped: Store, store_path: Path
) -> None:
    before = store_path.read_bytes()
    result = transfer.import_file(shipped, SHIPPED, actor="tester")
    assert (result.commitments_added, result.commitments_present) == (0, 8)
    assert (result.meetings_added, result.meetings_present) == (0, 2)
    assert store_path.read_bytes() == before


def test_an_import_is_one_journal_entry_that_undo_takes_back_whole(shipped: Store) -> None:
    tracker = Tracker(shipped, actor="tester")
    [entry] = tracker.history()
    assert entry.command == "import" and "8 commitments and 2 meetings" in entry.summary
    tracker.undo()
    assert tracker.meetings() == [] and tracker.commitments() == []


# --- generated round trips ----------------------------------------------------------------------


def test_10000_generated_commitments_round_trip_without_loss(store: Store, tmp_path: Path) -> None:
    result = load(store, generated(10_000))
    assert result.commitments_added == 10_000 and result.meetings_added == 5
    first = exported(store)
    again = Store(tmp_path / "again.json")
    load(again, first)
    assert exported(again) == first
    actions = json.loads(first)["actions"]
    assert sum(a["deleted"] for a in actions) == len(range(0, 10_000, 17))
    assert sum(bool(a["notes"]) for a in actions) == len(range(0, 10_000, 13))


def test_the_fast_checker_agrees_with_the_model(store: Store) -> None:
    load(store, generated(300))
    for action in transfer.export_document(store)["actions"]:
        checked = transfer._Checker().row((0, 0), "", action).commitment
        assert checked == commitment_from_dict(action)


def test_minimal_rows_get_ids_numbers_and_timestamps_and_reimport_adds_nothing(
    store: Store, store_path: Path
) -> None:
    minimal = document({"meeting": "9", "text": "Hold a roundtable"}, {"meeting": "9", "text": "B"})
    load(store, minimal)
    [first, second] = transfer.export_document(store)["actions"]
    assert (first["ref"], second["ref"]) == ("9.1", "9.2")
    assert uuid.UUID(first["id"]) and first["created"] and first["updated"] == first["created"]
    assert first["kind"] == "agreed" and first["status"] == "open"
    before = store_path.read_bytes()
    assert load(store, minimal).commitments_present == 2
    assert store_path.read_bytes() == before


def test_given_numbers_are_kept_and_never_issued_again(store: Store) -> None:
    load(store, document({"meeting": "9", "seq": 5, "text": "Fifth"}))
    added = Tracker(store, actor="tester").add_commitment(meeting="9", text="Next")
    assert added.ref == "9.6"


def test_existing_meeting_is_kept_as_the_store_has_it(store: Store) -> None:
    load(store, document())
    renamed = document(meetings=[{"key": "9", "title": "Other title", "date": "2015-05-06"}])
    result = load(store, renamed)
    assert (result.meetings_added, result.meetings_present) == (0, 1)
    assert Tracker(store, actor="t").meeting("9").title == "Ninth AHG SOM"


def test_progress_is_reported_up_to_the_total(store: Store) -> None:
    seen: list[tuple[int, int]] = []
    raw = json.dumps(generated(4500)).encode()
    transfer.import_bytes(
        store, raw, name="g", fmt="json", actor="t", progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (4500, 4500) and (2000, 4500) in seen


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_rows_import_with_owners_split_on_semicolons(store: Store) -> None:
    load(store, document())
    csv_text = (
        "meeting,text,owners,due,status,kind,source,tags\n"
        '9,Pilot a campaign,"Australia; Indonesia",2016-H1,in-progress,will,bullet 3,campaign\n'
        "9,Progress welcomed,,,,welcomed,bullet 1,\n"
    )
    assert load(store, csv_text, fmt="csv").commitments_added == 2
    first, second = Tracker(store, actor="t").commitments()
    assert first.owners == ("Australia", "Indonesia") and first.due is not None
    assert first.status is Status.IN_PROGRESS and first.kind is Kind.WILL
    assert first.tags == ("campaign",) and first.source == "bullet 3"
    assert second.owners == () and second.kind is Kind.WELCOMED and second.status is Status.OPEN


def test_csv_export_reimports_to_the_same_commitments_but_notes(
    shipped: Store, tmp_path: Path
) -> None:
    tracker = Tracker(shipped, actor="t")
    tracker.add_commitment(meeting="9", text='=HYPERLINK("x")', owners=["-Members"])
    csv_text = records_csv(transfer.CSV_COLUMNS, transfer.csv_rows(shipped))
    assert "'=HYPERLINK" in csv_text
    other = Store(tmp_path / "other.json")
    load(
        other,
        {
            "format": "aghtrack",
            "version": 1,
            "meetings": transfer.export_document(shipped)["meetings"],
        },
    )
    assert load(other, csv_text, fmt="csv").commitments_added == 9

    def states(found: list[Commitment]) -> list[Commitment]:
        # A CSV row carries the state, not the history that led to it.
        return [c._replace(events=()) for c in found]

    assert states(Tracker(other, actor="t").commitments()) == states(tracker.commitments())


# --- bad files ---------------------------------------------------------------------------------

GOOD = {"meeting": "9", "text": "Hold a roundtable", "due": "late 2015"}
ID = "44545c06-c462-4f4a-9aab-f9a94155ea5a"
CSV_HEADER = "meeting,text,owners,due,status\n"


@pytest.mark.parametrize(
    ("raw", "fmt", "fragments"),
    [
        (b'{"format": "aghtrack", "version": 1, "actions": [', "json", ["not valid JSON"]),
        (json.dumps({"format": "todo", "version": 1}).encode(), "json", ["not an aghtrack export"]),
        (json.dumps(document() | {"version": 7}).encode(), "json", ["newer aghtrack", "7"]),
        (
            json.dumps(document(GOOD, GOOD | {"meeting": "12"})).encode(),
            "json",
            ["actions[1]", "no meeting '12'"],
        ),
        (
            json.dumps(document(GOOD | {"due": "2015-Q5"})).encode(),
            "json",
            ["actions[0]", "2015-Q5", "late 2015"],
        ),
        (
            json.dumps(document(GOOD, GOOD | {"status": "finished"})).encode(),
            "json",
            ["actions[1]", "'finished' is not a status"],
        ),
        (json.dumps(document(GOOD | {"text": "  "})).encode(), "json", ["actions[0]", "empty"]),
        (
            json.dumps(
                document(GOOD | {"id": ID}, GOOD | {"id": ID.upper(), "text": "x"})
            ).encode(),
            "json",
            ["actions[1]", f"id {ID} is also actions[0]"],
        ),
        (
            json.dumps(document(GOOD | {"owner": "Philippines"})).encode(),
            "json",
            ["actions[0]", "unknown field 'owner'"],
        ),
        (
            json.dumps(
                document(GOOD | {"evidence": {"text": "x", "fulfilled_by": "nowhere"}})
            ).encode(),
            "json",
            ["actions[0]", "'nowhere'"],
        ),
        (
            json.dumps(document(GOOD | {"ref": "9.3", "seq": 4})).encode(),
            "json",
            ["actions[0]", "'ref' 9.3 does not match"],
        ),
        (b"meeting,text,owner\n9,x,Australia\n", "csv", ["row 1", "unknown column 'owner'"]),
        (b"meeting;text;owners\n9;x;Fiji\n", "csv", ["row 1", "separated by ';'", "commas"]),
        (b"text,owners\nx,Australia\n", "csv", ["row 1", "no 'meeting' column"]),
        (
            CSV_HEADER.encode() + b"9,ok,Australia,,\n9,Caf\xe9 talks,,,\n",
            "csv",
            ["row 3", "column 'text'", "not UTF-8"],
        ),
        (
            CSV_HEADER.encode() + b"9,ok,,late 2015,\n9,bad,,,done-ish\n",
            "csv",
            ["row 3", "'done-ish' is not a status"],
        ),
    ],
    ids=[
        "invalid-json",
        "wrong-format-tag",
        "unknown-version",
        "unknown-meeting",
        "bad-period",
        "bad-status",
        "empty-text",
        "duplicate-ids",
        "unknown-field",
        "unknown-fulfilled-by",
        "ref-mismatch",
        "bad-csv-header",
        "csv-with-semicolons",
        "csv-without-meeting",
        "non-utf8-csv",
        "csv-bad-status",
    ],
)
def test_bad_file_is_rejected_naming_the_row_and_leaves_the_store_byte_identical(
    shipped: Store, store_path: Path, raw: bytes, fmt: str, fragments: list[str]
) -> None:
    before = store_path.read_bytes()
    with pytest.raises(ImportRejected) as caught:
        transfer.import_bytes(shipped, raw, name="bad.file", fmt=fmt, actor="t")
    message = str(caught.value)
    assert message.startswith("bad.file: ") and "nothing was imported" in message
    for fragment in fragments:
        assert fragment in message
    assert "\n" not in message
    assert store_path.read_bytes() == before


def test_a_number_taken_by_another_commitment_is_rejected(shipped: Store) -> None:
    with pytest.raises(ImportRejected, match=r"actions\[0\]: 9.2 is already another commitment"):
        load(shipped, document(GOOD | {"seq": 2}, meetings=[]))


def test_many_bad_rows_name_the_first_few_and_count_the_rest(store: Store) -> None:
    rows = [GOOD | {"status": "x"} for _ in range(10)]
    with pytest.raises(ImportRejected) as caught:
        load(store, document(*rows))
    message = str(caught.value)
    assert "10 problems" in message and "And 7 more." in message
    assert "actions[0]" in message and "actions[2]" in message and "actions[3]" not in message
    assert not store.exists()
