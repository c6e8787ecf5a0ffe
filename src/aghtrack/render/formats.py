"""Output formats: one name for each, and one formatter per format behind one interface.

As in todoman's ``formatters.py``: a command picks its formatter once from the format the user
named, then asks it for what it shows (a list of commitments, a report, the whole record).
Formats that need a heavy library (python-docx for Word, openpyxl for Excel) are imported only
when chosen, so the start-up of every other command does not move.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BadInput

if TYPE_CHECKING:
    from ..model import Commitment
    from ..report import Report
    from ..review import Review
    from ..store.files import StoreFiles
    from ..transfer import Record

#: What a formatter returns: text, or the bytes of a binary file.
Output = str | bytes


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"
    HTML = "html"
    DOCX = "docx"
    XLSX = "xlsx"

    @property
    def binary(self) -> bool:
        """A file format a terminal cannot show: written only with ``--output``."""
        return self in (Format.DOCX, Format.XLSX)

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Format.TABLE: "table (terminal)",
    Format.JSON: "json (for scripts)",
    Format.CSV: "csv (one commitment a row)",
    Format.MD: "md (Markdown, to paste into a paper)",
    Format.HTML: "html (one page, prints on A4)",
    Format.DOCX: "docx (a Word meeting paper)",
    Format.XLSX: "xlsx (an Excel workbook)",
}

#: The formats each command writes, in the order its help names them.
LIST_FORMATS = (Format.TABLE, Format.JSON, Format.CSV, Format.MD, Format.XLSX)
REPORT_FORMATS = (
    Format.TABLE,
    Format.MD,
    Format.HTML,
    Format.DOCX,
    Format.XLSX,
    Format.CSV,
    Format.JSON,
)
#: The review paper comes in every format the progress review does.
REVIEW_FORMATS = REPORT_FORMATS
EXPORT_FORMATS = (Format.JSON, Format.CSV, Format.XLSX)


#: The format a file's name says it holds.
_BY_SUFFIX = {
    ".json": Format.JSON,
    ".csv": Format.CSV,
    ".md": Format.MD,
    ".markdown": Format.MD,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".docx": Format.DOCX,
    ".xlsx": Format.XLSX,
}
#: Documents aghtrack does not write (Word, Excel or a browser makes them from one it does).
_NOT_WRITTEN = frozenset({".pdf", ".doc", ".rtf", ".odt", ".xls", ".ods"})
_NAMED = {
    Format.JSON: "a JSON file",
    Format.CSV: "a CSV file",
    Format.MD: "a Markdown file",
    Format.HTML: "a web page",
    Format.DOCX: "a Word document",
    Format.XLSX: "an Excel workbook",
}


def destination_format(
    fmt: Format, output: Path | None, *, given: bool, offered: Sequence[Format]
) -> Format:
    """The format to write: ``--format`` when given, else what ``--output``'s name says
    (``--output review.docx`` is a Word paper). A name saying another format than the one
    given is refused: JSON written to ``record.xlsx`` opened nowhere and imported nowhere
    under its own name, and a Word paper overwritten with text was lost."""
    suffix = output.suffix.lower() if output is not None else ""
    if suffix in _NOT_WRITTEN:
        raise BadInput(
            f"aghtrack does not write {suffix} files: write docx, xlsx or html, and save it as "
            f"{suffix} from Word, Excel or a browser."
        )
    named = _BY_SUFFIX.get(suffix)
    if named is None or named is fmt:
        return fmt
    assert output is not None
    if given:
        raise BadInput(
            f"--output {output.name} names {_NAMED[named]}, but --format is {fmt.value}: give "
            f"--format {named.value}, or a file name ending .{_suffix(fmt)}."
        )
    if named not in offered:
        raise BadInput(
            f"--output {output.name} names {_NAMED[named]}, which this command does not "
            f"write; give --format ({', '.join(f.value for f in offered)}) and a file name "
            "to match."
        )
    return named


def _suffix(fmt: Format) -> str:
    return "txt" if fmt is Format.TABLE else fmt.value


def check_destination(fmt: Format, output: Path | None, *, excel: bool = False) -> None:
    """Refuse, before any work, what cannot be written where it is asked for."""
    if fmt.binary and output is None:
        raise BadInput(
            f"{fmt.value} is a binary file and is not shown on screen: "
            f"add --output FILE.{fmt.value}."
        )
    if excel and fmt is not Format.CSV:
        raise BadInput("--excel applies to --format csv only.")


class Formatter:
    """One output format. A method a format does not offer raises: the command's list of
    formats (``LIST_FORMATS``...) keeps the user from asking for it."""

    format: Format

    def commitments(self, commitments: Sequence[Commitment], as_of: date) -> Output:
        raise NotImplementedError(f"{self.format} does not list commitments")

    def report(self, report: Report) -> Output:
        raise NotImplementedError(f"{self.format} does not write reports")

    def review(self, review: Review) -> Output:
        raise NotImplementedError(f"{self.format} does not write review papers")

    def record(self, record: Record) -> Output:
        raise NotImplementedError(f"{self.format} does not export the record")


class TableFormatter(Formatter):
    """Plain-text tables for a file (a terminal gets Rich's styled tables straight from
    ``render``)."""

    format = Format.TABLE

    def commitments(self, commitments: Sequence[Commitment], as_of: date) -> Output:
        from . import commitments_plain_table

        return commitments_plain_table(commitments, as_of)

    def report(self, report: Report) -> Output:
        from .report import terminal_text

        return terminal_text(report)

    def review(self, review: Review) -> Output:
        from .review import text_review

        return text_review(review)


class JsonFormatter(Formatter):
    format = Format.JSON

    def commitments(self, commitments: Sequence[Commitment], as_of: date) -> Output:
        from . import commitments_json

        return commitments_json(commitments)

    def report(self, report: Report) -> Output:
        from .report import json_report

        return json_report(report)

    def review(self, review: Review) -> Output:
        from .review import json_review

        return json_review(review)

    def record(self, record: Record) -> Output:
        from . import to_json

        return to_json(record.document())


class CsvFormatter(Formatter):
    """CSV that Python's csv module reads back exactly; ``excel`` starts it with a UTF-8
    byte-order mark, which Excel needs to read non-Latin names (LibreOffice needs its import
    dialog's character set: see README)."""

    format = Format.CSV

    def __init__(self, *, excel: bool = False) -> None:
        self.excel = excel

    def commitments(self, commitments: Sequence[Commitment], as_of: date) -> Output:
        from . import commitments_csv

        return commitments_csv(commitments, as_of, bom=self.excel)

    def report(self, report: Report) -> Output:
        from .report import csv_report

        return csv_report(report, bom=self.excel)

    def review(self, review: Review) -> Output:
        from .review import csv_review

        return csv_review(review, bom=self.excel)

    def record(self, record: Record) -> Output:
        from ..transfer import CSV_COLUMNS
        from . import csv_table

        rows = record.csv_rows()
        return csv_table(CSV_COLUMNS, ([row[k] for k in CSV_COLUMNS] for row in rows), self.excel)


class MarkdownFormatter(Formatter):
    format = Format.MD

    def commitments(self, commitments: Sequence[Commitment], as_of: date) -> Output:
        from . import commitments_markdown

        return commitments_markdown(commitments, as_of)

    def report(self, report: Report) -> Output:
        from .report import markdown_report

        return markdown_report(report)

    def review(self, review: Review) -> Output:
        from .review import markdown_review

        return markdown_review(review)


class HtmlFormatter(Formatter):
    format = Format.HTML

    def report(self, report: Report) -> Output:
        from .report import html_report

        return html_report(report)

    def review(self, review: Review) -> Output:
        from .review import html_review

        return html_review(review)


class WordFormatter(Formatter):
    format = Format.DOCX

    def report(self, report: Report) -> Output:
        from .word import report_docx

        return report_docx(report)

    def review(self, review: Review) -> Output:
        from .word import review_docx

        return review_docx(review)


class ExcelFormatter(Formatter):
    format = Format.XLSX

    def commitments(self, commitments: Sequence[Commitment], as_of: date) -> Output:
        from .excel import commitments_xlsx

        return commitments_xlsx(commitments, as_of)

    def report(self, report: Report) -> Output:
        from .excel import report_xlsx

        return report_xlsx(report)

    def review(self, review: Review) -> Output:
        from .excel import review_xlsx

        return review_xlsx(review)

    def record(self, record: Record) -> Output:
        from .excel import record_xlsx

        return record_xlsx(record)


_FORMATTERS: dict[Format, type[Formatter]] = {
    Format.TABLE: TableFormatter,
    Format.JSON: JsonFormatter,
    Format.MD: MarkdownFormatter,
    Format.HTML: HtmlFormatter,
    Format.DOCX: WordFormatter,
    Format.XLSX: ExcelFormatter,
}


def formatter(fmt: Format, *, excel: bool = False) -> Formatter:
    """The formatter for a format name, chosen once per command."""
    if fmt is Format.CSV:
        return CsvFormatter(excel=excel)
    return _FORMATTERS[fmt]()


def deliver(
    payload: Output, output: Path | None, *, store: StoreFiles, export: bool = False
) -> None:
    """Write a formatter's output to ``output`` (all of it or none, never over ``store``'s
    own files, nor over an export unless it is one), else to stdout."""
    from . import write_raw

    if output is not None:
        from .report import write_atomic  # to stdout, a paper does without that module

        write_atomic(output, payload, store=store, export=export)
    elif isinstance(payload, bytes):  # check_destination refuses this before any work
        raise BadInput("A binary format needs --output FILE.")
    else:
        write_raw(payload)
