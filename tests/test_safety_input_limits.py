"""Oversized and malformed input, and lookalike names (issue 12): every number has a bound,
every text a length, a CSV quote that never closes is refused, and invisible characters can
neither split one owner into several nor hide in what a terminal shows."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import orjson
import pytest

from aghtrack.errors import BadInput, TextTooLong
from aghtrack.model import MAX_SEQ, MAX_TEXT, Meeting, clean_names
from aghtrack.render import visible
from aghtrack.report import build_report
from aghtrack.store import Store
from aghtrack.tracker import Tracker

from ._safety import ok, run_cli
from .conftest import Cli

MEETING9 = {"key": "9", "title": "Ninth", "date": "2015-05-06"}


def _export(path: Path, actions: list[dict[str, object]]) -> Path:
    path.write_bytes(
        orjson.dumps(
            {"format": "aghtrack", "version": 1, "meetings": [MEETING9], "actions": actions}
        )
    )
    return path


# --- 3. numbers are bounded ------------------------------------------------------------------


@pytest.mark.parametrize("seq", [18446744073709551615, MAX_SEQ + 1, 0, -1, True, 2.5])
def test_an_imported_seq_out_of_bounds_is_refused_and_the_meeting_stays_usable(
    tmp_path: Path, seq: object
) -> None:
    store = tmp_path / "store.json"
    ok(run_cli(store, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    source = _export(tmp_path / "in.json", [{"meeting": "9", "seq": seq, "text": "x"}])
    done = run_cli(store, "import", str(source))
    assert done.returncode == 2 and "'seq'" in done.stderr and "Traceback" not in done.stderr
    assert ok(run_cli(store, "add-action", "Still works", "-m", "9")).stdout == "9.1\n"


def test_the_highest_seq_imports_and_then_the_meeting_says_it_is_full(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    source = _export(tmp_path / "in.json", [{"meeting": "9", "seq": MAX_SEQ, "text": "x"}])
    ok(run_cli(store, "import", str(source)))
    done = run_cli(store, "add-action", "One more", "-m", "9")
    assert done.returncode == 2 and "used every commitment number" in done.stderr
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("seq", ["99999999999999999999", "٣", "²", "1e3"])
def test_a_csv_seq_that_is_not_a_bounded_whole_number_names_its_row(
    tmp_path: Path, seq: str
) -> None:
    store = tmp_path / "store.json"
    ok(run_cli(store, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    source = tmp_path / "in.csv"
    source.write_text(f"meeting,seq,text\n9,1,fine\n9,{seq},bad\n", encoding="utf-8")
    done = run_cli(store, "import", str(source))
    assert done.returncode == 2 and "row 3" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("ref", ["9." + "9" * 5000, "9.99999999999", "9.٣"])
@pytest.mark.usefixtures("meeting9")
def test_a_reference_with_an_absurd_number_is_unknown_not_a_crash(cli: Cli, ref: str) -> None:
    result = cli("show", ref)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("aghtrack: No commitment") and result.stderr.count("\n") == 1


# --- 4. a CSV quote that never closes ------------------------------------------------------


def test_a_csv_quote_never_closed_is_refused_naming_its_row(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    ok(run_cli(store, "meeting", "add", "9", "--title", "Ninth", "--date", "2015-05-06"))
    before = store.read_bytes()
    source = tmp_path / "in.csv"
    source.write_text(
        'meeting,text,owners\n9,first,A\n9,"forgot to close,A\n9,b,A\n9,c,A\n9,d,A\n',
        encoding="utf-8",
    )
    done = run_cli(store, "import", str(source))
    assert done.returncode == 2, done.stderr
    assert "row 3" in done.stderr and "never closed" in done.stderr
    assert len(done.stderr.splitlines()) == 1 and store.read_bytes() == before


# --- 6. lookalike names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookalike",
    [
        "Austr\u2060alia",  # word joiner
        "Australia\U000e0041",  # tag character
        "Aus\u200btralia",  # zero-width space
        "\u202aAustralia\u202c",  # bidi embedding
        "Australia\u00ad",  # soft hyphen
        "Australia\ufe0f",  # variation selector
        "  Australia  ",
    ],
)
def test_invisible_characters_do_not_make_a_second_owner(lookalike: str) -> None:
    assert clean_names(["Australia", lookalike], "owner") == ("Australia",)


def test_names_are_unicode_nfc_so_composed_and_decomposed_are_one() -> None:
    assert clean_names(["Te\u0304 Tai Tokerau", "T\u0113 Tai Tokerau"], "owner") == (
        "T\u0113 Tai Tokerau",
    )


def test_who_owes_what_counts_lookalike_leads_as_one(meeting9: Tracker) -> None:
    for owner in ("Australia", "Austr\u2060alia", "Australia\U000e0041"):
        meeting9.add_commitment(meeting="9", text="x", owners=[owner])
    meeting = meeting9.meeting("9")
    report = build_report(meeting, meeting9.commitments(), date(2016, 3, 22))
    assert [line.lead for line in report.by_lead] == ["Australia"]


def test_names_are_normalised_on_import_and_on_meeting_add(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    meeting = {**MEETING9, "chairs": ["Indo\u200dnesia"], "attendees": ["Austr\u2060alia"]}
    action = {"meeting": "9", "text": "x", "owners": ["Austr\u2060alia"], "tags": ["a\u200bb"]}
    source = tmp_path / "in.json"
    source.write_bytes(
        orjson.dumps(
            {"format": "aghtrack", "version": 1, "meetings": [meeting], "actions": [action]}
        )
    )
    ok(run_cli(store, "import", str(source)))
    shown = orjson.loads(ok(run_cli(store, "meeting", "show", "9", "--json")).stdout)
    assert shown["chairs"] == ["Indonesia"] and shown["attendees"] == ["Australia"]
    listed = orjson.loads(ok(run_cli(store, "list", "--json")).stdout)
    assert listed[0]["owners"] == ["Australia"] and listed[0]["tags"] == ["ab"]


def test_commitment_text_keeps_invisible_characters_but_shows_them(meeting9: Tracker) -> None:
    text = "Fund the Austr\u2060alia office\U000e0041 and \u00adsoft"
    made = meeting9.add_commitment(meeting="9", text=text)
    assert meeting9.commitment(made.ref).text == text
    assert visible(text) == "Fund the Austr\\u2060alia office\\U000e0041 and \\xadsoft"


def test_every_format_character_is_shown_visibly() -> None:
    import sys
    import unicodedata

    hidden = [
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Cf" and visible(chr(c)) == chr(c)
    ]
    assert hidden == []


def test_printable_text_is_passed_as_it_is_only_where_the_pattern_finds_nothing() -> None:
    """``visible`` returns printable text unchanged without the pattern, bar the few
    printable characters the pattern escapes: those must be all of them."""
    import sys

    from aghtrack.render import _PRINTABLE_HIDDEN, _unsafe

    pattern = _unsafe()
    printable_but_escaped = {
        chr(c) for c in range(sys.maxunicode + 1) if chr(c).isprintable() and pattern.match(chr(c))
    }
    assert printable_but_escaped == _PRINTABLE_HIDDEN
    for ch in sorted(_PRINTABLE_HIDDEN):
        assert visible(f"Côte d'Ivoire{ch}") == f"Côte d'Ivoire\\u{ord(ch):04x}"
    assert visible("Meeting 9 · Bali · Côte d'Ivoire") == "Meeting 9 · Bali · Côte d'Ivoire"


# --- 8. one text has a length limit, and showing it is quick -------------------------------


def test_a_text_over_the_limit_is_refused_in_one_line(meeting9: Tracker, cli: Cli) -> None:
    with pytest.raises(TextTooLong):
        meeting9.add_commitment(meeting="9", text="x" * (MAX_TEXT + 1))
    made = meeting9.add_commitment(meeting="9", text="x" * MAX_TEXT)
    for note in ("y" * (MAX_TEXT + 1),):
        result = cli("note", made.ref, note)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
    with pytest.raises(BadInput):
        meeting9.complete(made.ref, evidence="z" * (MAX_TEXT + 1))


def test_an_imported_text_over_the_limit_names_its_row(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    source = _export(
        tmp_path / "in.json",
        [
            {"meeting": "9", "text": "ok"},
            {
                "meeting": "9",
                "text": "ok",
                "notes": [{"on": "2015-06-01", "text": "n" * (MAX_TEXT + 1)}],
            },
        ],
    )
    done = run_cli(store, "import", str(source))
    assert done.returncode == 2 and "actions[1]" in done.stderr
    assert "100,000" in done.stderr and not store.exists()


@pytest.mark.parametrize("text", ["x" * MAX_TEXT, ("word " * (MAX_TEXT // 5)).strip()])
def test_showing_and_listing_the_longest_text_is_quick(
    store_path: Path, cli: Cli, text: str
) -> None:
    tracker = Tracker(Store(store_path), actor="t")
    tracker.add_meeting(Meeting(key="9", title="Ninth", date=date(2015, 5, 6)))
    made = tracker.add_commitment(meeting="9", text=text)
    for args in (["show", made.ref], ["list"], ["report", "--meeting", "9"]):
        started = time.perf_counter()
        result = cli(*args)
        elapsed = time.perf_counter() - started
        assert result.exit_code == 0 and elapsed < 5.0, (args, elapsed)
