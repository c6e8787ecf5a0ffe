"""The plain table for files and pipes: fits the width, never cuts a reference, loses no word,
and shows hostile text escaped, like the Rich table it stands in for."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aghtrack import render
from aghtrack.model import Commitment
from aghtrack.render import plain

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


@pytest.mark.parametrize("forced", ["", "1"])
def test_pipes_get_the_plain_table_unless_colour_is_forced(
    monkeypatch: pytest.MonkeyPatch, forced: str
) -> None:
    monkeypatch.setenv("FORCE_COLOR", forced)
    assert render.styled_output() is bool(forced)


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
