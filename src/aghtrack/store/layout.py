"""How a store is laid out on disk, encoded, parsed and checked: part of the store layer.

Since schema 4 the store file (``store.json``) is one line: the ``meta`` header, whose index
names every table with its length, CRC-32 and the file that holds it in the folder beside the
store (``store.json.tables/``). Each table file is the table's JSON object, written once under a
new name and never changed, so a write adds only the tables it changed and renames a new
header over the old one: one note on a store of 100,000 commitments writes ~0.7 MB instead of
the whole 55 MB record (issue 16), and the header rename stays the single commit point. Older
stores (schemas 2 and 3) keep every table inline, one per line after the header; they are
read as they are and split by their next write.

Commitments live in one table per meeting and block of 500 numbers (``commitments/9/0`` holds
9.1-9.499, keyed by number), the journal in blocks of 200 entries, so listing meeting 9 of a
100,000-commitment store parses the header and one or two blocks instead of 55 MB. Every load
still reads every table file and checks its length and CRC, so damage anywhere is refused by
every command. Each table file is plain JSON that any JSON tool reads; a whole store file that
such a tool rewrote (or a schema 1 file) is read whole and split by the next write.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard

import orjson

from ..collector import no_gc
from ..errors import CorruptStore, NotUnicode
from .files import TABLES_SUFFIX, read_regular, read_regular_files, tables_folder

FORMAT = "aghtrack-store"
#: 3: commitments are kept as their dated events (``events``); a schema 2 document (a state
#: only) is read as the events it stands for, and rewritten as events when next changed.
#: 4: each table in a file of its own beside a one-line header (an older aghtrack must refuse
#: such a store rather than read its header as an empty record).
#: 5: a journal entry may record a change that only added events to a document by how many
#: events it had before (``appended``) rather than a whole copy of it (an older aghtrack,
#: whose undo would not know that form, must refuse such a store).
SCHEMA = 5

#: Commitment numbers per table block, and journal entries per block: small enough that a
#: change parses and rewrites a few hundred documents, large enough that the header stays short.
CHUNK = 500
JOURNAL_CHUNK = 200
COMMITMENTS = "commitments"
MEETINGS = "meetings"
JOURNAL = "journal"
Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]

_HEAD = b'{"meta":'
_LINE_END = b",\n"
_LAST_END = b"}\n"


def commitments_table(meeting: str, seq: int) -> str:
    """The table that holds commitment ``meeting.seq``, as its document ``seq``."""
    return f"{COMMITMENTS}/{meeting}/{seq // CHUNK}"


def journal_table(seq: int) -> str:
    return f"{JOURNAL}/{seq // JOURNAL_CHUNK}"


def table_kind(name: str) -> tuple[str, str, int] | None:
    """``(kind, meeting, block)`` of a table name, or None for a name aghtrack never writes."""
    if name == MEETINGS:
        return (MEETINGS, "", 0)
    kind, _, rest = name.partition("/")
    if kind == JOURNAL and rest.isascii() and rest.isdigit():
        return (JOURNAL, "", int(rest))
    if kind == COMMITMENTS:
        meeting, _, block = rest.rpartition("/")
        if meeting and block.isascii() and block.isdigit():
            return (COMMITMENTS, meeting, int(block))
    return None


def _empty_meta() -> Doc:
    return {"format": FORMAT, "schema": SCHEMA, "generation": 0, "last_seq": {}}


def sort_key(name: str) -> tuple[int, str, int]:
    kind = table_kind(name) or ("", name, 0)
    order = {MEETINGS: 0, COMMITMENTS: 1, JOURNAL: 2}.get(kind[0], 3)
    return (order, kind[1], kind[2])


class _Section:
    """Where a table's JSON lies (in the store file, or in a table file of its own), and its
    checksum. A plain slotted class: a dataclass costs every command's start-up ~0.5 ms."""

    __slots__ = ("crc", "file", "length", "offset")

    def __init__(self, offset: int, length: int, crc: int, file: str | None = None) -> None:
        self.offset = offset  # of the table's JSON value, from the start of the file (inline)
        self.length = length
        self.crc = crc
        self.file = file  # the table file's name in the tables folder, or None if inline


class SectionFile:
    """A store's tables as read at one instant: the header file read whole, and every table
    file it names read whole too, so the command sees one version even if a writer renames a
    new header in meanwhile, and holds no open file (which on Windows would stop that rename).
    Reading every byte costs little (every load checks every table's CRC anyway); parsing is
    what is deferred."""

    def __init__(
        self, path: Path, data: bytes, index: dict[str, _Section], files: dict[str, bytes]
    ) -> None:
        self.path = path
        self.data = memoryview(data)
        self._whole = data
        self.index = index
        self.files = files  # table name -> the bytes of its file (tables kept in files)

    def raw(self, name: str) -> memoryview:
        """The table's bytes as stored: checked once, by ``defect`` when the store was loaded
        (these bytes are that read, in memory, so they cannot have changed since)."""
        section = self.index[name]
        if section.file is not None:
            return memoryview(self.files[name])
        return self.data[section.offset : section.offset + section.length]

    def defect(self) -> StoreDefect | None:
        """What is wrong with any table, framing included, or None. Checked on every load: a
        damaged store is refused by every command, not only by those that happen to read the
        damaged table (measured ~35 ms for the 55 MB of 100,000 commitments; parsing them
        takes 0.35-0.5 s)."""
        names = list(self.index)
        for i, name in enumerate(names):
            section = self.index[name]
            value = self.raw(name)
            if section.file is not None:
                if len(value) != section.length:
                    return _damaged_section(name, bytes(value), cut=len(value) < section.length)
                if zlib.crc32(value) != section.crc:
                    return _damaged_section(name, bytes(value))
                continue
            label = orjson.dumps(name) + b":"
            end = _LINE_END if i < len(names) - 1 else _LAST_END
            if zlib.crc32(value) != section.crc:
                return _damaged_section(name, bytes(value))
            after = section.offset + section.length
            if not (
                self.data[section.offset - len(label) : section.offset] == label
                and self.data[after : after + 2] == end
            ):
                return StoreDefect(f"table '{name}' is not where its header says")
        return None

    def verify(self) -> None:
        found = self.defect()
        if found is not None:
            raise found.error(self.path)

    def may_mention(self, name: str, text: str) -> bool:
        """Whether table ``name``'s bytes may hold ``text`` as a JSON string: False only when
        they surely do not, so a reader may pass the table over without parsing it. Every
        table aghtrack reads here was encoded by ``dumps`` (orjson), which writes an ASCII
        string exactly as any JSON encoder does; other text is never ruled out."""
        if not text.isascii():
            return True
        needle = orjson.dumps(text)
        section = self.index[name]
        if section.file is not None:
            return needle in self.files[name]
        return self._whole.find(needle, section.offset, section.offset + section.length) >= 0

    def table(self, name: str) -> dict[str, Doc]:
        found = _table_from_bytes(name, self.raw(name))
        if isinstance(found, StoreDefect):
            raise found.error(self.path)
        return found


def read_table_files(index: dict[str, _Section], folder: Path) -> dict[str, bytes] | StoreDefect:
    """The bytes of every table file the index names, or what stops one being read."""
    if any(section.file is not None for section in index.values()) and not folder.is_dir():
        store = folder.name.removesuffix(TABLES_SUFFIX)
        return StoreDefect(
            f"its tables folder {folder.name} is missing: a store is {store} with that "
            "folder beside it, to be copied or moved together",
            missing=True,
        )
    tables = [(name, section.file) for name, section in index.items() if section.file is not None]
    found: dict[str, bytes] = {}
    read = read_regular_files(folder, [file for _, file in tables])
    for (name, file), (_, raw) in zip(tables, read, strict=True):
        if isinstance(raw, OSError):
            return _unreadable(name, folder, file, raw)
        found[name] = raw
    return found


def _unreadable(name: str, folder: Path, file: str, e: OSError) -> StoreDefect:
    if isinstance(e, FileNotFoundError):
        return StoreDefect(
            f"the file of table '{name}' ({folder.name}/{file}) is missing", missing=True
        )
    return StoreDefect(
        f"the file of table '{name}' ({folder.name}/{file}) cannot be read "
        f"({getattr(e, 'kind', None) or e.strerror or e})"
    )


class TableFileGone(Exception):
    """A table file the header names is not there: a writer may have removed it since the
    header was read (``Store.load`` then reads again), or it is damage."""

    def __init__(self, defect: StoreDefect) -> None:
        super().__init__(defect.detail)
        self.defect = defect


class LazyTables(dict[str, dict[str, Doc]]):
    """The store's tables as TinyDB sees them: each is parsed from the file on first use."""

    def __init__(self, loaded: Tables, source: SectionFile | None) -> None:
        super().__init__(loaded)
        self.source = source

    def __missing__(self, name: str) -> dict[str, Doc]:
        if self.source is None or name not in self.source.index:
            raise KeyError(name)
        table = self.source.table(name)
        self[name] = table
        return table

    def names(self) -> set[str]:
        """Every table in this version of the store, loaded or not (``meta`` aside)."""
        stored = set(self.source.index) if self.source is not None else set()
        return (stored | set(self)) - {"meta"}

    def get_table(self, name: str) -> dict[str, Doc]:
        """The table, or an empty dict if it does not exist (yet)."""
        return self[name] if name in self.names() else {}


class Snapshot:
    """The store's contents as read at one instant. Documents are keyed by TinyDB doc id."""

    def __init__(self, tables: LazyTables, missing: bool = False) -> None:
        self.tables = tables
        self.missing = missing

    @property
    def meta(self) -> Doc:
        return self.tables["meta"]["1"]

    @property
    def generation(self) -> int:
        return int(self.meta.get("generation", 0))

    def docs(self, table: str) -> dict[str, Doc]:
        return self.tables.get_table(table)

    def table_names(self, kind: str, meeting: str | None = None) -> list[str]:
        """Tables of one kind (and meeting), oldest block first."""
        found = []
        for name in self.tables.names():
            parts = table_kind(name)
            if parts and parts[0] == kind and (meeting is None or parts[1] == meeting):
                found.append(name)
        return sorted(found, key=sort_key)

    def commitments(self, meeting: str | None = None) -> Iterator[tuple[str, str, Doc]]:
        """``(table, doc id, document)`` of every commitment (of one meeting), deleted included."""
        for name in self.table_names(COMMITMENTS, meeting):
            for doc_id, doc in self.tables[name].items():
                yield name, doc_id, doc

    def commitments_of(self, meetings: Iterable[str]) -> Iterator[tuple[str, str, Doc]]:
        """``(meeting, doc id, document)`` of every commitment of these meetings, in their
        order, each table parsed, passed over and let go: a pass over much of a large record
        (the review paper) holds one table at a time, not 120 MB of them. A table asked for
        again later is parsed again from the bytes this snapshot was read from."""
        by_meeting: dict[str, list[str]] = {}
        for name in self.table_names(COMMITMENTS):
            kind = table_kind(name)
            if kind is not None:
                by_meeting.setdefault(kind[1], []).append(name)
        for meeting in meetings:
            for name in by_meeting.get(meeting, ()):
                for doc_id, doc in self.tables[name].items():
                    yield meeting, doc_id, doc
                self.tables.pop(name, None)

    def commitment(self, meeting: str, seq: int) -> tuple[str, Doc] | None:
        name = commitments_table(meeting, seq)
        doc = self.docs(name).get(str(seq))
        return (name, doc) if doc is not None else None

    def journal(self, mentioning: str | None = None) -> Iterator[tuple[int, Doc]]:
        """Journal entries, newest first. With ``mentioning`` (a table's name), a block of
        entries whose bytes never name that table is passed over unparsed: the history of one
        commitment costs what the blocks that touch its table hold, not the whole journal
        (a decade of changes)."""
        source = self.tables.source
        for name in reversed(self.table_names(JOURNAL)):
            if (
                mentioning is not None
                and name not in self.tables
                and source is not None
                and name in source.index
                and not source.may_mention(name, mentioning)
            ):
                continue
            docs = self.tables[name]
            for key in sorted(docs, key=int, reverse=True):
                yield int(key), docs[key]

    def materialise(self) -> Tables:
        """Every table, loaded (export, import, doctor)."""
        for name in self.tables.names():
            self.tables[name]
        return dict(self.tables)


def empty_tables() -> Tables:
    return {"meta": {"1": _empty_meta()}, MEETINGS: {}}


def open_tables(path: Path, raw: bytes) -> LazyTables:
    """The tables of a store file's bytes: the header and every table file's bytes now (each
    checked), each table parsed when first used."""
    header = _header_of(raw)
    if isinstance(header, StoreDefect):
        raise header.error(path)
    if header is None:
        # Not in the sectioned layout: an older store (schema 1), or one a JSON tool rewrote.
        return LazyTables(parse_store(raw, path), None)
    meta, index = header
    files = read_table_files(index, tables_folder(path))
    if isinstance(files, StoreDefect):
        if files.missing:
            raise TableFileGone(files)
        raise files.error(path)
    source = SectionFile(path, raw, index, files)
    source.verify()
    return LazyTables({"meta": {"1": meta}}, source)


def _header_of(raw: bytes) -> tuple[Doc, dict[str, _Section]] | StoreDefect | None:
    newline = raw.find(b"\n")
    first = raw[: newline + 1] if newline >= 0 else b""
    return _read_header(first, len(raw), lambda start, n: raw[start : start + n])


def _read_header(
    first: bytes, size: int, read_at: Callable[[int, int], bytes]
) -> tuple[Doc, dict[str, _Section]] | StoreDefect | None:
    """Meta and the place of every table from a sectioned store's first line; None if the file
    is not in that layout (it is then read whole)."""
    meta = _first_line_meta(first)
    if meta is None or ("sections" not in meta and TABLES not in meta):
        return None
    defect = _meta_defect(meta)
    if defect is not None:
        return defect
    if TABLES in meta:
        found = _table_files_index(meta)
        if isinstance(found, StoreDefect):
            return found
        index, position = found, len(first)
        if not first.endswith(_LAST_END):
            return StoreDefect("its header does not end the file")
    else:
        sections = meta.pop("sections")
        if not isinstance(sections, list):
            return StoreDefect("its table index is malformed")
        index = {}
        position = len(first)
        for entry in sections:
            if not (_index_entry_ok(entry, 3) and entry[0] not in index):
                return StoreDefect(f"its table index has a malformed entry {str(entry)[:60]}")
            name, length, crc = entry
            position += len(orjson.dumps(name)) + 1
            index[name] = _Section(position, length, crc)
            position += length + 2
        if first.endswith(_LAST_END) and index:
            return StoreDefect("its first line does not continue into its tables")
    if size < position:
        return StoreDefect("it is shorter than its header says (cut short?)")
    if size > position:
        tail = read_at(position, min(size - position, 1 << 16))
        if tail and not tail.strip(b"\x00"):
            return StoreDefect("it holds NUL bytes, as a file cut short by a crash does")
        return StoreDefect("it has bytes after its end (two files joined, or added to by hand?)")
    return meta, index


#: The header key that lists tables kept in files of their own: ``[name, length, crc, file]``.
TABLES = "tables"
#: A table file's name: only characters every filesystem keeps apart in any case, no folder;
#: it starts with a letter or digit and ends ``.json`` (tested as a set: compiling a pattern
#: cost ~0.1 ms of every command).
_FILE_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


def _file_name_ok(name: str) -> bool:
    return (
        6 <= len(name) <= 156
        and name.endswith(".json")
        and name[0] not in "._-"
        and _FILE_NAME_CHARS.issuperset(name)
    )


def _index_entry_ok(entry: Any, size: int) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == size
        and isinstance(entry[0], str)
        and table_kind(entry[0]) is not None
        and all(is_int(n) and n >= 0 for n in entry[1:3])
    )


def _table_files_index(meta: Doc) -> dict[str, _Section] | StoreDefect:
    entries = meta.pop(TABLES)
    if not isinstance(entries, list) or "sections" in meta:
        return StoreDefect("its table index is malformed")
    index: dict[str, _Section] = {}
    for entry in entries:
        if not (
            _index_entry_ok(entry, 4)
            and entry[0] not in index
            and isinstance(entry[3], str)
            and _file_name_ok(entry[3])
        ):
            return StoreDefect(f"its table index has a malformed entry {str(entry)[:60]}")
        name, length, crc, file = entry
        index[name] = _Section(0, length, crc, file)
    return index


def referenced_files(path: Path) -> set[str] | None:
    """The table files a store or backup header names, or None if its header is unreadable
    (its files are then kept: they may be all that is left of that version)."""
    meta = _first_line_meta(_first_line(path))
    if meta is None:
        return None
    entries = meta.get(TABLES, [])
    if not isinstance(entries, list):
        return None
    return {e[3] for e in entries if isinstance(e, list) and len(e) == 4 and isinstance(e[3], str)}


def table_crcs(meta: Doc) -> dict[str, int]:
    """Each table's CRC-32 as a header (``header_meta``) lists it, whichever layout."""
    entries = meta.get(TABLES, meta.get("sections"))
    if not isinstance(entries, list):
        return {}
    return {
        str(e[0]): int(e[2])
        for e in entries
        if isinstance(e, list) and len(e) >= 3 and is_int(e[2])
    }


def header_meta(path: Path) -> Doc | None:
    """The ``meta`` header of a store file in the sectioned layout, even if its tables are
    damaged or cut short, or None. Its counters are evidence of the numbers already issued."""
    meta = _first_line_meta(_first_line(path))
    return meta if meta is not None and _meta_defect(meta) is None else None


def _first_line(path: Path) -> bytes:
    """A store file's first line (its header), or nothing if it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.readline(1 << 24)
    except OSError:
        return b""


def _first_line_meta(first: bytes) -> Doc | None:
    """The meta document on a sectioned store's first line, unchecked, or None."""
    if not first.startswith(_HEAD) or not first.endswith((_LINE_END, _LAST_END)):
        return None
    try:
        meta_table = orjson.loads(first[len(_HEAD) : -2])
    except orjson.JSONDecodeError:
        return None
    meta = meta_table.get("1") if isinstance(meta_table, dict) else None
    return meta if isinstance(meta, dict) else None


def counters_json(meta: Doc) -> bytes:
    """The counters of ``meta`` as kept beside the store (see ``StoreFiles.counters_path``)."""
    return dumps({k: meta[k] for k in ("last_seq", "last_doc_id", "generation") if k in meta})


#: No counter legible in a damaged file is believed above this (a garbled digit would
#: otherwise push the next reference to the billions).
MAX_COUNTER = 10**9


def _damaged_section(name: str, data: bytes, *, cut: bool = False) -> StoreDefect:
    if b"\x00" in data:
        return StoreDefect("it holds NUL bytes, as a file cut short by a crash does")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return StoreDefect("not UTF-8 text")
    if cut:
        return StoreDefect(f"table '{name}' is shorter than its header says (cut short?)")
    return StoreDefect(
        f"table '{name}' does not match its checksum: changed outside aghtrack, or damaged"
    )


def _table_from_bytes(name: str, data: bytes | memoryview) -> dict[str, Doc] | StoreDefect:
    try:
        table = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        if "not valid UTF-8" in str(e):
            return StoreDefect("not UTF-8 text")
        return StoreDefect(f"table '{name}' is not valid JSON: {e}")
    return table_defect(name, table) or table


def table_defect(name: str, table: Any) -> StoreDefect | None:
    if not isinstance(table, dict):
        return StoreDefect(f"table '{name}' is not an object but {_json_type(table)}")
    for doc_id, doc in table.items():
        if not (doc_id.isascii() and doc_id.isdigit()) or not isinstance(doc, dict):
            return StoreDefect(f"table '{name}' has a malformed entry '{doc_id}'")
    return None


def dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError as e:
        # The model refuses undecodable text at entry; this is the net under every other path.
        raise NotUnicode(
            f"Nothing was written: the change holds text that is not UTF-8 ({e})."
        ) from None


class Encoded:
    """A store version to write: its one-line header, and the table files it names that are
    not on disk yet (``name -> bytes``)."""

    __slots__ = ("files", "header")

    def __init__(self, header: bytes, files: dict[str, bytes]) -> None:
        self.header = header
        self.files = files


def encode(tables: LazyTables) -> Encoded:
    """The store for ``tables``: a table loaded in this command and changed is serialised into a
    new file; every other table keeps the file it is in (or, read from an older one-file store,
    gets one), so a write's disk traffic grows with the change, not with the record."""
    source = tables.source
    meta = tables["meta"]["1"]
    generation = int(meta.get("generation", 0))
    entries: list[list[Any]] = []
    files: dict[str, bytes] = {}
    for name in sorted(tables.names(), key=sort_key):
        kept = source.index.get(name) if source is not None else None
        stored = source.raw(name) if source is not None and kept is not None else None
        if name in tables:
            if not tables[name] and name != MEETINGS:
                continue  # emptied (an undone first insert): nothing to keep
            data: bytes | memoryview = dumps(tables[name])
            # Compared as bytes: comparing memoryviews goes item by item (~3 ms a MB).
            unchanged = stored is not None and bytes(stored) == data
        else:
            assert stored is not None  # a table not loaded is one the file holds
            data, unchanged = stored, True
        if unchanged and kept is not None and kept.file is not None:
            entries.append([name, kept.length, kept.crc, kept.file])
            continue
        crc = zlib.crc32(data)
        file = table_file_name(name, generation, crc)
        files[file] = bytes(data)
        entries.append([name, len(data), crc, file])
    header = _HEAD + dumps({"1": {**meta, TABLES: entries}}) + _LAST_END
    return Encoded(header, files)


def table_file_name(table: str, generation: int, crc: int) -> str:
    """A new file's name for ``table`` in version ``generation``: readable where the meeting
    key allows (``commitments-9-0.17.1a2b3c4d.json``), never a path, and the same on a
    filesystem that ignores case, whatever the key."""
    kind = table_kind(table) or (table, "", 0)
    if kind[0] == COMMITMENTS:
        key = kind[1]
        if not (0 < len(key) <= 40 and _PLAIN_KEY_CHARS.issuperset(key)):
            import hashlib  # ~4 ms to import, and only odd meeting keys need it

            # A plain key has no '-', so no plain key can give this name.
            key = "x-" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
        stem = f"commitments-{key}-{kind[2]}"
    elif kind[0] == JOURNAL:
        stem = f"journal-{kind[2]}"
    else:
        stem = MEETINGS
    return f"{stem}.{generation}.{crc:08x}.json"


#: A meeting key used as it is in a file's name (any other is hashed).
_PLAIN_KEY_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz_")


def serialise(tables: Tables) -> bytes:
    """A whole store in one file, every table inline, for fully loaded ``tables``: the layout
    of schemas 2 and 3, which every later aghtrack reads (tests, benchmarks, migration)."""
    parts = [
        (name, dumps(tables[name]))
        for name in sorted(tables, key=sort_key)
        if name != "meta" and (tables[name] or name == MEETINGS)
    ]
    sections = [[name, len(data), zlib.crc32(data)] for name, data in parts]
    meta = {**tables["meta"]["1"], "sections": sections}
    meta.pop(TABLES, None)
    out = [_HEAD + dumps({"1": meta}) + (_LINE_END if parts else _LAST_END)]
    for i, (name, data) in enumerate(parts):
        out += [orjson.dumps(name) + b":", data, _LINE_END if i < len(parts) - 1 else _LAST_END]
    return b"".join(out)


class StoreDefect(NamedTuple):
    """What is wrong with a store file, for a person; ``newer`` when a later aghtrack wrote it
    (not damage: restoring a backup over it would lose that version's changes)."""

    detail: str
    newer: bool = False
    missing: bool = False  # a table file the header names is not there (see ``Store.load``)
    #: Not a store at all but a file of aghtrack's of another kind (an export given as
    #: ``--db``): nothing to mend or restore, only to say what it is.
    foreign: bool = False

    def error(self, path: Path) -> CorruptStore:
        if self.foreign:
            return CorruptStore(path, f"{self.detail}; it was left untouched")
        if self.newer:
            return CorruptStore(
                path, f"{self.detail}; upgrade aghtrack to use it. It was left untouched"
            )
        return CorruptStore(
            path,
            f"not a valid aghtrack store ({self.detail}); it was left untouched. "
            "'aghtrack doctor' checks it and can restore a backup",
        )


def parse_store(raw: bytes, path: Path) -> Tables:
    """Parse and check a whole store (the header ``raw`` of ``path``, and its table files);
    refuse anything we did not write."""
    found = read_store_bytes(raw, tables_folder(path))
    if isinstance(found, StoreDefect):
        raise found.error(path)
    return found


def read_store_file(path: Path, folder: Path | None = None) -> Tables | StoreDefect:
    """Every table of the store (or backup) file ``path``, whose table files are in ``folder``
    (by default the store's own), or what is wrong with it."""
    try:
        raw = read_regular(path)
    except OSError as e:
        return StoreDefect(f"cannot be read ({getattr(e, 'kind', None) or e.strerror or e})")
    return read_store_bytes(raw, folder or tables_folder(path))


def read_store_bytes(raw: bytes, folder: Path | None = None) -> Tables | StoreDefect:
    """Every table in a store file's bytes ``raw`` (whatever layout and schema it was written
    with; table files are looked for in ``folder``), or what is wrong with it. Shape only: the
    documents themselves are checked by whoever reads them, and by ``aghtrack doctor``."""
    with no_gc():
        header = _header_of(raw)
        if isinstance(header, StoreDefect):
            return header
        if header is not None:
            return _sectioned_tables(raw, *header, folder)
        return _whole_tables(raw)


def _sectioned_tables(
    raw: bytes, meta: Doc, index: dict[str, _Section], folder: Path | None
) -> Tables | StoreDefect:
    files: dict[str, bytes] = {}
    if any(section.file is not None for section in index.values()):
        if folder is None:
            return StoreDefect("its tables are in files of their own, and none was given")
        read = read_table_files(index, folder)
        if isinstance(read, StoreDefect):
            return read
        files = read
    source = SectionFile(Path(), raw, index, files)
    defect = source.defect()
    if defect is not None:
        return defect
    tables: Tables = {"meta": {"1": meta}}
    for name in index:
        found = _table_from_bytes(name, source.raw(name))
        if isinstance(found, StoreDefect):
            return found
        tables[name] = found
    return tables


def _whole_tables(raw: bytes) -> Tables | StoreDefect:
    try:
        tables = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        if "not valid UTF-8" in str(e):
            return StoreDefect("not UTF-8 text")
        if not raw.strip():
            return StoreDefect("the file is empty")
        if b"\x00" in raw:
            # What a crash on some filesystems, or a full disk, leaves in a file written in place.
            return StoreDefect("it holds NUL bytes, as a file cut short by a crash does")
        return StoreDefect(f"not valid JSON: {e}")
    if not isinstance(tables, dict):
        return StoreDefect(f"expected a JSON object, found {_json_type(tables)}")
    if tables.get("format") == "aghtrack" and "actions" in tables:
        return StoreDefect(
            "it is an aghtrack export (what 'aghtrack export' writes): put it in a store "
            "with 'aghtrack import FILE'",
            foreign=True,
        )
    meta = tables.get("meta", {}).get("1") if isinstance(tables.get("meta"), dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return StoreDefect("it has no aghtrack header")
    defect = _meta_defect(meta)
    if defect is not None:
        return defect
    if TABLES in meta:
        # Its tables are in files of their own and this header no longer lists them on one
        # line: read as it stands it would be an empty record, so it is refused instead.
        return StoreDefect("its header was rewritten by another program")
    meta.pop("sections", None)  # a JSON tool rewrote the file: the byte ranges are stale
    if meta["schema"] == 1:
        from .upgrade import from_schema_1  # only old stores need it

        return from_schema_1(tables)
    for name in tables:
        if name == "meta":
            continue
        if table_kind(name) is None:
            return StoreDefect(f"it has a table aghtrack does not know, '{name[:40]}'")
        defect = table_defect(name, tables[name])
        if defect is not None:
            return defect
    return tables


def _meta_defect(meta: Doc) -> StoreDefect | None:
    if meta.get("format") != FORMAT:
        return StoreDefect("it has no aghtrack header")
    schema = meta.get("schema")
    if not is_int(schema):
        return StoreDefect("its schema version is missing")
    if schema > SCHEMA:
        return StoreDefect(
            f"written by a newer aghtrack (schema {schema}; this version reads up to {SCHEMA})",
            newer=True,
        )
    if schema < 1:
        return StoreDefect(f"unknown schema version {schema}")
    if "generation" in meta and not is_int(meta["generation"]):
        return StoreDefect("its generation counter is not a whole number")
    for counter in ("last_seq", "last_doc_id"):
        value = meta.get(counter, {})
        if not isinstance(value, dict) or not all(is_int(v) for v in value.values()):
            return StoreDefect(f"its '{counter}' counters are malformed")
    return None


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", int: "a number", float: "a number"}
    names |= {bool: "true/false", type(None): "null", dict: "an object"}
    return names.get(type(value), type(value).__name__)
