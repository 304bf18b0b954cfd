"""What a command's text asks for: a typed request for a feature's service, help, or its form.

Each feature's grammar (`bot/<feature>/grammar.py`) turns command text, already in the core's
text (`bot.text`), into one of its request dataclasses; its service's `perform` carries it out.
Pure functions: no platform, no database. A bad argument raises `UsageError` with the command's
usage, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


class Request:
    """Base of every feature's typed requests; the class says how a front end runs it."""

    write: ClassVar[bool] = True  # False: a read-only unit of work
    # False where the person's role is not needed; giving feedback, for one, must not
    # even look the author up, so that anonymous feedback leaves no trace of them.
    lookup_actor: ClassVar[bool] = True
    # Guest accounts (clients in the workspace, asked in check-ins) may make this request. Few may:
    # giving feedback, for one. A request that skips the look-up must allow guests (it cannot tell).
    guests: ClassVar[bool] = False


@dataclass
class Help:
    text: str


@dataclass
class Modal:
    """Open the command's form."""

    prefill: dict[str, Any] = field(default_factory=dict)


HELP_WORDS = {"help", "?", "-h", "--help", "usage"}
