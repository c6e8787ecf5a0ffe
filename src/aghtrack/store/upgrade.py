"""Reading stores written by earlier versions of aghtrack: part of the store layer.

Schema 1 kept every commitment in one table keyed by arbitrary ids and the journal in one
table; schema 2 keys commitments by number in per-meeting blocks (see ``layout``). An old
store is upgraded in memory when read and written in the new layout by its next change, its
journal rewritten to name the same documents so that ``undo`` still reverts changes made
before the upgrade. Until that change the file is untouched.
"""

from __future__ import annotations

from typing import Any

from .layout import (
    COMMITMENTS,
    JOURNAL,
    MEETINGS,
    SCHEMA,
    Doc,
    StoreDefect,
    Tables,
    commitments_table,
    is_int,
    journal_table,
    table_defect,
)

SCHEMA_1_TABLES = [MEETINGS, COMMITMENTS, JOURNAL]


def from_schema_1(old: Tables) -> Tables | StoreDefect:
    """A schema 1 store (one table of commitments keyed by arbitrary ids, one journal) in the
    current layout, its journal rewritten to name the same documents so undo still works.
    It is written in the new layout by the next change; until then the file is untouched."""
    for name in SCHEMA_1_TABLES:
        defect = table_defect(name, old.setdefault(name, {}))
        if defect is not None:
            return defect
    meta = {**old["meta"]["1"], "schema": SCHEMA}
    last_ids = {k: v for k, v in meta.get("last_doc_id", {}).items() if k != COMMITMENTS}
    tables: Tables = {"meta": {"1": meta}, MEETINGS: old[MEETINGS]}
    place: dict[str, tuple[str, int]] = {}

    def locate(doc: Any) -> tuple[str, int] | None:
        meeting, seq = (doc.get("meeting"), doc.get("seq")) if isinstance(doc, dict) else (0, 0)
        if isinstance(meeting, str) and is_int(seq):
            return commitments_table(meeting, seq), seq
        return None

    for doc_id, doc in old[COMMITMENTS].items():
        found = locate(doc)
        if found is None:
            return StoreDefect(f"commitment entry {doc_id} has no meeting and number")
        table = tables.setdefault(found[0], {})
        if str(found[1]) in table:
            return StoreDefect(f"two commitments are both {doc['meeting']}.{doc['seq']}")
        table[str(found[1])] = doc
        place[doc_id] = found
    entries = old[JOURNAL]
    for entry in entries.values():
        before = entry.get("before")
        images = before.get(COMMITMENTS) if isinstance(before, dict) else None
        if isinstance(images, dict):
            for doc_id, image in images.items():
                if (found := locate(image)) is not None:
                    place.setdefault(doc_id, found)
    for key, entry in entries.items():
        tables.setdefault(journal_table(int(key)), {})[key] = _entry_from_schema_1(entry, place)
    last_ids[JOURNAL] = max([last_ids.get(JOURNAL, 0), *map(int, entries)])
    meta["last_doc_id"] = last_ids
    return tables


def _entry_from_schema_1(entry: Doc, place: dict[str, tuple[str, int]]) -> Doc:
    created, before = entry.get("created"), entry.get("before")
    if not isinstance(created, dict) or not isinstance(before, dict):
        return entry  # malformed: left for doctor to report
    new_created: dict[str, list[Any]] = {}
    for table, ids in created.items():
        if table != COMMITMENTS or not isinstance(ids, list):
            new_created[table] = ids
            continue
        for doc_id in ids:
            # A document not found was created and later undone: nothing left to name.
            if (found := place.get(str(doc_id))) is not None:
                new_created.setdefault(found[0], []).append(found[1])
    new_before: dict[str, Any] = {}
    for table, images in before.items():
        if table != COMMITMENTS or not isinstance(images, dict):
            new_before[table] = images
            continue
        for doc_id, image in images.items():
            if (found := place.get(doc_id)) is not None:
                new_before.setdefault(found[0], {})[str(found[1])] = image
    return {**entry, "created": new_created, "before": new_before}
