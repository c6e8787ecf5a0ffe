"""Text from many hands (minutes pasted from PDFs, spreadsheets, chat) is stored exactly and
shown literally: it never restyles a table, never crashes it, never drives the terminal, and
never runs as a spreadsheet formula or as HTML."""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from datetime import date
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from aghtrack.cli import app
from aghtrack.model import Meeting
from aghtrack.render import csv_cell, md_cell, visible
from aghtrack.store import Store
from aghtrack.tracker import Tracker

from ._safety import IN_CI, cli_env, figure, ok, run_cli

HOSTILE = [
    "[/]",
    "[bold red]x[/bold red]",
    "[link=https://example.org]x[/link]",
    "[/bold] closing tag first",
    ":warning: :thumbs_up: emoji codes",
    "\\[bold]escaped bracket\\[/bold]",
    "trailing backslash \\",
    "\x1b[2J\x1b[H screen cleared",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;cHduZWQ=\x07 clipboard write",
    "\x1b]8;;https://evil.example\x1b\\hyperlink\x1b]8;;\x1b\\",
    "\x1b]0;window title\x07",
    "over\rwritten",
    "back\x08\x08\x08space",
    "bell\x07 and NUL\x00 and DEL\x7f",
    "C1 \x9b31m CSI, \x9d OSC, \x85 NEL",
    "bidi \u202eevil.exe\u202c and \u2066isolate\u2069",
    "zero\u200bwidth\ufeff marks \u2028 line separator",
    "<script>alert('x')</script> & <b>bold</b> &amp;",
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "%s %d {0} {text} $HOME `id`",
    "| pipe | *star* _under_ # hash",
    "multi\nline",
]

#: What must never reach a terminal: C0 (but newline), DEL, C1, bidi and zero-width controls.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own styling, when colour is forced


@pytest.fixture
def hostile_store(store_path: Path) -> Tracker:
    """Every hostile string as a commitment text, an owner, a note, evidence and a tag, entered
    through the tracker (so even NUL, which no command line can carry, is in)."""
    tracker = Tracker(Store(store_path), actor="officer\x1b[2J")
    tracker.add_meeting(
        Meeting(key="9", title="Ninth [bold]SOM[/bold] \x1b[2J", date=date(2015, 5, 6))
    )
    for n, text in enumerate(HOSTILE, start=1):
        tracker.add_commitment(
            meeting="9", text=text, owners=[f"Owner {n} {text}".replace("\n", " ")]
        )
        tracker.add_note(f"9.{n}", f"Note: {text}", on=date(2015, 9, 1))
        if n % 2:
            tracker.complete(f"9.{n}", evidence=f"Evidence: {text}", on=date(2015, 12, 4))
    return tracker


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _as_a_name(text: str) -> str:
    """A name as stored: NFC, no control or format characters, spaces collapsed (issue 12:
    invisible characters must not make two lookalike owners)."""
    kept = (ch for ch in unicodedata.normalize("NFC", text) if ch.isspace() or ch.isprintable())
    return " ".join("".join(kept).split())


def _kept(text: str) -> str:
    """A hostile string as the record keeps it: exactly, but that a carriage return is a line
    break (Windows and old-Mac line ends), so no CR is ever stored to redraw a terminal's
    line ("over\rwritten" is kept as "over\nwritten")."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _shown(text: str) -> list[str]:
    """The pieces a table shows: ``visible`` text, one line of it at a time."""
    return [part for part in visible(text).split("\n") if part.strip()]


@pytest.mark.usefixtures("hostile_store")
def test_tables_show_hostile_text_literally_and_pass_no_control_character() -> None:
    for args in (
        ["list"],
        ["list", "--all", "--sort", "due"],
        ["history"],
        ["meeting", "show", "9"],
    ):
        code, out, err = _invoke(*args)
        assert code == 0 and not UNSAFE.search(out) and not UNSAFE.search(err), args
    _, listing, _ = _invoke("list")
    for text in HOSTILE:
        for part in _shown(_kept(text)):
            assert part in listing, part
    for n, text in enumerate(HOSTILE, start=1):
        code, out, _ = _invoke("show", f"9.{n}")
        assert code == 0 and not UNSAFE.search(out)
        for part in _shown(f"Note: {_kept(text)}"):
            assert part in out


@pytest.mark.usefixtures("hostile_store")
def test_json_keeps_every_hostile_string_exactly() -> None:
    code, out, _ = _invoke("list", "--json")
    assert code == 0
    listed = {c["ref"]: c for c in orjson.loads(out)}
    for n, text in enumerate(HOSTILE, start=1):
        c = listed[f"9.{n}"]
        assert c["text"] == _kept(text) and c["notes"][0]["text"] == f"Note: {_kept(text)}"
        assert c["owners"] == [_as_a_name(f"Owner {n} {text}")]
    code, out, _ = _invoke("export")
    kept = {_kept(text) for text in HOSTILE}
    assert code == 0 and {c["text"] for c in orjson.loads(out)["actions"]} == kept


@pytest.mark.usefixtures("hostile_store")
def test_csv_neutralises_formula_cells_and_otherwise_keeps_the_text() -> None:
    code, out, _ = _invoke("list", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    by_ref = {r["ref"]: r for r in rows}
    for n, text in enumerate(HOSTILE, start=1):
        cell = by_ref[f"9.{n}"]["text"]
        assert cell == csv_cell(_kept(text))
        if _kept(text)[0] in "=+-@\t\r":
            assert cell == "'" + _kept(text)
    for row in rows:
        for cell in row.values():
            assert not cell or cell[0] not in "=+-@\t\r"
    code, out, _ = _invoke("export", "--format", "csv")
    assert code == 0
    for row in csv.reader(io.StringIO(out)):
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r"


@pytest.mark.usefixtures("hostile_store")
def test_markdown_escapes_markup_and_shows_controls() -> None:
    code, out, _ = _invoke("list", "--format", "md")
    assert code == 0 and not UNSAFE.search(out)
    assert "<script>" not in out and "\\<script\\>" in out
    assert len(out.splitlines()) == 2 + len(HOSTILE)  # a newline in text never breaks a row


@pytest.mark.parametrize(
    "text", ["AT&amp;T paid &lt;b&gt; 5 &copy; x", "&#x41; &#65; & plain", "*a* `b` [c](d) <e>"]
)
def test_a_markdown_cell_renders_as_the_text_it_holds(text: str) -> None:
    """What a CommonMark renderer shows of the cell is the recorded text, entities included."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt().render(md_cell(text))
    assert html.unescape(re.sub(r"</?p>", "", rendered)).strip() == text


def test_html_report_escapes_everything(hostile_store: Tracker) -> None:
    code, out, _ = _invoke("report", "--meeting", "9", "--as-of", "2016-03-22", "--format", "html")
    assert code == 0
    assert "<script>alert" not in out and "<b>bold</b>" not in out
    assert html.escape("<script>alert('x')</script> & <b>bold</b> &amp;") in out
    assert not UNSAFE.search(out.replace("\n", "").replace("\t", ""))


@pytest.mark.usefixtures("hostile_store")
@pytest.mark.parametrize("fmt", ["table", "md", "csv", "json"])
def test_the_report_in_every_other_format_survives_hostile_text(fmt: str) -> None:
    code, out, _ = _invoke("report", "--meeting", "9", "--as-of", "2016-03-22", "--format", fmt)
    assert code == 0
    if fmt in ("table", "md"):
        assert not UNSAFE.search(out)
    if fmt == "json":
        # Every text as kept (exactly as typed, a CR a line break), in JSON's own escaping.
        for text in HOSTILE:
            assert orjson.dumps(_kept(text)).decode() in out, text


def test_error_messages_quote_hostile_input_visibly(hostile_store: Tracker) -> None:
    for args in (
        ["show", "\x1b[2J9.99"],
        ["list", "--status", "[bold]\x1b]0;x\x07"],
        ["add-action", "x", "--meeting", "\u202eevil"],
        ["list", "--meeting", "\x9b31m"],
    ):
        code, _, err = _invoke(*args)
        assert code in (1, 2) and err.count("\n") == 1 and not UNSAFE.search(err), (args, err)


#: Through real argv (NUL cannot be in an argument); on CI every third string, which still
#: includes markup, escape sequences and formulas.
ARGV_SAFE = [t for t in HOSTILE if "\x00" not in t][:: 3 if IN_CI else 1]


def test_a_real_terminal_with_forced_colour_gets_only_richs_own_styling(tmp_path: Path) -> None:
    """Through real processes and argv: stored exactly, and with colour forced on, every escape
    sequence on stdout is Rich's own SGR styling; nothing from the text gets through."""
    path = tmp_path / "store.json"
    ok(run_cli(path, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    for text in ARGV_SAFE:
        ok(run_cli(path, "add-action", "--meeting", "9", "--owner", "Philippines", "--", text))
    listed = orjson.loads(ok(run_cli(path, "list", "--json")).stdout)
    assert [c["text"] for c in listed] == [_kept(text) for text in ARGV_SAFE]
    coloured = cli_env(path, FORCE_COLOR="1", TERM="xterm-256color", COLUMNS="400")
    coloured.pop("NO_COLOR")
    for args in (["list"], ["show", "9.2"], ["history"]):
        out = ok(run_cli(path, *args, env=coloured)).stdout
        assert SGR.search(out), ("colour was not forced", args)
        assert not UNSAFE.search(SGR.sub("", out)), args
    plain = SGR.sub("", ok(run_cli(path, "list", env=coloured)).stdout)
    for text in ARGV_SAFE:
        for part in _shown(_kept(text)):
            assert part in plain, part
    figure(
        "hostile strings tried",
        f"{len(HOSTILE)} strings, each as text, owner, note and evidence "
        f"({len(ARGV_SAFE)} also through real argv with colour forced), over table, show, "
        "history, JSON, CSV, Markdown, HTML and the report",
    )


def _on_a_terminal(path: Path, *args: str) -> str:
    """stdout of ``aghtrack ARGS`` written to a pseudo-terminal, as an officer sees it."""
    import os
    import pty
    import subprocess
    import sys

    main, other = pty.openpty()
    done = subprocess.Popen([sys.executable, "-m", "aghtrack", *args], env=cli_env(path),
                            stdout=other, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)  # fmt: skip
    os.close(other)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed (Linux says EIO)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert done.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8")


def test_machine_formats_on_a_terminal_cannot_drive_it_and_stay_exact_in_a_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    ok(run_cli(path, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    hostile = "\x1b[2J\x1b[HCLEARED \x1b]0;TITLE\x07 \u202eLTR"
    ok(run_cli(path, "add-action", "--meeting", "9", "--owner", "Members", "--", hostile))
    for fmt in ("csv", "json", "md"):
        shown = _on_a_terminal(path, "list", "--format", fmt)
        assert not UNSAFE.search(shown.replace("\r\n", "\n")), (fmt, shown)
        assert "CLEARED" in shown and ("x1b" in shown or "u001b" in shown), (fmt, shown)
    piped = ok(run_cli(path, "list", "--format", "csv")).stdout
    assert next(csv.DictReader(io.StringIO(piped)))["text"] == hostile


#: What a spreadsheet evaluates, as the pattern ``csv_cell`` was first written with.
_FORMULA = re.compile("'*[=+\\-@\t\r]")


@given(st.text(st.sampled_from("'=+-@\t\r\n a1\u00a0\uff1d"), max_size=6) | st.text(max_size=8))
def test_a_csv_cell_is_guarded_exactly_when_a_spreadsheet_would_evaluate_it(text: str) -> None:
    expected = "'" + text if _FORMULA.match(text) else text
    assert csv_cell(text) == expected
