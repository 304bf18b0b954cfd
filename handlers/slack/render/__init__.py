"""Block Kit renderers of the core's views: pure functions from a view to Slack messages.

`render(view)` is the one entry: each feature's module here registers its views on it
(`@render.register`). A view renders to one message or more (a long list is split); core text
(`str`) renders as a plain answer with its references drawn as Slack mentions.
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from bot.errors import UserError
from handlers.slack.render.common import core_message

Message = dict[str, Any]


@singledispatch
def render(view: object) -> list[Message]:
    raise TypeError(f"no Slack rendering for {type(view).__name__}")


@render.register
def _text(view: str) -> list[Message]:
    return [core_message(view)]


@render.register
def _refusal(view: UserError) -> list[Message]:
    """A refusal or bad input: its text. Errors that quote what someone typed register their own."""
    return [core_message(str(view))]


@render.register
def _rendered(view: dict) -> list[Message]:  # type: ignore[type-arg]
    return [view]
