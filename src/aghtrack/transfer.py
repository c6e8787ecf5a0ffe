"""Import and export of the record: the JSON exchange format, and CSV for spreadsheets.

JSON is the lossless form: an export holds every meeting (``model.meeting_to_dict``) and every
commitment, deleted ones included, in exactly the stored shape (``model.commitment_to_dict``),
so export -> import into an empty store -> export gives the same bytes. CSV carries one row per
commitment (no notes) for people who keep their follow-up in a spreadsheet.

An import is checked whole before anything is written: every row is validated, problems are
collected with the row they come from, and one bad row rejects the file. The writes then happen
in one store transaction (one journal entry, so ``undo`` takes the whole import back).
Re-importing is idempotent: a commitment whose id is already in the store is left as the store
has it (the store, with its notes and journal, is the record; a file is a copy from some earlier
moment), and a meeting whose key exists is kept. A row without an id gets one derived from its
meeting, number, source and text, so a spreadsheet imported twice is not doubled either.

The store's journal is not exported: its entries hold TinyDB document ids and before-images that
only mean something in the store that wrote them. A ``history`` list, such as ``show --json``
prints, is accepted on import and ignored.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson

from . import clock
from .collector import no_gc
from .errors import BadInput, CorruptStore, ImportRejected
from .events import Event, Op, event_from_dict, event_to_dict, fold, legacy_events
from .listing import meeting_order
from .model import (
    CLOSED,
    Commitment,
    Evidence,
    Kind,
    Meeting,
    Note,
    Status,
    check_seq,
    clean_names,
    commitment_to_dict,
    line_breaks,
    meeting_from_dict,
    meeting_to_dict,
    normalise_meeting_key,
    normalise_name,
    parse_kind,
    parse_status,
    require_text,
    stored_dict,
    unicode_text,
    with_changes,
)
from .periods import DuePeriod, parse_date, parse_period
from .store import Store
from .store.layout import COMMITMENTS, MEETINGS, Doc, Snapshot

K = TypeVar("K")
V = TypeVar("V")

FORMAT = "aghtrack"
VERSION = 1

#: The largest file ``import`` reads (README, "Limits"): ten times the shipped record's
#: export at 100,000 commitments; anything larger is refused before it is read.
MAX_IMPORT_BYTES = 200 * 10**6

#: How many problems a rejection names before it just counts the rest.
SHOWN_PROBLEMS = 3
#: Rows between two progress reports: often enough for a smooth bar, rare enough to be free.
PROGRESS_EVERY = 2000

#: Called with (rows checked, rows in all) while an import is being validated.
ProgressCallback = Callable[[int, int], None]

_TOP_KEYS = frozenset({"format", "version", "meetings", "actions", "history"})
#: A meeting's fields, in the order an export (JSON or the Excel sheet) gives them.
MEETING_FIELDS = (
    "key",
    "title",
    "date",
    "location",
    "series",
    "chairs",
    "attendees",
    "observers",
    "purpose",
    "source",
)
_MEETING_KEYS = frozenset(MEETING_FIELDS)
_ACTION_KEYS = frozenset(
    {
        "ref",
        "id",
        "meeting",
        "seq",
        "source",
        "text",
        "kind",
        "owners",
        "support",
        "due",
        "due_by",
        "status",
        "notes",
        "evidence",
        "tags",
        "created",
        "updated",
        "deleted",
        "status_on",
        "superseded_by",
        "replaces",
        "events",
        "history",
        # Written by 'aghtrack draft' for the officer reviewing it; the kind decides.
        "informational",
        "why",
    }
)
#: Fields of the dict shape that a commitment's events decide; in a row that has events, any of
#: these present must agree with them (they are derived, and a hand edit of one alone would
#: otherwise be silently undone).
_DERIVED_KEYS = _ACTION_KEYS - {
    *("ref", "id", "meeting", "seq", "events", "history", "informational", "why")
}
_EVIDENCE_KEYS = frozenset({"text", "fulfilled_by", "on"})
_NOTE_KEYS = frozenset({"on", "by", "text"})

#: Columns of the CSV form, in export order. ``seq`` rather than the ``9.3`` reference, which a
#: spreadsheet reads as a number (and turns 9.10 into 9.1). Only meeting and text are required.
CSV_COLUMNS = (
    "meeting",
    "seq",
    "id",
    "source",
    "text",
    "kind",
    "owners",
    "support",
    "due",
    "status",
    "evidence",
    "fulfilled_by",
    "evidence_on",
    "tags",
    "created",
    "updated",
)
_CSV_REQUIRED = ("meeting", "text")
#: Columns a draft (``aghtrack draft --format csv``) adds for its reviewer; read and ignored.
_CSV_IGNORED = frozenset({"informational", "why"})
_CSV_LISTS = frozenset({"owners", "support", "tags"})
#: What ``render.csv_cell`` prefixed with one quote so that spreadsheets do not run it as a
#: formula (quotes already leading such a text included, so one quote off gives it back exactly).
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
#: Namespace for the ids of rows that come without one (uuid5 of meeting, number, source, text).
_ROW_ID_NAMESPACE = uuid.UUID("5b0c6a53-3f0e-4b8e-9a43-2b1f4c1d7e10")


#: The Excel form of the whole record (``export --format xlsx``), read back by ``import``:
#: one sheet each for meetings, commitments (deleted ones marked), progress notes and the dated
#: events the commitments are compiled from (so an import keeps their history, as JSON does).
#: Dates are real dates; names in a list cell are one a line (a name never holds a line break).
XLSX_MEETINGS = "Meetings"
XLSX_COMMITMENTS = "Commitments"
XLSX_NOTES = "Notes"
XLSX_EVENTS = "Events"
XLSX_MEETING_COLUMNS = MEETING_FIELDS
XLSX_COMMITMENT_COLUMNS = (
    "ref",
    "meeting",
    "seq",
    "id",
    "source",
    "text",
    "kind",
    "owners",
    "support",
    "due",
    "due_by",
    "status",
    "evidence",
    "fulfilled_by",
    "evidence_on",
    "tags",
    "created",
    "updated",
    "deleted",
)
XLSX_NOTE_COLUMNS = ("ref", "id", "on", "by", "text")
#: One event a row (``events.event_to_dict``), under the id of its commitment; the fields an
#: edit sets and an evidence are JSON text in their cells.
XLSX_EVENT_COLUMNS = (
    "ref",
    "id",
    "event",
    "op",
    "on",
    "at",
    "by",
    "status",
    "superseded_by",
    "text",
    "author",
    "estimated",
    "evidence",
    "set",
    "over",
)
_XLSX_LISTS = frozenset({"chairs", "attendees", "observers", "owners", "support", "tags"})
#: A cell of the Excel form: text, a whole number, a date, or empty.
XlsxCell = str | int | date | None


def xlsx_sheets(record: Record) -> list[tuple[str, tuple[str, ...], list[list[XlsxCell]]]]:
    """The record as the sheets of its Excel form: (name, columns, rows of typed cells)."""
    meetings: list[list[XlsxCell]] = [
        [
            m.key,
            m.title,
            m.date,
            m.location,
            m.series,
            "\n".join(m.chairs),
            "\n".join(m.attendees),
            "\n".join(m.observers),
            m.purpose,
            m.source,
        ]
        for m in record.meetings
    ]
    commitments: list[list[XlsxCell]] = []
    notes: list[list[XlsxCell]] = []
    events: list[list[XlsxCell]] = []
    for c in record.commitments:
        evidence = c.evidence
        commitments.append(
            [
                c.ref,
                c.meeting,
                c.seq,
                c.id,
                c.source,
                c.text,
                c.kind.value,
                "\n".join(c.owners),
                "\n".join(c.support),
                c.due.text if c.due else None,
                c.due.due_by if c.due else None,
                c.status.value,
                evidence.text if evidence else None,
                evidence.fulfilled_by if evidence else None,
                evidence.on if evidence else None,
                "\n".join(c.tags),
                c.created,
                c.updated,
                "yes" if c.deleted else "",
            ]
        )
        notes += [[c.ref, c.id, n.on, n.by, n.text] for n in c.notes]
        events += [_xlsx_event(c, e) for e in c.events]
    return [
        (XLSX_MEETINGS, XLSX_MEETING_COLUMNS, meetings),
        (XLSX_COMMITMENTS, XLSX_COMMITMENT_COLUMNS, commitments),
        (XLSX_NOTES, XLSX_NOTE_COLUMNS, notes),
        (XLSX_EVENTS, XLSX_EVENT_COLUMNS, events),
    ]


def _xlsx_event(c: Commitment, e: Event) -> list[XlsxCell]:
    d = event_to_dict(e)
    evidence, changes, over = d.get("evidence"), d.get("set"), d.get("over")
    return [
        c.ref,
        c.id,
        d["id"],
        d["op"],
        e.on,
        d["at"],
        e.by,
        d.get("status"),
        d.get("superseded_by"),
        d.get("text"),
        d.get("author"),
        d.get("estimated"),
        orjson.dumps(evidence).decode() if evidence is not None else None,
        orjson.dumps(changes).decode() if changes is not None else None,
        orjson.dumps(over).decode() if over else None,
    ]


def _event_from_xlsx(cells: dict[str, Any]) -> dict[str, Any]:
    """An Events row back in the dict shape of ``events.event_to_dict`` (empty cells read as
    None: the text fields an event always has come back as empty text)."""
    d: dict[str, Any] = {
        "id": cells.get("event"),
        "op": cells.get("op"),
        "at": cells.get("at") or "",
        "by": cells.get("by") or "",
    }
    for key in ("on", "status", "superseded_by", "estimated"):
        if cells.get(key) is not None:
            d[key] = cells[key]
    if d["op"] == "note":
        d["text"] = cells.get("text") or ""
        d["author"] = cells.get("author") or ""
    for key in ("evidence", "set", "over"):  # (an export before "over" has no such column)
        if cells.get(key) is not None:
            try:
                d[key] = orjson.loads(cells[key])
            except orjson.JSONDecodeError:
                raise BadInput(f"'{key}' is not JSON: {str(cells[key])[:60]}") from None
    return d


@dataclass(frozen=True)
class ImportResult:
    file: str
    commitments_added: int
    commitments_present: int
    meetings_added: int
    meetings_present: int
    #: References of the commitments added, in file order.
    added: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        meetings = _count(self.meetings_added, "meeting")
        if self.meetings_present:
            meetings += f" ({self.meetings_present} already present)"
        return (
            f"Imported {_count(self.commitments_added, 'commitment')} "
            f"({self.commitments_present} already present) and {meetings}."
        )


@dataclass
class _Problems:
    """Problems found in a file, each with the row it is in; reported together, in row order."""

    file: str
    found: list[tuple[tuple[int, int], str]]

    def add(self, order: tuple[int, int], where: str, reason: str) -> None:
        reason = reason.strip()
        if not reason.endswith("."):
            reason += "."
        self.found.append((order, f"{where}: {reason}" if where else reason))

    def raise_if_any(self) -> None:
        if not self.found:
            return
        messages = [m for _, m in sorted(self.found, key=lambda p: p[0])]
        if len(messages) == 1:
            raise ImportRejected(f"{self.file}: nothing was imported. {messages[0]}")
        shown = " ".join(messages[:SHOWN_PROBLEMS])
        more = len(messages) - SHOWN_PROBLEMS
        rest = f" And {more} more." if more > 0 else ""
        raise ImportRejected(
            f"{self.file}: {len(messages)} problems, nothing was imported. {shown}{rest}"
        )

    def fatal(self, reason: str, where: str = "") -> ImportRejected:
        """A problem with the file as a whole (not JSON, wrong header): nothing more to check."""
        lone = _Problems(self.file, [])
        lone.add((0, 0), where, reason)
        return ImportRejected(f"{self.file}: nothing was imported. {lone.found[0][1]}")


@dataclass(frozen=True)
class _Row:
    """One commitment from the file, checked on its own; store checks come later."""

    order: tuple[int, int]
    where: str
    commitment: Commitment
    seq_given: bool
    fulfilled_by: str | None


@dataclass(frozen=True)
class _Parsed:
    meetings: list[tuple[tuple[int, int], str, Doc]]
    actions: list[tuple[tuple[int, int], str, Any]]


# --- export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """Everything in the store, in reading order (meetings by key, commitments by meeting then
    number), deleted commitments included: what every export format is written from."""

    meetings: tuple[Meeting, ...]
    commitments: tuple[Commitment, ...]

    def document(self) -> dict[str, Any]:
        """The JSON exchange format: deleted commitments included, marked, so nothing is lost."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "meetings": [meeting_to_dict(m) for m in self.meetings],
            "actions": [commitment_to_dict(c) for c in self.commitments],
        }

    def csv_rows(self) -> list[dict[str, str]]:
        """The live (not deleted) commitments as CSV_COLUMNS cells, ready for ``render``."""
        return [csv_row(c) for c in self.commitments if not c.deleted]


def load_record(store: Store) -> Record:
    with no_gc():
        snapshot = store.load()
        return Record(
            meetings=tuple(_stored_meetings(store, snapshot)),
            commitments=tuple(_stored_commitments(store, snapshot)),
        )


def export_document(store: Store) -> dict[str, Any]:
    """Everything in the store in the exchange format (``Record.document``)."""
    with no_gc():
        return load_record(store).document()


def csv_rows(store: Store) -> list[dict[str, str]]:
    """The live (not deleted) commitments as CSV_COLUMNS cells, ready for ``render``."""
    with no_gc():
        return load_record(store).csv_rows()


def csv_row(c: Commitment) -> dict[str, str]:
    evidence = c.evidence
    return {
        "meeting": c.meeting,
        "seq": str(c.seq),
        "id": c.id,
        "source": c.source,
        "text": c.text,
        "kind": c.kind.value,
        "owners": "; ".join(c.owners),
        "support": "; ".join(c.support),
        "due": c.due.text if c.due else "",
        "status": c.status.value,
        "evidence": (evidence.text or "") if evidence else "",
        "fulfilled_by": (evidence.fulfilled_by or "") if evidence else "",
        "evidence_on": evidence.on.isoformat() if evidence and evidence.on else "",
        "tags": "; ".join(c.tags),
        "created": c.created,
        "updated": c.updated,
    }


def _stored_meetings(store: Store, snapshot: Snapshot) -> list[Meeting]:
    meetings = []
    for doc_id, doc in snapshot.docs(MEETINGS).items():
        try:
            meetings.append(meeting_from_dict(doc))
        except (BadInput, KeyError, TypeError, ValueError) as e:
            raise CorruptStore(store.path, f"meeting entry {doc_id} is malformed ({e})") from None
    return sorted(meetings, key=lambda m: meeting_order(m.key))


def _stored_commitments(store: Store, snapshot: Snapshot) -> list[Commitment]:
    commitments = []
    checker = _Checker()
    for _, doc_id, doc in snapshot.commitments():
        try:
            commitments.append(checker.row((0, 0), "", doc).commitment)
        except (BadInput, KeyError, TypeError, ValueError) as e:
            raise CorruptStore(
                store.path, f"commitment entry {doc_id} is malformed ({e})"
            ) from None
    return sorted(commitments, key=lambda c: (meeting_order(c.meeting), c.seq))


# --- import ---------------------------------------------------------------------------------


def import_file(
    store: Store,
    path: Path,
    *,
    actor: str,
    fmt: str | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import a JSON export, a CSV or an Excel workbook; ``fmt`` (json|csv|xlsx) defaults to
    the file's suffix (json for any other)."""
    from .store.files import FileTooLarge, NotRegularFile, read_regular

    name = path.name
    try:
        raw = read_regular(path, limit=MAX_IMPORT_BYTES)
    except NotRegularFile as e:
        raise ImportRejected(f"{path}: {e.kind}, not a file to import.") from None
    except FileTooLarge:
        raise ImportRejected(
            f"{path}: larger than {MAX_IMPORT_BYTES // 10**6} MB, the most one import takes; "
            "split it into several files."
        ) from None
    except OSError as e:
        raise ImportRejected(f"{path}: cannot read it ({e.strerror or e}).") from None
    suffix = path.suffix.lower().lstrip(".")
    kind = fmt or (suffix if suffix in ("csv", "xlsx") else "json")
    statement = _a_statement(raw)
    if statement:
        raise ImportRejected(
            f"{name}: {statement}, not a file 'import' reads (an export, a CSV or an Excel "
            "workbook). To propose its commitments: aghtrack draft FILE --meeting KEY."
        )
    return import_bytes(store, raw, name=name, fmt=kind, actor=actor, progress=progress)


def _a_statement(raw: bytes) -> str:
    """What a file given to import is when it is a meeting's statement (Word, PDF) rather
    than a record: its bytes said "not valid JSON (str is not valid UTF-8 ...)"."""
    if raw.startswith(b"%PDF"):
        return "a PDF document"
    if raw.startswith(b"PK\x03\x04") and b"word/" in raw[:4096]:
        return "a Word document"
    return ""


def import_bytes(
    store: Store,
    raw: bytes,
    *,
    name: str,
    fmt: str,
    actor: str,
    progress: ProgressCallback | None = None,
    command: str = "import",
) -> ImportResult:
    """Import the bytes of a file; ``command`` names the change in the history (a draft
    applied is recorded as ``draft``)."""
    problems = _Problems(name, [])
    parsers = {"json": _parse_json, "csv": _parse_csv, "xlsx": _parse_xlsx}
    if fmt not in parsers:
        raise BadInput(f"'{fmt}' is not an import format: use json, csv or xlsx.")
    with no_gc():
        parsed = parsers[fmt](raw, problems)
        meetings = _check_meetings(parsed, problems)
        rows = _check_actions(parsed, problems, progress, clock.now())
        return _write(store, name, meetings, rows, problems, actor=actor, command=command)


def _write(
    store: Store,
    name: str,
    meetings: Mapping[str, Meeting],
    rows: Sequence[_Row],
    problems: _Problems,
    *,
    actor: str,
    command: str = "import",
) -> ImportResult:
    with store.transaction(at=clock.now(), actor=actor, command=command) as tx:
        snapshot = tx.snapshot
        new_meetings, meetings_present = _against_store_meetings(snapshot, meetings)
        new_rows, present = _against_store_actions(snapshot, rows, meetings, problems)
        problems.raise_if_any()

        if new_meetings:
            tx.insert_many(MEETINGS, [meeting_to_dict(m) for m in new_meetings])
        for row in new_rows:
            if row.seq_given:
                tx.reserve_seq(row.commitment.meeting, row.commitment.seq)
        docs = []
        for row in new_rows:
            doc = stored_dict(row.commitment)
            if not row.seq_given:
                doc["seq"] = tx.next_seq(doc["meeting"])
            docs.append(doc)
        if docs:
            tx.insert_many(COMMITMENTS, docs)
        tx.summary = (
            f"Imported {_count(len(docs), 'commitment')} and "
            f"{_count(len(new_meetings), 'meeting')} from {name}"
        )
    return ImportResult(
        name,
        len(docs),
        present,
        len(new_meetings),
        meetings_present,
        tuple(f"{doc['meeting']}.{doc['seq']}" for doc in docs),
    )


def _parse_json(raw: bytes, problems: _Problems) -> _Parsed:
    try:
        # A file saved by Windows Notepad starts with a byte order mark; the CSV reader
        # takes it too.
        document = orjson.loads(raw.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as e:
        raise problems.fatal(f"not valid JSON ({e})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        if isinstance(document, dict) and {"summary", "meeting"} <= document.keys():
            raise problems.fatal(
                "a report in JSON (what 'aghtrack report --format json' writes), not an "
                "export: 'aghtrack export' writes the file import reads"
            )
        raise problems.fatal(
            f'not an aghtrack export: it must be a JSON object with "format": "{FORMAT}" '
            "(what 'aghtrack export' writes)"
        )
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise problems.fatal(f'"version" must be a whole number (this aghtrack writes {VERSION})')
    if version > VERSION:
        raise problems.fatal(
            f"written by a newer aghtrack (format version {version}; this one reads up to "
            f"{VERSION}); upgrade aghtrack to import it"
        )
    unknown = sorted(set(document) - _TOP_KEYS)
    if unknown:
        raise problems.fatal(
            f"unknown top-level field '{unknown[0]}' (expected meetings and actions)"
        )
    sections: dict[str, list[Any]] = {}
    for section in ("meetings", "actions"):
        value = document.get(section, [])
        if not isinstance(value, list):
            raise problems.fatal(f'"{section}" must be a list')
        sections[section] = value
    return _Parsed(
        meetings=[((0, i), f"meetings[{i}]", m) for i, m in enumerate(sections["meetings"])],
        actions=[((1, i), f"actions[{i}]", a) for i, a in enumerate(sections["actions"])],
    )


def _parse_csv(raw: bytes, problems: _Problems) -> _Parsed:
    # surrogateescape keeps undecodable bytes so they can be reported by row, not by offset.
    text = raw.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    # strict: a quote never closed is an error, not a cell that swallows every row after it.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise problems.fatal(f"not readable as CSV ({e})", "row 1") from None
    if header is None or not any(cell.strip() for cell in header):
        raise problems.fatal(
            f"no header; the first row must name the columns, e.g. {','.join(CSV_COLUMNS[:6])}",
            "row 1",
        )
    columns = [cell.strip().lower() for cell in header]
    if any(_not_utf8(c) for c in columns):
        raise problems.fatal(_NOT_UTF8, "row 1")
    if len(columns) == 1 and ";" in columns[0]:
        # Excel in much of Europe saves "CSV" with semicolons.
        raise problems.fatal(
            "the columns are separated by ';' (Excel's CSV in many countries): save it with "
            "commas ('CSV UTF-8' in Excel), or export the sheet as .xlsx and import that",
            "row 1",
        )
    for column in columns:
        if column not in CSV_COLUMNS and column not in _CSV_IGNORED:
            raise problems.fatal(
                f"unknown column '{column}' in the header (columns: {', '.join(CSV_COLUMNS)})",
                "row 1",
            )
        if columns.count(column) > 1:
            raise problems.fatal(f"column '{column}' appears twice in the header", "row 1")
    missing = [c for c in _CSV_REQUIRED if c not in columns]
    if missing:
        raise problems.fatal(f"the header has no '{missing[0]}' column", "row 1")

    actions: list[tuple[tuple[int, int], str, Any]] = []
    row_number = 1
    try:
        for cells in reader:
            row_number += 1
            where = f"row {row_number}"
            order = (1, row_number)
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                problems.add(
                    order, where, f"{len(cells)} cells but the header names {len(columns)}"
                )
                continue
            bad = next((columns[i] for i, c in enumerate(cells) if _not_utf8(c)), None)
            if bad is not None:
                problems.add(order, where, f"column '{bad}': {_NOT_UTF8}")
                continue
            actions.append((order, where, _csv_action(dict(zip(columns, cells, strict=False)))))
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            raise problems.fatal(
                'a quote (") opened in this row is never closed, so every row after it would '
                "be read as its text; close the quote or remove it",
                f"row {row_number + 1}",
            ) from None
        raise problems.fatal(f"not readable as CSV ({e})", f"row {row_number + 1}") from None
    return _Parsed(meetings=[], actions=actions)


def _parse_xlsx(raw: bytes, problems: _Problems) -> _Parsed:
    """An Excel workbook in the form ``export --format xlsx`` writes, in the JSON shapes."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise problems.fatal(f"not readable as an Excel workbook ({e})") from None
    try:
        sheets = {
            name: _xlsx_records(book, name, columns, problems)
            for name, columns in (
                (XLSX_MEETINGS, XLSX_MEETING_COLUMNS),
                (XLSX_COMMITMENTS, XLSX_COMMITMENT_COLUMNS),
                (XLSX_NOTES, XLSX_NOTE_COLUMNS),
            )
        }
        # Optional: a workbook made by hand (or by an earlier version) states without history.
        if XLSX_EVENTS in book.sheetnames:
            sheets[XLSX_EVENTS] = _xlsx_records(book, XLSX_EVENTS, XLSX_EVENT_COLUMNS, problems)
    finally:
        book.close()
    notes: dict[str, list[dict[str, Any]]] = {}
    for _, _, note in sheets[XLSX_NOTES]:
        note["by"] = note.get("by") or ""
        notes.setdefault(str(note.pop("id", "")), []).append(
            {k: v for k, v in note.items() if k != "ref"}
        )
    events: dict[str, list[dict[str, Any]]] = {}
    for _, where, event in sheets.get(XLSX_EVENTS, []):
        try:
            events.setdefault(str(event.get("id", "")), []).append(_event_from_xlsx(event))
        except BadInput as e:
            problems.add((3, 0), where, str(e))
    actions = []
    for order, where, cells in sheets[XLSX_COMMITMENTS]:
        action = {k: v for k, v in cells.items() if k not in ("evidence", "fulfilled_by")}
        action.pop("evidence_on", None)
        proof = {
            "text": cells.get("evidence"),
            "fulfilled_by": cells.get("fulfilled_by"),
            "on": cells.get("evidence_on"),
        }
        if any(v is not None for v in proof.values()):
            action["evidence"] = proof
        action["deleted"] = cells.get("deleted") == "yes"
        action["notes"] = notes.pop(str(cells.get("id", "")), [])
        history = events.pop(str(cells.get("id", "")), [])
        if history:
            action["events"] = history
            # Empty cells read as None; the events' state has empty text there.
            for key in ("source", "created", "updated"):
                action[key] = action.get(key) or ""
        actions.append((order, where, action))
    for orphans in notes.values():
        for note in orphans:
            problems.add((2, 0), XLSX_NOTES, f"a note for no commitment in the file: {note}")
    return _Parsed(
        meetings=[(o, w, m) for o, w, m in sheets[XLSX_MEETINGS]],
        actions=actions,
    )


def _xlsx_records(
    book: Any, sheet: str, columns: tuple[str, ...], problems: _Problems
) -> list[tuple[tuple[int, int], str, dict[str, Any]]]:
    if sheet not in book.sheetnames:
        raise problems.fatal(
            f"no sheet '{sheet}' (an export has {XLSX_MEETINGS}, "
            f"{XLSX_COMMITMENTS} and {XLSX_NOTES})"
        )
    rows = book[sheet].iter_rows(values_only=True)
    header = [str(cell).strip().lower() if cell is not None else "" for cell in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    for name in header:
        if name not in columns:
            raise problems.fatal(
                f"unknown column '{name}' (columns: {', '.join(columns)})", f"{sheet} row 1"
            )
    section = (XLSX_MEETINGS, XLSX_COMMITMENTS, XLSX_NOTES, XLSX_EVENTS).index(sheet)
    records = []
    for number, cells in enumerate(rows, 2):
        if all(cell is None for cell in cells):
            continue
        record = {
            name: _xlsx_value(name, cell) for name, cell in zip(header, cells, strict=False) if name
        }
        records.append(((section, number), f"{sheet} row {number}", record))
    return records


def _xlsx_value(column: str, cell: Any) -> Any:
    """A cell as the JSON shape has it: dates in ISO form, lists split, text unescaped."""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        return cell if column == "seq" else str(cell)
    if cell is None:
        return [] if column in _XLSX_LISTS else None
    text = xlsx_unescape(str(cell))
    if column in _XLSX_LISTS:
        return [name for name in text.split("\n") if name.strip()]
    return text


#: What XML 1.0 cannot hold, so no spreadsheet cell can: written in Excel's own ``_xHHHH_``
#: escape (and a literal ``_xHHHH_`` with its underscore escaped), so export -> import is exact.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def xlsx_escape(text: str) -> str:
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def xlsx_unescape(text: str) -> str:
    return _XLSX_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


_NOT_UTF8 = "holds bytes that are not UTF-8 text; save the file as UTF-8 (in Excel: CSV UTF-8)"


def _not_utf8(cell: str) -> bool:
    try:
        cell.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _csv_action(cells: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row in the JSON action shape, so both forms go through one validator."""
    action: dict[str, Any] = {}
    evidence: dict[str, str] = {}
    for column, raw in cells.items():
        value = raw[1:] if _NEUTRALISED.match(raw) else raw
        if column in _CSV_IGNORED:
            continue
        if column in _CSV_LISTS:
            action[column] = [part for part in value.split(";") if part.strip()]
        elif not value.strip():
            continue
        elif column == "seq":
            number = value.strip()
            # isascii: int() also reads other scripts' digits, and ten digits bound it.
            digits = number.isascii() and number.isdigit() and len(number) <= 10
            action["seq"] = int(number) if digits else value
        elif column == "evidence":
            evidence["text"] = value
        elif column == "fulfilled_by":
            evidence["fulfilled_by"] = value
        elif column == "evidence_on":
            evidence["on"] = value
        elif column in ("id", "meeting", "kind", "status", "due", "created", "updated"):
            action[column] = value.strip()
        else:
            action[column] = value
    if evidence:
        action["evidence"] = {"text": evidence.get("text"), **evidence}
    return action


def _check_meetings(parsed: _Parsed, problems: _Problems) -> dict[str, Meeting]:
    meetings: dict[str, Meeting] = {}
    first_seen: dict[str, str] = {}
    for order, where, doc in parsed.meetings:
        if not isinstance(doc, dict):
            problems.add(order, where, "a meeting must be a JSON object")
            continue
        unknown = sorted(set(doc) - _MEETING_KEYS)
        missing = [k for k in ("key", "title", "date") if k not in doc]
        if unknown:
            problems.add(order, where, f"unknown field '{unknown[0]}'")
            continue
        if missing:
            problems.add(order, where, f"no '{missing[0]}'")
            continue
        try:
            meeting = meeting_from_dict(doc)
        except (BadInput, TypeError) as e:
            problems.add(order, where, str(e))
            continue
        if meeting.key in first_seen:
            problems.add(order, where, f"meeting '{meeting.key}' is also {first_seen[meeting.key]}")
            continue
        first_seen[meeting.key] = where
        meetings[meeting.key] = meeting
    return meetings


def _check_actions(
    parsed: _Parsed, problems: _Problems, progress: ProgressCallback | None, stamp: str
) -> list[_Row]:
    checker = _Checker(stamp)
    rows: list[_Row] = []
    ids: dict[str, str] = {}
    refs: dict[tuple[str, int], str] = {}
    total = len(parsed.actions)
    for n, (order, where, action) in enumerate(parsed.actions, 1):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
        try:
            row = checker.row(order, where, action)
        except (BadInput, KeyError, TypeError, ValueError) as e:
            problems.add(order, where, _reason(e))
            continue
        c = row.commitment
        if c.id in ids:
            problems.add(order, where, f"id {c.id} is also {ids[c.id]}")
            continue
        ids[c.id] = where
        if row.seq_given:
            if (c.meeting, c.seq) in refs:
                problems.add(order, where, f"{c.ref} is also {refs[(c.meeting, c.seq)]}")
                continue
            refs[(c.meeting, c.seq)] = where
        rows.append(row)
    if progress is not None:
        progress(total, total)
    return rows


def _reason(e: Exception) -> str:
    if isinstance(e, KeyError):
        return f"no '{e.args[0]}'"
    return str(e)


class _Checker:
    """Checks commitments one by one. Values that repeat from row to row (meeting keys, kinds,
    statuses, due periods, lists of owners) are parsed once and remembered: with
    ``model.commitment_from_dict`` per row, 100,000 rows took four times as long. A test keeps
    the two in agreement."""

    def __init__(self, stamp: str = "") -> None:
        #: When rows that do not say when they were recorded are taken to be recorded.
        self._stamp = stamp
        self._meetings: dict[str, str] = {}
        self._kinds: dict[str, Kind] = {}
        self._statuses: dict[str, Status] = {}
        self._periods: dict[str, DuePeriod] = {}
        self._names: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}

    def row(self, order: tuple[int, int], where: str, action: Any) -> _Row:
        if not isinstance(action, dict):
            raise TypeError("a commitment must be a JSON object")
        unknown = [key for key in action if key not in _ACTION_KEYS]
        if unknown:
            raise TypeError(f"unknown field '{unknown[0]}'")
        if "meeting" not in action:
            raise KeyError("meeting")
        meeting = _memo(self._meetings, _text_field(action, "meeting"), normalise_meeting_key)
        seq = _seq(action, meeting)
        raw_id = action.get("id")
        events = action.get("events")
        if events:  # an empty list, like none, is a state without its history
            if raw_id is None:
                raise KeyError("id")
            if not isinstance(events, list):
                raise TypeError("'events' must be a list")
            identity = (_uuid(raw_id), meeting, seq or 1)
            folded = fold(identity, [_event(i, e) for i, e in enumerate(events)])
            _check_derived(action, folded)
            fulfilled = folded.evidence.fulfilled_by if folded.evidence else None
            return _Row(order, where, folded, seq is not None, fulfilled)
        deleted = action.get("deleted", False)
        if not isinstance(deleted, bool):
            raise TypeError("'deleted' must be true or false")
        due = action.get("due")
        if due is not None and not isinstance(due, str):
            raise TypeError(f"'due' must be text like 'late 2015', not {type(due).__name__}")
        evidence, fulfilled_by = _evidence(action.get("evidence"))
        commitment = Commitment(
            id=_uuid(raw_id) if raw_id is not None else _row_id(action, meeting, seq),
            meeting=meeting,
            seq=seq or 1,
            text=require_text(_optional_text(action, "text")),
            kind=_memo(self._kinds, _optional_text(action, "kind") or Kind.AGREED, parse_kind),
            owners=self._clean(action, "owners", "owner"),
            support=self._clean(action, "support", "supporting party"),
            due=_memo(self._periods, due, parse_period) if due and due.strip() else None,
            status=_memo(
                self._statuses, _optional_text(action, "status") or Status.OPEN, parse_status
            ),
            source=_optional_text(action, "source"),
            notes=_notes(action.get("notes")),
            evidence=evidence,
            tags=self._clean(action, "tags", "tag"),
            created=_optional_text(action, "created"),
            updated=_optional_text(action, "updated"),
            deleted=deleted,
        )
        _check_due_by(action, commitment)
        # A state without its history (a CSV row, an older export): the events it stands for,
        # recorded now if the row does not say when.
        created = commitment.created or self._stamp
        dated = with_changes(commitment, created=created, updated=commitment.updated or created)
        commitment = fold((commitment.id, meeting, commitment.seq), legacy_events(dated))
        return _Row(order, where, commitment, seq is not None, fulfilled_by)

    def _clean(self, action: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
        value = action.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"'{key}' must be a list of names")
        return _memo(self._names, (what, tuple(value)), lambda k: clean_names(k[1], k[0]))


def _event(i: int, raw: Any) -> Any:
    try:
        return event_from_dict(raw)
    except (BadInput, TypeError, ValueError, KeyError) as e:
        raise BadInput(f"events[{i}]: {_reason(e)}") from None


def _check_derived(action: Mapping[str, Any], c: Commitment) -> None:
    """A row with events may repeat the state they add up to (an export does), but not
    contradict it: that would be a hand edit the import would silently drop."""
    derived = commitment_to_dict(c)
    for key in sorted(_DERIVED_KEYS & set(action)):
        given = _line_breaks_in(action[key])
        if given != derived[key] and not _kept_before_0_4(key, given, c):
            raise BadInput(
                f"'{key}' is {orjson.dumps(action[key]).decode()[:60]} but its events make it "
                f"{orjson.dumps(derived[key]).decode()[:60]}; change the events, or drop "
                "'events' to import the row as it stands"
            )


def _line_breaks_in(value: Any) -> Any:
    """A row's value with its texts' line ends as the record keeps them (``line_breaks``):
    an export made before 0.4 holds a pasted note's "\r\n" as typed, its events the same,
    and the events now read as line breaks."""
    if isinstance(value, str):
        return line_breaks(value)
    if isinstance(value, list):
        return [_line_breaks_in(v) for v in value]
    if isinstance(value, dict):
        return {k: _line_breaks_in(v) for k, v in value.items()}
    return value


def _kept_before_0_4(key: str, value: Any, c: Commitment) -> bool:
    """Before aghtrack 0.4 a reopened commitment kept the evidence of its closing in its
    state, and its exports say so: that evidence, the last a status change gave, is no
    contradiction (the events hold it, and the state made of them now leaves it out)."""
    if key != "evidence" or c.evidence is not None or c.status in CLOSED:
        return False
    given = [e.evidence for e in c.events if e.op is Op.STATUS and e.evidence is not None]
    last = given[-1] if given else None
    return last is not None and value == commitment_to_dict(c._replace(evidence=last))[key]


def _memo(cache: dict[K, V], key: K, parse: Callable[[K], V]) -> V:
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = parse(key)
        return value


def _optional_text(action: Mapping[str, Any], key: str) -> str:
    value = action.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"'{key}' must be text, not {type(value).__name__}")
    return unicode_text(value, key)


def _text_field(action: Mapping[str, Any], key: str) -> str:
    value = action[key]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"'{key}' must be text, not {type(value).__name__}")
    return value


def _seq(action: dict[str, Any], meeting: str) -> int | None:
    seq = action.get("seq")
    if seq is not None:
        check_seq(seq)
    ref = action.get("ref")
    if ref is None:
        return seq
    if not isinstance(ref, str):
        raise TypeError(f"'ref' must be text like 9.3, not {type(ref).__name__}")
    ref_meeting, _, ref_seq = ref.strip().lower().rpartition(".")
    if not (ref_seq.isascii() and ref_seq.isdigit() and len(ref_seq) <= 10):
        raise BadInput(f"'ref' {ref[:40]!r} is not a reference like 9.3")
    check_seq(int(ref_seq))
    if ref_meeting != meeting or (seq is not None and int(ref_seq) != seq):
        raise BadInput(f"'ref' {ref} does not match meeting {meeting}, number {seq}")
    return int(ref_seq)


def _uuid(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"'id' must be text, not {type(value).__name__}")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadInput(f"'id' {value!r} is not a UUID") from None


def _row_id(action: Mapping[str, Any], meeting: str, seq: int | None) -> str:
    """A stable id for a row given without one, so that importing the same file twice does not
    double it. Rows alike in meeting, number, source and text would share it, and are refused
    as duplicates, which they almost certainly are."""
    source = action.get("source")
    text = action.get("text")
    key = "\x1f".join(
        (
            meeting,
            str(seq or ""),
            source if isinstance(source, str) else "",
            text if isinstance(text, str) else "",
        )
    )
    return str(uuid.uuid5(_ROW_ID_NAMESPACE, key))


def _notes(notes: Any) -> tuple[Note, ...]:
    if notes is None:
        return ()
    if not isinstance(notes, list):
        raise TypeError("'notes' must be a list")
    built = []
    for i, note in enumerate(notes):
        if not isinstance(note, dict) or set(note) - _NOTE_KEYS:
            raise TypeError(f"notes[{i}] must be an object with on, by and text")
        if not isinstance(note.get("text"), str) or not note["text"].strip():
            raise BadInput(f"notes[{i}] has no text")
        if not isinstance(note.get("on"), str):
            raise BadInput(f"notes[{i}] has no date ('on')")
        by = note.get("by")
        if not isinstance(by, str | None):
            raise TypeError(f"notes[{i}]: 'by' must be text")
        built.append(
            Note(
                on=parse_date(note["on"]),
                by=normalise_name(by, "note author") if by else "",
                text=require_text(note["text"], "note"),
            )
        )
    return tuple(built)


def _evidence(evidence: Any) -> tuple[Evidence | None, str | None]:
    """The evidence, and the meeting it names as fulfilling the commitment (checked later
    against the store and the file)."""
    if evidence is None:
        return None, None
    if not isinstance(evidence, dict) or set(evidence) - _EVIDENCE_KEYS:
        raise TypeError("'evidence' must be an object with text, fulfilled_by and on")
    for field in _EVIDENCE_KEYS:
        if not isinstance(evidence.get(field), str | None):
            raise TypeError(f"evidence '{field}' must be text")
    on = evidence.get("on")
    fulfilled_by = evidence.get("fulfilled_by")
    meeting = normalise_meeting_key(fulfilled_by) if fulfilled_by is not None else None
    proof = Evidence(
        text=unicode_text(evidence["text"], "evidence") if evidence.get("text") else None,
        fulfilled_by=meeting,
        on=parse_date(on) if on else None,
    )
    return proof, meeting


def _check_due_by(action: Mapping[str, Any], c: Commitment) -> None:
    """``due_by`` is derived from ``due``; one edited without the other is a mistake to show."""
    due_by = action.get("due_by")
    if due_by is None:
        return
    expected = c.due.due_by.isoformat() if c.due else None
    if due_by != expected:
        raise BadInput(
            f"'due_by' {due_by} does not match 'due' {c.due.text if c.due else 'none'}"
            + (f" (which ends {expected})" if expected else "")
            + "; change 'due' and drop 'due_by'"
        )


def _against_store_meetings(
    snapshot: Snapshot, meetings: Mapping[str, Meeting]
) -> tuple[list[Meeting], int]:
    stored = {doc.get("key") for doc in snapshot.docs(MEETINGS).values()}
    new = [m for key, m in meetings.items() if key not in stored]
    return new, len(meetings) - len(new)


def _against_store_actions(
    snapshot: Snapshot,
    rows: Sequence[_Row],
    meetings: Mapping[str, Meeting],
    problems: _Problems,
) -> tuple[list[_Row], int]:
    """Rows not yet in the store, after checking their meetings and numbers against it."""
    known = {doc.get("key") for doc in snapshot.docs(MEETINGS).values()} | set(meetings)
    stored_ids: set[str] = set()
    stored_refs: dict[tuple[str, int], str] = {}
    for _, _, doc in snapshot.commitments():
        stored_ids.add(doc.get("id", ""))
        stored_refs[(doc.get("meeting", ""), doc.get("seq", 0))] = doc.get("id", "")
    new: list[_Row] = []
    present = 0
    for row in rows:
        c = row.commitment
        if c.id in stored_ids:
            present += 1
            continue
        if c.meeting not in known:
            problems.add(row.order, row.where, f"no meeting '{c.meeting}' in the store or file")
            continue
        if row.fulfilled_by is not None and row.fulfilled_by not in known:
            problems.add(
                row.order,
                row.where,
                f"fulfilled by meeting '{row.fulfilled_by}', which is in neither store nor file",
            )
            continue
        other = stored_refs.get((c.meeting, c.seq)) if row.seq_given else None
        if other is not None:
            problems.add(
                row.order,
                row.where,
                f"{c.ref} is already another commitment in the store (id {other})",
            )
            continue
        new.append(row)
    return new, present


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
