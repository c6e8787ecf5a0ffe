"""Tables for output that is not a terminal (a file, a pipe, a script): the same box drawing
Rich uses, laid out in one pass.

Rich measures and wraps every cell through its segment machinery: measured ~0.9 ms per row,
0.75 s for the 833 rows of one meeting in a 100,000-commitment store. A pipe gets no colour
anyway, so this path lays the table out with plain string work (~0.02 ms per row). Cells must
already be safe (``render.visible``); nothing here interprets them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from itertools import zip_longest
from typing import NamedTuple

DEFAULT_WIDTH = 80
#: Narrower than this, a table is all borders; ``COLUMNS=5`` is taken as a slip.
MIN_WIDTH = 20


class Column(NamedTuple):
    """A column of a plain-text table and how it gives up width."""

    header: str
    #: Flexible columns (ratio > 0) wrap; when the table is too wide they give up width in
    #: this ratio, the widest first (as Rich does).
    ratio: int = 0
    #: Wrap at this width even when there is room (flexible columns only).
    max_width: int | None = None
    #: Cells (and the header) aligned right, as Rich's ``justify="right"`` (numbers).
    right: bool = False


def output_width() -> int:
    """The width Rich gives the same output, so the plain table and the Rich parts around it
    (the report's summary) agree: ``COLUMNS`` if it is a number, else the size of the first
    standard stream that is a terminal (``aghtrack list > out.txt`` typed at a terminal is as
    wide as that terminal), else 80."""
    return max(MIN_WIDTH, screen_width())


def screen_width() -> int:
    """``output_width`` before any floor: what a narrow terminal really offers."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isascii() and columns.isdigit() and 0 < int(columns) < 100_000:
        return int(columns)
    for fd in (0, 1, 2):
        try:
            size = os.get_terminal_size(fd).columns
        except (OSError, ValueError):
            continue
        # A pseudo-terminal can report 0 columns; Rich then takes 80 too.
        return size or DEFAULT_WIDTH
    return DEFAULT_WIDTH


#: The fewest cells a table's text columns need between them to show text, not borders.
MIN_TEXT_CELLS = 16


def too_narrow(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> bool:
    """Whether the fixed columns and the borders leave the text columns almost nothing: a
    table would then show references and borders only, and records are listed as blocks."""
    cells = _by_column(columns, rows)
    fixed = sum(_widest([c.header, *cells[i]]) for i, c in enumerate(columns) if not c.ratio)
    return width - fixed - (3 * len(columns) + 1) < MIN_TEXT_CELLS


def blocks(records: Sequence[Sequence[tuple[str, str]]]) -> str:
    """Records one after another, each a head line then its labelled fields indented (and the
    further lines of a field deeper still), with no layout to squeeze: what a terminal too
    narrow for a table gets (it wraps long lines itself). Cells must already be safe
    (``render.visible``)."""
    out: list[str] = []
    for record in records:
        (_, head), *fields = record
        out.append(head.replace("\n", " "))
        for label, value in fields:
            # The lines of a text of many lines go deeper than the fields: a text's own line
            # must never pass for the next commitment's head or for a field of this one.
            value = value.replace("\n", "\n    ")
            out.append(f"  {label}: {value}" if label else f"  {value}")
    return "\n".join(out) + "\n"


def cell_len(text: str) -> int:
    """Terminal cells ``text`` takes, measured by Rich's own tables (Unicode 17, newer than
    Python's ``unicodedata``: emoji and wide East Asian characters take two, Devanagari
    vowel signs and Hangul jamo none), so a plain table lines up exactly like the Rich one
    would. ASCII, almost every cell, and Latin text are measured without loading them (~4 ms)."""
    if text.isascii() or _narrow(text):
        return len(text)
    return _rich_cell_len()(text)


def _narrow(text: str) -> bool:
    """Text every character of which takes one cell on its own and joins no other: printable
    Latin letters with their accents precomposed (up to U+02FF, before the combining marks),
    the dashes, quotes, bullets and ellipsis of General Punctuation (U+2010-U+2027) and the
    box drawing and block elements (U+2500-U+259F). The report's ``·`` separators and bar
    charts would otherwise load Rich's measures for every report. A test checks each of these
    characters against Rich."""
    return text.isprintable() and all(
        ch <= "\u02ff" or "\u2010" <= ch <= "\u2027" or "\u2500" <= ch <= "\u259f" for ch in text
    )


# Rich's measures, loaded on the first cell neither ASCII nor ``_narrow``; cached, as they are
# called per word.
@cache
def _rich_cell_len() -> Callable[[str], int]:
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len


@cache
def _rich_graphemes() -> Callable[[str], tuple[list[tuple[int, int, int]], int]]:
    from rich.cells import split_graphemes

    return split_graphemes


def _fold(word: str, width: int) -> list[str]:
    """Cut a word longer than the column into pieces that fit (Rich's ``overflow='fold'``),
    between grapheme clusters, so an emoji and its variation selector stay together."""
    if word.isascii():
        return [word[i : i + width] for i in range(0, len(word), width)]
    pieces: list[str] = []
    start = used = 0
    for begin, _end, cells in _rich_graphemes()(word)[0]:
        if used + cells > width and begin > start:
            pieces.append(word[start:begin])
            start, used = begin, 0
        used += cells
    return [*pieces, word[start:]]


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells, broken at spaces, long words folded; newlines kept."""
    lines: list[str] = []
    measure = len if text.isascii() else cell_len
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in paragraph.split():
            size = measure(word)
            if size > width:
                if line:
                    lines.append(line)
                *full, last = _fold(word, width)
                lines.extend(full)
                line, used = last, cell_len(last)
                continue
            if line and used + 1 + size > width:
                lines.append(line)
                line, used = "", 0
            line, used = (f"{line} {word}", used + 1 + size) if line else (word, size)
        lines.append(line)
    return lines


def _natural(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> list[int]:
    """Each column's widest cell or header, the width it takes when there is room."""
    return [
        _widest([c.header, *cells])
        for c, cells in zip(columns, _by_column(columns, rows), strict=True)
    ]


def _by_column(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> list[Sequence[str]]:
    """The cells of each column, top to bottom (none for a table without rows)."""
    return list(zip(*rows, strict=True)) or [()] * len(columns)


def _widest(texts: Sequence[str]) -> int:
    """The most cells any of ``texts`` takes. A column all ASCII, as good as every column is,
    is measured by ``len`` in one pass: one ``cell_len`` call a cell cost ~0.1 s for the
    review paper's 120,000 cells at 100,000 commitments."""
    if "".join(texts).isascii():
        return max(map(len, texts), default=0)
    return max(map(cell_len, texts), default=0)


#: The longest word a flexible column keeps whole when the table is narrow: an ISO date (10)
#: and the status words ("in-progress", 11) fit, a web address does not.
KEPT_WORD = 12


def _longest_word(texts: Sequence[str]) -> int:
    """The widest word (run between spaces) of ``texts``, or the first one found wider than
    ``KEPT_WORD`` (the column keeps no word then): narrower than this, a column cuts a word
    in two ("2016-04-2" over "6"). Each different text is read once, and a text column
    stops at its first long word: splitting every cell of the review paper's 2,400 rows at
    10,000 commitments cost ~7 ms."""
    longest = 0
    for text in dict.fromkeys(texts):
        words = text.split()
        if words:
            widest = max(map(len if text.isascii() else cell_len, words))
            if widest > KEPT_WORD:
                return widest
            longest = max(longest, widest)
    return longest


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    natural = _natural(columns, rows)
    flexible = [i for i, c in enumerate(columns) if c.ratio]
    for i in flexible:
        limit = columns[i].max_width
        natural[i] = min(natural[i], limit) if limit else natural[i]
    chrome = 3 * len(columns) + 1
    if sum(natural) + chrome <= width or not flexible:
        return natural
    fixed = sum(n for i, n in enumerate(natural) if i not in flexible)
    left = max(width - chrome - fixed, len(flexible))
    widths = _shared(columns, natural, dict.fromkeys(flexible, 1), left)
    if all(widths[i] >= min(natural[i], KEPT_WORD) for i in flexible):
        return widths  # no short word is cut: the longest words need not be read
    # A flexible column keeps its longest word whole where that word is short (a due date,
    # a status word, a country's name) and the short words together take at most half the
    # room, so the text columns are never starved for them. Where they would take more, the
    # text columns' words give way first (the larger ratio), then the longest. Longer words
    # (a web address) fold as before.
    cells = _by_column(columns, rows)
    floor = {i: _longest_word([columns[i].header, *cells[i]]) for i in flexible}
    floor = {i: min(n, natural[i]) if n <= KEPT_WORD else 1 for i, n in floor.items()}
    for i in flexible:
        # A column made for short texts (a due date: its widest is no more than a kept
        # word) keeps each whole: "late 2015" over two lines reads as two values.
        limit = columns[i].max_width
        if limit is not None and limit <= KEPT_WORD:
            floor[i] = natural[i]
    while sum(floor.values()) > left // 2 and max(floor.values()) > 1:
        i = max((i for i in floor if floor[i] > 1), key=lambda i: (columns[i].ratio, floor[i]))
        floor[i] = 1
    return _shared(columns, natural, floor, left)


def _shared(
    columns: Sequence[Column], natural: list[int], floor: dict[int, int], left: int
) -> list[int]:
    """The widths of the flexible columns (the keys of ``floor``) sharing ``left`` cells by
    weighted water-filling: each column takes the same level times its ratio, but never less
    than its floor nor more than its natural width. At the level that shares out what is
    left, whichever way the total misses, the columns past their bound on that side are
    surely held there at the true level too, so they are settled and the rest shared again."""
    widths = list(natural)
    pending = [(i, columns[i].ratio, floor[i], natural[i]) for i in floor]
    rest, level = left, 0.0
    while pending:
        level = rest / sum(p[1] for p in pending)
        reached = 0.0
        for _, ratio, low, high in pending:
            share = level * ratio
            reached += high if share > high else low if share < low else share
        if reached > rest:
            held = [p for p in pending if level * p[1] < p[2]]
            for i, _, low, _ in held:
                widths[i] = low
        elif reached < rest:
            held = [p for p in pending if level * p[1] > p[3]]
            for i, _, _, high in held:
                widths[i] = high
        else:
            break
        if not held:
            break
        rest -= sum(widths[p[0]] for p in held)
        pending = [p for p in pending if p not in held]
    for i, ratio, low, high in pending:
        widths[i] = max(low, min(high, int(level * ratio)))
    # Rounding leftovers go to the columns that still want more, largest ratio first (and a
    # cell too many, from the level's last bit, comes back from them).
    spare = left - sum(widths[i] for i in floor)
    for j in sorted(floor, key=lambda j: -columns[j].ratio):
        if spare >= 0:
            change = max(min(spare, natural[j] - widths[j]), 0)
        else:
            change = -max(min(-spare, widths[j] - floor[j]), 0)
        widths[j] += change
        spare -= change
    return widths


def _pad(text: str, width: int, right: bool = False) -> str:
    if text.isascii():
        return text.rjust(width) if right else text.ljust(width)
    fill = " " * (width - cell_len(text))
    return fill + text if right else text + fill


def fields(rows: Sequence[tuple[str, str]], width: int) -> str:
    """Labelled values, one under the other, as Rich lays out ``Table.grid(padding=(0, 2))``
    with a bold label column and a folding value column (``show``): labels never wrap,
    values wrap within what the labels leave. Cells must already be safe."""
    label_width = max((cell_len(label) for label, _ in rows), default=0)
    natural = max((cell_len(line) for _, value in rows for line in value.split("\n")), default=0)
    value_width = max(1, min(natural, width - label_width - 2))
    out: list[str] = []
    for label, value in rows:
        for n, line in enumerate(wrap(value, value_width)):
            out.append(f"{_pad(label if n == 0 else '', label_width)}  {_pad(line, value_width)}")
    return "\n".join(out) + "\n"


def _column_lines(cells: Sequence[str], column: Column, width: int) -> list[Sequence[str]]:
    """The lines of each cell of a column. Cells repeat down a column (owners, due dates,
    statuses): each different one is laid out once."""
    lines = {cell: _cell_lines(cell, column, width) for cell in dict.fromkeys(cells)}
    return list(map(lines.__getitem__, cells))


def _cell_lines(cell: str, column: Column, width: int) -> Sequence[str]:
    """The lines of one cell: fixed columns never wrap; flexible ones are wrapped by
    ``_ascii_lines`` where it can (almost every cell), else by ``wrap``."""
    if not column.ratio:
        return (cell,)
    lines = _ascii_lines(cell, width)
    return wrap(cell, width) if lines is None else lines


def _ascii_lines(text: str, width: int) -> tuple[str, ...] | None:
    """``wrap(text, width)`` for printable ASCII, a line at a time by ``str.rfind`` rather
    than a loop over the words; ``None`` for any other text (a tab, wide characters), which
    ``wrap`` lays out. Measured: the review paper's 24,000 rows at 100,000 commitments spent
    ~0.5 s in ``wrap``. (A regular expression per width did as well on 100,000 but compiled
    one pattern for each column width, ~2 ms of a 1,000-commitment review.) The lines are a
    tuple, which the garbage collector stops tracking: a table holds its cells' lines until
    it is laid out, and lists would each be walked by every collection."""
    if not text.isascii():
        return None
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph.isprintable():
            return None
        if "  " in paragraph or paragraph[:1] == " " or paragraph[-1:] == " ":
            # The words ``wrap`` sees, one space apart, as ``_fill`` expects them.
            paragraph = " ".join(paragraph.split())
        if len(paragraph) <= width:
            lines.append(paragraph)
        else:
            _fill(lines, paragraph, width)
    return tuple(lines)


def _fill(lines: list[str], words: str, width: int) -> None:
    """Append the lines ``wrap`` makes of ``words`` (one space apart): each line is the
    longest run of at most ``width`` characters that ends at a word's end (greedy filling),
    the space it breaks at dropped. Where no word ends in reach (a word longer than the
    width) the next ``width`` letters make a line of their own and the rest of the word
    starts the next one, as ``wrap`` folds it (``_fold``)."""
    start, end = 0, len(words)
    while end - start > width:
        cut = words.rfind(" ", start, start + width + 1)
        if cut > start:
            lines.append(words[start:cut])
            start = cut + 1
        else:
            lines.append(words[start : start + width])
            start += width
    lines.append(words[start:])


def table(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int, *, rules: bool = False
) -> str:
    """A table in Rich's heavy-head box style (``rules``: a line between rows, as Rich's
    ``show_lines``). Fixed columns (references, dates) are never cut; if they alone are wider
    than ``width`` the table is wider too, as with Rich."""
    widths = _widths(columns, rows, width)
    out = ["┏" + "┳".join("━" * (w + 2) for w in widths) + "┓"]
    header = [_cell_lines(c.header, c, w) for c, w in zip(columns, widths, strict=True)]
    _lines(out, columns, header, widths, "┃", bottom=True)
    out.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    rule = "├" + "┼".join("─" * (w + 2) for w in widths) + "┤"
    by_column = (
        _column_lines(cells, c, w)
        for cells, c, w in zip(_by_column(columns, rows), columns, widths, strict=True)
    )
    ascii_line = _ascii_line(columns, widths, "│")
    for n, (row, cells) in enumerate(zip(rows, zip(*by_column, strict=True), strict=True)):
        if rules and n:
            out.append(rule)
        if all(map(str.isascii, row)):
            # A cell with fewer lines than its row gets "" below them, padded as blanks.
            out.extend(map(ascii_line, zip_longest(*cells, fillvalue="")))
        else:
            _lines(out, columns, cells, widths, "│")
    out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(out) + "\n"


def _ascii_line(
    columns: Sequence[Column], widths: list[int], bar: str
) -> Callable[[tuple[str, ...]], str]:
    """One line of a row of ASCII cells, each padded to its column as ``_pad`` pads ASCII,
    in one ``%`` call: padding each cell line and joining them cost ~0.25 s for the review
    paper's 188,000 lines at 100,000 commitments (``%`` is faster than ``str.format``)."""
    cells = (f"%{'' if c.right else '-'}{w}s" for c, w in zip(columns, widths, strict=True))
    return f"{bar} {f' {bar} '.join(cells)} {bar}".__mod__


def _lines(
    out: list[str],
    columns: Sequence[Column],
    cells: Sequence[Sequence[str]],
    widths: list[int],
    bar: str,
    *,
    bottom: bool = False,
) -> None:
    """Append the lines of one row, its cells already wrapped, each line measured (any text);
    ``bottom`` aligns cells to the last line, as Rich does headers."""
    height = max(len(lines) for lines in cells)
    between = f" {bar} "
    columns_lines = []
    for lines, w, c in zip(cells, widths, columns, strict=True):
        body = [_pad(line, w, c.right) for line in lines]
        fill = [" " * w] * (height - len(lines))
        columns_lines.append(fill + body if bottom else body + fill)
    out.extend(f"{bar} {between.join(parts)} {bar}" for parts in zip(*columns_lines, strict=True))
