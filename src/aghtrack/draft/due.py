"""Due periods as statements write them, mapped to the grammar of ``periods``.

Only phrases that set a time for the work count ("in late 2015", "by mid-2016", "by the end of
2016", "by December 2016", "within six months", "before the next meeting"); a year that only
dates something else ("the 2013 Jakarta Declaration", "since 2013", "work plan for 2015-17") is
left alone, and so is any year before the meeting, which cannot be a deadline it set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..errors import BadInput
from ..model import Meeting
from ..periods import DuePeriod, parse_period

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24,
    "a": 1, "an": 1, "one-year": 12,
}  # fmt: skip
_ORDINAL = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"\d{1,2}(?:st|nd|rd|th))"
)
_LEAD = r"(?:in|by|during|before|no later than|not later than|prior to|until|from|at)\s+"
_YEAR = r"((?:19|20|21)\d\d)(?![\d-])"

#: Phrases in the order tried; each gives (kind of period, match) to ``_period``.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("next", re.compile(r"\b(?:before|by|prior to|ahead of|at|until|in time for)\s+(?:the\s+)?"
                        r"(next|following|forthcoming|upcoming)\s+(?:\w+\s+){0,4}?"
                        r"(meeting|session|som|conference|round-?\s?table|summit|forum)\b", re.I)),
    # "for endorsement at the Seventh Ministerial Conference": a meeting named by its number.
    ("named", re.compile(rf"\b(?:before|by|prior to|ahead of|at|to|until|in time for)\s+the\s+"
                         rf"{_ORDINAL}\s+(?:[A-Z][\w-]*\s+){{0,4}}?(?:ministerial\s+"
                         r"(?:conference|meeting)|meeting|session|SOM|conference|summit)\b", re.I)),
    # The record's own forms, as an officer types them: "by 2017-Q3", "by 2018-H1",
    # "by 2017-06-30", "before 2017-06".
    ("iso", re.compile(rf"\b{_LEAD}((?:19|20|21)\d\d-(?:[QqHh]\d|\d\d(?:-\d\d)?))(?![\w-])", re.I)),
    ("day", re.compile(rf"\b{_LEAD}(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", re.I)),
    ("day_us", re.compile(rf"\b{_LEAD}{_MONTH}\s+(\d{{1,2}}),?\s+{_YEAR}", re.I)),
    ("end_month", re.compile(rf"\b(?:by|before|at)\s+(?:the\s+)?end\s+of\s+{_MONTH}\s+{_YEAR}", re.I)),
    ("month", re.compile(rf"\b{_LEAD}(?:early\s+|mid-?\s*|late\s+)?{_MONTH}\s+{_YEAR}", re.I)),
    ("half", re.compile(rf"\b{_LEAD}the\s+(first|second)\s+half\s+of\s+{_YEAR}", re.I)),
    ("quarter", re.compile(rf"\b{_LEAD}the\s+(first|second|third|fourth)\s+quarter\s+of\s+{_YEAR}", re.I)),
    ("quarter_q", re.compile(rf"\b{_LEAD}Q([1-4])\s+{_YEAR}", re.I)),
    ("by_mid", re.compile(rf"\b(?:by|before)\s+(?:the\s+)?mid(?:dle)?(?:-|\s+|\s+of\s+){_YEAR}", re.I)),
    ("third", re.compile(rf"\b{_LEAD}(?:the\s+)?(early|mid|late|end)(?:-|\s+|\s+of\s+){_YEAR}", re.I)),
    ("end_year", re.compile(rf"\b(?:by|before|at|until)\s+(?:the\s+)?end\s+(?:of\s+)?(?:the\s+year\s+)?{_YEAR}", re.I)),
    ("end_this_year", re.compile(r"\b(?:by|before)\s+the\s+end\s+of\s+(?:the|this)\s+year\b", re.I)),
    ("within", re.compile(r"\b(?:within|(?:over|in|during|within)\s+the\s+(?:next|coming|following))"
                          r"\s+(\d{1,2}|[a-z-]+)\s+(months?|years?)\b", re.I)),
    ("coming_year", re.compile(r"\b(?:in|over|during|within)\s+the\s+(?:next|coming|following)\s+"
                               r"year\b", re.I)),
    # "in 2017-18", "during 2017/2018": a span sets its last year; "for 2015-17" dates a plan.
    ("span", re.compile(r"\b(?:in|during|over|by)\s+((?:19|20|21)\d\d)\s*[-–/]\s*"
                        r"((?:19|20|21)?\d\d)(?![\d-])", re.I)),
    ("year", re.compile(rf"\b(?:in|by|during|before|within|throughout|for|until)\s+{_YEAR}", re.I)),
)  # fmt: skip


@dataclass(frozen=True)
class Due:
    """A due period found in a statement; ``period`` is None when the statement sets the
    work against a meeting the record cannot date yet ("at the next meeting"): the words are
    kept for the officer, and no date is invented."""

    period: DuePeriod | None
    words: str  # what the statement said, for the ``why``

    @property
    def why(self) -> str:
        if self.period is None:
            return f"'{self.words}' -> no date yet (that meeting is not in the record)"
        return f"'{self.words}' -> {self.period.text}"


def find_due(text: str, meeting: Meeting, next_meeting: Meeting | None) -> Due | None:
    """The first phrase that dates the work; a meeting the record cannot date only when no
    phrase gives a date ("at the next meeting, and no later than June 2018" is June 2018)."""
    undated: Due | None = None
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            period = _period(name, m, meeting, next_meeting)
            if period is not None:
                return Due(period, " ".join(m[0].split()))
            if name in _MEETING_RELATIVE and undated is None:
                undated = Due(None, " ".join(m[0].split()))
    return undated


#: Phrases that set work against a later meeting rather than a date.
_MEETING_RELATIVE = frozenset({"next", "named"})


def _period(
    name: str, m: re.Match[str], meeting: Meeting, next_meeting: Meeting | None
) -> DuePeriod | None:
    start = meeting.date
    if name == "next":
        if next_meeting is None:
            return None
        return parse_period(next_meeting.date.isoformat())
    if name == "named":
        return None  # which meeting "the Seventh Conference" is, the record does not say
    if name == "coming_year":
        total = start.year * 12 + start.month - 1 + 12
        return _checked(f"{total // 12:04d}-{total % 12 + 1:02d}", start)
    if name == "span":
        first, last = m[1], m[2]
        year = int(last) if len(last) == 4 else int(first[:2] + last)
        return _checked(f"{year:04d}", start) if year > int(first) else None
    if name == "within":
        count = int(m[1]) if m[1].isdigit() else _NUMBERS.get(m[1].lower())
        if not count:
            return None
        months = count * (12 if m[2].lower().startswith("year") else 1)
        total = start.year * 12 + start.month - 1 + months
        return _checked(f"{total // 12:04d}-{total % 12 + 1:02d}", start)
    if name == "end_this_year":
        return _checked(f"{start.year:04d}", start)
    if name == "iso":
        try:
            return _checked(m[1].upper(), start)
        except BadInput:  # "2017-Q7", "2017-02-30": not a period
            return None
    year = int(m.groups()[-1])
    if name in ("day", "day_us"):
        day, month = (m[1], m[2]) if name == "day" else (m[2], m[1])
        try:
            return _checked(date(year, _MONTHS[month.lower()], int(day)).isoformat(), start)
        except ValueError:
            return None
    if name in ("month", "end_month"):
        return _checked(f"{year:04d}-{_MONTHS[m[1].lower()]:02d}", start)
    if name == "half":
        return _checked(f"{year:04d}-H{1 if m[1].lower() == 'first' else 2}", start)
    if name == "quarter":
        quarter = ("first", "second", "third", "fourth").index(m[1].lower()) + 1
        return _checked(f"{year:04d}-Q{quarter}", start)
    if name == "quarter_q":
        return _checked(f"{year:04d}-Q{m[1]}", start)
    if name == "by_mid":
        return _checked(f"{year:04d}-H1", start)
    if name == "third":
        word = m[1].lower()
        return _checked(f"{year:04d}" if word == "end" else f"{word} {year:04d}", start)
    return _checked(f"{year:04d}", start)


def _checked(text: str, start: date) -> DuePeriod | None:
    """A period that ended before the meeting was held is history, not a deadline."""
    period = parse_period(text)
    return period if period.due_by >= start else None
