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
from typing import Literal

from ..errors import UnreadableStatement

#: The largest statement read (20 MB). A statement is a few pages; a file ten thousand times
#: that is a mistake (a video, a disk image), and /dev/zero on stdin must not be read forever.
MAX_BYTES = 20 * 1024 * 1024
#: The most a .docx may unpack to (the sizes its archive declares, which the reader enforces).
MAX_UNPACKED = 5 * MAX_BYTES

Style = Literal["heading", "bullet", "number", "letter", "roman", "para"]


@dataclass(frozen=True)
class Block:
    """One paragraph of the statement. ``label`` is the statement's own number or letter
    ("3", "b", "ii"); bullets and plain paragraphs have none (they are counted later)."""

    style: Style
    text: str
    label: str = ""


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

_BULLET = re.compile(r"^\s*(?:[•●▪◦■□➢►‣⁃∙·\-*–—]|\uf0b7|\uf0a7|o(?=\s{2,}))\s+(?=\S)")
_NUMBER = re.compile(r"^\s*(?:\(?(\d{1,3})[.)]|(\d{1,3})\.(?!\d))\s+(?=\S)")
_LETTER = re.compile(r"^\s*\(?([a-z])[.)]\s+(?=\S)")
_ROMAN = re.compile(r"^\s*\(?(i{1,3}|iv|vi{0,3}|ix|x)[.)]\s+(?=\S)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)([^*_]{1,120})\1\s*:?\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_SENTENCE_END = re.compile(r"[.;:!?)\"'”’]$")


def text_blocks(text: str, *, wrapped: bool | None = None) -> list[Block]:
    """Blocks of plain text or Markdown. A line is a paragraph of its own when the text is
    not hard-wrapped (one paragraph a line, as pasted from a web page); hard-wrapped text (an
    e-mail, a PDF) is joined back until a blank line, a list marker, or a short line ending a
    sentence."""
    lines = [_md_inline(line.rstrip()) for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line.replace("\f", "").replace("\t", " ") for line in lines]
    if wrapped is None:
        wrapped = _is_wrapped(lines)
    width = max((len(line) for line in lines), default=0)
    blocks: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(_marked(" ".join(current)))
            current.clear()

    for i, line in enumerate(lines):
        stripped = line.strip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not stripped:
            flush()
            continue
        if _SETEXT.match(line) and not current:
            continue
        if _SETEXT.match(following) and not _BULLET.match(following) and stripped:
            flush()
            blocks.append(Block("heading", stripped))
            continue
        if m := _MD_HEADING.match(line):
            flush()
            blocks.append(Block("heading", m[1]))
            continue
        if m := _BOLD_LINE.match(line):
            flush()
            blocks.append(Block("heading", m[2].strip()))
            continue
        starts_item = bool(_BULLET.match(line) or _NUMBER.match(line) or _letter_or_roman(line))
        if starts_item or not wrapped or (current and _ends_paragraph(current[-1], width)):
            flush()
        current.append(stripped)
        # A short line with no closing stop, on its own: a heading or a title.
        lone = len(current) == 1 and not starts_item and not _SENTENCE_END.search(stripped)
        if wrapped and lone and _is_heading_line(stripped, width):
            flush()
    flush()
    return blocks


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


class _HtmlReader(HTMLParser):
    """Collects block-level text with the list each item is in (ol/ul, type, start)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._skip = 0
        self._lists: list[list[object]] = []  # [tag, type, next number]
        self._item: tuple[Style, str] | None = None
        self._heading = False

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

    def _list_item(self, value: str | None) -> tuple[Style, str]:
        if not self._lists:
            return ("bullet", "")
        entry = self._lists[-1]
        tag, kind, number = str(entry[0]), str(entry[1]), int(str(entry[2]))
        if value and value.isdigit():
            number = int(value)
        entry[2] = number + 1
        if tag == "ul":
            return ("bullet", "")
        if kind in ("a", "A"):
            return ("letter", chr(ord("a") + (number - 1) % 26))
        if kind in ("i", "I"):
            return ("roman", _roman(number))
        return ("number", str(number))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if tag in _BLOCK_TAGS or tag in ("ul", "ol"):
            self._flush()
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        if tag == "li":
            self._item = None
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)

    def _flush(self) -> None:
        raw = "".join(self._text)
        self._text.clear()
        parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=\s*[•●▪\-*])", raw)]
        for part in (p for p in parts if p):
            if self._heading:
                self.blocks.append(Block("heading", part))
            elif self._item is not None:
                style, label = self._item
                self.blocks.append(Block(style, part, label))
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


def _roman(number: int) -> str:
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
    blocks: list[Block] = []

    def paragraph(p: Paragraph) -> None:
        text = " ".join(p.text.split())
        if not text:
            return
        style = p.style.name if p.style is not None and p.style.name else ""
        if style.lower().startswith(("heading", "title", "subtitle")):
            blocks.append(Block("heading", text))
            return
        numbering = _docx_num_pr(p, qn)
        if numbering is None:
            if style.lower().startswith("list bullet"):
                blocks.append(Block("bullet", text))
            elif style.lower().startswith("list number"):
                count = counters.setdefault("style:" + style, [0])
                count[0] += 1
                blocks.append(Block("number", text, str(count[0])))
            else:
                blocks.append(_marked(text))
            return
        num_id, level = numbering
        fmt, start = formats.get((num_id, level), ("decimal", 1))
        levels = counters.setdefault(num_id, [0] * 9)
        levels[level] = levels[level] + 1 if levels[level] else start
        for deeper in range(level + 1, 9):
            levels[deeper] = 0
        number = levels[level]
        if fmt == "bullet" or fmt == "none":
            blocks.append(Block("bullet", text))
        elif fmt in ("lowerLetter", "upperLetter"):
            blocks.append(Block("letter", text, chr(ord("a") + (number - 1) % 26)))
        elif fmt in ("lowerRoman", "upperRoman"):
            blocks.append(Block("roman", text, _roman(number)))
        else:
            blocks.append(Block("number", text, str(number)))

    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph(Paragraph(child, document))
        elif child.tag == qn("w:tbl"):
            for row in Table(child, document).rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        paragraph(p)
    return blocks


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
    text = "\n\n".join(pages)
    if not text.strip():
        raise UnreadableStatement(
            f"{name}: a PDF with no text in it (a scan?); run it through OCR or paste the text."
        )
    return text_blocks(text, wrapped=True)
