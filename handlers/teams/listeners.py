"""What the bot does with each kind of activity: `LISTENERS` maps an activity's type to its listener.

A listener gets the turn and a `later` that runs work after the HTTP answer (in the front end's
`Backlog`, which a stop drains), and returns what the HTTP answer carries: None (200, nothing) for
messages and installations, whose work all happens later; the invoke response for a card's button.
Every error is answered by `handlers.teams.errors.apology`, logged there once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.errors import UserError
from handlers.teams import text as teams_text
from handlers.teams.actions import VERBS
from handlers.teams.activity import PERSONAL
from handlers.teams.answers import STALE, Answer, Later, note
from handlers.teams.commands import COMMANDS, HELP
from handlers.teams.errors import apology
from handlers.teams.render import Rendered
from handlers.teams.render.cards import CARD, activity
from handlers.teams.session import Turn

log = logging.getLogger(__name__)

WELCOME = ("Hi, I'm the project assistant: I keep the team's risks, feedback, check-ins, stand-ups, project "
           "scope and lessons learned. "
           "Type `help` to see what I can do (in a channel, @mention me first).")
INVOKE_ACTION = "adaptiveCard/action"

Listener = Callable[[Turn, Later], Awaitable[Answer | None]]


async def guarded(turn: Turn, work: Coroutine[Any, Any, None], where: str) -> None:
    """Run `work`; a refusal or bad input is told to the person alone, anything else apologised for."""
    try:
        await work
    except UserError as e:
        await _tell(turn, e)
    except Exception as e:  # noqa: BLE001 - the one place the Teams front end reports errors after its answer
        await _tell(turn, apology(e, where))


async def _tell(turn: Turn, view: Any) -> None:
    try:
        await turn.tell(view)
    except Exception:  # noqa: BLE001 - telling itself failed; the log has the cause
        log.warning("teams: could not tell the person about an error", exc_info=True)


async def on_message(turn: Turn, later: Later) -> Answer | None:
    value = turn.inbound.body.get("value")
    if isinstance(value, dict) and isinstance(value.get("verb"), str):  # an Action.Submit button
        later(guarded(turn, submitted(turn, value), "a card's submit"))
        return None
    if turn.inbound.kind != PERSONAL and not turn.inbound.mentions_bot():
        return None  # in a channel or group chat, only what is said to the bot
    text = teams_text.to_core(str(turn.inbound.body.get("text") or ""), turn.inbound.mentions,
                              bot_id=turn.inbound.recipient)
    later(guarded(turn, command(turn, text), "a command"))
    return None


async def command(turn: Turn, text: str) -> None:
    word, _, rest = text.strip().partition(" ")
    handler = COMMANDS.get(word.lower().lstrip("/"))
    if handler is None:
        await turn.tell(HELP)
        return
    await handler(turn, rest.strip())


async def submitted(turn: Turn, value: dict[str, Any]) -> None:
    """An `Action.Submit` (a message, not an invoke): the same verbs, the answer posted as a message."""
    pending: list[Coroutine[Any, Any, None]] = []
    answer = await run_verb(turn, str(value["verb"]), value, pending.append)
    if answer.get("type") == CARD:
        await turn.say(Rendered((activity(answer["value"]),)))
    else:
        await turn.tell(str(answer.get("value") or ""))
    for work in pending:  # already running after the HTTP answer: the rest simply follows
        await work


async def run_verb(turn: Turn, verb: str, data: dict[str, Any], later: Later) -> Answer:
    handler = VERBS.get(verb)
    if handler is None:
        return note(STALE)
    return await handler(turn, data, later)


async def on_invoke(turn: Turn, later: Later) -> Answer | None:
    """A card's `Action.Execute` (the SDK's `AdaptiveCardInvokeActivity`): answered in the HTTP response."""
    value = getattr(turn.inbound.activity, "value", None)
    action = getattr(value, "action", None)
    if turn.inbound.body.get("name") != INVOKE_ACTION or action is None:
        return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": " "}
    data: dict[str, Any] = action.data if isinstance(action.data, dict) else {}
    try:
        return await run_verb(turn, str(action.verb or ""), data, later)
    except UserError as e:
        return note(str(e))
    except Exception as e:  # noqa: BLE001 - answered in the invoke response
        return note(apology(e, "a card's button"))


async def on_installed(turn: Turn, later: Later) -> Answer | None:
    """The app installed (or the bot added to a conversation): the conversation is stored already; a welcome."""
    body = turn.inbound.body
    if body.get("type") == "installationUpdate" and str(body.get("action") or "").startswith("remove"):
        return None
    if body.get("type") == "conversationUpdate":
        added = [str(m.get("id") or "") for m in body.get("membersAdded") or [] if isinstance(m, dict)]
        if turn.inbound.recipient not in added:
            return None
    later(guarded(turn, _welcome(turn), "the welcome"))
    return None


async def _welcome(turn: Turn) -> None:
    await turn.say(WELCOME)


LISTENERS: dict[str, Listener] = {
    "message": on_message,
    "invoke": on_invoke,
    "installationUpdate": on_installed,
    "conversationUpdate": on_installed,
}
