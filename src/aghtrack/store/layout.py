"""How a store file is laid out on disk, encoded, parsed and checked: part of the store layer.

The file is one JSON object of TinyDB tables (schema 2), laid out so that a command reads only
the tables it needs. Commitments live in one table per meeting and block of 500 numbers
(``commitments/9/0`` holds 9.1-9.499, keyed by number), the journal in blocks of 200 entries.
The first line is the ``meta`` table, whose header lists every other table's length and CRC-32;
each of those tables is then one line. Listing meeting 9 of a 100,000-commitment store parses
the header and one or two blocks instead of 48 MiB (measured: 0.35 s and ~350 MiB for the
whole file). Every load still checks every table's CRC and framing, so damage anywhere is
refused by every command; a write copies the tables it did not touch byte for byte. Any JSON
tool, TinyDB's own JSONStorage included, still reads the file whole, and a file such a tool
rewrote (or a schema 1 file) is read whole and put back in this layout by the next write.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import orjson

from ..errors import CorruptStore, NotUnicode

FORMAT = "aghtrack-store"
#: 3: commitments are kept as their dated events (``events``); a schema 2 document (a state
#: only) is read as the events it stands for, and rewritten as events when next changed.
SCHEMA = 3
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


@dataclass(frozen=True)
class _Section:
    """Where a table's JSON lies in the store file, and its checksum."""

    offset: int  # of the table's JSON value, from the start of the file
    length: int
    crc: int


class SectionFile:
    """A store file in the sectioned layout, read whole at one instant: the command sees one
    version even if a writer renames a new one in meanwhile, and holds no open file (which on
    Windows would stop that rename). Reading every byte costs nothing extra, as every load
    checks every table's CRC anyway; parsing is what is deferred."""

    def __init__(self, path: Path, data: bytes, index: dict[str, _Section]) -> None:
        self.path = path
        self.data = memoryview(data)
        self.index = index

    def raw(self, name: str) -> memoryview:
        """The table's bytes as stored: checked once, by ``defect`` when the file was loaded
        (these bytes are that read, in memory, so they cannot have changed since)."""
        section = self.index[name]
        return self.data[section.offset : section.offset + section.length]

    def defect(self) -> StoreDefect | None:
        """What is wrong with any table, framing included, or None. Checked on every load: a
        damaged store is refused by every command, not only by those that happen to read the
        damaged table, so damage is found while the backups still hold a good copy (measured
        ~35 ms for a 48 MiB store of 100,000 commitments; parsing it whole takes 0.35-0.5 s)."""
        names = list(self.index)
        for i, name in enumerate(names):
            section = self.index[name]
            label = orjson.dumps(name) + b":"
            end = _LINE_END if i < len(names) - 1 else _LAST_END
            value = self.raw(name)
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

    def table(self, name: str) -> dict[str, Doc]:
        found = _table_from_bytes(name, self.raw(name))
        if isinstance(found, StoreDefect):
            raise found.error(self.path)
        return found


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

    def commitment(self, meeting: str, seq: int) -> tuple[str, Doc] | None:
        name = commitments_table(meeting, seq)
        doc = self.docs(name).get(str(seq))
        return (name, doc) if doc is not None else None

    def journal(self) -> Iterator[tuple[int, Doc]]:
        """Journal entries, newest first."""
        for name in reversed(self.table_names(JOURNAL)):
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


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while parsing many small acyclic objects: its
    repeated scans otherwise cost more than the parse (measured: 1.2 s instead of 0.35 s for
    100,000 commitments)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def open_tables(path: Path, raw: bytes) -> LazyTables:
    """The tables of a store file's bytes: the header now, each table when first used."""
    header = _header_of(raw)
    if isinstance(header, StoreDefect):
        raise header.error(path)
    if header is None:
        # Not in the sectioned layout: an older store (schema 1), or one a JSON tool rewrote.
        return LazyTables(parse_store(raw, path), None)
    meta, index = header
    source = SectionFile(path, raw, index)
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
    if meta is None or "sections" not in meta:
        return None
    defect = _meta_defect(meta)
    if defect is not None:
        return defect
    sections = meta.pop("sections")
    if not isinstance(sections, list):
        return StoreDefect("its table index is malformed")
    index: dict[str, _Section] = {}
    position = len(first)
    for entry in sections:
        if not (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], str)
            and table_kind(entry[0]) is not None
            and entry[0] not in index
            and all(is_int(n) and n >= 0 for n in entry[1:])
        ):
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


def header_meta(path: Path) -> Doc | None:
    """The ``meta`` header of a store file in the sectioned layout, even if its tables are
    damaged or cut short, or None. Its counters are evidence of the numbers already issued."""
    try:
        with open(path, "rb") as f:
            first = f.readline(1 << 24)
    except OSError:
        return None
    meta = _first_line_meta(first)
    return meta if meta is not None and _meta_defect(meta) is None else None


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


def merge_counters(meta: Doc, others: Iterator[Doc]) -> bool:
    """Raise ``meta``'s reference and id counters to the highest any other copy reached, so
    that a restored backup never issues a number again. Returns whether anything moved."""
    moved = False
    for other in others:
        for counter in ("last_seq", "last_doc_id"):
            mine: dict[str, int] = meta.setdefault(counter, {})
            for key, value in other.get(counter, {}).items():
                if value > mine.get(key, 0):
                    mine[key] = value
                    moved = True
        if int(other.get("generation", 0)) > int(meta.get("generation", 0)):
            meta["generation"] = int(other["generation"])
            moved = True
    return moved


def counters_json(meta: Doc) -> bytes:
    """The counters of ``meta`` as kept beside the store (see ``StoreFiles.counters_path``)."""
    return dumps({k: meta[k] for k in ("last_seq", "last_doc_id", "generation") if k in meta})


#: A commitment's reference, a table's name and a counters object, as they appear in the
#: bytes of a store, a backup or a counters file: legible even when the file is not.
_REF = re.compile(rb'"ref":"((?:[^"\\]|\\.){1,200})\.(\d{1,10})"')
_CREATED = re.compile(rb'"commitments/((?:[^"\\]|\\.){1,200})/\d{1,10}":\[([\d,]{1,100000})\]')
_JOURNAL_ID = re.compile(rb'"(\d{1,10})":\{"at":')
_COUNTERS = re.compile(rb'"(last_seq|last_doc_id)":(\{[^{}]{0,100000}\})')


def counters_in(raw: bytes) -> Doc:
    """The highest counters legible anywhere in a file's bytes, however damaged: each
    commitment's reference, each journal block's first entry, and any counters object. A
    restore takes them with the other sources, so a number is never issued twice."""
    last_seq: dict[str, int] = {}
    last_doc_id: dict[str, int] = {}

    def raise_to(counters: dict[str, int], key: str, value: int) -> None:
        if value > counters.get(key, 0):
            counters[key] = value

    def meeting(quoted: bytes) -> str | None:
        try:
            key = orjson.loads(b'"' + quoted + b'"')
        except orjson.JSONDecodeError:
            return None
        return key if isinstance(key, str) else None

    for m in _REF.finditer(raw):
        if (key := meeting(m[1])) is not None and int(m[2]) <= MAX_COUNTER:
            raise_to(last_seq, key, int(m[2]))
    for m in _CREATED.finditer(raw):
        numbers = [int(n) for n in m[2].split(b",") if n]
        if (key := meeting(m[1])) is not None and numbers and max(numbers) <= MAX_COUNTER:
            raise_to(last_seq, key, max(numbers))
    for m in _JOURNAL_ID.finditer(raw):
        if int(m[1]) <= MAX_COUNTER:
            raise_to(last_doc_id, JOURNAL, int(m[1]))
    for m in _COUNTERS.finditer(raw):
        try:
            found = orjson.loads(m[2])
        except orjson.JSONDecodeError:
            continue
        target = last_seq if m[1] == b"last_seq" else last_doc_id
        for key, value in found.items() if isinstance(found, dict) else ():
            if is_int(value) and 0 < value <= MAX_COUNTER:
                raise_to(target, key, value)
    return {"last_seq": last_seq, "last_doc_id": last_doc_id}


#: No counter legible in a damaged file is believed above this (a garbled digit would
#: otherwise push the next reference to the billions).
MAX_COUNTER = 10**9


def _damaged_section(name: str, data: bytes) -> StoreDefect:
    if b"\x00" in data:
        return StoreDefect("it holds NUL bytes, as a file cut short by a crash does")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return StoreDefect("not UTF-8 text")
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


def encode(tables: LazyTables) -> Iterator[bytes | memoryview]:
    """The store file for ``tables``, in pieces: tables loaded in this command are serialised,
    the others copied from the file they came from once their CRC has been checked."""
    source = tables.source
    parts: list[tuple[str, bytes | None, int, int]] = []
    for name in sorted(tables.names(), key=sort_key):
        if name in tables:
            table = tables[name]
            if not table and name != MEETINGS:
                continue  # emptied (an undone first insert): nothing to keep
            data = dumps(table)
            parts.append((name, data, len(data), zlib.crc32(data)))
        else:
            assert source is not None
            section = source.index[name]
            parts.append((name, None, section.length, section.crc))
    meta = {**tables["meta"]["1"], "sections": [[name, n, crc] for name, _, n, crc in parts]}
    head = _HEAD + dumps({"1": meta}) + (_LINE_END if parts else _LAST_END)

    def pieces() -> Iterator[bytes | memoryview]:
        yield head
        for i, (name, data, _, _) in enumerate(parts):
            yield orjson.dumps(name) + b":"
            yield data if data is not None else source.raw(name)  # type: ignore[union-attr]
            yield _LINE_END if i < len(parts) - 1 else _LAST_END

    return pieces()


def serialise(tables: Tables) -> bytes:
    """A whole store file for fully loaded ``tables`` (tests, benchmarks, migration)."""
    return b"".join(encode(LazyTables(copy.copy(tables), None)))


@dataclass(frozen=True)
class StoreDefect:
    """What is wrong with a store file, for a person; ``newer`` when a later aghtrack wrote it
    (not damage: restoring a backup over it would lose that version's changes)."""

    detail: str
    newer: bool = False

    def error(self, path: Path) -> CorruptStore:
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
    """Parse and check a whole store file; refuse anything we did not write."""
    found = read_store_bytes(raw)
    if isinstance(found, StoreDefect):
        raise found.error(path)
    return found


def read_store_bytes(raw: bytes) -> Tables | StoreDefect:
    """Every table in a store file (in the current layout, whatever schema it was written
    with), or what is wrong with it. Shape only: the documents themselves are checked by
    whoever reads them, and by ``aghtrack doctor``."""
    with no_gc():
        header = _header_of(raw)
        if isinstance(header, StoreDefect):
            return header
        if header is not None:
            return _sectioned_tables(raw, *header)
        return _whole_tables(raw)


def _sectioned_tables(raw: bytes, meta: Doc, index: dict[str, _Section]) -> Tables | StoreDefect:
    source = SectionFile(Path(), raw, index)
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
    meta = tables.get("meta", {}).get("1") if isinstance(tables.get("meta"), dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return StoreDefect("it has no aghtrack header")
    defect = _meta_defect(meta)
    if defect is not None:
        return defect
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
