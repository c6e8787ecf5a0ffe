"""Due periods as officials write them, and strict ISO dates.

Outcome records say "in late 2015" or "by the first half of 2016" far more often than a day, so
a due period keeps the official's granularity (its canonical text) and also the last day it
allows (``due_by``), which is what overdue checks compare against.
"""

# Annotations are evaluated at import (no ``from __future__ import annotations``): the
# string annotations of a named tuple are each compiled when its class is made, every
# run (~0.3 ms for a class of 21 fields, ``model.Commitment``).

from datetime import date, timedelta
from typing import NamedTuple

from .errors import InvalidDate, InvalidPeriod

ACCEPTED_FORMS = (
    "2015-12-31 (a day), 2015-12 or December 2015 (a month), 2015-Q4 or Q4 2015 (a quarter), "
    "2015-H2 or H2 2015 (a half-year), 2015 or end of 2015 (a year), early 2015 / mid 2015 / "
    "late 2015 (Jan-Apr / May-Aug / Sep-Dec)"
)

# early/mid/late split the year into thirds: the last month each allows.
_THIRD_LAST_MONTH = {"early": 4, "mid": 8, "late": 12}

# The forms are told apart by their shape, in plain string tests rather than regular
# expressions: compiling six patterns cost ~0.6 ms of every command's start-up (issue 16).
# A number is ASCII digits only ("٢٠١٥" is not a year here).


def _number(text: str, width: int) -> int | None:
    return int(text) if len(text) == width and text.isascii() and text.isdigit() else None


def _day_numbers(text: str) -> tuple[int, int, int] | None:
    """Year, month and day of ``YYYY-MM-DD`` (a real date or not: the caller checks)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    year, month, day = _number(text[:4], 4), _number(text[5:7], 2), _number(text[8:], 2)
    if year is None or month is None or day is None:
        return None
    return year, month, day


def _year_and(text: str, mark: str) -> tuple[int, int] | None:
    """Year and number of ``YYYY-MM`` (``mark`` empty) or of ``YYYY-QN`` / ``YYYY-HN``
    (``mark`` the letter in either case)."""
    if len(text) != 7 or text[4] != "-":
        return None
    if mark and text[5] not in mark:
        return None
    year = _number(text[:4], 4)
    number = _number(text[6:], 1) if mark else _number(text[5:], 2)
    return None if year is None or number is None else (year, number)


class DuePeriod(NamedTuple):
    """A due period: ``due_by`` first so that periods sort by deadline. A named tuple, not a
    frozen dataclass: ~1 ms less of every run's start-up (issue 16)."""

    due_by: date
    text: str

    def __str__(self) -> str:
        return self.text


def _month_end(year: int, month: int) -> date:
    # Without the calendar module: its import was a measurable part of start-up (issue 16).
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _check_year(year: int, raw: str) -> int:
    if year < 1:
        raise InvalidPeriod(f"'{raw}' has no year 0. Use one of: {ACCEPTED_FORMS}.")
    return year


def parse_period(raw: str) -> DuePeriod:
    """Parse a due period; raise InvalidPeriod, listing the accepted forms, for anything else."""
    return _parse(" ".join(raw.split()), raw)


def _parse(text: str, raw: str) -> DuePeriod:
    """``text`` (spaces collapsed) as a period; errors quote ``raw``, what was typed."""
    if days := _day_numbers(text):
        day = _real_date(*days, raw, InvalidPeriod)
        return DuePeriod(day, day.isoformat())
    if found := _year_and(text, ""):
        year, month = _check_year(found[0], raw), found[1]
        if not 1 <= month <= 12:
            raise InvalidPeriod(f"'{raw}' has no month {month}. Use one of: {ACCEPTED_FORMS}.")
        return DuePeriod(_month_end(year, month), f"{year:04d}-{month:02d}")
    if found := _year_and(text, "Qq"):
        year, quarter = _check_year(found[0], raw), found[1]
        if not 1 <= quarter <= 4:
            raise InvalidPeriod(f"'{raw}': quarters are Q1-Q4. Use one of: {ACCEPTED_FORMS}.")
        return DuePeriod(_month_end(year, quarter * 3), f"{year:04d}-Q{quarter}")
    if found := _year_and(text, "Hh"):
        year, half = _check_year(found[0], raw), found[1]
        if half not in (1, 2):
            raise InvalidPeriod(f"'{raw}': halves are H1 and H2. Use one of: {ACCEPTED_FORMS}.")
        return DuePeriod(_month_end(year, half * 6), f"{year:04d}-H{half}")
    if (number := _number(text, 4)) is not None:
        year = _check_year(number, raw)
        return DuePeriod(date(year, 12, 31), f"{year:04d}")
    word, _, rest = text.partition(" ")
    if word.lower() in _THIRD_LAST_MONTH and (number := _number(rest, 4)) is not None:
        word, year = word.lower(), _check_year(number, raw)
        return DuePeriod(_month_end(year, _THIRD_LAST_MONTH[word]), f"{word} {year:04d}")
    spoken = _canonical(text)
    if spoken is not None and spoken != text:
        return _parse(spoken, raw)
    raise InvalidPeriod(f"'{raw}' is not a due period. Use one of: {ACCEPTED_FORMS}.")


_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_HALVES = {"first half of": "H1", "second half of": "H2"}


def _canonical(text: str) -> str | None:
    """The canonical form of a period as officials also write it: "Q4 2015" and "H1 2016"
    (2015-Q4, 2016-H1), "December 2015" (2015-12), "mid-2016" (mid 2016), "end of 2015"
    (2015), "the first half of 2016" (2016-H1). The record keeps the canonical one."""
    lowered = text.lower().removeprefix("the ")
    head, _, year = lowered.rpartition(" ")
    if _number(year, 4) is None:
        third, dash, tail = lowered.partition("-")
        if dash and third in _THIRD_LAST_MONTH and _number(tail, 4) is not None:
            return f"{third} {tail}"  # "mid-2016"
        return None
    if len(head) == 2 and head[0] in "qh" and head[1].isdigit():
        return f"{year}-{head.upper()}"
    if head.removesuffix(",") in _MONTHS:  # "December 2015", "December, 2015"
        return f"{year}-{_MONTHS[head.removesuffix(',')]:02d}"
    if head in ("end of", "end", "by the end of", "by end of"):
        return year
    if head in _HALVES:
        return f"{year}-{_HALVES[head]}"
    return None


def _real_date(
    year: int, month: int, day: int, raw: str, error: type[InvalidDate] | type[InvalidPeriod]
) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise error(f"'{raw}' is not a real date (expected YYYY-MM-DD, e.g. 2016-03-22).") from None


def optional_date(raw: str | None) -> date | None:
    """A date option: None when it was not given. Given empty (``--on ""``, a script's unset
    ``$DATE``) it is refused like any other non-date, never taken as not given: that would
    date a change today without a word."""
    return None if raw is None else parse_date(raw)


def parse_date(raw: str) -> date:
    """Parse a strict ISO calendar date (YYYY-MM-DD); anything else raises InvalidDate."""
    text = raw.strip()
    if days := _day_numbers(text):
        return _real_date(*days, raw, InvalidDate)
    raise InvalidDate(f"'{raw}' is not a date; write it as YYYY-MM-DD, e.g. 2016-03-22.")
