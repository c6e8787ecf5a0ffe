"""From a statement's blocks to its outcome units, each with the label an officer cites.

A unit is what one commitment at most is drafted from: a bullet, a numbered paragraph, or one
sub-item of a paragraph that lists several ("Requests the Executive Secretary: (a) to ...;
(b) to ..."), the lead-in then being part of each sub-item's text so that it still says who
asked whom. Bullets are counted through the whole statement (``bullet 3``); numbered paragraphs
keep their own numbers (``paragraph 4``, ``paragraph 3(b)``); plain paragraphs are counted
(``paragraph 2``) unless the statement numbers its paragraphs, when an unnumbered one is named
by the paragraph it follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .read import Block


@dataclass(frozen=True)
class Unit:
    source: str
    text: str


#: A paragraph that lists its sub-items inline: "...: (a) to prepare ...; (b) to report ...".
_INLINE_ITEM = re.compile(r"(?:(?<=[:;,])|(?<=;\sand)|(?<=[:;,]\s))\s*\(([a-z]|[ivx]{1,4})\)\s+")


def outcome_units(blocks: list[Block]) -> list[Unit]:
    numbered = any(b.style == "number" for b in blocks)
    units: list[Unit] = []
    bullets = paragraphs = last_number = 0
    top = ""  # "bullet 3" or "paragraph 4": what sub-items hang from
    top_pending: Unit | None = None  # held until we know whether sub-items follow
    top_lead = ""  # the top item's text once it turned out to be a lead-in
    letter = ""
    letter_pending: Unit | None = None
    letter_lead = ""

    def flush() -> None:
        nonlocal top_pending, letter_pending
        if top_pending is not None:
            units.extend(_inline_items(top_pending))
        if letter_pending is not None:
            units.append(letter_pending)
        top_pending = letter_pending = None

    for block in blocks:
        style, label = block.style, block.label
        if style == "roman" and label == "i" and letter == "h":
            style = "letter"  # (i) after (h) is a letter, not one
        if style == "heading":
            flush()
            top, top_lead, letter, letter_lead = "", "", "", ""
            continue
        if style in ("letter", "roman") and top:
            if top_pending is not None:
                top_lead, top_pending = top_pending.text, None
            if style == "roman" and letter:
                if letter_pending is not None:
                    letter_lead, letter_pending = letter_pending.text, None
                units.append(
                    Unit(f"{top}({letter})({label})", _join([top_lead, letter_lead], block.text))
                )
                continue
            if letter_pending is not None:
                units.append(letter_pending)
            letter, letter_lead = label, ""
            letter_pending = Unit(f"{top}({label})", _join([top_lead], block.text))
            continue
        flush()
        top_lead, letter, letter_lead = "", "", ""
        if style == "bullet":
            bullets += 1
            top = f"bullet {bullets}"
        elif style == "number":
            number = int(label) if label.isdigit() else last_number + 1
            if number <= last_number and label == "1":
                number = last_number + 1  # Markdown lists written "1." throughout
            last_number = number
            top = f"paragraph {number}"
        elif style in ("letter", "roman"):
            units.append(Unit(f"item ({label})", block.text))
            top = ""
            continue
        else:
            paragraphs += 1
            numbered_before = numbered and last_number
            top = f"after paragraph {last_number}" if numbered_before else f"paragraph {paragraphs}"
        top_pending = Unit(top, block.text)
    flush()
    return units


def _join(chapeau: list[str], text: str) -> str:
    """A sub-item read with its lead-in: "Requests the Secretariat: to prepare ...;" ->
    "Requests the Secretariat to prepare ...". Only the joining punctuation is dropped."""
    lead = " ".join(c.rstrip().rstrip(":—–-").rstrip() for c in chapeau)
    item = re.sub(r"(?:;|,|;\s*and|;\s*or|,\s*and)\s*$", "", text.strip()).strip()
    if item.endswith((":",)):
        item = item[:-1]
    if not lead:
        return item
    if item[:3] in ("To ", "That") and not item.startswith("That "):
        item = item[0].lower() + item[1:]
    if item.startswith("To "):
        item = "to " + item[3:]
    return f"{lead} {item}"


def _inline_items(unit: Unit) -> list[Unit]:
    """A paragraph holding "(a) ...; (b) ..." after a colon is split into one unit per item."""
    text = unit.text
    matches = list(_INLINE_ITEM.finditer(text))
    letters = [m[1] for m in matches]
    if len(matches) < 2 or letters[0] not in ("a", "i") or ":" not in text[: matches[0].start()]:
        return [unit]
    lead = text[: matches[0].start()].strip()
    found: list[Unit] = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        item = text[m.end() : end].strip()
        found.append(Unit(f"{unit.source}({m[1]})", _join([lead], item)))
    return found
