"""`aghtrack report`: the progress review in five formats, on a store with known figures."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aghtrack.cli import app
from aghtrack.model import Kind, Meeting, Status
from aghtrack.periods import parse_period
from aghtrack.tracker import Tracker

from .conftest import Cli

HOSTILE = "[bold red]x[/bold red] [/] <script>alert(1)</script> \x1b[2J & \"q\" 'a'"
AS_OF = "2016-03-22"


@pytest.fixture
def review(meeting9: Tracker) -> Tracker:
    """Meeting 9 with five commitments whose figures as of 2016-03-22 are known:
    total 5 (4 work, 1 welcomed); open 1, in-progress 1, done 1, dropped 1; overdue 9.4 only;
    done share 1 of 3 (dropped left out)."""
    t = meeting9
    t.update_meeting("9", {"location": "Wellington, New Zealand"})
    t.add_meeting(Meeting(key="manila-2015", title="Roundtable on Returns", date=date(2015, 12, 3)))
    t.add_commitment(
        meeting="9",
        text="Hold a roundtable on returns",
        owners=["Philippines"],
        due=parse_period("late 2015"),
        source="bullet 2",
    )
    t.add_commitment(
        meeting="9",
        text="Pilot joint information campaign",
        owners=["Australia", "Indonesia"],
        support=["RSO"],
        due=parse_period("2016-H1"),
        kind=Kind.WILL,
        source="bullet 3",
    )
    t.add_commitment(
        meeting="9",
        text="Progress on biometric data exchange",
        support=["IOM"],
        kind=Kind.WELCOMED,
        due=parse_period("2015-06"),
    )
    t.add_commitment(
        meeting="9", text="Review the RSO work plan", owners=["RSO"], due=parse_period("2015-Q3")
    )
    t.add_commitment(
        meeting="9", text="Map return routes", owners=["Indonesia"], due=parse_period("2015")
    )
    t.complete(
        "9.1",
        evidence="Roundtable held in Manila",
        fulfilled_by="manila-2015",
        on=date(2015, 12, 4),
    )
    t.update_commitment("9.2", status=Status.IN_PROGRESS, on=date(2015, 8, 20))
    t.add_note("9.2", "Campaign materials drafted", on=date(2015, 9, 1), by="Indonesia")
    t.add_note("9.2", "Pilot launched in Java", on=date(2016, 2, 1), by="Indonesia")
    t.update_commitment("9.5", status=Status.DROPPED, on=date(2016, 1, 15))
    return t


@pytest.fixture
def hostile(meeting9: Tracker) -> Tracker:
    meeting9.add_commitment(
        meeting="9",
        text=HOSTILE,
        owners=["=SUM(A1)", "@evil"],
        due=parse_period("2015-Q3"),
        source="-1+1",
    )
    meeting9.add_note("9.1", "\tcmd|' /C calc'!A0", on=date(2015, 9, 1), by="+Mallory")
    return meeting9


def report(cli: Cli, *args: str) -> str:
    result = cli("report", "--meeting", "9", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def report_json(cli: Cli, *args: str) -> dict[str, object]:
    return json.loads(report(cli, "--format", "json", *args))


def _no_status_counts(**counts: int) -> dict[str, int]:
    base = dict.fromkeys(s.value for s in Status)
    return {k: counts.get(k.replace("-", "_"), 0) for k in base}


# --- JSON: the figures, exactly -------------------------------------------------------------


def test_json_report_of_meeting_9_as_of_the_tenth_som(review: Tracker, cli: Cli) -> None:
    payload = report_json(cli)
    listed = json.loads(cli("list", "--meeting", "9", "--json").stdout)
    assert payload == {
        "meeting": {
            "key": "9",
            "title": "Ninth AHG SOM",
            "date": "2015-05-06",
            "location": "Wellington, New Zealand",
            "series": "",
            "chairs": [],
            "attendees": [],
            "observers": [],
            "purpose": "",
            "source": "",
        },
        "as_of": "2016-03-22",
        "owner": None,
        "summary": {
            "total": 5,
            "work": 4,
            "informational": 1,
            "by_status": _no_status_counts(open=1, in_progress=1, done=1, dropped=1),
            "overdue": 1,
            "overdue_refs": ["9.4"],
            "done_share": 0.3333,
            "still_asked_for": 3,
        },
        "by_owner": {
            "Australia": {
                "total": 1,
                "by_status": _no_status_counts(in_progress=1),
                "overdue": 0,
                "overdue_refs": [],
                "refs": ["9.2"],
            },
            "Indonesia": {
                "total": 1,
                "by_status": _no_status_counts(dropped=1),
                "overdue": 0,
                "overdue_refs": [],
                "refs": ["9.5"],
            },
            "Philippines": {
                "total": 1,
                "by_status": _no_status_counts(done=1),
                "overdue": 0,
                "overdue_refs": [],
                "refs": ["9.1"],
            },
            "RSO": {
                "total": 1,
                "by_status": _no_status_counts(open=1),
                "overdue": 1,
                "overdue_refs": ["9.4"],
                "refs": ["9.4"],
            },
        },
        "method": payload["method"],
        "actions": listed,
    }
    assert len(listed) == 5 and listed[1]["notes"][-1]["text"] == "Pilot launched in Java"
    assert any("1 of 3" in sentence for sentence in payload["method"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("as_of", "overdue", "still_open"),
    [
        # 9.4 is due 2015-Q3: its last day is still on time; 9.1 and 9.5 were still open then
        # (done 2015-12-04 and dropped 2016-01-15), though 9.5 was not yet late (due 2015).
        ("2015-09-30", [], 3),
        ("2015-10-01", ["9.4"], 3),
        ("2016-03-22", ["9.4"], 1),
        ("2016-06-30", ["9.4"], 1),
        ("2016-07-01", ["9.2", "9.4"], 1),  # 9.2 (2016-H1) now late too, though in progress
    ],
)
def test_overdue_depends_on_the_as_of_date(
    review: Tracker, cli: Cli, as_of: str, overdue: list[str], still_open: int
) -> None:
    result = cli("report", "-m", "9", "--as-of", as_of, "-f", "json")
    summary = json.loads(result.stdout)["summary"]
    assert summary["overdue_refs"] == overdue and summary["overdue"] == len(overdue)
    assert summary["by_status"]["open"] == still_open


def test_as_of_defaults_to_today(
    review: Tracker, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGHTRACK_TODAY", "2015-10-01")
    payload = json.loads(cli("report", "-m", "9", "-f", "json").stdout)
    assert payload["as_of"] == "2015-10-01" and payload["summary"]["overdue_refs"] == ["9.4"]


def test_owner_filter_keeps_what_the_party_leads_co_owns_or_supports(
    review: Tracker, cli: Cli
) -> None:
    payload = report_json(cli, "--owner", "indonesia")
    assert [a["ref"] for a in payload["actions"]] == ["9.2", "9.5"]  # type: ignore[index]
    assert payload["owner"] == "indonesia"
    assert payload["summary"]["total"] == 2 and payload["summary"]["done_share"] == 0.0  # type: ignore[index]
    assert list(payload["by_owner"]) == ["Australia", "Indonesia"]  # type: ignore[arg-type]


# --- the terminal table ----------------------------------------------------------------------


def test_table_shows_header_summary_leads_commitments_and_method(review: Tracker, cli: Cli) -> None:
    out = report(cli)
    for expected in (
        "Progress review: Ninth AHG SOM",
        "Meeting 9 · 2015-05-06 · Wellington, New Zealand",
        "As of 2016-03-22",
        "5 (4 work, 1 for information only)",
        "1 of 3 still asked for (33%)",
        "open 1  in-progress 1  blocked 0  done 1  dropped 1  superseded 0",
        "Who owes what (by lead)",
        "Roundtable held in Manila",  # evidence
        "Pilot launched in Java",  # the latest note, not the first
        "open (overdue)",
        "for information",
        "How this report counts",
    ):
        assert expected in out, expected
    assert "Campaign materials drafted" not in out
    assert "\x1b[" not in out  # no colour when not a terminal


@pytest.mark.parametrize("width", [80, 100])
def test_table_fits_the_terminal_and_never_cuts_a_reference(review: Tracker, width: int) -> None:
    review.add_commitment(
        meeting="9", text="A long commitment " * 12, owners=["Philippines", "Australia"]
    )
    result = CliRunner().invoke(
        app, ["report", "-m", "9", "--as-of", AS_OF], env={"COLUMNS": str(width)}
    )
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert sum(line.startswith("│ 9.6 ") for line in lines) == 1
    assert "█" in result.stdout and "░" in result.stdout  # the bar reads without colour


@pytest.mark.parametrize("terminal", [False, True])
def test_a_terminal_too_narrow_for_the_table_gets_the_commitments_as_blocks(
    review: Tracker, terminal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below the width at which ``list`` gives up its table, so does the report (Rich on a
    terminal, the plain layout off one): each commitment a block of lines, the reference and
    status first, nothing squeezed to a column of a few letters."""
    from aghtrack.render.report import print_terminal_report

    if terminal:
        monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "50")
    shown = io.StringIO()
    monkeypatch.setattr(sys, "stdout", shown)
    print_terminal_report(review.report("9", as_of=date.fromisoformat(AS_OF)))
    out = re.sub(r"\x1b\[[0-9;]*m", "", shown.getvalue())
    commitments = out[out.index("Commitments\n") :]
    assert "┏" not in commitments and "│" not in commitments
    assert "9.1  done\n  Hold a roundtable on returns\n  Source: bullet 2\n" in commitments
    assert "\n  Due: late 2015\n" in commitments
    assert "\n  Source: bullet 2\n" in commitments
    monkeypatch.setenv("COLUMNS", "100")
    wide = io.StringIO()
    monkeypatch.setattr(sys, "stdout", wide)
    print_terminal_report(review.report("9", as_of=date.fromisoformat(AS_OF)))
    assert "┏" in wide.getvalue()[wide.getvalue().index("Commitments") :]


def test_table_shows_hostile_text_literally(hostile: Tracker) -> None:
    # Wide enough that the text is not wrapped, so it can be found whole.
    result = CliRunner().invoke(
        app, ["report", "-m", "9", "--as-of", AS_OF], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.stderr
    assert "[bold red]x[/bold red] [/] <script>alert(1)</script> \\x1b[2J" in result.stdout
    assert "\x1b" not in result.stdout  # no escape sequence reaches the terminal
    assert "=SUM(A1), @evil" in result.stdout


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_is_a_document_with_a_commitments_table(review: Tracker, cli: Cli) -> None:
    md = report(cli, "--format", "md")
    assert md.startswith("# Progress review: Ninth AHG SOM\n")
    assert "- **As of:** 2016-03-22" in md
    assert "| **Overdue as of 2016-03-22** | **1 \\(9.4\\)** |" in md
    assert "| Done share | 1 of 3 still asked for \\(33%\\) |" in md
    assert (
        "| 9.4 |  | Review the RSO work plan | RSO | 2015-Q3 | **open \\(overdue\\)** |  |  |" in md
    )
    assert "| RSO | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 1 \\(9.4\\) | open 1: 9.4 |" in md
    assert "## How this report counts" in md


def test_markdown_escapes_hostile_text(hostile: Tracker, cli: Cli) -> None:
    md = report(cli, "--format", "md")
    row = next(line for line in md.splitlines() if line.startswith("| 9.1 "))
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in row and "\\[/\\]" in row
    assert "\\x1b\\[2J" in row and "\x1b" not in md
    assert row.count(" | ") == 7  # no cell was split by the text


# --- HTML ------------------------------------------------------------------------------------


def test_html_is_one_self_contained_page(review: Tracker, cli: Cli) -> None:
    page = report(cli, "--format", "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    lowered = page.lower()
    for forbidden in ("http:", "https:", "//", "<script", "<link", "src=", "url(", "@import"):
        assert forbidden not in lowered.replace("</", "<"), forbidden
    assert '<div class="chart"' in page and "<style>" in page and "@media print" in page
    assert "<main>" in page and "</main>" in page
    assert "Progress review: Ninth AHG SOM" in page
    assert '<tr class="overdue" id="c-9.4">' in page
    assert "1 of 3 still asked for (33%)" in page


def test_html_escapes_every_piece_of_user_text(hostile: Tracker, cli: Cli) -> None:
    page = report(cli, "--format", "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert "&amp; &quot;q&quot; &#x27;a&#x27;" in page
    assert "\\x1b[2J" in page and "\x1b" not in page
    assert '<span class="lead">=SUM(A1)</span>' in page  # lead name in the chart


# --- CSV -------------------------------------------------------------------------------------


def test_csv_has_one_row_per_commitment_with_the_report_columns(review: Tracker, cli: Cli) -> None:
    rows = list(csv.DictReader(io.StringIO(report(cli, "--format", "csv"))))
    assert [r["ref"] for r in rows] == ["9.1", "9.2", "9.3", "9.4", "9.5"]
    assert rows[3] == {
        "ref": "9.4",
        "meeting": "9",
        "seq": "4",
        "id": rows[3]["id"],
        "source": "",
        "text": "Review the RSO work plan",
        "kind": "agreed",
        "owners": "RSO",
        "support": "",
        "due": "2015-Q3",
        "due_by": "2015-09-30",
        "status": "open",
        "status_label": "open (overdue)",
        "overdue": "yes",
        "informational": "",
        "latest_note": "",
        "evidence": "",
        "tags": "",
        "superseded_by": "",
        "replaces": "",
        "as_of": "2016-03-22",
    }
    assert rows[0]["evidence"] == (
        "Roundtable held in Manila; fulfilled by meeting manila-2015; on 2015-12-04"
    )
    assert rows[1]["owners"] == "Australia; Indonesia" and rows[1]["support"] == "RSO"
    assert rows[1]["latest_note"] == "2016-02-01 Indonesia: Pilot launched in Java"
    assert rows[2]["informational"] == "yes" and rows[2]["overdue"] == ""


def test_csv_neutralises_cells_a_spreadsheet_would_evaluate(hostile: Tracker, cli: Cli) -> None:
    (row,) = csv.DictReader(io.StringIO(report(cli, "--format", "csv")))
    assert row["owners"] == "'=SUM(A1); @evil"
    assert row["source"] == "'-1+1"
    assert row["latest_note"] == "2015-09-01 +Mallory: \tcmd|' /C calc'!A0"
    assert row["text"] == HOSTILE  # text kept exactly: it does not start with a formula sign


# --- --output and errors ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "md", "html", "csv", "json"])
def test_output_writes_the_file_and_nothing_on_stdout(
    review: Tracker, cli: Cli, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / "out" / f"review.{fmt}"
    target.parent.mkdir()
    target.write_text("old report\n")
    result = cli("report", "-m", "9", "--as-of", AS_OF, "-f", fmt, "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert str(target) in result.stderr and result.stderr.count("\n") == 1
    written = target.read_text(encoding="utf-8")
    assert "old report" not in written and "\x1b" not in written
    if fmt != "table":
        assert written == report(cli, "-f", fmt)
    else:
        assert "1 of 3 still asked for (33%)" in written
        assert max(len(line) for line in written.splitlines()) <= 100
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temp left


def test_output_to_a_missing_folder_is_one_line_exit_1(
    review: Tracker, cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "nowhere" / "review.html"
    result = cli("report", "-m", "9", "-f", "html", "--output", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("aghtrack: Could not write") and str(target) in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_unknown_meeting_is_exit_1_naming_the_known_ones(review: Tracker, cli: Cli) -> None:
    result = cli("report", "--meeting", "99")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "aghtrack: No meeting '99'. Known meetings: 9, manila-2015.\n"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--as-of", "22/03/2016"], "YYYY-MM-DD"),
        (["--as-of", "2016-02-30"], "not a real date"),
        (["--format", "pdf"], "pdf"),
        (["--meeting", "Nine!"], "not a meeting key"),
        (["--owner", "  "], "empty owner"),
    ],
)
def test_bad_input_is_exit_2(review: Tracker, cli: Cli, args: list[str], fragment: str) -> None:
    result = cli("report", "-m", "9", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert fragment in result.stderr and "Traceback" not in result.stderr


def test_a_meeting_with_no_commitments_still_reports(meeting9: Tracker, cli: Cli) -> None:
    payload = report_json(cli)
    assert payload["summary"]["total"] == 0 and payload["summary"]["done_share"] is None  # type: ignore[index]
    for fmt in ("table", "md", "html", "csv"):
        assert report(cli, "-f", fmt)


def test_a_report_to_a_file_or_pipe_is_laid_out_without_rich(review: Tracker) -> None:
    """Off a terminal the report is plain text, laid out by ``render.plain``: Rich's console
    and its rendering cost about 0.1 s a report (issue 16)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aghtrack", "report", "-m", "9", "--since", "9"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "100", "AGHTRACK_TODAY": AS_OF},
    )
    assert done.returncode == 0, done.stderr[-500:]
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "aghtrack.render.report" in imported
    # Only Rich's cell-width tables (for wide characters), never its console or tables.
    assert not {m for m in imported if m in ("rich.console", "rich.table", "rich.text")}
    out = done.stdout
    for needle in ("Progress review: Ninth AHG SOM", "Who owes what (by lead)", "9.4"):
        assert needle in out
    assert all(len(line) <= 100 for line in out.splitlines())


def test_the_output_s_name_sets_the_format_and_never_contradicts_it(
    review: Tracker, cli: Cli, tmp_path: Path
) -> None:
    """``--output paper.docx`` is a Word paper without ``--format docx``; a name saying one
    format with ``--format`` another is refused before anything is written (a Word paper
    replaced by text was lost, JSON named record.xlsx opened nowhere)."""
    import zipfile

    paper, record, listing = tmp_path / "paper.docx", tmp_path / "record.xlsx", tmp_path / "l.csv"
    assert cli("report", "-m", "9", "--output", str(paper)).exit_code == 0
    assert zipfile.is_zipfile(paper) and "word/document.xml" in zipfile.ZipFile(paper).namelist()
    assert cli("export", "--output", str(record)).exit_code == 0
    assert "xl/workbook.xml" in zipfile.ZipFile(record).namelist()
    assert cli("list", "--output", str(listing)).exit_code == 0
    assert listing.read_text().startswith("ref,meeting,seq,")
    kept = paper.read_bytes()
    for args in (
        ["report", "-m", "9", "-f", "md", "--output", str(paper)],
        ["list", "--json", "--output", str(paper)],
        ["export", "--output", str(tmp_path / "record.docx")],
        ["report", "-m", "9", "--output", str(tmp_path / "paper.pdf")],
    ):
        result = cli(*args)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, args
    assert paper.read_bytes() == kept
    assert not (tmp_path / "record.docx").exists() and not (tmp_path / "paper.pdf").exists()
    # A name that says no format keeps the command's own default.
    assert cli("report", "-m", "9", "--output", str(tmp_path / "paper.txt")).exit_code == 0


def test_report_takes_its_meeting_as_review_does(review: Tracker, cli: Cli) -> None:
    by_option = cli("report", "--meeting", "9", "-f", "json").stdout
    assert cli("report", "9", "-f", "json").stdout == by_option
    for args, said in ((["report"], "Which meeting?"), (["report", "9", "-m", "10"], "give one")):
        result = cli(*args)
        assert result.exit_code == 2 and said in result.stderr


def test_a_report_for_a_party_the_meeting_does_not_name_is_refused(
    review: Tracker, cli: Cli, tmp_path: Path
) -> None:
    """A typo made an empty paper, written with exit 0."""
    paper = tmp_path / "indonesia.docx"
    result = cli("report", "9", "--owner", "Indonsia", "--output", str(paper))
    assert result.exit_code == 2 and "Did you mean Indonesia?" in result.stderr
    assert not paper.exists()
    assert cli("report", "9", "--owner", "indonesia", "--output", str(paper)).exit_code == 0


def test_one_party_written_two_ways_is_one_lead_and_one_filter(review: Tracker, cli: Cli) -> None:
    """The shipped record writes "Vietnam", a UN text "Viet Nam": one party for the report's
    "who owes what" and for ``list --owner``, each name kept as recorded."""
    review.add_commitment(meeting="9", text="Host a workshop", owners=["Vietnam"])
    review.add_commitment(meeting="9", text="Map routes", owners=["Viet Nam"])
    review.add_commitment(meeting="9", text="Fund a study", owners=["the U.S."])
    review.add_commitment(meeting="9", text="Train officers", owners=["United States"])
    paper = json.loads(cli("report", "9", "--as-of", AS_OF, "-f", "json").stdout)
    leads = paper["by_owner"]
    assert ("Vietnam" in leads) != ("Viet Nam" in leads)
    assert (leads.get("Vietnam") or leads["Viet Nam"])["total"] == 2
    assert (leads.get("the U.S.") or leads["United States"])["total"] == 2
    for spelling in ("Viet Nam", "vietnam"):
        found = json.loads(cli("list", "--owner", spelling, "--json").stdout)
        assert sorted(c["owners"][0] for c in found) == ["Viet Nam", "Vietnam"]
