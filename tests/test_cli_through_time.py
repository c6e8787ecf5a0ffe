"""The record through time from the command line, on the shipped record (issue 11's "Done
when"), an upgrade from a store written by aghtrack 0.2, undo of every dated write, and export
and import keeping every event."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from aghtrack.store import Store
from aghtrack.store.layout import SCHEMA, read_store_file

from .conftest import Cli

DATA = Path(__file__).resolve().parents[1] / "data" / "bali-process-ahg.json"
#: A store as aghtrack 0.2 (schema 2, states without events) left it: the shipped record with
#: a dated note and a status change on 9.3, a note on 9.5, 9.9 added and deleted, 9.10 added
#: and edited, 9.11 added and undone.
OLD_STORE = Path(__file__).resolve().parent / "fixtures" / "store-schema2-v0.2.json"
SERIES = "Bali Process Ad Hoc Group Senior Officials' Meeting"


@pytest.fixture
def shipped(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("AGHTRACK_TODAY", "2016-03-22")
    assert cli("import", str(DATA)).exit_code == 0
    return cli


def statuses(cli: Cli, *args: str) -> dict[str, str]:
    result = cli("report", "-m", "9", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return {a["ref"]: a["status"] for a in json.loads(result.stdout)["actions"]}


def refused(cli: Cli, store: Path, *args: str) -> str:
    """Run a command that must be refused as bad input, leaving the store as it was; its one
    line on stderr."""
    before = store.read_bytes()
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == "", result.stderr
    assert store.read_bytes() == before
    return result.stderr


def test_the_shipped_record_carries_the_dates_it_knows(shipped: Cli) -> None:
    before = statuses(shipped, "--as-of", "2015-10-01")
    after = statuses(shipped, "--as-of", "2016-01-15")
    assert before["9.2"] == "open" and after["9.2"] == "done"
    overdue = json.loads(shipped("report", "-m", "9", "--as-of", "2015-10-01", "-f", "json").stdout)
    assert "9.2" not in overdue["summary"]["overdue_refs"]  # due late 2015: not yet late
    assert before["9.4"] == after["9.4"] == "done"  # endorsed at the meeting itself
    shown = json.loads(shipped("show", "9.4", "--json").stdout)
    assert shown["status_on"] == "2015-05-06"


def test_a_review_of_a_meeting_not_yet_held_is_one_line_naming_both_dates(shipped: Cli) -> None:
    result = shipped("report", "-m", "9", "--as-of", "2015-05-01")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "2015-05-06" in result.stderr and "2015-05-01" in result.stderr


def test_a_status_change_dated_in_the_past_shows_from_that_day(shipped: Cli) -> None:
    assert shipped("update", "9.3", "--status", "in-progress", "--on", "2015-09-01").exit_code == 0

    def status_on(day: str) -> str:
        return str(json.loads(shipped("show", "9.3", "--as-of", day, "--json").stdout)["status"])

    assert status_on("2015-08-31") == "open"
    assert status_on("2015-09-02") == "in-progress"
    listed = json.loads(shipped("list", "-m", "9", "--as-of", "2015-08-31", "--json").stdout)
    assert {c["ref"]: c["status"] for c in listed}["9.3"] == "open"
    # show says when it happened and when it was recorded.
    shown = shipped("show", "9.3").stdout
    assert "2015-09-01: status in-progress (recorded" in " ".join(shown.split())


def test_a_note_is_absent_from_a_review_as_of_before_its_date(shipped: Cli) -> None:
    assert shipped("note", "9.5", "Training survey sent", "--on", "2016-01-10").exit_code == 0
    early = shipped("report", "-m", "9", "--as-of", "2015-12-31", "-f", "md").stdout
    late = shipped("report", "-m", "9", "--as-of", "2016-01-10", "-f", "md").stdout
    assert "Training survey sent" not in early and "Training survey sent" in late


@pytest.mark.parametrize("since", ["2015-05-06", "9"])
def test_since_lists_what_changed_in_every_format(shipped: Cli, since: str) -> None:
    shipped("note", "9.5", "Training survey sent", "--on", "2016-01-10")
    result = shipped("report", "-m", "9", "--as-of", "2016-03-22", "--since", since, "-f", "json")
    found = json.loads(result.stdout)["since"]
    assert found["date"] == "2015-05-06"
    assert {"ref": "9.2", "on": "2015-12-04", "what": "status", "from": "open", "to": "done"} in (
        found["changes"]
    )
    assert [c["what"] for c in found["changes"] if c["ref"] == "9.5"] == ["note"]
    assert not [c for c in found["changes"] if c["ref"] == "9.4"]  # done at the meeting itself
    for fmt, needle in (("md", "open → done"), ("html", "open → done"), ("table", "open → done")):
        out = shipped("report", "-m", "9", "--as-of", "2016-03-22", "--since", since, "-f", fmt)
        assert needle in out.stdout and "What changed since 2015-05-06" in out.stdout, fmt
    csv_out = shipped("report", "-m", "9", "--since", since, "-f", "csv").stdout
    assert "changes_since" in csv_out.splitlines()[0] and "open → done" in csv_out


def test_since_without_it_leaves_the_report_as_it_was(shipped: Cli) -> None:
    assert "since" not in json.loads(shipped("report", "-m", "9", "-f", "json").stdout)
    bad = shipped("report", "-m", "9", "--since", "last year")
    assert bad.exit_code == 2 and "--since" in bad.stderr


def test_review_10_lists_what_is_open_and_what_closed_since_meeting_9(shipped: Cli) -> None:
    added = shipped("meeting", "add", "10", "--title", "Tenth AHG SOM", "--date", "2016-03-22",
                    "--series", SERIES)  # fmt: skip
    assert added.exit_code == 0
    paper = json.loads(shipped("review", "10", "-f", "json").stdout)
    assert paper["previous"] == {"key": "9", "date": "2015-05-06"}
    assert [c["ref"] for c in paper["open"]] == ["9.3", "9.5", "9.6", "9.7"]
    assert [c["ref"] for c in paper["closed_since"]] == ["9.2"]
    assert paper["closed_since"][0]["evidence"]["fulfilled_by"] == "manila-2015"
    assert [c["ref"] for c in paper["informational"]] == ["9.1", "9.8"]
    assert paper["as_of"] == "2016-03-22"
    # The same paper as of an earlier day: the roundtable had not been held yet.
    early = json.loads(shipped("review", "10", "--as-of", "2015-11-01", "-f", "json").stdout)
    assert "9.2" in [c["ref"] for c in early["open"]] and early["closed_since"] == []
    for fmt in ("table", "md", "html", "csv"):
        out = shipped("review", "10", "-f", fmt)
        assert out.exit_code == 0 and "9.3" in out.stdout and "9.2" in out.stdout, fmt


def test_superseded_by_is_named_on_both_sides(shipped: Cli) -> None:
    shipped("meeting", "add", "10", "--title", "Tenth AHG SOM", "--date", "2016-03-22")
    assert (
        shipped("add-action", "Run the pilot campaign in two more countries", "-m", "10").exit_code
        == 0
    )
    result = shipped("update", "9.3", "--status", "superseded", "--by", "10.1")
    assert result.exit_code == 0, result.stderr
    old = json.loads(shipped("show", "9.3", "--json").stdout)
    new = json.loads(shipped("show", "10.1", "--json").stdout)
    assert old["superseded_by"] == "10.1" and new["replaces"] == ["9.3"]
    assert "Superseded by: 10.1" in shipped("report", "-m", "9", "-f", "md").stdout


# --- upgrade from aghtrack 0.2 ------------------------------------------------------------------


def test_a_store_written_by_the_previous_release_is_read_and_upgraded_losing_nothing(
    cli: Cli, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fixture was written on 2026-11-29: 9.3's undated status change is taken to be then.
    monkeypatch.setenv("AGHTRACK_TODAY", "2026-12-01")
    store_path.parent.mkdir(parents=True)
    shutil.copy(OLD_STORE, store_path)
    before = json.loads(cli("list", "--all", "--json").stdout)
    assert [c["ref"] for c in before] == [f"9.{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10)]
    history = json.loads(cli("history", "--json").stdout)
    # 9.3's status was recorded without a date: the best the record has, and show says so.
    shown = cli("show", "9.3").stdout
    assert "date not recorded" in " ".join(shown.split())
    # The first write upgrades the file; nothing is lost, and the old journal still undoes.
    assert cli("note", "9.7", "Contribution pledged", "--on", "2016-02-01").exit_code == 0
    assert read_store_file(store_path)["meta"]["1"]["schema"] == SCHEMA  # type: ignore[index]
    after = json.loads(cli("list", "--all", "--json").stdout)
    assert [_state(c) for c in after if c["ref"] != "9.7"] == [
        _state(c) for c in before if c["ref"] != "9.7"
    ]
    assert json.loads(cli("history", "--json").stdout)[1:] == history
    assert cli("undo").exit_code == 0  # the note
    assert cli("undo").exit_code == 0  # 0.2's "update 9.10 --due mid 2016 --owner ..."
    reverted = {c["ref"]: c for c in json.loads(cli("list", "--all", "--json").stdout)}
    assert reverted["9.10"]["due"] == "2016-H1" and reverted["9.10"]["owners"] == ["Thailand"]
    # References issued by 0.2 are never issued again (9.11 was added and undone there).
    assert cli("add-action", "New", "-m", "9").stdout.strip() == "9.12"
    assert cli("show", "9.9").exit_code == 1  # deleted under 0.2, still deleted


def _state(c: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in c.items() if k not in ("events", "status_on", "updated")}


# --- undo of every dated write, and export/import of events -------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        ["update", "9.3", "--status", "in-progress", "--on", "2015-09-01"],
        ["update", "9.3", "--due", "2016-H1", "--owner", "Indonesia", "--on", "2015-10-01"],
        ["done", "9.3", "--evidence", "Campaign run", "--on", "2016-02-01"],
        ["note", "9.3", "Materials drafted", "--on", "2015-09-01"],
        ["update", "9.3", "--status", "superseded", "--by", "9.5"],
        ["delete", "9.3", "--yes"],
    ],
)
def test_undo_reverts_each_kind_of_dated_write_events_included(
    shipped: Cli, store_path: Path, change: list[str]
) -> None:
    before = read_store_file(store_path)
    assert shipped(*change).exit_code == 0
    assert read_store_file(store_path) != before
    assert shipped("undo").exit_code == 0
    after = read_store_file(store_path)
    assert isinstance(before, dict) and isinstance(after, dict)
    for name in before:
        if name.startswith("commitments"):
            assert after[name] == before[name], name


def test_export_then_import_keeps_every_event(shipped: Cli, tmp_path: Path) -> None:
    shipped("meeting", "add", "10", "--title", "Tenth AHG SOM", "--date", "2016-03-22")
    shipped("add-action", "A newer plan", "-m", "10")
    shipped("update", "9.3", "--status", "in-progress", "--on", "2015-09-01")
    shipped("update", "9.3", "--due", "2016-H1", "--on", "2015-10-01")
    shipped("note", "9.3", "Materials drafted", "--on", "2015-11-01", "--by", "Indonesia")
    shipped("update", "9.5", "--status", "superseded", "--by", "10.1", "--on", "2016-03-22")
    shipped("add-action", "Mistake", "-m", "9")
    shipped("delete", "9.9", "--yes")
    exported = shipped("export").stdout
    events = sum(len(a["events"]) for a in json.loads(exported)["actions"])
    (tmp_path / "record.json").write_text(exported, encoding="utf-8")
    other = tmp_path / "other" / "store.json"
    imported = shipped("--db", str(other), "import", str(tmp_path / "record.json"))
    assert imported.exit_code == 0, imported.stderr
    again = shipped("--db", str(other), "export").stdout
    assert again == exported
    assert sum(len(a["events"]) for a in json.loads(again)["actions"]) == events >= 17
    early = shipped("--db", str(other), "show", "9.3", "--as-of", "2015-09-15", "--json").stdout
    assert json.loads(early)["status"] == "in-progress" and json.loads(early)["due"] is None


def test_an_import_whose_state_contradicts_its_events_is_refused(
    shipped: Cli, tmp_path: Path, store_path: Path
) -> None:
    document = json.loads(shipped("export").stdout)
    document["actions"][2]["status"] = "done"  # a hand edit of the state alone
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    other = tmp_path / "other" / "store.json"
    result = shipped("--db", str(other), "import", str(path))
    assert result.exit_code == 2 and "actions[2]" in result.stderr and "events" in result.stderr
    assert not Store(other).exists()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_the_shipped_record_round_trips_through_every_export_format(
    shipped: Cli, tmp_path: Path, fmt: str
) -> None:
    """The shipped events carry no recorder (``by``): every format must still carry them."""
    path = tmp_path / f"record.{fmt}"
    assert shipped("export", "--format", fmt, "--output", str(path)).exit_code == 0
    other = tmp_path / "other" / "store.json"
    if fmt == "csv":  # a CSV holds commitments only: its meetings come first
        meetings = {**json.loads(DATA.read_text(encoding="utf-8")), "actions": []}
        (tmp_path / "meetings.json").write_text(json.dumps(meetings), encoding="utf-8")
        assert shipped("--db", str(other), "import", str(tmp_path / "meetings.json")).exit_code == 0
    imported = shipped("--db", str(other), "import", str(path))
    assert imported.exit_code == 0, imported.stderr
    ours = json.loads(shipped("export").stdout)
    theirs = json.loads(shipped("--db", str(other), "export").stdout)
    if fmt == "csv":  # no events in a CSV: compare the states
        ours["actions"] = [_state(a) for a in ours["actions"]]
        theirs["actions"] = [_state(a) for a in theirs["actions"]]
    assert theirs == ours


def test_of_two_notes_on_one_day_the_later_recorded_is_the_latest(shipped: Cli) -> None:
    assert shipped("note", "9.5", "Survey drafted", "--on", "2016-01-10").exit_code == 0
    assert shipped("note", "9.5", "Survey sent", "--on", "2016-01-10").exit_code == 0
    rows = shipped("report", "-m", "9", "-f", "csv").stdout
    assert "2016-01-10 tester: Survey sent" in rows
    assert "2016-01-10 tester: Survey drafted" not in rows


@pytest.mark.parametrize(
    "args",
    [
        ["note", "9.5", "x", "--on", ""],
        ["update", "9.5", "--status", "blocked", "--on", ""],
        ["done", "9.5", "--on", ""],
        ["list", "--as-of", ""],
        ["show", "9.5", "--as-of", ""],
        ["report", "-m", "9", "--as-of", ""],
        ["review", "9", "--as-of", ""],
    ],
)
def test_an_empty_date_is_refused_not_taken_as_today(
    shipped: Cli, store_path: Path, args: list[str]
) -> None:
    """A script whose $DATE is unset passes ``--on ""``: that is not a date, not "today"."""
    assert "'' is not a date" in refused(shipped, store_path, *args)


def test_a_bad_pinned_today_names_its_variable(
    shipped: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGHTRACK_TODAY", "garbage")
    result = shipped("list")
    assert result.exit_code == 2 and result.stderr.startswith("aghtrack: AGHTRACK_TODAY: ")


@pytest.mark.parametrize("since", ["2015-12-04", "manila-2015"])
def test_since_after_the_as_of_day_is_refused(shipped: Cli, since: str) -> None:
    result = shipped("report", "-m", "9", "--as-of", "2015-10-01", "--since", since)
    assert result.exit_code == 2 and result.stdout == ""
    assert "is after the day the report is as of (2015-10-01)" in result.stderr


def test_review_series_is_one_the_record_knows_in_any_case(shipped: Cli) -> None:
    added = shipped("meeting", "add", "10", "--title", "Tenth AHG SOM", "--date", "2016-03-22",
                    "--series", SERIES)  # fmt: skip
    assert added.exit_code == 0
    unknown = shipped("review", "10", "--series", "AHG")
    assert unknown.exit_code == 2 and f"'{SERIES}'." in unknown.stderr
    own = shipped("review", "10", "-f", "json").stdout
    assert shipped("review", "10", "--series", SERIES.upper(), "-f", "json").stdout == own


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["update", "9.5", "--status", "dropped", "--on", "2015-10-01"], "which cannot follow"),
        (["done", "9.5", "--on", "2015-11-01"], "as recorded already"),
        (["update", "9.5", "--status", "superseded", "--by", "9.6", "--on", "2015-11-01"],
         "which cannot follow"),
    ],
)  # fmt: skip
def test_a_back_dated_status_change_must_fit_the_one_dated_after_it(
    shipped: Cli, store_path: Path, args: list[str], said: str
) -> None:
    """9.5 is done on 2016-01-10: a change dated before that which "done" cannot follow
    (dropped is only reopened; done twice; superseded then done) is refused, naming it."""
    assert shipped("done", "9.5", "--on", "2016-01-10").exit_code == 0
    said_instead = refused(shipped, store_path, *args)
    assert "on 2016-01-10 it becomes done" in said_instead and said in said_instead
    # A change that fits both neighbours is taken.
    assert shipped("update", "9.5", "--status", "in-progress", "--on", "2015-10-01").exit_code == 0


def test_json_as_of_a_day_holds_no_event_from_after_it(shipped: Cli) -> None:
    """9.5 done on 2016-01-10: as of 2015-12-31 its JSON, in every read, says nothing of it."""
    assert (
        shipped("done", "9.5", "--evidence", "Survey report", "--on", "2016-01-10").exit_code == 0
    )
    shown = json.loads(shipped("show", "9.5", "--as-of", "2015-12-31", "--json").stdout)
    listed = json.loads(shipped("list", "-m", "9", "--as-of", "2015-12-31", "--json").stdout)
    reported = json.loads(
        shipped("report", "-m", "9", "--as-of", "2015-12-31", "-f", "json").stdout
    )
    for c in (shown, *[c for c in listed if c["ref"] == "9.5"]):
        assert c["status"] != "done" and "Survey report" not in json.dumps(c)
        assert all(e.get("on", "") <= "2015-12-31" for e in c["events"])
    assert "Survey report" not in json.dumps(reported)
    # As of the day itself, the change is there.
    later = json.loads(shipped("show", "9.5", "--as-of", "2016-01-10", "--json").stdout)
    assert "Survey report" in json.dumps(later["events"])


def test_supersessions_recorded_out_of_date_order_keep_every_link(shipped: Cli) -> None:
    """Each supersession sets 10.1's whole list of what it replaces: the one dated first but
    recorded last must not be dropped from the later dates, nor marked a concurrent edit."""
    added = shipped("meeting", "add", "10", "--title", "Tenth AHG SOM", "--date", "2016-01-15",
                    "--series", SERIES)  # fmt: skip
    assert added.exit_code == 0
    assert shipped("add-action", "One plan for both", "-m", "10").exit_code == 0
    for ref, day in (("9.5", "2016-03-01"), ("9.6", "2016-02-01"), ("9.7", "2016-01-20")):
        assert (
            shipped("update", ref, "--status", "superseded", "--by", "10.1", "--on", day).exit_code
            == 0
        )

    def replaces(day: str) -> list[str]:
        shown = json.loads(shipped("show", "10.1", "--as-of", day, "--json").stdout)
        return list(shown["replaces"])

    assert replaces("2016-01-20") == ["9.7"]
    assert replaces("2016-02-01") == ["9.6", "9.7"]
    assert replaces("2016-03-22") == ["9.5", "9.6", "9.7"]
    assert "concurrent edit" not in shipped("show", "10.1").stdout


def test_a_commitment_is_not_superseded_before_its_successor_was_agreed(
    shipped: Cli, store_path: Path
) -> None:
    added = shipped("meeting", "add", "10", "--title", "Tenth", "--date", "2016-03-01")
    assert added.exit_code == 0 and shipped("add-action", "Plan", "-m", "10").exit_code == 0
    early = refused(
        shipped, store_path, "update", "9.5", "--status", "superseded", "--by", "10.1",
        "--on", "2016-01-10",
    )  # fmt: skip
    assert "agreed at meeting 10 on 2016-03-01" in early


def test_a_meeting_entered_ahead_says_when_its_commitments_show(shipped: Cli) -> None:
    """Today is 2016-03-22 and meeting 10 is on 2016-06-01: its commitments exist from then.
    Each refusal says so in the future tense and how to see or correct them."""
    assert (
        shipped("meeting", "add", "10", "--title", "Tenth", "--date", "2016-06-01").exit_code == 0
    )
    assert shipped("add-action", "Hold a workshop", "-m", "10").exit_code == 0
    listed = shipped("list", "-m", "10")
    assert listed.exit_code == 0
    assert "meeting 10 is on 2016-06-01, after 2016-03-22; add --as-of 2016-06-01" in listed.stderr
    shown = shipped("show", "10.1")
    assert (
        shown.exit_code == 2
        and "is to be held on 2016-06-01; add --as-of 2016-06-01" in shown.stderr
    )
    assert "Hold a workshop" in shipped("show", "10.1", "--as-of", "2016-06-01").stdout
    fixed = shipped("update", "10.1", "--text", "Hold two workshops")
    assert fixed.exit_code == 2 and "'aghtrack delete 10.1' and add it again" in fixed.stderr
    # A meeting held: the past tense, and no advice to delete.
    late = shipped("update", "9.5", "--status", "blocked", "--on", "2015-01-01")
    assert "was agreed at meeting 9" in late.stderr and "delete" not in late.stderr


def test_report_and_review_take_json_as_every_read_command_does(shipped: Cli) -> None:
    assert (
        shipped("meeting", "add", "10", "--title", "Tenth", "--date", "2016-03-22").exit_code == 0
    )
    for args in (["report", "-m", "9"], ["review", "10"]):
        assert shipped(*args, "--json").stdout == shipped(*args, "-f", "json").stdout


def test_a_meeting_key_shaped_like_a_date_is_refused(shipped: Cli) -> None:
    """``--since 2016-01-20`` would always mean the date, never the meeting."""
    added = shipped("meeting", "add", "2016-01-20", "--title", "Roundtable", "--date", "2016-01-20")
    assert added.exit_code == 2 and "som-2016-01-20" in added.stderr
    assert (
        shipped(
            "meeting", "add", "2016-01", "--title", "Roundtable", "--date", "2016-01-20"
        ).exit_code
        == 0
    )


def test_became_overdue_is_dated_when_it_really_became_late(shipped: Cli) -> None:
    """9.5 is due 2016-H1: moved to 2015-Q4 on 2016-02-01, it is late from that day, not
    from 2016-01-01 (when the list as of then shows it on time); a commitment done in time
    and reopened after its period is late from the reopening."""
    assert shipped("update", "9.5", "--due", "2015-Q4", "--on", "2016-02-01").exit_code == 0
    assert shipped("update", "9.6", "--due", "2015-Q3", "--on", "2015-05-06").exit_code == 0
    assert shipped("done", "9.6", "--on", "2015-06-01").exit_code == 0
    assert shipped("update", "9.6", "--status", "open", "--on", "2016-02-10").exit_code == 0

    def became_overdue(since: str) -> dict[str, str]:
        paper = json.loads(
            shipped(
                "report", "-m", "9", "--as-of", "2016-03-01", "--since", since, "-f", "json"
            ).stdout
        )
        return {c["ref"]: c["on"] for c in paper["since"]["changes"] if c["what"] == "overdue"}

    late = became_overdue("2016-01-15")
    assert late["9.5"] == "2016-02-01"
    assert late["9.6"] == "2016-02-10"
    listed = json.loads(shipped("list", "--overdue", "--as-of", "2016-01-10", "--json").stdout)
    assert "9.5" not in [c["ref"] for c in listed]
    assert became_overdue("2016-02-01") == {k: v for k, v in late.items() if v > "2016-02-01"}


def test_an_export_from_before_0_4_of_a_reopened_commitment_still_imports(
    shipped: Cli, tmp_path: Path
) -> None:
    """Before 0.4 a reopened commitment kept its closing's evidence in its state, and its
    exports say so: a backup made then must import; other evidence is still refused."""
    assert shipped("done", "9.5", "--evidence", "Survey sent", "--on", "2016-01-10").exit_code == 0
    assert shipped("update", "9.5", "--status", "open", "--on", "2016-02-01").exit_code == 0
    exported = json.loads(shipped("export").stdout)
    row = next(a for a in exported["actions"] if a["ref"] == "9.5")
    assert row["evidence"] is None
    for evidence, accepted in (("Survey sent", True), ("Forged", False)):
        row["evidence"] = {"text": evidence, "fulfilled_by": None, "on": "2016-01-10"}
        old = tmp_path / f"{evidence}.json"
        old.write_text(json.dumps(exported))
        elsewhere = tmp_path / f"{evidence}-store.json"
        done = shipped("--db", str(elsewhere), "import", str(old))
        assert (done.exit_code == 0) is accepted, done.stderr


def test_an_export_from_before_0_4_with_windows_line_ends_imports(
    shipped: Cli, tmp_path: Path
) -> None:
    """Before 0.4 a pasted "\\r\\n" was kept as typed, in the events and the state alike: such
    a backup imports, its texts read with line breaks."""
    assert shipped("note", "9.5", "Survey drafted\nand sent", "--on", "2016-01-10").exit_code == 0
    assert (
        shipped("done", "9.5", "--evidence", "Report\nannexed", "--on", "2016-01-12").exit_code == 0
    )
    text = shipped("export").stdout
    old = text.replace("Survey drafted\\nand sent", "Survey drafted\\r\\nand sent")
    old = old.replace("Report\\nannexed", "Report\\r\\nannexed")
    assert old.count("\\r\\n") >= 4  # in the events and in the state
    backup = tmp_path / "before-0.4.json"
    backup.write_text(old)
    elsewhere = tmp_path / "elsewhere.json"
    assert shipped("--db", str(elsewhere), "import", str(backup)).exit_code == 0
    shown = json.loads(shipped("--db", str(elsewhere), "show", "9.5", "--json").stdout)
    assert shown["notes"][-1]["text"] == "Survey drafted\nand sent"
    assert shown["evidence"]["text"] == "Report\nannexed"


def test_a_review_with_no_earlier_meeting_of_its_series_names_the_others(shipped: Cli) -> None:
    """A series written two ways made an empty paper without a word."""
    added = shipped("meeting", "add", "11", "--title", "Eleventh", "--date", "2016-06-01",
                    "--series", "Bali Process AHG SOM")  # fmt: skip
    assert added.exit_code == 0
    paper = shipped("review", "11")
    assert paper.exit_code == 0
    assert "No earlier meeting of the series 'Bali Process AHG SOM'" in paper.stderr
    assert f"'{SERIES}'" in paper.stderr


def test_a_status_recorded_on_an_outcome_for_information_can_be_cleared(shipped: Cli) -> None:
    """The shipped 9.8 was noted, yet recorded done (older versions took any status): back
    to open is taken, so the mistake can be put right."""
    assert shipped("update", "9.8", "--status", "open").exit_code == 0
    assert json.loads(shipped("show", "9.8", "--json").stdout)["status"] == "open"


def test_work_that_began_earlier_than_first_recorded_can_be_dated_so(shipped: Cli) -> None:
    """In progress from 2015-09-01, then a note: the start was really in July. The later
    start repeats it (a closed status twice is still refused)."""
    assert shipped("update", "9.3", "--status", "in-progress", "--on", "2015-09-01").exit_code == 0
    assert shipped("note", "9.3", "Drafting", "--on", "2015-10-01").exit_code == 0
    earlier = shipped("update", "9.3", "--status", "in-progress", "--on", "2015-07-01")
    assert earlier.exit_code == 0, earlier.stderr
    assert statuses(shipped, "--as-of", "2015-08-01")["9.3"] == "in-progress"
