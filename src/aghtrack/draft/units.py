"""From a statement's blocks to its outcome units, each with the label an officer cites.

A unit is what one commitment at most is drafted from: a bullet, a numbered paragraph, or one
sub-item of a paragraph that lists several ("Requests the Executive Secretary: (a) to ...;
(b) to ..."), the lead-in then being part of each sub-item's text so that it still says who
asked whom. Bullets are counted through the whole statement (``bullet 3``); numbered paragraphs
keep their own numbers (``paragraph 4``, ``paragraph 3(b)``), and so do the rows of an action
table (``action 2``, counted when the table does not number them); plain paragraphs are counted
(``paragraph 2``) unless the statement numbers its paragraphs, when an unnumbered one is named
by the paragraph it follows (or, in a title or preamble, precedes): counted, it would take a
number the statement gives another paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .read import Block, leads_in, roman_numeral


@dataclass(frozen=True)
class Unit:
    source: str
    text: str


#: A paragraph that lists its sub-items inline: "...: (a) to prepare ...; (b) to report ...".
_INLINE_ITEM = re.compile(r"(?:(?<=[:;,])|(?<=;\sand)|(?<=[:;,]\s))\s*\(([a-z]|[ivx]{1,4})\)\s+")


def outcome_units(blocks: list[Block]) -> list[Unit]:
    first_number = next((b.label for b in blocks if b.style == "number"), "")
    numbered = bool(first_number)
    units: list[Unit] = []
    bullets = paragraphs = last_number = actions = 0
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

    sub_romans = 0  # sub-bullets counted under the current lettered item
    letter_text = ""  # that item as written, to see whether it is a lead-in
    for block in blocks:
        style, label = block.style, block.label
        if style == "roman" and label == "i" and letter == "h":
            style = "letter"  # (i) after (h) is a letter, not one
        if style == "bullet" and top:
            lead = top_pending.text if top_pending is not None else top_lead
            if block.level or (leads_in(lead) and block.text[:1].islower()):
                # A sub-bullet is read as the lettered sub-item it stands for, under the
                # lettered item if that item is itself a lead-in; the statement gives it no
                # label, so it gets the next one.
                if letter and leads_in(letter_text):
                    sub_romans += 1
                    style, label = "roman", roman_numeral(sub_romans)
                else:
                    style, label = "letter", chr(ord(letter) + 1) if letter else "a"
        if style == "letter":
            sub_romans, letter_text = 0, block.text
        if (
            style == "para"
            and block.text[:1].islower()
            and _unfinished(letter_pending, top_pending)
        ):
            # A paragraph cut by a page break (PDF) or a stray blank line goes on in lower
            # case: it is the rest of the one before, not a paragraph of its own.
            pending = letter_pending if letter_pending is not None else top_pending
            assert pending is not None
            joined = Unit(pending.source, f"{pending.text} {block.text}")
            if letter_pending is not None:
                letter_pending = joined
            else:
                top_pending = joined
            continue
        if style == "heading":
            flush()
            top, top_lead, letter, letter_lead = "", "", "", ""
            continue
        if style in ("letter", "roman") and top:
            if top_pending is not None and _reference_line(top_pending.text):
                units.append(top_pending)  # a title over the items, not their lead-in
                top_lead, top_pending = "", None
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
        elif style == "row":
            actions = int(label) if label.isdigit() else actions + 1
            units.append(Unit(f"action {label or actions}", block.text))
            top = ""
            continue
        else:
            paragraphs += 1
            if not numbered:
                top = f"paragraph {paragraphs}"
            elif last_number:
                top = f"after paragraph {last_number}"
            else:  # a title or preamble: "paragraph 1" is the statement's own first one
                top = f"before paragraph {first_number}"
        top_pending = Unit(top, block.text)
    flush()
    return units


#: "Members noted the following:" announces its items; read with one, it would say "noted the
#: following the report ...", so the announcement is dropped ("noted the report ...").
_FOLLOWING = re.compile(r"\s*,?\s*\b(?:the following|as follows)$", re.I)


def _unfinished(*pending: Unit | None) -> bool:
    """Whether the item being read stops mid-sentence (no closing stop): the next line in
    lower case is then its continuation."""
    last = next((p for p in pending if p is not None), None)
    return last is not None and not last.text.rstrip().endswith((".", ";", ":", "!", "?"))


def _reference_line(text: str) -> bool:
    """A title or reference over lettered paragraphs ("No. 65 (XLII) GENERAL (1991)",
    "1997 (Executive Committee, 48th session)"): a number, no word in lower case outside
    brackets, and no lead-in's closing punctuation. Read as a lead-in, it was glued to the
    front of every item and hid their verbs."""
    stripped = text.rstrip()
    outside = re.sub(r"\([^)]*\)", " ", stripped)  # "(Executive Committee, 48th session)"
    return (
        bool(re.search(r"\d", stripped))
        and not re.search(r"\b[a-z]{4,}\b", outside)
        and not stripped.endswith((":", ",", "—", "–", "-"))
    )


def _join(chapeau: list[str], text: str) -> str:
    """A sub-item read with its lead-in: "Requests the Secretariat: to prepare ...;" ->
    "Requests the Secretariat to prepare ...". Only the joining punctuation is dropped."""
    lead = " ".join(_FOLLOWING.sub("", c.rstrip().rstrip(":—–-").rstrip()) for c in chapeau)
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
