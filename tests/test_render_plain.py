"""The plain table for files and pipes: fits the width, never cuts a reference, loses no word,
and shows hostile text escaped, like the Rich table it stands in for."""

from __future__ import annotations

import io
import os
import re
import sys
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len as rich_cell_len
from rich.console import Console

from aghtrack import render
from aghtrack.model import Commitment
from aghtrack.render import plain

from ._safety import scaled

COLUMNS = [plain.Column("Ref"), plain.Column("Text", ratio=1), plain.Column("Who", ratio=1)]
#: The report's shape: weighted ratios and a capped column.
WEIGHTED = [
    plain.Column("Ref"),
    plain.Column("Text", ratio=2),
    plain.Column("Who", ratio=1, max_width=12),
]
_words = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S"], exclude_characters="│┃"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.from_regex(r"[a-z0-9-]{1,12}\.[0-9]{1,5}", fullmatch=True),
            st.lists(_words, max_size=20).map(" ".join),
            st.lists(_words, max_size=4).map(" ".join),
        ),
        min_size=1,
        max_size=8,
    ),
    width=st.integers(40, 200),
    columns=st.sampled_from([COLUMNS, WEIGHTED]),
    rules=st.booleans(),
)
def test_any_table_fits_keeps_every_reference_whole_and_loses_no_word(
    rows: list[tuple[str, str, str]], width: int, columns: list[plain.Column], rules: bool
) -> None:
    out = plain.table(columns, rows, width, rules=rules)
    lines = out.splitlines()
    assert all(plain.cell_len(line) <= width for line in lines), out
    body = [line.split("│")[1:-1] for line in lines if line.startswith("│")]
    refs = [cells[0].strip() for cells in body if cells[0].strip()]
    assert refs == [r for r, _, _ in rows]  # one line each, never cut
    text = "".join("".join(cells[1].split()) for cells in body)
    assert text == "".join("".join(t.split()) for _, t, _ in rows)  # every character, in order


def test_wide_characters_take_two_cells_and_are_folded_not_cut() -> None:
    out = plain.table(COLUMNS, [("9.1", "会议" * 40, "印度尼西亚")], 40)
    assert len({plain.cell_len(line) for line in out.splitlines()}) == 1
    assert plain.cell_len(out.splitlines()[0]) <= 40
    assert "".join(line.split("│")[2].strip() for line in out.splitlines()[3:-1]) == "会议" * 40


def test_references_wider_than_the_width_make_the_table_wider_rather_than_cut() -> None:
    ref = "a-very-long-meeting-key-of-forty-chars-x.12345"
    out = plain.table(COLUMNS, [(ref, "text", "who")], 20)
    assert f"│ {ref} │" in out


def test_hostile_text_reaches_the_plain_table_escaped() -> None:
    c = Commitment(
        id="00000000-0000-4000-8000-000000000001",
        meeting="9",
        seq=1,
        text="Evil \x1b[31mred\x1b[0m \u202eesrever\u202c [bold]x[/bold]",
        owners=("A\x07",),
    )
    out = render.commitments_plain_table([c], date(2016, 3, 22), width=200)
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b[31mred" in out and "\\u202eesrever" in out and "[bold]x[/bold]" in out


#: What must never leave in a table: C0 (but newline), DEL, C1, bidi and zero-width controls.
_RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _commitment(text: str, owner: str = "Australia", seq: int = 1) -> Commitment:
    return Commitment(
        id=f"00000000-0000-4000-8000-{seq:012d}", meeting="9", seq=seq, text=text, owners=(owner,)
    )


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=1), owner=st.text(min_size=1), width=st.integers(40, 160))
def test_no_control_or_bidi_character_reaches_the_plain_table(
    text: str, owner: str, width: int
) -> None:
    out = render.commitments_plain_table([_commitment(text, owner)], date(2016, 3, 22), width)
    assert _RAW_CONTROL.search(out) is None


#: Text a terminal draws at other widths than one cell a character: CJK, emoji (with the
#: variation selector that widens a heart), combining accents, Devanagari vowel signs.
_tricky = st.lists(
    st.sampled_from(["会议", "印度尼西亚", "\u2764\ufe0f", "😀", "e\u0301", "कि", "Bali", "ok,"]),
    min_size=1,
    max_size=30,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(text=_tricky, owner=_tricky, width=st.integers(40, 120))
def test_wide_and_zero_width_text_keeps_the_box_closed_as_rich_measures_it(
    text: str, owner: str, width: int
) -> None:
    """Every line of the table is exactly as wide as the others, measured by Rich (which
    measures the terminal table), and no grapheme is lost or split."""
    out = render.commitments_plain_table([_commitment(text, owner)], date(2016, 3, 22), width)
    widths = {rich_cell_len(line) for line in out.splitlines()}
    assert len(widths) == 1 and widths.pop() <= width, out
    body = [line.split("│")[2] for line in out.splitlines() if line.startswith("│")]
    assert "".join("".join(cell.split()) for cell in body) == "".join(text.split())


def test_cell_len_agrees_with_rich_where_pythons_unicodedata_is_older() -> None:
    for text in ("会议", "\u2764\ufe0f", "e\u0301", "कि", "\u1160", "plain ascii"):
        assert plain.cell_len(text) == rich_cell_len(text), ascii(text)


def test_every_character_measured_without_rich_takes_one_cell_in_rich() -> None:
    ranges = (range(0x80, 0x300), range(0x2010, 0x2028), range(0x2500, 0x25A0))
    narrow = [chr(i) for r in ranges for i in r if chr(i).isprintable()]
    assert all(plain.cell_len(ch) == rich_cell_len(ch) == 1 for ch in narrow)
    assert plain.cell_len("".join(narrow)) == rich_cell_len("".join(narrow))


def test_a_wrapped_header_sits_on_the_bottom_line_like_richs() -> None:
    columns = [plain.Column("Ref"), plain.Column("Commitment text", ratio=1)]
    header = plain.table(columns, [("9.1", "Hold it")], 24).splitlines()[1:3]
    assert header == ["┃     ┃ Commitment     ┃", "┃ Ref ┃ text           ┃"]


class _Stdout(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize(
    "env",
    [
        {},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": ""},
        {"TTY_COMPATIBLE": "1"},
        {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
        {"TTY_COMPATIBLE": "maybe"},
    ],
    ids=repr,
)
def test_styled_output_is_chosen_exactly_when_rich_sees_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str]
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stdout = _Stdout(tty)
    monkeypatch.setattr(sys, "stdout", stdout)
    assert render.styled_output() is Console(file=stdout).is_terminal


@pytest.mark.parametrize("tty", [False, True])
def test_a_terminal_gets_the_rich_table_and_a_pipe_the_plain_one(
    monkeypatch: pytest.MonkeyPatch, tty: bool
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    stdout = _Stdout(tty)
    monkeypatch.setattr(sys, "stdout", stdout)
    commitments = [_commitment("Hold a roundtable on returns")]
    render.print_commitments(commitments, date(2016, 3, 22))
    if tty:  # Rich's own styling (a bold header), even with NO_COLOR
        assert "\x1b[1m" in stdout.getvalue()
    else:
        assert stdout.getvalue() == render.commitments_plain_table(commitments, date(2016, 3, 22))


@pytest.mark.parametrize(
    ("columns", "terminal", "expected"),
    [
        ("120", None, 120),
        ("120", 132, 120),
        (None, 132, 132),
        (None, None, 80),
        ("wide", None, 80),
        (None, 0, 80),
    ],
)
def test_output_width_is_the_width_rich_would_use(
    monkeypatch: pytest.MonkeyPatch, columns: str | None, terminal: int | None, expected: int
) -> None:
    """COLUMNS, else a terminal on any standard stream (``aghtrack list > file`` typed at a
    132-column terminal), else 80: what Rich's console gives the same output."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)

    def terminal_size(fd: int = 1) -> os.terminal_size:
        if terminal is None or fd != 0:
            raise OSError("not a terminal")
        return os.terminal_size((terminal, 40))

    monkeypatch.setattr(os, "get_terminal_size", terminal_size)
    assert plain.output_width() == expected
    assert Console(file=io.StringIO()).width == expected


@settings(max_examples=100, deadline=None)
@given(text=_tricky, owner=_tricky, width=st.integers(40, 160))
def test_show_off_a_terminal_is_laid_out_exactly_as_richs_grid(
    text: str, owner: str, width: int
) -> None:
    c = _commitment(text, owner)
    rich_out = io.StringIO()
    Console(file=rich_out, width=width, markup=False, emoji=False, highlight=False).print(
        render.commitment_detail(c, date(2016, 3, 22))
    )
    fields = render.commitment_fields(c, date(2016, 3, 22))
    plain_out = plain.fields([(label, render.visible(value)) for label, value, _ in fields], width)
    assert plain_out == rich_out.getvalue()


def test_show_to_a_pipe_prints_the_plain_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "70")
    stdout = _Stdout(False)
    monkeypatch.setattr(sys, "stdout", stdout)
    c = _commitment("Hold a roundtable on returns")
    render.print_commitment(c, date(2016, 3, 22))
    fields = render.commitment_fields(c, date(2016, 3, 22))
    assert stdout.getvalue() == plain.fields([(label, v) for label, v, _ in fields], 70)
    assert stdout.getvalue().startswith("Ref           9.1")


@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=1), width=st.integers(40, 160))
def test_show_off_a_terminal_fits_and_keeps_every_character(text: str, width: int) -> None:
    out = plain.fields([("Ref", "9.1"), ("Text", render.visible(text))], width)
    assert all(rich_cell_len(line) <= width for line in out.splitlines())
    assert _RAW_CONTROL.search(out) is None
    values = "".join(line[5:] for line in out.splitlines())
    assert "".join(values.split()) == "9.1" + "".join(render.visible(text).split())


def test_a_right_aligned_column_lines_numbers_up_on_the_right_header_too() -> None:
    columns = [plain.Column("#", right=True), plain.Column("What", ratio=1)]
    lines = plain.table(columns, [("7", "a"), ("123", "b")], 40).splitlines()
    assert lines[1] == "┃   # ┃ What ┃"
    assert lines[3:5] == ["│   7 │ a    │", "│ 123 │ b    │"]


# --- the fast paths lay a table out exactly as the general one ---------------------------------


def _general_row(
    out: list[str],
    columns: list[plain.Column],
    row: tuple[str, ...],
    widths: list[int],
    bar: str,
    bottom: bool = False,
) -> None:
    """Every cell wrapped and measured, line by line: the layout before the fast paths."""
    cells = [
        plain.wrap(cell, w) if c.ratio else [cell]
        for cell, c, w in zip(row, columns, widths, strict=True)
    ]
    height = max(len(lines) for lines in cells)
    if bottom:
        cells = [[""] * (height - len(lines)) + lines for lines in cells]
    for n in range(height):
        parts = []
        for lines, w, c in zip(cells, widths, columns, strict=True):
            line = lines[n] if n < len(lines) else ""
            fill = " " * (w - plain.cell_len(line))
            parts.append(f" {fill + line if c.right else line + fill} ")
        out.append(bar + bar.join(parts) + bar)


def _general_table(
    columns: list[plain.Column], rows: list[tuple[str, ...]], width: int, rules: bool
) -> str:
    widths = plain._widths(columns, rows, width)
    out = ["┏" + "┳".join("━" * (w + 2) for w in widths) + "┓"]
    _general_row(out, columns, tuple(c.header for c in columns), widths, "┃", bottom=True)
    out.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    for n, row in enumerate(rows):
        if rules and n:
            out.append("├" + "┼".join("─" * (w + 2) for w in widths) + "┤")
        _general_row(out, columns, row, widths, "│")
    out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(out) + "\n"


_cell_text = st.one_of(
    st.text(st.sampled_from("ab cd\n"), max_size=40),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30),
    st.from_regex(r"[A-Za-z][A-Za-z ,.]{0,60}[a-z]", fullmatch=True),
)


@settings(max_examples=scaled(300, 60), deadline=None)
@given(
    rows=st.lists(st.tuples(_cell_text, _cell_text, _cell_text), min_size=1, max_size=6),
    width=st.integers(min_value=20, max_value=130),
    rules=st.booleans(),
    headers=st.tuples(_cell_text, _cell_text, _cell_text),
    right=st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_fast_table_paths_lay_out_exactly_as_the_general_one(
    rows: list[tuple[str, str, str]],
    width: int,
    rules: bool,
    headers: tuple[str, str, str],
    right: tuple[bool, bool, bool],
) -> None:
    """One-line ASCII cells skip wrapping and rows of one line skip the line loop: the table
    must come out byte for byte as when every cell is wrapped and padded one line at a time."""
    columns = [
        c._replace(header=h, right=r) for c, h, r in zip(WEIGHTED, headers, right, strict=True)
    ]
    assert plain.table(columns, rows, width, rules=rules) == _general_table(
        columns, rows, width, rules
    )


#: Cells the fast paths must refuse or get right: words longer than any column, runs of
#: spaces, spaces leading and trailing, newlines (blank lines too), tabs and other ASCII
#: whitespace ``str.split`` breaks at, accents, wide characters and empty cells.
_awkward_text = st.one_of(
    st.lists(
        st.sampled_from(["ab", "cd", " ", "  ", "\n", "abcdefghijklmnopqrstuvwxyz", ".", "x\ty"]),
        max_size=12,
    ).map("".join),
    st.text(st.sampled_from("ab cd\n\t\x0b\x1c\x00é日😀"), max_size=40),
    st.from_regex(r" {0,2}[A-Za-z]{1,30}( {1,3}[A-Za-z,.()-]{1,30}){0,8} {0,2}", fullmatch=True),
)


@settings(max_examples=scaled(500, 80), deadline=None)
@given(text=_awkward_text, width=st.integers(min_value=1, max_value=40))
def test_ascii_wrapping_by_pattern_is_wraps_own_layout(text: str, width: int) -> None:
    """The regular-expression wrap takes every printable ASCII cell, however its words and
    spaces fall, and breaks it exactly where ``wrap`` does; any other cell it leaves to
    ``wrap``."""
    fast = plain._ascii_lines(text, width)
    printable_ascii = text.isascii() and all(p.isprintable() for p in text.split("\n"))
    assert (fast is not None) == printable_ascii
    if fast is not None:
        assert list(fast) == plain.wrap(text, width)


_column = st.builds(
    plain.Column,
    header=_awkward_text,
    ratio=st.sampled_from([0, 0, 1, 2, 3]),
    max_width=st.sampled_from([None, None, 1, 5, 9, 30]),
    right=st.booleans(),
)


@settings(max_examples=scaled(300, 60), deadline=None)
@given(
    data=st.data(),
    columns=st.lists(_column, min_size=1, max_size=5),
    width=st.integers(min_value=10, max_value=130),
    rules=st.booleans(),
)
def test_any_columns_lay_out_exactly_as_every_cell_padded_line_by_line(
    data: st.DataObject, columns: list[plain.Column], width: int, rules: bool
) -> None:
    """Whatever the columns (fixed or flexible, capped, right-aligned, with awkward headers)
    and cells (ASCII rows through the pattern and one ``%`` a line, other rows measured cell
    by cell, both in one table), columns are measured as ``cell_len`` measures each cell and
    the table is byte for byte the general layout."""
    rows = data.draw(st.lists(st.tuples(*[_awkward_text] * len(columns)), max_size=6), label="rows")
    measured = [
        max(plain.cell_len(text) for text in (c.header, *(row[i] for row in rows)))
        for i, c in enumerate(columns)
    ]
    assert plain._natural(columns, rows) == measured
    assert plain.table(columns, rows, width, rules=rules) == _general_table(
        columns, rows, width, rules
    )


# --- a due date and a status word are never cut where the width allows -----------------------

_DUES = ["2016-04-26", "early 2015", "2016-H1", "2015-Q4", "2016-11", "2017", "late 2018", "-"]
_STATUSES = ["open", "in-progress (overdue)", "blocked (overdue)", "open (overdue)", "done"]
_OWNERS = ["China", "Afghanistan", "Papua New Guinea, IOM", "Regional Support Office", "Fiji"]


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.from_regex(r"[1-9][0-9]?\.[1-9][0-9]{0,2}", fullmatch=True),
            st.lists(_words, min_size=1, max_size=25).map(" ".join),
            st.sampled_from(_OWNERS),
            st.sampled_from(_DUES),
            st.sampled_from(_STATUSES),
        ),
        min_size=1,
        max_size=6,
    ),
    width=st.integers(70, 200),
)
@example(
    rows=[("4.1", "Pilot a joint project on regional cooperation with the support of members",
           "Papua New Guinea, IOM", "early 2015", "in-progress (overdue)")],
    width=80,
)  # fmt: skip
def test_the_review_table_keeps_due_dates_and_status_words_whole(
    rows: list[tuple[str, str, str, str, str]], width: int
) -> None:
    """At 80 columns the review paper used to print "2016-0" over "4-26" (and at any width
    "2016-04-2" over "6"), then "early" over "2016": a due date is kept whole and the short
    words of the other narrow columns too, the text columns give up the room, and the table
    still fits."""
    from aghtrack.render.review import OPEN_COLUMNS

    out = plain.table(OPEN_COLUMNS, rows, width, rules=True)
    assert all(plain.cell_len(line) <= width for line in out.splitlines()), out
    cells: list[list[list[str]]] = [[]]
    for line in out.splitlines():
        if line.startswith("├") or line.startswith("└"):
            cells.append([])
        elif line.startswith("│"):
            cells[-1].append([cell.strip() for cell in line.split("│")[1:-1]])
    laid_out = [row for row in cells if row]
    assert len(laid_out) == len(rows)
    for (_, _, _, due, status), lines in zip(rows, laid_out, strict=True):
        # A due date is one value: on one line ("late 2015" over two reads as two values).
        assert [line[3] for line in lines if line[3]] == [due], out
        # A status wraps at its space if at all: the lines are its words, in order.
        parts = [line[4] for line in lines if line[4]]
        assert [w for part in parts for w in part.split()] == status.split(), out


def test_a_narrow_column_keeps_its_longest_word_and_the_text_column_gives_way() -> None:
    columns = [plain.Column("Text", ratio=3), plain.Column("When", ratio=1)]
    rows = [("a few words of text " * 6, "2016-04-26")]
    # Shared by ratio alone, "When" would get a quarter of 40 cells, 10 - 1.
    out = plain.table(columns, rows, 30)
    assert "│ 2016-04-26 │" in out, out
    assert all(plain.cell_len(line) <= 30 for line in out.splitlines()), out
