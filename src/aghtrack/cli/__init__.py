"""The command line: parse, call the tracker, render. No rules live here."""

from __future__ import annotations

from . import actions, doctor, meetings, report, transfer  # noqa: F401  (register commands)
from .app import app

__all__ = ["app"]
