"""Options that commands of more than one module share, defined once: ``--meeting``.

Here rather than in ``actions`` so that ``report`` and ``review`` do not import (and Typer
does not evaluate) the nine commitment commands to reach it.
"""

from typing import Annotated

import typer

from . import completion

MeetingOpt = Annotated[
    str,
    typer.Option(
        "--meeting",
        "-m",
        metavar="KEY",
        help="Meeting key, e.g. 9 or manila-2015.",
        autocompletion=completion.meetings,
    ),
]
