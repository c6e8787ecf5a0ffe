"""The papers officers circulate (Word, Excel, CSV for spreadsheets) and the one presenter
behind every format: each format shows the same figures and the same labels, and each client
that read our outputs wrong (pandas, LibreOffice, Excel, bash) reads them right."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from aghtrack.model import Kind
from aghtrack.render.present import STATUS_COLOUR, STATUS_INK, contrast
from aghtrack.tracker import Tracker

from .conftest import Cli
from .test_cli_report import AS_OF, HOSTILE, hostile, review  # noqa: F401  (fixtures)

BOTH_WORDS = "Interested members"


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    parts += [p.text for p in doc.sections[0].header.paragraphs]
    return "\n".join(parts)


def _xlsx_text(path: Path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return "\n".join(
        str(value)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _write(cli: Cli, tmp_path: Path, fmt: str, *args: str) -> Path:
    target = tmp_path / f"out.{fmt}"
    result = cli(*args, "--format", fmt, "--output", str(target))
    assert result.exit_code == 0, result.stderr
    return target


# --- one presenter: every format shows the same figures and labels ---------------------------


def every_format(cli: Cli, tmp_path: Path, *args: str) -> dict[str, str]:
    """One paper in every format, as the text a reader sees (Word and Excel opened and read)."""
    from typer.testing import CliRunner

    from aghtrack.cli import app

    # The terminal table, wide enough that no cell wraps (a wrapped cell breaks a phrase).
    wide = CliRunner().invoke(app, [*args, "--format", "table"], env={"COLUMNS": "400"})
    assert wide.exit_code == 0, wide.stderr
    shown = {"table": wide.stdout}
    for fmt in ("md", "html", "csv", "json"):
        result = cli(*args, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        shown[fmt] = result.stdout.replace("\\", "")  # Markdown escapes parentheses
    shown["docx"] = _docx_text(_write(cli, tmp_path, "docx", *args))
    shown["xlsx"] = _xlsx_text(_write(cli, tmp_path, "xlsx", *args))
    return shown


def test_every_report_format_shows_the_same_figures_and_labels(
    review: Tracker, cli: Cli, tmp_path: Path
) -> None:
    # With --since, so that the section of changes is checked alike in every format.
    args = ("report", "--meeting", "9", "--as-of", AS_OF, "--since", "2015-12-31")
    shown = every_format(cli, tmp_path, *args)
    payload = json.loads(shown["json"])
    labels = [
        "open (overdue)",  # 9.4, late
        "for information (welcomed)",  # 9.3, owes nothing
        "in-progress",
        "dropped",
        # One wording of the evidence line everywhere.
        "Roundtable held in Manila; fulfilled by meeting manila-2015; on 2015-12-04",
        "2016-02-01 Indonesia: Pilot launched in Java",  # the latest note
        "Australia, Indonesia (with RSO)",
    ]
    figures = ["1 of 3 still asked for (33%)", "1 (9.4)"]
    # The changes since 2015-12-31: 9.5 dropped and a note on 9.2, dated 2016.
    changes = [("2016-01-15", "9.5", "open → dropped"), ("2016-02-01", "9.2", "note")]
    for fmt, text in shown.items():
        if fmt == "json":
            continue
        flat = " ".join(text.split())
        for expected in labels[:6]:
            if fmt == "table" and expected.startswith("for information"):
                # The terminal's Status column is kept narrow: the label wraps in it.
                assert "for information" in flat and "(welcomed)" in flat
                continue
            assert expected in flat, (fmt, expected)
        if fmt not in ("csv", "xlsx"):  # sheets keep owners and support in their own columns
            assert labels[6] in flat, (fmt, labels[6])
        if fmt != "csv":  # a CSV is the commitments only
            for expected in figures:
                assert expected in flat, (fmt, expected)
            assert "What changed since 2015-12-31" in flat, fmt
        # The words of the page, without table rules and markup between the cells of a row.
        words = " ".join(re.sub(r"<[^>]+>|[│┃|]", " ", text).split())
        for on, ref, what in changes:
            # Each change with its date (and, in a table, its reference).
            assert (
                f"{on} {what}" in words
                or f"{on} {ref} {what}" in words
                or (fmt == "xlsx" and f"{on} 00:00:00 {ref}" in words and what in words)
            ), (fmt, on, what)
    assert payload["since"]["date"] == "2015-12-31"
    assert [(x["on"], x["ref"], x["what"]) for x in payload["since"]["changes"]] == [
        ("2016-01-15", "9.5", "status"),
        ("2016-02-01", "9.2", "note"),
    ]
    # The JSON's figures are the ones the papers print.
    summary = payload["summary"]
    assert (summary["total"], summary["work"], summary["informational"]) == (5, 4, 1)
    assert summary["overdue_refs"] == ["9.4"] and summary["still_asked_for"] == 3
    for fmt in ("md", "html", "docx", "xlsx"):
        flat = " ".join(shown[fmt].split())
        for label in ("Commitments", "Work commitments", "For information only", "Done share"):
            assert label in flat, (fmt, label)


def test_list_md_and_csv_keep_the_informational_marker_and_the_evidence_wording(
    review: Tracker, cli: Cli
) -> None:
    md = cli("list", "-m", "9", "--as-of", AS_OF, "-f", "md").stdout
    assert "for information \\(welcomed\\)" in md and "**open \\(overdue\\)**" in md
    rows = list(csv.DictReader(io.StringIO(cli("list", "-m", "9", "-f", "csv").stdout)))
    assert rows[2]["status_label"] == "for information (welcomed)"
    assert rows[2]["informational"] == "yes"
    report_rows = list(
        csv.DictReader(io.StringIO(cli("report", "-m", "9", "--as-of", AS_OF, "-f", "csv").stdout))
    )
    assert rows[0]["evidence"] == report_rows[0]["evidence"]
    assert "fulfilled by meeting manila-2015" in rows[0]["evidence"]


def test_overdue_column_of_the_lead_table_is_right_aligned(review: Tracker, cli: Cli) -> None:
    md = cli("report", "-m", "9", "--as-of", AS_OF, "-f", "md").stdout
    header, rule = (
        line for line in md.splitlines() if line.startswith("| Lead |") or "---:|---|" in line
    )
    overdue_at = [c.strip() for c in header.strip("|").split("|")].index("Overdue")
    assert [c for c in rule.strip("|").split("|")][overdue_at] == "---:"
    page = cli("report", "-m", "9", "--as-of", AS_OF, "-f", "html").stdout
    assert '<th class="n" scope="col">Overdue</th><th scope="col">Commitments</th>' in page
    assert '<td class="n late" data-label="Overdue">1 (9.4)</td>' in page


def test_chart_labels_reach_wcag_aa_contrast_on_every_status_colour(
    review: Tracker, cli: Cli
) -> None:
    page = cli("report", "-m", "9", "--as-of", AS_OF, "-f", "html").stdout
    segments = re.findall(r"background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})", page)
    assert len(segments) >= 3
    for fill, ink in segments:
        assert contrast(ink, fill) >= 4.5, (fill, ink)
    for status, fill in STATUS_COLOUR.items():
        assert contrast(STATUS_INK[status], fill) >= 4.5, status
    assert round(contrast("#ffffff", "#1e8a3e"), 2) == 4.41  # the ratio the audit measured


# --- CSV for spreadsheets -----------------------------------------------------------------


#: Pasted from Word: the record keeps its carriage return as a line break, which a CSV cell
#: must quote to read back as one cell.
CR_TEXT = "Pasted from Word\rsecond line"
KEPT_TEXT = "Pasted from Word\nsecond line"


@pytest.mark.parametrize(
    "args",
    [
        ("list", "-m", "9", "-f", "csv"),
        ("report", "-m", "9", "--as-of", AS_OF, "-f", "csv"),
        ("export", "-f", "csv"),
    ],
)
def test_every_csv_quotes_a_pasted_line_break_and_reads_back_exactly(
    meeting9: Tracker, cli: Cli, args: tuple[str, ...]
) -> None:
    meeting9.add_commitment(meeting="9", text=CR_TEXT, owners=["Fiji"])
    meeting9.add_commitment(meeting="9", text="Second, with a comma", owners=["Fiji"])
    out = cli(*args).stdout
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [r["text"] for r in rows] == [KEPT_TEXT, "Second, with a comma"]


def test_excel_flag_starts_the_csv_with_a_byte_order_mark(meeting9: Tracker, cli: Cli) -> None:
    meeting9.add_commitment(meeting="9", text="Hội nghị 会议", owners=["Việt Nam"])
    for args in (("list",), ("report", "-m", "9"), ("export", "-f", "csv")):
        out = (
            cli(*args, "-f", "csv", "--excel").stdout
            if args[0] != "export"
            else cli(*args, "--excel").stdout
        )
        assert out.startswith("\ufeff"), args
        assert "Việt Nam" in out
    plain = cli("list", "-f", "csv").stdout
    assert not plain.startswith("\ufeff")
    refused = cli("list", "-f", "md", "--excel")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1


def test_csv_formula_guard_round_trips_exactly_through_export_and_import(
    meeting9: Tracker, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["=SUM(A1)", "'=already quoted", "''=twice", "+Thailand", "-1", "@here", "plain"]
    for text in texts:
        meeting9.add_commitment(meeting="9", text=text, owners=["Fiji"])
    exported = cli("export", "-f", "csv").stdout
    cells = [r["text"] for r in csv.DictReader(io.StringIO(exported))]
    assert cells[:4] == ["'=SUM(A1)", "''=already quoted", "'''=twice", "'+Thailand"]
    (tmp_path / "e.csv").write_text(exported)
    json_before = json.loads(cli("export").stdout)
    monkeypatch.setenv("AGHTRACK_DB", str(tmp_path / "other" / "store.json"))
    assert (
        cli("meeting", "add", "9", "--title", "Ninth AHG SOM", "--date", "2015-05-06").exit_code
        == 0
    )
    assert cli("import", str(tmp_path / "e.csv")).exit_code == 0
    after = json.loads(cli("export").stdout)
    assert [a["text"] for a in after["actions"]] == texts
    assert [a["text"] for a in json_before["actions"]] == texts


def test_pandas_reads_every_reference_unambiguously(
    meeting9: Tracker, cli: Cli, tmp_path: Path
) -> None:
    pandas = pytest.importorskip("pandas")
    for n in range(10):
        meeting9.add_commitment(meeting="9", text=f"Commitment {n + 1}", owners=["Fiji"])
    frame = pandas.read_csv(io.StringIO(cli("list", "-m", "9", "-f", "csv").stdout))
    # pandas takes 9.1 and 9.10 for the same number; meeting and seq keep them apart.
    assert frame["ref"].iloc[0] == frame["ref"].iloc[9]
    assert list(zip(frame["meeting"], frame["seq"], strict=True)) == [(9, n) for n in range(1, 11)]
    workbook = _write(cli, tmp_path, "xlsx", "list", "-m", "9")
    # pandas infers numbers even from text cells; the same two columns keep rows apart there.
    sheet = pandas.read_excel(workbook)
    assert list(zip(sheet["meeting"], sheet["seq"], strict=True)) == [(9, n) for n in range(1, 11)]
    # A spreadsheet shows what the cell holds: text, so 9.10 stays 9.10.
    from openpyxl import load_workbook

    refs = load_workbook(workbook)["Commitments"]["A"][1:]
    assert [(c.value, c.data_type) for c in refs] == [(f"9.{n}", "s") for n in range(1, 11)]


# --- Excel ---------------------------------------------------------------------------------


def test_xlsx_report_has_typed_cells_frozen_filterable_header_and_status_colours(
    hostile: Tracker, cli: Cli, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(_write(cli, tmp_path, "xlsx", "report", "-m", "9", "--as-of", AS_OF))
    assert book.sheetnames == ["Summary", "Commitments"]
    ws = book["Commitments"]
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert (
        ws.freeze_panes == "A2"
        and ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}2"
    )
    assert row["due_by"].is_date and row["due_by"].value.date() == date(2015, 9, 30)
    assert row["owners"].value == "=SUM(A1); @evil" and row["owners"].data_type == "s"
    assert row["source"].value == "-1+1" and row["source"].data_type == "s"
    assert (
        row["text"].value.startswith("[bold red]x[/bold red] [/] <script>")
        and "\\x1b[2J" in row["text"].value
    )
    assert row["status_label"].value == "open (overdue)"
    assert len(ws.conditional_formatting) >= 1
    assert all(ws.column_dimensions[c].width <= 62 for c in ws.column_dimensions)
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows() if r[0].value}
    assert summary["Commitments"] == 1 and summary["Overdue as of 2016-03-22"] == 1


def test_xlsx_export_reimports_losslessly(
    review: Tracker, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review.add_commitment(
        meeting="9",
        text="Hostile \x1b[2J \u202eRTL\u202c =SUM(A1) _x001B_ literal\r\nnext\ttab",
        owners=["=cmd|' /C calc'!A0", BOTH_WORDS, "a; b"],
        support=["@evil"],
        kind=Kind.NOTED,
        tags=["t1", "t 2"],
        source="'=quoted",
    )
    review.add_note("9.6", "note \x07 with bell", on=date(2016, 1, 2), by="")
    review.delete("9.5")
    # Edits name the value they replaced ("over"), which a merge needs to tell concurrent
    # edits from later ones.
    review.update_commitment("9.6", text="First wording", on=date(2016, 1, 3))
    review.update_commitment("9.6", text="Second wording", on=date(2016, 1, 4))
    original = cli("export").stdout
    assert '"over"' in original
    target = _write(cli, tmp_path, "xlsx", "export")
    monkeypatch.setenv("AGHTRACK_DB", str(tmp_path / "empty" / "store.json"))
    result = cli("import", str(target))
    assert result.exit_code == 0, result.stderr
    assert cli("export").stdout == original


def test_a_text_longer_than_an_excel_cell_is_never_cut_silently(
    review: Tracker, cli: Cli, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    long_text = " ".join(f"word{n}" for n in range(8000))  # ~70,000 characters
    ref = review.add_commitment(meeting="9", text=long_text).ref
    # The record's Excel form must read back exactly: it is refused, naming the commitment.
    target = tmp_path / "record.xlsx"
    refused = cli("export", "--format", "xlsx", "--output", str(target))
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert f"({ref}) holds a text of" in refused.stderr and "JSON" in refused.stderr
    assert not target.exists()
    # A paper is for reading: the cell says where it was cut.
    paper = _write(cli, tmp_path, "xlsx", "list", "--meeting", "9", "--all")
    cells = [c.value for row in load_workbook(paper).active.iter_rows() for c in row]
    cut = [v for v in cells if isinstance(v, str) and v.startswith("word0 word1")]
    assert len(cut) == 1 and len(cut[0]) == 32_767
    assert cut[0].endswith(
        "[... cut here: an Excel cell holds at most 32,767 characters; aghtrack has it all]"
    )


def test_xlsx_import_rejects_a_workbook_that_is_not_an_export(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    result = cli("import", str(bad))
    assert result.exit_code == 2 and "not readable as an Excel workbook" in result.stderr


# --- binary formats and the terminal ---------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("report", "-m", "9", "-f", "docx"),
        ("report", "-m", "9", "-f", "xlsx"),
        ("list", "-f", "xlsx"),
        ("export", "-f", "xlsx"),
    ],
)
def test_binary_format_without_output_is_one_line_exit_2(
    meeting9: Tracker, cli: Cli, args: tuple[str, ...]
) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--output" in result.stderr


def test_format_option_offers_only_the_command_s_formats(meeting9: Tracker, cli: Cli) -> None:
    result = cli("list", "-f", "docx")
    assert result.exit_code == 2 and "table, json, csv, md, xlsx" in result.stderr


def test_word_paper_is_a4_with_styles_header_and_repeated_table_header(
    review: Tracker, cli: Cli, tmp_path: Path
) -> None:
    from docx import Document
    from docx.shared import Mm

    doc = Document(str(_write(cli, tmp_path, "docx", "report", "-m", "9", "--as-of", AS_OF)))
    section = doc.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    assert "Ninth AHG SOM" in section.header.paragraphs[0].text
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Heading 1", "Heading 2", "List Bullet"} <= styles
    commitments = doc.tables[-1]
    assert commitments.style.name == "Light Grid Accent 1"
    assert commitments.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert [c.text for c in commitments.rows[0].cells] == [
        "Ref",
        "Commitment",
        "Owners",
        "Due",
        "Status",
    ]


# --- start-up and completion -------------------------------------------------------------


def test_list_imports_neither_python_docx_nor_openpyxl(meeting9: Tracker) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aghtrack", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "aghtrack.cli" in imported
    assert not {m for m in imported if m.split(".")[0] in ("docx", "openpyxl", "lxml")}


def _bash_complete(words: str, env_store: Path) -> list[str]:
    """What bash puts on the command line: the completion's words, read back as bash reads."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    cword = len(words.split(" ")) - 1
    script = (
        f'reply=$(COMP_WORDS="$WORDS" COMP_CWORD={cword} _AGHTRACK_COMPLETE=complete_bash '
        f"{sys.executable} -m aghtrack); IFS=$'\\n'; for r in $reply; do eval \"set -- $r\"; "
        'printf "%s|%s\\n" "$#" "$1"; done'
    )
    env = {**os.environ, "WORDS": words, "AGHTRACK_DB": str(env_store)}
    done = subprocess.run(
        [bash, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_bash_completes_a_name_with_spaces_as_one_quoted_word(
    meeting9: Tracker, store_path: Path
) -> None:
    meeting9.add_commitment(
        meeting="9", text="T", owners=[BOTH_WORDS], support=["Iran (Islamic Republic of)"]
    )
    assert _bash_complete("aghtrack list --owner Interest", store_path) == [f"1|{BOTH_WORDS}"]
    assert _bash_complete("aghtrack list --owner Iran", store_path) == [
        "1|Iran (Islamic Republic of)"
    ]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("aghtrack list --status in", ["1|in-progress"]),
        ("aghtrack update 9.1 --status d", ["1|done", "1|dropped"]),
        ("aghtrack add-action T --kind w", ["1|will", "1|welcomed"]),
        ("aghtrack report --format d", ["1|docx"]),
        ("aghtrack export --format x", ["1|xlsx"]),
        ("aghtrack list --sort d", ["1|due"]),
    ],
)
def test_bash_completes_every_option_with_a_fixed_set_of_values(
    store_path: Path, words: str, expected: list[str]
) -> None:
    assert _bash_complete(words, store_path) == expected


def test_hostile_text_stays_inert_in_word_and_excel(
    hostile: Tracker, cli: Cli, tmp_path: Path
) -> None:
    docx_text = _docx_text(_write(cli, tmp_path, "docx", "report", "-m", "9", "--as-of", AS_OF))
    assert HOSTILE.replace("\x1b", "\\x1b") in docx_text and "\x1b" not in docx_text
    assert "=SUM(A1), @evil" in docx_text
