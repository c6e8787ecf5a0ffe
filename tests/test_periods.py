from __future__ import annotations

import calendar
import itertools
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aghtrack.errors import InvalidDate, InvalidPeriod
from aghtrack.periods import parse_date, parse_period

# 9999 is left out only so that tests may step one day past a period's end.
years = st.integers(min_value=1000, max_value=9998)


@pytest.mark.parametrize(
    ("raw", "text", "due_by"),
    [
        ("late 2015", "late 2015", date(2015, 12, 31)),
        ("Late  2015", "late 2015", date(2015, 12, 31)),
        ("early 2016", "early 2016", date(2016, 4, 30)),
        ("mid 2016", "mid 2016", date(2016, 8, 31)),
        ("2016-H1", "2016-H1", date(2016, 6, 30)),
        ("2016-h2", "2016-H2", date(2016, 12, 31)),
        ("2015-Q3", "2015-Q3", date(2015, 9, 30)),
        ("2015-02", "2015-02", date(2015, 2, 28)),
        ("2016-02", "2016-02", date(2016, 2, 29)),
        ("2015", "2015", date(2015, 12, 31)),
        ("2015-12-31", "2015-12-31", date(2015, 12, 31)),
        (" 2016-02-29 ", "2016-02-29", date(2016, 2, 29)),
    ],
)
def test_accepted_forms_give_canonical_text_and_last_day(raw: str, text: str, due_by: date) -> None:
    period = parse_period(raw)
    assert (period.text, period.due_by) == (text, due_by)


@pytest.mark.parametrize(
    "raw",
    [
        "2015-13-01",
        "2015-Q5",
        "2015-Q0",
        "2015-H3",
        "2016-02-30",
        "soonish",
        "",
        "2015-13",
        "late",
        "late 15",
        "15",
        "2015/12",
        "2015-1",
        "２０１５",
        "0000",
        "2015-00",
    ],
)
def test_rejected_forms_raise_listing_the_accepted_ones(raw: str) -> None:
    with pytest.raises(InvalidPeriod) as err:
        parse_period(raw)
    assert "late 2015" in str(err.value) or "real date" in str(err.value)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_a_day_is_due_on_itself(day: date) -> None:
    assert parse_period(day.isoformat()).due_by == day


@given(years, st.integers(1, 12))
def test_a_month_is_due_on_its_last_day(year: int, month: int) -> None:
    period = parse_period(f"{year}-{month:02d}")
    assert period.due_by == date(year, month, calendar.monthrange(year, month)[1])


@given(years, st.integers(1, 4))
def test_a_quarter_ends_with_its_third_month(year: int, quarter: int) -> None:
    month = quarter * 3
    assert parse_period(f"{year}-Q{quarter}").due_by == date(
        year, month, calendar.monthrange(year, month)[1]
    )


def _forms(year: int) -> list[str]:
    return (
        [str(year), f"{year}-H1", f"{year}-H2"]
        + [f"{year}-Q{q}" for q in range(1, 5)]
        + [f"{year}-{m:02d}" for m in range(1, 13)]
        + [f"{w} {year}" for w in ("early", "mid", "late")]
    )


@given(years, st.data())
def test_every_form_round_trips_through_its_canonical_text(year: int, data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(_forms(year)))
    variant = data.draw(st.sampled_from([raw, raw.lower(), raw.upper(), f"  {raw} "]))
    period = parse_period(variant)
    assert parse_period(period.text) == period
    assert period.due_by.year == year


@given(years, st.data())
def test_due_by_is_the_last_day_of_the_period(year: int, data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(_forms(year)))
    due_by = parse_period(raw).due_by
    next_day = date.fromordinal(due_by.toordinal() + 1)
    # The last day of a period is always the last day of a month.
    assert next_day.day == 1


@given(st.text(max_size=12))
def test_arbitrary_text_is_either_a_period_or_rejected_cleanly(raw: str) -> None:
    try:
        period = parse_period(raw)
    except InvalidPeriod:
        return
    assert parse_period(period.text) == period


def test_parse_date_is_strict_iso() -> None:
    assert parse_date("2016-03-22") == date(2016, 3, 22)
    for bad in ["2016-02-30", "22/03/2016", "2016-3-22", "today", ""]:
        with pytest.raises(InvalidDate):
            parse_date(bad)


# --- forms at their edges (issue 12) -------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2015-１２-31",  # full-width digits in the month of a day
        "2015-12-３１",  # ... in the day
        "２０１５-12",  # ... in the year of a month
        "2015-１２",  # ... in the month
        "2015-Q４",  # ... in a quarter
        "2015-H２",  # ... in a half
        "late ２０１５",
        "015-12-31",  # three-digit years, in every form
        "015-12",
        "015-Q4",
        "015-H2",
        "015",
        "late 015",
        "2015-12-1",  # a one-digit day
        "2015-1-01",
        "20150-12",
    ],
)
def test_edge_forms_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPeriod):
        parse_period(raw)


@pytest.mark.parametrize(
    ("raw", "text", "due_by"),
    [
        ("0001", "0001", date(1, 12, 31)),
        ("0001-01-01", "0001-01-01", date(1, 1, 1)),
        ("0001-02", "0001-02", date(1, 2, 28)),
        ("0001-Q1", "0001-Q1", date(1, 3, 31)),
        ("0001-H1", "0001-H1", date(1, 6, 30)),
        ("early 0001", "early 0001", date(1, 4, 30)),
        ("9999-12-31", "9999-12-31", date(9999, 12, 31)),
        ("9999-Q4", "9999-Q4", date(9999, 12, 31)),
    ],
)
def test_the_first_and_last_years_are_written_back_with_four_digits(
    raw: str, text: str, due_by: date
) -> None:
    period = parse_period(raw)
    assert (period.text, period.due_by, str(period)) == (text, due_by, text)
    assert parse_period(period.text) == period


@pytest.mark.parametrize(("raw", "month"), [("early 2015", 4), ("mid 2015", 8), ("late 2015", 12)])
def test_thirds_of_a_year_end_on_their_last_month(raw: str, month: int) -> None:
    assert parse_period(raw).due_by == date(2015, month, calendar.monthrange(2015, month)[1])


@pytest.mark.parametrize(("half", "month"), [(1, 6), (2, 12)])
def test_halves_end_in_june_and_december(half: int, month: int) -> None:
    assert parse_period(f"2015-H{half}").due_by == date(2015, month, 30 if month == 6 else 31)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0000-12", "no year 0"),
        ("2015-13", "no month 13"),
        ("2015-Q5", "quarters are Q1-Q4"),
        ("2015-H3", "halves are H1 and H2"),
        ("2015-02-30", "not a real date"),
        ("whenever", "is not a due period"),
    ],
)
def test_each_refusal_says_why_and_lists_the_forms(raw: str, message: str) -> None:
    with pytest.raises(InvalidPeriod) as refused:
        parse_period(raw)
    assert message in str(refused.value) and raw in str(refused.value)


@pytest.mark.parametrize("raw", ["2016-03-22", " 2016-03-22 "])
def test_parse_date_accepts_iso_days(raw: str) -> None:
    assert parse_date(raw) == date(2016, 3, 22)


@pytest.mark.parametrize(
    "raw", ["2016-3-22", "2016-03-２２", "22/03/2016", "2016-02-30", "0000-01-01"]
)
def test_parse_date_refuses_everything_else_naming_the_form(raw: str) -> None:
    with pytest.raises(InvalidDate, match="YYYY-MM-DD"):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["0000", "0000-Q1", "0000-H1", "late 0000", "0000-01"])
def test_year_zero_is_refused_in_every_form_quoting_what_was_typed(raw: str) -> None:
    with pytest.raises(InvalidPeriod, match="has no year 0") as refused:
        parse_period(raw)
    assert str(refused.value).startswith(f"'{raw}' has no year 0")


def test_a_date_that_is_not_real_is_refused_quoting_what_was_typed() -> None:
    with pytest.raises(InvalidDate) as refused:
        parse_date("2015-02-30")
    assert str(refused.value).startswith("'2015-02-30' is not a real date")


# --- the shapes, against the grammar as regular expressions ------------------------------------
# ``periods`` tells the forms apart with string tests (compiling patterns cost start-up time);
# these are the patterns it replaced, the definition of each form, as an oracle.
_ORACLE = (
    ("day", re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)),
    ("month", re.compile(r"(\d{4})-(\d{2})", re.ASCII)),
    ("quarter", re.compile(r"(\d{4})-[Qq](\d)", re.ASCII)),
    ("half", re.compile(r"(\d{4})-[Hh](\d)", re.ASCII)),
    ("year", re.compile(r"(\d{4})", re.ASCII)),
    ("third", re.compile(r"(early|mid|late)\s+(\d{4})", re.IGNORECASE | re.ASCII)),
)
#: The forms officials also write, each the canonical one it stands for (what the record keeps).
_MONTH_NAMES = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_SPOKEN = (
    ("mark", re.compile(r"(?:the )?([qh])(\d) (\d{4})", re.IGNORECASE | re.ASCII)),
    ("month", re.compile(rf"(?:the )?({_MONTH_NAMES}),? (\d{{4}})", re.IGNORECASE | re.ASCII)),
    ("third", re.compile(r"(?:the )?(early|mid|late)-(\d{4})", re.IGNORECASE | re.ASCII)),
    ("end", re.compile(r"(?:the )?(?:end of|end|by the end of|by end of) (\d{4})", re.I | re.A)),
    ("half", re.compile(r"(?:the )?(first|second) half of (\d{4})", re.IGNORECASE | re.ASCII)),
)
_MONTH_NUMBER = {name[:3]: n for n, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
)}  # fmt: skip


def _spoken(text: str) -> str | None:
    """The canonical text a spoken form stands for (numbers unchecked), or None."""
    for form, pattern in _SPOKEN:
        if m := pattern.fullmatch(text):
            if form == "mark":
                return f"{m[3]}-{m[1].upper()}{m[2]}"
            if form == "month":
                return f"{m[2]}-{_MONTH_NUMBER[m[1][:3].lower()]:02d}"
            if form == "third":
                return f"{m[1].lower()} {m[2]}"
            if form == "end":
                return m[1]
            return f"{m[2]}-H{1 if m[1].lower() == 'first' else 2}"
    return None


def _oracle(raw: str) -> str | None:
    """The canonical text the patterns give ``raw``, or None where none matches (an error
    message names what is wrong: checked by the other tests)."""
    text = " ".join(raw.split())
    text = _spoken(text) or text
    for form, pattern in _ORACLE:
        if m := pattern.fullmatch(text):
            numbers = [int(g) for g in m.groups() if g.isdigit()]
            if form == "third":
                return f"{m[1].lower()} {int(m[2]):04d}"
            if form == "day":
                return f"{numbers[0]:04d}-{numbers[1]:02d}-{numbers[2]:02d}"
            if form == "month":
                return f"{numbers[0]:04d}-{numbers[1]:02d}"
            if form in ("quarter", "half"):
                return f"{numbers[0]:04d}-{form[0].upper()}{numbers[1]}"
            return f"{numbers[0]:04d}"
    return None


#: Pieces periods are made of, and what is near them: other digits, letters that look alike,
#: other spaces, signs.
_PIECES = st.sampled_from(
    [
        *("2015", "0000", "9999", "12", "07", "00", "13", "1", "4", "-", "Q", "q", "H", "h"),
        *("K", "early", "MID", "Late", " ", "  ", "\t", "\u00a0", "\u2003", "٢٠١٥", "１"),
        *("+", "e", "ſ"),
        *("the ", "Dec", "december", "Sept", "mid-", "end of ", "first half of ", ","),
    ]
)
#: Texts built as a period is (a year, a separator, a mark, a number, a tail), each part a
#: right one or a near miss, so that each is at most a change or two away from some form:
#: every combination is tried (about 30,000).
_SHAPED = [
    "".join(parts)
    for parts in itertools.product(
        [
            "2015",
            "0000",
            "201",
            "20155",
            "٢٠١٥",
            "early ",
            "mid\t",
            "late  ",
            "Early",
            "early 0000",
            "",
        ],
        ["-", "", " ", "_", "--"],
        ["", "Q", "q", "H", "h", "M", "-"],
        ["1", "2", "4", "5", "0", "12", "13", "00", "07", "1１", ""],
        ["", "-01", "-31", "-32", "-1", " ", "x"],
    )
]


def _agrees_with_the_grammar(raw: str) -> None:
    expected = _oracle(raw)
    try:
        got: str | None = parse_period(raw).text
    except InvalidPeriod as e:
        got = None
        # A text of a form's shape is refused only for its numbers (a month 13, a year 0).
        assert expected is None or "no " in str(e) or "are " in str(e) or "real date" in str(e)
    assert got is None or got == expected, raw
    shaped = _ORACLE[0][1].fullmatch(raw.strip()) is not None
    try:
        parse_date(raw)
    except InvalidDate as e:
        assert not shaped or "not a real date" in str(e), raw
    else:
        assert shaped, raw


def test_every_form_is_told_by_its_shape_as_the_grammar_defines_it() -> None:
    for raw in _SHAPED:
        _agrees_with_the_grammar(raw)


#: The spoken forms and their near misses, every combination (4,800).
_SPOKEN_SHAPED = [
    "".join(parts)
    for parts in itertools.product(
        ["", "the ", "The "],
        ["Q", "q", "H", "h", "Dec", "december", "Sept", "mid-", "MID-", "end of ", "end ",
         "first half of ", "by the end of ", "by end of ", "early-", "late "],
        ["", "4", "5", "0", "2"],
        ["", ",", " ", ", "],
        ["2015", "0000", " 2015", "201", "20155"],
    )
]  # fmt: skip


def test_the_spoken_forms_are_told_as_the_grammar_defines_them() -> None:
    """ "Q4 2015", "December 2015", "mid-2016", "end of 2015" and "the first half of 2016"
    stand for 2015-Q4, 2015-12, mid 2016, 2015 and 2016-H1; their near misses are refused."""
    for raw in _SPOKEN_SHAPED:
        _agrees_with_the_grammar(raw)
    assert parse_period("Q4 2015").text == "2015-Q4"
    assert parse_period("December, 2015").text == "2015-12"


@given(st.lists(_PIECES, max_size=6).map("".join))
def test_any_text_of_the_pieces_is_told_as_the_grammar_defines_it(raw: str) -> None:
    _agrees_with_the_grammar(raw)
