"""`aghtrack draft` end to end: every file format, the import round trip, --apply and undo,
and bad input refused with one line, exit 2 and the store untouched."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from aghtrack.tracker import Tracker

from .conftest import Cli

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "ahg-som-9-wellington-2015.txt"
DATA = Path(__file__).resolve().parents[1] / "data" / "bali-process-ahg.json"

STATEMENT = [
    "Outcomes of the Ninth Meeting",
    "The meeting was held in Wellington on 6 May 2015.",
    "Members agreed to hold a workshop on returns in late 2015.",
    "Fiji and Samoa will draft a regional guide by mid-2016, supported by IOM.",
    "Members welcomed the report of the Regional Office.",
]


def _json(cli: Cli, *args: str, input: str | None = None) -> list[dict[str, object]]:
    result = cli("draft", *args, "--format", "json", input=input)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["format"] == "aghtrack"
    return list(document["actions"])


def _docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.add_heading(STATEMENT[0], level=1)
    document.add_paragraph(STATEMENT[1])
    for line in STATEMENT[2:]:
        document.add_paragraph(line, style="List Bullet")
    document.save(str(path))
    return path


def _pdf(path: Path, lines: list[str]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for n, line in enumerate(lines):
        pdf.multi_cell(0, 6, f"{n}. {line}" if n > 1 else line)
        pdf.ln(2)
    pdf.output(str(path))
    return path


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    assert cli("import", str(DATA)).exit_code == 0
    return cli


def test_the_seed_gives_its_eight_outcomes(seeded: Cli) -> None:
    if not SEED.exists():
        pytest.skip("the shared seed record is not beside this checkout")
    actions = _json(seeded, str(SEED), "--meeting", "9")
    assert [a["source"] for a in actions] == [f"bullet {n}" for n in range(1, 9)]
    assert [a["informational"] for a in actions] == [True] + [False] * 6 + [True]
    assert (actions[1]["kind"], actions[1]["due"]) == ("agreed", "late 2015")
    assert (actions[2]["kind"], actions[2]["owners"]) == ("will", ["Australia", "Indonesia"])
    assert actions[3]["kind"] == "endorsed"
    assert actions[4]["owners"] == ["Working Group on Trafficking in Persons"]
    assert actions[0]["support"] == ["RSO", "IOM"]


def test_paragraphs_that_gave_no_proposal_are_named_on_stderr(seeded: Cli) -> None:
    """A commitment the reader missed is a line for the officer to check, never a silent
    loss; a title or a date is no outcome and is not listed. Stdout stays the import file."""
    text = (
        "Outcomes of the Ninth Meeting of the Ad Hoc Group Senior Officials in Wellington\n\n"
        "1. Thailand stands ready to host a workshop on returns in late 2015, subject to funding.\n"
        "2. Members agreed to hold a roundtable on returns in 2016.\n"
    )
    result = seeded("draft", "-", "--meeting", "9", "--format", "json", input=text)
    assert result.exit_code == 0
    assert [a["source"] for a in json.loads(result.stdout)["actions"]] == ["paragraph 2"]
    assert "1 paragraph of the statement gave no proposal" in result.stderr
    assert "  paragraph 1: Thailand stands ready to host a workshop" in result.stderr
    assert "Outcomes of the Ninth Meeting" not in result.stderr


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".docx", ".pdf"])
def test_every_format_gives_the_same_outcomes(
    meeting9: Tracker, cli: Cli, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"statement{suffix}"
    if suffix == ".docx":
        _docx(path)
    elif suffix == ".pdf":
        _pdf(path, STATEMENT)
    elif suffix == ".html":
        items = "".join(f"<li>{line}</li>" for line in STATEMENT[2:])
        path.write_text(
            f"<html><body><h2>{STATEMENT[0]}</h2><p>{STATEMENT[1]}</p><ul>{items}</ul></body></html>"
        )
    else:
        bullet = "- " if suffix == ".md" else "• "
        path.write_text(
            "\n".join([STATEMENT[0], STATEMENT[1], *(bullet + s for s in STATEMENT[2:])]) + "\n"
        )
    actions = _json(cli, str(path), "-m", "9")
    assert [a["kind"] for a in actions] == ["agreed", "will", "welcomed"]
    assert actions[0]["due"] == "late 2015"
    assert (actions[1]["owners"], actions[1]["support"], actions[1]["due"]) == (
        ["Fiji", "Samoa"],
        ["IOM"],
        "2016-H1",
    )
    assert actions[1]["source"] in ("bullet 2", "paragraph 3")


def test_json_output_imports_as_it_is(meeting9: Tracker, cli: Cli, tmp_path: Path) -> None:
    statement = tmp_path / "s.txt"
    statement.write_text("\n".join(STATEMENT))
    draft = tmp_path / "draft.json"
    draft.write_text(cli("draft", str(statement), "-m", "9", "-f", "json").stdout)
    result = cli("import", str(draft))
    assert result.exit_code == 0, result.stderr
    stored = meeting9.commitments()
    assert [(c.kind.value, c.owners, c.due and c.due.text) for c in stored] == [
        ("agreed", ("Members",), "late 2015"),
        ("will", ("Fiji", "Samoa"), "2016-H1"),
        ("welcomed", ("Members",), None),
    ]


def test_csv_output_imports_as_it_is(meeting9: Tracker, cli: Cli, tmp_path: Path) -> None:
    statement = tmp_path / "s.txt"
    statement.write_text("\n".join(STATEMENT))
    draft = tmp_path / "draft.csv"
    draft.write_text(cli("draft", str(statement), "-m", "9", "-f", "csv").stdout)
    assert draft.read_text().startswith("meeting,source,text,kind,informational,owners")
    result = cli("import", str(draft))
    assert result.exit_code == 0, result.stderr
    assert [c.support for c in meeting9.commitments()] == [(), ("IOM",), ()]


def test_apply_records_all_in_one_change_that_one_undo_reverts(meeting9: Tracker, cli: Cli) -> None:
    result = cli("draft", "-", "-m", "9", "--apply", input="\n".join(STATEMENT))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["9.1", "9.2", "9.3"]
    assert len(meeting9.commitments()) == 3
    assert meeting9.history()[0].command == "draft"
    assert cli("undo").exit_code == 0
    assert meeting9.commitments() == []


def test_applying_the_same_draft_twice_adds_nothing_the_second_time(
    meeting9: Tracker, cli: Cli
) -> None:
    text = "\n".join(STATEMENT)
    assert cli("draft", "-", "-m", "9", "--apply", input=text).exit_code == 0
    again = cli("draft", "-", "-m", "9", "--apply", input=text)
    assert again.exit_code == 0 and again.stdout == ""
    assert "3 already in the store" in again.stderr
    # Nothing to take back: following undo advice here would have undone the first apply.
    assert "undo" not in again.stderr and "nothing was changed" in again.stderr
    assert len(meeting9.commitments()) == 3


def test_without_apply_nothing_is_recorded_and_the_table_names_sources(
    meeting9: Tracker, cli: Cli, store_path: Path
) -> None:
    before = store_path.read_bytes()
    result = cli("draft", "-", "-m", "9", input="\n".join(STATEMENT))
    assert result.exit_code == 0
    assert "paragraph 3" in result.stdout and "(info)" in result.stdout
    assert "nothing recorded" in result.stderr
    assert store_path.read_bytes() == before


def test_an_unknown_meeting_is_refused(meeting9: Tracker, cli: Cli) -> None:
    result = cli("draft", "-", "-m", "99", input="\n".join(STATEMENT))
    assert result.exit_code == 1 and "No meeting '99'" in result.stderr


def _pdf_without_text(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 50, 50)
    pdf.output(str(path))
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(b"  \n\n "), "empty"),
        (lambda p: p.write_bytes(os.urandom(4096) + b"\x00"), "not text"),
        (_pdf_without_text, "no text"),
        (
            lambda p: p.write_text("The meeting was held in Suva.\nFiji presented a paper.\n"),
            "no outcomes",
        ),
        (lambda p: os.mkfifo(p), "not a regular file"),
        (lambda p: p.mkdir(), "not a regular file"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_recorded(
    meeting9: Tracker, cli: Cli, tmp_path: Path, store_path: Path, make: object, words: str
) -> None:
    path = tmp_path / "statement"
    make(path)  # type: ignore[operator]
    before = store_path.read_bytes()
    result = cli("draft", str(path), "-m", "9", "--apply")
    assert result.exit_code == 2, result.stdout
    assert words in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert store_path.read_bytes() == before


def test_a_file_over_the_limit_is_refused(
    meeting9: Tracker, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aghtrack.draft import read

    monkeypatch.setattr(read, "MAX_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("Members agreed to meet. " * 10)
    result = cli("draft", str(path), "-m", "9")
    assert result.exit_code == 2 and "larger than" in result.stderr


def test_a_missing_file_is_refused(meeting9: Tracker, cli: Cli, tmp_path: Path) -> None:
    result = cli("draft", str(tmp_path / "nope.txt"), "-m", "9")
    assert result.exit_code == 2 and "cannot read it" in result.stderr


def test_a_statement_in_utf16_or_cp1252_is_read(
    meeting9: Tracker, cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "s.txt"
    path.write_bytes("• Members agreed to meet in Curaçao in 2016.\n".encode("utf-16"))
    assert _json(cli, str(path), "-m", "9")[0]["due"] == "2016"
    path.write_bytes("• Members agreed to meet in Curaçao in 2016.\n".encode("cp1252"))
    assert "Curaçao" in str(_json(cli, str(path), "-m", "9")[0]["text"])


def test_docx_numbering_and_letters_are_labelled(
    meeting9: Tracker, cli: Cli, tmp_path: Path
) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("Ministers welcomed the report.", style="List Number")
    document.add_paragraph("Requests the Secretariat:", style="List Number")
    document.add_paragraph("(a) to draft a plan;")
    document.add_paragraph("(b) to cost it by 2016.")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "Fiji will host the next workshop."
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "d.docx"
    path.write_bytes(buffer.getvalue())
    actions = _json(cli, str(path), "-m", "9")
    assert [a["source"] for a in actions] == [
        "paragraph 1",
        "paragraph 2(a)",
        "paragraph 2(b)",
        "after paragraph 2",
    ]
    assert actions[2]["owners"] == ["Secretariat"] and actions[2]["due"] == "2016"
    assert actions[3]["owners"] == ["Fiji"]


def test_hostile_text_is_shown_escaped_in_the_table(meeting9: Tracker, cli: Cli) -> None:
    result = cli("draft", "-", "-m", "9", input="• Members agreed to act \x1b[31mnow.\n")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\\x1b" in result.stdout


def test_a_damaged_pdf_is_one_line(tmp_path: Path) -> None:
    """A real process: pytest's own log capture would hide what pypdf logs to stderr."""
    import subprocess
    import sys

    path = tmp_path / "statement.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    env = {**os.environ, "AGHTRACK_DB": str(tmp_path / "store.json"), "AGHTRACK_USER": "rso"}
    run = [sys.executable, "-m", "aghtrack"]
    subprocess.run([*run, "import", str(DATA)], env=env, check=True, capture_output=True)
    done = subprocess.run([*run, "draft", str(path), "-m", "9"], env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "cannot read this PDF" in done.stderr, done.stderr


def test_a_docx_that_unpacks_past_the_limit_is_refused_before_it_is_parsed(
    meeting9: Tracker, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aghtrack.draft import read

    monkeypatch.setattr(read, "MAX_UNPACKED", 1000)
    result = cli("draft", str(_docx(tmp_path / "statement.docx")), "-m", "9")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "unpacks to" in result.stderr


def test_long_runs_of_capitals_do_not_stall_the_draft(tmp_path: Path) -> None:
    """PDF text without spaces, or codes: a pattern of repeated capitalised words over the
    whole statement took minutes on this (~30 s for 30 such paragraphs)."""
    import subprocess
    import sys

    path = tmp_path / "capitals.txt"
    path.write_text(
        ("A" * 1000 + "\n\n")
        * 100
        + "Members agreed that the Regional Support Office (RSO) and the Jakarta Centre for "
        "Law Enforcement Cooperation (JCLEC) will hold a workshop in 2016.\n"
    )
    store = tmp_path / "store.json"
    env = {**os.environ, "AGHTRACK_DB": str(store), "AGHTRACK_USER": "rso"}
    run = [sys.executable, "-m", "aghtrack"]
    subprocess.run([*run, "import", str(DATA)], env=env, check=True, capture_output=True)
    done = subprocess.run([*run, "draft", str(path), "-m", "9", "-f", "csv"], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "RSO; JCLEC" in done.stdout


def test_a_narrow_terminal_gets_each_proposal_as_a_block_no_word_cut(seeded: Cli) -> None:
    """Six columns at 80 cut words ("Owner s", "Thail and"); blocks keep every word whole."""
    from typer.testing import CliRunner

    from aghtrack.cli import app

    text = "1. Members agreed that Thailand will host a workshop on returns by 2016-Q3.\n"
    narrow = CliRunner().invoke(app, ["draft", "-", "-m", "9"], input=text, env={"COLUMNS": "80"})
    assert narrow.exit_code == 0
    assert narrow.stdout.splitlines()[:4] == [
        "paragraph 1  agreed",
        "  Members agreed that Thailand will host a workshop on returns by 2016-Q3.",
        "  Owners: Thailand",
        "  Due: 2016-Q3",
    ]
    wide = CliRunner().invoke(app, ["draft", "-", "-m", "9"], input=text, env={"COLUMNS": "140"})
    assert wide.exit_code == 0 and "┃ Source" in wide.stdout and "Thailand" in wide.stdout
