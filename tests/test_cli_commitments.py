"""The officer's everyday commands, through the CLI as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Cli


@pytest.fixture
def record(cli: Cli) -> Cli:
    """Meeting 9 with three commitments, as an officer would enter them."""
    assert (
        cli(
            "meeting",
            "add",
            "9",
            "--title",
            "Ninth AHG SOM",
            "--date",
            "2015-05-06",
            "--location",
            "Wellington, New Zealand",
        ).exit_code
        == 0
    )
    assert (
        cli(
            "meeting",
            "add",
            "manila-2015",
            "--title",
            "Roundtable on Returns",
            "--date",
            "2015-12-03",
            "--location",
            "Manila",
        ).exit_code
        == 0
    )
    for args in (
        [
            "Hold a roundtable on returns",
            "-m",
            "9",
            "-o",
            "Philippines",
            "--due",
            "late 2015",
            "--source",
            "bullet 2",
            "--tag",
            "returns",
        ],
        [
            "Pilot joint information campaign",
            "-m",
            "9",
            "-o",
            "Australia",
            "-o",
            "Indonesia",
            "--support",
            "RSO",
            "--due",
            "2016-H1",
            "--kind",
            "will",
        ],
        [
            "Progress on biometric data exchange",
            "-m",
            "9",
            "--kind",
            "welcomed",
            "--support",
            "IOM",
        ],
    ):
        assert cli("add-action", *args).exit_code == 0
    return cli


def listed(cli: Cli, *args: str) -> list[dict[str, object]]:
    result = cli("list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def refs(cli: Cli, *args: str) -> list[str]:
    return [str(c["ref"]) for c in listed(cli, *args)]


# --- add-action ------------------------------------------------------------------------------


def test_add_action_json_prints_the_whole_commitment(record: Cli) -> None:
    result = record(
        "add-action",
        "Review the RSO work plan",
        "-m",
        "9",
        "-o",
        "RSO",
        "--due",
        "2015-q4",
        "--json",
    )
    c = json.loads(result.stdout)
    assert c["ref"] == "9.4" and c["due"] == "2015-Q4" and c["due_by"] == "2015-12-31"
    assert c["owners"] == ["RSO"] and c["status"] == "open" and c["notes"] == []
    assert set(c) >= {
        "ref",
        "id",
        "meeting",
        "text",
        "kind",
        "owners",
        "support",
        "due",
        "due_by",
        "status",
        "notes",
        "evidence",
        "created",
        "updated",
    }


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["x", "-m", "99"], 1, "No meeting '99'. Known meetings: 9, manila-2015."),
        (["   ", "-m", "9"], 2, "empty"),
        (["", "-m", "9"], 2, "empty"),
        (["x", "-m", "9", "--due", "soonish"], 2, "late 2015"),
        (["x", "-m", "9", "--due", "2016-02-30"], 2, "not a real date"),
        (["x", "-m", "9", "--kind", "promised"], 2, "Valid kinds"),
        (["x", "-m", "9", "--owner", " "], 2, "empty owner"),
        (["x", "-m", "9", "--bogus"], 2, "No such option"),
        (["x"], 2, "Missing option"),
    ],
)
def test_add_action_errors_are_one_line_and_leave_the_store_byte_identical(
    record: Cli, store_path: Path, args: list[str], code: int, fragment: str
) -> None:
    before = store_path.read_bytes()
    result = record("add-action", *args)
    assert result.exit_code == code
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert store_path.read_bytes() == before


# --- list --------------------------------------------------------------------------------------


def test_list_filters_by_meeting_owner_support_status_and_tag(record: Cli) -> None:
    assert refs(record, "--meeting", "9") == ["9.1", "9.2", "9.3"]
    assert refs(record, "--owner", "indonesia") == ["9.2"]
    assert refs(record, "--owner", "IOM") == ["9.3"]  # supporting parties match too
    # 9.3 was welcomed: it owes nothing and has no status of its own, as the report counts.
    assert refs(record, "--status", "OPEN") == ["9.1", "9.2"]
    assert refs(record, "--status", "done") == []
    assert refs(record, "--tag", "Returns") == ["9.1"]
    assert refs(record, "--search", "roundtable RETURNS") == ["9.1"]
    assert refs(record, "--due-before", "2016-01-01") == ["9.1"]


def test_list_overdue_depends_on_as_of_and_ignores_informational(record: Cli) -> None:
    assert refs(record, "--overdue", "--as-of", "2015-12-31") == []
    assert refs(record, "--overdue", "--as-of", "2016-01-01") == ["9.1"]
    assert refs(record, "--overdue", "--as-of", "2016-07-01") == ["9.1", "9.2"]


def test_list_sorts(record: Cli) -> None:
    assert refs(record, "--sort", "due") == ["9.1", "9.2", "9.3"]
    assert refs(record, "--sort", "owner") == ["9.2", "9.1", "9.3"]


def test_list_rejects_unknown_status_listing_valid_ones(record: Cli) -> None:
    result = record("list", "--status", "finished")
    assert result.exit_code == 2
    assert "open, in-progress, blocked, done, dropped, superseded" in result.stderr


def test_list_table_pages_and_says_how_to_see_the_rest(cli: Cli) -> None:
    cli("meeting", "add", "9", "--title", "T", "--date", "2015-05-06")
    for n in range(55):
        cli("add-action", f"Commitment number {n}", "-m", "9")
    result = cli("list")
    assert "5 more match; use --all" in result.stderr
    assert "9.50" in result.stdout and "9.51 " not in result.stdout
    assert "9.55" in cli("list", "--all").stdout
    assert len(listed(cli)) == 55  # machine formats give every match
    assert len(listed(cli, "--limit", "3")) == 3


def test_list_csv_and_markdown(record: Cli) -> None:
    csv_out = record("list", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("ref,meeting,seq,id,source,text")
    assert len(csv_out) == 4
    md = record("list", "--format", "md").stdout
    assert md.startswith("| Ref | Commitment |") and "Hold a roundtable on returns" in md


def test_list_table_at_80_columns_never_cuts_a_reference(runner: object, record: Cli) -> None:
    from typer.testing import CliRunner

    from aghtrack.cli import app

    record(
        "add-action",
        "A long commitment " * 12,
        "-m",
        "manila-2015",
        "-o",
        "Philippines",
        "-o",
        "Australia",
        "--due",
        "late 2015",
    )
    result = CliRunner().invoke(app, ["list"], env={"COLUMNS": "80"})
    assert "manila-2015.1" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


# --- show, update, done, note ---------------------------------------------------------------


def test_show_by_reference_or_id_prefix(record: Cli) -> None:
    full = json.loads(record("show", "9.2", "--json").stdout)
    assert (
        full["owners"] == ["Australia", "Indonesia"]
        and full["history"][0]["command"] == "add-action"
    )
    by_prefix = json.loads(record("show", str(full["id"])[:8], "--json").stdout)
    assert by_prefix["ref"] == "9.2"
    table = record("show", "9.2").stdout
    assert "Pilot joint information campaign" in table and "2016-H1 (by 2016-06-30)" in table


def test_show_unknown_reference_is_exit_1(record: Cli) -> None:
    result = record("show", "9.99")
    assert result.exit_code == 1 and "No commitment '9.99'" in result.stderr


def test_update_changes_only_what_is_given(record: Cli) -> None:
    result = record("update", "9.2", "--status", "in-progress", "--due", "2016-Q3", "--json")
    c = json.loads(result.stdout)
    assert (c["status"], c["due"], c["owners"]) == (
        "in-progress",
        "2016-Q3",
        ["Australia", "Indonesia"],
    )
    c = json.loads(record("update", "9.2", "--due", "none", "--json").stdout)
    assert c["due"] is None and c["due_by"] is None


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["9.2"], 2, "Nothing to update"),
        (["9.2", "--status", "finished"], 2, "Valid statuses"),
        (["9.2", "--status", "open"], 2, "already open"),
        (["9.2", "--text", "  "], 2, "empty"),
        (["9.2", "--due", "2015-13-01"], 2, "not a real date"),
        (["9.77", "--status", "done"], 1, "No commitment"),
    ],
)
def test_update_errors_leave_the_store_byte_identical(
    record: Cli, store_path: Path, args: list[str], code: int, fragment: str
) -> None:
    before = store_path.read_bytes()
    result = record("update", *args)
    assert result.exit_code == code and fragment in result.stderr
    assert store_path.read_bytes() == before


def test_done_records_evidence_and_the_fulfilling_meeting(record: Cli) -> None:
    result = record(
        "done",
        "9.1",
        "--evidence",
        "Roundtable held in Manila",
        "--fulfilled-by",
        "Manila-2015",
        "--on",
        "2015-12-04",
        "--json",
    )
    c = json.loads(result.stdout)
    assert c["status"] == "done"
    assert c["evidence"] == {
        "text": "Roundtable held in Manila",
        "fulfilled_by": "manila-2015",
        "on": "2015-12-04",
    }


@pytest.mark.parametrize(
    ("args", "code"),
    [(["9.1", "--fulfilled-by", "nowhere"], 1), (["9.1", "--on", "2016-02-30"], 2)],
)
def test_done_errors_leave_the_store_byte_identical(
    record: Cli, store_path: Path, args: list[str], code: int
) -> None:
    before = store_path.read_bytes()
    assert record("done", *args).exit_code == code
    assert store_path.read_bytes() == before


def test_done_twice_is_refused(record: Cli, store_path: Path) -> None:
    record("done", "9.1")
    before = store_path.read_bytes()
    result = record("done", "9.1")
    assert result.exit_code == 2 and "already done" in result.stderr
    assert store_path.read_bytes() == before


def test_note_defaults_author_to_aghtrack_user_and_date_to_today(
    record: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGHTRACK_TODAY", "2015-09-01")
    record("note", "9.2", "Materials drafted")
    monkeypatch.setenv("AGHTRACK_TODAY", "2015-12-01")
    record("note", "9.2", "Launched in Jakarta", "--on", "2015-11-02", "--by", "Indonesia")
    notes = listed(record, "--meeting", "9")[1]["notes"]
    assert notes == [
        {"on": "2015-09-01", "by": "tester", "text": "Materials drafted"},
        {"on": "2015-11-02", "by": "Indonesia", "text": "Launched in Jakarta"},
    ]


def test_a_change_dated_in_the_future_or_before_its_meeting_is_refused(
    record: Cli, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGHTRACK_TODAY", "2015-09-01")
    before = store_path.read_bytes()
    future = record("note", "9.2", "Launched", "--on", "2015-11-02")
    assert future.exit_code == 2 and "in the future" in future.stderr
    early = record("update", "9.2", "--status", "in-progress", "--on", "2015-05-05")
    assert early.exit_code == 2 and "before that" in early.stderr
    assert store_path.read_bytes() == before


def test_a_meeting_date_is_not_moved_past_its_commitments_dated_changes(
    record: Cli, store_path: Path
) -> None:
    """Moved after a dated note, meeting 9's record as of a day between would hold a note
    on a commitment of a meeting not yet held (the report of that day refused it)."""
    assert record("note", "9.2", "Drafted", "--on", "2015-06-01").exit_code == 0
    before = store_path.read_bytes()
    late = record("meeting", "update", "9", "--date", "2015-07-01")
    assert late.exit_code == 2
    assert "9.2" in late.stderr and "2015-06-01" in late.stderr
    assert store_path.read_bytes() == before
    # On the day of the change, or earlier, it moves; so does any move to an earlier date.
    assert record("meeting", "update", "9", "--date", "2015-06-01").exit_code == 0
    assert record("meeting", "update", "9", "--date", "2015-05-01").exit_code == 0
    assert "2015-05-01" in record("meeting", "show", "9").stdout


def test_note_errors(record: Cli, store_path: Path) -> None:
    before = store_path.read_bytes()
    assert record("note", "9.2", " ").exit_code == 2
    assert record("note", "9.9", "x").exit_code == 1
    assert record("note", "9.2", "x", "--on", "yesterday").exit_code == 2
    assert store_path.read_bytes() == before


# --- delete, undo, history ------------------------------------------------------------------


def test_delete_without_a_terminal_needs_yes(record: Cli, store_path: Path) -> None:
    before = store_path.read_bytes()
    result = record("delete", "9.3")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert store_path.read_bytes() == before


def test_deleted_commitment_leaves_lists_but_not_history_and_its_ref_is_never_reissued(
    record: Cli,
) -> None:
    assert record("delete", "9.3", "--yes").exit_code == 0
    assert refs(record) == ["9.1", "9.2"]
    assert record("show", "9.3").exit_code == 1
    history = json.loads(record("history", "9.3", "--json").stdout)
    assert [h["command"] for h in history] == ["delete", "add-action"]
    assert record("add-action", "Another", "-m", "9").stdout == "9.4\n"


def test_history_is_newest_first_with_who_and_what(record: Cli) -> None:
    record("note", "9.1", "Venue confirmed")
    history = json.loads(record("history", "--json").stdout)
    assert history[0]["command"] == "note" and history[0]["by"] == "tester"
    assert history[0]["summary"] == "Noted on 9.1: Venue confirmed"
    assert [h["command"] for h in history][-2:] == ["meeting add", "meeting add"]
    assert "Venue confirmed" in record("history", "9.1").stdout


WRITES = {
    "add-action": ["add-action", "New one", "-m", "9"],
    "update": ["update", "9.2", "--status", "blocked", "--owner", "Indonesia"],
    "done": ["done", "9.1", "--evidence", "held"],
    "note": ["note", "9.2", "progress"],
    "delete": ["delete", "9.2", "--yes"],
    "meeting add": ["meeting", "add", "10", "--title", "Tenth", "--date", "2016-03-21"],
    "meeting update": ["meeting", "update", "9", "--observer", "Canada"],
}


@pytest.mark.parametrize("write", WRITES)
def test_undo_reverts_each_kind_of_write_exactly(record: Cli, store_path: Path, write: str) -> None:
    commitments_before = listed(record)
    meetings_before = record("meeting", "list", "--json").stdout
    assert record(*WRITES[write]).exit_code == 0
    result = record("undo")
    assert result.exit_code == 0 and result.stdout.startswith("Undid #")
    assert f"({write} by tester" in result.stdout
    assert listed(record) == commitments_before
    assert record("meeting", "list", "--json").stdout == meetings_before


def test_undo_walks_back_and_says_when_nothing_is_left(cli: Cli) -> None:
    cli("meeting", "add", "9", "--title", "T", "--date", "2015-05-06")
    cli("add-action", "One", "-m", "9")
    cli("add-action", "Two", "-m", "9")
    assert "Added 9.2" in cli("undo").stdout
    assert "Added 9.1" in cli("undo").stdout
    assert "Added meeting 9" in cli("undo").stdout
    result = cli("undo")
    assert result.exit_code == 1 and "Nothing to undo" in result.stderr
    cli("meeting", "add", "9", "--title", "T", "--date", "2015-05-06")
    assert cli("add-action", "Three", "-m", "9").stdout == "9.3\n"  # 9.1, 9.2 never reissued


# --- meetings --------------------------------------------------------------------------------


def test_meeting_show_counts_commitments_by_status(record: Cli) -> None:
    """9.3 was welcomed: it owes nothing, so it is counted apart, never as open work (as
    the report counts it)."""
    record("done", "9.1")
    shown = json.loads(record("meeting", "show", "9", "--json").stdout)
    assert shown["commitments"]["open"] == 1 and shown["commitments"]["done"] == 1
    assert shown["commitments"]["for information"] == 1
    assert shown["location"] == "Wellington, New Zealand"
    assert "3 (1 open, 1 done, 1 for information)" in record("meeting", "show", "9").stdout


def test_meeting_list_in_number_then_name_order(record: Cli) -> None:
    record("meeting", "add", "10", "--title", "Tenth", "--date", "2016-03-21")
    keys = [m["key"] for m in json.loads(record("meeting", "list", "--json").stdout)]
    assert keys == ["9", "10", "manila-2015"]


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["add", "9", "--title", "Again", "--date", "2015-05-06"], 2, "already exists"),
        (["add", "9.1", "--title", "x", "--date", "2015-05-06"], 2, "not a meeting key"),
        (["add", "11", "--title", "x", "--date", "2016-02-30"], 2, "not a real date"),
        (["add", "11", "--title", " ", "--date", "2016-02-01"], 2, "empty"),
        (["update", "9"], 2, "Nothing to update"),
        (["update", "42", "--title", "x"], 1, "No meeting '42'"),
        (["show", "42"], 1, "No meeting '42'"),
    ],
)
def test_meeting_errors_leave_the_store_byte_identical(
    record: Cli, store_path: Path, args: list[str], code: int, fragment: str
) -> None:
    before = store_path.read_bytes()
    result = record("meeting", *args)
    assert result.exit_code == code and fragment in result.stderr
    assert store_path.read_bytes() == before


# --- shell completion ------------------------------------------------------------------------


def test_completion_offers_meetings_owners_and_references(record: Cli, store_path: Path) -> None:
    from typer.testing import CliRunner

    from aghtrack.cli import app

    def complete(words: str) -> list[str]:
        env = {
            "_AGHTRACK_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
            "AGHTRACK_DB": str(store_path),
        }
        result = CliRunner().invoke(app, [], env=env, prog_name="aghtrack")
        return result.stdout.split()

    assert complete("aghtrack list --meeting m") == ["manila-2015"]
    assert complete("aghtrack list --owner Aus") == ["Australia"]
    assert complete("aghtrack show 9.") == ["9.1", "9.2", "9.3"]


def test_text_with_undecodable_bytes_is_refused_not_a_traceback(
    record: Cli, store_path: Path
) -> None:
    before = store_path.read_bytes()
    undecodable = b"bad \x9b byte".decode("utf-8", "surrogateescape")
    for args in (
        ["add-action", undecodable, "-m", "9"],
        ["add-action", "ok", "-m", "9", "--source", undecodable],
        ["note", "9.1", undecodable],
    ):
        result = record(*args)
        assert result.exit_code == 2 and "not UTF-8" in result.stderr
    assert store_path.read_bytes() == before


def test_none_clears_supporting_parties_and_tags_as_it_clears_the_due(record: Cli) -> None:
    assert record("update", "9.2", "--support", "none", "--tag", "NONE").exit_code == 0
    shown = listed(record, "--meeting", "9")[1]
    assert (shown["support"], shown["tags"]) == ([], [])
    empty = record("update", "9.2", "--due", " ")
    assert empty.exit_code == 2 and "'none' to clear it" in empty.stderr


def test_a_reopened_commitment_no_longer_shows_the_evidence_of_its_closing(record: Cli) -> None:
    assert (
        record("done", "9.1", "--evidence", "Roundtable held", "--on", "2015-12-04").exit_code == 0
    )
    assert record("update", "9.1", "--status", "open", "--on", "2016-01-10").exit_code == 0
    assert listed(record, "--meeting", "9")[0]["evidence"] is None
    done_then = listed(record, "--meeting", "9", "--as-of", "2015-12-31")[0]
    assert done_then["evidence"]["text"] == "Roundtable held"  # as it stood then
    assert "Roundtable held" in record("show", "9.1").stdout  # and in its history


def test_an_outcome_for_information_has_no_status_to_change(record: Cli, store_path: Path) -> None:
    """9.3 was welcomed: dropped, every paper said "open -> dropped" beside "for
    information". Given a kind of work in the same change, it may."""
    before = store_path.read_bytes()
    for args, hint in (
        (["update", "9.3", "--status", "dropped"], "give its kind too (--kind agreed)"),
        (["done", "9.3"], "first 'aghtrack update 9.3 --kind agreed'"),  # done takes no --kind
    ):
        result = record(*args)
        assert result.exit_code == 2 and "owes nothing" in result.stderr and hint in result.stderr
    assert store_path.read_bytes() == before
    assert record("update", "9.3", "--kind", "agreed", "--status", "in-progress").exit_code == 0


def test_wrong_combinations_say_what_goes_with_what(record: Cli) -> None:
    by_alone = record("update", "9.2", "--by", "9.1")
    assert by_alone.exit_code == 2 and "use it with --status superseded" in by_alone.stderr
    both = record("sync", "--status", "--remote", "/srv/record.git")
    assert both.exit_code == 2 and "give one of them" in both.stderr


def test_none_among_names_is_refused(record: Cli) -> None:
    result = record("update", "9.2", "--support", "none", "--support", "RSO")
    assert result.exit_code == 2 and "give it alone" in result.stderr
    assert record("update", "9.2", "--owner", "none").exit_code == 0
    assert listed(record, "--meeting", "9")[1]["owners"] == []
