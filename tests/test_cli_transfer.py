"""`aghtrack import` and `aghtrack export` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from aghtrack import transfer
from aghtrack.store import Store

from .conftest import Cli

SHIPPED = str(Path(__file__).resolve().parent.parent / "data" / "bali-process-ahg.json")


def test_import_says_what_it_added_on_stderr(cli: Cli) -> None:
    result = cli("import", SHIPPED)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "Imported 8 commitments (0 already present) and 2 meetings.\n"


def test_importing_again_adds_nothing(cli: Cli, store_path: Path) -> None:
    cli("import", SHIPPED)
    before = store_path.read_bytes()
    result = cli("import", SHIPPED)
    assert result.exit_code == 0
    assert result.stderr == (
        "Imported 0 commitments (8 already present) and 0 meetings (2 already present).\n"
    )
    assert store_path.read_bytes() == before


def test_list_meeting_9_after_import_shows_the_8_outcomes_with_leads_and_the_roundtable_done(
    cli: Cli,
) -> None:
    cli("import", SHIPPED)
    result = cli("list", "--meeting", "9", "--json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert len(listed) == 8
    leads = {c["ref"]: c["owners"][0] for c in listed}
    assert leads["9.2"] == "Members" and leads["9.3"] == "Australia"
    assert leads["9.5"] == "Working Group on Trafficking in Persons"
    assert leads["9.8"] == "RSO"
    roundtable = next(c for c in listed if c["source"] == "bullet 2")
    assert roundtable["status"] == "done" and roundtable["due"] == "late 2015"
    assert roundtable["evidence"]["fulfilled_by"] == "manila-2015"
    assert roundtable["evidence"]["on"] == "2015-12-04"
    assert "Manila" in roundtable["evidence"]["text"]
    table = cli("list", "--meeting", "9")
    assert "9.8" in table.stdout and "Australia, Indonesia" in table.stdout


def test_export_json_to_stdout_is_the_exchange_document(cli: Cli, store_path: Path) -> None:
    cli("import", SHIPPED)
    result = cli("export")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout) == transfer.export_document(Store(store_path))


def test_export_output_writes_the_file_in_one_step_and_says_where(cli: Cli, tmp_path: Path) -> None:
    cli("import", SHIPPED)
    target = tmp_path / "out" / "record.json"
    target.parent.mkdir()
    target.write_text("old")
    result = cli("export", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"Exported 8 commitments and 2 meetings to {target}.\n"
    assert json.loads(target.read_text())["format"] == "aghtrack"
    assert [p.name for p in target.parent.iterdir()] == ["record.json"]


def test_export_then_import_into_an_empty_store_then_export_is_identical(
    cli: Cli, tmp_path: Path
) -> None:
    cli("import", SHIPPED)
    first = tmp_path / "first.json"
    cli("export", "-O", str(first))
    other = str(tmp_path / "other.json")
    assert cli("--db", other, "import", str(first)).exit_code == 0
    second = cli("--db", other, "export")
    assert second.stdout.encode() == first.read_bytes()


def test_export_csv_has_the_import_header_and_one_row_per_commitment(cli: Cli) -> None:
    cli("import", SHIPPED)
    result = cli("export", "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(transfer.CSV_COLUMNS)
    assert len(lines) == 9


def test_csv_file_imports_by_its_suffix(cli: Cli, tmp_path: Path) -> None:
    cli("import", SHIPPED)
    sheet = tmp_path / "follow-up.csv"
    sheet.write_text("meeting,text,owners\n9,Report on the campaign,Australia;Indonesia\n")
    result = cli("import", str(sheet))
    assert result.exit_code == 0, result.stderr
    assert "Imported 1 commitment (0 already present)" in result.stderr
    assert cli("show", "9.9", "--json").exit_code == 0


def test_bad_file_is_exit_2_one_line_naming_the_row_and_store_unchanged(
    cli: Cli, tmp_path: Path, store_path: Path
) -> None:
    cli("import", SHIPPED)
    before = store_path.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "aghtrack",
                "version": 1,
                "actions": [
                    {"meeting": "9", "text": "fine"},
                    {"meeting": "9", "text": "x", "due": "whenever"},
                ],
            }
        )
    )
    result = cli("import", str(bad))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("aghtrack: bad.json: nothing was imported. actions[1]: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert store_path.read_bytes() == before


def test_missing_file_is_exit_2_naming_it(cli: Cli, tmp_path: Path) -> None:
    result = cli("import", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert "nowhere.json" in result.stderr and "cannot read" in result.stderr


def test_a_statement_or_a_report_given_to_import_is_named_as_one(cli: Cli, tmp_path: Path) -> None:
    """A Word statement said "not valid JSON (str is not valid UTF-8 ...)"."""
    from docx import Document

    statement = tmp_path / "statement.docx"
    doc = Document()
    doc.add_paragraph("Members agreed to hold a workshop.")
    doc.save(str(statement))
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%...")
    for path, what in ((statement, "a Word document"), (pdf, "a PDF document")):
        result = cli("import", str(path))
        assert result.exit_code == 2 and what in result.stderr and "aghtrack draft" in result.stderr
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"meeting": {"key": "9"}, "summary": {}}))
    result = cli("import", str(report))
    assert result.exit_code == 2 and "a report in JSON" in result.stderr
