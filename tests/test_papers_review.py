"""The record through time in every paper: the report's "what changed since" section, the
superseded/replaces links, and the next meeting's review paper, in every format including Word
and Excel (opened here with python-docx and openpyxl, as an officer's client would)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aghtrack.model import Meeting, Status
from aghtrack.tracker import Tracker

from .conftest import Cli
from .test_cli_report import AS_OF, review  # noqa: F401  (fixture)
from .test_papers import _write, every_format

SERIES = "Bali Process AHG SOM"
EVIDENCE_9_1 = "Roundtable held in Manila; fulfilled by meeting manila-2015; on 2015-12-04"


@pytest.fixture
def tenth(review: Tracker) -> Tracker:
    """The report fixture (meeting 9, known figures as of 2016-03-22) and meeting 10 of the
    same series on 2016-03-22, whose 10.1 replaces 9.4 that day.

    Review of 10: still open 9.2 (in progress); closed since meeting 9: 9.1 (done 2015-12-04),
    9.4 (superseded 2016-03-22), 9.5 (dropped 2016-01-15); for information: 9.3."""
    review.update_meeting("9", {"series": SERIES})
    review.add_meeting(
        Meeting(key="10", title="Tenth AHG SOM", date=date(2016, 3, 22), series=SERIES)
    )
    review.add_commitment(meeting="10", text="Review the RSO work plan, 2016-18", owners=["RSO"])
    review.update_commitment(
        "9.4", status=Status.SUPERSEDED, superseded_by="10.1", on=date(2016, 3, 22)
    )
    return review


def _shown(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> dict[str, str]:
    """The paper in every format, each flattened to single spaces."""
    return {fmt: " ".join(text.split()) for fmt, text in every_format(cli, tmp_path, *args).items()}


# --- report --since, and the superseded links ------------------------------------------------


def test_every_report_format_shows_the_changes_since_and_the_superseded_links(
    tenth: Tracker, cli: Cli, tmp_path: Path
) -> None:
    shown = _shown(cli, tmp_path, ("report", "-m", "9", "--as-of", AS_OF, "--since", "9"))
    changes = ["2015-12-04", "open → done", "2016-01-15", "open → dropped", "2015-08-20"]
    for fmt, flat in shown.items():
        if fmt == "json":
            continue
        for expected in changes:
            assert expected in flat, (fmt, expected)
        if fmt not in ("csv",):  # the CSV is the commitments only, each with its changes
            assert "What changed since 2015-05-06" in flat or "changes_since" in flat, fmt
        if fmt in ("csv", "xlsx"):  # sheets give the link its own column
            assert "superseded_by" in flat and "10.1" in flat, fmt
        else:
            assert "Superseded by: 10.1" in flat, fmt
    since = json.loads(
        cli("report", "-m", "9", "--as-of", AS_OF, "--since", "9", "-f", "json").stdout
    )["since"]
    assert since["date"] == "2015-05-06"
    assert {
        "ref": "9.5",
        "on": "2016-01-15",
        "what": "status",
        "from": "open",
        "to": "dropped",
    } in (since["changes"])
    assert {
        "ref": "9.4",
        "on": "2016-03-22",
        "what": "status",
        "from": "open",
        "to": "superseded",
        "detail": "superseded by 10.1",
    } in since["changes"]


def test_the_newer_commitment_says_what_it_replaced_in_every_format(
    tenth: Tracker, cli: Cli, tmp_path: Path
) -> None:
    shown = _shown(cli, tmp_path, ("report", "-m", "10", "--as-of", AS_OF))
    for fmt, flat in shown.items():
        if fmt == "json":
            assert '"replaces": [ "9.4" ]' in flat
        elif fmt in ("csv", "xlsx"):
            assert "replaces" in flat and "9.4" in flat, fmt
        else:
            assert "Replaces: 9.4" in flat, fmt


def test_report_csv_gives_each_commitment_its_changes_since(tenth: Tracker, cli: Cli) -> None:
    out = cli("report", "-m", "9", "--as-of", AS_OF, "--since", "2015-12-31", "-f", "csv").stdout
    rows = {row["ref"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["9.5"]["changes_since"] == "2016-01-15 open → dropped"
    assert rows["9.1"]["changes_since"] == ""  # done on 2015-12-04, before the window
    assert rows["9.4"]["superseded_by"] == "10.1"


def test_since_section_in_word_is_a_table_of_date_ref_and_change(
    tenth: Tracker, cli: Cli, tmp_path: Path
) -> None:
    from docx import Document

    path = _write(cli, tmp_path, "docx", "report", "-m", "9", "--as-of", AS_OF, "--since", "9")
    doc = Document(str(path))
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 2"
    ]
    assert headings[:2] == ["Summary", "What changed since 2015-05-06"]
    (changes,) = [
        t
        for t in doc.tables
        if [c.text for c in t.rows[0].cells] == ["Date", "Ref", "What happened"]
    ]
    rows = [tuple(cell.text for cell in row.cells) for row in changes.rows[1:]]
    assert ("2016-01-15", "9.5", "open → dropped") in rows
    assert ("2015-12-04", "9.1", "open → done") in rows
    assert ("2016-03-22", "9.4", "open → superseded (superseded by 10.1)") in rows
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # in date order


def test_since_section_in_excel_is_a_sheet_with_real_dates(
    tenth: Tracker, cli: Cli, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = _write(cli, tmp_path, "xlsx", "report", "-m", "9", "--as-of", AS_OF, "--since", "9")
    book = load_workbook(path)
    assert book.sheetnames == ["Summary", "Commitments", "Changes since"]
    ws = book["Changes since"]
    header, *rows = list(ws.iter_rows(values_only=True))
    assert header == ("date", "ref", "meeting", "seq", "what", "what_happened")
    assert (datetime(2016, 1, 15), "9.5", "9", 5, "status", "open → dropped") in rows
    assert ws["B2"].data_type == "s"  # a reference is text, never the number 9.1
    summary = [row for row in book["Summary"].iter_rows(values_only=True) if row[0]]
    (line,) = [row for row in summary if row[0] == "What changed since 2015-05-06"]
    assert line[1] == len(rows)


# --- the review paper -----------------------------------------------------------------------


def test_review_paper_shows_the_same_sections_refs_and_labels_in_every_format(
    tenth: Tracker, cli: Cli, tmp_path: Path
) -> None:
    shown = _shown(cli, tmp_path, ("review", "10"))
    payload = json.loads(cli("review", "10", "-f", "json").stdout)
    assert [c["ref"] for c in payload["open"]] == ["9.2"]
    assert [c["ref"] for c in payload["closed_since"]] == ["9.1", "9.4", "9.5"]
    assert [c["ref"] for c in payload["informational"]] == ["9.3"]
    assert payload["previous"] == {"key": "9", "date": "2015-05-06"}
    for fmt, flat in shown.items():
        if fmt == "json":
            continue
        for expected in (
            "9.2",
            "Pilot joint information campaign",
            "in-progress",
            "2016-02-01 Indonesia: Pilot launched in Java",
            EVIDENCE_9_1,
            "superseded by 10.1",
            "dropped",
            "Progress on biometric data exchange",
        ):
            assert expected in flat, (fmt, expected)
        if fmt not in ("csv", "xlsx"):  # a sheet has no headings, but a section column
            for heading in (
                "Still open (1)",
                "Closed since the previous meeting (3)",
                "For information (1)",
                "From meeting 9:",
                "How this paper counts",
            ):
                assert heading in flat, (fmt, heading)
    rows = list(csv.DictReader(io.StringIO(cli("review", "10", "-f", "csv").stdout)))
    assert [(r["section"], r["ref"]) for r in rows] == [
        ("open", "9.2"),
        ("closed_since", "9.1"),
        ("closed_since", "9.4"),
        ("closed_since", "9.5"),
        ("informational", "9.3"),
    ]
    assert rows[0]["status_label"] == "in-progress" and rows[1]["closed"] == EVIDENCE_9_1


def test_review_paper_in_word_has_its_sections_tables_and_counts(
    tenth: Tracker, cli: Cli, tmp_path: Path
) -> None:
    from docx import Document

    doc = Document(str(_write(cli, tmp_path, "docx", "review", "10")))
    by_style: dict[str, list[str]] = {}
    for p in doc.paragraphs:
        by_style.setdefault(p.style.name if p.style is not None else "", []).append(p.text)
    assert by_style["Heading 1"] == ["Review of progress for Tenth AHG SOM"]
    assert by_style["Heading 2"] == [
        "Still open (1)",
        "Closed since the previous meeting (3)",
        "For information (1)",
        "How this paper counts",
    ]
    assert by_style["Heading 3"][0].startswith("From meeting 9:")
    assert "Previous meeting: meeting 9 (2015-05-06)" in by_style["Normal"]
    assert "9.3: Progress on biometric data exchange" in by_style["List Bullet"]
    still_open, closed = doc.tables
    assert [row.cells[0].text for row in still_open.rows] == ["Ref", "9.2"]
    assert still_open.rows[1].cells[4].text == "in-progress"
    assert "Latest note: 2016-02-01 Indonesia: Pilot launched in Java" in (
        still_open.rows[1].cells[1].text
    )
    closed_rows = {row.cells[0].text: row.cells[3].text for row in closed.rows[1:]}
    assert closed_rows == {
        "9.1": EVIDENCE_9_1,
        "9.4": "superseded on 2016-03-22; superseded by 10.1",
        "9.5": "dropped on 2016-01-15",
    }
    assert "Meeting 10" in doc.sections[0].header.paragraphs[0].text


def test_review_paper_in_excel_has_one_sheet_per_section(
    tenth: Tracker, cli: Cli, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(_write(cli, tmp_path, "xlsx", "review", "10"))
    assert book.sheetnames == ["Review", "Still open", "Closed since", "For information"]
    front = {row[0]: row[1] for row in book["Review"].iter_rows(values_only=True) if row[0]}
    assert front["Still open"] == 1 and front["Closed since the previous meeting"] == 3
    assert front["For information"] == 1 and front["As of"] == datetime(2016, 3, 22)

    def sheet(name: str) -> list[dict[str, object]]:
        header, *rows = list(book[name].iter_rows(values_only=True))
        return [dict(zip(header, row, strict=True)) for row in rows]

    (still_open,) = sheet("Still open")
    assert (still_open["ref"], still_open["status_label"]) == ("9.2", "in-progress")
    assert still_open["status_on"] == datetime(2015, 8, 20)
    closed = {row["ref"]: row for row in sheet("Closed since")}
    assert closed.keys() == {"9.1", "9.4", "9.5"}
    assert closed["9.1"]["closed"] == EVIDENCE_9_1
    assert closed["9.4"]["superseded_by"] == "10.1"
    assert [row["ref"] for row in sheet("For information")] == ["9.3"]
    assert book["Still open"]["A2"].data_type == "s"  # the reference is text
    assert book["Still open"].freeze_panes == "A2"


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_review_refuses_a_binary_paper_on_the_terminal_in_one_line(
    tenth: Tracker, cli: Cli, fmt: str
) -> None:
    result = cli("review", "10", "--format", fmt)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--output" in result.stderr


def test_review_takes_the_shared_format_option(tenth: Tracker, cli: Cli) -> None:
    result = cli("review", "10", "--format", "pdf")
    assert result.exit_code == 2
    assert "'pdf' is not one of table, md, html, docx, xlsx, csv, json" in result.stderr
    excel = cli("review", "10", "--format", "csv", "--excel").stdout
    assert excel.startswith("\ufeffsection,ref,meeting,seq")


def test_review_on_a_terminal_too_narrow_for_its_tables_lists_blocks_as_list_does(
    tenth: Tracker, runner: CliRunner
) -> None:
    """Below the width at which ``list`` gives up its table for blocks, so does the paper:
    every field on a line of its own, nothing cut to a column of a few letters."""
    from aghtrack.cli import app

    tenth.add_note("9.2", "Pilot extended to Sulawesi", on=date(2016, 3, 1))
    wide = runner.invoke(app, ["review", "10"], env={"COLUMNS": "100"}).stdout
    narrow = runner.invoke(app, ["review", "10"], env={"COLUMNS": "50"}).stdout
    listed = runner.invoke(app, ["list", "-m", "9", "--all"], env={"COLUMNS": "50"}).stdout
    assert "┏" in wide and "┏" not in listed  # the list's own rule, on the same cells
    assert "┏" not in narrow and "│" not in narrow
    assert "9.2  in-progress" in narrow
    assert "  Latest note: 2016-03-01 tester: Pilot extended to Sulawesi" in narrow
    assert "  Owners: Australia, Indonesia (with RSO)\n  Due: 2016-H1\n" in narrow
    assert "9.1  done\n  Hold a roundtable on returns\n" in narrow
    assert f"  Evidence: {EVIDENCE_9_1}" in narrow
    for heading in ("Still open (1)", "From meeting 9:", "Closed since the previous meeting (3)"):
        assert heading in narrow
