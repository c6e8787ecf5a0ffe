"""Every error a user can meet, as types.

The CLI edge turns each into one line on stderr and the exit code it carries, so messages are
written once, here or where raised, for a person rather than a programmer.
"""

from __future__ import annotations

from pathlib import Path


class AghtrackError(Exception):
    """Base of all errors aghtrack reports to a user; exit code 1 (operational) by default."""

    exit_code = 1


class BadInput(AghtrackError):
    """The user typed something we cannot accept; nothing was changed. Exit code 2."""

    exit_code = 2


class InvalidPeriod(BadInput):
    pass


class InvalidDate(BadInput):
    pass


class InvalidStatus(BadInput):
    pass


class InvalidKind(BadInput):
    pass


class InvalidTransition(BadInput):
    pass


class EmptyText(BadInput):
    pass


class InvalidMeetingKey(BadInput):
    pass


class DuplicateMeeting(BadInput):
    pass


class AmbiguousReference(BadInput):
    pass


class NotYetHeld(BadInput):
    """A review or a commitment asked for as of a day before its meeting was held."""


class NotUnicode(BadInput):
    """Text holding bytes that are not UTF-8 (say, a name pasted from a Latin-1 terminal)."""


class TextTooLong(BadInput):
    """One field longer than ``model.MAX_TEXT`` characters."""


class OutputRefused(BadInput):
    """``--output`` names a file aghtrack must not replace (the store's own files, a folder)."""


class ImportRejected(BadInput):
    """A file to import failed validation; nothing from it was written."""


class UnreadableStatement(BadInput):
    """An outcome statement to draft from is empty, too big, not a file, or in no format we
    read (or a PDF without a text layer); nothing was recorded."""


class NoOutcomes(BadInput):
    """The statement was read but holds no sentence that records an outcome."""


class NotFound(AghtrackError):
    pass


class UnknownMeeting(NotFound):
    pass


class UnknownReference(NotFound):
    pass


class NothingToUndo(AghtrackError):
    pass


class StoreError(AghtrackError):
    """Something about the store file itself; the message always names the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class StoreBusy(StoreError):
    pass


class CorruptStore(StoreError):
    pass


class StoreWriteFailed(StoreError):
    pass


class OutputWriteFailed(AghtrackError):
    """A report (or other output file) could not be written; any old file is left as it was."""


class SyncFailed(AghtrackError):
    """Sharing the record through git did not finish; the local record and its unsynced
    changes are as they were, and the next ``aghtrack sync`` finishes the job."""


class GitMissing(SyncFailed):
    pass


class AlreadyShared(NothingToUndo):
    """Undo reached a change that ``sync`` has already handed to the other offices."""


class RenumberedReference(NotFound):
    """A reference this office knew now names another commitment, after a merge."""


class Interrupted(AghtrackError):
    """Ctrl-C. A change is written whole or not at all (the store's atomic replace), so the
    message says where to see which; 130 is the exit code shells give an interrupt."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__(
            "interrupted; a change is recorded whole or not at all "
            "('aghtrack history' shows whether it was)."
        )
