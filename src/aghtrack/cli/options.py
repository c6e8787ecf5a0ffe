"""Options that commands of more than one module share, defined once: ``--meeting``, a
commitment reference, ``--owner``, ``--json``.

Here rather than in a command module, so that a command does not import (nor Typer evaluate)
the commands of another module to reach them.
"""

from typing import Annotated, Any

import typer

from . import completion


def _meeting_option() -> Any:
    return typer.Option(
        "--meeting",
        "-m",
        metavar="KEY",
        help="Meeting key, e.g. 9 or manila-2015.",
        autocompletion=completion.meetings,
    )


MeetingOpt = Annotated[str, _meeting_option()]
#: ``report 9`` or ``report --meeting 9``: the option where the meeting may also be an argument.
MaybeMeetingOpt = Annotated[str | None, _meeting_option()]

RefArg = Annotated[
    str,
    typer.Argument(
        metavar="REF",
        help="Commitment reference (e.g. 9.3) or the start of its id.",
        autocompletion=completion.references,
        show_default=False,
    ),
]
#: ``list`` and ``report`` filter alike (``Commitment.involves``).
OwnerOpt = Annotated[
    str | None,
    typer.Option(
        "--owner",
        "-o",
        metavar="NAME",
        help="Only commitments this party leads, co-owns or supports.",
        autocompletion=completion.owners,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
