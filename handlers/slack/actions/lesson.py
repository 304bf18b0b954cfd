"""The buttons of lessons and similar risks: a lesson list's pages, the closed project's "Log a lesson"
(opens the form with the project), and "close the new risk as a duplicate"."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.lessons import service as lessons
from bot.lessons.grammar import ListLessons
from bot.parsing import button_json
from bot.risks import duplicates
from handlers.slack import ids
from handlers.slack.actions.paging import _turn
from handlers.slack.commands.lesson import open_lesson_modal
from handlers.slack.common import deliver, get_deps, respond_or_dm, run_request, team_of, user_of
from handlers.slack.render.catalog import render
from handlers.slack.render.common import plain_message

DUPLICATE_ACTION = re.compile(rf"^{ids.RISK_DUPLICATE}(_\d+)?$")
STALE = "That button belongs to a message I can no longer read. `/risk list` shows the risks."


def _state(body: dict[str, Any]) -> dict[str, Any]:
    state = button_json((body.get("actions") or [{}])[0].get("value") or "{}")
    return state if isinstance(state, dict) else {}


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 10**9 else None


def _str(v: Any, limit: int) -> str | None:
    return v[:limit] if isinstance(v, str) and v.strip() else None


async def handle_lesson_page(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                             context: dict[str, Any]) -> None:
    await ack()
    s = _state(body)
    query = _str(s.get("q"), 500)
    request = ListLessons(project_id=_int(s.get("p")), tag=_str(s.get("t"), 40),
                          words=tuple(query.lower().split()[:10]) if query else (), page=_int(s.get("page")) or 1)
    await _turn(run_request(request, lessons.perform, get_deps(context), client, team_of(body), user_of(body)),
                respond)


async def handle_lesson_open(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                             context: dict[str, Any]) -> None:
    """The lesson form, with the closed project chosen."""
    await ack()
    project_id = _int(_state(body).get("p"))
    channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
    try:
        await open_lesson_modal(client, get_deps(context), team_of(body), body["trigger_id"], {"channel": channel},
                                {"project_id": project_id} if project_id else {}, user_id=user_of(body))
    except UserError as e:
        for part in render(e):
            await respond_or_dm(respond, client, user_of(body), part)


async def handle_risk_duplicate(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                                context: dict[str, Any]) -> None:
    """Close the new risk as a duplicate of the similar one; refused to whoever may not close it."""
    await ack()
    user_id = user_of(body)

    async def private(**message: Any) -> None:
        await respond_or_dm(respond, client, user_id, message)

    s = _state(body)
    number, of = _int(s.get("n")), _int(s.get("of"))
    if number is None or of is None:
        await private(**plain_message(STALE))
        return
    try:
        outcome = await run_request(duplicates.CloseAsDuplicate(number, of), duplicates.perform, get_deps(context),
                                    client, team_of(body), user_id)
    except UserError as e:
        for part in render(e):
            await private(**part)
        return
    await deliver(outcome, client, private)
