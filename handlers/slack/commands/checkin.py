"""`/checkin`: weekly stakeholder check-ins (managers configure)."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.checkins import flows
from bot.checkins import service as checkins
from bot.checkins.grammar import Send, parse
from bot.checkins.views import Sent
from bot.deps import Deps
from bot.errors import Unavailable, UserError
from bot.schedules import occurrence_key
from handlers.slack.common import acknowledge, actor_of, answer_request, get_deps, text_of
from handlers.slack.render.catalog import render

NOT_RUNNING = "My scheduler isn't running right now, so nothing was sent. Please try again in a minute."


async def handle_checkin(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    request = await acknowledge(ack, lambda: parse(text_of(command)))
    if request is None:  # help or bad input: answered in the ack
        return
    deps = get_deps(context)
    team_id, user_id = command["team_id"], command["user_id"]
    if isinstance(request, Send):
        await _send_now(request, deps, client, respond, team_id, user_id)
        return
    # A new schedule is in the manager's zone, or the workspace's (BOT_TIMEZONE) when theirs is unknown.
    perform = functools.partial(checkins.perform, fallback_tz=deps.settings.bot_timezone)
    await answer_request(request, perform, deps=deps, client=client, respond=respond, team_id=team_id,
                         user_id=user_id)


async def _send_now(request: Send, deps: Deps, client: AsyncWebClient, respond: AsyncRespond, team_id: str,
                    user_id: str) -> None:
    """`/checkin send`: the same flow the schedule runs, for the occurrence of this minute."""

    async def say(view: object) -> None:
        for message in render(view):
            await respond(response_type="ephemeral", replace_original=False, **message)

    try:
        actor = await actor_of(deps, client, team_id, user_id)
        target = await deps.db.read(checkins.prepare_send, actor=actor, project_name=request.project_name)
        rhythm = deps.rhythm
        if rhythm is None:
            raise Unavailable(NOT_RUNNING)
    except UserError as e:  # a view too: one that names a project escapes it in its renderer
        await say(e)
        return
    report = await flows.send_poll(rhythm, team_id, target.project_id, occurrence=occurrence_key(rhythm.now()),
                                   sent_by=user_id)
    await say(Sent(target.project_name, sent=report.sent, skipped=report.skipped, retry=report.retry,
                   failed=report.failed, errors=dict(report.errors)))
