"""Adaptive Card renderers of the core's views: pure functions from a view to Teams activities.

`render(view)` is the one entry: each feature's module here registers its views on it
(`@render.register`); `handlers.teams.render.catalog` imports them all. An `Activity` is a dict
ready to POST to the Bot Framework connector: a markdown message (`text`, `textFormat`) or a
message with one Adaptive Card attachment. Core text (`str`) and refusals (`UserError`) render as
markdown messages, the core's light emphasis kept and everything else escaped
(`handlers.teams.text.core`); a long text is split over several messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch

from bot.errors import UserError
from handlers.teams.render.cards import Activity, core_message

__all__ = ["Activity", "Rendered", "render"]


@singledispatch
def render(view: object) -> list[Activity]:
    raise TypeError(f"no Teams rendering for {type(view).__name__}")


@render.register
def _text(view: str) -> list[Activity]:
    return core_message(view)


@render.register
def _refusal(view: UserError) -> list[Activity]:
    """A refusal or bad input: its text. Errors that quote what someone typed register their own."""
    return core_message(str(view))


@dataclass(frozen=True)
class Rendered:
    """Activities built already (a form card): posted through the `Messenger` as they are."""

    activities: tuple[Activity, ...]


@render.register
def _rendered(view: Rendered) -> list[Activity]:
    return list(view.activities)
