"""The output options every command that writes a document shares: ``--format``, ``--output``
and ``--excel``, defined once (``list``, ``report``, ``review``, ``export``).

``--format`` takes the formats a command offers (``render.formats.LIST_FORMATS``...), checks the
name, and completes it in the shell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from ..render.formats import (
    EXPORT_FORMATS,
    LIST_FORMATS,
    REPORT_FORMATS,
    REVIEW_FORMATS,
    Format,
)

__all__ = [
    "EXPORT_FORMATS",
    "LIST_FORMATS",
    "REPORT_FORMATS",
    "REVIEW_FORMATS",
    "ExcelOpt",
    "OutputOpt",
    "chosen_format",
    "format_option",
]


def _parser(formats: Sequence[Format]) -> Callable[[Any], Format]:
    names = ", ".join(f.value for f in formats)

    def parse(value: Any) -> Format:
        if isinstance(value, Format):
            return value
        try:
            fmt = Format(str(value).strip().lower())
        except ValueError:
            raise typer.BadParameter(f"'{value}' is not one of {names}.") from None
        if fmt not in formats:
            raise typer.BadParameter(f"'{value}' is not one of {names}.")
        return fmt

    return parse


def _completer(formats: Sequence[Format]) -> Callable[[str], list[tuple[str, str]]]:
    def complete(incomplete: str) -> list[tuple[str, str]]:
        return [(f.value, f.description) for f in formats if f.value.startswith(incomplete)]

    return complete


def format_option(formats: Sequence[Format], help: str = "") -> Any:
    """``--format/-f`` limited to ``formats``; use as ``Annotated[Format, format_option(...)]``.

    The help names every format with what it is for; binary ones need ``--output``."""
    described = ", ".join(f.description for f in formats)
    binary = [f.value for f in formats if f.binary]
    needs_output = f" {' and '.join(binary)} need --output." if binary else ""
    return typer.Option(
        "--format",
        "-f",
        metavar="[" + "|".join(f.value for f in formats) + "]",
        help=(help + " " if help else "") + described + "." + needs_output,
        parser=_parser(formats),
        autocompletion=_completer(formats),
    )


def _dash_is_stdout(value: Path | None) -> Path | None:
    """``--output -`` is standard output, as for most command-line tools."""
    return None if value is not None and str(value) == "-" else value


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-O",
        metavar="FILE",
        help="Write to this file (replaced in one step) instead of stdout ('-': stdout).",
        dir_okay=False,
        callback=_dash_is_stdout,
    ),
]
ExcelOpt = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for Excel: start with a UTF-8 byte-order mark so non-Latin names open right.",
    ),
]


def chosen_format(
    ctx: typer.Context,
    fmt: Format,
    output: Path | None,
    offered: Sequence[Format],
    *,
    excel: bool = False,
    as_json: bool = False,
) -> Format:
    """The format a command writes (``--json`` or ``--format`` if given, else the one
    ``--output``'s name says), checked against where it goes before any work is done."""
    from ..render import formats

    source = ctx.get_parameter_source("fmt")
    given = as_json or (source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP"))
    chosen = formats.destination_format(
        Format.JSON if as_json else fmt, output, given=given, offered=offered
    )
    formats.check_destination(chosen, output, excel=excel)
    return chosen
