"""The feedback modal, submitted."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.feedback import service as feedback
from bot.feedback.grammar import parse_form
from bot.requests import Call
from handlers.slack.common import deliver, get_deps, run_call, team_of, tell_user, user_of
from handlers.slack.forms import FormError
from handlers.slack.render.common import plain_message
from handlers.slack.views.risk import metadata


async def handle_feedback_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any],
                                client: AsyncWebClient, context: dict[str, Any]) -> None:
    try:
        data = parse_form((view.get("state") or {}).get("values") or {})
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
        call = Call(feedback.give, write=True, kwargs={"data": data}, lookup_actor=False, guests=True)
        outcome = await run_call(call, get_deps(context), client, team_id, user_id)
    except UserError as e:
        await say(**plain_message(str(e)))
        return
    await deliver(outcome, client, say)
