"""What a card's button answers (the invoke response) and what every button handler shares.

A handler gets the turn and the action's `data` (the card's inputs included) and returns the
invoke's answer: a card that replaces the one pressed (`replace`), or a message (`note`) that
leaves the card as it was. Work the person need not wait for goes in `later`, run after the answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.errors import UserError
from bot.outcomes import Outcome
from handlers.teams.render import Activity
from handlers.teams.render.cards import CARD
from handlers.teams.render.catalog import render
from handlers.teams.session import Turn
from handlers.teams.text import core

STALE = "This button no longer works. Please use the latest message."
MESSAGE = "application/vnd.microsoft.activity.message"

Later = Callable[[Coroutine[Any, Any, None]], None]
Answer = dict[str, Any]
Handler = Callable[[Turn, dict[str, Any], Later], Awaitable[Answer]]


def note(text: str) -> Answer:
    """A message shown to the person who pressed; the card stays as it was."""
    return {"statusCode": 200, "type": MESSAGE, "value": core(text)}


def replace(activities: list[Activity]) -> Answer:
    """The card pressed, replaced by the first card of `activities` (a text answer: a note)."""
    first = activities[0] if activities else {}
    for attachment in first.get("attachments") or []:
        if attachment.get("contentType") == CARD:
            return {"statusCode": 200, "type": CARD, "value": attachment["content"]}
    return {"statusCode": 200, "type": MESSAGE, "value": first.get("text") or " "}


def number(data: dict[str, Any], key: str) -> int | None:
    """A positive id or number from an action's data (a card may send it as text), else None."""
    v = data.get(key)
    if isinstance(v, str) and v.isdecimal() and len(v) < 10:
        v = int(v)
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 else None


def need(value: int | None) -> int:
    if value is None:
        raise UserError(STALE)
    return value


def rest_later(turn: Turn, outcome: Outcome, later: Later) -> None:
    """What an outcome asks beyond its reply (further replies, posts, schedule changes), after the answer."""
    if outcome.more or outcome.posts or outcome.reschedule:
        later(turn.deliver(Outcome(reply=None, more=outcome.more, posts=outcome.posts,
                                   reschedule=outcome.reschedule)))


async def shown(turn: Turn, outcome: Outcome, later: Later) -> Answer:
    """The outcome's reply in place of the card pressed; the rest of it after the answer."""
    rest_later(turn, outcome, later)
    return replace(render(outcome.reply))
