"""Reading an outcome statement, in whatever form it was published, as a list of blocks.

Statements reach an officer as a web page, a Word file, a PDF or text pasted from any of them.
Each reader turns its format into the same thing: ``Block`` s (a heading, a bullet, a numbered
or lettered item, or a plain paragraph) with the label the statement itself gives them, so that
what follows never needs to know where the text came from. The heavy readers (python-docx,
pypdf) are imported only when a file of theirs arrives.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

from ..errors import UnreadableStatement

#: The largest statement read (20 MB). A statement is a few pages; a file ten thousand times
#: that is a mistake (a video, a disk image), and /dev/zero on stdin must not be read forever.
MAX_BYTES = 20 * 1024 * 1024
#: The most a .docx may unpack to (the sizes its archive declares, which the reader enforces).
MAX_UNPACKED = 5 * MAX_BYTES

Style = Literal["heading", "bullet", "number", "letter", "roman", "para", "row"]


@dataclass(frozen=True)
class Block:
    """One paragraph of the statement. ``label`` is the statement's own number or letter
    ("3", "b", "ii"); bullets and plain paragraphs have none (they are counted later).

    ``level`` is 1 for a bullet the layout puts under the item above it (indented further,
    marked differently after a lead-in ending with ":", a Word level-2 bullet, a nested HTML
    list): ``units`` reads it as a sub-item of that item, with its lead-in, instead of as an
    outcome of its own, because "- develop a guide by 2018;" says nothing without "The RSO
    will:"."""

    style: Style
    text: str
    label: str = ""
    level: int = 0


# A "row" is one action of an action table (Action | Lead | Support | Timeframe), its text the
# row said as a sentence ("Thailand will convene ..., by 2018."), its label the row's own
# number when the table has a "No." column.


# --- getting the bytes ------------------------------------------------------------------------


def read_source(source: str) -> tuple[bytes, str]:
    """The statement's bytes and a name for messages; ``-`` is standard input.

    A path must be a regular file: a named pipe or a device could block or never end. Opening
    with O_NONBLOCK and checking the opened file (not the name) means a FIFO cannot hang us
    even if it replaces the file between the check and the open."""
    if source == "-":
        return _bounded(sys.stdin.buffer, "standard input"), "standard input"
    path = Path(source)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise UnreadableStatement(f"{source}: cannot read it ({e.strerror or e}).") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnreadableStatement(
            f"{source}: not a regular file; give a statement file, or '-' for standard input."
        )
    with os.fdopen(fd, "rb") as handle:
        return _bounded(handle, source), path.name


def _bounded(handle: io.BufferedIOBase | object, name: str) -> bytes:
    read = getattr(handle, "read")  # noqa: B009  (stdin.buffer and files alike)
    raw: bytes = read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise UnreadableStatement(
            f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB; an outcome statement is a "
            "few pages, so this is not one."
        )
    if not raw.strip():
        raise UnreadableStatement(f"{name}: empty; there is no statement to draft from.")
    return raw


# --- telling formats apart --------------------------------------------------------------------


def read_blocks(raw: bytes, name: str) -> list[Block]:
    """Blocks of a statement; the format is taken from the bytes, the name's suffix only
    settles text against HTML (a .txt holding a "<p>" is still text)."""
    suffix = Path(name).suffix.lower()
    if raw.startswith(b"%PDF-"):
        return _pdf_blocks(raw, name)
    if raw.startswith(b"PK\x03\x04"):
        return _docx_blocks(raw, name)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableStatement(
            f"{name}: an old Word (.doc) or Office file; save it as .docx, PDF or text first."
        )
    if raw.startswith(b"{\\rtf"):
        raise UnreadableStatement(f"{name}: an RTF file; save it as .docx, PDF or text first.")
    text = _decode(raw, name)
    if suffix in (".html", ".htm", ".xhtml") or (
        suffix not in (".txt", ".md", ".markdown") and _looks_like_html(text)
    ):
        return html_blocks(text)
    return text_blocks(text)


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Text pasted from Word on Windows is often cp1252; anything with NULs is binary.
            text = raw.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if "\x00" in text or controls > max(8, len(text) // 100):
        raise UnreadableStatement(
            f"{name}: not text, HTML, .docx or PDF; nothing to draft from. Save the statement "
            "as one of those."
        )
    return text


_HTML_HINT = re.compile(r"<\s*(!doctype|html|body|p|div|li|ul|ol|h[1-6]|br|table)\b", re.I)


def _looks_like_html(text: str) -> bool:
    return len(_HTML_HINT.findall(text[:20000])) >= 2


# --- plain text, Markdown and PDF text ---------------------------------------------------------

#: A bullet's marker. Word's level-2 bullet is a Courier "o" (or a private-use symbol when the
#: font does not travel), so a lone "o" opening a line is a marker: no English word is "o".
_BULLET = re.compile(r"^\s*([•●▪◦■□➢►‣⁃∙·\-*–—‐−]|\uf0b7|\uf0a7|o(?=\s))\s+(?=\S)")
#: A paragraph number. LibreOffice prints a two-digit list number into a PDF with no room
#: after it ("10.We decided"), so a number glued to a capital is one too.
_NUMBER = re.compile(r"^\s*(?:\(?(\d{1,3})[.)]|(\d{1,3})\.(?!\d))(?:\s+(?=\S)|(?=[A-Z]))")
_LETTER = re.compile(r"^\s*\(?([a-z])[.)]\s+(?=\S)")
_ROMAN = re.compile(r"^\s*\(?(i{1,3}|iv|vi{0,3}|ix|x)[.)]\s+(?=\S)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)([^*_]{1,120})\1\s*:?\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_SENTENCE_END = re.compile(r"[.;:!?)\"'”’]$")


#: Every way a line ends: Windows CR LF, old Mac CR alone, Unicode's line and paragraph
#: separators (a paragraph separator also ends the paragraph, as a blank line does).
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028")


def text_blocks(text: str, *, wrapped: bool | None = None) -> list[Block]:
    """Blocks of plain text or Markdown. A line is a paragraph of its own when the text is
    not hard-wrapped (one paragraph a line, as pasted from a web page); hard-wrapped text (an
    e-mail, a PDF) is joined back until a blank line, a list marker, or a short line ending a
    sentence."""
    lines = [
        _md_inline(line.rstrip()) for line in _LINE_BREAK.split(text.replace("\u2029", "\n\n"))
    ]
    lines = [_expand_indent(line.replace("\f", "")).replace("\t", " ") for line in lines]
    if wrapped is None:
        wrapped = _is_wrapped(lines)
    width = max((len(line) for line in lines), default=0)
    blocks: list[_Laid] = []
    current: list[str] = []
    words = _Vocabulary(text)
    opening = ""  # the first line of the paragraph in ``current``, as laid out

    def flush() -> None:
        if current:
            marker = _BULLET.match(opening)
            blocks.append(
                _Laid(
                    _marked(_unwrapped(current, words)),
                    marker[1] if marker else "",
                    len(opening) - len(opening.lstrip()),
                )
            )
            current.clear()

    def heading(text: str) -> None:
        flush()
        blocks.append(_Laid(Block("heading", text)))

    for i, line in enumerate(lines):
        stripped = line.strip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not stripped:
            flush()
            continue
        if _SETEXT.match(line) and not current:
            continue
        if _SETEXT.match(following) and not _BULLET.match(following) and stripped:
            heading(stripped)
            continue
        if m := _MD_HEADING.match(line):
            heading(m[1])
            continue
        if m := _BOLD_LINE.match(line):
            heading(m[2].strip())
            continue
        starts_item = bool(_BULLET.match(line) or _NUMBER.match(line) or _letter_or_roman(line))
        if starts_item or not wrapped or (current and _ends_paragraph(current[-1], width)):
            flush()
        if not current:
            opening = line
        current.append(stripped)
        # A short line with no closing stop, on its own: a heading or a title.
        lone = len(current) == 1 and not starts_item and not _SENTENCE_END.search(stripped)
        if wrapped and lone and _is_heading_line(stripped, width):
            flush()
    flush()
    return _nested(blocks)


#: A word broken at a line's end: "consulta-" / "tion". A spaced dash ("the region -") is
#: punctuation, not a break; a soft hyphen (U+00AD) is always a break inside one word.
_BROKEN = re.compile(r"(?<=\w)([-\u2010\u00ad])$")
_FIRST_WORD = re.compile(r"^[^\W_]+")
_LAST_WORD = re.compile(r"[\w-]+(?=[-\u2010\u00ad]$)")
#: Halves that English writes with a hyphen ("non-refoulement", "follow-up", "co-host",
#: "evidence-based"): broken at that hyphen, they keep it. A prefix that also opens solid
#: words is left out ("re-port", "inter-national", "multi-lateral", "high-light" are a
#: typesetter's breaks), and "co" only before the genre's co- verbs ("co-alition" is not one).
_HYPHENATED_FIRST = frozenset({"non", "self", "cross", "follow", "well", "half"})
_HYPHENATED_CO = (
    "chair", "host", "sponsor", "lead", "facilitat", "organi", "fund", "financ", "operat",
    "ordinat", "convene", "author", "sign", "own", "locat",
)  # fmt: skip
_HYPHENATED_SECOND = frozenset(
    {
        "up", "on", "based", "led", "term", "level", "making", "building", "related", "wide",
        "specific", "sensitive", "oriented", "owned", "funded", "bound", "sharing", "scale",
        "party", "year",
    }
)  # fmt: skip


class _Vocabulary:
    """The statement's own words, read only when a line ends in a broken word: how the
    statement spells "follow-up" or "consultation" elsewhere settles how to mend the break."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: frozenset[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self._words is None:
            self._words = frozenset(re.findall(r"\w+(?:[-\u2010]\w+)*", self._text.casefold()))
        return word.casefold() in self._words


def _unwrapped(lines: list[str], words: _Vocabulary) -> str:
    """Hard-wrapped lines as one paragraph, mending words broken across lines.

    "consulta-" / "tion" is "consultation" and "Co-" / "Chairs" is "Co-Chairs": the hyphen is
    kept when the statement writes the word with it elsewhere, when either half is capitalised
    or a number ("Co-Chairs", "2017-2019", "mid-2018"), when the first half is already a
    compound ("whole-of-"), or when a half is one English hyphenates ("co-", "follow-",
    "-based"); otherwise the hyphen was the typesetter's and goes. Never "consulta- tion"."""
    out = lines[0] if lines else ""
    for line in lines[1:]:
        broken = _BROKEN.search(out)
        second = _FIRST_WORD.match(line)
        if broken is None or second is None:
            out = f"{out} {line}"
            continue
        first_word = _LAST_WORD.search(out)
        first = first_word[0] if first_word else ""
        head = out[: broken.start()]
        if broken[1] == "\u00ad" or not _keeps_hyphen(first, second[0], words):
            out = head + line
        else:
            out = f"{head}-{line}"
    return out


def _keeps_hyphen(first: str, second: str, words: _Vocabulary) -> bool:
    if f"{first}-{second}" in words:
        return True
    if f"{first}{second}" in words:
        return False
    last = first.rsplit("-", 1)[-1]
    return (
        "-" in first
        or not second[:1].islower()
        or not last[-1:].isalpha()
        or last.casefold() in _HYPHENATED_FIRST
        or (last.casefold() == "co" and second.casefold().startswith(_HYPHENATED_CO))
        or second.casefold() in _HYPHENATED_SECOND
    )


def _expand_indent(line: str) -> str:
    """Leading tabs as four columns each, so a tab-indented sub-bullet is still indented."""
    body = line.lstrip(" \t")
    return line[: len(line) - len(body)].expandtabs(4) + body


@dataclass(frozen=True)
class _Laid:
    """A block with what its layout said: the bullet marker it opened with (a list's name for
    Word) and how far it was indented. Only ``_nested`` needs them."""

    block: Block
    marker: str = ""
    indent: int = 0


def _nested(laid: list[_Laid]) -> list[Block]:
    """The blocks, with each bullet that sits under the item above it marked level 1.

    A bullet is under the last bullet or numbered item when the reader already knew (a Word
    level-2 bullet), when it is indented further than a bullet or a lead-in ending with ":",
    or when it follows such a lead-in with another marker ("• The RSO will:" then "– develop
    ..."); the bullets after it with its marker and indent are under the same item. Indented
    bullets after a numbered paragraph that is no lead-in are outcomes of their own. A lead-in
    that is a plain paragraph is left to ``units``: "Outcomes:" over indented bullets heads a
    list, it does not open each outcome."""
    blocks: list[Block] = []
    parent: _Laid | None = None
    run: tuple[str, int] | None = None  # marker and indent of the sub-bullets under parent
    for item in laid:
        block = item.block
        if block.style == "bullet" and (block.level or parent is not None):
            same_run = run is not None and (item.marker, item.indent) == run
            deeper = (
                parent is not None
                and item.indent > parent.indent
                and (parent.block.style == "bullet" or leads_in(parent.block.text))
            )
            other_marker = (
                parent is not None and item.marker != parent.marker and leads_in(parent.block.text)
            )
            if block.level or same_run or deeper or other_marker:
                run = (item.marker, item.indent)
                blocks.append(Block(block.style, block.text, block.label, 1))
                continue
        if block.style not in ("letter", "roman"):  # a lettered item keeps its paragraph's
            parent = item if block.style in ("bullet", "number") else None
            run = None
        blocks.append(block)
    return blocks


def leads_in(text: str) -> bool:
    """A lead-in ends with a colon ("The RSO will:"), perhaps with a dash after it: the items
    under it are read with it (``units``)."""
    return text.rstrip().rstrip("-–—").endswith(":")


def _md_inline(line: str) -> str:
    line = _MD_LINK.sub(r"\1", line)
    line = re.sub(r"^\s*>\s?", "", line)
    return _MD_EMPH.sub(r"\2", line) if not _BOLD_LINE.match(line) else line


def _is_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped text has most of its lines near one width, that width is a page's, and
    some sentence runs on from one line to the next (one paragraph a line never does)."""
    lengths = [len(line) for line in lines if line.strip()]
    if len(lengths) < 4:
        return False
    runs_on = sum(
        1
        for line, following in itertools.pairwise(lines)
        if line.strip()
        and not _SENTENCE_END.search(line.strip())
        and following.strip()[:1].islower()
    )
    if not runs_on:
        return False
    width = max(lengths)
    if width > 160:
        return False
    near = sum(1 for n in lengths if n >= 0.7 * width)
    return near >= 0.4 * len(lengths)


def _ends_paragraph(line: str, width: int) -> bool:
    return bool(_SENTENCE_END.search(line)) and len(line) < 0.8 * width


def _is_heading_line(line: str, width: int) -> bool:
    return len(line) < 0.7 * width and len(line.split()) <= 12 and line[:1].isupper()


def _letter_or_roman(line: str) -> re.Match[str] | None:
    return _ROMAN.match(line) or _LETTER.match(line)


def _marked(text: str) -> Block:
    """The block a paragraph is, judged by the marker it opens with (which is then dropped)."""
    text = " ".join(text.split())
    if m := _BULLET.match(text):
        return Block("bullet", text[m.end() :])
    if m := _NUMBER.match(text):
        return Block("number", text[m.end() :], m[1] or m[2])
    # "(i)" is a roman numeral unless it follows "(h)"; units.py decides with the context.
    if m := _ROMAN.match(text):
        return Block("roman", text[m.end() :], m[1])
    if m := _LETTER.match(text):
        return Block("letter", text[m.end() :], m[1])
    return Block("para", text)


# --- HTML ---------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "dd",
        "dt",
        "pre",
        "caption",
        "title",
    }
)
_SKIP_TAGS = frozenset({"script", "style", "head", "noscript", "template", "svg", "nav"})


_SOURCE_BREAK = re.compile(r"[\r\n]+")


class _HtmlReader(HTMLParser):
    """Collects block-level text with the list each item is in (ol/ul, type, start)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._skip = 0
        self._lists: list[list[object]] = []  # [tag, type, next number]
        self._item: tuple[Style, str, int] | None = None
        self._heading = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        values = dict(attrs)
        if tag == "br":
            self._text.append("\n")
            return
        if tag in _BLOCK_TAGS or tag in ("ul", "ol"):
            self._flush()
        if tag == "pre":
            self._pre += 1
        if tag in ("ul", "ol"):
            start = values.get("start") or "1"
            kind = values.get("type") or ""
            if tag == "ol" and not kind and any(t == "ol" for t, _, _ in self._lists):
                kind = "a"
            self._lists.append([tag, kind, int(start) if start.isdigit() else 1])
        elif tag == "li":
            self._item = self._list_item(values.get("value"))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = True

    def _list_item(self, value: str | None) -> tuple[Style, str, int]:
        if not self._lists:
            return ("bullet", "", 0)
        entry = self._lists[-1]
        tag, kind, number = str(entry[0]), str(entry[1]), int(str(entry[2]))
        if value and value.isdigit():
            number = int(value)
        entry[2] = number + 1
        if tag == "ul":
            return ("bullet", "", 1 if len(self._lists) > 1 else 0)  # a list in an item
        if kind in ("a", "A"):
            return ("letter", chr(ord("a") + (number - 1) % 26), 0)
        if kind in ("i", "I"):
            return ("roman", roman_numeral(number), 0)
        return ("number", str(number), 0)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if tag in _BLOCK_TAGS or tag in ("ul", "ol"):
            self._flush()
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        if tag == "li":
            self._item = None
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            # A line break in the page's source is a space, as a browser shows it: only
            # <br> breaks a line (two of them a paragraph). Pages converted from PDF break
            # every printed line in the source, and a blank one between two of them would
            # cut a paragraph, and its commitment, in two.
            self._text.append(data if self._pre else _SOURCE_BREAK.sub(" ", data))

    def _flush(self) -> None:
        raw = "".join(self._text)
        self._text.clear()
        parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=\s*[•●▪\-*])", raw)]
        for part in (p for p in parts if p):
            if self._heading:
                self.blocks.append(Block("heading", part))
            elif self._item is not None:
                style, label, level = self._item
                self.blocks.append(Block(style, part, label, level))
                self._item = None  # a second <p> in the same <li> continues it
            elif self.blocks and self._continues_item():
                last = self.blocks[-1]
                self.blocks[-1] = Block(last.style, f"{last.text} {part}", last.label)
            else:
                self.blocks.append(_marked(part))

    def _continues_item(self) -> bool:
        return bool(self._lists) and self.blocks[-1].style != "heading"


def html_blocks(text: str) -> list[Block]:
    reader = _HtmlReader()
    reader.feed(text)
    reader.close()
    reader._flush()
    return reader.blocks


def roman_numeral(number: int) -> str:
    """Lower-case roman numeral, as statements label sub-sub-items ("iv")."""
    numerals = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out


# --- Word (.docx) -------------------------------------------------------------------------------


def _docx_blocks(raw: bytes, name: str) -> list[Block]:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise UnreadableStatement(
                    f"{name}: a ZIP archive but not a Word .docx file; nothing to draft from."
                )
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED:
                # A few compressed KB can unpack to gigabytes (a "zip bomb"): the reader
                # would hold all of it, for minutes, before the first paragraph.
                raise UnreadableStatement(
                    f"{name}: unpacks to {unpacked:,} bytes, more than a statement's "
                    f"{MAX_UNPACKED:,}; save the statement's text as .docx, PDF or text again."
                )
    except zipfile.BadZipFile:
        raise UnreadableStatement(f"{name}: a damaged ZIP or .docx file.") from None
    try:
        from docx import Document

        document = Document(io.BytesIO(raw))
        return _docx_paragraph_blocks(document)
    except UnreadableStatement:
        raise
    except Exception as e:  # a damaged file can fail anywhere inside the reader
        raise UnreadableStatement(f"{name}: cannot read this .docx ({type(e).__name__}).") from None


def _docx_paragraph_blocks(document: object) -> list[Block]:
    from docx.document import Document as DocumentType
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    assert isinstance(document, DocumentType)
    formats = _docx_numbering(document, qn)
    counters: dict[str, list[int]] = {}
    blocks: list[_Laid] = []

    def paragraph(p: Paragraph) -> None:
        text = " ".join(p.text.split())
        if not text:
            return
        style = p.style.name if p.style is not None and p.style.name else ""
        if style.lower().startswith(("heading", "title", "subtitle")):
            blocks.append(_Laid(Block("heading", text)))
            return
        numbering = _docx_num_pr(p, qn)
        if numbering is None:
            if style.lower().startswith("list bullet"):
                # "List Bullet 2", "List Bullet 3": Word's bullets under a bullet.
                nested = 0 if style.lower().rstrip(" 1") == "list bullet" else 1
                blocks.append(_Laid(Block("bullet", text, level=nested), style, nested))
            elif style.lower().startswith("list number"):
                count = counters.setdefault("style:" + style, [0])
                count[0] += 1
                blocks.append(_Laid(Block("number", text, str(count[0]))))
            else:
                # Bullets typed as characters ("  o develop ...") keep their indent, so
                # ``_nested`` can tell a sub-bullet as it does in plain text.
                raw = _expand_indent(p.text)
                marker = _BULLET.match(raw)
                indent = len(raw) - len(raw.lstrip())
                left = p.paragraph_format.left_indent
                indent += int(left.pt // 9) if left is not None and left > 0 else 0
                blocks.append(_Laid(_marked(text), marker[1] if marker else "", indent))
            return
        num_id, level = numbering
        fmt, start = formats.get((num_id, level), ("decimal", 1))
        levels = counters.setdefault(num_id, [0] * 9)
        levels[level] = levels[level] + 1 if levels[level] else start
        for deeper in range(level + 1, 9):
            levels[deeper] = 0
        number = levels[level]
        if fmt == "bullet" or fmt == "none":
            nested = 1 if level else 0
            blocks.append(_Laid(Block("bullet", text, level=nested), f"list {num_id}", level))
        elif fmt in ("lowerLetter", "upperLetter"):
            blocks.append(_Laid(Block("letter", text, chr(ord("a") + (number - 1) % 26))))
        elif fmt in ("lowerRoman", "upperRoman"):
            blocks.append(_Laid(Block("roman", text, roman_numeral(number))))
        else:
            blocks.append(_Laid(Block("number", text, str(number))))

    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph(Paragraph(child, document))
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            grid = [[_docx_cell_text(cell) for cell in row.cells] for row in table.rows]
            if (actions := action_rows(grid)) is not None:
                blocks.extend(_Laid(block) for block in actions)
                continue
            for at, (row, texts) in enumerate(zip(table.rows, grid, strict=True)):
                cells = list(dict.fromkeys(row.cells))  # a merged cell is listed per column
                if len(cells) > 1 and all(len(_filled(cell.paragraphs)) <= 1 for cell in cells):
                    # One line of a table laid out in columns ("1." | "Ministers agreed ...",
                    # "Country" | "Delegate") reads as one paragraph; a header row as nothing.
                    if at or not _is_header(texts):
                        line = " ".join(dict.fromkeys(t for t in texts if t))
                        if line:
                            blocks.append(_Laid(_marked(line)))
                    continue
                for cell in cells:  # a layout table holding whole paragraphs
                    for p in cell.paragraphs:
                        paragraph(p)
    return _nested(blocks)


def _docx_cell_text(cell: object) -> str:
    return " ".join(" ".join(p.text.split()) for p in _filled(cell.paragraphs))  # type: ignore[attr-defined]


def _filled(paragraphs: list[Any]) -> list[Any]:
    return [p for p in paragraphs if p.text.strip()]


# --- action tables -------------------------------------------------------------------------------

#: What a column of an action table holds, told by its header. Checked in this order, so that
#: "Action by" is the lead and "Supporting agency" the support, not the action.
_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("number", re.compile(r"^(?:no|n°|#|ref|item|number|s/?n)\.?$")),
    (
        "due",
        re.compile(
            r"\b(?:due|deadlines?|time ?lines?|time ?frames?|timing|target|by when|when|dates?"
            r"|completion|schedule|period)\b"
        ),
    ),
    (
        "support",
        re.compile(r"\b(?:support\w*|partners?|in (?:co-?operation|collaboration) with)\b"),
    ),
    (
        "owner",
        re.compile(
            r"\b(?:owners?|leads?|led by|lead \w+|responsib\w*|who|by whom|action by"
            r"|focal points?|implement\w*)\b"
        ),
    ),
    (
        "action",
        re.compile(
            r"\b(?:actions?|activit(?:y|ies)|commitments?|outcomes?|deliverables?|tasks?"
            r"|recommendations?|decisions?|what)\b"
        ),
    ),
)
#: A due cell that gives no time ("Ongoing", "TBC") sets no deadline.
_NO_DUE = re.compile(
    r"^(?:-+|–|—|n/?a|tb[cda]|none|ongoing|continuous|continuing|as (?:required|needed))$", re.I
)
_DUE_PREPOSITION = re.compile(
    r"^(?:by|before|within|during|at|until|no later than|prior to|following|after|over"
    r"|throughout|in|from|end of|on)\b",
    re.I,
)


def action_rows(grid: list[list[str]]) -> list[Block] | None:
    """The rows of an action table as "row" blocks, or None when the table is not one.

    Outcome documents often end with a table of agreed actions: a header naming the action,
    its lead and its deadline, then one action a row. Read cell by cell, the header's "Lead"
    or "Support" would be drafted as outcomes and every action would lose its owner; so a
    table whose header names an action column and a lead or deadline column gives one block
    a row, saying what the row says the way a statement would ("RSO will compile ..., with
    support from IOM, by 31 March 2018."), which the drafting reads like any sentence. A row
    that repeats one text across the table is a section title."""
    found = [
        (at, columns)
        for at, columns in enumerate(_column_roles(header) for header in grid[:2])
        if "action" in columns and ("owner" in columns or "due" in columns)
    ]
    if not found:
        return None
    at, columns = found[0]
    header = grid[at]
    blocks: list[Block] = []
    for row in grid[at + 1 :]:
        filled = list(dict.fromkeys(t for t in row if t))
        if not filled:
            continue
        if len(filled) == 1 and len(row) > 1 and row.count(filled[0]) == len(row):
            blocks.append(Block("heading", filled[0]))
            continue
        cell = {role: row[index] if index < len(row) else "" for role, index in columns.items()}
        if not cell["action"] or cell["action"] == header[columns["action"]]:
            continue
        blocks.append(Block("row", _action_sentence(cell), cell.get("number", "").rstrip(".")))
    return blocks


def _column_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, text in enumerate(header):
        name = " ".join(re.sub(r"[^\w#°/ -]", " ", text.casefold()).split())
        if not name or len(name.split()) > 5:
            continue
        for role, pattern in _COLUMNS:
            if pattern.search(name):
                roles.setdefault(role, index)
                break
    return roles


def _action_sentence(cell: dict[str, str]) -> str:
    action = cell["action"].strip().rstrip(".;")
    owners = _names(cell.get("owner", ""))
    if not owners:
        sentence = f"Members will {_as_predicate(action)}"
    elif " will " in f" {action} " or action.casefold().startswith(owners.split()[0].casefold()):
        sentence = action  # the cell is a sentence already ("Fiji will host ...")
    else:
        sentence = f"{owners} will {_as_predicate(action)}"
    if support := _names(cell.get("support", "")):
        sentence += f", with support from {support}"
    due = " ".join(cell.get("due", "").split()).rstrip(".")
    if due and not _NO_DUE.match(due):
        period = _as_period(due)
        if period is not None:
            # A cell the record's own forms read ("end of 2017", "H2 2017", "first half of
            # 2018"), said in the form the draft reads back: the date is never lost.
            sentence += f", by {period}"
        else:
            sentence += (
                f", {due[0].lower() + due[1:] if _DUE_PREPOSITION.match(due) else 'by ' + due}"
            )
    return sentence + "."


def _as_period(cell: str) -> str | None:
    """A timeframe cell as a due period's canonical text, when it is one."""
    from ..errors import BadInput
    from ..periods import parse_period

    try:
        return parse_period(cell).text
    except BadInput:
        return None


def _as_predicate(action: str) -> str:
    """ "Compile a directory" -> "compile a directory"; "A directory" or "Regional workshop
    on returns" -> "deliver a directory", "deliver regional workshop on returns". An action
    cell is written as an order (a verb first) or as a thing to deliver; a first word that is
    not a verb of work ("Regional", "Workshop") is the thing ("RSO will regional workshop"
    would read as nonsense)."""
    first = action.split(maxsplit=1)[0] if action.split() else ""
    word = first.casefold()
    if first[:1].isupper() and (first[1:].islower() or len(first) == 1):
        action = word + action[len(first) :]
    if word in ("a", "an", "the") or not _is_work_verb(word):
        return f"deliver {action}"
    return action


#: Verbs an action table's cells start with; any word ending like a verb ("finalise",
#: "operationalize", "coordinate", "simplify") counts too.
_WORK_VERBS = frozenset(
    {
        "establish", "develop", "convene", "hold", "host", "compile", "conduct", "prepare",
        "draft", "share", "provide", "support", "review", "publish", "deliver", "launch",
        "undertake", "implement", "continue", "ensure", "produce", "design", "deploy", "fund",
        "train", "translate", "pilot", "set", "create", "complete", "lead", "run", "arrange",
        "disseminate", "collect", "assess", "maintain", "nominate", "invite", "engage", "present",
        "report", "submit", "update", "circulate", "map", "identify", "promote", "strengthen",
        "explore", "consider", "build", "extend", "expand", "improve", "increase", "reduce",
        "enhance", "test", "adopt", "agree", "endorse", "examine", "study", "monitor", "track",
        "distribute", "issue", "commission", "seek", "hire", "recruit", "open", "close", "write",
        "plan", "organise", "organize", "finalise", "finalize",
    }
)  # fmt: skip


def _is_work_verb(word: str) -> bool:
    return word in _WORK_VERBS or word.endswith(("ise", "ize", "ate", "ify"))


def _names(cell: str) -> str:
    """ "Indonesia; Malaysia", "RSO, IOM", "Fiji / Samoa" -> "Indonesia and Malaysia"."""
    names = [n.strip() for n in re.split(r"[;,/\n]|\band\b|&", cell) if n.strip()]
    names = [n for n in names if not _NO_DUE.match(n)]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def _is_header(texts: list[str]) -> bool:
    """A first row of short labels with no sentence in them ("Country", "Delegate")."""
    filled = [t for t in texts if t]
    return len(filled) > 1 and all(
        len(t.split()) <= 4 and not _SENTENCE_END.search(t) for t in filled
    )


def _docx_num_pr(p: object, qn: object) -> tuple[str, int] | None:
    """The list a paragraph belongs to: its own numbering, else its style's (List Number)."""
    from docx.text.paragraph import Paragraph

    assert isinstance(p, Paragraph) and callable(qn)
    candidates = [p._p.pPr]
    style = p.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    for ppr in candidates:
        if ppr is None:
            continue
        num_pr = ppr.find(qn("w:numPr"))
        if num_pr is None:
            continue
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        if num_id is None or num_id.get(qn("w:val")) in (None, "0"):
            return None
        level = int(ilvl.get(qn("w:val")) or 0) if ilvl is not None else 0
        return str(num_id.get(qn("w:val"))), min(max(level, 0), 8)
    return None


def _docx_numbering(document: object, qn: object) -> dict[tuple[str, int], tuple[str, int]]:
    """(numId, level) -> (number format, start) from the numbering part, if the file has one."""
    assert callable(qn)
    try:
        numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract: dict[str, dict[int, tuple[str, int]]] = {}
    for definition in numbering.findall(qn("w:abstractNum")):
        levels: dict[int, tuple[str, int]] = {}
        for lvl in definition.findall(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            start = lvl.find(qn("w:start"))
            start_value = start.get(qn("w:val")) if start is not None else "1"
            levels[int(lvl.get(qn("w:ilvl")) or 0)] = (
                fmt.get(qn("w:val")) if fmt is not None else "decimal",
                int(start_value) if start_value and start_value.isdigit() else 1,
            )
        abstract[str(definition.get(qn("w:abstractNumId")))] = levels
    formats: dict[tuple[str, int], tuple[str, int]] = {}
    for num in numbering.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is None:
            continue
        for level, value in abstract.get(str(ref.get(qn("w:val"))), {}).items():
            formats[(str(num.get(qn("w:numId"))), level)] = value
    return formats


# --- PDF ----------------------------------------------------------------------------------------


def _pdf_blocks(raw: bytes, name: str) -> list[Block]:
    try:
        import logging

        from pypdf import PdfReader

        # pypdf logs what it finds wrong ("EOF marker not found") to stderr as well as raising;
        # the one line below says it.
        logging.getLogger("pypdf").setLevel(logging.CRITICAL)
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as e:  # a damaged PDF can fail anywhere inside the reader
        raise UnreadableStatement(f"{name}: cannot read this PDF ({type(e).__name__}).") from None
    if not "".join(pages).strip():
        raise UnreadableStatement(
            f"{name}: a PDF with no text in it (a scan?); run it through OCR or paste the text."
        )
    return text_blocks(pdf_text(pages), wrapped=True)


#: A page number line: "3", "Page 3", "Page 3 of 5", "3/5", "- 3 -".
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,3})?$", re.I)
#: The rule a word processor prints above a page's footnotes, as PDF text gives it.
_FOOTNOTE_RULE = re.compile(r"^[_\u2014\u2500]{5,}$")
_FOOTNOTE = re.compile(r"^(\d{1,2})\s+\S")
_ZONE = 2  # lines at a page's top and foot where running headers, footers and numbers sit


def pdf_text(pages: list[str]) -> str:
    """A PDF's pages as one text, without what the page layout added to the statement.

    A page's running header and footer (a line repeated at the top or foot of two or more
    pages), its page number, and its footnotes would otherwise be read into the paragraph the
    page breaks, or become paragraphs that shift the count. Footnotes are taken only where a
    page prints the rule above them ("_____") and a numbered note follows it: then the notes
    go, and so do their numbers where they are glued to a word ("trafficking1," ->
    "trafficking,"), on any page, since a note can fall to the page after its marker. A title
    that opens the first page is kept though later pages repeat it as their header."""
    split: list[list[str]] = []
    numbers: set[str] = set()
    seen: dict[str, int] = {}
    for page in pages:
        raw = page.replace("\r\n", "\n").split("\n")
        lines, notes = _footnotes(raw)
        split.append(lines)
        numbers |= notes
        filled = [line.strip() for line in raw if line.strip()]
        for key in {_furniture_key(line) for line in (*filled[:_ZONE], *filled[-_ZONE:])}:
            seen[key] = seen.get(key, 0) + 1
    out: list[str] = []
    for number, lines in enumerate(split):
        places = [i for i, line in enumerate(lines) if line.strip()]
        zone = {*places[:_ZONE], *places[-_ZONE:]}
        title = places[0] if number == 0 and places else -1
        out.extend(
            line
            for i, line in enumerate(lines)
            if i not in zone
            or i == title
            or not (_PAGE_NUMBER.match(line.strip()) or _repeated(line, seen))
        )
        out.append("")
    text = "\n".join(out)
    if numbers:
        marker = "|".join(sorted(numbers, key=len, reverse=True))
        text = re.sub(rf"(?<=[^\W\d_])(?:{marker})(?=[\s,.;:)]|$)", "", text, flags=re.M)
    return text


def _footnotes(lines: list[str]) -> tuple[list[str], set[str]]:
    """A page's lines without its footnotes, and the footnotes' numbers."""
    rule = next((i for i, line in enumerate(lines) if _FOOTNOTE_RULE.match(line.strip())), None)
    if rule is None:
        return lines, set()
    notes = [line.strip() for line in lines[rule + 1 :] if line.strip()]
    if not notes or not _FOOTNOTE.match(notes[0]):
        return lines, set()
    return lines[:rule], {m[1] for line in notes if (m := _FOOTNOTE.match(line))}


def _repeated(line: str, seen: dict[str, int]) -> bool:
    """A running header or footer: at the top or foot of two pages, and not a sentence's end
    (a paragraph ending "in 2017." at the foot of two pages is still text)."""
    return seen.get(_furniture_key(line), 0) >= 2 and not _SENTENCE_END.search(line.strip())


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).casefold())
