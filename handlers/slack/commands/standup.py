"""`/standup`: stand-up prompts."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.errors import Unavailable, UserError
from bot.standups import flows as flow
from bot.standups import service
from bot.standups.grammar import SendNow, Setup, parse
from bot.standups.views import PromptsSent
from handlers.slack.common import acknowledge, actor_of, answer_request, get_deps, text_of
from handlers.slack.render.catalog import render

LOOKUPS_AT_ONCE = 8  # users.info calls in flight for one `/standup setup`


async def handle_standup(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    request = await acknowledge(ack, lambda: parse(text_of(command), current_channel=command.get("channel_id")))
    if request is None:
        return
    deps = get_deps(context)
    team_id, user_id = command["team_id"], command["user_id"]
    if isinstance(request, SendNow):
        await _send_now(request, deps, client, respond, team_id, user_id)
        return
    if isinstance(request, Setup) and request.members:
        await _look_up_members(deps, team_id, user_id, request.members)
    perform = functools.partial(service.perform, fallback_tz=deps.settings.bot_timezone)
    await answer_request(request, perform, deps=deps, client=client, respond=respond, team_id=team_id,
                         user_id=user_id)


async def _look_up_members(deps: Deps, team_id: str, user_id: str, members: tuple[str, ...]) -> None:
    """Cache each member's zone (users.info) so that the schedule groups them by their own time zone."""
    actor = await deps.people.actor(team_id, user_id)
    if not actor.is_manager:  # the service refuses anyone else; no need to look people up for them
        return
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)  # a slow API is not asked everything at once

    async def look_up(member: str) -> None:
        async with gate:
            await deps.people.profile(team_id, member)

    await asyncio.gather(*(look_up(m) for m in dict.fromkeys(members)))


async def _send_now(request: SendNow, deps: Deps, client: AsyncWebClient, respond: AsyncRespond, team_id: str,
                    user_id: str) -> None:
    async def say(view: object) -> None:
        for message in render(view):
            await respond(response_type="ephemeral", replace_original=False, **message)

    rhythm = deps.rhythm
    try:
        if rhythm is None:
            raise Unavailable("Sorry, my scheduler isn't running right now, so I can't send prompts. "
                              "Please try again in a minute.")
        actor = await actor_of(deps, client, team_id, user_id)
        standup = await deps.db.read(service.for_now, actor=actor, channel_id=request.channel_id,
                                     current_channel=request.current_channel)
        result = await flow.prompt_now(rhythm, team_id, standup)
    except UserError as e:
        await say(str(e))
        return
    r = result.report
    await say(PromptsSent(standup, sent=r.sent + r.retry, already=r.skipped, off=result.off, failed=r.errors))
