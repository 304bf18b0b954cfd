"""A form whose submission is one request to one feature's `perform`: the fields read, the modal closed (or
its errors shown), the request carried out, and its answer told to the person where they opened it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.outcomes import Outcome
from bot.requests import Request
from handlers.slack.common import deliver, get_deps, run_request, team_of, tell_user, user_of
from handlers.slack.forms import FormError
from handlers.slack.render.catalog import render
from handlers.slack.views.risk import metadata


async def submit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                 context: dict[str, Any], parse: Callable[[dict[str, Any]], Request],
                 perform: Callable[..., Outcome]) -> None:
    try:
        request = parse((view.get("state") or {}).get("values") or {})
    except FormError as e:
        await ack(response_action="errors", errors=e.errors)
        return
    await ack()
    meta = metadata(view)
    team_id, user_id = team_of(body), user_of(body)
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None

    async def say(**message: Any) -> None:
        await tell_user(client, user_id, channel, message)

    try:
        outcome = await run_request(request, perform, get_deps(context), client, team_id, user_id)
    except UserError as e:
        for part in render(e):
            await say(**part)
        return
    await deliver(outcome, client, say)
