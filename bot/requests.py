"""From a slash command's text to what to do: a service call, help, or a modal.

Pure functions: no Slack, no database. A bad argument raises `UsageError`
with the command's usage, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """Run service `fn` with these keyword arguments (plus `session` and `actor`)."""

    fn: Callable[..., Any]
    write: bool
    kwargs: dict[str, Any] = field(default_factory=dict)
    # False where the person's role is not needed; giving feedback, for one, must not
    # even look the author up, so that anonymous feedback leaves no trace of them.
    lookup_actor: bool = True
    # Guest accounts (clients in the workspace, asked in check-ins) may make this call. Few may:
    # giving feedback, for one. A call that skips the look-up must allow guests (it cannot tell).
    guests: bool = False


@dataclass
class Help:
    text: str


@dataclass
class Modal:
    """Open the command's form."""

    prefill: dict[str, Any] = field(default_factory=dict)


Request = Call | Help | Modal

HELP_WORDS = {"help", "?", "-h", "--help", "usage"}
