"""The one place that knows what day and time it is.

Reports are read "as of" the date of a meeting, and tests need a fixed today, so every command
asks here; ``AGHTRACK_TODAY`` (YYYY-MM-DD) pins it for tests and rehearsals.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from .errors import InvalidDate
from .periods import parse_date


def today(as_of: date | None = None) -> date:
    if as_of is not None:
        return as_of
    pinned = os.environ.get("AGHTRACK_TODAY")
    if pinned:
        try:
            return parse_date(pinned)
        except InvalidDate as e:
            raise InvalidDate(f"AGHTRACK_TODAY: {e}") from None
    return date.today()


def now() -> str:
    """A UTC timestamp, to the second, for created/updated fields and the journal."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def now_precise() -> str:
    """A UTC timestamp to the microsecond, for events: two changes typed in the same second
    must still replay in the order they were made."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
