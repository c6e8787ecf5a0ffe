"""What a damaged store's files still tell: part of the store layer, used only by a restore
(``Store.restore``), so every other command's start-up skips its patterns.

A restored backup must never issue a reference again that was issued after it was taken, so a
restore raises the counters to the highest any source reached: every header, the counters
kept beside the store, and every number legible in the bytes of a damaged header, a backup or
a table file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import orjson

from .layout import JOURNAL, MAX_COUNTER, Doc, is_int


def merge_counters(meta: Doc, others: Iterator[Doc]) -> None:
    """Raise ``meta``'s reference and id counters to the highest any other copy reached, so
    that a restored backup never issues a number again."""
    for other in others:
        for counter in ("last_seq", "last_doc_id"):
            mine: dict[str, int] = meta.setdefault(counter, {})
            for key, value in other.get(counter, {}).items():
                if value > mine.get(key, 0):
                    mine[key] = value
        if int(other.get("generation", 0)) > int(meta.get("generation", 0)):
            meta["generation"] = int(other["generation"])


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
